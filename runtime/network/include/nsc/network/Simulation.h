//===- Simulation.h - A network, built and ready to step --------*- C++ -*-===//
//
// The network runtime every executing backend shares: populations in
// structure-of-arrays state, projections in compact CSR storage, ring
// buffers for delays, Poisson/spike-time/current sources, plastic synapses,
// recorders, the counter-based random streams — following
// docs/semantics.md step by step. What a model's neurons do within a step
// comes from a PopulationKernel (the interpreter's or compiled code), so
// every backend that plugs in a kernel gets the same network semantics.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"
#include "nsc/network/PopulationKernel.h"
#include "nsc/network/SynapseKernel.h"
#include "nsc/runtime/Recording.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nsc::runtime {
class Communicator; // nsc/runtime/Communicator.h
}

namespace nsc::network {

struct BuildOptions {
  KernelFactory kernels;  // required: which backend runs the models
  /// Compiled synapse-model code (nsc/network/SynapseKernel.h); empty: the
  /// interpreter runs synapse models.
  SynapseKernelFactory synapseKernels;
  unsigned threads = 1;   // worker threads for the model phase and delivery (>= 1)
  /// With threads > 1, a step whose spikes reach at least this many static
  /// synapses delivers them on the workers, each to its own range of
  /// targets (below it the hand-off costs more than it saves). Results do
  /// not depend on it; tests set 0 to exercise the threaded path.
  uint64_t parallelDeliveryFrom = 1024;
  /// The processes the run is spread over (docs/mpi.md); null or one rank:
  /// this process runs the whole network. It must outlive the simulation.
  runtime::Communicator *communicator = nullptr;
};

struct RunOptions {
  double durationMs = 0;
  /// Variables (or recordable inlines) sampled from every neuron of every
  /// model population that has them, or from the neurons the entries
  /// select (--trace; nsc/network/TraceSelection.h).
  std::vector<std::string> traceVariables;
  /// --trace samples after every `traceEverySteps`-th step (>= 1).
  uint64_t traceEverySteps = 1;
  /// Called about every 1% of the run with the fraction done (progress bars).
  std::function<void(double)> progress;
  /// Read after every step: once it is true the run stops there, with
  /// that step complete, and RunResult::stopped set (SIGINT, SIGTERM).
  const std::atomic<bool> *stop = nullptr;
  /// Called after every step whose number since t = 0 (currentStep()) is a
  /// multiple of `periodicSteps` (> 0), between steps: periodic
  /// checkpoints. Returning false ends the run as a failure.
  uint64_t periodicSteps = 0;
  std::function<bool()> periodic;
};

struct PopulationStats {
  std::string name;
  uint64_t size = 0;
  uint64_t spikes = 0;
  bool isSource = false;
};

/// Memory of the synapse storage (CSR by source, the smallest types that
/// hold the weights and delays).
struct SynapseMemory {
  uint64_t synapses = 0;
  uint64_t bytes = 0; // targets, weights, delays, row offsets, plastic state
  double buildMs = 0;  // drawing the connectivity and laying it out (wall time)
  double bytesPerSynapse() const { return synapses ? double(bytes) / double(synapses) : 0.0; }
};

/// This process's share of a distributed run (docs/mpi.md); on one
/// process: rank 0 of 1, everything, no exchange.
struct RankShare {
  int rank = 0, ranks = 1;
  uint64_t neurons = 0;       // model neurons this rank updates
  uint64_t synapses = 0;      // synapses stored here (their targets are this rank's)
  uint64_t synapseBytes = 0;
  uint32_t windowSteps = 0;   // steps between spike exchanges (the minimum delay)
  uint64_t exchanges = 0;     // spike exchanges so far
  uint64_t wordsSent = 0;     // 32-bit words this rank contributed to them
  double exchangeMs = 0;      // wall time in the exchanges (waiting for other ranks included)
};

struct RunResult {
  runtime::SpikeRecording spikes;   // every spike of every population
  runtime::TraceRecording traces;   // --trace
  /// The network's own recorders of variables, by label.
  std::vector<std::pair<std::string, runtime::TraceRecording>> recorded;
  /// Its recorders of synapse variables (`record w from ee`), by label.
  std::vector<std::pair<std::string, runtime::SynapseRecording>> synapsesRecorded;
  std::vector<PopulationStats> populations;
  uint64_t steps = 0, neurons = 0, synapses = 0, spikeCount = 0;
  double runMs = 0;
  /// CPU time of the process (all threads) during the run: with one thread,
  /// a measure of the work that other load on the machine does not inflate.
  double runCpuMs = 0;
  SynapseMemory synapseMemory;
  std::string kernel; // "interp", "cpu"
  size_t kernels = 0; // distinct kernels (model x uniform-parameter set)
  /// Warnings the model raised at run time (rk45 giving up, ...), each
  /// with the number of times it occurred.
  std::vector<std::pair<std::string, uint64_t>> warnings;
  /// The last run() or step() ended early because RunOptions::stop was set.
  bool stopped = false;
  /// Distributed runs: `synapses` and `synapseMemory` above count this
  /// rank's synapses; the spikes are every rank's.
  RankShare rankShare;
};

/// The synapses of a plastic projection and one variable of their synapse
/// model, ordered by source neuron, then in connection order (R17).
struct SynapseValues {
  std::vector<uint32_t> source, target; // neuron indices in their populations
  std::vector<double> value;            // float64, in the variable's unit
};

/// A built network as plain data, for backends that run it outside this
/// runtime (the cuda target copies it to a GPU): the state after initial
/// values and `prepare`, the static synapses in the reference order, the
/// sources' schedules. Filled by Simulation::exportNetwork.
struct ExportedPopulation {
  uint32_t kind = 0;       // ir::PopulationKind
  uint64_t n = 0;
  uint32_t ringSlots = 2;  // D = max delay + 1 (R15)
  uint32_t portSlots = 0, rowSize = 0;
  std::vector<uint64_t> cells;     // rowSize * n raw 8-byte cells, slot-major (slot * n + i)
  std::vector<double> constantInput; // per port slot (--current-input)
  uint32_t rngKey[2] = {0, 0};     // models: K(p, 1); poisson_generator: K(p, 0)
  double rateHz = 0, amplitude = 0;
  int64_t startStep = 0, stopStep = INT64_MAX;
  std::vector<uint64_t> emitStep;  // spike_generator (R21)
  std::vector<uint32_t> multiplicity;
  std::vector<int64_t> currentSteps; // step_current_generator
  std::vector<double> currentValues;
};
struct ExportedProjection {
  uint32_t source = 0, target = 0;
  bool continuous = false, plastic = false;
  uint32_t basePort = 0;
  int32_t negativePort = -1;
  std::vector<uint64_t> rowBegin;  // CSR by source: source.n + 1 offsets
  std::vector<uint32_t> targets;
  std::vector<double> weights;
  std::vector<uint32_t> delays;    // steps
};
struct ExportedNetwork {
  double dtMs = 0;
  std::vector<ExportedPopulation> populations;
  std::vector<ExportedProjection> projections;
};

class Simulation {
public:
  /// Builds the network `networkIndex` of `module` (populations, synapses,
  /// initial state). Errors go to `diags`; null on failure. `module` must
  /// outlive the simulation; the runtime never changes it. A single-model
  /// run is a network too: lowering adds it (nsc/frontend/SingleModelNetwork.h).
  static std::unique_ptr<Simulation> forNetwork(const ir::Module &module, uint32_t networkIndex,
                                                const BuildOptions &options, DiagnosticEngine &diags);
  virtual ~Simulation() = default;

