//===- UnitTable.h - Named units and SI prefixes (internal) -----*- C++ -*-===//
//
// Shared by the unit-name lookup, the unit-expression parser and the
// formatter, so all three agree on which names exist and what they mean.
// Not a public header: only the unit sources in support/lib include it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Units.h"

#include <string>
#include <string_view>
#include <vector>

namespace nsc::units::detail {

struct Prefix {
  std::string_view name; // "k", "da", "u", "µ" ...
  int exponent;          // power of ten
};

/// Every SI prefix, longest spelling first so "da" is tried before "d".
/// Includes the ASCII 'u' and both micro signs (U+00B5, U+03BC).
const std::vector<Prefix> &prefixes();

struct NamedUnit {
  std::string_view name;
  Unit unit;
  bool prefixable; // "min" is not: "mmin" is not a unit
};

/// Every unit name that may appear without a prefix.
const std::vector<NamedUnit> &namedUnits();

/// Relative comparison used for unit scales (1e-12).
bool nearlyEqual(double a, double b);

/// 10^n computed exactly enough for the prefix range (|n| <= 30).
double pow10i(int n);

/// Shortest decimal spelling that reads back to the same double
/// ("0.001", "1e-15", "60").
std::string formatNumber(double v);

} // namespace nsc::units::detail
