//===- PhiloxTest.cpp - Philox-4x32-10 known answers, keys, counters ------===//

#include "nsc/runtime/Philox.h"

#include <gtest/gtest.h>

using namespace nsc::runtime;

// Known-answer vectors of Random123 (kat_vectors, philox4x32 10): counter,
// key, expected output. The first is R32's test vector.
TEST(Philox, KnownAnswerZero) {
  PhiloxBlock out = philox4x32_10({0, 0, 0, 0}, {0, 0});
  EXPECT_EQ(out, (PhiloxBlock{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
}

TEST(Philox, KnownAnswerAllOnes) {
  PhiloxBlock out = philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                                  {0xffffffffu, 0xffffffffu});
  EXPECT_EQ(out, (PhiloxBlock{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
}

TEST(Philox, KnownAnswerPiDigits) {
  PhiloxBlock out = philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                                  {0xa4093822u, 0x299f31d0u});
  EXPECT_EQ(out, (PhiloxBlock{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(Philox, CounterLayout) {
  // R33: (i_lo32, i_hi16 | j << 16, k_lo32, k_hi32).
  PhiloxCounter c = makeCounter(0x0000BEEF12345678ull, 0xABCD, 0x1122334455667788ull);
  EXPECT_EQ(c, (PhiloxCounter{0x12345678u, 0xABCDBEEFu, 0x55667788u, 0x11223344u}));
  // Bits of i above 48 never reach j's field.
  EXPECT_EQ(makeCounter(0xFFFF000000000000ull, 0, 0)[1], 0u);
}

TEST(Philox, StreamKeyIsFirstTwoWordsOfSeedKeyedBlock) {
  uint64_t seed = 0x0123456789ABCDEFull;
  PhiloxBlock block = philox4x32_10({7, 3, 0, 0}, {0x89ABCDEFu, 0x01234567u});
  PhiloxKey key = deriveStreamKey(seed, 7, Stream::Connectivity);
  EXPECT_EQ(key[0], block[0]);
  EXPECT_EQ(key[1], block[1]);
  // Seed 0, p 0, s 0 is the zero vector.
  EXPECT_EQ(deriveStreamKey(0, 0, 0u), (PhiloxKey{0x6627e8d5u, 0xe169c58du}));
}

TEST(Philox, KeysDifferPerPopulationAndStream) {
  PhiloxKey a = deriveStreamKey(42, 0, Stream::PoissonSource);
  EXPECT_NE(a, deriveStreamKey(42, 1, Stream::PoissonSource));
  EXPECT_NE(a, deriveStreamKey(42, 0, Stream::NeuronRandom));
  EXPECT_NE(a, deriveStreamKey(43, 0, Stream::PoissonSource));
  EXPECT_EQ(a, deriveStreamKey(42, 0, Stream::PoissonSource));
}

TEST(Philox, PerStepStreams) {
  EXPECT_TRUE(isPerStepStream(Stream::PoissonSource));
  EXPECT_TRUE(isPerStepStream(Stream::NeuronRandom));
  EXPECT_TRUE(isPerStepStream(Stream::SynapseRandom));
  EXPECT_FALSE(isPerStepStream(Stream::InitialValue));
  EXPECT_FALSE(isPerStepStream(Stream::Connectivity));
  EXPECT_FALSE(isPerStepStream(Stream::Weight));
  EXPECT_FALSE(isPerStepStream(Stream::Delay));
}
