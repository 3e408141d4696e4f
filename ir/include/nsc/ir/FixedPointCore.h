//===- FixedPointCore.h - R28-R31 integer rules for host and device -*- C++ -*-===//
//
// The integer steps behind nsc/ir/FixedPoint.h, written once so that every
// target runs the same code: ir/lib/FixedPoint.cpp (the interpreter, the
// cpu backend's support routines, Loihi, Verilog) calls these functions,
// and the cuda target copies this file into its output, where the device
// code calls them too (docs/cuda.md). So a GPU's fixed-point results are
// the interpreter's by construction, not by a second implementation.
//
// Constraints that come from that:
//  - it compiles as plain C++17, with nvcc (host and device) and with NVRTC,
//    which has no system headers: no includes under NVRTC, no std::, no
//    exceptions; NVRTC needs --device-int128 for __int128;
//  - formats travel as a small struct of ints (Format), the numbering of
//    ir::Rounding / ir::Overflow (checked in FixedPoint.cpp);
//  - the two functions that need floating point (fromDouble,
//    inputFromDouble) use only nearbyint, ldexp and fabs, which round the
//    same way on both sides (exact scaling, ties to even).
//
// A value of format Qm.n is its raw two's-complement integer X (an int64,
// sign-extended from m + n bits) standing for X·2^-n. Every operation
// computes its exact result in __int128, rounds it once to the result's
// fraction bits with the result's rounding mode, then applies the result's
// overflow mode (R29).
//
//===----------------------------------------------------------------------===//
#ifndef NSC_IR_FIXED_POINT_CORE_H
#define NSC_IR_FIXED_POINT_CORE_H

#if defined(__CUDACC__)
#define NSC_FX_FN __host__ __device__ __forceinline__
#else
#define NSC_FX_FN inline
#endif

#if !defined(__CUDACC_RTC__)
#include <math.h>
#endif

