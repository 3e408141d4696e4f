//===- RandomTest.cpp - Uniform recipe, determinism and variates (R34, R35) ===//
//
// The statistical checks run at fixed seeds, so they are deterministic: the
// tolerances are several standard errors wide and the values never change
// between runs.

#include "nsc/runtime/PortableMath.h"
#include "nsc/runtime/Random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace nsc::runtime;

TEST(Random, UniformBitRecipe) {
  EXPECT_EQ(uniformFromWords(0, 0), 0.0);
  // All ones: (2^27 - 1) 2^26 + 2^26 - 1 = 2^53 - 1.
  EXPECT_EQ(uniformFromWords(0xFFFFFFFFu, 0xFFFFFFFFu), 1.0 - 0x1p-53);
  EXPECT_LT(uniformFromWords(0xFFFFFFFFu, 0xFFFFFFFFu), 1.0);
  // Low bits are dropped: 5 of a, 6 of b.
  EXPECT_EQ(uniformFromWords(0x1Fu, 0x3Fu), 0.0);
  EXPECT_EQ(uniformFromWords(0x20u, 0u), 0x1p-27);
  EXPECT_EQ(uniformFromWords(0u, 0x40u), 0x1p-53);
  EXPECT_EQ(uniformFromWords(0x80000000u, 0u), 0.5);
}

TEST(Random, StreamFollowsBlocksAndWordPairs) {
  PhiloxKey key{0x12345678u, 0x9abcdef0u};
  // Build-time stream (key, i, j): block b in k.
  RandomStream s = RandomStream::perIndex(key, 77, 5);
  for (uint64_t b = 0; b < 4; ++b) {
    PhiloxBlock w = philox4x32_10(makeCounter(77, 5, b), key);
    EXPECT_EQ(s.uniform(), uniformFromWords(w[0], w[1]));
    EXPECT_EQ(s.uniform(), uniformFromWords(w[2], w[3]));
  }
  EXPECT_EQ(s.position(), 8u);
  // Per-step stream (key, i, k): block b in j.
  RandomStream t = RandomStream::perStep(key, 77, 1000);
  for (uint16_t b = 0; b < 4; ++b) {
    PhiloxBlock w = philox4x32_10(makeCounter(77, b, 1000), key);
    EXPECT_EQ(t.uniform(), uniformFromWords(w[0], w[1]));
    EXPECT_EQ(t.uniform(), uniformFromWords(w[2], w[3]));
  }
}

TEST(Random, ConvenienceConstructorsDeriveKeys) {
  RandomStream a = RandomStream::perStep(99, 2, Stream::PoissonSource, 3, 4);
  RandomStream b = RandomStream::perStep(deriveStreamKey(99, 2, Stream::PoissonSource), 3, 4);
  EXPECT_EQ(a.uniform(), b.uniform());
  EXPECT_THROW(RandomStream::perStep(99, 2, Stream::Weight, 3, 4), std::invalid_argument);
  EXPECT_THROW(RandomStream::perIndex(99, 2, Stream::NeuronRandom, 3, 4),
               std::invalid_argument);
  EXPECT_THROW(RandomStream::perIndex(PhiloxKey{1, 2}, kMaxCounterIndex, 0), std::out_of_range);
}

TEST(Random, Determinism) {
  auto draw = [](uint64_t seed, uint32_t p, Stream s, uint64_t i, uint64_t k) {
    RandomStream r = RandomStream::perStep(seed, p, s, i, k);
    std::vector<double> v;
    for (int n = 0; n < 16; ++n)
      v.push_back(r.uniform());
    return v;
  };
  auto base = draw(1, 0, Stream::NeuronRandom, 0, 0);
  EXPECT_EQ(base, draw(1, 0, Stream::NeuronRandom, 0, 0));
  EXPECT_NE(base, draw(2, 0, Stream::NeuronRandom, 0, 0));
  EXPECT_NE(base, draw(1, 1, Stream::NeuronRandom, 0, 0));
  EXPECT_NE(base, draw(1, 0, Stream::PoissonSource, 0, 0));
  EXPECT_NE(base, draw(1, 0, Stream::NeuronRandom, 1, 0));
  EXPECT_NE(base, draw(1, 0, Stream::NeuronRandom, 0, 1));
}

