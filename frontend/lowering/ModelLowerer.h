//===- ModelLowerer.h - AST model (or network values) to IR -----*- C++ -*-===//
//
// Internal to nsc_lowering. One ModelLowerer lowers one model under one
// resolved Semantics (a model used by populations with other semantics is
// lowered again, see NetworkLowerer). Without a model it lowers the values
// of a network or a semantics block (numbers, units, lists, distributions).
//
// Lowering trusts sema's annotations (NameRef::target, types of
// declarations) but computes every IR type itself from the operands, and
// inserts the conversions the IR needs: IntToReal, UnitConvert where scales
// differ, ReinterpretUnit where sema accepted a unit-free number. Anything
// sema should have rejected is reported as an error, never asserted.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/ir/Builder.h"
#include "nsc/ir/IR.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace nsc::lowering {

class ModelLowerer {
public:
  /// Lowers `model` (may be null for network values) under `semantics`.
  ModelLowerer(const ast::Model *model, const ir::Semantics &semantics, DiagnosticEngine &diags,
               bool networkContext = false);

  /// Builds the whole model; call once.
  std::unique_ptr<ir::Model> run(const std::string &name);

  // Expressions (LowerExpr.cpp) -------------------------------------------
  ir::ExprPtr expr(const ast::Expr *e);
  /// expr(e) converted to `to`; reports an error naming `what` when no
  /// conversion exists.
  ir::ExprPtr exprAs(const ast::Expr *e, const ir::Type &to, const std::string &what);
  ir::ExprPtr coerceTo(ir::ExprPtr x, const ir::Type &to, SourceRange range,
                       const std::string &what);
  /// coerceTo a real of x's own unit (int -> real, precision applied).
  ir::ExprPtr coerceToReal(ir::ExprPtr x, SourceRange range, const std::string &what) {
    // Read the unit before `x` is moved into the by-value parameter: the
    // order in which call arguments are evaluated is unspecified.
    ir::Type to = ir::Type::real(x->type.unit);
    return coerceTo(std::move(x), to, range, what);
  }
  /// A constant value of e (parameters' default values are substituted).
  std::optional<double> constantValue(const ast::Expr *e, const ir::Type &as);
  const ir::Builder &builder() const { return b_; }
  ir::Type withPrecision(const ir::Type &t) const { return b_.withPrecision(t); }
  ir::ExprPtr errorExpr(SourceRange r) const;

  /// Variable of a declared name (state/param/internal/local/argument).
  std::optional<ir::VarId> varOf(const ast::Node *decl, unsigned index) const;

private:
  // Expressions
  ir::ExprPtr name(const ast::NameRef *n);
  ir::ExprPtr call(const ast::Call *c);
  ir::ExprPtr arith(ast::BinaryOp op, ir::ExprPtr l, ir::ExprPtr r, SourceRange range,
                    const ir::Type &semaType);
  /// Makes two operands agree in kind and unit (for + - % comparisons,
  /// select arms, min/max).
  bool unify(ir::ExprPtr &l, ir::ExprPtr &r, SourceRange range);
  ir::ExprPtr index(const ast::Expr *e);
  std::optional<double> evalWithParams(const ir::Expr &e, unsigned depth = 0);

  // Statements (LowerStmt.cpp)
  ir::Block block(const ast::Block &b);
  void stmt(const ast::Stmt *s, ir::Block &out);
  void localDecl(const ast::VarDecl *d, ir::Block &out);
  void assign(const ast::Assign *a, ir::Block &out);
  void exprStmt(const ast::ExprStmt *s, ir::Block &out);
  std::optional<ir::VarId> assignTarget(const ast::NameRef *t);

  // Model structure (LowerModel.cpp)
  /// For each variable, the variables its initial value reads.
  using InitDeps = std::map<ir::VarId, std::set<ir::VarId>>;
  void declareVariables(const ast::DeclBlock &b);
  void declarePorts(const ast::InputBlock &in);
  void declareFunction(const ast::FunctionDecl &f);
  void lowerVectorSizes(const ast::Model &m);
  void lowerDeclValues(const ast::DeclBlock &b, InitDeps &initDeps);
  void lowerOnReceive(const ast::OnReceiveBlock &r);
  void orderInitialisation(InitDeps &initDeps);
  void declareEquations(const ast::EquationsBlock &b);
  void lowerEquations(const ast::EquationsBlock &b);
  void lowerOde(const ast::OdeEquation &eq);
  uint32_t vectorSize(const ast::Expr *size, const std::string &what);
  ir::VarRole roleOf(ast::DeclContext c) const;

  const ast::Model *astModel_;
  ir::Semantics semantics_;
  DiagnosticEngine &diags_;
  bool networkContext_;
  std::unique_ptr<ir::Model> model_;
  ir::Builder b_;
  const ir::Function *function_ = nullptr;

  std::map<std::pair<const ast::Node *, unsigned>, ir::VarId> vars_;
  std::map<const ast::InputPort *, uint32_t> ports_;
  std::map<std::pair<const ast::Node *, unsigned>, uint32_t> kernels_;
  std::map<const ast::InlineDecl *, uint32_t> inlines_;
  std::map<const ast::Node *, uint32_t> functions_;
  std::map<std::string, ir::VarId> localsByName_; // fallback for For without varDecl
};

/// The time unit of the IR (ms) as an ir::Type (f64).
ir::Type msType();

} // namespace nsc::lowering
