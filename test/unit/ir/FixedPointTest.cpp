//===- FixedPointTest.cpp - R28-R31 integer rules, hand-derived vectors ----===//
//
// Raw values are written in the format's integer units: in Q8.8 the raw
// value 384 is 1.5 (384/256). Each expectation is worked out by hand in the
// comment next to it.
//
//===----------------------------------------------------------------------===//
#include "nsc/ir/FixedPoint.h"

#include <gtest/gtest.h>

using namespace nsc::ir;
namespace fx = nsc::ir::fx;

namespace {
Precision q(int m, int n, Rounding r = Rounding::NearestEven, Overflow o = Overflow::Saturate) {
  return Precision::fixed(m, n, r, o);
}
} // namespace

TEST(FixedPoint, FormatLimits) {
  EXPECT_EQ(fx::maxRaw(q(8, 8)), 32767);
  EXPECT_EQ(fx::minRaw(q(8, 8)), -32768);
  EXPECT_EQ(fx::maxRaw(q(1, 0)), 0);   // Q1.0 holds -1 and 0
  EXPECT_EQ(fx::minRaw(q(1, 0)), -1);
  EXPECT_EQ(fx::maxRaw(q(32, 32)), INT64_MAX);
  EXPECT_EQ(fx::minRaw(q(32, 32)), INT64_MIN);
  EXPECT_DOUBLE_EQ(fx::ulp(q(16, 16)), 1.0 / 65536);
}

TEST(FixedPoint, RoundingModesOnShift) {
  // 5 / 4 = 1.25, 6 / 4 = 1.5 (tie), 10 / 4 = 2.5 (tie), -6 / 4 = -1.5, -5 / 4 = -1.25
  auto ne = Rounding::NearestEven, tz = Rounding::TowardZero, fl = Rounding::Floor;
  EXPECT_EQ(int64_t(fx::shiftRound(5, 2, ne)), 1);
  EXPECT_EQ(int64_t(fx::shiftRound(6, 2, ne)), 2);   // 1.5 -> 2 (even)
  EXPECT_EQ(int64_t(fx::shiftRound(10, 2, ne)), 2);  // 2.5 -> 2 (even)
  EXPECT_EQ(int64_t(fx::shiftRound(-6, 2, ne)), -2); // -1.5 -> -2 (even)
  EXPECT_EQ(int64_t(fx::shiftRound(-10, 2, ne)), -2);
  EXPECT_EQ(int64_t(fx::shiftRound(7, 2, ne)), 2);   // 1.75
  EXPECT_EQ(int64_t(fx::shiftRound(-5, 2, tz)), -1); // -1.25 -> -1
  EXPECT_EQ(int64_t(fx::shiftRound(-7, 2, tz)), -1); // -1.75 -> -1
  EXPECT_EQ(int64_t(fx::shiftRound(7, 2, tz)), 1);
  EXPECT_EQ(int64_t(fx::shiftRound(-5, 2, fl)), -2); // floor(-1.25)
  EXPECT_EQ(int64_t(fx::shiftRound(-1, 2, fl)), -1); // floor(-0.25): -0.5 ulp and below go to -1
  EXPECT_EQ(int64_t(fx::shiftRound(-1, 2, ne)), 0);  // -0.25 -> 0
  EXPECT_EQ(int64_t(fx::shiftRound(-2, 2, ne)), 0);  // -0.5 tie -> 0 (even)
  EXPECT_EQ(int64_t(fx::shiftRound(-2, 2, tz)), 0);
  EXPECT_EQ(int64_t(fx::shiftRound(3, -2, ne)), 12); // left shift is exact
}

TEST(FixedPoint, OverflowSaturateAndWrap) {
  Precision s = q(8, 8), w = q(8, 8, Rounding::NearestEven, Overflow::Wrap);
  EXPECT_EQ(fx::overflow(32768, s), 32767);
  EXPECT_EQ(fx::overflow(-32769, s), -32768);
  EXPECT_EQ(fx::overflow(32768, w), -32768);  // 0x8000 sign-extends
  EXPECT_EQ(fx::overflow(65536 + 5, w), 5);   // high bits dropped
  EXPECT_EQ(fx::overflow(-32769, w), 32767);
  Precision w64 = q(32, 32, Rounding::NearestEven, Overflow::Wrap);
  EXPECT_EQ(fx::overflow(fx::i128(INT64_MAX) + 1, w64), INT64_MIN);
}