TEST(Random, ResetStepRestartsAtBlockZero) {
  RandomStream a = RandomStream::perStep(PhiloxKey{3, 4}, 5, 0);
  a.uniform();
  a.normal();
  a.resetStep(9);
  EXPECT_EQ(a.position(), 0u);
  EXPECT_FALSE(a.normalCache().hasValue);
  RandomStream b = RandomStream::perStep(PhiloxKey{3, 4}, 5, 9);
  EXPECT_EQ(a.uniform(), b.uniform());
}

TEST(Random, PerStepBlockLimit) {
  RandomStream s = RandomStream::perStep(PhiloxKey{1, 1}, 0, 0);
  for (int n = 0; n < 2 * 65536; ++n)
    s.uniform();
  EXPECT_THROW(s.uniform(), std::overflow_error);
}

TEST(Random, UniformRange) {
  RandomStream s = RandomStream::perIndex(PhiloxKey{7, 7}, 1, 0);
  double lo = 1, hi = 0, sum = 0;
  const int n = 100000;
  for (int k = 0; k < n; ++k) {
    double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
  }
  EXPECT_LT(lo, 1e-3);
  EXPECT_GT(hi, 1 - 1e-3);
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  RandomStream t = RandomStream::perIndex(PhiloxKey{7, 7}, 1, 0);
  double u0 = RandomStream::perIndex(PhiloxKey{7, 7}, 1, 0).uniform();
  EXPECT_EQ(t.uniform(-60.0, -50.0), -60.0 + 10.0 * u0);
}

TEST(Random, NormalUsesBothBoxMullerOutputs) {
  RandomStream s = RandomStream::perIndex(PhiloxKey{11, 12}, 0, 0);
  RandomStream u = RandomStream::perIndex(PhiloxKey{11, 12}, 0, 0);
  double ua = u.uniform(), ub = u.uniform();
  double z1;
  double z0 = boxMuller(ua, ub, z1);
  double r = std::sqrt(-2.0 * portable::ln(1.0 - ua));
  EXPECT_EQ(z0, r * portable::cospi(2.0 * ub));
  EXPECT_EQ(z1, r * portable::sinpi(2.0 * ub));
  EXPECT_EQ(s.normal(), z0);
  EXPECT_TRUE(s.normalCache().hasValue);
  EXPECT_EQ(s.normal(), z1);
  EXPECT_EQ(s.position(), 2u); // the second call consumed nothing
  EXPECT_FALSE(s.normalCache().hasValue);
  // A uniform between normals does not drop the cached z1.
  double z0b = s.normal();
  double z1b;
  RandomStream v = RandomStream::perIndex(PhiloxKey{11, 12}, 0, 0);
  for (int k = 0; k < 2; ++k)
    v.uniform();
  double uc = v.uniform(), ud = v.uniform();
  EXPECT_EQ(z0b, boxMuller(uc, ud, z1b));
  s.uniform();
  EXPECT_EQ(s.normal(3.0, 2.0), 3.0 + 2.0 * z1b);
}

TEST(Random, NormalMoments) {
  RandomStream s = RandomStream::perIndex(PhiloxKey{21, 22}, 3, 1);
  const int n = 200000;
  double sum = 0, sq = 0;
  for (int k = 0; k < n; ++k) {
    double z = s.normal(-2.0, 3.0);
    sum += z;
    sq += z * z;
  }
  double mean = sum / n, var = sq / n - mean * mean;
  EXPECT_NEAR(mean, -2.0, 0.03);  // se = 3/sqrt(n) = 0.0067
  EXPECT_NEAR(var, 9.0, 0.15);    // se = 9 sqrt(2/n) = 0.028
}

