//===- RunCommand.h - nsc FILE --target=T --run=DURATION --------*- C++ -*-===//
//
// Running a model from the command line, shared by every backend that can
// execute: what to run (the file's network, or --n copies of --model),
// inputs, and the outputs (--spikes, --trace, --stats).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/CompilerSession.h"
#include "nsc/network/PopulationKernel.h"
#include "nsc/network/Simulation.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace nsc::driver {

struct RunRequest {
  std::string target;        // "interp", "cpu"
  std::string duration;      // "1s", "200 ms", "500" (ms)
  std::string model;         // --model
  std::string network;       // --network (default: the only one)
  uint64_t n = 1;            // --n
  std::vector<std::string> params, spikeInputs, currentInputs;
  std::string spikesOut;     // --spikes=FILE
  std::vector<std::string> trace; // --trace=VAR,...
  std::string traceOut;      // --trace-out=FILE
  std::string recordDir;     // --record-dir: the network's recorders
  bool stats = false;
  bool quiet = false;        // --quiet: no progress bar
  unsigned threads = 1;      // --threads
  double compileMs = 0;
};

/// What an executing backend contributes: the kernels that run its models
/// and its own figures for --stats (code generation, JIT, cache).
struct Backend {
  network::KernelFactory kernels;
  std::function<void(nlohmann::json &)> addStats;
};

/// Builds what `req` asks to run (the file's network, or --n copies of
/// --model with its --param/--spike-input/--current-input) on `backend`.
/// Null after reporting through the session's diagnostics. Shared with
/// `nsc verify`, which runs the same request on several targets.
std::unique_ptr<network::Simulation> buildSimulation(CompilerSession &session, const RunRequest &req,
                                                     const Backend &backend);

/// "1s", "250 ms", "100" (ms) to milliseconds; false with `error` set.
bool parseDurationMs(const std::string &text, double &ms, std::string &error);

/// Runs the lowered, pass-processed module of `session`. Returns the exit
/// status (0, or 1 after reporting through the session's diagnostics).
int runModule(CompilerSession &session, const RunRequest &req, const Backend &backend);

} // namespace nsc::driver
