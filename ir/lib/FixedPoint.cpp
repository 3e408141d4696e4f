//===- FixedPoint.cpp - The integer arithmetic of fixed-point types -------===//
//
// The API of FixedPoint.h over the integer steps of FixedPointCore.h, which
// the cuda target's device code runs too: one definition of R28-R31 for
// every target. Every operation computes an exact value in __int128 and
// passes it through fit() once, so each one rounds exactly once (R29).
//
//===----------------------------------------------------------------------===//
#include "nsc/ir/FixedPoint.h"

#include "nsc/ir/FixedPointCore.h"

#include <cmath>

namespace nsc::ir::fx {

static_assert(int(Rounding::NearestEven) == nsc_fx::kNearestEven && int(Rounding::TowardZero) == nsc_fx::kTowardZero &&
                  int(Rounding::Floor) == nsc_fx::kFloor,
              "FixedPointCore.h numbers the rounding modes as ir::Rounding");
static_assert(int(Overflow::Saturate) == nsc_fx::kSaturate && int(Overflow::Wrap) == nsc_fx::kWrap,
              "FixedPointCore.h numbers the overflow modes as ir::Overflow");

static nsc_fx::Format coreFormat(const Precision &p) {
  return {p.intBits, p.fracBits, int(p.rounding), int(p.overflow)};
}

int64_t maxRaw(const Precision &p) { return nsc_fx::maxRaw(coreFormat(p)); }
int64_t minRaw(const Precision &p) { return nsc_fx::minRaw(coreFormat(p)); }

i128 shiftRound(i128 v, int shift, Rounding r) { return nsc_fx::shiftRound(v, shift, int(r)); }
int64_t overflow(i128 v, const Precision &p) { return nsc_fx::overflow(v, coreFormat(p)); }
int64_t fit(i128 v, int fromFrac, const Precision &p) { return nsc_fx::fit(v, fromFrac, coreFormat(p)); }

int64_t fromDouble(double v, const Precision &p, bool *saturated, bool *flushed) {
  return nsc_fx::fromDouble(v, coreFormat(p), saturated, flushed);
}
int64_t inputFromDouble(double v, const Precision &p) { return nsc_fx::inputFromDouble(v, coreFormat(p)); }
double toDouble(int64_t raw, const Precision &p) { return nsc_fx::toDouble(raw, p.fracBits); }
double ulp(const Precision &p) { return std::ldexp(1.0, -p.fracBits); }

int64_t add(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  return nsc_fx::add(a, pa.fracBits, b, pb.fracBits, coreFormat(pr));
}
int64_t sub(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  return nsc_fx::sub(a, pa.fracBits, b, pb.fracBits, coreFormat(pr));
}
int64_t mul(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  return nsc_fx::mul(a, pa.fracBits, b, pb.fracBits, coreFormat(pr));
}
int64_t div(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  return nsc_fx::div(a, pa.fracBits, b, pb.fracBits, coreFormat(pr));
}
int64_t mod(int64_t a, const Precision &pa, int64_t b, const Precision &pb, const Precision &pr) {
  return nsc_fx::mod(a, pa.fracBits, b, pb.fracBits, coreFormat(pr));
}
int64_t neg(int64_t a, const Precision &pa, const Precision &pr) { return nsc_fx::neg(a, pa.fracBits, coreFormat(pr)); }
int64_t abs(int64_t a, const Precision &pa, const Precision &pr) { return nsc_fx::abs(a, pa.fracBits, coreFormat(pr)); }
int64_t convert(int64_t a, const Precision &pa, const Precision &pr) {
  return nsc_fx::convert(a, pa.fracBits, coreFormat(pr));
}
int compare(int64_t a, const Precision &pa, int64_t b, const Precision &pb) {
  return nsc_fx::compare(a, pa.fracBits, b, pb.fracBits);
}
int64_t floorOf(int64_t a, const Precision &pa, const Precision &pr) {
  return nsc_fx::floorOf(a, pa.fracBits, coreFormat(pr));
}
int64_t ceilOf(int64_t a, const Precision &pa, const Precision &pr) {
  return nsc_fx::ceilOf(a, pa.fracBits, coreFormat(pr));
}
int64_t roundOf(int64_t a, const Precision &pa, const Precision &pr) {
  return nsc_fx::roundOf(a, pa.fracBits, coreFormat(pr));
}
int64_t toInt(int64_t a, const Precision &pa) { return nsc_fx::toInt(a, pa.fracBits); }
int64_t fromInt(int64_t i, const Precision &pr) { return nsc_fx::fromInt(i, coreFormat(pr)); }
int64_t powInt(int64_t x, const Precision &px, int64_t k, const Precision &pr) {
  return nsc_fx::powInt(x, px.fracBits, k, coreFormat(pr));
}

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
  return nsc_fx::scaleBy(a, pa.fracBits, s.num, s.den, s.shift, coreFormat(pr));
}

} // namespace nsc::ir::fx