TEST(Random, LognormalAndExponential) {
  RandomStream s = RandomStream::perIndex(PhiloxKey{5, 6}, 0, 0);
  const int n = 200000;
  double sumLog = 0, sumExp = 0;
  for (int k = 0; k < n; ++k) {
    double x = s.lognormal(0.5, 0.25);
    ASSERT_GT(x, 0.0);
    sumLog += std::log(x);
    double e = s.exponential(4.0);
    ASSERT_GE(e, 0.0);
    sumExp += e;
  }
  EXPECT_NEAR(sumLog / n, 0.5, 0.005);
  EXPECT_NEAR(sumExp / n, 4.0, 0.05); // se = 4/sqrt(n) = 0.009
  // exponential() is exactly -mean ln(1 - U).
  RandomStream a = RandomStream::perIndex(PhiloxKey{5, 6}, 1, 0);
  RandomStream b = RandomStream::perIndex(PhiloxKey{5, 6}, 1, 0);
  EXPECT_EQ(a.exponential(2.5), -2.5 * portable::ln(1.0 - b.uniform()));
}

namespace {
void checkPoissonMoments(double lambda, int n, double meanTol, double varTol) {
  RandomStream s = RandomStream::perIndex(PhiloxKey{31, 32}, uint64_t(lambda * 10), 0);
  double sum = 0, sq = 0;
  for (int k = 0; k < n; ++k) {
    double x = double(s.poisson(lambda));
    sum += x;
    sq += x * x;
  }
  double mean = sum / n, var = sq / n - mean * mean;
  EXPECT_NEAR(mean, lambda, meanTol) << "lambda " << lambda;
  EXPECT_NEAR(var, lambda, varTol) << "lambda " << lambda;
}
} // namespace

TEST(Random, PoissonMoments) {
  checkPoissonMoments(0.5, 100000, 0.01, 0.02);
  checkPoissonMoments(5.0, 100000, 0.04, 0.15);
  checkPoissonMoments(50.0, 50000, 0.2, 2.0);
}

TEST(Random, PoissonConsumesOneUniformPerPart) {
  RandomStream s = RandomStream::perIndex(PhiloxKey{1, 2}, 0, 0);
  s.poisson(0.0);
  EXPECT_EQ(s.position(), 1u);
  s.poisson(30.0);
  EXPECT_EQ(s.position(), 2u);
  s.poisson(30.5); // ceil(30.5/30) = 2 draws of 15.25
  EXPECT_EQ(s.position(), 4u);
  s.poisson(1000.0); // 34 draws
  EXPECT_EQ(s.position(), 38u);
  EXPECT_EQ(RandomStream::perIndex(PhiloxKey{1, 2}, 0, 0).poisson(0.0), 0u);
}

TEST(Random, PoissonInversionRecipe) {
  // Recompute one draw by the letter of R35.
  for (uint64_t i = 0; i < 50; ++i) {
    RandomStream s = RandomStream::perIndex(PhiloxKey{8, 9}, i, 0);
    RandomStream u = RandomStream::perIndex(PhiloxKey{8, 9}, i, 0);
    double lambda = 0.25 * double(i + 1), U = u.uniform();
    uint64_t x = 0;
    double p = portable::exp(-lambda), F = p;
    while (U > F) {
      x += 1;
      p *= lambda / double(x);
      F += p;
    }
    EXPECT_EQ(s.poisson(lambda), x) << "lambda " << lambda;
  }
}

TEST(Random, PoissonRejectsBadMeans) {
  RandomStream s = RandomStream::perIndex(PhiloxKey{1, 2}, 0, 0);
  EXPECT_THROW(s.poisson(-1.0), std::domain_error);
  EXPECT_THROW(s.poisson(NAN), std::domain_error);
  EXPECT_THROW(s.poisson(INFINITY), std::domain_error);
}

TEST(Random, PoissonSourceCount) {
  PhiloxKey key = deriveStreamKey(12345, 0, Stream::PoissonSource);
  // rate 5 Hz, dt 0.1 ms: lambda = 5e-4.
  uint64_t total = 0;
  for (uint64_t k = 0; k < 20000; ++k)
    total += poissonSourceCount(key, 0, k, 5000.0, 0.1);
  // lambda = 0.5 per step: expect ~10000 (se 71).
  EXPECT_NEAR(double(total), 10000.0, 400.0);
  RandomStream s = RandomStream::perStep(key, 3, 17);
  EXPECT_EQ(poissonSourceCount(key, 3, 17, 5000.0, 0.1), s.poisson(5000.0 * 0.1 / 1000.0));
}
