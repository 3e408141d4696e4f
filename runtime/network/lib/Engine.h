//===- Engine.h - The network runtime's internals ---------------*- C++ -*-===//
//
// NetworkSimulation implements nsc::network::Simulation. Its files:
//   Engine.cpp       building populations, projections and initial state
//   Step.cpp         one step, in the order of docs/semantics.md §2
//   Recorders.cpp    --trace and the network's `record` statements
//   Access.cpp       reading and writing values by name, reset
//   Checkpoint.cpp   saving and restoring the complete state
//   Distribution.cpp runs spread over ranks (docs/mpi.md)
//
//===----------------------------------------------------------------------===//
#pragma once

#include "CompactSynapses.h"
#include "PlasticProjection.h"
#include "WorkerPool.h"
#include "nsc/hw/Homeostat.h"
#include "nsc/eval/ModelExecutor.h"
#include "nsc/network/Simulation.h"
#include "nsc/runtime/Communicator.h"
#include "nsc/runtime/Schedule.h"

#include <map>

namespace nsc::network {

using eval::ModelExecutor;
using eval::NeuronFrame;
using eval::Value;

struct PopulationRuntime {
  const ir::Population *pop = nullptr;
  uint32_t index = 0;
  uint64_t n = 0;
  // The neurons this rank updates and emits, [lo, hi) (all on one process;
  // docs/mpi.md); the state arrays hold every neuron, indexed globally.
  uint64_t lo = 0, hi = 0;
  // Model populations.
  const ir::Model *model = nullptr;
  PopulationKernel *kernel = nullptr;
  std::unique_ptr<ModelExecutor> exec; // initial values, prepare, inline traces
  unsigned rowSize = 0, ports = 0;
  std::vector<Value> state;            // column-major: slot s of neuron i at s*n + i
  std::vector<void *> columns;
  unsigned D = 2;                      // ring buffer slots (max delay + 1)
  std::vector<double> ringSum;         // ((k mod D) * ports + portSlot) * n + i
  std::vector<uint32_t> ringCount;
  std::vector<const double *> portValue;   // this step's slot of the ring
  std::vector<const uint32_t *> portCount;
  std::vector<double> constantInput;   // per port slot: --current-input
  std::vector<uint8_t> spiked;
  std::vector<ir::VarId> realStates;
  runtime::PhiloxKey neuronRngKey{};
  std::vector<bool> uniform;           // by VarId: see KernelRequest
  std::vector<Value> uniformValues;    // by slot
  bool stateGuards = false;            // the model guards a state variable (Guards.cpp)
  bool inputsTraced = false;           // an inline recorder reads this step's inputs
  std::vector<double> tracedInputs;    // then: this step's port values, kept for it
  // Sources (Sources.cpp).
  double rateHz = 0, amplitude = 0;
  int64_t startStep = 0, stopStep = INT64_MAX;
  runtime::SpikeSchedule schedule;     // spike_generator: the same times for every neuron
  std::vector<int64_t> currentSteps;   // step_current, signal, inhomogeneous Poisson: change steps
  std::vector<double> currentValues;   //   and values (channels per change step; rates)
  uint64_t channels = 1;               // signal_generator: 1 (all neurons) or n
  double frequencyHz = 0, phaseDeg = 0, offset = 0; // sine_generator
  double noiseMean = 0, noiseStd = 0;  // noise_generator
  uint64_t noiseSteps = 1;             //   steps per noise interval
  // spike_generator with per-neuron times: (emission step, neuron) sorted, merged.
  std::vector<uint64_t> eventStep;
  std::vector<uint32_t> eventNeuron, eventMultiplicity;
  double dtMs_ = 0;                    // the network's dt, for currentAt
  runtime::PhiloxKey poissonKey{};
  // This step's spikes: the neurons that fired, ascending, with multiplicity.
  std::vector<uint32_t> fired;
  std::vector<uint32_t> multiplicity; // parallel to `fired`
  uint64_t spikeTotal = 0;

