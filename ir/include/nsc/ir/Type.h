//===- Type.h - Numeric kind x physical unit --------------------*- C++ -*-===//
//
// Every value in nsc, in the checked AST and in the IR, has a Type: a numeric
// kind and (for numbers) a physical unit. Real values additionally carry a
// precision, fixed by the `semantics:` block when the IR is built: IEEE
// float64 or float32, or signed fixed point Qm.n with a rounding and an
// overflow mode. Backends read the precision; sema only needs the kind.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Units.h"

#include <string>

namespace nsc::ir {

enum class TypeKind { Error, Void, Bool, Int, Real, String };

enum class Rounding { NearestEven, TowardZero, Floor };
enum class Overflow { Saturate, Wrap };

/// Numeric representation of a real value.
struct Precision {
  enum Kind { F64, F32, Fixed } kind = F64;
  // Fixed only: Qm.n = m integer bits (incl. sign) and n fraction bits.
  int intBits = 0, fracBits = 0;
  Rounding rounding = Rounding::NearestEven;
  Overflow overflow = Overflow::Saturate;

  static Precision f64() { return {}; }
  static Precision f32() { Precision p; p.kind = F32; return p; }
  static Precision fixed(int m, int n, Rounding r = Rounding::NearestEven,
                         Overflow o = Overflow::Saturate) {
    Precision p;
    p.kind = Fixed;
    p.intBits = m;
    p.fracBits = n;
    p.rounding = r;
    p.overflow = o;
    return p;
  }
  int totalBits() const { return kind == F64 ? 64 : kind == F32 ? 32 : intBits + fracBits; }
  bool operator==(const Precision &o) const {
    return kind == o.kind && intBits == o.intBits && fracBits == o.fracBits &&
           rounding == o.rounding && overflow == o.overflow;
  }
  /// "f64", "f32", "fixed<Q8.8,nearest_even,saturate>"
  std::string str() const;
};

struct Type {
  TypeKind kind = TypeKind::Error;
  units::Unit unit;        // meaningful for Int and Real
  Precision precision;     // meaningful for Real

  static Type error() { return {}; }
  static Type voidTy() { return {TypeKind::Void, {}, {}}; }
  static Type boolean() { return {TypeKind::Bool, {}, {}}; }
  static Type string() { return {TypeKind::String, {}, {}}; }
  static Type integer(units::Unit u = {}) { return {TypeKind::Int, u, {}}; }
  static Type real(units::Unit u = {}, Precision p = {}) { return {TypeKind::Real, u, p}; }

  bool isError() const { return kind == TypeKind::Error; }
  bool isNumeric() const { return kind == TypeKind::Int || kind == TypeKind::Real; }
  /// Same kind and same unit (precision ignored).
  bool sameAs(const Type &o) const {
    return kind == o.kind && (!isNumeric() || unit.sameAs(o.unit));
  }
  /// Source-language spelling: "real", "integer", "boolean", "mV", "mV/ms"...
  std::string str() const;
};

} // namespace nsc::ir
