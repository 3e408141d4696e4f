//===- DimensionTest.cpp - Dimension and Unit algebra ---------------------===//
#include "nsc/support/Units.h"

#include <gtest/gtest.h>

using namespace nsc::units;

namespace {

Unit unit(const char *text) {
  std::string err;
  auto u = parseUnitExpr(text, &err);
  EXPECT_TRUE(u.has_value()) << text << ": " << err;
  return u.value_or(Unit{});
}

TEST(Dimension, DefaultIsDimensionless) {
  Dimension d;
  EXPECT_TRUE(d.isDimensionless());
  EXPECT_FALSE(Dimension::time().isDimensionless());
  EXPECT_EQ(Dimension::time().exp[Time], 1);
}

TEST(Dimension, MultiplyDivideAddsAndSubtractsExponents) {
  Dimension m = Dimension::base(Length), s = Dimension::time();
  Dimension v = m / s;
  EXPECT_EQ(v.exp[Length], 1);
  EXPECT_EQ(v.exp[Time], -1);
  EXPECT_EQ(v * s, m);
  EXPECT_NE(v, m);
  EXPECT_TRUE((m / m).isDimensionless());
}

TEST(Dimension, PowAndRoot) {
  Dimension volt = unit("V").dim;
  Dimension sq = volt.pow(2);
  EXPECT_EQ(sq.exp[Length], 4);
  EXPECT_EQ(sq.exp[Time], -6);
  ASSERT_TRUE(sq.root(2).has_value());
  EXPECT_EQ(*sq.root(2), volt);
  EXPECT_EQ(*sq.root(-2), volt.pow(-1));
  EXPECT_FALSE(volt.root(2).has_value()); // m^2 kg s^-3: kg^1 has no square root
  EXPECT_FALSE(volt.root(0).has_value());
  EXPECT_EQ(*Dimension().root(5), Dimension());
  EXPECT_EQ(volt.pow(0), Dimension());
}

TEST(Unit, ScalesMultiply) {
  Unit mv = unit("mV"), ms = unit("ms");
  Unit r = mv / ms;
  EXPECT_DOUBLE_EQ(r.scale, 1.0);
  EXPECT_EQ(r.dim, mv.dim / ms.dim);
  EXPECT_DOUBLE_EQ((mv * ms).scale, 1e-6);
  EXPECT_DOUBLE_EQ(unit("nS").pow(2).scale, 1e-18);
  EXPECT_DOUBLE_EQ(unit("ms").pow(-1).scale, 1e3);
}

TEST(Unit, SameAsUsesRelativeTolerance) {
  Unit a = unit("mV");
  Unit b = a;
  b.scale *= 1 + 1e-14;
  EXPECT_TRUE(a.sameAs(b));
  b.scale = a.scale * (1 + 1e-9);
  EXPECT_FALSE(a.sameAs(b));
  EXPECT_FALSE(unit("mV").sameAs(unit("ms")));   // same scale, other dimension
  EXPECT_FALSE(unit("mV").sameAs(unit("V")));    // same dimension, other scale
  // Tiny scales compare relatively, not absolutely.
  EXPECT_FALSE(unit("qV").sameAs(unit("rV")));
  EXPECT_TRUE(unit("qV").sameAs(unit("qV")));
}

TEST(Unit, ConversionFrom) {
  // value_in_mV = value_in_V * 1000
  EXPECT_DOUBLE_EQ(unit("mV").conversionFrom(unit("V")), 1000.0);
  EXPECT_DOUBLE_EQ(unit("V").conversionFrom(unit("mV")), 1e-3);
  EXPECT_DOUBLE_EQ(unit("nS").conversionFrom(unit("uS")), 1000.0);
  EXPECT_DOUBLE_EQ(unit("ms").conversionFrom(unit("s")), 1000.0);
  EXPECT_DOUBLE_EQ(unit("s").conversionFrom(unit("min")), 60.0);
}

TEST(Unit, Dimensionless) {
  EXPECT_TRUE(Unit::dimensionless().isDimensionless());
  EXPECT_DOUBLE_EQ(Unit::dimensionless().scale, 1.0);
  EXPECT_TRUE((unit("mV") / unit("V")).isDimensionless());
  EXPECT_DOUBLE_EQ((unit("mV") / unit("V")).scale, 1e-3);
}

} // namespace
