//===- FoldConstantsTest.cpp - fold-constants pass ------------------------===//
#include "PassTestUtil.h"

#include "nsc/ir/Builder.h"
#include "nsc/passes/FoldConstants.h"

#include <cmath>

using namespace nsc;
using namespace nsc::ir;
using namespace nsc::test;

namespace {

units::Unit unit(const char *name) { return *units::lookupUnit(name); }

/// Folds `e` alone; returns the resulting tree.
ExprPtr fold(ExprPtr e) {
  passes::foldConstantsInTree(e);
  return e;
}

double realOf(const ExprPtr &e) {
  auto *c = dyn_cast<Constant>(e.get());
  EXPECT_NE(c, nullptr) << "not folded: " << printExpr(*e);
  return c ? c->real : NAN;
}

TEST(FoldConstants, Float64FollowsIEEEDouble) {
  Builder b;
  EXPECT_EQ(realOf(fold(b.add(b.real(0.1), b.real(0.2)))), 0.1 + 0.2);
  EXPECT_EQ(realOf(fold(b.div(b.real(1), b.real(3)))), 1.0 / 3.0);
  EXPECT_TRUE(std::isinf(realOf(fold(b.div(b.real(1), b.real(0))))));
  EXPECT_TRUE(std::isnan(realOf(fold(b.sub(b.real(INFINITY), b.real(INFINITY))))));
}

TEST(FoldConstants, Float32RoundsEveryOperation) {
  Builder b(Precision::f32());
  ExprPtr sum = fold(b.add(b.real(0.1), b.real(0.2)));
  float expected = 0.1f + 0.2f;
  EXPECT_EQ(realOf(sum), double(expected));
  EXPECT_NE(realOf(sum), 0.1 + 0.2);
  EXPECT_EQ(sum->type.precision, Precision::f32());
  // (a + b) - a in float loses what double keeps: no wider evaluation.
  ExprPtr e = fold(b.sub(b.add(b.real(1e8), b.real(1)), b.real(1e8)));
  EXPECT_EQ(realOf(e), double((1e8f + 1.0f) - 1e8f));
}

TEST(FoldConstants, FixedPointIsLeftAlone) {
  Builder b(Precision::fixed(8, 8));
  ExprPtr e = fold(b.add(b.real(0.5), b.real(0.25)));
  EXPECT_TRUE(isa<Binary>(e.get()));
}

TEST(FoldConstants, NoReassociation) {
  // (x + 1e16) + -1e16 must not become x.
  Model m;
  Builder b(m);
  VarId x = b.addVariable("x", VarRole::State, b.realType());
  ExprPtr e = fold(b.add(b.add(b.var(x), b.real(1e16)), b.real(-1e16)));
  EXPECT_EQ(printExpr(*e, &m), "((%x + 1e+16) + -1e+16)");
}

TEST(FoldConstants, IntegersFoldOnlyWhenDefined) {
  Builder b;
  auto intOf = [](const ExprPtr &e) {
    auto *c = dyn_cast<Constant>(e.get());
    return c ? c->integer : -999;
  };
  EXPECT_EQ(intOf(fold(b.binary(BinaryOp::Div, b.integer(-7), b.integer(2)))), -3);
  EXPECT_EQ(intOf(fold(b.binary(BinaryOp::Mod, b.integer(7), b.integer(3)))), 1);
  EXPECT_EQ(intOf(fold(b.binary(BinaryOp::Shl, b.integer(1), b.integer(10)))), 1024);
  EXPECT_TRUE(isa<Binary>(fold(b.binary(BinaryOp::Div, b.integer(1), b.integer(0))).get()));
  EXPECT_TRUE(isa<Binary>(fold(b.binary(BinaryOp::Mod, b.integer(-7), b.integer(3))).get()));
  EXPECT_TRUE(
      isa<Binary>(fold(b.binary(BinaryOp::Add, b.integer(INT64_MAX), b.integer(1))).get()));
  EXPECT_TRUE(isa<Unary>(fold(b.neg(b.integer(INT64_MIN))).get()));
}

TEST(FoldConstants, PowOnlyForUnambiguousExponents) {
  Builder b;
  EXPECT_EQ(realOf(fold(b.binary(BinaryOp::Pow, b.real(3), b.real(2)))), 9.0);
  EXPECT_EQ(realOf(fold(b.binary(BinaryOp::Pow, b.real(2), b.real(0.5)))), std::sqrt(2.0));
  EXPECT_EQ(realOf(fold(b.binary(BinaryOp::Pow, b.real(-0.0), b.real(0.5)))), 0.0);
  EXPECT_FALSE(std::signbit(realOf(fold(b.binary(BinaryOp::Pow, b.real(-0.0), b.real(0.5))))));
  EXPECT_TRUE(isa<Binary>(fold(b.binary(BinaryOp::Pow, b.real(2), b.real(3))).get()));
}

TEST(FoldConstants, ComparisonsLogicSelect) {
  Model m;
  Builder b(m);
  VarId x = b.addVariable("x", VarRole::State, b.boolType());
  auto boolOf = [](const ExprPtr &e) {
    auto *c = dyn_cast<Constant>(e.get());
    EXPECT_NE(c, nullptr);
    return c && c->boolean;
  };
  EXPECT_TRUE(boolOf(fold(b.binary(BinaryOp::Lt, b.real(1), b.real(2)))));
  EXPECT_FALSE(boolOf(fold(b.binary(BinaryOp::Eq, b.real(NAN), b.real(NAN)))));
  EXPECT_EQ(printExpr(*fold(b.binary(BinaryOp::And, b.boolean(true), b.var(x))), &m), "%x");
  EXPECT_FALSE(boolOf(fold(b.binary(BinaryOp::And, b.var(x), b.boolean(false)))));
  EXPECT_EQ(realOf(fold(b.select(b.binary(BinaryOp::Gt, b.real(1), b.real(2)), b.real(5),
                                 b.real(6)))),
            6.0);
  // A random draw is not dropped by `false and ...`.
  ExprPtr draw = b.binary(BinaryOp::Lt, b.call(Builtin::RandomUniform, {}, b.realType()),
                          b.real(0.5));
  EXPECT_TRUE(isa<Binary>(fold(b.binary(BinaryOp::And, std::move(draw), b.boolean(false))).get()));
}

TEST(FoldConstants, UnitConvertAndCasts) {
  Builder b;
  ExprPtr conv =
      std::make_unique<UnitConvert>(b.realType(unit("mV")), b.real(1.5, unit("V")), 1000.0);
  EXPECT_EQ(realOf(fold(std::move(conv))), 1500.0);
  EXPECT_EQ(realOf(fold(b.intToReal(b.integer(3)))), 3.0);
  Builder f32(Precision::f32());
  int64_t big = (int64_t(1) << 53) + 1; // needs more than float's 24 bits
  EXPECT_EQ(realOf(fold(f32.intToReal(f32.integer(big)))), double(float(big)));
  ExprPtr toInt = b.cast(CastKind::RealToInt, b.real(-2.7), b.intType());
  ExprPtr folded = fold(std::move(toInt)); // keep it alive while we look at it
  auto *c = dyn_cast<Constant>(folded.get());
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->integer, -2);
  EXPECT_TRUE(isa<Cast>(fold(b.cast(CastKind::RealToInt, b.real(1e300), b.intType())).get()));
}

