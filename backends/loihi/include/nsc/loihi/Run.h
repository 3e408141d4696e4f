//===- Run.h - Run an nsc network on the Loihi emulator ---------*- C++ -*-===//
//
// The one call that maps a network to a core configuration (Mapping.h),
// places it (Placement.h) and runs it in the bit-accurate emulator
// (Emulator.h), returning spikes and traces in nsc's recording types:
// populations named and indexed as nsc::network::Simulation's RunResult
// (declaration order, neuron indices within the population, an event of
// step k stamped t_{k+1}), recorded state converted back to model units.
// `nsc verify --targets=cpu,loihi` and `nsc FILE --target=loihi --run=...`
// both use it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"
#include "nsc/loihi/CoreConfig.h"
#include "nsc/runtime/Recording.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nsc::loihi {

struct LoihiRunOptions {
  double durationMs = 0;
  /// Model variables sampled after every step from every neuron that has
  /// them (as RunOptions::traceVariables): the membrane variable and the
  /// synaptic variables that have a compartment of their own.
  std::vector<std::string> traceVariables;
  CoreLimits limits;
};

struct LoihiRunResult {
  runtime::SpikeRecording spikes; // sorted canonically (R23)
  runtime::TraceRecording traces; // traceVariables
  /// The network's own recorders, by label (as RunResult::recorded).
  std::vector<std::pair<std::string, runtime::TraceRecording>> recorded;
  CoreConfig config;               // the placed configuration that ran
  uint64_t steps = 0;
  double mapMs = 0, runMs = 0;
};

/// Maps, places and emulates network `networkIndex` of `module`.
/// `module` is the LOWERED module, before solve-odes (its models must still
/// have their ODEs: lower a second CompilerSession if yours already ran the
/// default pipeline); the function runs the ODE-preserving passes
/// (inline-expressions, lower-kernels, fold-constants) on it itself.
/// Returns false after reporting through `diags` (unmappable model,
/// unplaceable network, quantization that loses a weight, ...).
bool runNetworkOnLoihi(ir::Module &module, uint32_t networkIndex, const LoihiRunOptions &options,
                       LoihiRunResult &result, DiagnosticEngine &diags);

/// Runs a configuration read from JSON (`nsc run net.json`).
bool runConfigOnLoihi(const CoreConfig &config, const LoihiRunOptions &options, LoihiRunResult &result,
                      std::string &error);

} // namespace nsc::loihi
