//===- ConnectivityTest.cpp - Connection rules and per-synapse draws (R33) ===//

#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/Random.h"

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
  // Recompute by R33: per target, one uniform per source in ascending order.
  PhiloxKey key = deriveStreamKey(12345, 2, Stream::Connectivity);
  std::vector<std::pair<uint64_t, uint64_t>> expect;
  for (uint64_t t = 0; t < 50; ++t) {
    RandomStream rs = RandomStream::perIndex(key, t, 0);
    for (uint64_t src = 0; src < 200; ++src)
      if (rs.uniform() < 0.1)
        expect.push_back({src, t});
  }
  ASSERT_EQ(expect.size(), r.synapses.size());
  for (size_t n = 0; n < expect.size(); ++n) {
    EXPECT_EQ(r.synapses.source[n], expect[n].first);
    EXPECT_EQ(r.synapses.target[n], expect[n].second);
  }
  EXPECT_FALSE(hasMultapse(r.synapses));
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
  EXPECT_EQ(l.source, (std::vector<uint64_t>{10, 13, 11}));
  EXPECT_EQ(l.target, (std::vector<uint64_t>{0, 2, 2}));
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
