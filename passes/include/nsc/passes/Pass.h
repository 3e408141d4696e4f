//===- Pass.h - A transformation of the IR ----------------------*- C++ -*-===//
//
// A pass does one thing to an ir::Module and can run alone
// (`nsc --passes=NAME`). It reports what it changed through
// PassContext::changed() ("folded 12 expressions"); the PassManager prints
// those with --log-passes, verifies the IR after the pass and prints it on
// request (--print-after=NAME).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace nsc::passes {

/// Switches that change what passes do (not which passes run).
struct PassOptions {
  /// fold-constants: replace reads of parameters (and internals) whose
  /// initial value is a constant by that constant. Off by default:
  /// parameters are the model's interface and stay runtime values. A
  /// parameter that a network population or synapse sets is never
  /// propagated.
  bool propagateParameters = false;
  /// solve-odes: write the solver chosen for each ODE variable, and why,
  /// to the log (nsc --explain-solvers).
  bool explainSolvers = false;
  /// quantize: `--range VAR=lo..hi` overrides as written (parsed by the
  /// pass, which reports bad ones), and --explain-quantization (the
  /// per-variable format/range/error report, to the log).
  std::vector<std::string> ranges;
  bool explainQuantization = false;
};

class PassContext {
public:
  PassContext(DiagnosticEngine &diags, std::ostream &log, PassOptions options = {})
      : diags_(diags), log_(log), options_(options) {}

  DiagnosticEngine &diags() { return diags_; }
  /// Free-form progress output (the PassManager writes --log-passes here).
  std::ostream &log() { return log_; }
  const PassOptions &options() const { return options_; }

  /// Records one kind of change of the running pass: changed(12, "folded",
  /// "expressions") reads "folded 12 expressions". Zero counts are dropped.
  void changed(unsigned count, const std::string &verb, const std::string &what);
  /// The changes recorded since the last takeChanges(), cleared.
  std::vector<std::string> takeChanges();

private:
  DiagnosticEngine &diags_;
  std::ostream &log_;
  PassOptions options_;
  std::vector<std::string> changes_;
};

class Pass {
public:
  virtual ~Pass() = default;
  /// Command-line name: "fold-constants".
  virtual const char *name() const = 0;
  /// One line for --list-passes.
  virtual const char *description() const = 0;
  /// Transforms the module. Returns false when the pass failed (it has
  /// reported an error through the context's diagnostics); the pipeline
  /// stops there.
  virtual bool run(ir::Module &module, PassContext &ctx) = 0;
};

} // namespace nsc::passes
