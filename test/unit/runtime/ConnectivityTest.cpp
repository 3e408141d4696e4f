//===- ConnectivityTest.cpp - Connection rules and per-synapse draws (R33) ===//

#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/PortableMath.h"
#include "nsc/runtime/Random.h"

#include <cmath>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

using namespace nsc::runtime;

namespace {

ConnectionSpec spec(ConnectRule rule, NeuronSlice src, NeuronSlice tgt) {
  ConnectionSpec s;
  s.rule = rule;
  s.source = src;
  s.target = tgt;
  s.seed = 12345;
  s.projection = 2;
  return s;
}

/// Checks the row structure: rows in owner order, every synapse in its row.
void checkRows(const ConnectionSpec &s, const SynapseList &l) {
  const NeuronSlice &owners = l.rowsBySource ? s.source : s.target;
  ASSERT_EQ(l.rowOffsets.size(), owners.size() + 1);
  EXPECT_EQ(l.rowOffsets.front(), 0u);
  EXPECT_EQ(l.rowOffsets.back(), l.size());
  ASSERT_EQ(l.source.size(), l.target.size());
  for (size_t r = 0; r + 1 < l.rowOffsets.size(); ++r)
    for (uint64_t n = l.rowOffsets[r]; n < l.rowOffsets[r + 1]; ++n) {
      EXPECT_EQ(l.rowsBySource ? l.source[n] : l.target[n], owners.begin + r);
      EXPECT_GE(l.source[n], s.source.begin);
      EXPECT_LT(l.source[n], s.source.end);
      EXPECT_GE(l.target[n], s.target.begin);
      EXPECT_LT(l.target[n], s.target.end);
    }
}

bool hasAutapse(const SynapseList &l) {
  for (size_t n = 0; n < l.size(); ++n)
    if (l.source[n] == l.target[n])
      return true;
  return false;
}

bool hasMultapse(const SynapseList &l) {
  std::set<std::pair<uint64_t, uint64_t>> seen;
  for (size_t n = 0; n < l.size(); ++n)
    if (!seen.insert({l.source[n], l.target[n]}).second)
      return true;
  return false;
}

} // namespace

TEST(Connectivity, AllToAll) {
  auto s = spec(ConnectRule::AllToAll, {0, 0, 4}, {1, 10, 13});
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.synapses.size(), 12u);
  checkRows(s, r.synapses);
  // Row of target 10: sources 0..3 ascending.
  for (uint64_t n = 0; n < 4; ++n) {
    EXPECT_EQ(r.synapses.source[n], n);
    EXPECT_EQ(r.synapses.target[n], 10u);
  }
}

TEST(Connectivity, AllToAllAutapses) {
  auto s = spec(ConnectRule::AllToAll, {0, 0, 5}, {0, 3, 8});
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.synapses.size(), 25u);
  EXPECT_TRUE(hasAutapse(r.synapses));
  s.allowAutapses = false; // targets 3 and 4 are also sources
  r = buildConnections(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.synapses.size(), 23u);
  EXPECT_FALSE(hasAutapse(r.synapses));
  checkRows(s, r.synapses);
  // Different populations: equal indices are not autapses.
  s.target.population = 1;
  EXPECT_EQ(buildConnections(s).synapses.size(), 25u);
}

TEST(Connectivity, OneToOne) {
  auto s = spec(ConnectRule::OneToOne, {0, 0, 100}, {0, 100, 200});
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.synapses.size(), 100u);
  for (size_t n = 0; n < 100; ++n) {
    EXPECT_EQ(r.synapses.source[n], n);
    EXPECT_EQ(r.synapses.target[n], n + 100);
  }
  checkRows(s, r.synapses);
  auto self = spec(ConnectRule::OneToOne, {0, 0, 10}, {0, 0, 10});
  self.allowAutapses = false;
  r = buildConnections(self);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.synapses.size(), 0u);
  auto bad = spec(ConnectRule::OneToOne, {0, 0, 10}, {1, 0, 11});
  r = buildConnections(bad);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "one_to_one needs equal sizes, but the source has 10 neurons and the target 11");
}

