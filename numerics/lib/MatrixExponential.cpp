//===- MatrixExponential.cpp - Scaling-and-squaring Padé exp(A) -----------===//
#include "nsc/numerics/MatrixExponential.h"

#include <algorithm>
#include <cmath>

namespace nsc::numerics {

Matrix Matrix::identity(unsigned size) {
  Matrix m(size);
  for (unsigned i = 0; i < size; ++i)
    m(i, i) = 1.0;
  return m;
}

namespace {

Matrix multiply(const Matrix &x, const Matrix &y) {
  Matrix r(x.n);
  for (unsigned i = 0; i < x.n; ++i)
    for (unsigned k = 0; k < x.n; ++k) {
      double xik = x(i, k);
      if (xik == 0.0)
        continue;
      for (unsigned j = 0; j < x.n; ++j)
        r(i, j) += xik * y(k, j);
    }
  return r;
}

double norm1(const Matrix &m) {
  double best = 0;
  for (unsigned j = 0; j < m.n; ++j) {
    double col = 0;
    for (unsigned i = 0; i < m.n; ++i)
      col += std::fabs(m(i, j));
    best = std::max(best, col);
  }
  return best;
}

/// Solves Q·X = R in place (R becomes X) by LU with partial pivoting.
bool solve(Matrix Q, Matrix &R) {
  unsigned n = Q.n;
  for (unsigned c = 0; c < n; ++c) {
    unsigned piv = c;
    for (unsigned r = c + 1; r < n; ++r)
      if (std::fabs(Q(r, c)) > std::fabs(Q(piv, c)))
        piv = r;
    if (Q(piv, c) == 0.0)
      return false;
    if (piv != c)
      for (unsigned j = 0; j < n; ++j) {
        std::swap(Q(piv, j), Q(c, j));
        std::swap(R(piv, j), R(c, j));
      }
    for (unsigned r = c + 1; r < n; ++r) {
      double f = Q(r, c) / Q(c, c);
      if (f == 0.0)
        continue;
      for (unsigned j = c; j < n; ++j)
        Q(r, j) -= f * Q(c, j);
      for (unsigned j = 0; j < n; ++j)
        R(r, j) -= f * R(c, j);
    }
  }
  for (unsigned c = n; c-- > 0;)
    for (unsigned j = 0; j < n; ++j) {
      double s = R(c, j);
      for (unsigned k = c + 1; k < n; ++k)
        s -= Q(c, k) * R(k, j);
      R(c, j) = s / Q(c, c);
    }
  return true;
}

} // namespace

bool expm(const Matrix &A, Matrix &out) {
  unsigned n = A.n;
  for (double v : A.a)
    if (!std::isfinite(v))
      return false;
  // Padé(13) coefficients and the norm bound below which it is accurate to
  // double precision without scaling (Higham 2005, table 2.3).
  static const double b[14] = {64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
                               1187353796428800.0,  129060195264000.0,   10559470521600.0,
                               670442572800.0,      33522128640.0,       1323241920.0,
                               40840800.0,          960960.0,            16380.0,
                               182.0,               1.0};
  const double theta13 = 5.371920351148152;
  double nrm = norm1(A);
  int s = 0;
  if (nrm > theta13)
    s = std::max(0, int(std::ceil(std::log2(nrm / theta13))));
  Matrix X = A;
  double scale = std::ldexp(1.0, -s);
  for (double &v : X.a)
    v *= scale;
  Matrix I = Matrix::identity(n);
  Matrix X2 = multiply(X, X), X4 = multiply(X2, X2), X6 = multiply(X4, X2);
  Matrix U(n), V(n), T(n);
  for (size_t k = 0; k < X.a.size(); ++k) {
    T.a[k] = b[13] * X6.a[k] + b[11] * X4.a[k] + b[9] * X2.a[k];
    V.a[k] = b[12] * X6.a[k] + b[10] * X4.a[k] + b[8] * X2.a[k];
  }
  T = multiply(X6, T);
  for (size_t k = 0; k < X.a.size(); ++k)
    T.a[k] += b[7] * X6.a[k] + b[5] * X4.a[k] + b[3] * X2.a[k] + b[1] * I.a[k];
  U = multiply(X, T);
  V = multiply(X6, V);
  for (size_t k = 0; k < X.a.size(); ++k)
    V.a[k] += b[6] * X6.a[k] + b[4] * X4.a[k] + b[2] * X2.a[k] + b[0] * I.a[k];
  Matrix Q(n), R(n);
  for (size_t k = 0; k < X.a.size(); ++k) {
    Q.a[k] = V.a[k] - U.a[k];
    R.a[k] = V.a[k] + U.a[k];
  }
  if (!solve(Q, R))
    return false;
  for (int i = 0; i < s; ++i)
    R = multiply(R, R);
  for (double v : R.a)
    if (!std::isfinite(v))
      return false;
  out = std::move(R);
  return true;
}

bool propagator(const Matrix &A, double h, Matrix &P, Matrix &M) {
  unsigned n = A.n;
  Matrix aug(2 * n);
  for (unsigned i = 0; i < n; ++i) {
    for (unsigned j = 0; j < n; ++j)
      aug(i, j) = A(i, j) * h;
    aug(i, n + i) = h;
  }
  Matrix E;
  if (!expm(aug, E))
    return false;
  P = Matrix(n);
  M = Matrix(n);
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j) {
      P(i, j) = E(i, j);
      M(i, j) = E(i, n + j);
    }
  return true;
}

std::vector<bool> reachability(unsigned n, const std::vector<bool> &nonzero) {
  std::vector<bool> r(size_t(n) * n, false);
  for (unsigned i = 0; i < n; ++i) {
    r[size_t(i) * n + i] = true;
    for (unsigned j = 0; j < n; ++j)
      if (nonzero[size_t(i) * n + j])
        r[size_t(i) * n + j] = true;
  }
  // Transitive closure (Warshall): i depends on k and k on j.
  for (unsigned k = 0; k < n; ++k)
    for (unsigned i = 0; i < n; ++i)
      if (r[size_t(i) * n + k])
        for (unsigned j = 0; j < n; ++j)
          if (r[size_t(k) * n + j])
            r[size_t(i) * n + j] = true;
  return r;
}

} // namespace nsc::numerics
