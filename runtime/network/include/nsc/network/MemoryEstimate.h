//===- MemoryEstimate.h - A network's memory, before building it -*- C++ -*-===//
//
// What building and running a network will allocate, computed from the IR
// alone (sizes, connection rules' expected synapse counts, delays, the
// synapse models, the recorders and the run's duration) with the layout the
// engine actually uses: each model population's state row
// (ir::layoutOf), its ring buffer of D = max delay + 1 slots per port slot
// (float64 sums, uint32 counts), each static projection's CSR in the
// smallest types (CompactSynapses.h), each plastic projection's per-synapse
// state (ModelSynapses.h), the build's temporaries (the synapse list and
// the sort of the largest projection, which live only while it is built),
// samples of --trace and of `record` statements, and the JIT's allowance.
// docs/reliability.md says what is counted and how close it comes.
//
// The driver and the embedding API compare the total with the memory the
// process may still use (nsc/support/SystemMemory.h, or --max-memory) and
// refuse a run that does not fit before allocating anything; `nsc
// --dry-run` prints the parts.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/support/SystemMemory.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace nsc::network {

struct MemoryRequest {
  double durationMs = 0;                   // the run (recorders' samples)
  std::vector<std::string> traceVariables; // --trace (with selections, nsc/network/TraceSelection.h)
  uint64_t traceEverySteps = 1;            // --trace-every in steps
  std::string traceOut;                    // --trace-out: .npy, .json and .h5 are built in memory to write
  bool compiledKernels = false;            // the cpu target: LLVM code generation and JIT
  unsigned threads = 1;                    // build threads: per-thread counters of a drawn CSR
};

struct MemoryPart {
  std::string name;   // "population 'exc'", "projection exc -> inh", "recorder 'v_exc'", "--trace"
  std::string detail; // how the figure comes about
  uint64_t bytes = 0;
  SourceRange loc;    // where the part is declared (none for command-line parts)
  /// Lives only while the network is built (synapse lists, sort indices):
  /// only the largest temporary counts towards the total.
  bool temporary = false;
};

struct MemoryEstimate {
  std::string network;
  uint64_t steps = 0;
  std::vector<MemoryPart> parts;
  /// The resident parts plus the largest temporary one.
  uint64_t total = 0;
  /// What is not counted, with its cost per unit ("24 bytes per spike of a
  /// model population ...").
  std::vector<std::string> notes;

  /// The part with the most bytes (null when there are none).
  const MemoryPart *largest() const;
};

/// The estimate for running `request` on network `networkIndex` of `module`.
MemoryEstimate estimateNetworkMemory(const ir::Module &module, uint32_t networkIndex, const MemoryRequest &request);

/// An error at the largest part (the estimate, the budget and what sets it,
/// the largest part) when the estimate exceeds `budget`; true when it fits.
bool checkNetworkMemory(const MemoryEstimate &estimate, const MemoryBudget &budget, DiagnosticEngine &diags);

/// The estimate as a table, one part per line, then the total and the budget.
void printMemoryEstimate(const MemoryEstimate &estimate, const MemoryBudget &budget, std::ostream &out);

} // namespace nsc::network
