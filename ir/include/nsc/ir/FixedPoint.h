//===- FixedPoint.h - The integer arithmetic of fixed-point types -*- C++ -*-===//
//
// docs/semantics.md R28-R31 as C++: a value of type `fixed<Qm.n, rounding,
// overflow>` is stored as its raw two's-complement integer X (in an int64,
// sign-extended from m + n bits) and stands for X·2^-n. Every operation
// computes its exact result in __int128, rounds it to the fraction bits of
// the result type with the result type's rounding mode, then applies the
// result type's overflow mode. Operands may have different formats (after
// the quantization pass gives variables their own formats): they are
// aligned exactly before the operation.
//
// This header is the single definition the reference interpreter, the cpu
// code generator (which emits the same integer steps in LLVM IR), the
// Loihi and Verilog backends and their tests share. Its integer steps live
// in FixedPointCore.h, which the cuda target's device code includes too.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Type.h"

#include <cstdint>

namespace nsc::ir::fx {

using i128 = __int128;

/// Largest / smallest raw value of the format (m + n bits, two's complement).
int64_t maxRaw(const Precision &p);
int64_t minRaw(const Precision &p);

/// v·2^-shift rounded with mode r (shift >= 0); v·2^-shift exactly
/// (a left shift) for shift < 0. Exact in __int128 for |v| < 2^126.
i128 shiftRound(i128 v, int shift, Rounding r);
/// Overflow mode of p applied to an exact raw value: clamp to
/// [minRaw, maxRaw] (saturate) or keep the low m + n bits, sign-extended (wrap).
int64_t overflow(i128 v, const Precision &p);
/// Rounds a raw value with `fromFrac` fraction bits to p (rounding, then
/// overflow): the conversion every result goes through.
int64_t fit(i128 v, int fromFrac, const Precision &p);

/// R31: a float64 constant to the format, nearest-even and saturating
/// (whatever p's own modes are). NaN gives 0. `saturated` / `flushed` (a
/// nonzero value that became 0) are set when they happen.
int64_t fromDouble(double v, const Precision &p, bool *saturated = nullptr, bool *flushed = nullptr);
/// A float64 input (port sum, random draw, `t`) to the format: rounded to
/// nearest-even, then p's overflow mode (R17 for spike sums, whose weights
/// are already exact in the format).
int64_t inputFromDouble(double v, const Precision &p);
/// X·2^-n as a double (exact while |X| < 2^53).
double toDouble(int64_t raw, const Precision &p);
/// One unit in the last place: 2^-n.
double ulp(const Precision &p);

// Operations (a in format pa, b in format pb, result in format pr).
int64_t add(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr);
int64_t sub(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr);
int64_t mul(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr);
/// R30: division by zero gives maxRaw(pr) for a positive dividend, minRaw(pr)
/// for a negative one and 0 for 0/0, in both overflow modes.
int64_t div(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr);
/// fmod semantics: a − trunc(a/b)·b, exact; 0 when b == 0.
int64_t mod(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr);
int64_t neg(int64_t a, const Precision &pa, const Precision &pr);
int64_t abs(int64_t a, const Precision &pa, const Precision &pr);
/// The value in another format (PrecisionCast, assignment to a variable of
/// another format, min/max/clip/select arms).
int64_t convert(int64_t a, const Precision &pa, const Precision &pr);
/// Three-way exact comparison: -1, 0, 1.
int compare(int64_t a, const Precision &pa, int64_t b, const Precision &pb);
/// R30: floor, ceil, round (ties away from zero) to whole values, same format
/// as the result (overflow mode applies: ceil of the maximum).
int64_t floorOf(int64_t a, const Precision &pa, const Precision &pr);
int64_t ceilOf(int64_t a, const Precision &pa, const Precision &pr);
int64_t roundOf(int64_t a, const Precision &pa, const Precision &pr);
/// R30: real -> integer truncates toward zero.
int64_t toInt(int64_t a, const Precision &pa);
/// integer -> real: exact, then the overflow mode.
int64_t fromInt(int64_t i, const Precision &pr);
/// x ** k for a whole k: repeated rounded products, left to right (at most
/// 64 factors); a negative k divides 1 by the result (each step rounds, R29).
int64_t powInt(int64_t x, const Precision &px, int64_t k, const Precision &pr);
/// UnitConvert by `factor`: exact multiplication when factor is a whole
/// number, exact division (rounded once) when 1/factor is, else a product
/// with the factor converted to a 62-fraction-bit constant, rounded once.
int64_t scaleBy(int64_t a, const Precision &pa, double factor, const Precision &pr);

/// How scaleBy treats a factor: multiply by `num` and divide by `den`
/// (den = 1 for whole factors; num = 1 for reciprocals of whole numbers);
/// otherwise num is the factor·2^62 rounded and den = 2^62 (given as shift 62).
struct ScaleFactor {
  int64_t num = 1;
  int64_t den = 1;
  int shift = 0; // when > 0: product num·a, then a rounded right shift
};
ScaleFactor scaleFactor(double factor);

} // namespace nsc::ir::fx
