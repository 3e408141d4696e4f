//===- UnitExprTest.cpp - Unit expressions and derived equivalences -------===//
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

std::string parseError(const char *text) {
  std::string err;
  auto u = parseUnitExpr(text, &err);
  EXPECT_FALSE(u.has_value()) << text;
  return err;
}

TEST(UnitExpr, TypeSpellings) {
  EXPECT_TRUE(unit("mV/ms").sameAs(unit("mV") / unit("ms")));
  EXPECT_TRUE(unit("1/ms").sameAs(unit("ms").pow(-1)));
  EXPECT_TRUE(unit("nS**2").sameAs(unit("nS") * unit("nS")));
  EXPECT_TRUE(unit("(ms*mV)**-1").sameAs(Unit{} / (unit("ms") * unit("mV"))));
  EXPECT_TRUE(unit("pA*MOhm").sameAs(unit("pA") * unit("MOhm")));
  EXPECT_TRUE(unit("mV**-1").sameAs(unit("1/mV")));
  EXPECT_TRUE(unit("mV**(-1)").sameAs(unit("1/mV")));
  EXPECT_TRUE(unit("mV**+2").sameAs(unit("mV*mV")));
}

TEST(UnitExpr, Whitespace) {
  EXPECT_TRUE(unit("  mV / ms ").sameAs(unit("mV/ms")));
  EXPECT_TRUE(unit("( ms * mV ) ** -1").sameAs(unit("(ms*mV)**-1")));
  EXPECT_TRUE(unit("\tnS ** 2\n").sameAs(unit("nS**2")));
}

TEST(UnitExpr, LeftAssociativeDivision) {
  // a/b/c = (a/b)/c, and ** binds tighter than / and *.
  EXPECT_TRUE(unit("mV/ms/ms").sameAs(unit("mV/ms**2")));
  EXPECT_TRUE(unit("1/ms*mV").sameAs(unit("mV/ms")));
  EXPECT_TRUE(unit("mV/(ms*ms)").sameAs(unit("mV/ms**2")));
}

TEST(UnitExpr, NumbersAsFactors) {
  EXPECT_TRUE(unit("1").isDimensionless());
  EXPECT_DOUBLE_EQ(unit("1e-3 m**2*kg").scale, 1e-3);
  EXPECT_DOUBLE_EQ(unit("0.002 V").scale, 0.002);
  EXPECT_DOUBLE_EQ(unit("10/ms").scale, 1e4);
  EXPECT_DOUBLE_EQ(unit("2.5E2 s").scale, 250);
}

TEST(UnitExpr, DerivedEquivalences) {
  EXPECT_TRUE(unit("pA*MOhm").sameAs(unit("uV")));
  EXPECT_TRUE(unit("pA/pF").sameAs(unit("V/s")));
  EXPECT_TRUE(unit("V/s").sameAs(unit("mV/ms")));
  EXPECT_TRUE(unit("nS*mV").sameAs(unit("pA")));
  EXPECT_TRUE(unit("1/ms").sameAs(unit("kHz")));
  EXPECT_TRUE(unit("mM").sameAs(unit("mol/m**3")));
  EXPECT_TRUE(unit("M").sameAs(unit("mol/L")));
  EXPECT_TRUE(unit("L").sameAs(unit("dm**3")));
  EXPECT_TRUE(unit("um2").sameAs(unit("um**2")));
  EXPECT_TRUE(unit("S").sameAs(unit("1/Ohm")));
  EXPECT_TRUE(unit("F").sameAs(unit("C/V")));
  EXPECT_TRUE(unit("ms").sameAs(unit("MOhm*nF")));  // membrane time constant
  EXPECT_TRUE(unit("ms").sameAs(unit("pF/nS")));
  EXPECT_TRUE(unit("J").sameAs(unit("N*m")));
  EXPECT_TRUE(unit("W").sameAs(unit("V*A")));
  EXPECT_TRUE(unit("Wb").sameAs(unit("V*s")));
  EXPECT_TRUE(unit("H").sameAs(unit("Ohm*s")));
  EXPECT_TRUE(unit("T").sameAs(unit("Wb/m**2")));
  EXPECT_TRUE(unit("Pa").sameAs(unit("N/m**2")));
  EXPECT_TRUE(unit("Hz").sameAs(unit("1/s")));
  EXPECT_TRUE(unit("Bq").sameAs(unit("1/s")));
  EXPECT_TRUE(unit("kBq").sameAs(unit("1/ms")));
  EXPECT_TRUE(unit("Gy").sameAs(unit("J/kg")));
  EXPECT_TRUE(unit("mSv").sameAs(unit("mJ/kg")));
  EXPECT_TRUE(unit("kat").sameAs(unit("mol/s")));
  EXPECT_TRUE(unit("kg").sameAs(unit("1000 g")));
  EXPECT_TRUE(unit("mV/ms").dim == unit("V/s").dim);
  EXPECT_FALSE(unit("mV/ms").sameAs(unit("mV/s")));
}

TEST(UnitExpr, Errors) {
  EXPECT_EQ(parseError(""), "empty unit expression");
  EXPECT_EQ(parseError("   "), "empty unit expression");
  EXPECT_EQ(parseError("foo"), "unknown unit 'foo' in unit expression 'foo'");
  EXPECT_EQ(parseError("mV/"), "expected a unit after '/' in unit expression 'mV/'");
  EXPECT_EQ(parseError("(mV"), "missing ')' in unit expression '(mV'");
  EXPECT_EQ(parseError("mV**0.5"), "unit exponents must be integers in unit expression 'mV**0.5'");
  EXPECT_EQ(parseError("mV**"), "expected an integer exponent after '**' in unit expression 'mV**'");
  EXPECT_EQ(parseError("mV ms"), "unexpected 'm' in unit expression 'mV ms'");
  EXPECT_EQ(parseError("mV)"), "unexpected ')' in unit expression 'mV)'");
  EXPECT_EQ(parseError("m**100"), "unit exponent out of range in unit expression 'm**100'");
  EXPECT_EQ(parseError("(m**16)**16"),
            "unit exponent out of range in unit expression '(m**16)**16'");
  EXPECT_EQ(parseError("0/ms"), "unit scale out of range in unit expression '0/ms'");
  EXPECT_EQ(parseError("1e400"), "unit scale out of range in unit expression '1e400'");
  for (const char *bad : {"*mV", "mV*", "mV**2**2", "mV^2", "-mV", "mV + ms", "()", "mV//ms",
                          "(", ")", "1..2", "2ms", "mV**99999999999", "mV**(2", "h", "d"})
    parseError(bad);
  // No error string requested: must not crash.
  EXPECT_FALSE(parseUnitExpr("nope").has_value());
}

} // namespace

TEST(UnitPowReal, FractionalExponentsThatLeaveWholeUnits) {
  using namespace nsc::units;
  Unit uS = *lookupUnit("uS");
  auto root = uS.pow(2).powReal(0.5);
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->sameAs(uS));
  auto quarter = uS.pow(4).powReal(0.25);
  ASSERT_TRUE(quarter);
  EXPECT_TRUE(quarter->sameAs(uS));
  EXPECT_FALSE(uS.powReal(0.5));          // sqrt(uS) has half exponents
  EXPECT_FALSE(uS.powReal(0.3));          // not k/n with whole results
  EXPECT_TRUE(uS.powReal(-2.0)->sameAs(uS.pow(-2)));
  EXPECT_FALSE(uS.powReal(1.0 / 0.0));
}
