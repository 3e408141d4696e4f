//===- VerifyCommand.h - nsc verify FILE --targets=A,B,... ------*- C++ -*-===//
//
// Runs one model or network on several targets with the same inputs and
// reports how far each is from the first (docs/verify.md): spike-count
// difference, Victor–Purpura and van Rossum distances, first divergence
// time, and the maximum and RMS error of traced variables. Exit status:
//   0  every comparison within --tolerance (or no --tolerance given)
//   1  errors in the input (diagnostics), or a run that failed
//   2  bad command line (unknown or unavailable target, bad tolerance, ...)
//   3  internal error (as for every nsc command)
//   4  a --tolerance was exceeded
//
// Targets are "target runners": a name and a function that runs the
// compiled module and hands back spikes, traces and population sizes.
// cpu and interp run through the network runtime; a new executing backend
// (loihi, cuda) adds one entry to targetRunners() in VerifyCommand.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "RunCommand.h"

#include "nsc/frontend/CompilerSession.h"
#include "nsc/runtime/Recording.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace nsc::driver {

/// What one target's run produced. Population names and neuron indices must
/// be those of the network runtime (declaration order, R23), so that runs
/// can be matched population by population.
struct TargetRun {
  struct Population {
    std::string name;
    uint64_t size = 0;
    bool isSource = false; // stimulus generators: identical by construction, not compared
  };
  std::vector<Population> populations;
  runtime::SpikeRecording spikes;
  runtime::TraceRecording traces; // the variables of RunRequest::trace
  double runMs = 0;               // wall time of the simulation itself
};

struct TargetRunner {
  std::string name;    // as written in --targets
  std::string summary; // for --help
  /// Empty when the target can run in this build; else why not, completing
  /// "target 'NAME' is not available: ...".
  std::function<std::string()> unavailable;
  /// Runs `req` (duration, network or model, inputs, traces) on the
  /// session's lowered module; the runner runs the passes its target needs
  /// (cpu and interp: the default pipeline; loihi keeps the ODEs). False
  /// after reporting through the session's diagnostics.
  std::function<bool(CompilerSession &, const RunRequest &, TargetRun &)> run;
};

/// Every target `nsc verify` knows, available or not.
const std::vector<TargetRunner> &targetRunners();

/// `nsc verify FILE ...`; argv[0] is the program name.
int verifyMain(int argc, char **argv);

} // namespace nsc::driver
