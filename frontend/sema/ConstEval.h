//===- ConstEval.h - Evaluation of constant expressions ---------*- C++ -*-===//
//
// Internal to nsc_sema. Evaluates already type-checked expressions made of
// literals, unit names and arithmetic (vector sizes, `**` exponents, network
// sizes, slices, weights, semantics settings). No diagnostics: callers
// decide what a non-constant means.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"

#include <optional>

namespace nsc::sema {

struct ConstValue {
  double value = 0;           // in `unit`
  units::Unit unit;
  ir::TypeKind kind = ir::TypeKind::Real;
  bool isInteger() const { return kind == ir::TypeKind::Int; }
  /// The value expressed in `u` (dimensions must agree, or the value be
  /// dimensionless, which is then taken as already in `u`).
  double in(const units::Unit &u) const;
};

std::optional<ConstValue> evaluateConstant(const ast::Expr *e);

} // namespace nsc::sema
