//===- SmallWorldTest.cpp - small_world(k, p), Watts–Strogatz (R33) -------===//
//
// The lattice at p = 0, a random in-degree-k graph at p = 1, the
// Watts–Strogatz regime in between (clustering stays high while the mean
// path length collapses), and rows that do not depend on threads or on
// which targets a builder owns.

#include "nsc/runtime/ConnectionRows.h"
#include "nsc/runtime/Connectivity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <set>
#include <vector>

using namespace nsc::runtime;

namespace {

ConnectionSpec smallWorld(uint64_t n, uint64_t k, double p, uint64_t seed = 7) {
  ConnectionSpec s;
  s.rule = ConnectRule::SmallWorld;
  s.source = {0, 0, n};
  s.target = {0, 0, n};
  s.count = k;
  s.probability = p;
  s.seed = seed;
  s.projection = 1;
  return s;
}

SynapseList build(const ConnectionSpec &s, unsigned threads = 1) {
  ConnectResult r = buildConnections(s, threads);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.synapses;
}

/// The undirected neighbour sets of the built graph (an edge either way).
std::vector<std::set<uint32_t>> undirected(const SynapseList &l, uint64_t n) {
  std::vector<std::set<uint32_t>> adj(n);
  for (size_t e = 0; e < l.size(); ++e) {
    adj[l.source[e]].insert(l.target[e]);
    adj[l.target[e]].insert(l.source[e]);
  }
  return adj;
}

/// Mean local clustering coefficient (Watts & Strogatz 1998).
double clustering(const std::vector<std::set<uint32_t>> &adj) {
  double sum = 0;
  for (const auto &nb : adj) {
    std::vector<uint32_t> v(nb.begin(), nb.end());
    if (v.size() < 2)
      continue;
    uint64_t links = 0;
    for (size_t a = 0; a < v.size(); ++a)
      for (size_t b = a + 1; b < v.size(); ++b)
        links += adj[v[a]].count(v[b]);
    sum += double(links) / (double(v.size()) * double(v.size() - 1) / 2);
  }
  return sum / double(adj.size());
}

/// Mean shortest path length over the reachable pairs from every 8th node
/// (BFS; the graphs are vertex-transitive on average, and the test stays fast).
double pathLength(const std::vector<std::set<uint32_t>> &adj) {
  double sum = 0, pairs = 0;
  std::vector<int> dist(adj.size());
  for (size_t s = 0; s < adj.size(); s += 8) {
    std::fill(dist.begin(), dist.end(), -1);
    std::deque<uint32_t> q{uint32_t(s)};
    dist[s] = 0;
    while (!q.empty()) {
      uint32_t u = q.front();
      q.pop_front();
      for (uint32_t v : adj[u])
        if (dist[v] < 0) {
          dist[v] = dist[u] + 1;
          sum += dist[v];
          pairs += 1;
          q.push_back(v);
        }
    }
  }
  return sum / pairs;
}

} // namespace

TEST(SmallWorld, ZeroRewiringIsTheRingLattice) {
  const uint64_t n = 20, k = 4;
  SynapseList l = build(smallWorld(n, k, 0));
  ASSERT_EQ(l.size(), n * k);
  for (uint64_t t = 0; t < n; ++t) {
    std::vector<uint32_t> row(l.source.begin() + l.rowOffsets[t], l.source.begin() + l.rowOffsets[t + 1]);
    std::vector<uint32_t> want = {uint32_t((t + n - 2) % n), uint32_t((t + n - 1) % n), uint32_t((t + 1) % n),
                                  uint32_t((t + 2) % n)};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(row, want) << "target " << t; // ascending source order
  }
}

TEST(SmallWorld, FullRewiringIsARandomGraphOfInDegreeK) {
  const uint64_t n = 200, k = 6;
  SynapseList l = build(smallWorld(n, k, 1));
  ASSERT_EQ(l.size(), n * k);
  uint64_t lattice = 0;
  std::vector<uint64_t> outDegree(n, 0);
  for (uint64_t t = 0; t < n; ++t) {
    std::set<uint32_t> row(l.source.begin() + l.rowOffsets[t], l.source.begin() + l.rowOffsets[t + 1]);
    EXPECT_EQ(row.size(), k) << "a multapse in row " << t;
    EXPECT_EQ(row.count(uint32_t(t)), 0u) << "an autapse in row " << t;
    for (uint32_t s : row) {
      uint64_t d = std::min((s + n - t) % n, (t + n - s) % n);
      lattice += d <= k / 2;
      ++outDegree[s];
    }
  }
  // Uniform sources: a lattice neighbour with probability k/(n-1) each.
  EXPECT_LT(double(lattice), 3.0 * double(n * k) * double(k) / double(n - 1));
  uint64_t maxOut = *std::max_element(outDegree.begin(), outDegree.end());
  EXPECT_GT(maxOut, k); // out-degrees vary: not a lattice
}

