//===- VectorMathTest.cpp - Accuracy and special values of nsc's vector math ===//
//
// Each function is compared with glibc's long double routine (64-bit
// significand: 11 bits more than the result) over random arguments drawn
// uniformly and log-uniformly from the ranges docs/vector-math.md states,
// and the largest error in ulps must stay within the documented bound.
// Special values are compared with C99's (glibc's double routines).

#include "nsc/runtime/PortableMath.h"
#include "nsc/runtime/VectorMath.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

namespace {

double ulpError(double got, long double ref) {
  if (std::isnan(got) && std::isnan(double(ref)))
    return 0;
  double r = double(ref);
  if (std::isinf(r) || std::isinf(got))
    return got == r ? 0 : 1e9;
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

/// Arguments per range: 60,000, or $NSC_VM_SAMPLES (docs/vector-math.md's
/// worst errors come from NSC_VM_SAMPLES=2000000).
int samples() {
  const char *env = std::getenv("NSC_VM_SAMPLES");
  return env && *env ? std::atoi(env) : 60000;
}

/// The largest error of f against ref over x = lo + (hi - lo) u, or, with
/// logScale, x = ±e^(lo + (hi - lo) u) (both signs unless positiveOnly).
double worstError(const std::function<double(double)> &f, const std::function<long double(long double)> &ref,
                  double lo, double hi, bool logScale, bool positiveOnly = false) {
  std::mt19937_64 gen(0x5eed);
  std::uniform_real_distribution<double> u(lo, hi);
  double worst = 0;
  for (int i = 0, n = samples(); i < n; ++i) {
    double x = u(gen);
    if (logScale) {
      x = std::exp(x);
      if (!positiveOnly && (gen() & 1))
        x = -x;
    }
    double e = ulpError(f(x), ref((long double)x));
    EXPECT_LT(e, 1e8) << "at x = " << std::hexfloat << x;
    worst = std::max(worst, e);
  }
  std::printf("  worst %.3f ulp over [%g, %g]%s\n", worst, lo, hi, logScale ? " (log scale)" : "");
  return worst;
}

bool sameBits(double a, double b) {
  if (std::isnan(a) && std::isnan(b))
    return true;
  uint64_t x, y;
  std::memcpy(&x, &a, 8);
  std::memcpy(&y, &b, 8);
  return x == y;
}

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kSpecial[] = {0.0, -0.0, kInf, -kInf, kNaN, 1.0, -1.0, 0.5, -0.5, 2.0, 4.9e-324, -4.9e-324,
                           1e-310, 2.2250738585072014e-308, 1e-20, -1e-20, 709.78, 709.79, -745.1, -745.2,
                           710.0, -746.0, 40.0, -40.0, 1e300, -1e300};

} // namespace

TEST(VectorMath, ExpIsWithinOneUlp) {
  auto f = [](double x) { return nsc_vm_exp(x); };
  auto ref = [](long double x) { return expl(x); };
  EXPECT_LT(worstError(f, ref, -745.1, 709.78, false), 1.0);
  EXPECT_LT(worstError(f, ref, -1, 1, false), 1.0);
  EXPECT_LT(worstError(f, ref, -60, 1, true), 1.0);
}

TEST(VectorMath, Expm1IsWithinOneUlp) {
  auto f = [](double x) { return nsc_vm_expm1(x); };
  auto ref = [](long double x) { return expm1l(x); };
  EXPECT_LT(worstError(f, ref, -745, 709.78, false), 1.0);
  EXPECT_LT(worstError(f, ref, -50, 50, false), 1.0);
  EXPECT_LT(worstError(f, ref, -700, 4, true), 1.0); // tiny to large, both signs
}

TEST(VectorMath, LogAndLog1pAreWithinOneUlp) {
  auto lg = [](double x) { return nsc_vm_log(x); };
  auto lgRef = [](long double x) { return logl(x); };
  EXPECT_LT(worstError(lg, lgRef, -744, 709, true, true), 1.0); // subnormal to huge
  EXPECT_LT(worstError(lg, lgRef, 0.5, 2, false), 1.0);
  auto l1 = [](double x) { return nsc_vm_log1p(x); };
  auto l1Ref = [](long double x) { return log1pl(x); };
  EXPECT_LT(worstError(l1, l1Ref, -1, 10, false), 1.0);
  EXPECT_LT(worstError(l1, l1Ref, -700, 700, true, true), 1.0);
  EXPECT_LT(worstError([](double x) { return nsc_vm_log1p(-x); }, [](long double x) { return log1pl(-x); }, -700,
                       -1e-6, true, true),
            1.0);
}

TEST(VectorMath, SinAndCosAreWithinOneUlpBelow1e8) {
  auto s = [](double x) { return nsc_vm_sin(x); };
  auto sRef = [](long double x) { return sinl(x); };
  auto c = [](double x) { return nsc_vm_cos(x); };
  auto cRef = [](long double x) { return cosl(x); };
  EXPECT_LT(worstError(s, sRef, -10, 10, false), 1.0);
  EXPECT_LT(worstError(c, cRef, -10, 10, false), 1.0);
  EXPECT_LT(worstError(s, sRef, -1e8, 1e8, false), 1.0);
  EXPECT_LT(worstError(c, cRef, -1e8, 1e8, false), 1.0);
  EXPECT_LT(worstError(s, sRef, -700, 18.4, true), 1.0);
  EXPECT_LT(worstError(c, cRef, -700, 18.4, true), 1.0);
  // A multiple of pi/2 close to a double: the reduction keeps its digits.
  EXPECT_LT(ulpError(nsc_vm_sin(6381956970095103.0 * 0x1p-30), sinl(6381956970095103.0L * 0x1p-30L)), 1.0);
  // |x| >= 2^50: NaN (documented), as for infinities.
  EXPECT_TRUE(std::isnan(nsc_vm_sin(0x1p50)));
  EXPECT_TRUE(std::isnan(nsc_vm_cos(-0x1p60)));
}

TEST(VectorMath, TanhIsWithinTwoAndAHalfUlp) {
  auto f = [](double x) { return nsc_vm_tanh(x); };
  auto ref = [](long double x) { return tanhl(x); };
  EXPECT_LT(worstError(f, ref, -25, 25, false), 2.5);
  EXPECT_LT(worstError(f, ref, -700, 3.5, true), 2.5);
}

TEST(VectorMath, PowIsWithinTwoUlp) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> smallX(0, 10), smallY(-20, 20), logX(-700, 700), wideY(-3, 3);
  double worstSmall = 0, worstWide = 0;
  for (int i = 0, n = samples(); i < n; ++i) {
    double x = smallX(gen), y = smallY(gen);
    worstSmall = std::max(worstSmall, ulpError(nsc_vm_pow(x, y), powl(x, y)));
    x = std::exp(logX(gen));
    y = wideY(gen);
    worstWide = std::max(worstWide, ulpError(nsc_vm_pow(x, y), powl(x, y)));
    double m = std::round(smallY(gen)); // negative bases, integer exponents
    worstSmall = std::max(worstSmall, ulpError(nsc_vm_pow(-x / 1e100, m), powl(-x / 1e100, m)));
  }
  std::printf("  pow: worst %.3f ulp (x in [0, 10], y in [-20, 20]), %.3f ulp (x = e^[-700, 700], y in [-3, 3])\n",
              worstSmall, worstWide);
  EXPECT_LT(worstSmall, 2.0);
  EXPECT_LT(worstWide, 2.0);
}