  bool isModel() const { return pop->kind == ir::PopulationKind::Model; }
  Value &cell(unsigned slot, uint64_t i) { return state[size_t(slot) * n + i]; }
  NeuronFrame frame(uint64_t i, uint64_t k, double dtMs) {
    NeuronFrame f;
    f.row = state.data() + i;
    f.stride = n;
    f.portValue = ports ? portValue[0] + i : nullptr;
    if (ports && inputsTraced && tracedInputs.size() == size_t(ports) * n)
      f.portValue = tracedInputs.data() + i;
    f.neuron = i;
    f.step = k;
    f.tMs = double(k) * dtMs;
    f.rngKey = neuronRngKey;
    return f;
  }
  /// R19: a current source's value for step j >= 0 at its neuron i.
  double currentAt(int64_t j, uint64_t i) const;
  /// noise_generator: the value for step j on one connection, drawn from
  /// the projection's stream `key` (R33 stream 8) at index `connection`.
  double noiseAt(int64_t j, const runtime::PhiloxKey &key, uint64_t connection) const;
  /// R20, R21: the spikes a spike source emits in step k, into fired/multiplicity.
  void emitSpikes(uint64_t k, double dtMs);
};

struct ProjectionRuntime {
  const ir::Projection *proj = nullptr;
  uint32_t index = 0;
  uint32_t src = 0, tgt = 0;
  bool continuous = false;
  unsigned basePort = 0;
  int negativePort = -1; // split port (R15), or -1
  runtime::PhiloxKey noiseKey{}; // from a noise_generator: K(q, 8)
  // `variable = x` / `gap_junction = V` (R18b): the columns read, and for a
  // gap junction the source's port slot that receives the opposite current.
  ir::Coupling coupling = ir::Coupling::None;
  unsigned sourceSlot = 0, targetSlot = 0, sourcePortSlot = 0;
  CompactSynapses synapses;
  // Every row's targets ascend (target-owned rules): a worker's share of a
  // row is then found by binary search (Step.cpp, deliverStatic).
  bool rowsAscending = false;
  std::unique_ptr<PlasticProjection> plastic;
  mutable std::optional<uint64_t> digest; // of the connectivity, for checkpoints
};

/// The block [lo, hi) of a population of `n` neurons that `rank` of
/// `ranks` updates (Distribution.cpp, docs/mpi.md).
std::pair<uint64_t, uint64_t> ownedBlock(uint64_t n, int rank, int ranks);

/// A guard `[[...]]` that does not hold (Guards.cpp).
struct GuardViolation {
  SourceRange at;    // the guard
  SourceRange setAt; // the network's value for the variable, if it sets one
  std::string message;
};

struct CheckpointIdentity; // CheckpointIdentity.h
struct StagedCheckpoint;   // Checkpoint.cpp
namespace ckpt {
class Reader;
struct Section;
} // namespace ckpt

/// One `homeostasis for` block's run-time state (Homeostasis.cpp).
struct HomeostatRuntime {
  const ir::Homeostasis *decl = nullptr;
  uint32_t population = 0;
  unsigned slot = 0; // the threshold's column
  hw::HomeostatConfig config;
  std::vector<hw::HomeostatNeuron> neurons;
};

class NetworkSimulation : public Simulation {
public:
  NetworkSimulation(const ir::Module &m, const ir::Network &net, const BuildOptions &options,
                    DiagnosticEngine &diags);
  ~NetworkSimulation() override;