TEST(Connectivity, FixedProbabilityFollowsTheStream) {
  auto s = spec(ConnectRule::FixedProbability, {0, 0, 200}, {1, 0, 50});
  s.probability = 0.1;
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok());
  checkRows(s, r.synapses);
  // 10000 candidates at p = 0.1: 1000 expected, se 30.
  EXPECT_NEAR(double(r.synapses.size()), 1000.0, 150.0);
  // Recompute by R33: per target, geometric gaps G = ⌊ln(1 - U)/ln(1 - p)⌋
  // over the sources in ascending order.
  PhiloxKey key = deriveStreamKey(12345, 2, Stream::Connectivity);
  std::vector<std::pair<uint64_t, uint64_t>> expect;
  for (uint64_t t = 0; t < 50; ++t) {
    RandomStream rs = RandomStream::perIndex(key, t, 0);
    double c = -1;
    while (true) {
      c += 1 + std::floor(portable::ln(1 - rs.uniform()) / portable::ln(1 - 0.1));
      if (!(c < 200))
        break;
      expect.push_back({uint64_t(c), t});
    }
  }
  ASSERT_EQ(expect.size(), r.synapses.size());
  for (size_t n = 0; n < expect.size(); ++n) {
    EXPECT_EQ(r.synapses.source[n], expect[n].first);
    EXPECT_EQ(r.synapses.target[n], expect[n].second);
  }
  EXPECT_FALSE(hasMultapse(r.synapses));
}

// The statistics of skip sampling: in-degrees are Binomial(N - 1, p), each
// source equally likely (no bias towards the row's start or end), the
// forbidden autapse never drawn and its neighbours not favoured.
TEST(Connectivity, FixedProbabilityStatistics) {
  const uint64_t N = 2000;
  const double p = 0.02;
  auto s = spec(ConnectRule::FixedProbability, {0, 0, N}, {0, 0, N});
  s.probability = p;
  s.allowAutapses = false;
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok()) << r.error;
  checkRows(s, r.synapses);
  EXPECT_FALSE(hasAutapse(r.synapses));
  EXPECT_FALSE(hasMultapse(r.synapses));
  // Mean in-degree p·(N - 1) = 39.98; its standard error over N rows is
  // sqrt(p(1-p)(N-1)/N) = 0.14: a 5-sigma band.
  double mean = double(r.synapses.size()) / double(N);
  EXPECT_NEAR(mean, p * double(N - 1), 0.7);
  // The in-degree variance is (N-1)p(1-p) = 39.2 (a Poisson-like spread).
  double var = 0;
  for (uint64_t t = 0; t < N; ++t) {
    double k = double(r.synapses.rowOffsets[t + 1] - r.synapses.rowOffsets[t]);
    var += (k - mean) * (k - mean);
  }
  var /= double(N - 1);
  EXPECT_NEAR(var, p * (1 - p) * double(N - 1), 6.0);
  // Out-degrees: every source equally likely, first and last tenth alike.
  std::vector<double> out(N, 0);
  for (uint32_t src : r.synapses.source)
    out[src] += 1;
  double first = 0, last = 0, next = 0, rest = 0;
  for (uint64_t i = 0; i < N / 10; ++i)
    first += out[i], last += out[N - 1 - i];
  EXPECT_NEAR(first / last, 1.0, 0.1); // each ~8000 synapses: 1.6% se
  // The candidate after the skipped autapse (src = t + 1) is connected as
  // often as any other: ~N·p = 40 times, se 6.3.
  for (uint64_t t = 0; t + 1 < N; ++t)
    for (uint64_t n = r.synapses.rowOffsets[t]; n < r.synapses.rowOffsets[t + 1]; ++n) {
      next += r.synapses.source[n] == t + 1;
      rest += r.synapses.source[n] == (t + 2) % N;
    }
  EXPECT_NEAR(next, p * double(N), 35.0);
  EXPECT_NEAR(rest, p * double(N), 35.0);
  // Different rows are independent: rows 0 and 1 share few sources.
  std::set<uint32_t> row0(r.synapses.source.begin() + r.synapses.rowOffsets[0],
                          r.synapses.source.begin() + r.synapses.rowOffsets[1]);
  EXPECT_GT(row0.size(), 20u);
}

