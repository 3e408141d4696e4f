//===- VectorMath.h - nsc's portable, vectorisable elementary functions ---===//
//
// exp, expm1, log, log1p, pow, tanh, sin, cos and sqrt as fixed sequences of
// IEEE binary64 operations: no libm call, no FMA, no table, no branch (every
// special case is a select), no integer<->double conversion instruction
// (integers are moved in and out of doubles with the 2^52 "magic number"
// trick and bit shifts). So
//
//   - the same source gives the same bits wherever it is compiled with
//     -ffp-contract=off (gcc, clang) or --fmad=false (nvcc, NVRTC): the
//     interpreter (runtime/eval), the cpu backend (this header compiled by
//     clang to LLVM IR at build time and inlined into the JIT'd neuron loop)
//     and the cuda backend (this file is copied into every CUDA output);
//   - a loop that calls them is vectorised by LLVM's loop vectoriser (the
//     body is straight-line arithmetic, compares, selects and 64-bit shifts:
//     AVX2 has all of them).
//
// Accuracy (docs/vector-math.md; measured by test/unit/runtime/
// VectorMathTest.cpp against long double): exp, expm1, log, log1p, sin, cos
// (|x| < 1.05e8) within 1 ulp; pow within 2 ulp; tanh within 2.5 ulp; sqrt
// is IEEE's correctly rounded square root.
//
// The file is C++ that nvcc and NVRTC also compile (no system header there).
// An includer may define NSC_VM_FN (the linkage of the public functions)
// before including it; the default is `static inline`.
//
//===----------------------------------------------------------------------===//
#ifndef NSC_RUNTIME_VECTOR_MATH_H
#define NSC_RUNTIME_VECTOR_MATH_H

