//===- CommonSubexpressionsTest.cpp - cse pass ----------------------------===//
#include "PassTestUtil.h"

#include "nsc/ir/IRWalk.h"

using namespace nsc;
using namespace nsc::test;

namespace {

/// Number of arithmetic (Binary) nodes in the update block.
unsigned countBinaryInUpdate(ir::Model &m) {
  unsigned n = 0;
  ir::forEachStmt(m.update, [&](ir::Stmt &s) {
    ir::forEachStmtExpr(s, [&](ir::ExprPtr &slot) {
      ir::forEachNode(*slot, [&](const ir::Expr &e) { n += ir::isa<ir::Binary>(&e); });
    });
  });
  return n;
}

TEST_F(PassTest, RepeatedExpressionBecomesALocal) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        k real = 2
    state:
        x real = 1
        y real = 0
        z real = 0
    update:
        y = x * k + 1
        z = x * k - 1
)"));
  ASSERT_TRUE(run("cse"));
  EXPECT_TRUE(contains("  update {\n"
                       "    local %cse0 : real = (%x * %k)\n"
                       "    %y = (%cse0 + 1.0)\n"
                       "    %z = (%cse0 - 1.0)\n"))
      << text();
  EXPECT_NE(log.str().find("cse: computed 1 repeated expression once, replaced 1 recomputation"),
            std::string::npos)
      << log.str();
}

TEST_F(PassTest, LocalDeclarationIsReused) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
        y real = 0
    update:
        s real = x * 3
        y = x * 3 + s
)"));
  ASSERT_TRUE(run("cse"));
  EXPECT_TRUE(contains("local %s : real = (%x * 3.0)\n    %y = (%s + %s)")) << text();
  EXPECT_FALSE(contains("%cse0")) << text();
}

TEST_F(PassTest, NestedRepetitionsAreAllComputedOnce) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        a real = 1
        b real = 2
        c real = 3
        y real = 0
    update:
        y = (a * b + c) * (a * b + c) + a * b
)"));
  unsigned before = countBinaryInUpdate(model());
  ASSERT_TRUE(run("cse"));
  EXPECT_TRUE(contains("    local %cse1 : real = (%a * %b)\n"
                       "    local %cse0 : real = (%cse1 + %c)\n"
                       "    %y = ((%cse0 * %cse0) + %cse1)\n"))
      << text();
  EXPECT_EQ(countBinaryInUpdate(model()), 4u) << "from " << before;
}

TEST_F(PassTest, WriteInBetweenStopsMerging) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
        y real = 0
        z real = 0
    update:
        y = x * 2
        x = 5
        z = x * 2
        s real = z + 1
        s = 0
        z = z + 1
)"));
  std::string before = text();
  ASSERT_TRUE(run("cse"));
  EXPECT_EQ(text(), before) << "x is written between the two x * 2; s after its reuse";
}

TEST_F(PassTest, ImpureExpressionsAreNotMerged) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
        y real = 0
    update:
        x = random_normal(0, 1) * 2
        y = random_normal(0, 1) * 2
        x = random_uniform(0, 1) + random_uniform(0, 1)
)"));
  std::string before = text();
  ASSERT_TRUE(run("cse"));
  EXPECT_EQ(text(), before);
}

TEST_F(PassTest, ConditionalComputationIsNotHoisted) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        p real = 1
    state:
        x real = 1
        y real = 0
        z real = 0
    update:
        y = p > 0 ? x * 2 : 0
        z = p > 1 and x * 2 > 1 ? 1 : 0
        if p > 2:
            y = x * 3
        z = x * 3
)"));
  std::string before = text();
  ASSERT_TRUE(run("cse"));
  EXPECT_EQ(text(), before)
      << "x * 2 is only computed conditionally, x * 3 first inside the if";
}

TEST_F(PassTest, UnconditionalValueIsUsedInNestedBlocks) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        p real = 1
    state:
        x real = 1
        y real = 0
    update:
        y = x * 2
        if p > 0:
            y = y + x * 2
        else:
            y = p > 1 ? x * 2 : 0
        i integer = 0
        for i in 1 ... 3:
            y = y + x * 2
)"));
  ASSERT_TRUE(run("cse"));
  EXPECT_TRUE(contains("local %cse0 : real = (%x * 2.0)\n    %y = %cse0")) << text();
  EXPECT_TRUE(contains("%y = (%y + %cse0)")) << text();
  EXPECT_TRUE(contains("%y = select((%p > 1.0), %cse0, 0.0)")) << text();
  EXPECT_FALSE(contains("(%x * 2.0))")) << text();
}

