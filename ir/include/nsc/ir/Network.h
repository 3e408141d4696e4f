//===- Network.h - Populations, projections, sources, recorders -*- C++ -*-===//
//
// A network in the IR: every name is resolved (populations point at their
// models, projections at population indices and port indices), every
// quantity is in a fixed unit (times in ms, rates in Hz, source currents in
// pA; initial values and weights in the unit of what they initialise), and
// delays are known in steps of the network's dt when they are constants.
//
// One network runs at one dt (the contract: t_k = k*dt for everyone), so a
// population whose resolved dt differs from the network's is a lowering
// error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Model.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nsc::ir {

/// Population kinds: a model, or one of the built-in stimulus sources.
enum class PopulationKind {
  Model,
  PoissonGenerator,
  SpikeGenerator,
  DcGenerator,
  StepCurrentGenerator,
  SineGenerator,
  NoiseGenerator,
  SignalGenerator,
  InhomogeneousPoissonGenerator,
};
/// "model", "poisson_generator", "spike_generator", "dc_generator",
/// "step_current_generator", "sine_generator", "noise_generator",
/// "signal_generator", "inhomogeneous_poisson_generator".
const char *populationKindName(PopulationKind k);
/// Sources whose output is a value held over each step, delivered into
/// continuous ports (R18): dc, step_current, sine, noise, signal.
bool isCurrentSource(PopulationKind k);

/// An initial value or parameter of a population: a constant expression or a
/// per-neuron distribution (a Call of RandomUniform / RandomNormal /
/// RandomLognormal / RandomExponential with constant arguments).
struct PopulationInit {
  std::string name;
  VarId var = kNoVar; // Model populations: the variable; kNoVar for sources
  ExprPtr value;      // sources: rate Hz, times/start/stop ms, amplitude(s) pA
  SourceRange loc;
};

/// A constant value on a continuous input port of every neuron of a model
/// population, in the port's unit, added to what projections deliver there
/// (the --current-input of a single-model run).
struct ConstantInput {
  uint32_t port = 0; // index into the model's ports
  std::string portName;
  double value = 0;
};

struct Population {
  std::string name;
  PopulationKind kind = PopulationKind::Model;
  /// Model populations: index into Module::models of the model (or its
  /// specialization) whose semantics equal this population's.
  uint32_t model = 0;
  std::string modelName;
  uint64_t size = 1;
  std::vector<PopulationInit> inits;
  std::vector<ConstantInput> constantInputs; // model populations only
  /// Sources read from a file (`file = "..."`: spike_generator,
  /// signal_generator, inhomogeneous_poisson_generator): a relative path
  /// as written is resolved by lowering against the directory of the file
  /// that declares the network (source text without a file: the working
  /// directory).
  std::string file;
  Semantics semantics;
  SourceRange loc;
};

/// Neurons [begin, end) of a population.
struct PopulationSlice {
  uint32_t population = 0;
  uint64_t begin = 0, end = 0;
};

enum class ConnectionRule {
  AllToAll, OneToOne, FixedProbability, FixedIndegree, FixedOutdegree, FromFile, SmallWorld, PairwiseBernoulli
};
/// "all_to_all", "one_to_one", "fixed_probability", "fixed_indegree",
/// "fixed_outdegree", "from_file".
const char *connectionRuleName(ConnectionRule r);

struct Connectivity {
  ConnectionRule rule = ConnectionRule::AllToAll;
  double probability = 0; // FixedProbability; SmallWorld: rewiring probability p
  uint64_t count = 0;     // FixedIndegree / FixedOutdegree; SmallWorld: lattice degree k
  std::string path;       // FromFile
  bool allowAutapses = true, allowMultapses = true;
  /// PairwiseBernoulli: the probability of a pair, a dimensionless real
  /// over the pair variables (VarRef kPairSource = i, the source's index
  /// in its population; kPairTarget = j, the target's). Shared, so that a
  /// Connectivity stays copyable; never modified after lowering.
  std::shared_ptr<const Expr> pairProbability;
};

/// The VarIds of the pair variables in Connectivity::pairProbability.
inline constexpr VarId kPairSource = 0, kPairTarget = 1;
/// Their names ("i", "j"), for printing.
const char *pairVariableName(VarId v);
/// A model whose variables are the pair variables (integers i and j), so
/// that printExpr names them.
const Model &pairVariables();
/// Empty when every node of a pair probability can be evaluated per pair
/// (constants, i and j, arithmetic, comparisons, ?:, pure math builtins),
/// else what cannot ("a bitwise operator", ...).
std::string checkPairExpression(const Expr &e);

/// What a projection carries (docs/semantics.md R18b): spikes (or a
/// current source's value), a source variable's weighted value
/// (`variable = x`), or a gap junction's w·(V_pre − V_post) into both cells
/// (`gap_junction = V`).
enum class Coupling { None, Variable, GapJunction };