  bool build();
  bool run(const RunOptions &options, RunResult &result) override;
  bool step(uint64_t steps, RunResult &result) override;
  bool reset(bool keepParameters) override;
  uint64_t currentStep() const override { return step_; }
  double dtMs() const override { return dt_; }
  double connectMs() const override { return connectMs_; }
  std::optional<uint32_t> population(const std::string &name) const override;
  bool getValues(uint32_t population, const std::string &variable, std::vector<double> &out,
                 std::string &error) const override;
  bool injectSpikes(uint32_t population, const std::string &port, const std::vector<uint64_t> &indices,
                    const std::vector<double> &weights, uint32_t delaySteps, std::string &error) override;
  bool setValues(uint32_t population, const std::string &variable, const std::vector<double> &values,
                 std::string &error) override;
  // Plastic projections (Access.cpp).
  std::optional<uint32_t> projection(const std::string &name) const override;
  bool getSynapseValues(uint32_t projection, const std::string &variable, SynapseValues &out,
                        std::string &error) const override;
  std::string synapseWeightVariable(uint32_t projection) const override;
  bool exportNetwork(ExportedNetwork &out, std::string &error) const override; // Export.cpp
  // Checkpoint.cpp
  bool saveCheckpoint(const std::string &path, const std::string &target, const RunResult &recordings,
                      std::string &error) override;
  bool restoreCheckpoint(const std::string &path, const std::string &target,
                         const std::vector<std::string> &traceVariables, RunResult &recordings,
                         std::string &error) override;

private:
  bool fail(SourceRange at, std::string msg);
  bool buildPopulation(uint32_t p);
  /// A stimulus source's schedule from its arguments or file (Sources.cpp).
  bool buildSource(PopulationRuntime &ps);
  static std::string fmtNumber(double v);
  bool buildProjection(uint32_t q);
  double connectMs_ = 0; // the projections' construction (RunResult's synapseMemory.buildMs)
  /// A static projection of a target-owned rule with one weight and one
  /// delay, drawn straight into its CSR (no synapse list).
  bool buildUniformProjection(ProjectionRuntime &pj, const runtime::ConnectionSpec &spec);
  bool setupCoupling(ProjectionRuntime &pj);
  bool initialise(bool keepParameters);
  bool runPrepare(PopulationRuntime &ps);
  /// Finds which parameters/internals are uniform in `ps` and binds the
  /// kernel specialised for that (making it on first use).
  bool bindKernel(PopulationRuntime &ps);
  bool runSteps(uint64_t steps, RunResult &res, const RunOptions &options);
  bool stepOnce(uint64_t k, RunResult &res);
  bool modelPhase(uint64_t k);
  /// Delivers this step's spikes of a static projection to its targets in
  /// [lo, hi) (all: 0, UINT32_MAX).
  void deliverStatic(ProjectionRuntime &pj, uint64_t k, uint32_t lo, uint32_t hi);
  /// The static projections [first, last) (continuous ones skipped), on the
  /// workers by target range when the step's spikes reach
  /// BuildOptions::parallelDeliveryFrom synapses or more.
  void deliverStaticRun(size_t first, size_t last, uint64_t k);
  /// Sets rowsAscending of the static projections (on the workers).
  void findAscendingRows();
  /// R18b: the coupling projections' contributions to this step's ports,
  /// from the variables as they stand at the start of the step.
  void deliverCouplings();
  void collectFired(PopulationRuntime &ps);
  // Distribution.cpp
  bool distributed() const { return comm_->size() > 1; }
  bool checkDistributable();
  /// False with `error` naming `what` when this run is spread over ranks
  /// (what does not work distributed yet, docs/mpi.md).
  bool localOnly(const char *what, std::string &error) const;
  void keepOwnedTargets(const PopulationRuntime &tgt, std::vector<uint32_t> &source, std::vector<uint32_t> &target,
                        std::vector<double> &weight, std::vector<uint32_t> &delaySteps) const;
  /// Narrows a target-owned rule's target slice (and one_to_one's source
  /// slice with it) to the neurons this rank updates.
  void narrowToOwnedTargets(runtime::ConnectionSpec &spec, const PopulationRuntime &tgt) const;
  void bufferOwnedSpikes();
  bool exchangeWindow(RunResult &res, bool failed, bool &stop);
  void gatherTraces(RunResult &res);
  void emitWindowStep(std::vector<const uint32_t *> &cursor, RunResult &res, uint64_t k);
  bool recordAndDeliver(uint64_t k, RunResult &res);
  // Homeostasis.cpp
  bool isHomeostatThreshold(uint32_t population, ir::VarId v) const;
  bool setupHomeostats(PopulationRuntime &ps);
  void stepHomeostats(uint64_t k);
  bool reportNonFinite(PopulationRuntime &ps, uint64_t k);
  // Guards.cpp
  static bool hasStateGuards(const ir::Model &m);
  std::optional<GuardViolation> findGuardViolation(PopulationRuntime &ps, uint64_t k, bool statesOnly);
  bool checkInitialGuards(PopulationRuntime &ps);
  bool checkStateGuards(uint64_t k);
  void finishResult(RunResult &res, double ms);
  // Recorders.cpp
  bool setupTraces(const std::vector<std::string> &variables, RunResult &res, uint64_t every = 1);
  bool setupTraceSelection(const std::vector<std::string> &entries, uint64_t every, RunResult &res);
  void setupSynapseRecorders(RunResult &res);
  void ensureRecorders(RunResult &res);
  bool sampleTraces(uint64_t k);
  bool sampleSynapses(uint64_t k);
  void markTracedInputs();
  // Checkpoint.cpp
  CheckpointIdentity identity(const std::string &target, const std::vector<std::string> &traceVariables) const;
  uint64_t connectivityDigest(const ProjectionRuntime &pj) const;
  bool stageRun(const ckpt::Section &section, StagedCheckpoint &st, std::string &error) const;
  bool stageState(const ckpt::Reader &file, StagedCheckpoint &st, std::string &error) const;
  bool stageRecordings(const ckpt::Reader &file, const std::vector<std::string> &traceVariables,
                       StagedCheckpoint &st, std::string &error) const;
  void applyCheckpoint(StagedCheckpoint &st);

