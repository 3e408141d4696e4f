//===- SynapseKernel.h - What runs a synapse model's code -------*- C++ -*-===//
//
// A plastic projection (runtime/network/lib/ModelSynapses.*) owns its
// synapses' storage, the lazy-update bookkeeping and the delivery of what
// they emit. The code of the synapse model (`update:`, the onReceive
// handlers, functions, emit_spike) is run either by the interpreter
// (ModelExecutor, the reference) or by a SynapseKernel a backend compiled,
// as PopulationKernel does for neuron models.
//
// A kernel works on one synapse at a time, on the ModelExecutor's scratch
// row: slot s of ir::layoutOf(model) is row[s], an 8-byte cell (double,
// int64, a bool as int64 0/1). The runtime fills the row (shared values,
// the synapse's own values, anything else it places in slots) before a
// call and copies the synapse's own values out after it, so a kernel sees
// exactly what the interpreter sees.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/network/PopulationKernel.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace nsc::network {

/// The synapse model a projection runs, its step and its stream-6 key
/// (R33: draws are keyed by synapse index and step).
struct SynapseKernelRequest {
  const ir::Model *model = nullptr;
  double dtMs = 0;
  runtime::PhiloxKey rngKey{};
};

/// One synapse's step k (R24 (a)-(c)).
struct SynapseCall {
  uint64_t *row = nullptr;      // the scratch row (slots of ir::layoutOf)
  const double *ports = nullptr; // by port slot: the pre port reads its multiplicity, post 1, others 0
  uint64_t arrived = 0;         // bit p: spike port p received (its onReceive handlers run)
  bool runUpdate = false;       // run `update:` before the handlers
  uint64_t step = 0;            // k; time() is double(k) * dt
  uint64_t synapse = 0;         // R33 synapse index (the stream-6 draws' index)
};

/// What the first emit_spike(w, d) of a call passed (R12: one per step).
struct SynapseEmit {
  bool emitted = false;
  double weight = 0, delay = 0; // delay: as evaluated, in emit_spike's unit
  bool hasDelay = false;
};

class SynapseKernel {
public:
  virtual ~SynapseKernel() = default;
  /// Prepares `workers` independent execution contexts (threads).
  virtual void setWorkers(unsigned workers) = 0;
  /// `update:` when asked, then the handlers of the ports that arrived in
  /// R8 order. Ok or Fatal (see fatalMessage); non-finite values are the
  /// runtime's to find in the row.
  virtual StepStatus run(const SynapseCall &call, SynapseEmit &emit, unsigned worker) = 0;
  /// `update:` once for each step j in [from, to), with step j's time and
  /// draws and every port reading 0 (the lazy catch-up of R24).
  virtual StepStatus catchUp(uint64_t *row, uint64_t from, uint64_t to, uint64_t synapse, unsigned worker) = 0;
  virtual std::string fatalMessage(unsigned worker) const = 0;
  /// Adds the run-time warnings of every worker (text -> count) and clears them.
  virtual void drainWarnings(std::map<std::string, uint64_t> &into) = 0;
  /// A short name for --stats ("cpu").
  virtual const char *name() const = 0;
};

/// Makes the kernel for a synapse model. Null with `why` set when the
/// backend cannot run this model (the runtime then interprets it and says
/// so in a warning naming the model and `why`).
using SynapseKernelFactory =
    std::function<std::unique_ptr<SynapseKernel>(const SynapseKernelRequest &request, std::string &why)>;

} // namespace nsc::network