TEST_F(PassTest, LoopBodyWritesEndAvailability) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
        y real = 0
    update:
        y = x * 2
        i integer = 0
        for i in 1 ... 3:
            y = y + x * 2
            x = x + 1
        y = x * 2
)"));
  std::string before = text();
  ASSERT_TRUE(run("cse"));
  EXPECT_EQ(text(), before) << "the loop writes x, so its body may not reuse x * 2";
}

TEST_F(PassTest, IntegrateOdesWritesTheState) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        tau ms = 10 ms
        k real = 2
    state:
        V real = 1
        y real = 0
    equations:
        V' = -V / tau
    update:
        y = V * 2 + k * 3
        integrate_odes()
        y = y + V * 2 + k * 3
)"));
  ASSERT_TRUE(run("cse"));
  EXPECT_TRUE(contains("local %cse0 : real = (%k * 3.0)")) << text();
  EXPECT_TRUE(contains("%y = ((%y + (%V * 2.0)) + %cse0)")) << text();
}

TEST_F(PassTest, UserFunctionCallsEndAvailability) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
        y real = 0
    function bump() real:
        x = x + 1
        return x
    update:
        y = x * 2
        y = bump() + x * 2
        y = x * 2
)"));
  std::string before = text();
  ASSERT_TRUE(run("cse"));
  EXPECT_EQ(text(), before);
}

TEST_F(PassTest, FloatOrderAndOperandsMustMatchExactly) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        a real = 1
        b real = 2
        c real = 3
        x real = 0
        y real = 0
    update:
        x = (a + b) + c
        y = a + (b + c)
        x = a * b
        y = b * a
)"));
  std::string before = text();
  ASSERT_TRUE(run("cse"));
  EXPECT_EQ(text(), before) << "never reassociated or commuted";
}

TEST_F(PassTest, DifferentPrecisionOrSignedZeroIsNotMerged) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
        y real = 0
        z real = 0
    update:
        y = x + 0.5
        z = x + 0.5
        y = x * 0.0
        z = x * 0.0
)"));
  // Make the second of each pair differ only in precision / the sign of zero.
  auto rhs = [&](size_t i) -> ir::Binary & {
    return *ir::cast<ir::Binary>(ir::cast<ir::Assign>(model().update[i].get())->value.get());
  };
  rhs(1).type.precision = ir::Precision::f32();
  rhs(1).lhs->type.precision = ir::Precision::f32();
  ir::cast<ir::Constant>(rhs(3).rhs.get())->real = -0.0;
  ASSERT_TRUE(run("cse")) << dump();
  EXPECT_FALSE(contains("%cse")) << text();
}

TEST_F(PassTest, OdesAndConditionsAreNotTouched) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        tau ms = 10 ms
    state:
        V real = 1
    equations:
        V' = (-V * V - V * V) / tau
    output:
        spike
    update:
        integrate_odes()
    onCondition(V * V > 1 and V * V < 2):
        emit_spike()
)"));
  std::string before = text();
  ASSERT_TRUE(run("cse"));
  EXPECT_EQ(text(), before);
}

TEST_F(PassTest, HandlersAndFunctionsAreProcessed) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
    input:
        spikes <- spike
    function f(a real) real:
        return (a + 1) * (a + 1)
    update:
        x = f(x)
    onReceive(spikes):
        x = x + spikes * 2 - spikes * 2 * x
)"));
  ASSERT_TRUE(run("cse"));
  // Blocks are visited update, handlers, then functions: names follow.
  EXPECT_TRUE(contains("local %cse0 : Hz = (@spikes * 2.0)")) << text();
  EXPECT_TRUE(contains("((reinterpret_unit<Hz>(%x) + %cse0) - (%cse0 * %x))")) << text();
  EXPECT_TRUE(contains("local %cse1 : real = (%a + 1.0)\n    return (%cse1 * %cse1)")) << text();
}

TEST_F(PassTest, CseAfterInlineFunctionsVerifies) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        tau ms = 10 ms
    state:
        V real = 1
        w real = 0
    function g(a real) real:
        return exp(-a / 2) * a
    update:
        w = g(V) + g(V)
        V = V - g(V)
)"));
  ASSERT_TRUE(run("inline-functions,cse"));
  EXPECT_TRUE(contains("local %cse0 : real = (exp(((-%V) / 2.0)) * %V)\n"
                       "    %w = (%cse0 + %cse0)\n"
                       "    %V = (%V - %cse0)"))
      << text();
}

} // namespace
