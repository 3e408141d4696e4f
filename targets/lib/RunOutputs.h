//===- RunOutputs.h - The files and the summary of a finished run -*- C++ -*-===//
//
// Internal to targets/: what every executing target (cpu, interp, loihi,
// cuda) writes after a run — --spikes, --trace-out and one file per
// `record` statement under --record-dir (docs/running.md) — all or
// nothing: each file goes to a temporary next to it, and they are renamed
// into place only when every one was written. And the one-line summary a
// run prints without --stats.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/ir/Network.h"
#include "nsc/network/Simulation.h"
#include "nsc/runtime/Npy.h"
#include "nsc/runtime/Recording.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/targets/RunRequest.h"

#include <string>
#include <utility>
#include <vector>

namespace nsc::targets {

/// What a run recorded, for the files of `RunRequest`. Null members: none.
struct RunRecordings {
  const runtime::SpikeRecording *spikes = nullptr; // every spike (sorted, R23)
  const runtime::TraceRecording *trace = nullptr;  // --trace
  /// The network the run ran: its `record spikes from ...` statements take
  /// their spikes from `spikes` (null: a saved Loihi configuration).
  const ir::Network *network = nullptr;
  const std::vector<std::pair<std::string, runtime::TraceRecording>> *variables = nullptr;
  const std::vector<std::pair<std::string, runtime::SynapseRecording>> *synapses = nullptr;
  /// --weights: the arrays of the file (one, the weights, for .npy).
  const std::vector<runtime::NpzArray> *weights = nullptr;
};

/// --weights (docs/running.md): refuses a network without a plastic
/// projection; "" when fine, else the message.
std::string checkWeightsOutput(const RunRequest &r, const ir::Network &net);

/// --weights: the arrays to write, read from `sim` at its current step:
/// for FILE.npy one array, the weight variable of every plastic projection
/// (declaration order; within one, by source neuron, then connection
/// order); for FILE.npz `source`, `target` and each scalar state variable,
/// parameter and internal of the synapse model (names prefixed `PROJ/`
/// when the network has several plastic projections). "" or the message.
std::string collectWeights(const RunRequest &r, const ir::Module &module, const ir::Network &net,
                           const network::Simulation &sim, std::vector<runtime::NpzArray> &out);

/// Writes the run's output files; "" on success, else a message naming the
/// option and file, and then no file of the run was created or replaced.
/// `written` (optional) gets the number of files written.
std::string writeRunFiles(const RunRequest &r, const RunRecordings &rec, size_t *written = nullptr);

/// Targets that cannot sample synapse variables (loihi, cuda) refuse a
/// network's `record VAR from PROJECTION` statements: false after an error
/// at the first one, naming `target`.
bool refuseSynapseRecorders(const ir::Network &net, const std::string &target, DiagnosticEngine &diags);

/// --record-format's file extension (".csv", ".json", ".npy").
std::string recordExtension(const RunRequest &r);

/// The figures of the one-line summary.
struct RunSummary {
  uint64_t neurons = 0, synapses = 0, spikes = 0;
  double simulatedMs = 0, wallMs = 0, meanRateHz = 0;
  size_t files = 0;
};

/// Prints the summary on stderr unless --stats or --quiet:
/// `nsc: 1000 ms simulated in 1.24 s: 4000 neurons, 321058 synapses, 22144 spikes (5.536 Hz mean rate)`.
void printRunSummary(const RunRequest &r, const RunSummary &s);

} // namespace nsc::targets
