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
  uint64_t synapseIndex(uint64_t p) const { return synapseIndex_.empty() ? 0 : synapseIndex_[p]; }
  uint64_t doneOf(uint64_t p) const { return done_.empty() ? 0 : epoch_ + done_[p]; }
  /// Applies `update:` for steps [from, to) to the synapse at position p
  /// whose row is loaded in `row` (own values may also be in own_).
  void catchUp(uint64_t p, Value *row, uint64_t from, uint64_t to) const;
  /// The row of the synapse at position p: shared values, own ones copied in.
  void loadRow(uint64_t p, Value *row) const;
  /// Step k of the synapse at position p: update, handlers, emission.
  bool runSynapse(uint64_t p, uint64_t k, uint32_t preCount, bool post, PopulationRuntime &tgt, std::string &error);
  bool reportNonFinite(uint64_t p, uint64_t k, std::string &error) const;
  /// Brings every synapse to step k (before done_ would overflow).
  void rebase(uint64_t k);
  /// Step k of every synapse in position order (an update that cannot be
  /// lazy, or a neuromodulator spike that reaches every synapse).
  bool stepAll(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, std::string &error);
  /// Step k of the synapses with a spike (lazy mode).
  bool stepEvents(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, std::string &error);
  /// Fills the third-factor port slots for the synapse at position p.
  void loadThirdFactors(uint64_t p, const PopulationRuntime &tgt);

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
};

} // namespace nsc::network