const char *kParamModel = R"(
model m:
    parameters:
        tau ms = 10 ms
        g real = 2
    state:
        V mV = 0 mV
    internals:
        k real = g * 3
    equations:
        V' = -V * k / tau
    update:
        integrate_odes()
        if g > 5:
            V = 1 mV
network n:
    a = m[2](tau = 5 ms)
)";

TEST_F(PassTest, ParametersStayRuntimeValuesByDefault) {
  ASSERT_TRUE(lower(kParamModel));
  ASSERT_TRUE(run("fold-constants"));
  EXPECT_TRUE(contains("((-%V) * %k) / %tau")) << text();
  EXPECT_TRUE(contains("if (%g > 5.0)")) << text();
}

TEST_F(PassTest, PropagateParametersSubstitutesConstantsTransitively) {
  options.propagateParameters = true;
  ASSERT_TRUE(lower(kParamModel));
  ASSERT_TRUE(run("fold-constants"));
  // g = 2 is substituted, so k = g * 3 becomes 6 and is substituted too;
  // tau is set by population `a` and stays a runtime value.
  EXPECT_TRUE(contains("internal %k : real = 6.0")) << text();
  EXPECT_TRUE(contains("((-%V) * 6.0) / %tau")) << text();
  EXPECT_FALSE(contains("if (")) << "the constant-false branch is removed\n" << text();
  EXPECT_NE(log.str().find("removed 1 constant branch"), std::string::npos) << log.str();
}

TEST_F(PassTest, GuardThatFoldsToFalseIsWarned) {
  options.propagateParameters = true;
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        a real = 1
        b real = 2 [[b < a]]
)"));
  ASSERT_TRUE(run("fold-constants"));
  EXPECT_TRUE(hasDiag(Severity::Warning, "invariant of 'b' never holds")) << dump();
}

} // namespace
