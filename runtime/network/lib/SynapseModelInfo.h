//===- SynapseModelInfo.h - What the runtime needs to know of a synapse model -*- C++ -*-===//
//
// A synapse model (after the default pass pipeline) read once before a
// plastic projection is built: which spike port is presynaptic and which
// postsynaptic, the handler order (R8), which variable is the weight, the
// delays it passes to emit_spike, which variables its code assigns (the
// rest can be stored once per projection when every synapse has the same
// value), and whether its `update:` block may be applied lazily, at the
// synapse's next event, with results identical to stepping it every step.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include <optional>
#include <string>
#include <vector>

namespace nsc::network {

struct SynapseModelInfo {
  const ir::Model *model = nullptr;
  /// The presynaptic spike port (spikes of the projection's source) and
  /// the postsynaptic one (spikes of its target), when the model has them.
  std::optional<uint32_t> prePort, postPort;
  /// Third factors (docs/plasticity.md): the neuromodulator spike port
  /// (named `mod...`), fed by the projection's `modulator = POP`, and the
  /// continuous ports, each reading the postsynaptic neuron's variable of
  /// the same name. To the synapse's code they are ordinary port slots
  /// that the runtime fills before the synapse runs.
  std::optional<uint32_t> modPort;
  std::vector<uint32_t> postReadPorts;
  /// `update:` (or a function it calls) reads a continuous port: it then
  /// needs the postsynaptic value of every step, so synapses are stepped
  /// every step.
  bool updateReadsPost = false;
  /// onReceive handlers in R8 order (priority descending, then declaration).
  std::vector<unsigned> handlerOrder;
  bool handlesPre = false, handlesPost = false;
  /// By VarId: assigned by update, a handler or a function.
  std::vector<bool> assigned;
  /// The weight variable: the variable passed as emit_spike's first
  /// argument, else a variable named `w` (docs/decisions.md).
  std::optional<ir::VarId> weightVar;
  /// Every emit_spike of the model (handlers, update, functions).
  std::vector<const ir::EmitSpike *> emits;
  /// True when every emit_spike's delay depends only on constants and on
  /// variables no code assigns: the delay bound computed from the initial
  /// values then holds for the whole run.
  bool delaysStatic = true;
  /// Calls random_* in update, handlers or functions (stream 6 then needs
  /// each synapse's index).
  bool usesRandom = false;
  /// Initial values or `prepare` draw random numbers (rows then differ
  /// between synapses), or read the weight variable.
  bool initUsesRandom = false, initReadsWeight = false;
  /// `update:` may run late: it emits no spike and prints nothing, so
  /// applying it for the steps between two events of a synapse, at the
  /// second event, gives the same bits as applying it every step (the
  /// step index, t and the stream-6 draws are those of each skipped step;
  /// spike ports read 0 in a step without events).
  bool lazyUpdate = true;
  bool emptyUpdate = true;
  /// When `update:` is exactly x_i <- c_i * x_i for distinct float64 state
  /// variables x_i and coefficients c_i that no code assigns (the exact
  /// propagator of independent exponential traces), the pairs (x_i, c_i):
  /// the runtime then applies the skipped steps as repeated products
  /// without interpreting the block, with the same bits.
  std::optional<std::vector<std::pair<ir::VarId, ir::VarId>>> decays;
};

/// Reads `m`. False with `error` set when the runtime cannot run it as a
/// synapse.
bool analyzeSynapseModel(const ir::Model &m, SynapseModelInfo &info, std::string &error);

} // namespace nsc::network
