//===- PortableMathTest.cpp - Accuracy and special values of exp/ln/cospi/sinpi ===//
//
// The reference is long double (x86: 64-bit significand), with the argument
// of sinpi/cospi reduced exactly first so the reference is not itself off by
// the reduction. Errors are in ulps of the double nearest the reference.

#include "nsc/runtime/PortableMath.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>

using namespace nsc::runtime;

namespace {

double ulpError(double got, long double ref) {
  double r = double(ref);
  long double ulp;
  if (std::fabs(r) < DBL_MIN) {
    ulp = std::ldexp(1.0L, -1074);
  } else {
    int e;
    std::frexp(r, &e);
    ulp = std::ldexp(1.0L, e - 53);
  }
  return double(fabsl((long double)got - ref) / ulp);
}

const long double kPiL = 3.141592653589793238462643383279502884L;

/// sin(pi x) / cos(pi x) in long double after exact reduction x = n/2 + r.
long double refSinpi(double x, bool cosine) {
  double n = std::nearbyint(2 * x);
  double r = x - n / 2;
  int q = int(int64_t(n) & 3);
  if (cosine)
    q = (q + 1) & 3; // cos(pi x) = sin(pi (x + 1/2))
  long double s = sinl(kPiL * r), c = cosl(kPiL * r);
  return q == 0 ? s : q == 1 ? c : q == 2 ? -s : -c;
}

constexpr int kSamples = 200000;
constexpr double kMaxUlp = 2.0;

} // namespace

TEST(PortableMath, ExpAccuracy) {
  std::mt19937_64 gen(1);
  std::uniform_real_distribution<double> wide(-708.0, 709.7), narrow(-1.0, 1.0);
  double worst = 0, at = 0;
  for (int i = 0; i < kSamples; ++i) {
    double x = (i & 1) ? wide(gen) : narrow(gen);
    double e = ulpError(portable::exp(x), expl((long double)x));
    if (e > worst)
      worst = e, at = x;
  }
  std::printf("exp: max error %.3f ulp at %a\n", worst, at);
  EXPECT_LE(worst, kMaxUlp);
}

TEST(PortableMath, LnAccuracy) {
  std::mt19937_64 gen(2);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double worst = 0, at = 0;
  for (int i = 0; i < kSamples; ++i) {
    double x;
    if (i & 1) { // any positive finite double, subnormals included
      uint64_t u = gen() & 0x7FEFFFFFFFFFFFFFull;
      std::memcpy(&x, &u, sizeof x);
      if (x == 0)
        continue;
    } else {
      x = 1.0 - unit(gen); // what Box-Muller and exponential() pass
    }
    double e = ulpError(portable::ln(x), logl((long double)x));
    if (e > worst)
      worst = e, at = x;
  }
  std::printf("ln: max error %.3f ulp at %a\n", worst, at);
  EXPECT_LE(worst, kMaxUlp);
}

TEST(PortableMath, SinpiCospiAccuracy) {
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> period(-4.0, 4.0), tiny(-40.0, 0.0);
  double worstS = 0, worstC = 0, atS = 0, atC = 0;
  for (int i = 0; i < kSamples; ++i) {
    double x = (i % 4 == 3) ? std::exp(tiny(gen)) : period(gen);
    double es = ulpError(portable::sinpi(x), refSinpi(x, false));
    double ec = ulpError(portable::cospi(x), refSinpi(x, true));
    if (es > worstS)
      worstS = es, atS = x;
    if (ec > worstC)
      worstC = ec, atC = x;
  }
  std::printf("sinpi: max error %.3f ulp at %a\ncospi: max error %.3f ulp at %a\n", worstS,
              atS, worstC, atC);
  EXPECT_LE(worstS, kMaxUlp);
  EXPECT_LE(worstC, kMaxUlp);
}

TEST(PortableMath, ExactSpecialPoints) {
  EXPECT_EQ(portable::exp(0.0), 1.0);
  EXPECT_EQ(portable::exp(-0.0), 1.0);
  EXPECT_EQ(portable::ln(1.0), 0.0);
  EXPECT_EQ(portable::cospi(0.0), 1.0);
  EXPECT_EQ(portable::sinpi(0.5), 1.0);
  EXPECT_EQ(portable::sinpi(-0.5), -1.0);
  EXPECT_EQ(portable::cospi(1.0), -1.0);
  EXPECT_EQ(portable::cospi(2.0), 1.0);
  EXPECT_EQ(portable::sinpi(1.5), -1.0);
  EXPECT_EQ(portable::ln(2.0), 0x1.62e42fefa39efp-1); // ln 2 rounded
  EXPECT_EQ(portable::exp(1.0), 0x1.5bf0a8b145769p+1); // e rounded
  // Zeros of sinpi keep the sign of x; cospi of half-integers is +0.
  EXPECT_EQ(portable::sinpi(3.0), 0.0);
  EXPECT_FALSE(std::signbit(portable::sinpi(3.0)));
  EXPECT_TRUE(std::signbit(portable::sinpi(-3.0)));
  EXPECT_TRUE(std::signbit(portable::sinpi(-0.0)));
  EXPECT_EQ(portable::cospi(0.5), 0.0);
  EXPECT_FALSE(std::signbit(portable::cospi(-1.5)));
  // Large arguments are integers.
  EXPECT_EQ(portable::cospi(0x1p52 + 1), -1.0);
  EXPECT_EQ(portable::cospi(0x1p60), 1.0);
  EXPECT_EQ(portable::sinpi(0x1p60), 0.0);
  // Powers of two (the reduction alone) stay within one ulp.
  for (int k = -1074; k <= 1023; ++k) {
    double x = std::ldexp(1.0, k);
    ASSERT_LE(ulpError(portable::ln(x), logl((long double)x)), 1.0) << "2^" << k;
  }
}

TEST(PortableMath, NanAndInfinity) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(portable::exp(nan)));
  EXPECT_EQ(portable::exp(inf), inf);
  EXPECT_EQ(portable::exp(-inf), 0.0);
  EXPECT_EQ(portable::exp(710.0), inf);
  EXPECT_EQ(portable::exp(709.78), std::exp(709.78));
  EXPECT_EQ(portable::exp(-746.0), 0.0);
  EXPECT_EQ(portable::exp(-745.0), std::exp(-745.0)); // smallest subnormal region
  EXPECT_TRUE(std::isnan(portable::ln(nan)));
  EXPECT_TRUE(std::isnan(portable::ln(-1.0)));
  EXPECT_TRUE(std::isnan(portable::ln(-inf)));
  EXPECT_EQ(portable::ln(0.0), -inf);
  EXPECT_EQ(portable::ln(-0.0), -inf);
  EXPECT_EQ(portable::ln(inf), inf);
  EXPECT_LE(ulpError(portable::ln(DBL_TRUE_MIN), logl((long double)DBL_TRUE_MIN)), 1.0);
  EXPECT_TRUE(std::isnan(portable::sinpi(inf)));
  EXPECT_TRUE(std::isnan(portable::cospi(-inf)));
  EXPECT_TRUE(std::isnan(portable::sinpi(nan)));
  EXPECT_TRUE(std::isnan(portable::cospi(nan)));
}
