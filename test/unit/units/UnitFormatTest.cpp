//===- UnitFormatTest.cpp - Canonical unit spelling and dimension names ---===//
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

std::string fmt(const char *text) { return formatUnit(unit(text)); }

TEST(UnitFormat, NamedUnitsPrintThemselves) {
  for (const char *name : {"V", "mV", "uV", "nV", "A", "mA", "uA", "nA", "pA", "S", "mS",
                           "uS", "nS", "pS", "Ohm", "kOhm", "MOhm", "GOhm", "F", "uF", "nF",
                           "pF", "s", "ms", "us", "Hz", "mol", "mmol", "M", "mM", "m", "um",
                           "cm", "K", "kg", "g", "mg", "N", "J", "W", "C", "pC", "L", "mL",
                           "mHz", "uM", "nM", "cd"})
    EXPECT_EQ(fmt(name), name);
}

TEST(UnitFormat, Areas) {
  EXPECT_EQ(fmt("m2"), "m**2");
  EXPECT_EQ(fmt("um2"), "um**2");
  EXPECT_EQ(fmt("cm2"), "cm**2");
  EXPECT_EQ(fmt("mm**2"), "mm**2");
  EXPECT_EQ(fmt("um3"), "um**3");
  EXPECT_EQ(fmt("m**3"), "m**3");
  EXPECT_EQ(fmt("cm3"), "mL");
}

TEST(UnitFormat, Frequencies) {
  EXPECT_EQ(fmt("Hz"), "Hz");
  EXPECT_EQ(fmt("1/s"), "Hz");
  EXPECT_EQ(fmt("1/ms"), "1/ms"); // rate constants are per millisecond
  EXPECT_EQ(fmt("kHz"), "1/ms");
  EXPECT_EQ(fmt("MHz"), "1/us");
  EXPECT_EQ(fmt("mHz"), "mHz");
  EXPECT_EQ(fmt("10/ms"), "10000 Hz");
}

TEST(UnitFormat, Composites) {
  EXPECT_EQ(fmt("mV/ms"), "mV/ms");
  EXPECT_EQ(fmt("V/s"), "mV/ms");
  EXPECT_EQ(fmt("pA/pF"), "mV/ms");
  EXPECT_EQ(fmt("pA/ms"), "pA/ms");
  EXPECT_EQ(fmt("nS/ms"), "nS/ms");
  EXPECT_EQ(fmt("mM/ms"), "mM/ms");
  EXPECT_EQ(fmt("nS**2"), "nS**2");
  EXPECT_EQ(fmt("mV**2"), "mV**2");
  EXPECT_EQ(fmt("mV**-1"), "1/mV");
  EXPECT_EQ(fmt("1/ms**2"), "1/ms**2");
  EXPECT_EQ(fmt("(ms*mV)**-1"), "1/(mV*ms)");
  EXPECT_EQ(fmt("ms*mV"), "mV*ms");
  EXPECT_EQ(fmt("mV*ms"), "mV*ms");
  EXPECT_EQ(fmt("mV/ms**2"), "mV/ms**2");
  EXPECT_EQ(fmt("mS/cm**2"), "mS/cm**2");
  EXPECT_EQ(fmt("uF/cm2"), "uF/cm**2");
  EXPECT_EQ(fmt("uA/cm**2"), "uA/cm**2");
  EXPECT_EQ(fmt("pA*MOhm"), "uV");
  EXPECT_EQ(fmt("nS*mV"), "pA");
  EXPECT_EQ(fmt("pA*ms"), "fC");
  EXPECT_EQ(fmt("mol/L"), "M");
  EXPECT_EQ(fmt("m/s"), "m/s");
}

TEST(UnitFormat, FallbackSpellings) {
  EXPECT_EQ(fmt("1"), "1");
  EXPECT_EQ(fmt("mV/V"), "0.001");
  EXPECT_EQ(fmt("2 mV"), "0.002 V");
  EXPECT_EQ(fmt("dam"), "10 m");
  EXPECT_EQ(fmt("min"), "60 s");
  EXPECT_EQ(fmt("T"), "kg*s**-2*A**-1");
  EXPECT_EQ(fmt("hPa"), "100 m**-1*kg*s**-2");
  EXPECT_EQ(formatUnit(Unit{Dimension::base(Luminosity).pow(3), 1e-3}), "0.001 cd**3");
}

TEST(UnitFormat, RoundTripsThroughTheParser) {
  const char *inputs[] = {
      "mV", "mV/ms", "1/ms", "nS**2", "(ms*mV)**-1", "pA*MOhm", "mV**-1", "pA/pF", "V/s",
      "1/(mM*ms)", "2 mV", "1e-3 m**2*kg", "min", "1/min", "10/ms", "hPa", "T", "Wb", "H",
      "dam", "cm3", "um3", "mS/cm2", "mV**3", "1/mV**4", "kg*m**2/s**3", "mol*K", "cd*s",
      "3.7 Ohm*F/s", "mV*mA*ms*mol", "1e-20 K**5", "m**-7*s**9", "Hz*Hz*Hz"};
  for (const char *in : inputs) {
    Unit u = unit(in);
    std::string text = formatUnit(u);
    std::string err;
    auto back = parseUnitExpr(text, &err);
    ASSERT_TRUE(back.has_value()) << in << " -> " << text << ": " << err;
    EXPECT_TRUE(back->sameAs(u)) << in << " -> " << text;
    EXPECT_EQ(formatUnit(*back), text) << in; // a fixed point
  }
}

TEST(UnitFormat, Deterministic) {
  Unit u = unit("pA/pF");
  EXPECT_EQ(formatUnit(u), formatUnit(unit("V/s")));
  EXPECT_EQ(formatUnit(u), formatUnit(u));
}

TEST(DescribeDimension, CommonNames) {
  EXPECT_EQ(describeDimension(unit("mV").dim), "voltage");
  EXPECT_EQ(describeDimension(unit("pA").dim), "current");
  EXPECT_EQ(describeDimension(unit("nS").dim), "conductance");
  EXPECT_EQ(describeDimension(unit("MOhm").dim), "resistance");
  EXPECT_EQ(describeDimension(unit("pF").dim), "capacitance");
  EXPECT_EQ(describeDimension(unit("ms").dim), "time");
  EXPECT_EQ(describeDimension(unit("Hz").dim), "frequency");
  EXPECT_EQ(describeDimension(unit("mM").dim), "concentration");
  EXPECT_EQ(describeDimension(unit("um").dim), "length");
  EXPECT_EQ(describeDimension(unit("um2").dim), "area");
  EXPECT_EQ(describeDimension(unit("pC").dim), "charge");
  EXPECT_EQ(describeDimension(unit("mV/V").dim), "dimensionless");
  EXPECT_EQ(describeDimension(Dimension()), "dimensionless");
  EXPECT_EQ(describeDimension(unit("K").dim), "temperature");
  EXPECT_EQ(describeDimension(unit("mS/cm2").dim), "conductance density");
}

TEST(DescribeDimension, RatesAndFallback) {
  EXPECT_EQ(describeDimension(unit("mV/ms").dim), "voltage per time");
  EXPECT_EQ(describeDimension(unit("pA/ms").dim), "current per time");
  EXPECT_EQ(describeDimension(unit("mV/ms**2").dim), "voltage per time squared");
  EXPECT_EQ(describeDimension(unit("1/mV").dim), "inverse voltage");
  EXPECT_EQ(describeDimension(unit("nS**2").dim), "m**-4*kg**-2*s**6*A**4");
}

} // namespace
