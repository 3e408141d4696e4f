//===- Simulation.h - A network, built and ready to step --------*- C++ -*-===//
//
//   nsc::Simulation sim = model.simulate("cuba");
//   sim.run(100.0);                                  // 100 ms
//   for (int i = 0; i < 1000; ++i) {
//     sim.step();                                    // one dt
//     std::vector<double> v = sim.get("exc", "V_m"); // mV
//   }
//   for (const nsc::Spike &s : sim.spikes()) ...
//
// Time is discrete (docs/semantics.md): step k takes the network from
// t_k = k·dt to t_{k+1}; a spike emitted in step k is stamped t_{k+1}.
// run() and step() continue from where the last call stopped; spikes and
// the network's recorders accumulate until cleared or reset.
//
// Values are float64 in the unit the model declares for the variable (a
// `mV` state is read and written in millivolts, an `ms` parameter in
// milliseconds); integers and booleans are converted to and from double.
//
// Names: methods are camelCase; a quantity's unit is a suffix (`_ms`,
// `_hz`). Errors throw (see Error.h): ArgumentError for unknown names and
// invalid values (the simulation is unchanged), SimulationError for trouble
// while running (e.g. a state variable became NaN; the simulation stops at
// the failing step: read its state, or reset()).
//
// A Simulation is not thread-safe: use it from one thread at a time.
// Distinct simulations may run concurrently on different threads.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/Error.h"
#include "nsc/Export.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nsc {

namespace detail {
struct SimulationImpl;
}

/// One spike: neuron `index` of population `population` (an index into
/// Simulation::populations()) fired in step `step`, stamped
/// time_ms = (step + 1)·dt.
struct Spike {
  double time_ms = 0;
  uint64_t step = 0;
  uint32_t population = 0;
  uint64_t index = 0;
};

/// One address-event as the generated Verilog AER encoder emits it
/// (docs/verilog.md §3): neuron address `id`, timestamp `tick` in ticks of
/// a hardware clock, counted from t = 0.
struct AerEvent {
  uint32_t id = 0;
  uint64_t tick = 0;
};

/// The samples of one `record VAR, ... from POP[a:b] every T as LABEL`
/// statement of the network: one row per sampled neuron per sample time.
struct Trace {
  std::string label;
  std::string population;
  std::vector<std::string> variables;
  std::vector<double> time_ms;  // per row; a sample after step k is at (k+1)·dt
  std::vector<uint64_t> index;  // per row: the neuron within the population
  std::vector<double> values;   // row-major: rows() × variables.size()

  size_t rows() const { return time_ms.size(); }
  double value(size_t row, size_t variable) const { return values[row * variables.size() + variable]; }
};

struct PopulationInfo {
  std::string name;
  /// The neuron model, or the source's kind for stimulus populations
  /// (ir::populationKindName: "poisson_generator", "spike_generator",
  /// "dc_generator", "sine_generator", ...).
  std::string model;
  uint64_t size = 0;
  bool isSource = false;
};

struct VariableInfo {
  std::string name;
  std::string role; // "parameter", "state" or "internal"
  std::string type; // "real", "integer" or "boolean"
  std::string unit; // "mV", "1/ms", ... ("" when dimensionless)
};

/// The synapses of a plastic projection and their values of one variable
/// of its synapse model, ordered by source neuron, then connection order.
struct SynapseValues {
  std::vector<uint32_t> source; // neuron index in the source population
  std::vector<uint32_t> target; // neuron index in the target population
  std::vector<double> values;   // in the unit the synapse model declares

  size_t size() const { return values.size(); }
};

struct PopulationStats {
  std::string name;
  uint64_t size = 0;
  uint64_t spikes = 0;  // since the start (or the last reset)
  double rate_hz = 0;   // spikes / size / simulated time
  bool isSource = false;
};

