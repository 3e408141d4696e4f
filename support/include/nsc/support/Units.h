//===- Units.h - SI dimension algebra ---------------------------*- C++ -*-===//
//
// A physical unit is a dimension (integer exponents of the 7 SI base units)
// times a scale factor relative to the coherent SI unit: mV = V * 1e-3,
// ms = s * 1e-3, nS = S * 1e-9. Two quantities may be added when their
// dimensions agree; a differing scale (mV + V) is converted by the ratio of
// the scales, never rejected.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nsc::units {

/// SI base quantities in the conventional order.
enum BaseDim : unsigned {
  Length = 0,      // m
  Mass = 1,        // kg
  Time = 2,        // s
  Current = 3,     // A
  Temperature = 4, // K
  Amount = 5,      // mol
  Luminosity = 6,  // cd
  NumBaseDims = 7
};

struct Dimension {
  std::array<int8_t, NumBaseDims> exp{};

  bool isDimensionless() const {
    for (int8_t e : exp)
      if (e)
        return false;
    return true;
  }
  bool operator==(const Dimension &o) const { return exp == o.exp; }
  bool operator!=(const Dimension &o) const { return exp != o.exp; }
  Dimension operator*(const Dimension &o) const {
    Dimension r;
    for (unsigned i = 0; i < NumBaseDims; ++i)
      r.exp[i] = static_cast<int8_t>(exp[i] + o.exp[i]);
    return r;
  }
  Dimension operator/(const Dimension &o) const {
    Dimension r;
    for (unsigned i = 0; i < NumBaseDims; ++i)
      r.exp[i] = static_cast<int8_t>(exp[i] - o.exp[i]);
    return r;
  }
  Dimension pow(int n) const {
    Dimension r;
    for (unsigned i = 0; i < NumBaseDims; ++i)
      r.exp[i] = static_cast<int8_t>(exp[i] * n);
    return r;
  }
  /// Exact root; nullopt when some exponent is not divisible by n.
  std::optional<Dimension> root(int n) const;

  static Dimension base(BaseDim d) {
    Dimension r;
    r.exp[d] = 1;
    return r;
  }
  static Dimension time() { return base(Time); }
};

/// A unit: dimension and scale (value_SI = value * scale).
struct Unit {
  Dimension dim;
  double scale = 1.0;

  static Unit dimensionless() { return {}; }
  bool isDimensionless() const { return dim.isDimensionless(); }
  /// Same dimension and (to 1e-12 relative) the same scale.
  bool sameAs(const Unit &o) const;
  Unit operator*(const Unit &o) const;
  Unit operator/(const Unit &o) const;
  Unit pow(int n) const;
  /// This unit to a real power p when the result has integer exponents
  /// (p = k/n with n <= 16, e.g. (uS**2)**0.5 = uS); nullopt otherwise.
  std::optional<Unit> powReal(double p) const;
  /// Factor that converts a value in `from` into this unit:
  /// value_in_this = value_in_from * conversionFrom(from). Dimensions must agree.
  double conversionFrom(const Unit &from) const { return from.scale / scale; }
};

/// Looks up a unit name as written in a model: base and derived SI units
/// (V A S Ohm F s Hz mol M m K g L ...) with any SI prefix (q..Q, incl. 'u'
/// and 'µ' for micro), plus spellings neuroscience uses (um2, cm2, mM).
/// Returns nullopt for unknown names.
std::optional<Unit> lookupUnit(std::string_view name);

/// True when `name` is a unit name (lookupUnit succeeds).
inline bool isUnitName(std::string_view name) { return lookupUnit(name).has_value(); }

/// Parses a unit expression such as "mV/ms", "1/ms", "nS**2",
/// "(ms*mV)**-1", "pA*MOhm". Returns nullopt on syntax errors or unknown
/// names; `error` (when given) receives a one-line reason.
std::optional<Unit> parseUnitExpr(std::string_view text, std::string *error = nullptr);

/// Canonical readable spelling: a known name when one matches exactly
/// ("mV", "nS", "pA", "ms", "Hz", "1/ms", "mV/ms"), otherwise SI base units
/// with the scale ("1e-3 m^2*kg*s^-3*A^-1"). Dimensionless with scale 1
/// prints as "1".
std::string formatUnit(const Unit &u);

/// Readable dimension ("voltage", "time", "conductance", ... or the base
/// exponents "m^2*kg*s^-3*A^-1" when there is no common name).
std::string describeDimension(const Dimension &d);

} // namespace nsc::units
