//===- LinearFormTest.cpp - affine decomposition of IR expressions --------===//
#include "nsc/passes/LinearForm.h"

#include "nsc/support/Units.h"
#include "nsc/ir/Printer.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nsc;
using namespace nsc::ir;
using namespace nsc::passes;

namespace {

units::Unit unit(const char *name) { return *units::lookupUnit(name); }

std::vector<ExprPtr> args(ExprPtr a) {
  std::vector<ExprPtr> v;
  v.push_back(std::move(a));
  return v;
}

/// x, y (mV) are the variables of interest; c (mV) and k (real) are not.
class LinearFormTest : public ::testing::Test {
protected:
  Model m;
  Builder b{m};
  VarId x = b.addVariable("x", VarRole::State, b.realType(unit("mV")));
  VarId y = b.addVariable("y", VarRole::State, b.realType(unit("mV")));
  VarId c = b.addVariable("c", VarRole::Parameter, b.realType(unit("mV")));
  VarId k = b.addVariable("k", VarRole::Parameter, b.realType());
  VarPredicate isVar = [this](VarId v) { return v == x || v == y; };

  double value(const ExprPtr &e) {
    double v = NAN;
    EXPECT_TRUE(e && evaluateConstant(*e, v)) << (e ? printExpr(*e, &m) : "null");
    return v;
  }
  std::string print(const ExprPtr &e) { return e ? printExpr(*e, &m) : "null"; }
  /// The reason `e` is not affine in x, y ("" when it is).
  std::string whyNot(const ExprPtr &e) {
    NonLinearity why;
    auto f = decomposeLinear(*e, isVar, b, &why);
    EXPECT_FALSE(f) << "decomposed " << print(e);
    EXPECT_NE(why.at, nullptr);
    return why.why;
  }
};

TEST_F(LinearFormTest, SumOfScaledVariablesAndOffset) {
  // 2·x − (3·y − x) + c  =  3·x − 3·y + c
  ExprPtr e = b.add(b.sub(b.mul(b.real(2), b.var(x)), b.sub(b.mul(b.real(3), b.var(y)), b.var(x))),
                    b.var(c));
  auto f = decomposeLinear(*e, isVar, b);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->terms.size(), 2u);
  EXPECT_EQ(f->terms[0].var, x) << "terms in order of appearance";
  EXPECT_EQ(f->terms[1].var, y);
  EXPECT_EQ(value(f->find(x)->coeff), 3.0);
  EXPECT_EQ(value(f->find(y)->coeff), -3.0);
  EXPECT_EQ(print(f->offset), "%c");
  EXPECT_EQ(f->find(c), nullptr);
}

TEST_F(LinearFormTest, CoefficientsMayReadOtherVariables) {
  // (x − c)·k / 10 ms: coefficient k / 10 ms, in unit(e)/unit(x) = 1/ms.
  ExprPtr e = b.div(b.mul(b.sub(b.var(x), b.var(c)), b.var(k)), b.real(10, unit("ms")));
  auto f = decomposeLinear(*e, isVar, b);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->terms.size(), 1u);
  EXPECT_EQ(print(f->terms[0].coeff), "((1.0 * %k) / 10.0 ms)");
  EXPECT_EQ(printType(f->terms[0].coeff->type), "1/ms");
  EXPECT_EQ(print(f->offset), "(((-%c) * %k) / 10.0 ms)");
  EXPECT_EQ(printType(f->offset->type), "mV/ms");
}

TEST_F(LinearFormTest, ExpressionWithoutTheVariablesIsAllOffset) {
  ExprPtr e = b.mul(b.var(k), b.var(c));
  auto f = decomposeLinear(*e, isVar, b);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->terms.empty());
  EXPECT_EQ(print(f->offset), "(%k * %c)");
}

TEST_F(LinearFormTest, PureLinearHasNoOffset) {
  ExprPtr e = b.neg(b.var(x));
  auto f = decomposeLinear(*e, isVar, b);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->offset, nullptr);
  EXPECT_EQ(value(f->terms[0].coeff), -1.0);
}

TEST_F(LinearFormTest, UnitConversionsScaleTheCoefficient) {
  // x read in V: the coefficient carries the conversion, in unit V/mV.
  ExprPtr e = b.convert(b.var(x), unit("V"));
  auto f = decomposeLinear(*e, isVar, b);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->terms.size(), 1u);
  EXPECT_TRUE(f->terms[0].coeff->type.unit.sameAs(unit("V") / unit("mV")))
      << printType(f->terms[0].coeff->type);
  // 5 mV read in V is 0.005: the coefficient's number is 0.001.
  EXPECT_DOUBLE_EQ(value(f->terms[0].coeff), 0.001);
}

TEST_F(LinearFormTest, ProductOfTwoVariablesIsNotLinear) {
  EXPECT_EQ(whyNot(b.mul(b.var(x), b.var(y))), "product of 'x' and 'y'");
  EXPECT_EQ(whyNot(b.mul(b.add(b.var(x), b.var(c)), b.sub(b.var(y), b.var(x)))),
            "product of 'x' and 'y', 'x'");
}

TEST_F(LinearFormTest, DivisionByAVariableIsNotLinear) {
  EXPECT_EQ(whyNot(b.div(b.var(c), b.var(x))), "division by 'x'");
}

TEST_F(LinearFormTest, FunctionsOfVariablesAreNotLinear) {
  ExprPtr q = b.div(b.var(x), b.var(c));
  EXPECT_EQ(whyNot(b.call(Builtin::Exp, args(std::move(q)), b.realType())), "exp() of 'x'");
  EXPECT_EQ(whyNot(b.binary(BinaryOp::Pow, b.div(b.var(y), b.var(c)), b.real(2))),
            "a power of 'y'");
  ExprPtr cond = b.binary(BinaryOp::Gt, b.var(x), b.var(c));
  EXPECT_EQ(whyNot(b.select(std::move(cond), b.var(y), b.var(c))),
            "a conditional expression on 'x', 'y'");
}

TEST_F(LinearFormTest, FirstFailureIsReported) {
  NonLinearity why;
  ExprPtr e = b.add(b.mul(b.var(x), b.var(y)), b.div(b.var(c), b.var(y)));
  EXPECT_FALSE(decomposeLinear(*e, isVar, b, &why));
  EXPECT_EQ(why.why, "product of 'x' and 'y'");
  ASSERT_NE(why.at, nullptr);
  EXPECT_EQ(printExpr(*why.at, &m), "(%x * %y)");
}

TEST_F(LinearFormTest, Helpers) {
  ExprPtr e = b.add(b.mul(b.var(k), b.var(y)), b.call(Builtin::Exp, args(b.var(k)), b.realType()));
  EXPECT_TRUE(readsAny(*e, isVar));
  EXPECT_FALSE(readsAny(*e, [&](VarId v) { return v == x; }));
  EXPECT_EQ(variablesRead(*e), (std::vector<VarId>{k, y}));
  EXPECT_TRUE(callsBuiltin(*e, Builtin::Exp));
  EXPECT_FALSE(callsBuiltin(*e, Builtin::Time));
  EXPECT_FALSE(callsRandom(*e));
  ExprPtr s = substitute(*e, [&](const VarRef &r) -> ExprPtr {
    return r.var == k ? b.real(2) : nullptr;
  });
  EXPECT_EQ(print(s), "((2.0 * %y) + exp(2.0))");
  EXPECT_EQ(print(e), "((%k * %y) + exp(%k))") << "the original is unchanged";
}

} // namespace
