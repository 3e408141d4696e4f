//===- StmtChecker.h - Statements and local declarations --------*- C++ -*-===//
//
// Internal to nsc_sema. Checks statement blocks (update, onReceive,
// onCondition, function bodies): locals in nested block scopes,
// assignments (what may be assigned, units, integer narrowing), control
// flow conditions, loops and returns.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ExprChecker.h"

namespace nsc::sema {

/// Declares every name of `decl` in `scope` as a variable of `decl`'s
/// resolved type. A name already visible (in `scope` or an enclosing scope)
/// is reported as a redeclaration. `order` numbers model variables.
void declareVariables(DiagnosticEngine &diags, Scope &scope, ast::VarDecl &decl,
                      unsigned *order = nullptr);

class StmtChecker {
public:
  explicit StmtChecker(ExprChecker &ec) : ec_(ec), diags_(ec.context().diags) {}

  /// Checks `block` in a new scope nested in the checker's current scope.
  void checkBlock(ast::Block &block);
  /// True when every path through `block` ends in a return statement.
  static bool alwaysReturns(const ast::Block &block);

private:
  void checkStmt(ast::Stmt *s, Scope &scope);
  void checkLocalDecl(ast::VarDecl *d, Scope &scope);
  void checkAssign(ast::Assign *a);
  void checkFor(ast::For *f);
  void checkReturn(ast::Return *r);

  ExprChecker &ec_;
  DiagnosticEngine &diags_;
};

} // namespace nsc::sema
