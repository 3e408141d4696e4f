//===- PassManager.h - Pass registry and pipelines --------------*- C++ -*-===//
//
// The registry knows every pass by name; a pipeline is built from a
// comma-separated list ("inline-expressions,fold-constants,dce", or
// "default") and runs its passes in order. After every pass the IR verifier
// runs (it is cheap): a failure is a compiler bug and is reported as
// "IR verifier failed after pass 'X'". Like MLIR, the IR can be printed
// after chosen passes, each print preceded by
//   // -----// IR after NAME //----- //
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"

#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace nsc::passes {

struct PassInfo {
  std::string name;
  std::string description;
  std::function<std::unique_ptr<Pass>()> create;
};

/// Every pass nsc has, in the order --list-passes shows them.
const std::vector<PassInfo> &registeredPasses();
/// The registry entry named `name`, or null.
const PassInfo *findPass(const std::string &name);
/// The passes `--passes=default` runs, in order.
std::vector<std::string> defaultPipeline();
/// "name  description" lines for --list-passes.
void listPasses(std::ostream &os);

class PassManager {
public:
  /// Appends the passes of `spec` ("a,b,c"; "default" expands to the
  /// default pipeline). An unknown or empty name is an error naming the
  /// known passes; nothing is added then.
  bool addPipeline(const std::string &spec, DiagnosticEngine &diags);
  void addPass(std::unique_ptr<Pass> pass) { passes_.push_back(std::move(pass)); }
  /// Print the module after each pass named here (checked against the
  /// registry: an unknown name is an error).
  bool addPrintAfter(const std::string &name, DiagnosticEngine &diags);
  void setPrintAfterAll(bool on) { printAfterAll_ = on; }
  /// Where IR printed after passes goes (default: none, i.e. no printing).
  void setPrintStream(std::ostream *os) { printStream_ = os; }
  /// Write "NAME: <changes>" to the context's log after each pass.
  void setLogPasses(bool on) { logPasses_ = on; }

  size_t size() const { return passes_.size(); }
  std::vector<std::string> passNames() const;

  /// Runs the pipeline; false when a pass failed or the verifier rejected
  /// its result (the error has been reported).
  bool run(ir::Module &module, PassContext &ctx);

private:
  bool shouldPrintAfter(const std::string &name) const;

  std::vector<std::unique_ptr<Pass>> passes_;
  std::vector<std::string> printAfter_;
  bool printAfterAll_ = false;
  bool logPasses_ = false;
  std::ostream *printStream_ = nullptr;
};

/// What to run after lowering: a pass list and what to observe of it.
struct PipelineRequest {
  /// "a,b,c" or "default"; empty means the default pipeline.
  std::string spec;
  std::vector<std::string> printAfter; // --print-after
  bool printAfterAll = false;          // --print-after-all
  bool logPasses = false;              // --log-passes
  PassOptions options;
};

/// The one place a pipeline is assembled and run: every target, `nsc
/// verify` and the embedding API call this. IR printed after passes and the
/// pass log go to `log`. False after reporting through `diags`.
bool runPipeline(ir::Module &module, DiagnosticEngine &diags, const PipelineRequest &request = {},
                 std::ostream &log = std::cerr);

} // namespace nsc::passes