// A row depends on (seed, projection, target) only: any thread count, and
// a builder that draws only some targets, get the same synapses.
TEST(Connectivity, RowsIndependentOfThreadsAndOwners) {
  for (ConnectRule rule : {ConnectRule::FixedProbability, ConnectRule::FixedIndegree, ConnectRule::AllToAll}) {
    auto s = spec(rule, {0, 0, 300}, {0, 7, 257});
    s.probability = 0.05;
    s.count = 9;
    s.allowAutapses = false;
    s.allowMultapses = false;
    ConnectResult one = buildConnections(s, 1);
    ASSERT_TRUE(one.ok()) << one.error;
    for (unsigned threads : {2u, 3u, 7u, 0u}) {
      ConnectResult many = buildConnections(s, threads);
      ASSERT_TRUE(many.ok());
      EXPECT_EQ(one.synapses.source, many.synapses.source) << threads;
      EXPECT_EQ(one.synapses.target, many.synapses.target) << threads;
      EXPECT_EQ(one.synapses.rowOffsets, many.synapses.rowOffsets) << threads;
    }
    // Targets 100..149 alone (an MPI rank's share): the same rows.
    auto part = s;
    part.target = {0, 107, 157};
    ConnectResult mine = buildConnections(part, 2);
    ASSERT_TRUE(mine.ok());
    uint64_t from = one.synapses.rowOffsets[100], to = one.synapses.rowOffsets[150];
    ASSERT_EQ(mine.synapses.size(), to - from);
    for (uint64_t n = 0; n < mine.synapses.size(); ++n) {
      EXPECT_EQ(mine.synapses.source[n], one.synapses.source[from + n]);
      EXPECT_EQ(mine.synapses.target[n], one.synapses.target[from + n]);
    }
  }
}

TEST(Connectivity, FixedProbabilityEdges) {
  auto s = spec(ConnectRule::FixedProbability, {0, 0, 30}, {0, 0, 30});
  s.probability = 1.0;
  s.allowAutapses = false;
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.synapses.size(), 30u * 29u);
  EXPECT_FALSE(hasAutapse(r.synapses));
  s.probability = 0.0;
  EXPECT_EQ(buildConnections(s).synapses.size(), 0u);
  s.probability = 1.5;
  r = buildConnections(s);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("between 0 and 1"), std::string::npos);
}

TEST(Connectivity, FixedIndegree) {
  auto s = spec(ConnectRule::FixedIndegree, {0, 0, 40}, {0, 0, 40});
  s.count = 10;
  s.allowAutapses = false;
  s.allowMultapses = false;
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.synapses.size(), 400u);
  checkRows(s, r.synapses);
  EXPECT_FALSE(hasAutapse(r.synapses));
  EXPECT_FALSE(hasMultapse(r.synapses));
  for (size_t row = 0; row < 40; ++row)
    EXPECT_EQ(r.synapses.rowOffsets[row + 1] - r.synapses.rowOffsets[row], 10u);
  // Draw order: the first row is the first 10 allowed draws of ⌊U·40⌋.
  RandomStream rs = RandomStream::perIndex(deriveStreamKey(12345, 2, Stream::Connectivity), 0, 0);
  std::vector<uint64_t> row;
  std::set<uint64_t> seen;
  while (row.size() < 10) {
    uint64_t c = uint64_t(rs.uniform() * 40.0);
    if (c == 0 || !seen.insert(c).second)
      continue;
    row.push_back(c);
  }
  for (size_t n = 0; n < 10; ++n)
    EXPECT_EQ(r.synapses.source[n], row[n]);
  // Every allowed source exactly once (k = all allowed) terminates.
  s.count = 39;
  r = buildConnections(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.synapses.size(), 40u * 39u);
  EXPECT_FALSE(hasAutapse(r.synapses));
  EXPECT_FALSE(hasMultapse(r.synapses));
}

