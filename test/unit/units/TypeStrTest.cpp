//===- TypeStrTest.cpp - ir::Type and ir::Precision spelling --------------===//
#include "nsc/ir/Type.h"

#include <gtest/gtest.h>

using namespace nsc;
using namespace nsc::ir;

namespace {

units::Unit unit(const char *text) { return units::parseUnitExpr(text).value(); }

TEST(TypeStr, Kinds) {
  EXPECT_EQ(Type::error().str(), "<error>");
  EXPECT_EQ(Type::voidTy().str(), "void");
  EXPECT_EQ(Type::boolean().str(), "boolean");
  EXPECT_EQ(Type::string().str(), "string");
  EXPECT_EQ(Type::integer().str(), "integer");
  EXPECT_EQ(Type::real().str(), "real");
}

TEST(TypeStr, RealsWithUnitsPrintTheUnit) {
  EXPECT_EQ(Type::real(unit("mV")).str(), "mV");
  EXPECT_EQ(Type::real(unit("mV/ms")).str(), "mV/ms");
  EXPECT_EQ(Type::real(unit("1/ms")).str(), "1/ms");
  EXPECT_EQ(Type::real(unit("nS**2")).str(), "nS**2");
  EXPECT_EQ(Type::real(unit("pA*MOhm")).str(), "uV");
  // A dimensionless real with a scale is a unit of its own ("mV/V").
  EXPECT_EQ(Type::real(unit("mV/V")).str(), "0.001");
  // Precision does not change the source spelling.
  EXPECT_EQ(Type::real(unit("mV"), Precision::f32()).str(), "mV");
}

TEST(TypeStr, IntegerWithUnit) {
  EXPECT_EQ(Type::integer(unit("mV")).str(), "integer[mV]");
}

TEST(TypeStr, SameAsIgnoresPrecision) {
  EXPECT_TRUE(Type::real(unit("mV")).sameAs(Type::real(unit("mV"), Precision::f32())));
  EXPECT_FALSE(Type::real(unit("mV")).sameAs(Type::real(unit("V"))));
  EXPECT_FALSE(Type::real().sameAs(Type::integer()));
  EXPECT_TRUE(Type::boolean().sameAs(Type::boolean()));
}

TEST(PrecisionStr, Spellings) {
  EXPECT_EQ(Precision::f64().str(), "f64");
  EXPECT_EQ(Precision::f32().str(), "f32");
  EXPECT_EQ(Precision::fixed(8, 8).str(), "fixed<Q8.8,nearest_even,saturate>");
  EXPECT_EQ(Precision::fixed(16, 16, Rounding::TowardZero, Overflow::Wrap).str(),
            "fixed<Q16.16,toward_zero,wrap>");
  EXPECT_EQ(Precision::fixed(1, 15, Rounding::Floor).str(), "fixed<Q1.15,floor,saturate>");
  EXPECT_EQ(Precision::fixed(8, 8).totalBits(), 16);
  EXPECT_EQ(Precision::f32().totalBits(), 32);
}

} // namespace