TEST(VectorMath, SpecialValuesAreC99s) {
  // Exact where C99 fixes the result (zeros, infinities, NaN, overflow,
  // underflow); within the bound elsewhere.
  auto check = [](const char *name, double got, double libm, long double ref, double bound, double x) {
    bool exact = libm == 0 || std::isinf(libm) || std::isnan(libm) || x == 0 || std::isinf(x) || std::isnan(x);
    if (exact)
      EXPECT_TRUE(sameBits(got, libm)) << name << "(" << x << ") = " << got << ", C99: " << libm;
    else
      EXPECT_LT(ulpError(got, ref), bound) << name << "(" << x << ")";
  };
  for (double x : kSpecial) {
    long double lx = x;
    check("exp", nsc_vm_exp(x), std::exp(x), expl(lx), 1, x);
    check("expm1", nsc_vm_expm1(x), std::expm1(x), expm1l(lx), 1, x);
    check("log", nsc_vm_log(x), std::log(x), logl(lx), 1, x);
    check("log1p", nsc_vm_log1p(x), std::log1p(x), log1pl(lx), 1, x);
    check("tanh", nsc_vm_tanh(x), std::tanh(x), tanhl(lx), 2.5, x);
    EXPECT_TRUE(sameBits(nsc_vm_sqrt(x), std::sqrt(x))) << "sqrt " << x;
    if (std::fabs(x) < 1e8 || std::isnan(x)) {
      check("sin", nsc_vm_sin(x), std::sin(x), sinl(lx), 1, x);
      check("cos", nsc_vm_cos(x), std::cos(x), cosl(lx), 1, x);
    }
  }
  EXPECT_TRUE(std::isnan(nsc_vm_sin(kInf)) && std::isnan(nsc_vm_cos(-kInf)));
  const double bases[] = {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, kInf, -kInf, kNaN, -8.0};
  const double exps[] = {0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, -0.5, kInf, -kInf, kNaN, 1e300, 0x1p53 + 2};
  for (double x : bases)
    for (double y : exps) {
      double libm = std::pow(x, y);
      if (libm == 0 || std::isinf(libm) || std::isnan(libm) || libm == 1 || libm == -1)
        EXPECT_TRUE(sameBits(nsc_vm_pow(x, y), libm)) << "pow(" << x << ", " << y << ")";
      else
        EXPECT_LT(ulpError(nsc_vm_pow(x, y), powl(x, y)), 2.0) << "pow(" << x << ", " << y << ")";
    }
}

TEST(VectorMath, PortableExpAndLnAreTheLibrarys) {
  // R35's variates use portable::exp/ln: the same function, the same bits.
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> u(-750, 720);
  for (int i = 0; i < 20000; ++i) {
    double x = u(gen);
    EXPECT_TRUE(sameBits(nsc::runtime::portable::exp(x), nsc_vm_exp(x)));
    double y = std::exp(x);
    EXPECT_TRUE(sameBits(nsc::runtime::portable::ln(y), nsc_vm_log(y)));
  }
}
