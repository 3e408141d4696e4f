//===- SemaContext.h - State shared by the semantic checkers ----*- C++ -*-===//
//
// Internal to nsc_sema. The checkers (ModelChecker, ExprChecker,
// StmtChecker, NetworkChecker, SemanticsChecker) share one SemaContext per
// analyzeProgram() call: the diagnostics engine, the table of every model in
// the program and the facts collected about each model (ModelInfo) that the
// network checker needs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Scope.h"

#include "nsc/frontend/AST.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/support/Suggest.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nsc::sema {

/// What sema learned about one model; kept for the network checker.
struct ModelInfo {
  const ast::Model *model = nullptr;
  /// Model scope: parameters, state, internals, inlines, kernels, ports,
  /// functions.
  std::unique_ptr<Scope> scope;
  bool isSynapse = false;
  bool hasSpikeOutput = false;
  const ast::OutputBlock *output = nullptr;
  /// State variables (by base name) that have an ODE `x' = ...`, with the
  /// highest derivative order given.
  std::map<std::string, unsigned> odeOrder;
  std::vector<const ast::InputPort *> ports;
  /// Kernels by base name (`kernel g'' = ...` is kernel 'g' of order 2).
  struct KernelInfo {
    const ast::KernelDecl *decl = nullptr;
    unsigned part = 0;
    unsigned order = 0;
    ir::Type type = ir::Type::real();
    SourceRange range;
  };
  std::map<std::string, KernelInfo> kernels;
};

class SemaContext {
public:
  explicit SemaContext(DiagnosticEngine &d) : diags(d) {}

  DiagnosticEngine &diags;
  /// The -I path (ast::Program::importDirs).
  std::vector<std::string> importDirs;
  /// Every model of the program by name (first declaration wins).
  std::map<std::string, ast::Model *> models;
  std::map<const ast::Model *, std::unique_ptr<ModelInfo>> modelInfo;

  const ModelInfo *infoFor(const ast::Model *m) const {
    auto it = modelInfo.find(m);
    return it == modelInfo.end() ? nullptr : it->second.get();
  }
};

//===----------------------------------------------------------------------===//
// Small helpers used by several checkers
//===----------------------------------------------------------------------===//

/// Attaches "did you mean 'X'?" to `diag` when a candidate is close.
void suggestName(DiagnosticEngine::Builder &diag, SourceRange range,
                 const std::string &name, const std::vector<std::string> &candidates);

/// For an unknown model `name` used at `at`: when NAME.nrn or NAME.nestml
/// exists next to that file or on the -I path (where `import NAME` would
/// find it), a note "add `import NAME`".
void suggestImport(const SemaContext &ctx, DiagnosticEngine::Builder &diag, SourceRange at,
                   const std::string &name);

/// Unit names offered as suggestions for misspelt units (every prefixed
/// form that lookupUnit accepts of the units neuroscience uses).
const std::vector<std::string> &knownUnitNames();

/// 'mV', 'real', 'integer', ... for messages.
std::string typeStr(const ir::Type &t);

/// True for numeric types whose unit has a dimension.
inline bool isPhysical(const ir::Type &t) {
  return t.isNumeric() && !t.unit.isDimensionless();
}

/// Same numeric dimension (scale ignored).
inline bool sameDimension(const ir::Type &a, const ir::Type &b) {
  return a.unit.dim == b.unit.dim;
}

/// A literal that means the same in every unit: 0, 0.0, inf, -inf, -0.
bool isUnitFreeLiteral(const ast::Expr *e);

/// Model kind decision: a model is a synapse when declared with `synapse`
/// or when its name ends in `_synapse` (NESTML naming convention).
bool isSynapseModel(const ast::Model &m);

/// The result of converting a value of type `from` to a declared type `to`
/// (assignment, initialisation, argument passing, return).
enum class Conversion {
  Ok,                 // identical, scale differs, or integer -> real
  DimensionlessToUnit,// warning: dimensionless number taken in the target unit
  UnitToDimensionless,// warning: the unit is dropped, the number kept (NESTML)
  Narrowing,          // real -> integer: error unless explicit
  DimensionMismatch,  // error
  KindMismatch,       // error: boolean/string/void vs number etc.
};
Conversion classifyConversion(const ir::Type &to, const ir::Type &from);

/// Reports the problems of classifyConversion(to, value->type).
/// `mismatch(expected, got)` builds the error message for a mismatch.
/// Returns false when an error was reported.
template <class MismatchFn>
bool checkConversion(DiagnosticEngine &diags, const ir::Type &to,
                     const ast::Expr *value, MismatchFn mismatch);

bool reportConversion(DiagnosticEngine &diags, const ir::Type &to,
                      const ast::Expr *value, const std::string &mismatchMessage);

/// The warning for a value with a physical unit used where a dimensionless
/// number is expected: "implicit conversion from 'mV' to dimensionless 'real'
/// drops the unit (the value is taken in mV)".
void warnUnitDropped(DiagnosticEngine &diags, const ast::Expr *value, const ir::Type &to);

template <class MismatchFn>
bool checkConversion(DiagnosticEngine &diags, const ir::Type &to,
                     const ast::Expr *value, MismatchFn mismatch) {
  if (!value || value->type.isError() || to.isError())
    return true;
  return reportConversion(diags, to, value, mismatch(typeStr(to), typeStr(value->type)));
}

} // namespace nsc::sema
