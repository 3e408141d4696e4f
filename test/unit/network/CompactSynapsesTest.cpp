//===- CompactSynapsesTest.cpp - CSR storage in the smallest exact types ---===//
#include "../../../runtime/network/lib/CompactSynapses.h"

#include "nsc/runtime/Connectivity.h"

#include <gtest/gtest.h>

using nsc::network::CompactSynapses;

namespace {

TEST(CompactSynapses, RowsKeepListOrderAndConstantsTakeNoSpace) {
  // Synapses listed out of source order: rows are grouped by source, and
  // within a row keep the order of the list (docs/semantics.md R17).
  CompactSynapses s;
  s.build(3, {2, 0, 2, 1, 0}, {5, 6, 7, 8, 9}, {1.5, 1.5, 1.5, 1.5, 1.5}, {3, 3, 3, 3, 3});
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s.rowBegin(0), 0u);
  EXPECT_EQ(s.rowEnd(0), 2u);
  EXPECT_EQ(s.target(0), 6u);
  EXPECT_EQ(s.target(1), 9u);
  EXPECT_EQ(s.target(2), 8u);
  EXPECT_EQ(s.target(3), 5u);
  EXPECT_EQ(s.target(4), 7u);
  EXPECT_EQ(s.weightKind(), CompactSynapses::WeightKind::Constant);
  EXPECT_EQ(s.delayKind(), CompactSynapses::DelayKind::Constant);
  EXPECT_EQ(s.weight(3), 1.5);
  EXPECT_EQ(s.delay(3), 3u);
  // Row offsets (4 x 8 bytes) and targets (5 x 4 bytes) only.
  EXPECT_EQ(s.bytes(), 4 * 8 + 5 * 4u);
}

TEST(CompactSynapses, WeightsInFloatOnlyWhenExact) {
  CompactSynapses exact;
  exact.build(1, {0, 0, 0}, {0, 1, 2}, {0.5, -0.25, 3.0}, {1, 1, 1});
  EXPECT_EQ(exact.weightKind(), CompactSynapses::WeightKind::Float32);
  EXPECT_EQ(exact.weight(1), -0.25);
  CompactSynapses inexact;
  inexact.build(1, {0, 0}, {0, 1}, {0.5, 0.1}, {1, 1});
  EXPECT_EQ(inexact.weightKind(), CompactSynapses::WeightKind::Float64);
  EXPECT_EQ(inexact.weight(1), 0.1); // bit for bit
}

TEST(CompactSynapses, DelaysInTheSmallestInteger) {
  CompactSynapses u8, u16, u32;
  u8.build(1, {0, 0}, {0, 1}, {1, 1}, {1, 255});
  u16.build(1, {0, 0}, {0, 1}, {1, 1}, {1, 256});
  u32.build(1, {0, 0}, {0, 1}, {1, 1}, {1, 70000});
  EXPECT_EQ(u8.delayKind(), CompactSynapses::DelayKind::U8);
  EXPECT_EQ(u16.delayKind(), CompactSynapses::DelayKind::U16);
  EXPECT_EQ(u32.delayKind(), CompactSynapses::DelayKind::U32);
  EXPECT_EQ(u8.delay(1), 255u);
  EXPECT_EQ(u16.delay(1), 256u);
  EXPECT_EQ(u32.delay(1), 70000u);
  EXPECT_EQ(u32.maxDelay(), 70000u);
}

// Rows drawn straight into the CSR (two passes, chunks of targets on
// threads) equal the sorted list of the same rule, for any thread count.
TEST(CompactSynapses, RowsDrawnIntoTheCsrEqualTheSortedList) {
  using namespace nsc::runtime;
  for (ConnectRule rule : {ConnectRule::FixedProbability, ConnectRule::FixedIndegree, ConnectRule::OneToOne}) {
    ConnectionSpec spec;
    spec.rule = rule;
    spec.source = {0, 0, 400};
    spec.target = {rule == ConnectRule::OneToOne ? 1u : 0u, 0, 400}; // one_to_one without autapses: none
    spec.probability = 0.03;
    spec.count = 11;
    spec.allowAutapses = false;
    spec.seed = 99;
    spec.projection = 1;
    ConnectResult list = buildConnections(spec);
    ASSERT_TRUE(list.ok()) << list.error;
    ASSERT_GT(list.synapses.size(), 399u);
    CompactSynapses sorted;
    sorted.build(400, list.synapses.source, list.synapses.target, std::vector<double>(list.synapses.size(), 0.25),
                 std::vector<uint32_t>(list.synapses.size(), 4));
    for (unsigned threads : {1u, 2u, 5u}) {
      CompactSynapses drawn;
      ASSERT_EQ(drawn.buildFromRows(spec, 400, 0.25, 4, threads), "");
      ASSERT_EQ(drawn.size(), sorted.size());
      EXPECT_EQ(drawn.bytes(), sorted.bytes());
      for (uint64_t src = 0; src < 400; ++src)
        ASSERT_EQ(drawn.rowEnd(src), sorted.rowEnd(src));
      for (uint64_t at = 0; at < drawn.size(); ++at)
        ASSERT_EQ(drawn.target(at), sorted.target(at));
      EXPECT_EQ(drawn.weight(0), 0.25);
      EXPECT_EQ(drawn.maxDelay(), 4u);
    }
  }
  // The synapse limit is an error, not an allocation.
  ConnectionSpec big;
  big.rule = ConnectRule::FixedProbability;
  big.source = {0, 0, 1000};
  big.target = {1, 0, 1000};
  big.probability = 0.5;
  big.maxSynapses = 1000;
  CompactSynapses none;
  EXPECT_NE(none.buildFromRows(big, 1000, 1, 1, 2).find("more synapses than the limit of 1000"), std::string::npos);
}

TEST(CompactSynapses, EmptyProjection) {
  CompactSynapses s;
  s.build(4, {}, {}, {}, {});
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.rowBegin(3), s.rowEnd(3));
  EXPECT_EQ(s.maxDelay(), 1u);
}

} // namespace
