//===- Interpreter.h - The reference interpreter (--target=interp) -*- C++ -*-===//
//
// Runs a module after the default pass pipeline, in float64 (float32 where a
// model asks for it), with the full execution semantics of
// docs/semantics.md: networks, delays, sources, recorders, the counter-based
// random numbers. It is the oracle the compiled backends are tested
// against: slow is fine, wrong is not.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/Diagnostics.h"
#include "nsc/ir/IR.h"
#include "nsc/runtime/Recording.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nsc::interp {

/// `nsc --model NAME --n N ...`: N copies of one neuron model, driven by
/// spike and current inputs, as a one-population network.
struct SingleModelSetup {
  std::string model;
  uint64_t n = 1;
  struct Param { std::string name; double value; units::Unit unit; bool hasUnit; };
  std::vector<Param> params;
  struct SpikeInput {
    std::string port;
    std::vector<double> timesMs;
    double weight = 1;     // in `weightUnit`, or the port's unit when !hasUnit
    units::Unit weightUnit;
    bool hasUnit = false;
  };
  std::vector<SpikeInput> spikeInputs;
  struct CurrentInput { std::string port; double value; units::Unit unit; bool hasUnit; };
  std::vector<CurrentInput> currentInputs;
};

struct RunOptions {
  double durationMs = 0;
  /// Variables (or recordable inlines) sampled every step from every neuron
  /// of every model population that has them (--trace).
  std::vector<std::string> traceVariables;
};

struct PopulationStats {
  std::string name;
  uint64_t size = 0;
  uint64_t spikes = 0;
  bool isSource = false;
};

struct RunResult {
  runtime::SpikeRecording spikes;   // every spike of every population
  runtime::TraceRecording traces;   // --trace
  /// The network's own recorders, by label.
  std::vector<std::pair<std::string, runtime::TraceRecording>> recorded;
  std::vector<PopulationStats> populations;
  uint64_t steps = 0, neurons = 0, synapses = 0, spikeCount = 0;
  double runMs = 0;
  /// Warnings the model raised at run time (rk45 giving up, ...), each
  /// with the number of times it occurred.
  std::vector<std::pair<std::string, uint64_t>> warnings;
};

class Simulation {
public:
  /// Builds the network `networkIndex` of `module` (populations, synapses,
  /// initial state). Errors go to `diags`; null on failure.
  static std::unique_ptr<Simulation> forNetwork(const ir::Module &module, uint32_t networkIndex,
                                                DiagnosticEngine &diags);
  /// Builds a single-model run (see SingleModelSetup); `module` gains the
  /// synthetic network it runs.
  static std::unique_ptr<Simulation> forModel(ir::Module &module, const SingleModelSetup &setup,
                                              double dtMs, uint64_t seed, DiagnosticEngine &diags);
  virtual ~Simulation() = default;

  /// Runs `options.durationMs` (rounded to whole steps, R1). False when the
  /// run stopped on numeric trouble (reported through the diagnostics).
  virtual bool run(const RunOptions &options, RunResult &result) = 0;
};

} // namespace nsc::interp
