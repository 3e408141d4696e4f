//===- ModelChecker.h - Checks of one model ---------------------*- C++ -*-===//
//
// Internal to nsc_sema. Builds the model scope (parameters, state,
// internals, inline expressions, kernels, ports, functions), then checks
// every block against the model's context conditions: initialisation order,
// ODE left-hand sides and units, kernels only inside convolve, onReceive
// ports, function returns and recursion, inline cycles.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ExprChecker.h"

namespace nsc::sema {

class ModelChecker {
public:
  ModelChecker(SemaContext &ctx, ast::Model &model);
  /// Runs every check; the ModelInfo stays in the context for networks.
  void run();

private:
  void collectDeclarations();
  void declarePort(ast::InputPort &p);
  void declareFunction(ast::FunctionDecl &f);
  void declareKernels(ast::KernelDecl &k);
  void declareSymbol(Symbol s);

  void checkDeclBlock(ast::DeclBlock &b);
  void checkPorts(ast::InputBlock &b);
  void checkKernel(ast::KernelDecl &k);
  void checkInline(ast::InlineDecl &i);
  void checkOde(ast::OdeEquation &o);
  void checkOnReceive(ast::OnReceiveBlock &r);
  void checkFunction(ast::FunctionDecl &f);
  void checkRecursion();
  void checkInlineCycles();
  /// Initial values may refer to each other in any order; a cycle is an error.
  void checkInitCycles();

  /// A fresh expression checker on the model scope in `region`.
  ExprChecker exprChecker(Region region);

  SemaContext &ctx_;
  DiagnosticEngine &diags_;
  ast::Model &model_;
  ModelInfo &info_;
  unsigned order_ = 0;
  std::vector<CallEdge> calls_;
  /// Variable -> the model variables its initial value refers to.
  std::map<std::string, std::vector<std::pair<std::string, SourceRange>>> initRefs_;
  std::map<const ast::InlineDecl *, std::vector<const ast::InlineDecl *>> inlineDeps_;
  std::map<std::string, SourceRange> odeSeen_;
  std::map<std::string, const ast::OnReceiveBlock *> handlers_;
};

} // namespace nsc::sema