TEST(SmallWorld, RewiredFractionIsP) {
  const uint64_t n = 1000, k = 10;
  SynapseList l = build(smallWorld(n, k, 0.2));
  uint64_t offLattice = 0;
  for (size_t e = 0; e < l.size(); ++e) {
    uint64_t s = l.source[e], t = l.target[e];
    offLattice += std::min((s + n - t) % n, (t + n - s) % n) > k / 2;
  }
  // A rewired edge lands off the lattice with probability ~(n-k-1)/(n-1);
  // 10000 edges, p = 0.2: mean ~1990, sd ~40.
  EXPECT_NEAR(double(offLattice) / double(l.size()), 0.2 * double(n - k - 1) / double(n - 1), 0.015);
}

TEST(SmallWorld, WattsStrogatzRegime) {
  // Watts & Strogatz (1998), n = 1000, k = 10: at p = 0.01 the clustering
  // stays near the lattice's while the path length drops several-fold; at
  // p = 1 both are those of a random graph.
  const uint64_t n = 1000, k = 10;
  auto measure = [&](double p) {
    auto adj = undirected(build(smallWorld(n, k, p)), n);
    return std::make_pair(clustering(adj), pathLength(adj));
  };
  auto [c0, l0] = measure(0);
  EXPECT_NEAR(c0, 3.0 * (k - 2) / (4.0 * (k - 1)), 1e-12); // the ring lattice's 2/3
  EXPECT_NEAR(l0, double(n) / (2.0 * k), 1.0);               // ~n/2k = 50
  auto [cs, ls] = measure(0.01);
  EXPECT_GT(cs / c0, 0.85);
  EXPECT_LT(ls / l0, 0.35);
  auto [c1, l1] = measure(1);
  std::printf("C/C0, L/L0: p = 0.01: %.3f, %.3f; p = 1: %.3f, %.3f (L0 = %.1f)\n", cs / c0, ls / l0, c1 / c0,
              l1 / l0, l0);
  EXPECT_LT(c1 / c0, 0.05);
  EXPECT_LT(l1, 4.0); // ~ln n / ln k = 3
}

TEST(SmallWorld, RowsIndependentOfThreadsAndOwners) {
  // Slices of two populations (equal sizes) and a rank that owns a part of
  // the targets: the same rows as the whole single-threaded build.
  ConnectionSpec s = smallWorld(0, 6, 0.3, 99);
  s.source = {1, 10, 110};
  s.target = {2, 40, 140};
  SynapseList one = build(s, 1);
  ASSERT_EQ(one.size(), 600u);
  for (unsigned threads : {2u, 3u, 0u}) {
    SynapseList many = build(s, threads);
    EXPECT_EQ(one.source, many.source) << threads;
    EXPECT_EQ(one.target, many.target) << threads;
  }
  for (size_t e = 0; e < one.size(); ++e) // the ring's own position is never a source
    EXPECT_NE(one.source[e] - 10, one.target[e] - 40);
  ConnectionSpec part = s;
  part.ringOrigin = 40;
  part.target = {2, 90, 125};
  RowDrawer drawer(part);
  std::vector<uint32_t> row;
  for (uint64_t t = 90; t < 125; ++t) {
    drawer.draw(t, row);
    std::vector<uint32_t> whole(one.source.begin() + one.rowOffsets[t - 40],
                                one.source.begin() + one.rowOffsets[t - 40 + 1]);
    EXPECT_EQ(row, whole) << t;
  }
  EXPECT_EQ(checkConnectionSpec(part), "");
}

TEST(SmallWorld, ImpossibleRequestsAreErrors) {
  auto err = [](ConnectionSpec s) { return buildConnections(s).error; };
  EXPECT_EQ(err(smallWorld(10, 3, 0.1)),
            "small_world(3, 0.100000) needs an even k with 0 < k < N, but the ring has N = 10 neurons");
  EXPECT_NE(err(smallWorld(10, 10, 0.1)), "");
  EXPECT_NE(err(smallWorld(10, 0, 0.1)), "");
  EXPECT_EQ(err(smallWorld(10, 2, 1.5)), "small_world(2, 1.500000) needs a rewiring probability between 0 and 1");
  ConnectionSpec unequal = smallWorld(10, 2, 0.1);
  unequal.target = {0, 0, 9};
  EXPECT_EQ(err(unequal), "small_world(2, 0.100000) needs source and target of equal size (a ring of 10 neurons)");
}
