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

#include <cstdint>
#include <cstring>

namespace nsc::runtime::portable {

namespace {

uint64_t bitsOf(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
double fromBits(uint64_t u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

const double kInf = fromBits(0x7FF0000000000000ull);
const double kNaN = fromBits(0x7FF8000000000000ull);

bool isNaN(double x) { return x != x; }

/// 2^n for -1022 <= n <= 1023.
double pow2(int n) { return fromBits(uint64_t(n + 1023) << 52); }

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

// ln 2 = kLn2Hi + kLn2Lo; kLn2Hi has 32 significant bits, so k * kLn2Hi is
// exact for |k| < 2^21.
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kInvLn2 = 0x1.71547652b82fep+0;

// 1/n!, n = 2..15.
constexpr double kExpCoeff[] = {
    0x1.0000000000000p-1,  0x1.5555555555555p-3,  0x1.5555555555555p-5,
    0x1.1111111111111p-7,  0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-13,
    0x1.a01a01a01a01ap-16, 0x1.71de3a556c734p-19, 0x1.27e4fb7789f5cp-22,
    0x1.ae64567f544e4p-26, 0x1.1eed8eff8d898p-29, 0x1.6124613a86d09p-33,
    0x1.93974a8c07c9dp-37, 0x1.ae7f3e733b81fp-41};

// 2/(2n+1), n = 1..12: ln((1+s)/(1-s)) = 2s + s * sum_n 2/(2n+1) s^(2n).
constexpr double kLnCoeff[] = {
    0x1.5555555555555p-1, 0x1.999999999999ap-2, 0x1.2492492492492p-2,
    0x1.c71c71c71c71cp-3, 0x1.745d1745d1746p-3, 0x1.3b13b13b13b14p-3,
    0x1.1111111111111p-3, 0x1.e1e1e1e1e1e1ep-4, 0x1.af286bca1af28p-4,
    0x1.8618618618618p-4, 0x1.642c8590b2164p-4, 0x1.47ae147ae147bp-4};

constexpr double kSqrt2 = 0x1.6a09e667f3bcdp+0;

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

double exp(double x) {
  if (isNaN(x))
    return x;
  if (x > 710.0)
    return kInf;
  if (x < -746.0)
    return 0.0;
  // x = k ln2 + r, |r| <= ln2/2 (plus rounding of k).
  double t = x * kInvLn2;
  int k = int(t < 0 ? t - 0.5 : t + 0.5); // round half away from zero
  double rHi = x - k * kLn2Hi;            // exact (Sterbenz)
  double rLo = k * kLn2Lo;
  double r = rHi - rLo;
  double rErr = (rHi - r) - rLo; // r + rErr = rHi - rLo up to ~2^-106
  // e^r = 1 + r + r^2 (1/2 + r/6 + ...); 1 + r is summed exactly.
  double poly = (r * r) * horner(kExpCoeff, 0, r);
  double s, se;
  twoSum(1.0, r, s, se);
  // e^(r + rErr) ~ e^r (1 + rErr); e^r ~ 1 at the size of rErr.
  double y = s + (se + (poly + rErr));
  // y * 2^k, with one rounding even when the result is subnormal.
  if (k > 1023)
    return (y * 2.0) * pow2(k - 1);
  if (k < -1021)
    return (y * pow2(k + 64)) * pow2(-64);
  return y * pow2(k);
}

double ln(double x) {
  if (isNaN(x))
    return x;
  if (x < 0)
    return kNaN;
  if (x == 0)
    return -kInf;
  if (x == kInf)
    return x;
  int e = 0;
  uint64_t u = bitsOf(x);
  if ((u >> 52) == 0) { // subnormal: scale into the normal range (exact)
    x *= 0x1p54;
    e = -54;
    u = bitsOf(x);
  }
  e += int(u >> 52) - 1023;
  double m = fromBits((u & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
  if (m > kSqrt2) { // m in [sqrt(1/2), sqrt(2)]
    m *= 0.5;
    e += 1;
  }
  double f = m - 1.0; // exact (Sterbenz)
  // ln(1+f) = f - f^2/2 + s (f^2/2 + R), s = f/(2+f), R = sum 2/(2n+1) s^2n
  // (an identity: f - (f^2/2)(1 - s) = 2s).
  double s = f / (2.0 + f);
  double z = s * s;
  double R = z * horner(kLnCoeff, 0, z);
  double sq, sqe;
  twoProd(f, f, sq, sqe);
  double h = 0.5 * sq, he = 0.5 * sqe; // f^2/2 = h + he exactly
  double d = s * (h + R);
  double ed = double(e);
  double a = ed * kLn2Hi; // exact
  double s1, e1, s2, e2;
  twoSum(a, f, s1, e1);
  twoSum(s1, -h, s2, e2);
  return s2 + (((e1 + e2) - he) + (d + ed * kLn2Lo));
}

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