TEST(Connectivity, FixedIndegreeMultapses) {
  auto s = spec(ConnectRule::FixedIndegree, {0, 0, 3}, {1, 0, 20});
  s.count = 50; // more than the sources: fine with multapses
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.synapses.size(), 1000u);
  EXPECT_TRUE(hasMultapse(r.synapses));
}

TEST(Connectivity, FixedOutdegree) {
  auto s = spec(ConnectRule::FixedOutdegree, {0, 5, 25}, {0, 0, 30});
  s.count = 7;
  s.allowAutapses = false;
  s.allowMultapses = false;
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.synapses.rowsBySource);
  EXPECT_EQ(r.synapses.size(), 140u);
  checkRows(s, r.synapses);
  EXPECT_FALSE(hasAutapse(r.synapses));
  EXPECT_FALSE(hasMultapse(r.synapses));
}

// Rows drawn on several threads (by source for fixed_outdegree), and the
// per-synapse weights drawn on several threads: the same values.
TEST(Connectivity, OutdegreeAndPerSynapseValuesIndependentOfThreads) {
  auto s = spec(ConnectRule::FixedOutdegree, {0, 0, 1000}, {0, 0, 1000});
  s.count = 12;
  s.allowAutapses = false;
  s.allowMultapses = false;
  ConnectResult one = buildConnections(s, 1);
  ASSERT_TRUE(one.ok()) << one.error;
  EXPECT_FALSE(hasAutapse(one.synapses));
  EXPECT_FALSE(hasMultapse(one.synapses));
  Distribution w{Distribution::Kind::Normal, 1.0, 0.1};
  std::vector<double> w1 = drawPerSynapse(w, one.synapses, s, Stream::Weight, 1);
  for (unsigned threads : {2u, 3u, 0u}) {
    ConnectResult many = buildConnections(s, threads);
    ASSERT_TRUE(many.ok());
    EXPECT_EQ(one.synapses.source, many.synapses.source) << threads;
    EXPECT_EQ(one.synapses.target, many.synapses.target) << threads;
    EXPECT_EQ(one.synapses.rowOffsets, many.synapses.rowOffsets) << threads;
    EXPECT_EQ(w1, drawPerSynapse(w, many.synapses, s, Stream::Weight, threads)) << threads;
  }
  // Row 3 draws from its own stream (R33): the first target it picks.
  RandomStream rs = RandomStream::perIndex(deriveStreamKey(s.seed, s.projection, Stream::Connectivity), 3, 0);
  uint64_t first = uint64_t(rs.uniform() * 1000.0);
  if (first == 3) // an autapse is skipped
    first = uint64_t(rs.uniform() * 1000.0);
  EXPECT_EQ(one.synapses.target[3 * 12], first);
}

TEST(Connectivity, ImpossibleRequestsAreErrors) {
  auto s = spec(ConnectRule::FixedIndegree, {0, 0, 5}, {1, 0, 5});
  s.count = 6;
  s.allowMultapses = false;
  ConnectResult r = buildConnections(s);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "fixed_indegree(6) is impossible without multapses: neuron 0 has only 5 "
                     "allowed sources");
  // Same population, no autapses: only 4 allowed.
  s.target.population = 0;
  s.count = 5;
  s.allowAutapses = false;
  EXPECT_FALSE(buildConnections(s).ok());
  // A single neuron onto itself without autapses has nothing to draw from,
  // even with multapses.
  auto one = spec(ConnectRule::FixedOutdegree, {0, 3, 4}, {0, 3, 4});
  one.count = 1;
  one.allowAutapses = false;
  r = buildConnections(one);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("autapses are not allowed"), std::string::npos);
  // Too many synapses is an error, not an allocation.
  auto big = spec(ConnectRule::AllToAll, {0, 0, 1u << 20}, {1, 0, 1u << 20});
  EXPECT_FALSE(buildConnections(big).ok());
  auto deg = spec(ConnectRule::FixedIndegree, {0, 0, 10}, {1, 0, 1u << 20});
  deg.count = uint64_t(1) << 40;
  EXPECT_FALSE(buildConnections(deg).ok());
  // Rows hold uint32 indices: larger populations are refused up front.
  auto huge = spec(ConnectRule::FixedProbability, {0, 0, 10}, {1, 0, (uint64_t(1) << 32) + 1});
  huge.probability = 0.5;
  r = buildConnections(huge);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "a population of more than 4294967295 neurons");
  std::istringstream csv("0,0\n");
  EXPECT_EQ(connectFromCsv(csv, "c.csv", huge).error, "c.csv: a population of more than 4294967295 neurons");
}

