//===- CoreConfig.h - A Loihi-style core configuration ----------*- C++ -*-===//
//
// What `nsc FILE --target=loihi -o net.json` writes and `nsc run net.json`
// reads: compartment groups with the register values of Loihi's CUBA
// compartment (du, dv, vth_mant, bias_mant/bias_exp, refractory delay),
// synapse groups with 8-bit weight mantissas, a shared weight exponent and
// per-synapse delays, input spike generators, the core assignment and the
// recorders. The arithmetic these values drive is the emulator's
// (Emulator.h); every rule and its source is in docs/loihi.md.
//
// Indices: populations keep the declaration order of the nsc network, so
// population p of the configuration is population p of the network (the
// Philox stream keys of Poisson sources depend on it, docs/semantics.md R33).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::loihi {

/// Register widths of the compartment and synapse (Lava PyLifModelBitAcc,
/// PyDenseModelBitAcc; docs/loihi.md §1).
constexpr int kDecayShift = 12;            // decays are d/4096
constexpr int64_t kDecayUnity = 4096;
constexpr int kActivationShift = 6;        // synaptic input << 6
constexpr int kThresholdShift = 6;         // vth_mant << 6
constexpr int64_t kMaxUV = int64_t(1) << 23; // u, v are 24-bit
constexpr uint32_t kMaxDecay = 4095;       // du, dv: 12-bit unsigned
constexpr uint32_t kMaxVthMant = 131071;   // 17-bit unsigned
constexpr int32_t kMinBiasMant = -4096, kMaxBiasMant = 4095; // 13-bit signed
constexpr uint32_t kMaxBiasExp = 7;        // 3-bit unsigned
constexpr int32_t kMinWeightExp = -8, kMaxWeightExp = 7;
constexpr uint32_t kMaxDelay = 62;         // synaptic delay, steps
constexpr uint32_t kMaxRefractoryDelay = 63;

/// Per-core and per-chip resources (docs/loihi.md §4).
struct CoreLimits {
  uint32_t compartments = 1024;
  uint32_t inputAxons = 4096;
  uint32_t outputAxons = 4096;
  uint64_t synapseBytes = 128 * 1024;
  uint32_t coresPerChip = 128;
  uint32_t maxChips = 0; // 0: as many as needed
};

/// N compartments with the same registers, one per neuron of a population.
/// A neuron is a soma (spikes, refractoriness) and optionally dendritic
/// compartments whose voltage is added into the soma's current input
/// (`join_to`, ADD), evaluated before the soma in the same step.
struct CompartmentGroup {
  std::string name;         // "exc.soma", "exc.dend0"
  uint32_t population = 0;
  uint64_t size = 0;
  uint32_t du = 0, dv = 0;  // effective decays du + ds_offset, dv + dm_offset
  uint32_t dsOffset = 1, dmOffset = 0;
  uint32_t vthMant = kMaxVthMant;
  int32_t biasMant = 0;
  uint32_t biasExp = 0;
  uint32_t refractoryDelay = 0;
  int32_t joinTo = -1;      // group index of the soma it feeds; -1: this is a soma
  /// Initial state per neuron; empty means 0 for everyone.
  std::vector<int32_t> u0, v0;
  std::vector<uint32_t> refractory0;

  bool isSoma() const { return joinTo < 0; }
};

/// How a recorded model variable is read back from compartment state:
/// value = offset + raw / scale, where raw is the compartment's v (voltage
/// readouts) or the value its u takes in the next step before the step's
/// decay, which is what the model's synaptic variable holds now
/// (`next_u` readouts; docs/loihi.md §3).
struct Readout {
  std::string variable;
  uint32_t group = 0;
  enum class Source { V, NextU } source = Source::V;
  double scale = 1, offset = 0;
};

struct Population {
  std::string name;
  uint64_t size = 0;
  enum class Kind { Compartments, PoissonSource, SpikeSource } kind = Kind::Compartments;
  std::string model;                // the nsc model it came from
  // Compartments.
  int32_t soma = -1;
  std::vector<uint32_t> dendrites;
  std::vector<Readout> readouts;
  // Input spike generators reproducing nsc's sources (R20, R21).
  double rateHz = 0;
  int64_t startStep = 0, stopStep = INT64_MAX; // INT64_MAX: no stop
  std::vector<uint64_t> emitStep;               // spike_generator: step, multiplicity
  std::vector<uint32_t> multiplicity;
};

/// The synapses of one projection into one compartment group, stored by
/// source neuron (CSR). weight_mant are Lava's 8-bit signed mantissas; the
/// sum per target and step is shifted by weight_exp (PyDenseModelBitAcc).
struct SynapseGroup {
  std::string name;
  uint32_t source = 0;      // population
  uint32_t target = 0;      // compartment group
  int32_t weightExp = 0;
  uint32_t numWeightBits = 8;
  std::string signMode = "mixed"; // excitatory | inhibitory | mixed
  std::vector<uint64_t> rowOffsets; // source size + 1
  std::vector<uint32_t> targets;    // neuron index in the target group
  std::vector<int16_t> weightMant;
  std::vector<uint8_t> delay;       // steps, 0..62 (docs/loihi.md §1: arrival)

  size_t size() const { return targets.size(); }
};

/// One core's share: neurons [begin, end) of a population (all their
/// compartments) and the resources they use.
struct CoreAssignment {
  uint32_t chip = 0, core = 0; // core index within the chip
  struct Range { uint32_t population; uint64_t begin, end; };
  std::vector<Range> ranges;
  uint32_t compartments = 0, inputAxons = 0, outputAxons = 0;
  uint64_t synapses = 0, synapseBytes = 0;
};

/// A network recorder (`record V_m from exc[0:5] every 1 ms as v_exc`).
struct Recorder {
  std::string label;
  uint32_t population = 0;
  uint64_t begin = 0, end = 0, every = 1;
  std::vector<std::string> variables; // empty: spikes
};

struct CoreConfig {
  std::string network;
  double dtMs = 0.1;
  uint64_t seed = 0;
  std::vector<Population> populations;
  std::vector<CompartmentGroup> groups;
  std::vector<SynapseGroup> synapses;
  std::vector<Recorder> recorders;
  CoreLimits limits;
  std::vector<CoreAssignment> cores; // empty until placed
  uint32_t chips = 0;
};

/// Checks every register against its width and every index against its
/// table. Empty when valid, else the first problem ("group 'exc.soma': du
/// 5000 exceeds 4095").
std::string validate(const CoreConfig &config);

/// JSON (docs/loihi.md §5). toJson never fails; fromJson validates.
nlohmann::json toJson(const CoreConfig &config);
bool fromJson(const nlohmann::json &j, CoreConfig &out, std::string &error);
/// Files; error names the path.
bool writeConfig(const CoreConfig &config, const std::string &path, std::string &error);
bool readConfig(const std::string &path, CoreConfig &out, std::string &error);

} // namespace nsc::loihi
