//===- ModelSynapses.h - A plastic projection run by its synapse model -*- C++ -*-===//
//
// The PlasticProjection of the network runtime. Its files:
//   ModelSynapses.cpp   building: connectivity, initial values, storage
//   PlasticStep.cpp     step k (R24): updates, handlers, emission; reading
//   SynapseModelInfo.*  what the synapse model's code does
//   SynapseCheckpoint.cpp  its state in checkpoints
//
// Storage. Synapses are kept in CSR by source neuron (rows in connection
// order), the delivery order of R17. A synapse model's slots (ModelExecutor
// rows) are split in two: `shared_`, one row of values every synapse has —
// parameters and internals that no code assigns and that came out the same
// for every synapse (e.g. the @homogeneous parameters) — and `own_`, the
// per-synapse values (states, anything assigned, anything that differs),
// row-major so that one synapse's values share a cache line. A synapse runs
// on a scratch row: the shared row with its own values copied in and out.
//
// Lazy update (R24 allows it when the result is the same). A synapse's
// `update:` only reads the synapse's own values, its parameters, t, its
// stream-6 draws (keyed by synapse and step) and its spike ports (0 in a
// step without events). So when `update:` emits and prints nothing, the
// runtime applies it at the synapse's next event for each step it skipped,
// with that step's index, and gets exactly the bits of stepping it every
// step. `done_` counts the updates applied to each synapse. For the common
// `x <- P·x` trace decays the skipped steps are the same products done
// without interpreting the block.
//
// Third factors (docs/plasticity.md): the model's `mod...` port reads the
// spike count of the projection's modulator population, its continuous
// inputs read the target neuron's variables of the same names; the runtime
// fills those port slots before a synapse runs, as it fills the pre and
// post ports.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "PlasticProjection.h"
#include "SynapseModelInfo.h"
#include "nsc/eval/ModelExecutor.h"
#include "nsc/network/SynapseKernel.h"
#include "nsc/runtime/Philox.h"

#include <map>

namespace nsc::network {

using eval::ModelExecutor;
using eval::NeuronFrame;
using eval::Value;

class ModelSynapses : public PlasticProjection {
public:
  bool build(const ir::Module &module, const ir::Network &net, const ir::Projection &pr, uint32_t index,
             runtime::SynapseList &list, const runtime::ConnectionSpec &spec, double dtMs, std::string &error);

  bool step(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, std::string &error) override;
  uint64_t size() const override { return target_.size(); }
  uint64_t bytes() const override;
  uint32_t maxDelay() const override { return maxDelay_; }
  bool reset(std::string &error) override;
  void drainWarnings(std::map<std::string, uint64_t> &into) override;
  bool values(uint64_t steps, const std::string &variable, SynapseValues &out, std::string &error) const override;
  uint64_t digest() const override;
  void getState(PlasticState &out) const override;
  bool checkState(const PlasticState &state, std::string &error) const override;
  void setState(PlasticState &&state) override;
  void setExecution(WorkerPool &pool, const SynapseKernelFactory &kernels) override;
  const char *executedBy() const override { return kernel_ ? kernel_->name() : "interp"; }

  void bindModulator(const PopulationRuntime *modulator) override { modulator_ = modulator; }
  std::string weightVariable() const override { return info_.weightVar ? m_->variables[*info_.weightVar].name : ""; }

private:
  // --- building (ModelSynapses.cpp)
  bool checkSetup(const ir::Module &module, const ir::Network &net, const ir::Projection &pr, std::string &error);
  void buildConnectivity(const runtime::SynapseList &list);
  bool buildInitialInputs(const ir::Projection &pr, runtime::SynapseList &list, const runtime::ConnectionSpec &spec,
                          std::string &error);
  /// Initial values and `prepare` of the synapse with connection index i
  /// (R33's synapse index) whose weight, when given, is `weight`, into a
  /// full row.
  bool initRow(uint64_t i, const double *weight, std::vector<Value> &row, std::string &error);
  /// Fills shared_/own_ from every synapse's initial row.
  bool initialise(std::string &error);
  bool computeMaxDelay(std::string &error);
  /// The third factors: the modulator and the postsynaptic variables read.
  bool setupThirdFactors(const ir::Projection &pr, const ir::Model &target, std::string &error);

  // --- stepping (PlasticStep.cpp)
  /// What one thread of the synapse phase works with: worker 0 uses the
  /// members row_, frame_, ports_, exec_ and warnings_, the others their
  /// own copies (extra_).
  struct Scratch {
    Value *row;
    NeuronFrame *frame;
    std::vector<double> *ports;
    ModelExecutor *exec;
    std::map<std::string, uint64_t> *warnings;
    unsigned worker;
  };
  struct WorkerStore {
    std::vector<Value> row;
    NeuronFrame frame;
    std::vector<double> ports;
    std::unique_ptr<ModelExecutor> exec;
    std::map<std::string, uint64_t> warnings;
  };
  Scratch scratch(unsigned worker);
  ModelExecutor &execOf(unsigned worker) const { return worker == 0 ? *exec_ : *extra_[worker - 1]->exec; }
  /// The synapses with an event in step k whose target is in [lo, hi), in
  /// position order (R17's order for each target). False with `error` set
  /// and `failedAt` the synapse's position on the first failure.
  bool stepTargets(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, uint32_t lo, uint32_t hi,
                   Scratch &s, std::string &error, uint64_t &failedAt);
  /// update: and the handlers, interpreted or compiled.
  bool runCode(uint64_t p, uint64_t k, uint32_t preCount, bool post, Scratch &s, SynapseEmit &emit,
               std::string &error);
  uint64_t synapseIndex(uint64_t p) const { return synapseIndex_.empty() ? 0 : synapseIndex_[p]; }
  uint64_t doneOf(uint64_t p) const { return done_.empty() ? 0 : epoch_ + done_[p]; }
  /// Applies `update:` for steps [from, to) to the synapse at position p
  /// whose row is loaded in `row` (own values may also be in own_), with
  /// worker `worker`'s executor or kernel context. False when the code
  /// stopped the run (the executor's or the kernel's fatal message).
  bool catchUp(uint64_t p, Value *row, uint64_t from, uint64_t to, unsigned worker = 0) const;
  /// The row of the synapse at position p: shared values, own ones copied in.
  void loadRow(uint64_t p, Value *row) const;
  /// Step k of the synapse at position p: update, handlers, emission.
  bool runSynapse(uint64_t p, uint64_t k, uint32_t preCount, bool post, PopulationRuntime &tgt, Scratch &s,
                  std::string &error);
  bool reportNonFinite(uint64_t p, uint64_t k, const Value *row, std::string &error) const;
  /// Brings every synapse to step k (before done_ would overflow).
  void rebase(uint64_t k);
  /// Fills the third-factor port slots for the synapse at position p.
  void loadThirdFactors(uint64_t p, const PopulationRuntime &tgt, std::vector<double> &ports) const;

