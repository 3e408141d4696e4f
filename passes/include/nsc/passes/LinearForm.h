//===- LinearForm.h - Affine decomposition of IR expressions ----*- C++ -*-===//
//
// The ODE passes ask of a right-hand side: is it  Σ_j c_j·x_j + b  in the
// variables x_j of interest, with c_j and b not reading any of them? The
// answer classifies a system (exact propagator, exponential Euler, or a
// numeric integrator) and gives the coefficient expressions the solvers are
// built from. When the answer is no, it says which term is to blame.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Builder.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nsc::passes {

using VarPredicate = std::function<bool(ir::VarId)>;

struct LinearTerm {
  ir::VarId var = ir::kNoVar;
  /// Of type unit(expr)/unit(var); reads none of the variables.
  ir::ExprPtr coeff;
};

struct LinearForm {
  std::vector<LinearTerm> terms; // one per variable, in order of appearance
  ir::ExprPtr offset;            // null for 0; of the expression's type
  const LinearTerm *find(ir::VarId v) const;
};

/// Why an expression is not affine in the variables: the sub-expression
/// and a phrase such as "product of 'V_m' and 'g_ex'".
struct NonLinearity {
  const ir::Expr *at = nullptr;
  std::string why;
};

/// Decomposes `e` as Σ coeff_v·v + offset over the variables v with
/// isVar(v). Returns nullopt (and fills `why` if given) when `e` is not
/// affine in them. Coefficients are built with `b` and keep the units
/// consistent (coefficient of v: unit(e)/unit(v)).
std::optional<LinearForm> decomposeLinear(const ir::Expr &e, const VarPredicate &isVar,
                                          const ir::Builder &b, NonLinearity *why = nullptr);

/// Whether `e` reads any variable with isVar(v).
bool readsAny(const ir::Expr &e, const VarPredicate &isVar);
/// The variables `e` reads, each once, in order of appearance.
std::vector<ir::VarId> variablesRead(const ir::Expr &e);
/// Whether `e` calls the given builtin.
bool callsBuiltin(const ir::Expr &e, ir::Builtin which);
/// Whether `e` draws random numbers.
bool callsRandom(const ir::Expr &e);

/// A deep copy of `e` in which every VarRef (unindexed) to a variable for
/// which `replace` returns non-null is replaced by that expression.
ir::ExprPtr substitute(const ir::Expr &e,
                       const std::function<ir::ExprPtr(const ir::VarRef &)> &replace);

} // namespace nsc::passes
