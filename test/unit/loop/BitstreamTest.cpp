//===- BitstreamTest.cpp - SC bitstreams from Philox ----------------------===//
#include "nsc/loop/Bitstream.h"

#include "nsc/runtime/Philox.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nsc::loop;

TEST(LoopBitstream, ProbabilityAndQuantisation) {
  EXPECT_EQ(scProbability(0, 1.0), 0.0);
  EXPECT_EQ(scProbability(1, 1.0), 0.5);
  EXPECT_EQ(scProbability(3, 1.0), 0.75);
  EXPECT_EQ(scProbability(2, 2.0), 0.5);
  EXPECT_EQ(quantiseProbability(0.5), 32768u);
  EXPECT_EQ(quantiseProbability(0.0), 0u);
  EXPECT_EQ(quantiseProbability(1.0), 65536u);
  EXPECT_EQ(quantiseProbability(1.0 / 3), 21845u); // 21845.33
}

TEST(LoopBitstream, BitsAreSixteenBitWordsOfThePhiloxBlockBelowP) {
  BitstreamConfig c;
  c.length = 16;
  c.seed = 42;
  c.population = 3;
  std::vector<uint64_t> bits = bitstream(c, /*frame=*/7, /*neuron=*/5, 0.5);
  // Recomputed here from Philox directly: blocks 0 and 1, words low half first.
  auto key = nsc::runtime::deriveStreamKey(42, 3, kBitstreamStream);
  uint64_t want = 0;
  for (uint16_t block = 0; block < 2; ++block) {
    auto w = nsc::runtime::philox4x32_10(nsc::runtime::makeCounter(5, block, 7), key);
    for (int h = 0; h < 8; ++h)
      if (((w[h / 2] >> (16 * (h % 2))) & 0xFFFF) < 32768u)
        want |= uint64_t(1) << (block * 8 + h);
  }
  ASSERT_EQ(bits.size(), 1u);
  EXPECT_EQ(bits[0], want);
  EXPECT_EQ(bitstreamOnes(c, 7, 5, 0.5), uint32_t(__builtin_popcountll(want)));
}

TEST(LoopBitstream, ReproducibleAndKeyedByFrameAndNeuron) {
  BitstreamConfig c;
  c.seed = 1;
  EXPECT_EQ(bitstream(c, 3, 9, 0.4), bitstream(c, 3, 9, 0.4));
  EXPECT_NE(bitstream(c, 3, 9, 0.4), bitstream(c, 4, 9, 0.4));
  EXPECT_NE(bitstream(c, 3, 9, 0.4), bitstream(c, 3, 8, 0.4));
  BitstreamConfig d = c;
  d.seed = 2;
  EXPECT_NE(bitstream(c, 3, 9, 0.4), bitstream(d, 3, 9, 0.4));
}

TEST(LoopBitstream, ConstantStreams) {
  BitstreamConfig c;
  c.length = 100;
  EXPECT_EQ(bitstreamOnes(c, 0, 0, 0.0), 0u);
  EXPECT_EQ(bitstreamOnes(c, 0, 0, 1.0), 100u);
  std::vector<uint64_t> ones = bitstream(c, 0, 0, 1.0);
  EXPECT_EQ(ones[0], ~uint64_t(0));
  EXPECT_EQ(ones[1], (uint64_t(1) << 36) - 1);
}

TEST(LoopBitstream, DensitiesStayWithinTheBinomialBound) {
  // 400 neurons with k = 1, K = 2: p = 1/3. Each density is a Binomial(L, P)
  // / L; their mean over N neurons has sd sqrt(P(1-P)/(L·N)).
  BitstreamConfig c;
  c.halfCount = 2.0;
  c.seed = 7;
  const size_t N = 400;
  std::vector<uint32_t> counts(N, 1);
  std::vector<double> d;
  bitstreamDensities(c, 11, counts, d);
  ASSERT_EQ(d.size(), N);
  const double P = 21845.0 / 65536.0;
  const double sdOne = std::sqrt(P * (1 - P) / c.length);
  double mean = 0;
  for (double x : d) {
    EXPECT_LE(std::fabs(x - P), 5 * sdOne); // each: 5 sigma (fails with p ~ 1e-4 over all)
    mean += x / N;
  }
  EXPECT_LE(std::fabs(mean - P), 4 * sdOne / std::sqrt(double(N)));
  // A silent neuron's stream is all zeros.
  counts.assign(3, 0);
  bitstreamDensities(c, 11, counts, d);
  EXPECT_EQ(d, std::vector<double>(3, 0.0));
}

TEST(LoopBitstream, ConfigurationChecks) {
  BitstreamConfig c;
  EXPECT_EQ(checkBitstreamConfig(c), "");
  c.length = 0;
  EXPECT_NE(checkBitstreamConfig(c).find("length"), std::string::npos);
  c.length = kMaxBitstreamLength + 1;
  EXPECT_NE(checkBitstreamConfig(c).find("length"), std::string::npos);
  c.length = 8;
  c.halfCount = 0;
  EXPECT_NE(checkBitstreamConfig(c).find("half-saturation"), std::string::npos);
}
