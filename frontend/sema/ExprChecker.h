//===- ExprChecker.h - Types and units of expressions -----------*- C++ -*-===//
//
// Internal to nsc_sema. Resolves the names of an expression, computes its
// ir::Type (kind x unit) bottom-up, stores it in Expr::type and reports
// type and unit errors. The environment (scope, region, enclosing function,
// the declaration whose initial value is being checked) is set by the
// caller (ModelChecker, StmtChecker, NetworkChecker).
//
// Unit rules (see docs/language.md):
//  - `+ - % < <= > >= == !=`, `?:` branches, min/max/clip arguments must
//    agree in dimension; a different scale (mV vs V) is fine and the result
//    takes the left operand's unit (lowering converts the right one).
//    `0` and `inf` literals agree with any unit.
//  - `* /` combine units; `**` with a physical base needs a constant integer
//    exponent; exp/ln/sin/... need dimensionless arguments; sqrt halves the
//    exponents.
//  - integer / integer is integer division; with two integer literals that
//    do not divide evenly a warning says what it yields.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Builtins.h"
#include "SemaContext.h"

#include <set>

namespace nsc::sema {

/// Where an expression occurs; decides which names and built-ins it may use.
enum class Region {
  ParameterInit, InternalInit, StateInit, Guard, VectorSize,
  OdeRhs, KernelRhs, InlineRhs,
  Update, OnReceive, OnCondition, Function,
  Network, // network and semantics blocks: literals, units, constants
  PairProbability, // pairwise_bernoulli(p = ...): Network's, plus the pair indices i and j
};

/// A call from one user function to another (for recursion detection).
struct CallEdge {
  const ast::FunctionDecl *caller;
  const ast::FunctionDecl *callee;
  const ast::Call *call;
};

class ExprChecker {
public:
  ExprChecker(SemaContext &ctx, ModelInfo *model) : ctx_(ctx), diags_(ctx.diags), model_(model) {}

  // --- environment, set by the caller ---------------------------------
  const Scope *scope = nullptr;
  Region region = Region::Update;
  const ast::FunctionDecl *function = nullptr;
  /// Set while checking the initial value of this model variable.
  const Symbol *initOf = nullptr;
  /// When set, collects the model variables the initial value refers to
  /// (name and place), for the dependency-order check.
  std::vector<std::pair<std::string, SourceRange>> *initRefs = nullptr;
  /// The kernel whose right-hand side is being checked (may refer to itself).
  std::string currentKernel;
  /// Inline expressions referenced while checking an inline's rhs.
  std::vector<const ast::InlineDecl *> *inlineRefs = nullptr;
  /// Calls between user functions.
  std::vector<CallEdge> *callEdges = nullptr;

  /// Checks `e` and returns its type (also stored in e->type). A call to a
  /// void function is allowed (statement context).
  ir::Type check(ast::Expr *e);
  /// Like check() but the expression must produce a value.
  ir::Type checkValue(ast::Expr *e);
  /// Checks a condition that must be boolean; `what` names it ("condition",
  /// "guard").
  void checkCondition(ast::Expr *e, const char *what);
  /// Checks an integer-valued expression (vector index, size).
  void checkInteger(ast::Expr *e, const char *what);

  /// The model-level symbol for `name` in the current scope chain.
  const Symbol *lookup(const std::string &name) const;
  /// Annotates `ref` as a reference to `sym` (resolution, target, type).
  void bind(ast::NameRef *ref, const Symbol &sym);
  /// Reports "use of undeclared ..." with a suggestion.
  void reportUndeclared(const std::string &name, SourceRange range, const char *what);
  /// Adds "'x' declared here" notes for the names an expression refers to.
  void noteDeclarations(DiagnosticEngine::Builder &d, const ast::Expr *e) const;

  ModelInfo *model() const { return model_; }
  SemaContext &context() const { return ctx_; }

private:
  ir::Type checkNumber(ast::NumberLit *n);
  ir::Type checkName(ast::NameRef *n);
  ir::Type checkUnary(ast::Unary *u);
  ir::Type checkBinary(ast::Binary *b);
  ir::Type checkTernary(ast::Ternary *t);
  ir::Type checkCall(ast::Call *c);
  ir::Type checkUserCall(ast::Call *c, const Symbol &fn);
  ir::Type checkList(ast::List *l);
  void checkIndex(ast::NameRef *n, const Symbol &sym);
  void checkInitOrder(ast::NameRef *n, const Symbol &sym);

  /// Operands that must agree in dimension (`+`, comparisons, min/max...).
  /// Returns the common type or Error after a diagnostic.
  /// With `lenient` (`+` and `-`, as in NESTML) a dimensionless operand
  /// next to a physical one is accepted with a warning and taken in that unit.
  ir::Type unify(const ast::Expr *lhs, const ast::Expr *rhs, SourceRange where,
                 const std::string &message, bool lenient = false);

  // BuiltinCalls.cpp
  ir::Type checkBuiltinCall(ast::Call *c, const BuiltinInfo &info);
  ir::Type checkConvolve(ast::Call *c);
  ir::Type checkIntegrateOdes(ast::Call *c);
  ir::Type checkEmitSpike(ast::Call *c);
  bool checkRegionAllows(ast::Call *c, const BuiltinInfo &info);

  SemaContext &ctx_;
  DiagnosticEngine &diags_;
  ModelInfo *model_;
};

/// "ODE", "initial value", ... for messages about a region.
const char *regionName(Region r);

} // namespace nsc::sema
