//===- Emulator.h - Bit-accurate emulation of a core configuration -*- C++ -*-===//
//
// Runs a CoreConfig step by step with the integer arithmetic of Loihi's
// CUBA compartment as Lava's bit-accurate LIF and Dense models implement it
// (docs/loihi.md §1): 24-bit u and v, decays as multiply by (4096 - d) and
// shift by 12 rounding toward zero, synaptic input << 6, bias_mant <<
// bias_exp, spike when v > vth_mant << 6, v reset to 0, u wrapping, v
// clipped; plus the refractory delay (v held at 0, u integrating) and
// dendritic compartments joined by ADD. Spikes come out as nsc's
// SpikeRecording: population p, neuron i, emitted in nsc step k (Loihi
// time step k + 1), so the records compare one to one with a cpu run.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/loihi/CoreConfig.h"
#include "nsc/runtime/Philox.h"
#include "nsc/runtime/Recording.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nsc::loihi {

/// The compartment arithmetic, one operation each (docs/loihi.md §1).
/// x·(4096 − d) then an arithmetic shift by 12 of the magnitude, sign kept:
/// sign(x)·(|x·(4096 − d)| >> 12).
int64_t decayToward0(int64_t x, uint32_t effectiveDecay);
/// u after adding input: a 24-bit wrap, (2^23, ...) → −2^24, (..., −2^23] → +2^24
/// (Lava's two-sided rule; the result lies in (−2^23, 2^23]).
int64_t wrapCurrent(int64_t u);
/// v clipped to [−2^23 + 1, 2^23 − 1].
int64_t clipVoltage(int64_t v);
/// bias_mant << bias_exp.
int64_t effectiveBias(int32_t biasMant, uint32_t biasExp);
/// A synapse group's summed mantissas shifted by its weight exponent
/// (left for exp > 0, arithmetic right — toward −∞ — for exp < 0).
int64_t applyWeightExp(int64_t mantissaSum, int32_t weightExp);

struct EmulatorResult {
  runtime::SpikeRecording spikes;
  runtime::TraceRecording traces; // traceVariables, every step, every neuron
  std::vector<std::pair<std::string, runtime::TraceRecording>> recorded; // the config's recorders
  std::vector<uint64_t> spikesPerPopulation;
  uint64_t steps = 0;
  double runMs = 0;
};

class Emulator {
public:
  /// Null with `error` set when the configuration is invalid (validate()).
  static std::unique_ptr<Emulator> create(const CoreConfig &config, std::string &error);
  ~Emulator();

  /// Variables sampled after every step from every neuron of every
  /// population that has a readout of that name. False (error set) when a
  /// name is read out by no population.
  bool setTraceVariables(const std::vector<std::string> &variables, std::string &error);
  /// Runs `steps` steps from the current one; results accumulate.
  void run(uint64_t steps, EmulatorResult &result);
  uint64_t currentStep() const;

  /// Compartment state (group, neuron).
  int32_t u(uint32_t group, uint64_t neuron) const;
  int32_t v(uint32_t group, uint64_t neuron) const;
  uint32_t refractoryCounter(uint32_t group, uint64_t neuron) const;
  /// Adds `activation` (before << 6) to the compartment's input of the next
  /// step, as an input port would (tests drive compartments with it).
  void addActivation(uint32_t group, uint64_t neuron, int64_t activation);

  const CoreConfig &config() const;

private:
  Emulator();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace nsc::loihi