#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#ifndef NSC_VM_FN
#define NSC_VM_FN __device__ static __forceinline__
#endif
#define NSC_VM_INTERNAL __device__ static __forceinline__
typedef unsigned long long nsc_vm_u64;
NSC_VM_INTERNAL nsc_vm_u64 nsc_vm_bits(double x) { return (nsc_vm_u64)__double_as_longlong(x); }
NSC_VM_INTERNAL double nsc_vm_from_bits(nsc_vm_u64 u) { return __longlong_as_double((long long)u); }
NSC_VM_INTERNAL double nsc_vm_sqrt_op(double x) { return __dsqrt_rn(x); }
#else
#include <cstdint>
#include <cstring>
#ifndef NSC_VM_FN
#define NSC_VM_FN static inline
#endif
#define NSC_VM_INTERNAL static inline
typedef uint64_t nsc_vm_u64;
NSC_VM_INTERNAL nsc_vm_u64 nsc_vm_bits(double x) {
  nsc_vm_u64 u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
NSC_VM_INTERNAL double nsc_vm_from_bits(nsc_vm_u64 u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}
NSC_VM_INTERNAL double nsc_vm_sqrt_op(double x) { return __builtin_sqrt(x); }
#endif

// 1.5 * 2^52: x + kShifter rounds x to an integer held in the low mantissa
// bits (|x| < 2^51); subtracting it again gives that integer as a double.
#define NSC_VM_SHIFTER 0x1.8p52
#define NSC_VM_INF (nsc_vm_from_bits(0x7FF0000000000000ull))
#define NSC_VM_NAN (nsc_vm_from_bits(0x7FF8000000000000ull))

/// s + e = a + b exactly (Knuth's two-sum).
NSC_VM_INTERNAL void nsc_vm_two_sum(double a, double b, double *s, double *e) {
  double ss = a + b;
  double bb = ss - a;
  *s = ss;
  *e = (a - (ss - bb)) + (b - bb);
}

/// p + e = a * b exactly (Dekker with Veltkamp splitting; no overflow for
/// the operands it is used on).
NSC_VM_INTERNAL void nsc_vm_two_prod(double a, double b, double *p, double *e) {
  double pp = a * b;
  double ca = 134217729.0 * a, cb = 134217729.0 * b; // 2^27 + 1
  double ah = ca - (ca - a), bh = cb - (cb - b);
  double al = a - ah, bl = b - bh;
  *p = pp;
  *e = ((ah * bh - pp) + ah * bl + al * bh) + al * bl;
}

/// 2^k for an integer-valued double k in [-1022, 1023]: k + 2^52 + 1023
/// holds the biased exponent in its low bits; shifting it into place drops
/// the rest.
NSC_VM_INTERNAL double nsc_vm_pow2(double k) {
  return nsc_vm_from_bits(nsc_vm_bits(k + 0x1.00000000003ffp52) << 52);
}

/// The reduced exponential: for x in [-746, 710] (clamped, NaN kept) and a
/// small correction xc, e^(x + xc) = y * 2^k with y in about [0.7, 1.42];
/// em1 + em1Lo = e^r - 1 (r = x - k ln 2) as a double-double.
/// Truncated Taylor series with correctly rounded coefficients 1/n!,
/// n = 2..15 (truncation far below one ulp on |r| <= ln2/2).
NSC_VM_INTERNAL void nsc_vm_exp_reduce(double x, double xc, double *y, double *k, double *em1,
                                       double *em1Lo) {
  const double ln2Hi = 0x1.62e42fee00000p-1; // 32 bits: k * ln2Hi is exact
  const double ln2Lo = 0x1.a39ef35793c76p-33;
  double kk = (x * 0x1.71547652b82fep+0 + NSC_VM_SHIFTER) - NSC_VM_SHIFTER;
  double rHi = x - kk * ln2Hi; // exact (Sterbenz)
  double rLo = kk * ln2Lo;
  double r = rHi - rLo;
  double rErr = (rHi - r) - rLo; // r + rErr = x - k ln2 to ~2^-106
  double h = 0x1.ae7f3e733b81fp-41;
  h = 0x1.93974a8c07c9dp-37 + r * h;
  h = 0x1.6124613a86d09p-33 + r * h;
  h = 0x1.1eed8eff8d898p-29 + r * h;
  h = 0x1.ae64567f544e4p-26 + r * h;
  h = 0x1.27e4fb7789f5cp-22 + r * h;
  h = 0x1.71de3a556c734p-19 + r * h;
  h = 0x1.a01a01a01a01ap-16 + r * h;
  h = 0x1.a01a01a01a01ap-13 + r * h;
  h = 0x1.6c16c16c16c17p-10 + r * h;
  h = 0x1.1111111111111p-7 + r * h;
  h = 0x1.5555555555555p-5 + r * h;
  h = 0x1.5555555555555p-3 + r * h;
  h = 0x1.0000000000000p-1 + r * h;
  double poly = (r * r) * h; // e^r = 1 + r + poly
  double s, se;
  nsc_vm_two_sum(1.0, r, &s, &se);
  // e^(r + rErr + xc) = (1 + r + poly)(1 + rErr + xc) to far below an ulp;
  // with xc = 0 the correction is +0 and changes no bit.
  double corr = rErr + (xc + xc * (r + poly));
  *y = s + (se + (poly + corr));
  double m, me;
  nsc_vm_two_sum(r, poly, &m, &me);
  *em1 = m;
  *em1Lo = me + rErr;
  *k = kk;
}

/// y * 2^k for integer-valued k in [-1077, 1025], rounded once (also when
/// the result is subnormal or overflows): y * 2^k1 is exact, the second
/// factor rounds.
NSC_VM_INTERNAL double nsc_vm_scale(double y, double k) {
  double k1 = (k * 0.5 + NSC_VM_SHIFTER) - NSC_VM_SHIFTER;
  double k2 = k - k1;
  return (y * nsc_vm_pow2(k1)) * nsc_vm_pow2(k2);
}

NSC_VM_INTERNAL double nsc_vm_clamp_exp_arg(double x) {
  double c = x > 710.0 ? 710.0 : x;
  return c < -746.0 ? -746.0 : c; // NaN stays NaN
}

/// e^(x + xc).
NSC_VM_INTERNAL double nsc_vm_exp_corrected(double x, double xc) {
  double y, k, m, ml;
  nsc_vm_exp_reduce(nsc_vm_clamp_exp_arg(x), xc, &y, &k, &m, &ml);
  return nsc_vm_scale(y, k);
}

/// e^x. exp(±0) = 1; +inf above 709.78, 0 below -745.13 (subnormal results
/// rounded once); exp(-inf) = 0, exp(+inf) = +inf, NaN gives NaN.
NSC_VM_FN double nsc_vm_exp(double x) { return nsc_vm_exp_corrected(x, 0.0); }

/// e^x - 1, accurate near 0: 2^k (e^r - 1) + (2^k - 1) summed exactly.
NSC_VM_FN double nsc_vm_expm1(double x) {
  double y, k, m, ml;
  nsc_vm_exp_reduce(nsc_vm_clamp_exp_arg(x), 0.0, &y, &k, &m, &ml);
  double big = nsc_vm_scale(y, k);              // x > 40: e^x - 1 rounds to e^x
  double kc = k > 60.0 ? 60.0 : (k < -60.0 ? -60.0 : k);
  double p = nsc_vm_pow2(kc);
  double a, al, s, se;
  nsc_vm_two_sum(p, -1.0, &a, &al);             // 2^k - 1 exactly
  nsc_vm_two_sum(p * m, a, &s, &se);
  double mid = s + (se + (al + p * ml));
  double r = x > 40.0 ? big : (x < -40.0 ? -1.0 : mid);
  return x == 0.0 ? x : r;                      // keeps -0
}

/// ln(x) + c for c small against ln(x), as hi + lo (a double-double) for
/// normal, subnormal and special x; the caller applies the special cases.
/// x = 2^e m, m in [sqrt(1/2), sqrt(2)], f = m - 1 exactly;
/// ln(1+f) = f - f^2/2 + s (f^2/2 + R), s = f/(2+f), R = sum 2/(2n+1) s^2n.
NSC_VM_INTERNAL void nsc_vm_log_core(double x, double c, double *hi, double *lo) {
  const double ln2Hi = 0x1.62e42fee00000p-1;
  const double ln2Lo = 0x1.a39ef35793c76p-33;
  bool sub = x < 0x1p-1022;
  double xs = sub ? x * 0x1p54 : x;
  nsc_vm_u64 u = nsc_vm_bits(xs);
  double e = nsc_vm_from_bits((u >> 52) | 0x4330000000000000ull) - 0x1.00000000003ffp52;
  double m = nsc_vm_from_bits((u & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
  bool high = m > 0x1.6a09e667f3bcdp+0;
  m = high ? m * 0.5 : m;
  e = e + (high ? 1.0 : 0.0);
  e = e + (sub ? -54.0 : 0.0);
  double f = m - 1.0; // exact (Sterbenz)
  double s = f / (2.0 + f);
  double z = s * s;
  double R = 0x1.47ae147ae147bp-4;
  R = 0x1.642c8590b2164p-4 + z * R;
  R = 0x1.8618618618618p-4 + z * R;
  R = 0x1.af286bca1af28p-4 + z * R;
  R = 0x1.e1e1e1e1e1e1ep-4 + z * R;
  R = 0x1.1111111111111p-3 + z * R;
  R = 0x1.3b13b13b13b14p-3 + z * R;
  R = 0x1.745d1745d1746p-3 + z * R;
  R = 0x1.c71c71c71c71cp-3 + z * R;
  R = 0x1.2492492492492p-2 + z * R;
  R = 0x1.999999999999ap-2 + z * R;
  R = 0x1.5555555555555p-1 + z * R;
  R = z * R;
  double sq, sqe;
  nsc_vm_two_prod(f, f, &sq, &sqe);
  double h = 0.5 * sq, he = 0.5 * sqe; // f^2/2 = h + he exactly
  double d = s * (h + R);
  double a = e * ln2Hi; // exact
  double s1, e1, s2, e2;
  nsc_vm_two_sum(a, f, &s1, &e1);
  nsc_vm_two_sum(s1, -h, &s2, &e2);
  double low = (((e1 + e2) - he) + (d + e * ln2Lo)) + c;
  double r = s2 + low;
  *hi = r;
  *lo = (s2 - r) + low;
}

NSC_VM_INTERNAL double nsc_vm_log_special(double x, double r) {
  r = x == NSC_VM_INF ? x : r;
  r = x == 0.0 ? -NSC_VM_INF : r;
  r = x < 0.0 ? NSC_VM_NAN : r;
  return x != x ? x : r;
}

/// Natural logarithm. log(1) = +0; log(±0) = -inf; log(x < 0) = NaN;
/// log(+inf) = +inf; NaN gives NaN; subnormal arguments handled exactly.
NSC_VM_FN double nsc_vm_log(double x) {
  double hi, lo;
  nsc_vm_log_core(x, 0.0, &hi, &lo);
  return nsc_vm_log_special(x, hi);
}

/// ln(1 + x), accurate near 0: u + c = 1 + x exactly, ln(u + c) = ln u + c/u.
NSC_VM_FN double nsc_vm_log1p(double x) {
  double u, c;
  nsc_vm_two_sum(1.0, x, &u, &c);
  double hi, lo;
  nsc_vm_log_core(u, c / u, &hi, &lo);
  double r = nsc_vm_log_special(u, hi);
  r = x == NSC_VM_INF ? x : r;
  return x == 0.0 ? x : r; // keeps -0
}

/// x^y with C99's special cases (pow(x, ±0) = 1, pow(1, y) = 1, pow(-1,
/// ±inf) = 1, negative x: odd integer y negates, non-integer y gives NaN).
/// |x|^y = e^(y ln|x|) with ln|x| and the product carried as double-doubles.
NSC_VM_FN double nsc_vm_pow(double x, double y) {
  double ax = nsc_vm_from_bits(nsc_vm_bits(x) & 0x7FFFFFFFFFFFFFFFull);
  double ay = nsc_vm_from_bits(nsc_vm_bits(y) & 0x7FFFFFFFFFFFFFFFull);
  double lh, ll;
  nsc_vm_log_core(ax, 0.0, &lh, &ll);
  lh = nsc_vm_log_special(ax, lh);
  double zh, ze;
  nsc_vm_two_prod(y, lh, &zh, &ze);
  double zl = ze + y * ll;
  double zabs = zh < 0.0 ? -zh : zh;
  zl = zabs < 1000.0 ? zl : 0.0; // beyond: the result is 0 or inf anyway
  double mag = nsc_vm_exp_corrected(zh, zl);
  // y integral? odd? (for |y| >= 2^52 every double is an even integer)
  double yr = (ay + 0x1p52) - 0x1p52;
  bool yInt = ay >= 0x1p52 || yr == ay;
  double half = ay * 0.5;
  double hr = (half + 0x1p52) - 0x1p52;
  bool yOdd = yInt && ay < 0x1p53 && hr != half;
  bool xNeg = (nsc_vm_bits(x) >> 63) != 0;
  double r = (xNeg && yOdd) ? -mag : mag;
  r = (x < 0.0 && ax < NSC_VM_INF && ay < NSC_VM_INF && !yInt) ? NSC_VM_NAN : r;
  r = (x != x || y != y) ? NSC_VM_NAN : r;
  r = (ax == 1.0 && ay == NSC_VM_INF) ? 1.0 : r;
  r = x == 1.0 ? 1.0 : r;
  return y == 0.0 ? 1.0 : r;
}

/// tanh(x) = sign(x) e/(e + 2), e = expm1(2|x|); |x| >= 20 gives ±1.
NSC_VM_FN double nsc_vm_tanh(double x) {
  double ax = nsc_vm_from_bits(nsc_vm_bits(x) & 0x7FFFFFFFFFFFFFFFull);
  double a = ax > 20.0 ? 20.0 : ax; // NaN stays NaN
  double e = nsc_vm_expm1(2.0 * a);
  double t = e / (e + 2.0);
  return nsc_vm_from_bits(nsc_vm_bits(t) | (nsc_vm_bits(x) & 0x8000000000000000ull));
}

/// x = k pi/2 + (r + rl), k's low two bits in q. pi/2 is split into three
/// 27-bit parts and a 53-bit tail, so k * part is exact for |k| < 2^26
/// (|x| < 1.05e8) and the differences are summed with two-sum.
NSC_VM_INTERNAL void nsc_vm_reduce_half_pi(double x, double *r, double *rl, nsc_vm_u64 *q) {
  double t = x * 0x1.45f306dc9c883p-1 + NSC_VM_SHIFTER; // 2/pi
  double k = t - NSC_VM_SHIFTER;
  *q = nsc_vm_bits(t) & 3;
  double r1 = x - k * 0x1.921fb54000000p+0;
  double r2, e2, r3, e3;
  nsc_vm_two_sum(r1, -(k * 0x1.10b4610000000p-30), &r2, &e2);
  nsc_vm_two_sum(r2, -(k * 0x1.a626330000000p-58), &r3, &e3);
  double tail = (e2 + e3) - k * 0x1.45c06e0e68948p-86;
  double hi = r3 + tail;
  *r = hi;
  *rl = (r3 - hi) + tail;
}

/// sin(r + rl), |r| <= pi/4: r + r^3 S(r^2) + rl (1 - r^2/2); Taylor
/// coefficients (-1)^n/(2n+1)!, n = 1..8.
NSC_VM_INTERNAL double nsc_vm_sin_kernel(double r, double rl) {
  double z = r * r;
  double p = 0x1.952c77030ad4ap-49;
  p = -0x1.ae7f3e733b81fp-41 + z * p;
  p = 0x1.6124613a86d09p-33 + z * p;
  p = -0x1.ae64567f544e4p-26 + z * p;
  p = 0x1.71de3a556c734p-19 + z * p;
  p = -0x1.a01a01a01a01ap-13 + z * p;
  p = 0x1.1111111111111p-7 + z * p;
  p = -0x1.5555555555555p-3 + z * p;
  return r + ((r * z) * p + (rl - (0.5 * z) * rl));
}

/// cos(r + rl), |r| <= pi/4: 1 - r^2/2 + r^4 C(r^2) - r rl with r^2 and
/// 1 - r^2/2 carried exactly; coefficients (-1)^n/(2n)!, n = 2..9.
NSC_VM_INTERNAL double nsc_vm_cos_kernel(double r, double rl) {
  double z, ze;
  nsc_vm_two_prod(r, r, &z, &ze);
  double p = -0x1.6827863b97d97p-53;
  p = 0x1.ae7f3e733b81fp-45 + z * p;
  p = -0x1.93974a8c07c9dp-37 + z * p;
  p = 0x1.1eed8eff8d898p-29 + z * p;
  p = -0x1.27e4fb7789f5cp-22 + z * p;
  p = 0x1.a01a01a01a01ap-16 + z * p;
  p = -0x1.6c16c16c16c17p-10 + z * p;
  p = 0x1.5555555555555p-5 + z * p;
  double hz = 0.5 * z;
  double w = 1.0 - hz;
  return w + (((1.0 - w) - hz) + (z * (z * p) - (0.5 * ze + r * rl)));
}

/// |x| >= 2^50 (where x's spacing is at least 1/4) gives NaN, as ±inf does.
NSC_VM_INTERNAL double nsc_vm_trig_range(double x, double v) {
  double ax = nsc_vm_from_bits(nsc_vm_bits(x) & 0x7FFFFFFFFFFFFFFFull);
  return ax < 0x1p50 ? v : (x != x ? x : NSC_VM_NAN);
}

/// sin(x); sin(±0) = ±0. Within 1 ulp for |x| < 1.05e8; above (to 2^50)
/// the sine of a point within 1 ulp of x; |x| >= 2^50 and ±inf give NaN.
NSC_VM_FN double nsc_vm_sin(double x) {
  double r, rl;
  nsc_vm_u64 q;
  nsc_vm_reduce_half_pi(x, &r, &rl, &q);
  double s = nsc_vm_sin_kernel(r, rl), c = nsc_vm_cos_kernel(r, rl);
  double v = (q & 1) ? c : s;
  v = (q & 2) ? -v : v;
  v = x == 0.0 ? x : v;
  return nsc_vm_trig_range(x, v);
}

/// cos(x); the same ranges as nsc_vm_sin.
NSC_VM_FN double nsc_vm_cos(double x) {
  double r, rl;
  nsc_vm_u64 q;
  nsc_vm_reduce_half_pi(x, &r, &rl, &q);
  double s = nsc_vm_sin_kernel(r, rl), c = nsc_vm_cos_kernel(r, rl);
  double v = (q & 1) ? s : c;
  v = ((q + 1) & 2) ? -v : v;
  return nsc_vm_trig_range(x, v);
}

/// IEEE 754's correctly rounded square root (the hardware instruction).
NSC_VM_FN double nsc_vm_sqrt(double x) { return nsc_vm_sqrt_op(x); }

#endif // NSC_RUNTIME_VECTOR_MATH_H
