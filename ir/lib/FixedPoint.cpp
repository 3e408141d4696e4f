//===- FixedPoint.cpp - The integer arithmetic of fixed-point types -------===//
//
// Every function computes an exact value in __int128 and passes it through
// fit() once, so each operation rounds exactly once (R29).
//
//===----------------------------------------------------------------------===//
#include "nsc/ir/FixedPoint.h"

#include <cmath>

namespace nsc::ir::fx {

namespace {
int width(const Precision &p) { return p.intBits + p.fracBits; }

i128 floorDiv(i128 a, i128 b) {
  i128 q = a / b, r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? q - 1 : q;
}

/// Exact quotient num/den (den != 0) rounded with mode r.
i128 divRound(i128 num, i128 den, Rounding r) {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  i128 q = num / den, rem = num % den; // truncated toward zero
  if (rem == 0)
    return q;
  switch (r) {
  case Rounding::TowardZero: return q;
  case Rounding::Floor: return num < 0 ? q - 1 : q;
  case Rounding::NearestEven: {
    i128 twice = (rem < 0 ? -rem : rem) * 2;
    bool away = twice > den || (twice == den && (q & 1) != 0);
    return away ? (num < 0 ? q - 1 : q + 1) : q;
  }
  }
  return q;
}

/// Aligns a (frac fa) and b (frac fb) to max(fa, fb) fraction bits.
int align(i128 &a, int fa, i128 &b, int fb) {
  int f = fa > fb ? fa : fb;
  a <<= (f - fa);
  b <<= (f - fb);
  return f;
}
} // namespace

int64_t maxRaw(const Precision &p) {
  int w = width(p);
  return w >= 64 ? INT64_MAX : int64_t((uint64_t(1) << (w - 1)) - 1);
}
int64_t minRaw(const Precision &p) { return -maxRaw(p) - 1; }

i128 shiftRound(i128 v, int shift, Rounding r) {
  if (shift <= 0)
    return v << (-shift);
  if (shift >= 127)
    return r == Rounding::Floor && v < 0 ? -1 : 0;
  i128 q = v >> shift; // floor
  i128 rem = v - (q << shift); // in [0, 2^shift)
  if (rem == 0)
    return q;
  switch (r) {
  case Rounding::Floor: return q;
  case Rounding::TowardZero: return v < 0 ? q + 1 : q;
  case Rounding::NearestEven: {
    i128 half = i128(1) << (shift - 1);
    if (rem > half || (rem == half && (q & 1) != 0))
      return q + 1;
    return q;
  }
  }
  return q;
}

int64_t overflow(i128 v, const Precision &p) {
  i128 hi = maxRaw(p), lo = minRaw(p);
  if (v >= lo && v <= hi)
    return int64_t(v);
  if (p.overflow == Overflow::Saturate)
    return v > hi ? int64_t(hi) : int64_t(lo);
  int w = width(p);
  uint64_t bits = uint64_t(static_cast<unsigned __int128>(v));
  if (w < 64) {
    uint64_t mask = (uint64_t(1) << w) - 1;
    bits &= mask;
    if (bits >> (w - 1))
      bits |= ~mask; // sign-extend
  }
  return int64_t(bits);
}

int64_t fit(i128 v, int fromFrac, const Precision &p) {
  return overflow(shiftRound(v, fromFrac - p.fracBits, p.rounding), p);
}

int64_t fromDouble(double v, const Precision &p, bool *saturated, bool *flushed) {
  if (std::isnan(v))
    return 0;
  double r = std::nearbyint(std::ldexp(v, p.fracBits)); // exact scaling, ties to even
  double limit = std::ldexp(1.0, width(p) - 1);          // 2^(W-1): just past maxRaw
  if (r >= limit || r < -limit) {
    if (saturated)
      *saturated = true;
    return r > 0 ? maxRaw(p) : minRaw(p);
  }
  int64_t raw = int64_t(r);
  if (flushed && raw == 0 && v != 0)
    *flushed = true;
  return raw;
}

int64_t inputFromDouble(double v, const Precision &p) {
  if (std::isnan(v))
    return 0;
  double scaled = std::ldexp(v, p.fracBits);
  if (!(std::fabs(scaled) < 1.6e38)) // beyond __int128: the limit of the format
    return scaled > 0 ? maxRaw(p) : minRaw(p);
  if (std::fabs(scaled) < 9.0e18)
    return overflow(i128(std::nearbyint(scaled)), p);
  return overflow(i128(scaled), p); // a double this large is a whole number
}

double toDouble(int64_t raw, const Precision &p) { return std::ldexp(double(raw), -p.fracBits); }
double ulp(const Precision &p) { return std::ldexp(1.0, -p.fracBits); }

int64_t add(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  i128 x = a, y = b;
  int f = align(x, pa.fracBits, y, pb.fracBits);
  return fit(x + y, f, pr);
}

int64_t sub(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  i128 x = a, y = b;
  int f = align(x, pa.fracBits, y, pb.fracBits);
  return fit(x - y, f, pr);
}

int64_t mul(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  return fit(i128(a) * i128(b), pa.fracBits + pb.fracBits, pr);
}

int64_t div(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  if (b == 0)
    return a > 0 ? maxRaw(pr) : a < 0 ? minRaw(pr) : 0;
  // result raw = (a·2^-fa / (b·2^-fb))·2^fr = a·2^(fr + fb − fa) / b
  int e = pr.fracBits + pb.fracBits - pa.fracBits;
  i128 num = a, den = b;
  if (e >= 0)
    num <<= e;
  else
    den <<= -e;
  return overflow(divRound(num, den, pr.rounding), pr);
}

int64_t mod(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  if (b == 0)
    return 0;
  i128 x = a, y = b;
  int f = align(x, pa.fracBits, y, pb.fracBits);
  return fit(x % y, f, pr);
}

int64_t neg(int64_t a, const Precision &pa, const Precision &pr) { return fit(-i128(a), pa.fracBits, pr); }

int64_t abs(int64_t a, const Precision &pa, const Precision &pr) {
  return fit(a < 0 ? -i128(a) : i128(a), pa.fracBits, pr);
}

int64_t convert(int64_t a, const Precision &pa, const Precision &pr) { return fit(a, pa.fracBits, pr); }

int compare(int64_t a, const Precision &pa, int64_t b, const Precision &pb) {
  i128 x = a, y = b;
  align(x, pa.fracBits, y, pb.fracBits);
  return x < y ? -1 : x > y ? 1 : 0;
}

int64_t floorOf(int64_t a, const Precision &pa, const Precision &pr) {
  int n = pa.fracBits;
  i128 whole = floorDiv(a, i128(1) << n) << n;
  return fit(whole, n, pr);
}

int64_t ceilOf(int64_t a, const Precision &pa, const Precision &pr) {
  int n = pa.fracBits;
  i128 whole = -(floorDiv(-i128(a), i128(1) << n) << n);
  return fit(whole, n, pr);
}

int64_t roundOf(int64_t a, const Precision &pa, const Precision &pr) {
  int n = pa.fracBits;
  i128 mag = a < 0 ? -i128(a) : i128(a);
  i128 whole = n == 0 ? mag : ((mag + (i128(1) << (n - 1))) >> n) << n; // ties away from zero
  return fit(a < 0 ? -whole : whole, n, pr);
}

int64_t toInt(int64_t a, const Precision &pa) {
  return int64_t(i128(a) / (i128(1) << pa.fracBits)); // C division truncates toward zero
}

int64_t fromInt(int64_t i, const Precision &pr) { return overflow(i128(i) << pr.fracBits, pr); }

ScaleFactor scaleFactor(double factor) {
  ScaleFactor s;
  if (factor == std::nearbyint(factor) && std::fabs(factor) < 9.0e18) {
    s.num = int64_t(factor);
    return s;
  }
  double inv = 1.0 / factor;
  if (inv == std::nearbyint(inv) && std::fabs(inv) < 9.0e18 && 1.0 / inv == factor) {
    s.den = int64_t(inv);
    return s;
  }
  int e = 0;
  double mant = std::frexp(factor, &e); // factor = mant·2^e, 0.5 <= |mant| < 1
  s.num = int64_t(std::nearbyint(std::ldexp(mant, 62)));
  s.shift = 62 - e;
  return s;
}

int64_t scaleBy(int64_t a, const Precision &pa, double factor, const Precision &pr) {
  ScaleFactor s = scaleFactor(factor);
  if (s.den != 1) {
    // a / den, rounded once: raw_r = a·2^(fr − fa) / den
    int e = pr.fracBits - pa.fracBits;
    i128 num = a, den = s.den;
    if (e >= 0)
      num <<= e;
    else
      den <<= -e;
    return overflow(divRound(num, den, pr.rounding), pr);
  }
  return fit(i128(a) * i128(s.num), pa.fracBits + s.shift, pr);
}

} // namespace nsc::ir::fx
