//===- PortableMath.cpp - Portable exp, ln, cospi, sinpi ------------------===//
//
// Compiled with -ffp-contract=off (see CMakeLists.txt): the error-free
// transformations below (twoSum, twoProd) are exact only when every
// operation is rounded separately.
//
// Polynomials are truncated Taylor series whose coefficients are the
// correctly rounded values of the exact coefficients (computed once with
// exact rational arithmetic); the truncation error is far below one ulp on
// the reduced ranges used.
//
//===----------------------------------------------------------------------===//

#include "nsc/runtime/PortableMath.h"
#include "nsc/runtime/VectorMath.h"

#include <cstdint>
#include <cstring>

namespace nsc::runtime::portable {

namespace {

double fromBits(uint64_t u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

const double kInf = fromBits(0x7FF0000000000000ull);
const double kNaN = fromBits(0x7FF8000000000000ull);

bool isNaN(double x) { return x != x; }

/// s + err = a + b exactly (Knuth's branch-free two-sum).
void twoSum(double a, double b, double &s, double &err) {
  s = a + b;
  double bb = s - a;
  err = (a - (s - bb)) + (b - bb);
}

/// p + err = a * b exactly (Dekker's product with Veltkamp splitting;
/// valid while no intermediate overflows, true for the small operands here).
void split(double a, double &hi, double &lo) {
  double c = 134217729.0 * a; // 2^27 + 1
  hi = c - (c - a);
  lo = a - hi;
}
void twoProd(double a, double b, double &p, double &err) {
  p = a * b;
  double ah, al, bh, bl;
  split(a, ah, al);
  split(b, bh, bl);
  err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

// pi = kPiHi + kPiLo.
constexpr double kPiHi = 0x1.921fb54442d18p+1;
constexpr double kPiLo = 0x1.1a62633145c07p-53;

// (-1)^n pi^(2n+1)/(2n+1)!, n = 1..10 (sin), (-1)^n pi^(2n)/(2n)!, n = 1..10
// (cos); the first cos coefficient -pi^2/2 also has a low part.
constexpr double kSinCoeff[] = {
    -0x1.4abbce625be53p+2, 0x1.466bc6775aae2p+1,  -0x1.32d2cce62bd86p-1,
    0x1.50783487ee782p-4,  -0x1.e3074fde8871fp-8, 0x1.e8f434d018d63p-12,
    -0x1.6fadb9f155744p-16, 0x1.aaec32af93359p-21, -0x1.8a404211f9547p-26,
    0x1.2877020d52cf0p-31};
constexpr double kCosCoeff[] = {
    -0x1.3bd3cc9be45dep+2, 0x1.03c1f081b5ac4p+2,  -0x1.55d3c7e3cbffap+0,
    0x1.e1f506891babbp-3,  -0x1.a6d1f2a204a8cp-6, 0x1.f9d38a3763cc3p-10,
    -0x1.b6e24f44b128fp-14, 0x1.20c62c2f2d7f5p-18, -0x1.2a0c591af8314p-23,
    0x1.ef6e308d6d1c4p-29};
constexpr double kCos1Lo = -0x1.692b71366cc04p-52; // -pi^2/2 - kCosCoeff[0]

/// Horner over coeffs[first..n) in z: c[first] + z*(c[first+1] + ...).
template <size_t N> double horner(const double (&c)[N], size_t first, double z) {
  double acc = c[N - 1];
  for (size_t n = N - 1; n-- > first;)
    acc = c[n] + z * acc;
  return acc;
}

/// sin(pi r) for |r| <= 1/4.
double sinpiKernel(double r) {
  double p, pe;
  twoProd(r, kPiHi, p, pe);
  double z = r * r;
  double tail = r * (z * horner(kSinCoeff, 0, z));
  return p + ((pe + r * kPiLo) + tail);
}

/// cos(pi r) for |r| <= 1/4: 1 + c1 z + z^2 C(z), z = r^2, with z and
/// c1 z carried to double-double so the leading terms lose nothing.
double cospiKernel(double r) {
  double z, ze;
  twoProd(r, r, z, ze);
  double a, ae;
  twoProd(z, kCosCoeff[0], a, ae);
  double s, se;
  twoSum(1.0, a, s, se);
  double tail = z * (z * horner(kCosCoeff, 1, z));
  double low = ((se + ae) + (ze * kCosCoeff[0] + z * kCos1Lo)) + tail;
  return s + low;
}

} // namespace

// exp and ln are the vector math library's (one implementation; the unit
// test checks these still give R35's bits).
double exp(double x) { return nsc_vm_exp(x); }

double ln(double x) { return nsc_vm_log(x); }

namespace {

/// x = n/2 + r with |r| <= 1/4, exactly; false for infinite x. For
/// |x| >= 2^52 x is an integer, r = 0 and only n mod 4 is kept.
bool reduceHalf(double x, int64_t &n, double &r) {
  double ax = x < 0 ? -x : x;
  if (!(ax < kInf))
    return false;
  if (ax >= 0x1p53) { // even integer
    n = 0;
    r = 0.0;
    return true;
  }
  if (ax >= 0x1p52) { // integer
    n = 2 * (int64_t(x) & 1);
    r = 0.0;
    return true;
  }
  double tx = 2.0 * x; // exact, |tx| < 2^53
  n = int64_t(tx);     // truncation
  double frac = tx - double(n); // exact
  if (frac > 0.5)
    ++n;
  else if (frac < -0.5)
    --n;
  r = x - 0.5 * double(n); // exact
  return true;
}

double signedZeroLike(double x) { return x < 0 ? -0.0 : 0.0; }

} // namespace

double sinpi(double x) {
  if (isNaN(x))
    return x;
  int64_t n;
  double r;
  if (!reduceHalf(x, n, r))
    return kNaN;
  int q = int(n & 3);
  if (r == 0.0 && (q & 1) == 0)
    return x == 0 ? x : signedZeroLike(x);
  switch (q) {
  case 0:
    return sinpiKernel(r);
  case 1:
    return cospiKernel(r);
  case 2:
    return -sinpiKernel(r);
  default:
    return -cospiKernel(r);
  }
}

double cospi(double x) {
  if (isNaN(x))
    return x;
  int64_t n;
  double r;
  if (!reduceHalf(x, n, r))
    return kNaN;
  int q = int(n & 3);
  if (r == 0.0 && (q & 1) == 1)
    return 0.0;
  switch (q) {
  case 0:
    return cospiKernel(r);
  case 1:
    return -sinpiKernel(r);
  case 2:
    return -cospiKernel(r);
  default:
    return sinpiKernel(r);
  }
}

} // namespace nsc::runtime::portable
