//===- Compiler.cpp - Source to a compiled nsc::Model ---------------------===//
//
// The same steps as `nsc FILE --run=...`: CompilerSession (parse, imports,
// sema, lowering, verifier), then the pass pipeline (default or
// CompilerOptions::passes) through passes::PassManager.
//
//===----------------------------------------------------------------------===//
#include "Impl.h"

#include "nsc/passes/PassManager.h"

#include <chrono>
#include <cmath>
#include <sstream>

namespace nsc {

using namespace detail;

const char *version() { return NSC_VERSION_STRING; }

const char *targetName(Target target) { return target == Target::Cpu ? "cpu" : "interp"; }

bool targetAvailable(Target target) {
  // The API runs the targets of the table that plug into the network
  // runtime; the others (cuda, loihi, verilog) are not executable here yet.
  const targets::Target *t = targets::findTarget(targetName(target));
  return t && t->networkBackend && t->unavailable().empty();
}

namespace {

void checkOptions(const CompilerOptions &o) {
  if (o.target != Target::Cpu && o.target != Target::Interp)
    throwArgumentError("unknown target " + std::to_string(int(o.target)));
  if (!targetAvailable(o.target))
    throwArgumentError(std::string("target '") + targetName(o.target) + "' is not part of this build of nsc");
  if (o.threads == 0)
    throwArgumentError("threads must be at least 1");
  if (!(o.dtMs >= 0) || !std::isfinite(o.dtMs))
    throwArgumentError("dtMs must be a finite, positive time step in ms (0: the model's own dt)");
}

/// Compiles what `session` holds; `addInput` has already been called and
/// returned `inputOk`.
std::shared_ptr<ModelImpl> compileSession(std::unique_ptr<CompilerSession> session, bool inputOk,
                                          const CompilerOptions &opts,
                                          std::chrono::steady_clock::time_point start) {
  DiagnosticEngine &diags = session->diagnostics();
  bool ok = inputOk && session->lower();
  if (ok) {
    // An unknown pass name is the application's mistake, not the source's.
    DiagnosticEngine pipelineDiags(session->sources());
    if (!passes::PassManager().addPipeline(opts.passes.empty() ? "default" : opts.passes, pipelineDiags)) {
      std::string msg = pipelineDiags.diagnostics().empty() ? "invalid pass pipeline '" + opts.passes + "'"
                                                            : pipelineDiags.diagnostics().front().message;
      throwArgumentError("passes: " + msg);
    }
    passes::PipelineRequest request;
    request.spec = opts.passes;
    request.options.propagateParameters = opts.propagateParameters;
    std::ostringstream log; // pass logs are off; the pipeline needs a stream
    ok = passes::runPipeline(*session->module(), diags, request, log);
  }
  if (!ok || diags.hasErrors())
    throw CompileError("", convertDiagnostics(diags));
  auto impl = std::make_shared<ModelImpl>();
  impl->options = opts;
  impl->compileMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  impl->warnings = convertDiagnostics(diags);
  impl->sourceNetworks = session->module()->networks.size();
  // Compile-time diagnostics now live in `warnings`; run-time ones go to
  // each simulation's own engine.
  diags.clear();
  impl->session = std::move(session);
  return impl;
}

std::unique_ptr<CompilerSession> newSession(const CompilerOptions &opts) {
  auto session = std::make_unique<CompilerSession>();
  session->diagnostics().setWarningsAsErrors(opts.warningsAsErrors);
  for (const std::string &dir : opts.includeDirs)
    session->addIncludeDir(dir);
  if (opts.dtMs > 0)
    session->setDtOverride(opts.dtMs);
  return session;
}

} // namespace

Model Compiler::compileFile(const std::string &path) const {
  auto start = std::chrono::steady_clock::now();
  checkOptions(options_);
  auto session = newSession(options_);
  bool ok = session->addInputFile(path);
  return Model(compileSession(std::move(session), ok, options_, start));
}

Model Compiler::compileString(const std::string &source, const std::string &name) const {
  auto start = std::chrono::steady_clock::now();
  checkOptions(options_);
  auto session = newSession(options_);
  session->addInputBuffer(name.empty() ? "input.nrn" : name, source);
  return Model(compileSession(std::move(session), true, options_, start));
}

} // namespace nsc
