//===- RunPreflight.h - Checks before a network is built --------*- C++ -*-===//
//
// What is checked before a run allocates anything (docs/reliability.md):
// the run's length fits the step counter, and the network's estimated
// memory (nsc/network/MemoryEstimate.h) fits what the process may still
// use (nsc/support/SystemMemory.h) or the --max-memory limit. The driver's
// cpu and interp runs, `nsc verify` and the embedding API call it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/network/MemoryEstimate.h"
#include "nsc/support/Diagnostics.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace nsc::targets {

/// The number of steps of `durationMs` at `dtMs`, or empty with `error`
/// set ("1e+33 ms is too long: ...") when it does not fit a run's step
/// counter (2^62 steps: t = k·dt stays exact to the step below that).
std::optional<uint64_t> runSteps(double durationMs, double dtMs, std::string &error);

struct MemoryCheck {
  network::MemoryRequest request;
  /// --max-memory in bytes; 0: the memory the process may still use.
  uint64_t maxMemory = 0;
  /// Print the estimate here and check nothing (--dry-run).
  std::ostream *dryRun = nullptr;
};

/// Estimates network `networkIndex` of `module` and refuses it (an error at
/// its largest part, false) when it does not fit; with `dryRun` prints the
/// estimate instead and returns true.
bool checkMemory(const ir::Module &module, uint32_t networkIndex, const MemoryCheck &check,
                 DiagnosticEngine &diags);

struct RunRequest;

/// Before a run: every output it will write can be written (--spikes,
/// --trace-out, --record-dir: a known format, an existing writable folder;
/// the record folder is created here). A write is tried on each file
/// without leaving one behind, so a long run does not end in an I/O error.
/// False after an error naming the option.
bool checkRunOutputs(const RunRequest &req, DiagnosticEngine &diags);

} // namespace nsc::targets