struct Projection {
  std::string name; // may be empty
  PopulationSlice source, target;
  Coupling coupling = Coupling::None;
  /// Coupling projections: the variable read in the source (and, for a gap
  /// junction, in the target) model; `port` is the continuous port fed in
  /// the target (and, for a gap junction, the source's port of that name:
  /// sourcePort).
  VarId sourceVar = kNoVar, targetVar = kNoVar;
  std::string variableName;
  uint32_t sourcePort = 0;
  Connectivity conn;
  /// Constant or distribution (as PopulationInit::value), in the unit of the
  /// target port's weight type when it has one.
  ExprPtr weight;
  /// In ms; constant or distribution.
  ExprPtr delay;
  /// round(delay / dt) when the delay is a constant (>= 1), else -1.
  int64_t delaySteps = 1;
  uint32_t port = 0; // index into the target model's ports
  std::string portName;
  /// Split by sign (no `port =`, target has one excitatory and one
  /// inhibitory spike port, weights not of one known sign): a synapse whose
  /// weight is negative delivers |w| to this port instead of `port`, as
  /// NESTML does. Absent otherwise.
  std::optional<uint32_t> negativePort;
  std::string negativePortName;
  /// Plastic synapses: index into Module::models of the synapse model and
  /// its parameters; hasSynapse false for static synapses.
  bool hasSynapse = false;
  uint32_t synapseModel = 0;
  std::string synapseName;
  std::vector<PopulationInit> synapseParams;
  /// `modulator = POP`: the population whose spikes drive the synapse
  /// model's neuromodulator port (`mod...`, docs/plasticity.md); absent
  /// when not given.
  std::optional<uint32_t> modulator;
  SourceRange loc;
};

struct RecordItem {
  enum class Kind { Spikes, Variable, Inline } kind = Kind::Spikes;
  std::string name;
  uint32_t id = 0; // VarId or inline index
};

struct Recorder {
  std::string label; // `as NAME`, or generated: "<population>_<what>"
  std::vector<RecordItem> what;
  PopulationSlice target;
  double intervalMs = 0;     // 0: every step
  uint64_t intervalSteps = 1;
  SourceRange loc;
};

/// `record w from ee every 100 ms`: variables of the synapses of a plastic
/// projection (one named with `connect ee: ...`), sampled every
/// `intervalSteps` steps. `ee[a:b]` keeps the synapses onto neurons a..b-1
/// of the projection's target population ([targetBegin, targetEnd)).
struct SynapseRecorder {
  std::string label; // `as NAME`, or generated: "<projection>_<what>"
  uint32_t projection = 0; // index into Network::projections
  std::vector<std::string> variables; // of the projection's synapse model
  uint64_t targetBegin = 0, targetEnd = 0;
  double intervalMs = 0; // 0: every step
  uint64_t intervalSteps = 1;
  SourceRange loc;
};

/// `homeostasis for POP:` (docs/verilog.md §2): the integer homeostatic
/// threshold rule applied to a model parameter of every neuron of a
/// population. The integer constants (K, B) follow from these values by
/// nsc::hw::computeHomeostatConstants (runtime/include/nsc/hw/Homeostat.h).
struct Homeostasis {
  uint32_t population = 0;
  VarId threshold = kNoVar; // a real parameter of the population's model
  std::string thresholdName;
  double targetHz = 10, tauS = 10;
  int64_t thetaMin = 64, thetaMax = 512; // Q8.8 (256 = 1.0)
  uint32_t window = 100;                 // steps
  bool plain = false;                    // mode = plain (else accumulator)
  SourceRange loc;
};

/// `aer for POP:`: the population's spikes leave through an AER encoder.
struct AerOutput {
  uint32_t population = 0;
  unsigned timestampBits = 16;
  bool fourPhase = false; // handshake = four_phase
  SourceRange loc;
};

/// `detector for POP:` (docs/verilog.md §7): in hardware, the spikes of
/// spike source POP come from a MAD-threshold spike detector over POP.size
/// sampled channels (nsc::hw::SpikeDetectorConfig; the gain follows from
/// alpha by nsc::hw::computeDetectorGain).
struct SpikeDetector {
  enum class Polarity { Negative, Positive, Both };
  uint32_t population = 0;
  double alpha = 5;         // θ = alpha·median|x|/0.6745
  uint32_t refractory = 30; // samples
  uint32_t warmup = 2048;   // samples
  unsigned stepBits = 4;    // median step 2^-stepBits LSB
  unsigned sampleBits = 16; // signed samples
  Polarity polarity = Polarity::Negative;
  uint32_t samplesPerStep = 1; // sample_rate · dt (default one sampling instant per step)
  SourceRange loc;
};

struct Network {
  std::string name;
  /// Added by lowering for a single-model run (nsc/frontend/SingleModelNetwork.h),
  /// not written in the source: Module::findNetwork does not see it.
  bool singleModel = false;
  std::string docstring;
  Semantics semantics; // network-wide: its dt is the step of the whole network
  std::vector<Population> populations;
  std::vector<Projection> projections;
  std::vector<Recorder> recorders;
  std::vector<SynapseRecorder> synapseRecorders;
  std::vector<Homeostasis> homeostats; // at most one per population
  std::vector<AerOutput> aerOutputs;
  std::vector<SpikeDetector> detectors; // at most one per population
  SourceRange loc;
  std::optional<uint32_t> findPopulation(const std::string &name) const;
};

} // namespace nsc::ir