/// Figures of a simulation since it was built (or last reset).
struct Stats {
  std::string target;      // "cpu" or "interp"
  unsigned threads = 1;
  double dt_ms = 0;
  uint64_t steps = 0;
  double time_ms = 0;      // simulated time
  uint64_t neurons = 0;    // in model populations (sources excluded)
  uint64_t synapses = 0;
  uint64_t synapseBytes = 0;
  double bytesPerSynapse = 0;
  uint64_t spikes = 0;     // of model populations
  double meanRate_hz = 0;  // of model populations
  double compile_ms = 0;   // front end + passes (Model::compile_ms())
  double build_ms = 0;     // building the network, code generation and JIT included
  double connect_ms = 0;   // of build_ms: drawing the connectivity, laying out the synapses
  double codegen_ms = 0;   // cpu: IR -> LLVM IR
  double jit_ms = 0;       // cpu: optimise, compile, load (or load from a cache)
  unsigned modelsCompiled = 0, memoryCacheHits = 0, diskCacheHits = 0; // cpu
  double run_ms = 0;       // wall time spent in run() and step()
  std::vector<PopulationStats> populations;
  /// Run-time warnings of the models (e.g. an adaptive solver giving up),
  /// each with the number of times it occurred.
  std::vector<std::pair<std::string, uint64_t>> warnings;
};

class NSC_API Simulation {
public:
  /// Move-only. A moved-from Simulation can be assigned to or destroyed;
  /// any other call throws ArgumentError.
  Simulation(Simulation &&) noexcept;
  Simulation &operator=(Simulation &&) noexcept;
  ~Simulation();
  Simulation(const Simulation &) = delete;
  Simulation &operator=(const Simulation &) = delete;

  // --- time ----------------------------------------------------------------

  /// Simulates `duration_ms` more milliseconds, rounded to whole steps.
  /// Throws ArgumentError for a negative or non-finite duration and
  /// SimulationError on numeric trouble.
  void run(double duration_ms);
  /// Advances `n` steps (default one). Throws SimulationError on numeric
  /// trouble.
  void step(uint64_t n = 1);
  /// Steps done since the start (or the last reset).
  uint64_t steps() const;
  /// Simulated time: steps() · dt_ms().
  double time_ms() const;
  double dt_ms() const;
  /// Back to t = 0: initial values drawn again (the same random numbers,
  /// so a reset simulation repeats its first run exactly), delay buffers
  /// emptied, spikes and traces cleared, run-time statistics zeroed.
  /// Values changed with set() are forgotten unless `keepParameters`, which
  /// re-applies the parameter changes (state changes are always dropped).
  void reset(bool keepParameters = false);

  // --- structure and values ------------------------------------------------

  /// Populations in declaration order (their index is Spike::population).
  const std::vector<PopulationInfo> &populations() const;
  /// The index of a population; throws ArgumentError when there is none.
  uint32_t populationIndex(const std::string &population) const;
  /// Parameters, state and internal variables of a model population.
  std::vector<VariableInfo> variables(const std::string &population) const;

  /// Every neuron's current value of a variable (parameter, state or
  /// internal) of a model population.
  std::vector<double> get(const std::string &population, const std::string &variable) const;
  /// The same into `out` (resized), which avoids an allocation per call in
  /// a stepping loop.
  void get(const std::string &population, const std::string &variable, std::vector<double> &out) const;
  /// Sets a variable of every neuron: `values` holds one value per neuron.
  /// Setting a parameter recomputes what depends on it (internals,
  /// propagators), as a parameter change in NEST does. Throws ArgumentError
  /// for an unknown name, a wrong count or a NaN.
  void set(const std::string &population, const std::string &variable, const std::vector<double> &values);
  /// Sets a variable of every neuron to the same value.
  void set(const std::string &population, const std::string &variable, double value);

  /// Closed-loop input between steps: one spike event per entry of
  /// `indices` into the spike port `port` of a model population, with
  /// `weights` in the port's unit (one for all events, or one per event),
  /// read by the neurons `delaySteps` steps after the next step begins (0:
  /// the next step, as if a projection had delivered them). Events on the
  /// same neuron add up. Throws ArgumentError (nothing injected) for an
  /// unknown port, an index out of range, a non-finite weight or a delay
  /// longer than the population's delay buffer.
  void injectSpikes(const std::string &population, const std::string &port, const std::vector<uint64_t> &indices,
                    const std::vector<double> &weights = {1.0}, uint32_t delaySteps = 0);

