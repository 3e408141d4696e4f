// FixedPoint.h, as the interpreter calls it, on the edge cases the cuda
// target's device check uses (test/cuda/fixed_point_cases.h): the results
// equal FixedPointCore.h's direct evaluation, and their hash is the golden
// value that test/cuda/fixed_point_device.cu requires from nvcc's host code
// and from the GPU. A change of any rounding, overflow or conversion rule
// changes the hash: update kGoldenHash only with docs/semantics.md.
#include "../../cuda/fixed_point_cases.h"

#include "nsc/ir/FixedPoint.h"

#include <gtest/gtest.h>

using namespace nsc::ir;
using namespace nsc_fx_cases;

namespace {

Precision result(const nsc_fx::Format &f) {
  return Precision::fixed(f.intBits, f.fracBits, Rounding(f.rounding), Overflow(f.overflow));
}

/// An operand's format: the operations read only its fraction bits.
Precision operand(int fracBits) { return Precision::fixed(64 - fracBits, fracBits); }

int64_t throughApi(const Case &c) {
  Precision pr = result(c.pr), pa = operand(c.fa), pb = operand(c.fb);
  switch (c.op) {
  case kAdd: return fx::add(c.a, pa, c.b, pb, pr);
  case kSub: return fx::sub(c.a, pa, c.b, pb, pr);
  case kMul: return fx::mul(c.a, pa, c.b, pb, pr);
  case kDiv: return fx::div(c.a, pa, c.b, pb, pr);
  case kMod: return fx::mod(c.a, pa, c.b, pb, pr);
  case kNeg: return fx::neg(c.a, pa, pr);
  case kAbs: return fx::abs(c.a, pa, pr);
  case kConvert: return fx::convert(c.a, pa, pr);
  case kCompare: return fx::compare(c.a, pa, c.b, pb);
  case kFloor: return fx::floorOf(c.a, pa, pr);
  case kCeil: return fx::ceilOf(c.a, pa, pr);
  case kRound: return fx::roundOf(c.a, pa, pr);
  case kToInt: return fx::toInt(c.a, pa);
  case kFromInt: return fx::fromInt(c.a, pr);
  case kScale: return fx::scaleBy(c.a, pa, c.d, pr);
  case kFromDouble: return fx::fromDouble(c.d, pr);
  case kInput: return fx::inputFromDouble(c.d, pr);
  case kPow: return fx::powInt(c.a, pa, c.b % 9 - 4, pr);
  }
  return 0;
}

} // namespace

TEST(FixedPointVectors, ApiEqualsCoreAndGoldenHash) {
  std::vector<Case> cases = makeCases();
  ASSERT_GT(cases.size(), 3000000u);
  std::vector<i64> api(cases.size());
  size_t differ = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    api[i] = throughApi(cases[i]);
    if (api[i] != evaluate(cases[i]) && differ++ < 5)
      ADD_FAILURE() << "case " << i << " (op " << cases[i].op << "): FixedPoint.h " << api[i]
                    << ", FixedPointCore.h " << evaluate(cases[i]);
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_EQ(hashResults(api), kGoldenHash) << std::hex << "hash 0x" << hashResults(api);
}

TEST(FixedPointVectors, SpotValues) {
  // A few results by hand, so the golden hash cannot bless a wrong rule.
  nsc_fx::Format q88 = {8, 8, nsc_fx::kNearestEven, nsc_fx::kSaturate};
  nsc_fx::Format q88wrapTz = {8, 8, nsc_fx::kTowardZero, nsc_fx::kWrap};
  EXPECT_EQ(nsc_fx::mul(384, 8, 384, 8, q88), 576);           // 1.5 * 1.5 = 2.25
  EXPECT_EQ(nsc_fx::mul(1, 8, 128, 8, q88), 0);               // 2^-9: tie to even 0
  EXPECT_EQ(nsc_fx::mul(3, 8, 128, 8, q88), 2);               // 1.5 ulp: tie to even 2
  EXPECT_EQ(nsc_fx::add(32767, 8, 1, 8, q88), 32767);         // saturate
  EXPECT_EQ(nsc_fx::add(32767, 8, 1, 8, q88wrapTz), -32768);  // wrap
  EXPECT_EQ(nsc_fx::div(256, 8, 0, 8, q88), 32767);           // R30: x/0 > 0 -> max
  EXPECT_EQ(nsc_fx::div(-256, 8, 0, 8, q88), -32768);
  EXPECT_EQ(nsc_fx::div(0, 8, 0, 8, q88), 0);
  EXPECT_EQ(nsc_fx::div(-1, 8, 512, 8, q88wrapTz), 0);        // -2^-9 toward zero
  EXPECT_EQ(nsc_fx::fromDouble(0.5 / 256, q88), 0);           // R31: tie to even
  EXPECT_EQ(nsc_fx::fromDouble(1.5 / 256, q88), 2);
  EXPECT_EQ(nsc_fx::fromDouble(1e9, q88wrapTz), 32767);       // R31 saturates whatever the mode
  EXPECT_EQ(nsc_fx::inputFromDouble(128.0, q88wrapTz), -32768); // inputs wrap in wrap mode
  EXPECT_EQ(nsc_fx::roundOf(-384, 8, q88), -512);             // -1.5 -> -2 (ties away)
}