  /// Runs `options.durationMs` (rounded to whole steps, R1) from the
  /// current step on; results accumulate in `result` across calls. False
  /// when the run stopped on numeric trouble (reported through the
  /// diagnostics).
  virtual bool run(const RunOptions &options, RunResult &result) = 0;
  /// Advances `steps` steps (no traces besides the network's recorders).
  virtual bool step(uint64_t steps, RunResult &result) = 0;
  /// Back to t = 0: initial values drawn again, buffers emptied, parameter
  /// changes kept only if `keepParameters`.
  virtual bool reset(bool keepParameters = false) = 0;
  /// Steps done since the start (or the last reset).
  virtual uint64_t currentStep() const = 0;
  virtual double dtMs() const = 0;
  /// Wall time of drawing the connectivity and laying out the synapses
  /// while building (part of the build time), in ms.
  virtual double connectMs() const { return 0; }

  /// Population index by name.
  virtual std::optional<uint32_t> population(const std::string &name) const = 0;
  /// Every neuron's value of a variable (parameter, state, internal) of a
  /// model population, as float64 in the variable's unit.
  virtual bool getValues(uint32_t population, const std::string &variable, std::vector<double> &out,
                         std::string &error) const = 0;
  /// Sets a variable for every neuron (values.size() == 1 or the size).
  /// Setting a parameter re-runs the model's `prepare` block (propagators,
  /// internals), as a parameter change in NEST recalibrates.
  virtual bool setValues(uint32_t population, const std::string &variable, const std::vector<double> &values,
                         std::string &error) = 0;