TEST(FixedPoint, ConstantsNearestEvenSaturate) {
  Precision p = q(8, 8, Rounding::Floor, Overflow::Wrap); // constants ignore the modes (R31)
  bool sat = false, flush = false;
  EXPECT_EQ(fx::fromDouble(1.5, p), 384);
  EXPECT_EQ(fx::fromDouble(-70.0, p), -17920);
  EXPECT_EQ(fx::fromDouble(1.0 / 512, p), 0);        // half an ulp: tie to even 0
  EXPECT_EQ(fx::fromDouble(3.0 / 512, p), 2);        // 1.5 ulp -> 2
  EXPECT_EQ(fx::fromDouble(-1.0 / 512, p), 0);       // -0.5 ulp -> 0
  EXPECT_EQ(fx::fromDouble(0.001, p, &sat, &flush), 0);
  EXPECT_TRUE(flush);
  EXPECT_FALSE(sat);
  EXPECT_EQ(fx::fromDouble(250.0, p, &sat), 32767);  // 250 > 127.996: saturates, no wrap
  EXPECT_TRUE(sat);
  sat = false;
  EXPECT_EQ(fx::fromDouble(-128.0, p, &sat), -32768); // exactly the minimum
  EXPECT_FALSE(sat);
  EXPECT_EQ(fx::fromDouble(127.998, p, &sat), 32767); // rounds onto the maximum: 32767.49
  EXPECT_FALSE(sat);
  EXPECT_EQ(fx::fromDouble(1e300, q(32, 32)), INT64_MAX);
  EXPECT_DOUBLE_EQ(fx::toDouble(-17920, p), -70.0);
}

TEST(FixedPoint, AddSubMulRoundOnce) {
  Precision p = q(8, 8);
  EXPECT_EQ(fx::add(384, p, 128, p, p), 512);        // 1.5 + 0.5 = 2
  EXPECT_EQ(fx::add(32767, p, 1, p, p), 32767);      // saturates
  Precision pw = q(8, 8, Rounding::NearestEven, Overflow::Wrap);
  EXPECT_EQ(fx::add(32767, pw, 1, pw, pw), -32768);  // wraps
  EXPECT_EQ(fx::sub(-32768, p, 1, p, p), -32768);
  // 1.5 * 1.5 = 2.25 = 576; 3 ulp * 3 ulp = 9/256 ulp... : (3*3)/256 = 0.035 -> 0
  EXPECT_EQ(fx::mul(384, p, 384, p, p), 576);
  EXPECT_EQ(fx::mul(3, p, 3, p, p), 0);
  // 0.5 ulp products: 16*8 = 128 = half of 256 -> tie to even 0; 16*24 = 384 -> 1.5 -> 2
  EXPECT_EQ(fx::mul(16, p, 8, p, p), 0);
  EXPECT_EQ(fx::mul(16, p, 24, p, p), 2);
  EXPECT_EQ(fx::mul(-16, p, 24, p, p), -2);
  Precision tz = q(8, 8, Rounding::TowardZero), fl = q(8, 8, Rounding::Floor);
  EXPECT_EQ(fx::mul(-16, tz, 24, tz, tz), -1);        // -1.5 ulp -> -1
  EXPECT_EQ(fx::mul(-16, fl, 24, fl, fl), -2);        // -1.5 ulp -> -2
  EXPECT_EQ(fx::mul(32767, p, 32767, p, p), 32767);   // 127.99^2 saturates
  // Mixed formats: 1.5 (Q8.8) + 0.25 (Q4.12, raw 1024) into Q8.8 = 1.75 = 448
  EXPECT_EQ(fx::add(384, p, 1024, q(4, 12), p), 448);
  // 0.25 in Q2.14 (4096) times 3 (Q8.8, 768) into Q4.12: 0.75 = 3072
  EXPECT_EQ(fx::mul(4096, q(2, 14), 768, p, q(4, 12)), 3072);
}

