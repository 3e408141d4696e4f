//===- ConnectionRows.h - One target's synapses at a time (R33) -*- C++ -*-===//
//
// The rules whose rows are owned by the target neuron (all_to_all, small_world,
// one_to_one, fixed_probability, fixed_indegree) draw each row from its own
// Philox stream, keyed by (seed, projection) with the target's index in its
// population as the counter's i (R33). A row is therefore a pure function
// of (spec, target): a builder that owns only some targets — a thread, or
// an MPI rank — draws exactly the synapses a single-threaded build of the
// whole projection draws for them, and nothing is drawn per absent pair
// (fixed_probability skips over sources geometrically).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Connectivity.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nsc::runtime {

/// True for the rules drawn one target row at a time (not fixed_outdegree,
/// not from_file).
bool rowsOwnedByTarget(ConnectRule rule);

/// The checks a build of `spec` makes before drawing (slice sizes, the
/// probability's range, impossible degrees, the synapse limit where it is
/// known in advance); the message, or empty.
std::string checkConnectionSpec(const ConnectionSpec &spec);

/// A pairwise_bernoulli probability outside [0, 1] at some pair, thrown by
/// RowDrawer::draw; a build reports what() as its error (the lowest failing
/// target's, for any thread count: chunks are rethrown in order).
struct PairProbabilityError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Draws the rows of a target-owned rule. Not thread-safe: one per thread.
class RowDrawer {
public:
  /// `spec` must have passed checkConnectionSpec and be target-owned.
  explicit RowDrawer(const ConnectionSpec &spec);
  /// Replaces `sources` with the row of `target` (an index in the target
  /// population, inside the target slice): source indices in the source
  /// population, in R33's order.
  void draw(uint64_t target, std::vector<uint32_t> &sources);

private:
  const ConnectionSpec &spec_;
  PhiloxKey key_;
  double logKeep_ = 0;          // ln(1 - p) for fixed_probability
  std::vector<uint8_t> chosen_; // fixed_indegree without multapses, small_world
};

/// Threads a build may use: `requested`, 0 = every core, capped at 64.
unsigned connectionBuildThreads(unsigned requested);

/// Splits [0, n) into `chunks` contiguous pieces (sizes differ by at most
/// one) and runs fn(chunk, begin, end) for each on its own thread (the
/// calling thread takes chunk 0). Exceptions are rethrown in chunk order.
void forEachChunk(uint64_t n, unsigned chunks,
                  const std::function<void(unsigned chunk, uint64_t begin, uint64_t end)> &fn);

} // namespace nsc::runtime