  /// Closed-loop input between steps: spike events into spike port `port`
  /// of model population `population`, one per entry of `indices` (a
  /// neuron may appear several times; its weights add up), with `weights`
  /// in the port's unit (one weight for all, or one per event). They
  /// arrive `delaySteps` steps after the next step begins (0: the next
  /// step reads them), added after the projections' deliveries to the same
  /// slot. False with `error` set (nothing injected) for an unknown port,
  /// an index out of range or a delay beyond the population's ring buffer.
  virtual bool injectSpikes(uint32_t population, const std::string &port, const std::vector<uint64_t> &indices,
                            const std::vector<double> &weights, uint32_t delaySteps, std::string &error) {
    (void)population, (void)port, (void)indices, (void)weights, (void)delaySteps;
    error = "this simulation does not take injected spikes";
    return false;
  }

  /// Projection index (declaration order) by its name (`connect NAME: ...`).
  virtual std::optional<uint32_t> projection(const std::string &name) const {
    (void)name;
    return std::nullopt;
  }
  /// A plastic projection's synapses and their values of a synapse-model
  /// variable (state, parameter, internal) as of the current step.
  virtual bool getSynapseValues(uint32_t projection, const std::string &variable, SynapseValues &out,
                                std::string &error) const {
    (void)projection, (void)variable, (void)out;
    error = "this simulation does not expose synapse values";
    return false;
  }
  /// The name of a plastic projection's weight variable (the first
  /// argument of its emit_spike, else `w`); "" when it has none or is not
  /// plastic.
  virtual std::string synapseWeightVariable(uint32_t projection) const {
    (void)projection;
    return {};
  }
  /// Checkpoints (docs/checkpoints.md, Checkpoint.cpp): writes the complete
  /// state as of the current step, and the recordings of `recordings`
  /// (spikes, --trace, the network's recorders), to `path` (a temporary
  /// file, fsync'd and renamed). `target` names the kernels ("cpu"): a
  /// checkpoint resumes only on its own target. False with `error` set.
  virtual bool saveCheckpoint(const std::string &path, const std::string &target, const RunResult &recordings,
                              std::string &error) {
    (void)path, (void)target, (void)recordings;
    error = "this simulation cannot write checkpoints";
    return false;
  }
  /// Replaces the state by a checkpoint's and `recordings` by its
  /// recordings (set up as run() would for `traceVariables`). A checkpoint
  /// of another nsc, target, network, model or option, or a corrupt one, is
  /// refused with `error` saying what differs, and nothing changes.
  virtual bool restoreCheckpoint(const std::string &path, const std::string &target,
                                 const std::vector<std::string> &traceVariables, RunResult &recordings,
                                 std::string &error) {
    (void)path, (void)target, (void)traceVariables, (void)recordings;
    error = "this simulation cannot resume from checkpoints";
    return false;
  }
  /// The network as plain data (see ExportedNetwork), as of the current step.
  virtual bool exportNetwork(ExportedNetwork &out, std::string &error) const {
    (void)out;
    error = "this simulation cannot be exported";
    return false;
  }
};

} // namespace nsc::network
