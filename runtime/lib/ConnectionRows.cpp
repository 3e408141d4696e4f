//===- ConnectionRows.cpp - One target's synapses at a time (R33) ---------===//

#include "nsc/runtime/ConnectionRows.h"
#include "PairwiseRows.h"
#include "SmallWorldRows.h"
#include "nsc/runtime/PortableMath.h"
#include "nsc/runtime/Random.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>

namespace nsc::runtime {

namespace {

std::string str(uint64_t v) { return std::to_string(v); }

bool samePopulation(const ConnectionSpec &s) { return s.source.population == s.target.population; }

bool inSlice(const NeuronSlice &sl, uint64_t i) { return i >= sl.begin && i < sl.end; }

/// a * b > limit, without overflow.
bool productExceeds(uint64_t a, uint64_t b, uint64_t limit) { return a != 0 && b > limit / a; }

/// ⌊U·N⌋, kept below N.
uint64_t pickIndex(RandomStream &rs, uint64_t n) {
  uint64_t c = uint64_t(rs.uniform() * double(n));
  return c < n ? c : n - 1;
}

std::string checkDegree(const ConnectionSpec &s, bool bySource) {
  const NeuronSlice &owners = bySource ? s.source : s.target;
  const NeuronSlice &pool = bySource ? s.target : s.source;
  const char *rule = bySource ? "fixed_outdegree" : "fixed_indegree";
  const char *poolName = bySource ? "targets" : "sources";
  uint64_t n = pool.size(), k = s.count;
  if (productExceeds(k, owners.size(), s.maxSynapses))
    return std::string(rule) + "(" + str(k) + ") for " + str(owners.size()) +
           " neurons exceeds the synapse limit of " + str(s.maxSynapses);
  if (k == 0)
    return {};
  for (uint64_t o = owners.begin; o < owners.end; ++o) {
    // The owner itself is a forbidden candidate when autapses are off and
    // it lies in the pool; otherwise every pool neuron is allowed.
    bool selfInPool = !s.allowAutapses && samePopulation(s) && inSlice(pool, o);
    uint64_t avail = n - (selfInPool ? 1 : 0);
    if (avail == 0)
      return std::string(rule) + "(" + str(k) + ") is impossible: neuron " + str(o) + " has no allowed " +
             poolName + (n == 0 ? "" : " (autapses are not allowed)");
    if (!s.allowMultapses && k > avail)
      return std::string(rule) + "(" + str(k) + ") is impossible without multapses: neuron " + str(o) +
             " has only " + str(avail) + " allowed " + poolName;
  }
  return {};
}

} // namespace

bool rowsOwnedByTarget(ConnectRule rule) {
  return rule == ConnectRule::AllToAll || rule == ConnectRule::OneToOne ||
         rule == ConnectRule::FixedProbability || rule == ConnectRule::FixedIndegree ||
         rule == ConnectRule::SmallWorld || rule == ConnectRule::PairwiseBernoulli;
}

std::string checkConnectionSpec(const ConnectionSpec &s) {
  if (s.source.end < s.source.begin || s.target.end < s.target.begin)
    return "empty or reversed neuron slice";
  // Rows hold uint32 indices (a population has fewer than 2^32 neurons).
  if (s.source.end > UINT32_MAX || s.target.end > UINT32_MAX)
    return "a population of more than " + str(UINT32_MAX) + " neurons";
  uint64_t ns = s.source.size(), nt = s.target.size();
  switch (s.rule) {
  case ConnectRule::AllToAll:
    if (productExceeds(ns, nt, s.maxSynapses))
      return "all_to_all from " + str(ns) + " to " + str(nt) + " neurons exceeds the synapse limit of " +
             str(s.maxSynapses);
    return {};
  case ConnectRule::OneToOne:
    if (ns != nt)
      return "one_to_one needs equal sizes, but the source has " + str(ns) + " neurons and the target " + str(nt);
    if (nt > s.maxSynapses)
      return "the projection would have " + str(nt) + " synapses, more than the limit of " + str(s.maxSynapses);
    return {};
  case ConnectRule::FixedProbability:
    if (!(s.probability >= 0 && s.probability <= 1))
      return "fixed_probability(" + std::to_string(s.probability) + ") needs a probability between 0 and 1";
    return {};
  case ConnectRule::FixedIndegree:
    return checkDegree(s, false);
  case ConnectRule::FixedOutdegree:
    return checkDegree(s, true);
  case ConnectRule::FromFile:
    return {};
  case ConnectRule::SmallWorld:
    return checkSmallWorld(s);
  case ConnectRule::PairwiseBernoulli:
    return s.pairProbability ? std::string() : "pairwise_bernoulli without a probability function";
  }
  return {};
}

RowDrawer::RowDrawer(const ConnectionSpec &spec)
    : spec_(spec), key_(deriveStreamKey(spec.seed, spec.projection, Stream::Connectivity)) {
  if (spec.rule == ConnectRule::FixedProbability && spec.probability > 0 && spec.probability < 1)
    logKeep_ = portable::ln(1.0 - spec.probability);
  if ((spec.rule == ConnectRule::FixedIndegree && !spec.allowMultapses) || spec.rule == ConnectRule::SmallWorld)
    chosen_.assign(spec.source.size(), 0);
}

void RowDrawer::draw(uint64_t t, std::vector<uint32_t> &row) {
  const ConnectionSpec &s = spec_;
  row.clear();
  // The one forbidden candidate of this row, if any: the target itself.
  bool selfForbidden = !s.allowAutapses && samePopulation(s) && inSlice(s.source, t);
  switch (s.rule) {
  case ConnectRule::AllToAll:
    for (uint64_t src = s.source.begin; src < s.source.end; ++src)
      if (!(selfForbidden && src == t))
        row.push_back(uint32_t(src));
    return;
  case ConnectRule::OneToOne: {
    uint64_t src = s.source.begin + (t - s.target.begin);
    if (!(selfForbidden && src == t))
      row.push_back(uint32_t(src));
    return;
  }
  case ConnectRule::FixedProbability: {
    // Candidates c = 0..m-1 are the sources in ascending order without the
    // forbidden one. Each gap to the next connected candidate is
    // geometric: G = ⌊ln(1 - U) / ln(1 - p)⌋ candidates are skipped (R33).
    uint64_t m = s.source.size() - (selfForbidden ? 1 : 0);
    auto sourceOf = [&](uint64_t c) {
      uint64_t src = s.source.begin + c;
      return selfForbidden && src >= t ? src + 1 : src;
    };
    if (s.probability >= 1) {
      for (uint64_t c = 0; c < m; ++c)
        row.push_back(uint32_t(sourceOf(c)));
      return;
    }
    if (!(s.probability > 0) || m == 0)
      return;
    RandomStream rs = RandomStream::perIndex(key_, t, 0);
    double next = -1; // the candidate last connected, as a double (exact below 2^53)
    while (true) {
      double gap = portable::ln(1.0 - rs.uniform()) / logKeep_;
      next += 1.0 + std::floor(gap); // +inf when U rounds 1 - U to 0
      if (!(next < double(m)))
        return;
      row.push_back(uint32_t(sourceOf(uint64_t(next))));
    }
  }
  case ConnectRule::FixedIndegree: {
    uint64_t n = s.source.size(), k = s.count;
    RandomStream rs = RandomStream::perIndex(key_, t, 0);
    while (row.size() < k) {
      uint64_t c = pickIndex(rs, n);
      uint64_t src = s.source.begin + c;
      if (selfForbidden && src == t)
        continue;
      if (!s.allowMultapses) {
        if (chosen_[c])
          continue;
        chosen_[c] = 1;
      }
      row.push_back(uint32_t(src));
    }
    if (!s.allowMultapses)
      for (uint32_t src : row)
        chosen_[src - s.source.begin] = 0;
    return;
  }
  case ConnectRule::SmallWorld:
    drawSmallWorldRow(s, key_, t, row, chosen_);
    return;
  case ConnectRule::PairwiseBernoulli:
    drawPairwiseRow(s, key_, t, selfForbidden, row);
    return;
  case ConnectRule::FixedOutdegree:
  case ConnectRule::FromFile:
    return; // not target-owned
  }
}

unsigned connectionBuildThreads(unsigned requested) {
  unsigned n = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
  return std::min(n, 64u);
}

void forEachChunk(uint64_t n, unsigned chunks,
                  const std::function<void(unsigned chunk, uint64_t begin, uint64_t end)> &fn) {
  chunks = std::max(1u, chunks);
  if (uint64_t(chunks) > n)
    chunks = unsigned(std::max<uint64_t>(1, n));
  auto bound = [&](unsigned c) { return n / chunks * c + std::min<uint64_t>(c, n % chunks); };
  std::vector<std::exception_ptr> errors(chunks);
  auto run = [&](unsigned c) {
    try {
      fn(c, bound(c), bound(c + 1));
    } catch (...) {
      errors[c] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned c = 1; c < chunks; ++c)
    threads.emplace_back(run, c);
  run(0);
  for (std::thread &th : threads)
    th.join();
  for (std::exception_ptr &e : errors)
    if (e)
      std::rethrow_exception(e);
}

} // namespace nsc::runtime
