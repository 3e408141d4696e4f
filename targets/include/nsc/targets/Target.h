//===- Target.h - The table of targets --------------------------*- C++ -*-===//
//
// Every target nsc has, in one table: its name, what it accepts (a single
// model, a network), what it produces (--run, --emit kinds), whether this
// build and machine can use it, and its entry points. The `nsc` driver,
// `nsc verify` and the embedding API all read this table; adding a target
// is adding one entry (targets/lib/TargetTable.cpp) and its entry points.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/CompilerSession.h"
#include "nsc/network/PopulationKernel.h"
#include "nsc/network/SynapseKernel.h"
#include "nsc/passes/PassManager.h"
#include "nsc/targets/RunRequest.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace nsc::targets {

/// How a target that runs on the network runtime (cpu, interp) plugs in:
/// the kernels that run its models, and its own figures for --stats
/// (code generation, JIT, cache) once kernels were made.
struct NetworkBackend {
  network::KernelFactory kernels;
  network::SynapseKernelFactory synapseKernels; // empty: synapse models interpreted
  std::function<void(nlohmann::json &)> addStats;
  /// Kernels are generated and JIT-compiled (counted in the memory estimate).
  bool compiles = false;
};

/// Everything `nsc FILE --target=NAME ...` asks of a target.
struct Invocation {
  RunRequest run;                   // --run (empty: generate only), what to run, inputs, outputs
  std::string output;               // -o
  std::string emit;                 // one of the target's `emits`, or empty
  passes::PipelineRequest pipeline; // --passes, --print-after, ... and the pass options
  uint32_t chips = 0;               // --chips (loihi placement; 0: any)
};

/// `nsc NAME ...`: a command of its own that a target brings (loihi's
/// `nsc run net.json`). argv[0] is "nsc NAME".
struct Subcommand {
  std::string name;
  std::string summary;
  std::function<int(int, char **)> main;
};

struct Target {
  std::string name;
  std::string summary;          // one line for --help: what it runs or generates
  bool acceptsModel = false;    // runs --model NAME --n N (a file without a network)
  bool executes = false;        // --run
  bool runsPipeline = true;     // honours --passes, --print-after, --log-passes, ...
  std::vector<std::string> emits; // --emit kinds it produces
  /// Driver options that only this target takes ("--chips"): given with
  /// another target they are refused, never ignored.
  std::vector<std::string> ownOptions;
  /// Empty when this build (and machine) can use the target; else why not,
  /// completing "target 'NAME' is not available: ...".
  std::function<std::string()> unavailable;
  /// `nsc FILE --target=NAME ...` on the session's input files (not yet
  /// lowered). Returns the exit status (0; 1 after diagnostics; 2 for a
  /// command line the target cannot take).
  std::function<int(CompilerSession &, const Invocation &)> main;
  /// `nsc verify`: runs `req` on the session's lowered module and hands
  /// back spikes, traces and population sizes; the runner runs the passes
  /// its target needs. Null when the target cannot be compared.
  std::function<bool(CompilerSession &, const RunRequest &, TargetRun &)> verifyRun;
  /// Targets that run on the network runtime: a fresh backend (kernels and
  /// stats). Null for the others; the embedding API runs only these.
  std::function<NetworkBackend()> networkBackend;
  std::vector<Subcommand> subcommands;
};

/// Every target, available or not, in the order --help lists them.
const std::vector<Target> &targetTable();
/// The entry named `name`, or null.
const Target *findTarget(const std::string &name);
/// "interp, cpu, ..." (the names of the table, or of the entries `keep` accepts).
std::string targetNames(const std::function<bool(const Target &)> &keep = nullptr);

} // namespace nsc::targets