TEST(FixedPoint, DivisionRules) {
  Precision p = q(8, 8);
  EXPECT_EQ(fx::div(256, p, 768, p, p), 85);           // 1/3 = 85.33 ulp -> 85
  EXPECT_EQ(fx::div(512, p, 768, p, p), 171);          // 2/3 = 170.67 -> 171
  EXPECT_EQ(fx::div(-512, p, 768, p, p), -171);
  EXPECT_EQ(fx::div(-512, q(8, 8, Rounding::TowardZero), 768, p, q(8, 8, Rounding::TowardZero)), -170);
  EXPECT_EQ(fx::div(-512, p, 768, p, q(8, 8, Rounding::Floor)), -171);
  EXPECT_EQ(fx::div(1, p, 512, p, p), 0);              // 1/512 ulp: 0.5 ulp tie -> 0
  EXPECT_EQ(fx::div(3, p, 512, p, p), 2);              // 1.5 ulp -> 2
  EXPECT_EQ(fx::div(384, p, 0, p, p), 32767);          // R30: +x/0 = max
  EXPECT_EQ(fx::div(-384, p, 0, p, p), -32768);        // -x/0 = min
  EXPECT_EQ(fx::div(0, p, 0, p, p), 0);                // 0/0 = 0
  Precision pw = q(8, 8, Rounding::NearestEven, Overflow::Wrap);
  EXPECT_EQ(fx::div(384, pw, 0, pw, pw), 32767);       // in both overflow modes
  EXPECT_EQ(fx::div(32767, p, 1, p, p), 32767);        // 127.99 / (1/256) saturates
  EXPECT_EQ(fx::mod(-1792, p, 768, p, p), -256);       // fmod(-7, 3) = -1
  EXPECT_EQ(fx::mod(5, p, 0, p, p), 0);
}

TEST(FixedPoint, WholeValuesAndConversions) {
  Precision p = q(8, 8);
  EXPECT_EQ(fx::floorOf(-320, p, p), -512);  // floor(-1.25) = -2
  EXPECT_EQ(fx::ceilOf(-320, p, p), -256);   // ceil(-1.25) = -1
  EXPECT_EQ(fx::roundOf(-384, p, p), -512);  // round(-1.5) = -2 (away from zero)
  EXPECT_EQ(fx::roundOf(640, p, p), 768);    // round(2.5) = 3
  EXPECT_EQ(fx::ceilOf(32767, p, p), 32767); // ceil(127.99) = 128 saturates
  EXPECT_EQ(fx::toInt(-320, p), -1);         // trunc(-1.25)
  EXPECT_EQ(fx::toInt(447, p), 1);
  EXPECT_EQ(fx::fromInt(3, p), 768);
  EXPECT_EQ(fx::fromInt(200, p), 32767);
  EXPECT_EQ(fx::neg(-32768, p, p), 32767);   // -min saturates
  EXPECT_EQ(fx::neg(-32768, q(8, 8, Rounding::NearestEven, Overflow::Wrap),
                    q(8, 8, Rounding::NearestEven, Overflow::Wrap)), -32768);
  EXPECT_EQ(fx::abs(-32768, p, p), 32767);
  EXPECT_EQ(fx::compare(384, p, 6144, q(4, 12)), 0); // 1.5 == 1.5 across formats
  EXPECT_EQ(fx::compare(-1, p, 0, p), -1);
  EXPECT_EQ(fx::convert(6145, q(4, 12), p), 384);    // 1.50024 -> 1.5
}

TEST(FixedPoint, UnitConversionFactors) {
  Precision p = q(16, 16);
  EXPECT_EQ(fx::scaleBy(65536, p, 1000.0, p), 1000 * 65536); // 1 V -> 1000 mV exactly
  EXPECT_EQ(fx::scaleBy(1000 * 65536, p, 0.001, p), 65536);  // back, one exact division
  EXPECT_EQ(fx::scaleBy(1, p, 0.001, p), 0);                 // 0.001 ulp -> 0
  EXPECT_EQ(fx::scaleBy(500, p, 0.001, p), 0);               // 0.5 ulp tie -> 0 (even)
  EXPECT_EQ(fx::scaleBy(1500, p, 0.001, p), 2);              // 1.5 ulp -> 2
  // a factor that is neither whole nor a reciprocal: 2.5 * 1.0 = 2.5
  EXPECT_EQ(fx::scaleBy(65536, p, 2.5, p), 163840);
  EXPECT_EQ(fx::scaleBy(65536, p, 1e10, p), INT32_MAX);      // saturates
}
