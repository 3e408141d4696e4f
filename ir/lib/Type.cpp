//===- Type.cpp - Source spelling of types and precisions -----------------===//
#include "nsc/ir/Type.h"

#include <string>

namespace nsc::ir {

static const char *roundingName(Rounding r) {
  switch (r) {
  case Rounding::NearestEven: return "nearest_even";
  case Rounding::TowardZero: return "toward_zero";
  case Rounding::Floor: return "floor";
  }
  return "nearest_even";
}

static const char *overflowName(Overflow o) {
  switch (o) {
  case Overflow::Saturate: return "saturate";
  case Overflow::Wrap: return "wrap";
  }
  return "saturate";
}

std::string Precision::str() const {
  switch (kind) {
  case F64: return "f64";
  case F32: return "f32";
  case Fixed:
    return "fixed<Q" + std::to_string(intBits) + "." + std::to_string(fracBits) +
           "," + roundingName(rounding) + "," + overflowName(overflow) + ">";
  }
  return "f64";
}

/// True for the plain number unit (dimensionless, scale 1).
static bool isPlainNumber(const units::Unit &u) {
  return u.isDimensionless() && u.sameAs(units::Unit::dimensionless());
}

std::string Type::str() const {
  switch (kind) {
  case TypeKind::Error: return "<error>";
  case TypeKind::Void: return "void";
  case TypeKind::Bool: return "boolean";
  case TypeKind::String: return "string";
  case TypeKind::Int:
    // The language has no integer-with-unit type; sema can still produce one
    // (an integer literal times a unit before promotion), so show both parts.
    if (isPlainNumber(unit))
      return "integer";
    return "integer[" + units::formatUnit(unit) + "]";
  case TypeKind::Real:
    // A real with a unit is written as just the unit ("mV"), as in source.
    if (isPlainNumber(unit))
      return "real";
    return units::formatUnit(unit);
  }
  return "<error>";
}

} // namespace nsc::ir
