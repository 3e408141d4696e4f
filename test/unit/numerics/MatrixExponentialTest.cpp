#include "nsc/numerics/MatrixExponential.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nsc::numerics;

static void expectRel(double got, double want, double rel) {
  EXPECT_NEAR(got, want, rel * std::max(1e-300, std::fabs(want))) << "want " << want;
}

TEST(MatrixExponential, ScalarDecayMatchesExp) {
  for (double a : {-1e-3, -0.1, -1.0, -7.5, -100.0, 3.0}) {
    Matrix A(1), E;
    A(0, 0) = a;
    ASSERT_TRUE(expm(A, E));
    // Each squaring of the scaled result can double the rounding error.
    expectRel(E(0, 0), std::exp(a), std::fabs(a) <= 1 ? 4e-16 : 4e-15);
  }
}

TEST(MatrixExponential, InputGainOfScalarDecay) {
  // x' = -x/tau + b: M = tau·(1 − exp(−h/tau)).
  double tau = 10, h = 0.1;
  Matrix A(1), P, M;
  A(0, 0) = -1 / tau;
  ASSERT_TRUE(propagator(A, h, P, M));
  expectRel(P(0, 0), std::exp(-h / tau), 1e-15);
  expectRel(M(0, 0), -tau * std::expm1(-h / tau), 1e-14);
}

TEST(MatrixExponential, LifWithExponentialCurrent) {
  // V' = -V/tm + I/C, I' = -I/ts: P_VI = (1/C)·ts·tm/(tm−ts)·(e^{−h/tm} − e^{−h/ts}).
  double tm = 10, ts = 2, C = 250, h = 0.1;
  Matrix A(2), P, M;
  A(0, 0) = -1 / tm;
  A(0, 1) = 1 / C;
  A(1, 1) = -1 / ts;
  ASSERT_TRUE(propagator(A, h, P, M));
  double want = (1 / C) * ts * tm / (tm - ts) * (std::exp(-h / tm) - std::exp(-h / ts));
  expectRel(P(0, 1), want, 1e-13);
  EXPECT_EQ(P(1, 0), 0.0);
}

TEST(MatrixExponential, DegenerateTimeConstantsStayExactAndFinite) {
  // tau_m == tau_syn: the closed form above divides by zero; the limit is
  // (h/C)·e^{−h/tau}.
  double tau = 5, C = 250, h = 0.1;
  Matrix A(2), P, M;
  A(0, 0) = -1 / tau;
  A(0, 1) = 1 / C;
  A(1, 1) = -1 / tau;
  ASSERT_TRUE(propagator(A, h, P, M));
  ASSERT_TRUE(std::isfinite(P(0, 1)));
  expectRel(P(0, 1), h / C * std::exp(-h / tau), 1e-13);
}

TEST(MatrixExponential, SingularMatrixGivesPolynomialGain) {
  // A = [[0,1],[0,0]]: P = [[1,h],[0,1]], M = [[h, h²/2],[0, h]].
  double h = 0.25;
  Matrix A(2), P, M;
  A(0, 1) = 1;
  ASSERT_TRUE(propagator(A, h, P, M));
  expectRel(P(0, 0), 1, 1e-15);
  expectRel(P(0, 1), h, 1e-15);
  expectRel(M(0, 0), h, 1e-15);
  expectRel(M(0, 1), h * h / 2, 1e-15);
  expectRel(M(1, 1), h, 1e-15);
  EXPECT_EQ(M(1, 0), 0.0);
}

TEST(MatrixExponential, LargeNormIsScaled) {
  // A stiff decay with |a·h| = 500 still gives exp(−500), not garbage.
  Matrix A(1), E;
  A(0, 0) = -500;
  ASSERT_TRUE(expm(A, E));
  expectRel(E(0, 0), std::exp(-500.0), 1e-12);
}

TEST(MatrixExponential, NonFiniteEntryIsRejected) {
  Matrix A(1), E;
  A(0, 0) = NAN;
  EXPECT_FALSE(expm(A, E));
  A(0, 0) = INFINITY;
  EXPECT_FALSE(expm(A, E));
}

TEST(MatrixExponential, ReachabilityFollowsPaths) {
  // 0 <- 1 <- 2, 3 alone.
  std::vector<bool> nz(16, false);
  nz[0 * 4 + 1] = true;
  nz[1 * 4 + 2] = true;
  auto r = reachability(4, nz);
  EXPECT_TRUE(r[0 * 4 + 2]);
  EXPECT_FALSE(r[2 * 4 + 0]);
  EXPECT_FALSE(r[0 * 4 + 3]);
  EXPECT_TRUE(r[3 * 4 + 3]);
}