  struct TraceItem {
    ir::VarId var = ir::kNoVar;
    uint32_t inlineId = 0;
  };
  struct TraceSpec {
    uint32_t population;
    uint64_t begin, end, every;
    std::vector<TraceItem> items;
    runtime::TraceRecording *out;
  };

  /// A worker's share of a population in the model phase.
  struct ModelChunk {
    PopulationRuntime *ps;
    uint64_t begin, end;
    StepStatus status = StepStatus::Ok;
    unsigned worker;
  };
  std::vector<ModelChunk> chunks_;
  std::vector<PopulationView> views_;

  runtime::SingleProcess single_;
  runtime::Communicator *comm_ = &single_;
  // Distributed runs: the owned spikes of the steps since the last
  // exchange, per step [per population: count, then (neuron, multiplicity)
  // pairs]; the exchange happens every window_ steps (the minimum delay).
  uint32_t window_ = UINT32_MAX;
  uint64_t windowFirst_ = 0, windowSteps_ = 0;
  std::vector<uint32_t> sendBuffer_, receiveBuffer_;
  RankShare share_;
  // Distributed: the trace spec (index in traces_) of each row this rank
  // sampled since the last gather, per recording.
  std::map<const runtime::TraceRecording *, std::vector<uint32_t>> traceRowSpec_;

  const ir::Module &mod_;
  const ir::Network &net_;
  BuildOptions options_;
  DiagnosticEngine &diags_;
  double dt_;
  uint64_t step_ = 0;
  std::vector<PopulationRuntime> pops_;
  std::vector<ProjectionRuntime> projs_;
  std::vector<TraceSpec> traces_;
  struct SynapseTrace {
    const ir::SynapseRecorder *decl;
    runtime::SynapseRecording *out;
  };
  std::vector<SynapseTrace> synapseTraces_;
  std::vector<std::string> traceEntries_; // --trace as given (setupTraces compares it)
  uint64_t traceEvery_ = 1;
  std::vector<HomeostatRuntime> homeostats_;
  RunResult *recordersFor_ = nullptr; // the result the recorders write into
  std::map<std::pair<const ir::Model *, std::vector<bool>>, std::unique_ptr<PopulationKernel>> kernels_;
  std::map<std::string, uint64_t> warnings_;
  std::unique_ptr<WorkerPool> workers_;
  // Parameter overrides by setValues, re-applied by reset(keepParameters).
  std::vector<std::tuple<uint32_t, ir::VarId, std::vector<double>>> overrides_;
};

} // namespace nsc::network
