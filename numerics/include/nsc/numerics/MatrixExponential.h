//===- MatrixExponential.h - exp(A·h) for the exact ODE solver --*- C++ -*-===//
//
// The exact solver advances a linear system x' = A·x + b (b constant over
// the step) by x(t+h) = P·x(t) + M·b with P = exp(A·h) and
// M = ∫_0^h exp(A·s) ds. Both come from one matrix exponential of the
// augmented matrix [[A, I], [0, 0]]·h (Van Loan 1978), which stays finite
// and exact where closed forms divide by zero (tau_m == tau_syn, A singular).
//
// The compiler calls this for constant systems and every backend's runtime
// calls it at start-up for systems that depend on run-time parameters, so
// all of them get the same bits.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <vector>

namespace nsc::numerics {

/// Row-major n×n matrix.
struct Matrix {
  unsigned n = 0;
  std::vector<double> a;
  explicit Matrix(unsigned size = 0) : n(size), a(std::size_t(size) * size, 0.0) {}
  double &operator()(unsigned i, unsigned j) { return a[std::size_t(i) * n + j]; }
  double operator()(unsigned i, unsigned j) const { return a[std::size_t(i) * n + j]; }
  static Matrix identity(unsigned size);
};

/// exp(A) by scaling and squaring with the degree-13 Padé approximant
/// (Higham 2005). Returns false (out unchanged) when A has a NaN or infinite
/// entry or the Padé denominator is singular.
bool expm(const Matrix &A, Matrix &out);

/// P = exp(A·h) and M = ∫_0^h exp(A·s) ds. False as expm().
bool propagator(const Matrix &A, double h, Matrix &P, Matrix &M);

/// reach(i, j): whether P_ij or M_ij can be nonzero for some values of the
/// nonzero entries of A, i.e. whether x_i depends on x_j through a path of
/// nonzero entries (i == j always). Used to skip structural zeros.
std::vector<bool> reachability(unsigned n, const std::vector<bool> &nonzero);

} // namespace nsc::numerics
