//===- CompactSynapsesTest.cpp - CSR storage in the smallest exact types ---===//
#include "../../../runtime/network/lib/CompactSynapses.h"

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

TEST(CompactSynapses, EmptyProjection) {
  CompactSynapses s;
  s.build(4, {}, {}, {}, {});
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.rowBegin(3), s.rowEnd(3));
  EXPECT_EQ(s.maxDelay(), 1u);
}

} // namespace
