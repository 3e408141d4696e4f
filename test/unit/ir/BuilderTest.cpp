//===- BuilderTest.cpp - Type rules and node construction -----------------===//
#include "IRTestUtil.h"

#include "nsc/ir/Printer.h"

#include <gtest/gtest.h>

using namespace nsc::ir;
using nsc::ir::test::unit;

TEST(IRBuilder, ArithmeticResultUnits) {
  Model m;
  Builder b(m);
  ExprPtr e = b.div(b.real(1, unit("mV")), b.real(2, unit("ms")));
  EXPECT_EQ(e->type.kind, TypeKind::Real);
  EXPECT_TRUE(e->type.unit.sameAs(unit("mV") / unit("ms")));
  ExprPtr p = b.binary(BinaryOp::Pow, b.real(3, unit("nS")), b.integer(2));
  EXPECT_TRUE(p->type.isError()) << "kinds differ: the builder never converts implicitly";
  p = b.binary(BinaryOp::Pow, b.real(3, unit("nS")), b.real(2));
  EXPECT_TRUE(p->type.unit.sameAs(unit("nS").pow(2)));
  ExprPtr bad = b.add(b.real(1, unit("mV")), b.real(1, unit("ms")));
  EXPECT_TRUE(bad->type.isError());
  ExprPtr cmp = b.binary(BinaryOp::Le, b.integer(1), b.integer(2));
  EXPECT_EQ(cmp->type.kind, TypeKind::Bool);
}

TEST(IRBuilder, CoerceInsertsExplicitConversions) {
  Model m;
  Builder b(m);
  VarId x = b.addVariable("x", VarRole::State, Type::real(unit("V")));
  // V -> mV multiplies by 1000.
  ExprPtr c = b.coerce(b.var(x), Type::real(unit("mV")));
  ASSERT_TRUE(isa<UnitConvert>(c.get()));
  EXPECT_DOUBLE_EQ(cast<UnitConvert>(c.get())->factor, 1000.0);
  EXPECT_TRUE(c->type.unit.sameAs(unit("mV")));
  // An integer variable becoming real gets a cast; an integer literal folds.
  VarId n = b.addVariable("n", VarRole::State, Type::integer());
  ExprPtr r = b.coerce(b.var(n), Type::real());
  ASSERT_TRUE(isa<Cast>(r.get()));
  EXPECT_EQ(cast<Cast>(r.get())->castKind, CastKind::IntToReal);
  ExprPtr lit = b.coerce(b.integer(3), Type::real(unit("mV")));
  ASSERT_TRUE(isa<Constant>(lit.get()));
  EXPECT_EQ(cast<Constant>(lit.get())->real, 3.0);
  EXPECT_TRUE(lit->type.unit.sameAs(unit("mV")));
  // A dimensionless variable assigned to mV is reinterpreted, not scaled.
  VarId d = b.addVariable("d", VarRole::State, Type::real());
  ExprPtr re = b.coerce(b.var(d), Type::real(unit("mV")));
  ASSERT_TRUE(isa<Cast>(re.get()));
  EXPECT_EQ(cast<Cast>(re.get())->castKind, CastKind::ReinterpretUnit);
  // No conversion between different dimensions, or bool -> number.
  EXPECT_EQ(b.coerce(b.var(x), Type::real(unit("ms"))), nullptr);
  EXPECT_EQ(b.coerce(b.boolean(true), Type::real()), nullptr);
  // Same unit: returned unchanged.
  ExprPtr same = b.var(x);
  Expr *raw = same.get();
  EXPECT_EQ(b.coerce(std::move(same), Type::real(unit("V"))).get(), raw);
}

TEST(IRBuilder, PrecisionFollowsModelSemantics) {
  Model m;
  m.semantics.precision = Precision::fixed(8, 8);
  Builder b(m);
  VarId v = b.addVariable("v", VarRole::State, Type::real(unit("mV")));
  EXPECT_EQ(m.variables[v].type.precision, Precision::fixed(8, 8));
  EXPECT_EQ(b.real(1.5)->type.precision, Precision::fixed(8, 8));
  ExprPtr c = b.coerce(b.var(v), Type::real(unit("mV"), Precision::f32()));
  ASSERT_TRUE(isa<Cast>(c.get()));
  EXPECT_EQ(cast<Cast>(c.get())->castKind, CastKind::PrecisionCast);
}

TEST(IRBuilder, CloneIsDeep) {
  nsc::ir::test::LeakyModel lm;
  const ExprPtr &rhs = lm.model->odes.equations[0].rhs;
  ExprPtr copy = rhs->clone();
  EXPECT_NE(copy.get(), rhs.get());
  EXPECT_EQ(printExpr(*copy, lm.model.get()), printExpr(*rhs, lm.model.get()));
  Block body = cloneBlock(lm.model->onCondition[0].body);
  ASSERT_EQ(body.size(), 2u);
  EXPECT_TRUE(isa<EmitSpike>(body[1].get()));
}

TEST(IRBuilder, EvaluateConstant) {
  Builder b;
  double v = 0;
  ExprPtr e = b.mul(b.neg(b.real(2.5)), b.convert(b.real(2, unit("V")), unit("mV")));
  EXPECT_TRUE(evaluateConstant(*e, v));
  EXPECT_DOUBLE_EQ(v, -5000.0);
  Model m;
  Builder mb(m);
  VarId x = mb.addVariable("x", VarRole::State, Type::real());
  EXPECT_FALSE(evaluateConstant(*mb.add(mb.var(x), mb.real(1)), v));
}