  /// Spike events read in later steps: event e goes into spike port `port`
  /// of neuron `indices[e]` and is read by the neurons in step `steps[e]`
  /// (absolute: a step >= steps(); injectSpikes with delay 0 right before
  /// that step), with `weights` as for injectSpikes. The events wait in a
  /// queue until run()/step() reach their steps; reset() drops them.
  /// Throws ArgumentError (nothing scheduled) for an unknown port, an
  /// index out of range, a step in the past or mismatched sizes.
  void scheduleSpikes(const std::string &population, const std::string &port, const std::vector<uint64_t> &steps,
                      const std::vector<uint64_t> &indices, const std::vector<double> &weights = {1.0});
  /// Address-events into a spike port: event (id, tick) of a clock of
  /// `tick_hz` is read in the step containing its time, step =
  /// floor(tick / (tick_hz · dt)) (docs/closed-loop.md §2); the id is the
  /// neuron index. Refused like scheduleSpikes (a tick before the current
  /// step included).
  void injectAer(const std::string &population, const std::string &port, const std::vector<AerEvent> &events,
                 double tick_hz, double weight = 1.0);
  /// Events scheduled and not yet delivered.
  uint64_t scheduledSpikes() const;
  /// Scalar spike input ports of a model population's neuron model, the
  /// ports injectSpikes and scheduleSpikes take.
  std::vector<std::string> spikePorts(const std::string &population) const;

  /// Names of the network's plastic projections, those declared as
  /// `connect NAME: A -> B: ..., synapse = MODEL(...)`.
  std::vector<std::string> plasticProjections() const;
  /// Every synapse of a named plastic projection with its current value of
  /// a synapse-model variable (state, parameter or internal; e.g. the
  /// weight `w` of stdp_synapse). Throws ArgumentError for an unknown
  /// projection or variable.
  SynapseValues synapses(const std::string &projection, const std::string &variable) const;

  // --- recordings ----------------------------------------------------------

  /// Every spike of every population (sources included) since the start,
  /// the last reset or the last clearSpikes(), ordered by step, then
  /// population, then neuron index.
  const std::vector<Spike> &spikes() const;
  /// The spikes of spikes() emitted in step `step` or later (e.g. the last
  /// frame's: spikesSince(stepsBeforeTheFrame)), found by binary search.
  std::vector<Spike> spikesSince(uint64_t step) const;
  /// Forgets the spikes collected so far (the counts in stats() remain).
  /// Long-running loops call this to keep memory bounded.
  void clearSpikes();
  /// Labels of the network's `record` statements that sample variables.
  std::vector<std::string> recorders() const;
  /// The samples of one recorder so far; throws ArgumentError for an
  /// unknown label.
  Trace trace(const std::string &label) const;
  /// Forgets the samples of every recorder.
  void clearTraces();

  Stats stats() const;

  // --- checkpoints (docs/checkpoints.md) --------------------------------------

  /// Writes the complete state as of now — every neuron and synapse value,
  /// the delay buffers with their pending and injected events, plastic and
  /// homeostatic state, the step counter (the random streams' position) —
  /// and the spikes and recorder samples held now, to `path` (written to a
  /// temporary file, fsync'd and renamed, so `path` is never partial).
  /// Throws ArgumentError when the file cannot be written.
  void saveCheckpoint(const std::string &path) const;
  /// Replaces the state, spikes() and the recorders' samples by those of a
  /// checkpoint, so that running on gives bit for bit what the simulation
  /// that saved it gives (for any thread count). Throws ArgumentError, the
  /// simulation unchanged, for an unreadable, corrupt or truncated file,
  /// or one written by another nsc version, target, network, model or
  /// option (dt, seed, precision): the message says what differs.
  void restoreCheckpoint(const std::string &path);

private:
  friend class Model;
  explicit Simulation(std::unique_ptr<detail::SimulationImpl> impl);
  /// The implementation; throws ArgumentError on a moved-from object.
  detail::SimulationImpl *impl() const;
  std::unique_ptr<detail::SimulationImpl> impl_;
};

} // namespace nsc
