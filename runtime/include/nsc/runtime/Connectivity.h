//===- Connectivity.h - Synapse lists from connection rules (R33) -*- C++ -*-===//
//
// Builds the synapses of one projection exactly as docs/semantics.md R33
// says, so every backend gets the same network from the same seed:
//  - rows are owned by the target neuron (by the source for
//    fixed_outdegree) and stored in ascending owner order;
//  - inside a row, synapses are in ascending source order (all_to_all,
//    fixed_probability, one_to_one) or in draw order (fixed_indegree,
//    fixed_outdegree); from_file keeps the file's order inside a row;
//  - random rules draw from stream 3 with key K(projection, 3), i = the row
//    owner's index in its population, j = 0, the block in k;
//    fixed_probability skips geometrically over the candidates, so a build
//    costs O(synapses), not O(pairs) (ConnectionRows.h);
//  - small_world(k, p) (Watts–Strogatz, target-owned): the target at ring
//    position r has the k lattice sources r±1..r±k/2 (mod N), each kept
//    with probability 1 - p, else replaced by a uniform source that is
//    neither r nor already in the row; rows in ascending source order;
//  - pairwise_bernoulli(p = f(i, j)): every candidate source, in ascending
//    order, draws one uniform and connects when U < f(i, j): O(N_src) per
//    row, O(N_src·N_tgt) per projection, as NEST's pairwise_bernoulli.
// Indices in the result are neuron indices in the populations (slice
// offsets included). Impossible requests return an error, never loop.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Philox.h"

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

namespace nsc::runtime {

/// Neurons [begin, end) of population `population`.
struct NeuronSlice {
  uint32_t population = 0;
  uint64_t begin = 0, end = 0;
  uint64_t size() const { return end > begin ? end - begin : 0; }
};

enum class ConnectRule {
  AllToAll, OneToOne, FixedProbability, FixedIndegree, FixedOutdegree, FromFile, SmallWorld, PairwiseBernoulli
};

struct ConnectionSpec {
  ConnectRule rule = ConnectRule::AllToAll;
  NeuronSlice source, target;
  double probability = 0; // FixedProbability; SmallWorld: the rewiring probability
  uint64_t count = 0;     // FixedIndegree / FixedOutdegree; SmallWorld: the lattice degree k
  /// SmallWorld: the target neuron at ring position 0 (target t sits at
  /// t - ringOrigin, source s at s - source.begin); UINT64_MAX means
  /// target.begin. A rank that narrows the target slice to the neurons it
  /// owns keeps the ring of the whole projection through it.
  uint64_t ringOrigin = UINT64_MAX;
  /// PairwiseBernoulli: the probability that source i connects to target
  /// j (indices in their populations). Called once per candidate pair, on
  /// the builder's threads (it must be safe to call concurrently); a value
  /// outside [0, 1] makes the build fail naming the pair.
  std::function<double(uint64_t i, uint64_t j)> pairProbability;
  std::string path;       // FromFile, as the caller resolved it
  /// An autapse is a synapse from a neuron to itself: only possible when
  /// source and target are the same population and the slices overlap.
  bool allowAutapses = true, allowMultapses = true;
  uint64_t seed = 0;       // the network's seed (R38)
  uint32_t projection = 0; // declaration index of the projection (R33 p)
  /// Requests for more synapses than this are errors, not allocations.
  uint64_t maxSynapses = uint64_t(1) << 31;
};

struct SynapseList {
  /// Indices in the populations (a population has fewer than 2^32 neurons).
  std::vector<uint32_t> source, target;
  /// True when rows are owned by sources (fixed_outdegree).
  bool rowsBySource = false;
  /// Row r belongs to neuron (owner slice).begin + r and holds synapses
  /// [rowOffsets[r], rowOffsets[r + 1]); size = owner slice size + 1.
  std::vector<uint64_t> rowOffsets;
  /// Per-synapse values from a from_file CSV (empty when the file has no
  /// such column): weights as written, delays in ms.
  std::vector<double> weight, delay;

  size_t size() const { return source.size(); }
};

struct ConnectResult {
  SynapseList synapses;
  std::string error; // empty on success
  bool ok() const { return error.empty(); }
};

/// Builds the synapses of `spec`; for FromFile reads spec.path. Rules owned
/// by targets are drawn on `threads` threads (0 = every core); the result
/// does not depend on the thread count.
ConnectResult buildConnections(const ConnectionSpec &spec, unsigned threads = 1);

/// from_file from an already open stream; `name` is used in messages
/// ("conn.csv:3: ..."). The file is `source,target[,weight[,delay]]` with
/// an optional header line naming those columns; indices count from 0
/// within the source and target slices; blank lines and lines starting with
/// '#' are skipped.
ConnectResult connectFromCsv(std::istream &in, const std::string &name,
                             const ConnectionSpec &spec);

/// Distributions of per-synapse weights and delays.
struct Distribution {
  enum class Kind { Constant, Uniform, Normal, Lognormal, Exponential } kind = Kind::Constant;
  /// Constant: a. Uniform: lo = a, hi = b. Normal: mean = a, sd = b.
  /// Lognormal: mu = a, sigma = b. Exponential: mean = a.
  double a = 0, b = 0;
};

/// One value per synapse of `synapses` (in synapse order): each row draws
/// from stream `stream` (Stream::Weight or Stream::Delay) with key
/// K(projection, stream), i = the row owner, j = 0, block in k, in the
/// row's synapse order (R33); a normal's second Box–Muller output serves the
/// row's next synapse. Throws std::invalid_argument for another stream.
/// Rows are drawn on `threads` threads (contiguous row ranges; 0: every
/// core); the values do not depend on it.
std::vector<double> drawPerSynapse(const Distribution &dist, const SynapseList &synapses,
                                   const ConnectionSpec &spec, Stream stream, unsigned threads = 1);

} // namespace nsc::runtime