TEST(Connectivity, Determinism) {
  auto s = spec(ConnectRule::FixedIndegree, {0, 0, 100}, {1, 0, 50});
  s.count = 5;
  ConnectResult a = buildConnections(s), b = buildConnections(s);
  EXPECT_EQ(a.synapses.source, b.synapses.source);
  s.projection = 3;
  EXPECT_NE(a.synapses.source, buildConnections(s).synapses.source);
  s.projection = 2;
  s.seed = 1;
  EXPECT_NE(a.synapses.source, buildConnections(s).synapses.source);
}

TEST(Connectivity, WeightAndDelayDraws) {
  auto s = spec(ConnectRule::FixedIndegree, {0, 0, 100}, {1, 10, 60});
  s.count = 20;
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok());
  Distribution w{Distribution::Kind::Normal, 1.0, 0.1};
  std::vector<double> ws = drawPerSynapse(w, r.synapses, s, Stream::Weight);
  ASSERT_EQ(ws.size(), r.synapses.size());
  // Row 0 (target 10) uses key K(2, 4), i = 10, j = 0; z1 serves the next synapse.
  RandomStream rs = RandomStream::perIndex(deriveStreamKey(12345, 2, Stream::Weight), 10, 0);
  for (size_t n = 0; n < 20; ++n)
    EXPECT_EQ(ws[n], rs.normal(1.0, 0.1));
  double sum = 0;
  for (double v : ws)
    sum += v;
  EXPECT_NEAR(sum / double(ws.size()), 1.0, 0.02);
  Distribution d{Distribution::Kind::Uniform, 1.0, 3.0};
  std::vector<double> ds = drawPerSynapse(d, r.synapses, s, Stream::Delay);
  RandomStream rd = RandomStream::perIndex(deriveStreamKey(12345, 2, Stream::Delay), 10, 0);
  EXPECT_EQ(ds[0], rd.uniform(1.0, 3.0));
  for (double v : ds) {
    EXPECT_GE(v, 1.0);
    EXPECT_LT(v, 3.0);
  }
  Distribution c{Distribution::Kind::Constant, 2.5, 0};
  EXPECT_EQ(drawPerSynapse(c, r.synapses, s, Stream::Weight),
            std::vector<double>(r.synapses.size(), 2.5));
  EXPECT_THROW(drawPerSynapse(c, r.synapses, s, Stream::Connectivity), std::invalid_argument);
  Distribution e{Distribution::Kind::Exponential, 2.0, 0};
  for (double v : drawPerSynapse(e, r.synapses, s, Stream::Weight))
    EXPECT_GE(v, 0.0);
  Distribution ln{Distribution::Kind::Lognormal, 0.0, 0.5};
  for (double v : drawPerSynapse(ln, r.synapses, s, Stream::Weight))
    EXPECT_GT(v, 0.0);
}

// --- from_file ---------------------------------------------------------------

namespace {
ConnectResult fromText(const std::string &text, ConnectionSpec s) {
  std::istringstream in(text);
  return connectFromCsv(in, "conn.csv", s);
}
ConnectionSpec fileSpec() { return spec(ConnectRule::FromFile, {0, 10, 14}, {1, 0, 3}); }
} // namespace

