//===- RunRequest.h - What a run asks for, and what it produced -*- C++ -*-===//
//
// Running a model or network, shared by every target that executes: what
// to run (the file's network, or --n copies of --model as the network that
// lowering adds for it), the inputs of a single-model run, and the outputs
// (--spikes, --trace, --record-dir, --stats), checkpoints (--checkpoint,
// --resume; docs/checkpoints.md).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/CompilerSession.h"
#include "nsc/runtime/Communicator.h"
#include "nsc/runtime/Recording.h"
#include "nsc/support/Units.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nsc::targets {

struct RunRequest {
  std::string target;        // the target's name (nsc verify: its label, "cpu:precision=float32")
  std::string duration;      // "1s", "200 ms", "500" (ms); empty: generate only
  std::string model;         // --model
  std::string network;       // --network (default: the only one)
  uint64_t n = 1;            // --n
  std::vector<std::string> params, spikeInputs, currentInputs;
  std::string spikesOut;     // --spikes=FILE
  std::vector<std::string> trace; // --trace=VAR[POP[a:b]],... (nsc/network/TraceSelection.h)
  std::string traceEvery;    // --trace-every=DURATION (empty: every step)
  std::string traceOut;      // --trace-out=FILE
  std::string recordDir;     // --record-dir: the network's recorders
  std::string recordFormat = "csv"; // --record-format: csv, json or npy
  std::string weightsOut;    // --weights=FILE.npy|.npz: the plastic synapses at the end (docs/running.md)
  bool stats = false;
  bool quiet = false;        // --quiet: no progress bar, no run summary
  unsigned threads = 1;      // --threads
  std::string checkpoint;    // --checkpoint=FILE: written at the end, when stopped, and every...
  std::string checkpointEvery; // --checkpoint-every=DURATION of simulated time
  std::string resume;        // --resume=FILE: continue from this checkpoint up to --run

  bool dryRun = false;       // --dry-run: print the memory estimate, build nothing
  std::string maxMemory;     // --max-memory=SIZE (empty: what the process may still use)
  double compileMs = 0;
  /// mpirun: the ranks the run is spread over (docs/mpi.md); null: one process.
  runtime::Communicator *communicator = nullptr;
};

/// What one target's run produced (nsc verify compares these). Population
/// names and neuron indices are those of the network runtime (declaration
/// order, R23), so that runs can be matched population by population.
struct TargetRun {
  struct Population {
    std::string name;
    uint64_t size = 0;
    bool isSource = false; // stimulus generators: identical by construction, not compared
  };
  std::vector<Population> populations;
  runtime::SpikeRecording spikes;
  runtime::TraceRecording traces; // the variables of RunRequest::trace
  double runMs = 0;               // wall time of the simulation itself
  /// Non-empty when the target refuses this network by design (a setting
  /// it cannot honour): the diagnostics saying why; nothing ran, and
  /// `nsc verify` skips the target instead of comparing.
  std::string skipped;
};

/// "1s", "250 ms", "100" (ms) to milliseconds; false with `error` set.
bool parseDurationMs(const std::string &text, double &ms, std::string &error);

/// --trace-every in steps of `dtMs` (1 when not given); false with `error`
/// set ("--trace-every: ...") when it is not a time of at least one step.
bool traceEverySteps(const RunRequest &r, double dtMs, uint64_t &steps, std::string &error);

/// `--dt`: "0.05ms", "50 us" to milliseconds: a time with its unit, finite
/// and positive; false with `error` set.
bool parseTimeStepMs(const std::string &text, double &ms, std::string &error);

/// "12.5 mV", "-3", "1e-3 nS": a number and an optional unit.
bool parseQuantity(const std::string &text, double &value, units::Unit &unit, bool &hasUnit, std::string &error);

/// The network `req` runs, as an index into the session's (lowered) module:
/// the file's (--network, or its only one), or, for --model (or a file with
/// no network and one neuron model), the single-model network lowering adds
/// from --n, --param, --spike-input and --current-input. `acceptsModel`:
/// whether the target runs single models. Nullopt after diagnostics.
std::optional<uint32_t> selectRunNetwork(CompilerSession &session, const RunRequest &req, bool acceptsModel);

/// The network a generating target (--emit, -o without --run) writes: the
/// one --network names, or the file's only one; nullopt (no diagnostic)
/// when the file has no network and none was named.
std::optional<uint32_t> selectOutputNetwork(CompilerSession &session, const RunRequest &req, bool &ok);

/// Writes `text` to `path` (-o), or stdout when it is empty or "-". False
/// (with a diagnostic) on an I/O error.
bool writeOutput(const std::string &path, const std::string &text, DiagnosticEngine &diags);

} // namespace nsc::targets
