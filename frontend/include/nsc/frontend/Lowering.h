//===- Lowering.h - Checked AST to typed IR ---------------------*- C++ -*-===//
//
// Runs after a successful analyzeProgram(). Produces the IR module: one
// ir::Model per model (explicit blocks, ODE system, handlers, ports), one
// ir::Network per network (populations, projections, sources, recorders),
// with the execution semantics (dt, solver, precision, spike semantics, seed)
// resolved per model and population from file < network < model < population
// `semantics:` blocks. Unit scales are folded into explicit conversions, so
// IR arithmetic is in the declared units of each variable.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"

#include <memory>
#include <optional>

namespace nsc {

/// What the command line (or an embedding application) sets above every
/// `semantics:` block.
struct LoweringOptions {
  /// `nsc --dt`: the time step of every model and network, in ms, set
  /// after all semantics blocks merged (docs/semantics.md R36). Unset: the
  /// blocks' dt.
  std::optional<double> dtOverrideMs;
};

std::unique_ptr<ir::Module> lowerToIR(const ast::Program &program, DiagnosticEngine &diags,
                                      const LoweringOptions &options = {});

} // namespace nsc
