//===- ConversionTest.cpp - Explicit unit conversions and casts -----------===//
#include "LoweringTestUtil.h"

using namespace nsc;
using nsc::test::LoweringTest;

TEST_F(LoweringTest, ScaleDifferencesBecomeUnitConvert) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        a mV = 1 mV
        b V = 2 V
    state:
        x mV = 0 mV
    update:
        x = a + b
)")) << dump();
  EXPECT_TRUE(contains("%x = (%a + convert<V -> mV, 1000.0>(%b))")) << text();
}

TEST_F(LoweringTest, IntegersMeetingRealsAreCast) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        n integer = 0
        x real = 0.5
    update:
        x = x + n
        x = 2
)")) << dump();
  EXPECT_TRUE(contains("%x = (%x + int_to_real(%n))")) << text();
  // An integer literal becomes a real constant directly.
  EXPECT_TRUE(contains("%x = 2.0")) << text();
}

TEST_F(LoweringTest, CompoundAssignmentIsPlainAssign) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        w nA = 1 nA
    state:
        I pA = 0 pA
    update:
        I += w
        I *= 0.5
)")) << dump();
  EXPECT_TRUE(contains("%I = (%I + convert<nA -> pA, 1000.0>(%w))")) << text();
  EXPECT_TRUE(contains("%I = (%I * 0.5)")) << text();
}

TEST_F(LoweringTest, OdeRhsIsPerMillisecond) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        tau s = 0.01 s
    state:
        V mV = 0 mV
    equations:
        V' = -V / tau
    update:
        integrate_odes()
)")) << dump();
  // mV/s is converted to the IR's mV/ms.
  EXPECT_TRUE(contains("ode %V' : mV/ms = convert<")) << text();
  const ir::Model &m = model("m");
  ASSERT_EQ(m.odes.equations.size(), 1u);
  auto *conv = ir::dyn_cast<ir::UnitConvert>(m.odes.equations[0].rhs.get());
  ASSERT_NE(conv, nullptr);
  EXPECT_DOUBLE_EQ(conv->factor, 1e-3);
}

TEST_F(LoweringTest, ElifBecomesNestedIf) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x integer = 0
    update:
        if x > 2:
            x = 0
        elif x > 1:
            x = 1
        else:
            x = 2
)")) << dump();
  const ir::Model &m = model("m");
  ASSERT_EQ(m.update.size(), 1u);
  auto *outer = ir::dyn_cast<ir::If>(m.update[0].get());
  ASSERT_NE(outer, nullptr);
  ASSERT_EQ(outer->elseBody.size(), 1u);
  auto *inner = ir::dyn_cast<ir::If>(outer->elseBody[0].get());
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->elseBody.size(), 1u);
}

TEST_F(LoweringTest, FunctionsLocalsAndLoops) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x mV = 0 mV
    function twice(v mV) mV:
        return 2 * v
    update:
        i integer = 0
        for i in 1 ... 3:
            x = twice(x)
)")) << dump();
  EXPECT_TRUE(contains("function @twice(%v : mV) -> mV {")) << text();
  EXPECT_TRUE(contains("return (2.0 * %v)")) << text();
  EXPECT_TRUE(contains("for %i = 1 to 3 step 1 {")) << text();
  EXPECT_TRUE(contains("%x = call @twice(%x)")) << text();
}
