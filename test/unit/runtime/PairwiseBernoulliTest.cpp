//===- PairwiseBernoulliTest.cpp - pairwise_bernoulli(p = f(i, j)) (R33) --===//

#include "nsc/runtime/ConnectionRows.h"
#include "nsc/runtime/Connectivity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

using namespace nsc::runtime;

namespace {

ConnectionSpec pairwise(std::function<double(uint64_t, uint64_t)> p, NeuronSlice src, NeuronSlice tgt) {
  ConnectionSpec s;
  s.rule = ConnectRule::PairwiseBernoulli;
  s.source = src;
  s.target = tgt;
  s.pairProbability = std::move(p);
  s.seed = 5;
  s.projection = 3;
  return s;
}

} // namespace

TEST(PairwiseBernoulli, IndexFunctionsOfZeroAndOneAreExact) {
  // p = (i == j + 1) on one population: the chain j+1 -> j, nothing else.
  ConnectionSpec s = pairwise([](uint64_t i, uint64_t j) { return i == j + 1 ? 1.0 : 0.0; }, {0, 0, 50}, {0, 0, 50});
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.synapses.size(), 49u);
  for (size_t e = 0; e < r.synapses.size(); ++e)
    EXPECT_EQ(r.synapses.source[e], r.synapses.target[e] + 1);
}

TEST(PairwiseBernoulli, ProbabilityPerPair) {
  // A distance-like profile p = 0.8 exp(-|i - j| / 5) between slices: the
  // count of synapses at each offset follows the profile.
  auto p = [](uint64_t i, uint64_t j) { return 0.8 * std::exp(-std::fabs(double(i) - double(j + 100)) / 5); };
  ConnectionSpec s = pairwise(p, {1, 100, 1100}, {2, 0, 1000});
  ConnectResult r = buildConnections(s);
  ASSERT_TRUE(r.ok()) << r.error;
  std::vector<double> byOffset(6, 0);
  for (size_t e = 0; e < r.synapses.size(); ++e) {
    int64_t off = std::llabs(int64_t(r.synapses.source[e]) - int64_t(r.synapses.target[e]) - 100);
    if (off < 6)
      byOffset[off] += 1;
  }
  for (int off = 0; off < 6; ++off) {
    double pairs = off == 0 ? 1000 : 2000 - 2 * off; // both sides, minus the ends
    double expect = pairs * 0.8 * std::exp(-off / 5.0);
    EXPECT_NEAR(byOffset[off], expect, 4 * std::sqrt(expect)) << "offset " << off;
  }
}

TEST(PairwiseBernoulli, SameRowsForAnyThreadCountAndNoAutapsesWhenAsked) {
  ConnectionSpec s = pairwise([](uint64_t i, uint64_t j) { return (i + j) % 3 == 0 ? 0.5 : 0.1; }, {0, 0, 300},
                              {0, 0, 300});
  s.allowAutapses = false;
  ConnectResult one = buildConnections(s, 1);
  ASSERT_TRUE(one.ok()) << one.error;
  for (size_t e = 0; e < one.synapses.size(); ++e)
    EXPECT_NE(one.synapses.source[e], one.synapses.target[e]);
  for (unsigned threads : {2u, 5u}) {
    ConnectResult many = buildConnections(s, threads);
    ASSERT_TRUE(many.ok());
    EXPECT_EQ(one.synapses.source, many.synapses.source) << threads;
    EXPECT_EQ(one.synapses.target, many.synapses.target) << threads;
  }
}

TEST(PairwiseBernoulli, ProbabilityOutsideUnitIntervalNamesThePair) {
  ConnectionSpec s = pairwise([](uint64_t i, uint64_t j) { return i == 7 && j >= 20 ? 1.5 : 0.5; }, {0, 0, 10},
                              {1, 10, 40});
  for (unsigned threads : {1u, 3u}) {
    ConnectResult r = buildConnections(s, threads);
    EXPECT_EQ(r.error, "pairwise_bernoulli: the probability is 1.5 for source 7 and target 20 (indices in their "
                       "populations); it must be in [0, 1]")
        << threads;
  }
  s.pairProbability = [](uint64_t, uint64_t) { return std::nan(""); };
  EXPECT_NE(buildConnections(s).error.find("the probability is nan"), std::string::npos);
  s.pairProbability = nullptr;
  EXPECT_EQ(buildConnections(s).error, "pairwise_bernoulli without a probability function");
}
