//===- PlasticProjection.h - Synapses driven by a synapse model -*- C++ -*-===//
//
// A projection with `synapse = MODEL(...)`: every synapse carries the
// synapse model's state and runs its step after the model phase
// (docs/semantics.md R24), emitting weighted spikes into the target's ring
// buffer with the delay its model passes to emit_spike.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/network/SynapseKernel.h"
#include "nsc/runtime/Connectivity.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nsc::network {

struct PopulationRuntime;
struct SynapseValues;
class WorkerPool;

/// A plastic projection's run-time state, as a checkpoint holds it: the
/// synapse model's values (8-byte cells) and the lazy-update counters.
struct PlasticState {
  std::vector<uint64_t> shared, own;
  std::vector<uint64_t> scratch; // the last synapse's row, locals included
  std::vector<uint32_t> done;
  uint64_t epoch = 0;
  std::map<std::string, uint64_t> warnings;
};

class PlasticProjection {
public:
  virtual ~PlasticProjection() = default;
  /// Step k of every synapse (R24): its update, then on_receive for this
  /// step's pre spikes (the source fired) and post spikes (the target
  /// fired), emits into tgt's ring buffer. False with `error` set on
  /// trouble.
  virtual bool step(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, std::string &error) = 0;
  virtual uint64_t size() const = 0;
  /// Bytes of synapse storage (connectivity and per-synapse state).
  virtual uint64_t bytes() const = 0;
  /// The longest delay, in steps, a synapse can emit with (sizes the ring).
  virtual uint32_t maxDelay() const = 0;
  /// Back to the initial state of every synapse (as built); false with
  /// `error` set when the synapse model's start-up code fails.
  virtual bool reset(std::string &error) = 0;
  /// Adds the run-time warnings (text -> count) and clears them.
  virtual void drainWarnings(std::map<std::string, uint64_t> &into) = 0;
  /// Every synapse's value of a variable of the synapse model as it is after
  /// `steps` steps (the steps run so far), ordered by source neuron, then in
  /// connection order (the delivery order of R17).
  virtual bool values(uint64_t steps, const std::string &variable, SynapseValues &out,
                      std::string &error) const = 0;
  // Checkpoints (SynapseCheckpoint.cpp).
  /// A fingerprint of the connectivity (rows, targets, synapse indices).
  virtual uint64_t digest() const = 0;
  virtual void getState(PlasticState &out) const = 0;
  /// False with `error` set, nothing changed, when `state` does not fit.
  virtual bool checkState(const PlasticState &state, std::string &error) const = 0;
  virtual void setState(PlasticState &&state) = 0;
  /// Runs the synapse phase on `pool`'s threads (results independent of
  /// their number) and the model's code with a kernel from `kernels` when
  /// it gives one (else interpreted, with a warning saying why).
  virtual void setExecution(WorkerPool &pool, const SynapseKernelFactory &kernels) = 0;
  /// "interp" or the kernel's name ("cpu"), for --stats.
  virtual const char *executedBy() const = 0;

  /// The weight variable's name ("" when the model has none).
  virtual std::string weightVariable() const { return {}; }
  /// The population whose spikes drive the synapse model's neuromodulator
  /// port (`modulator = POP`); the engine binds it once after building.
  virtual void bindModulator(const PopulationRuntime *modulator) { (void)modulator; }
};

/// The plastic projection `pr` (index `index`) over the synapses `list`
/// (built by `spec`'s rule); null with `error` set when it cannot run.
std::unique_ptr<PlasticProjection> buildPlasticProjection(const ir::Module &module, const ir::Network &net,
                                                          const ir::Projection &pr, uint32_t index,
                                                          runtime::SynapseList &list,
                                                          const runtime::ConnectionSpec &spec, double dtMs,
                                                          std::string &error);

} // namespace nsc::network