TEST(ConnectivityFile, HeaderWeightsDelaysAndRowOrder) {
  ConnectResult r = fromText("source,target,weight,delay\n"
                             "# a comment\n"
                             "3, 2, 1.5, 1.0\n"
                             "\n"
                             "0,0,-2,0.5\r\n"
                             "1,2,0.25,2\n",
                             fileSpec());
  ASSERT_TRUE(r.ok()) << r.error;
  const SynapseList &l = r.synapses;
  ASSERT_EQ(l.size(), 3u);
  // Grouped by target, file order inside a row; slice offsets added.
  EXPECT_EQ(l.source, (std::vector<uint32_t>{10, 13, 11}));
  EXPECT_EQ(l.target, (std::vector<uint32_t>{0, 2, 2}));
  EXPECT_EQ(l.weight, (std::vector<double>{-2, 1.5, 0.25}));
  EXPECT_EQ(l.delay, (std::vector<double>{0.5, 1.0, 2.0}));
  EXPECT_EQ(l.rowOffsets, (std::vector<uint64_t>{0, 1, 1, 3}));
}

TEST(ConnectivityFile, NoHeaderPairsOnly) {
  ConnectResult r = fromText("0,1\n2,1\n", fileSpec());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.synapses.size(), 2u);
  EXPECT_TRUE(r.synapses.weight.empty());
  EXPECT_TRUE(r.synapses.delay.empty());
}

TEST(ConnectivityFile, Errors) {
  auto err = [](const std::string &text, ConnectionSpec s = fileSpec()) {
    return fromText(text, s).error;
  };
  EXPECT_EQ(err("src,dst\n0,1\n"),
            "conn.csv:1: unrecognized header 'src,dst' (expected 'source,target[,weight[,delay]]')");
  EXPECT_EQ(err("0,1\n0,1,2\n"), "conn.csv:2: expected 2 fields (source,target), found 3");
  EXPECT_EQ(err("source,target,weight\n0,1\n"),
            "conn.csv:2: expected 3 fields (source,target,weight), found 2");
  EXPECT_EQ(err("0\n"), "conn.csv:1: expected 'source,target[,weight[,delay]]', found 1 field");
  EXPECT_EQ(err("0,1\n-1,2\n"), "conn.csv:2: source index '-1' is not a non-negative integer");
  EXPECT_EQ(err("-1,2\n"), "conn.csv:1: source index '-1' is not a non-negative integer");
  EXPECT_EQ(err("0,x\n"), "conn.csv:1: target index 'x' is not a non-negative integer");
  EXPECT_EQ(err("\n\n4,0\n"),
            "conn.csv:3: source index 4 is out of range (the source has 4 neurons)");
  EXPECT_EQ(err("0,3\n"), "conn.csv:1: target index 3 is out of range (the target has 3 neurons)");
  EXPECT_EQ(err("0,1,abc\n"), "conn.csv:1: weight 'abc' is not a finite number");
  EXPECT_EQ(err("0,1,1e999\n"), "conn.csv:1: weight '1e999' is not a finite number");
  EXPECT_EQ(err("0,1,1,0\n"), "conn.csv:1: delay '0' is not a positive number");
  ConnectionSpec noMulti = fileSpec();
  noMulti.allowMultapses = false;
  EXPECT_EQ(err("0,1\n1,1\n0,1\n", noMulti),
            "conn.csv:3: duplicate connection 0 -> 1 (first at line 1) but allow_multapses is false");
  ConnectionSpec self = spec(ConnectRule::FromFile, {0, 0, 4}, {0, 2, 4});
  self.allowAutapses = false;
  EXPECT_EQ(err("1,0\n2,0\n", self), "conn.csv:2: autapse 2 -> 0 but allow_autapses is false");
  EXPECT_TRUE(fromText("1,0\n3,0\n", self).ok());
}

TEST(ConnectivityFile, ReadsFilesAndReportsMissingOnes) {
  ConnectionSpec s = fileSpec();
  s.path = ::testing::TempDir() + "nsc_runtime_conn_test.csv";
  {
    std::ofstream out(s.path);
    out << "source,target\n0,0\n3,2\n";
  }
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.synapses.size(), 2u);
  std::remove(s.path.c_str());
  r = buildConnections(s);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "cannot open connection file '" + s.path + "': No such file or directory");
}