namespace nsc_fx {

typedef long long i64;
typedef unsigned long long u64;
typedef __int128 i128;
typedef unsigned __int128 u128;

/// v·2^s for s >= 0 in two's complement: a left shift of a negative
/// signed value is undefined in C++17 (UBSan reports it), the unsigned one
/// is not and gives the same bits.
NSC_FX_FN i128 shl(i128 v, int s) { return (i128)((u128)v << s); }

/// ir::Rounding and ir::Overflow, same numbering.
enum { kNearestEven = 0, kTowardZero = 1, kFloor = 2 };
enum { kSaturate = 0, kWrap = 1 };

/// Qm.n with its modes: m integer bits (sign included), n fraction bits.
struct Format {
  int intBits, fracBits, rounding, overflow;
};

NSC_FX_FN int width(Format p) { return p.intBits + p.fracBits; }

/// Largest / smallest raw value of the format (m + n bits, two's complement).
NSC_FX_FN i64 maxRaw(Format p) {
  int w = width(p);
  return w >= 64 ? (i64)0x7FFFFFFFFFFFFFFFll : (i64)((1ull << (w - 1)) - 1);
}
NSC_FX_FN i64 minRaw(Format p) { return -maxRaw(p) - 1; }

NSC_FX_FN i128 floorDiv(i128 a, i128 b) {
  i128 q = a / b, r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? q - 1 : q;
}

/// Exact quotient num/den (den != 0) rounded with mode r.
NSC_FX_FN i128 divRound(i128 num, i128 den, int r) {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  i128 q = num / den, rem = num % den; // truncated toward zero
  if (rem == 0)
    return q;
  switch (r) {
  case kTowardZero: return q;
  case kFloor: return num < 0 ? q - 1 : q;
  case kNearestEven: {
    i128 twice = (rem < 0 ? -rem : rem) * 2;
    bool away = twice > den || (twice == den && (q & 1) != 0);
    return away ? (num < 0 ? q - 1 : q + 1) : q;
  }
  }
  return q;
}

/// Aligns a (frac fa) and b (frac fb) to max(fa, fb) fraction bits.
NSC_FX_FN int align(i128 &a, int fa, i128 &b, int fb) {
  int f = fa > fb ? fa : fb;
  a = shl(a, f - fa);
  b = shl(b, f - fb);
  return f;
}

/// v·2^-shift rounded with mode r (shift >= 0); v·2^-shift exactly (a left
/// shift) for shift < 0. Exact in __int128 for |v| < 2^126.
NSC_FX_FN i128 shiftRound(i128 v, int shift, int r) {
  if (shift <= 0)
    return shl(v, -shift);
  if (shift >= 127)
    return r == kFloor && v < 0 ? -1 : 0;
  i128 q = v >> shift;         // floor
  i128 rem = v - shl(q, shift); // in [0, 2^shift)
  if (rem == 0)
    return q;
  switch (r) {
  case kFloor: return q;
  case kTowardZero: return v < 0 ? q + 1 : q;
  case kNearestEven: {
    i128 half = (i128)1 << (shift - 1);
    if (rem > half || (rem == half && (q & 1) != 0))
      return q + 1;
    return q;
  }
  }
  return q;
}

/// The overflow mode of p on an exact raw value: clamp to [minRaw, maxRaw]
/// (saturate) or keep the low m + n bits, sign-extended (wrap).
NSC_FX_FN i64 overflow(i128 v, Format p) {
  i128 hi = maxRaw(p), lo = minRaw(p);
  if (v >= lo && v <= hi)
    return (i64)v;
  if (p.overflow == kSaturate)
    return v > hi ? (i64)hi : (i64)lo;
  int w = width(p);
  u64 bits = (u64)(u128)v;
  if (w < 64) {
    u64 mask = (1ull << w) - 1;
    bits &= mask;
    if (bits >> (w - 1))
      bits |= ~mask; // sign-extend
  }
  return (i64)bits;
}

/// A raw value with `fromFrac` fraction bits rounded to p, then p's
/// overflow mode: the conversion every result goes through.
NSC_FX_FN i64 fit(i128 v, int fromFrac, Format p) {
  return overflow(shiftRound(v, fromFrac - p.fracBits, p.rounding), p);
}

/// R31: a float64 value to the format, nearest-even and saturating whatever
/// p's own modes are; NaN gives 0. `saturated` / `flushed` (a nonzero value
/// that became 0) are set when they happen, where given.
NSC_FX_FN i64 fromDouble(double v, Format p, bool *saturated = 0, bool *flushed = 0) {
  if (v != v)
    return 0;
  double r = nearbyint(ldexp(v, p.fracBits)); // exact scaling, ties to even
  double limit = ldexp(1.0, width(p) - 1);    // 2^(W-1): just past maxRaw
  if (r >= limit || r < -limit) {
    if (saturated)
      *saturated = true;
    return r > 0 ? maxRaw(p) : minRaw(p);
  }
  i64 raw = (i64)r;
  if (flushed && raw == 0 && v != 0)
    *flushed = true;
  return raw;
}

/// A float64 input (port sum, random draw, `t`) to the format: rounded to
/// nearest-even, then p's overflow mode.
NSC_FX_FN i64 inputFromDouble(double v, Format p) {
  if (v != v)
    return 0;
  double scaled = ldexp(v, p.fracBits);
  if (!(fabs(scaled) < 1.6e38)) // beyond __int128: the limit of the format
    return scaled > 0 ? maxRaw(p) : minRaw(p);
  if (fabs(scaled) < 9.0e18)
    return overflow((i128)nearbyint(scaled), p);
  return overflow((i128)scaled, p); // a double this large is a whole number
}

/// X·2^-n as a double (exact while |X| < 2^53).
NSC_FX_FN double toDouble(i64 raw, int fracBits) { return ldexp((double)raw, -fracBits); }

// Operations: a with fa fraction bits, b with fb, result in format pr.
NSC_FX_FN i64 add(i64 a, int fa, i64 b, int fb, Format pr) {
  i128 x = a, y = b;
  int f = align(x, fa, y, fb);
  return fit(x + y, f, pr);
}

NSC_FX_FN i64 sub(i64 a, int fa, i64 b, int fb, Format pr) {
  i128 x = a, y = b;
  int f = align(x, fa, y, fb);
  return fit(x - y, f, pr);
}

NSC_FX_FN i64 mul(i64 a, int fa, i64 b, int fb, Format pr) { return fit((i128)a * (i128)b, fa + fb, pr); }

/// R30: division by zero gives maxRaw(pr) for a positive dividend, minRaw(pr)
/// for a negative one and 0 for 0/0, in both overflow modes.
NSC_FX_FN i64 div(i64 a, int fa, i64 b, int fb, Format pr) {
  if (b == 0)
    return a > 0 ? maxRaw(pr) : a < 0 ? minRaw(pr) : 0;
  // result raw = (a·2^-fa / (b·2^-fb))·2^fr = a·2^(fr + fb − fa) / b
  int e = pr.fracBits + fb - fa;
  i128 num = a, den = b;
  if (e >= 0)
    num = shl(num, e);
  else
    den = shl(den, -e);
  return overflow(divRound(num, den, pr.rounding), pr);
}

/// fmod semantics: a − trunc(a/b)·b, exact; 0 when b == 0.
NSC_FX_FN i64 mod(i64 a, int fa, i64 b, int fb, Format pr) {
  if (b == 0)
    return 0;
  i128 x = a, y = b;
  int f = align(x, fa, y, fb);
  return fit(x % y, f, pr);
}

NSC_FX_FN i64 neg(i64 a, int fa, Format pr) { return fit(-(i128)a, fa, pr); }
NSC_FX_FN i64 abs(i64 a, int fa, Format pr) { return fit(a < 0 ? -(i128)a : (i128)a, fa, pr); }
NSC_FX_FN i64 convert(i64 a, int fa, Format pr) { return fit(a, fa, pr); }

/// Three-way exact comparison: -1, 0, 1.
NSC_FX_FN int compare(i64 a, int fa, i64 b, int fb) {
  i128 x = a, y = b;
  align(x, fa, y, fb);
  return x < y ? -1 : x > y ? 1 : 0;
}

/// R30: floor, ceil, round (ties away from zero) to whole values.
NSC_FX_FN i64 floorOf(i64 a, int fa, Format pr) {
  i128 whole = shl(floorDiv(a, (i128)1 << fa), fa);
  return fit(whole, fa, pr);
}

NSC_FX_FN i64 ceilOf(i64 a, int fa, Format pr) {
  i128 whole = -shl(floorDiv(-(i128)a, (i128)1 << fa), fa);
  return fit(whole, fa, pr);
}

NSC_FX_FN i64 roundOf(i64 a, int fa, Format pr) {
  i128 mag = a < 0 ? -(i128)a : (i128)a;
  i128 whole = fa == 0 ? mag : ((mag + ((i128)1 << (fa - 1))) >> fa) << fa; // ties away from zero
  return fit(a < 0 ? -whole : whole, fa, pr);
}

/// R30: real -> integer truncates toward zero.
NSC_FX_FN i64 toInt(i64 a, int fa) { return (i64)((i128)a / ((i128)1 << fa)); }

/// integer -> real: exact, then the overflow mode.
NSC_FX_FN i64 fromInt(i64 i, Format pr) { return overflow(shl((i128)i, pr.fracBits), pr); }

/// UnitConvert by a factor given as fx::ScaleFactor (num, den, shift; see
/// FixedPoint.h): a / den rounded once when den != 1, else the product
/// num·a with num + shift fraction bits, rounded once.
NSC_FX_FN i64 scaleBy(i64 a, int fa, i64 num, i64 den, int shift, Format pr) {
  if (den != 1) {
    int e = pr.fracBits - fa; // raw_r = a·2^(fr − fa) / den
    i128 n = a, d = den;
    if (e >= 0)
      n = shl(n, e);
    else
      d = shl(d, -e);
    return overflow(divRound(n, d, pr.rounding), pr);
  }
  return fit((i128)a * (i128)num, fa + shift, pr);
}

/// x ** k for a whole k: repeated rounded products left to right (at most
/// 64 factors); a negative k divides 1 by the result; each step rounds (R29).
NSC_FX_FN i64 powInt(i64 x, int fx, i64 k, Format pr) {
  i64 one = fromInt(1, pr);
  if (k == 0)
    return one;
  i64 n = k < 0 ? -k : k;
  i64 acc = convert(x, fx, pr);
  for (i64 i = 1; i < n && i < 64; ++i)
    acc = mul(acc, pr.fracBits, x, fx, pr);
  return k < 0 ? div(one, pr.fracBits, acc, pr.fracBits, pr) : acc;
}

} // namespace nsc_fx

#endif