  const ir::Model *m_ = nullptr;
  SynapseModelInfo info_;
  std::unique_ptr<ModelExecutor> exec_;
  double dt_ = 0;
  std::string what_; // "projection 'ee' (synapse model 'stdp_synapse')"
  uint32_t index_ = 0;
  uint64_t seed_ = 0;
  runtime::PhiloxKey rngKey_{}; // stream 6

  // Connectivity.
  uint64_t sources_ = 0, targets_ = 0;
  std::vector<uint64_t> offsets_; // by source neuron: row p in [offsets_[s], offsets_[s+1])
  std::vector<uint32_t> target_;
  std::vector<uint64_t> targetOffsets_; // positions by target (only if post spikes are handled)
  std::vector<uint32_t> byTarget_;
  std::vector<uint32_t> synapseIndex_;  // R33 synapse index by position (random draws)

  // Initial inputs, kept so that reset() gives the same start.
  const ir::Projection *pr_ = nullptr;
  std::vector<const ir::PopulationInit *> argOf_; // by VarId: `MODEL(x = ...)`
  bool hasWeight_ = false;                         // `weight =` given
  double constantWeight_ = 0;
  std::vector<double> weight_; // by position, when weights differ per synapse

  // State.
  unsigned rowSize_ = 0;
  std::vector<Value> shared_;
  std::vector<unsigned> ownSlots_;
  std::vector<int> ownColumn_; // by slot: column in own_, or -1
  std::vector<Value> own_;     // position * ownSlots_.size() + column
  std::vector<unsigned> realStateSlots_;
  bool lazy_ = true;
  std::vector<uint32_t> done_; // updates applied, minus epoch_ (lazy with an update block)
  uint64_t epoch_ = 0;
  struct Decay {
    unsigned state, coef; // slots of x and c in a row
  };
  std::vector<Decay> decays_;
  bool fastDecays_ = false;

  // Emission.
  uint32_t maxDelay_ = 1;
  double weightFactor_ = 1; // emit_spike's weight unit -> the target port's
  double delayFactor_ = 1;  // emit_spike's delay unit -> ms
  unsigned basePort_ = 0;
  int negativePort_ = -1;

  // Third factors: the modulator's spike count this step feeds the
  // `mod...` port; each continuous port reads a variable of the target
  // neuron (its slot there, and the unit factor into the port's unit).
  const PopulationRuntime *modulator_ = nullptr;
  uint32_t modCount_ = 0;
  /// This step runs every synapse (an update that cannot be lazy, or a
  /// neuromodulator spike that reaches every synapse), not only those with
  /// a pre or post spike.
  bool stepAll_ = false;
  struct PostRead {
    unsigned portSlot, targetSlot;
    ir::TypeKind kind;
    double factor;
  };
  std::vector<PostRead> postReads_;

  // Scratch.
  std::vector<Value> row_;
  NeuronFrame frame_;
  std::vector<double> ports_, zeroPorts_;
  std::vector<uint64_t> posts_;
  std::vector<uint32_t> preCount_; // per source neuron (per-step mode)
  std::vector<uint8_t> postFlag_;  // per target neuron (per-step mode)
  mutable std::map<std::string, uint64_t> warnings_;

  // Traces kept once per neuron (SharedTraces.cpp).
  struct SharedTrace {
    unsigned slot, coef; // of the trace and its decay coefficient
    bool post;           // by target neuron (else by source neuron)
    std::vector<double> value, pending;
  };
  void findSharedTraces();
  void advanceSharedTraces(const Value *shared);
  void loadSharedTraces(uint64_t p, Value *row) const;
  void keepSharedTraces(uint64_t p, bool pre, bool post, const Value *row);
  void commitSharedTraces(const PopulationRuntime &src, const PopulationRuntime &tgt);
  const SharedTrace *sharedTraceAt(unsigned slot) const;
  std::vector<SharedTrace> traces_;
  std::vector<uint32_t> sourceOf_;      // by position (only with shared traces)
  std::vector<uint32_t> firstOfTarget_; // the first position onto each target
  /// The per-synapse slots without shared traces (what checkpoints hold:
  /// own values and shared traces, by synapse).
  std::vector<unsigned> stateSlots_;

  // Execution: compiled code (null: interpreted) and threads.
  std::unique_ptr<SynapseKernel> kernel_;
  WorkerPool *pool_ = nullptr;
  std::vector<std::unique_ptr<WorkerStore>> extra_; // workers 1 .. N-1
};

} // namespace nsc::network
