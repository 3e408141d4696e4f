//===- UnitLookupTest.cpp - Unit names and SI prefixes --------------------===//
#include "nsc/support/Units.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nsc::units;

namespace {

Dimension dims(int m, int kg, int s, int a, int k = 0, int mol = 0, int cd = 0) {
  Dimension d;
  d.exp = {int8_t(m), int8_t(kg), int8_t(s), int8_t(a), int8_t(k), int8_t(mol), int8_t(cd)};
  return d;
}

void expectUnit(const char *name, Dimension d, double scale) {
  auto u = lookupUnit(name);
  ASSERT_TRUE(u.has_value()) << name;
  EXPECT_EQ(u->dim, d) << name;
  EXPECT_NEAR(u->scale / scale, 1.0, 1e-12) << name << " scale " << u->scale;
}

const Dimension kVolt = dims(2, 1, -3, -1), kAmp = dims(0, 0, 0, 1),
                kSiemens = dims(-2, -1, 3, 2), kOhm = dims(2, 1, -3, -2),
                kFarad = dims(-2, -1, 4, 2), kSecond = dims(0, 0, 1, 0),
                kHertz = dims(0, 0, -1, 0), kMole = dims(0, 0, 0, 0, 0, 1),
                kMolar = dims(-3, 0, 0, 0, 0, 1), kMetre = dims(1, 0, 0, 0),
                kKelvin = dims(0, 0, 0, 0, 1);

// Issue 2, section 3: the names neuron models use.
TEST(UnitLookup, NeuroscienceNames) {
  expectUnit("V", kVolt, 1);
  expectUnit("mV", kVolt, 1e-3);
  expectUnit("uV", kVolt, 1e-6);
  expectUnit("nV", kVolt, 1e-9);
  expectUnit("A", kAmp, 1);
  expectUnit("mA", kAmp, 1e-3);
  expectUnit("uA", kAmp, 1e-6);
  expectUnit("nA", kAmp, 1e-9);
  expectUnit("pA", kAmp, 1e-12);
  expectUnit("S", kSiemens, 1);
  expectUnit("mS", kSiemens, 1e-3);
  expectUnit("uS", kSiemens, 1e-6);
  expectUnit("nS", kSiemens, 1e-9);
  expectUnit("pS", kSiemens, 1e-12);
  expectUnit("Ohm", kOhm, 1);
  expectUnit("kOhm", kOhm, 1e3);
  expectUnit("MOhm", kOhm, 1e6);
  expectUnit("GOhm", kOhm, 1e9);
  expectUnit("F", kFarad, 1);
  expectUnit("uF", kFarad, 1e-6);
  expectUnit("nF", kFarad, 1e-9);
  expectUnit("pF", kFarad, 1e-12);
  expectUnit("s", kSecond, 1);
  expectUnit("ms", kSecond, 1e-3);
  expectUnit("us", kSecond, 1e-6);
  expectUnit("Hz", kHertz, 1);
  expectUnit("kHz", kHertz, 1e3);
  expectUnit("mol", kMole, 1);
  expectUnit("mmol", kMole, 1e-3);
  expectUnit("M", kMolar, 1e3);
  expectUnit("mM", kMolar, 1);
  expectUnit("m", kMetre, 1);
  expectUnit("um", kMetre, 1e-6);
  expectUnit("cm", kMetre, 1e-2);
  expectUnit("m2", kMetre.pow(2), 1);
  expectUnit("um2", kMetre.pow(2), 1e-12);
  expectUnit("cm2", kMetre.pow(2), 1e-4);
  expectUnit("K", kKelvin, 1);
}

TEST(UnitLookup, OtherSIUnits) {
  expectUnit("g", dims(0, 1, 0, 0), 1e-3);
  expectUnit("kg", dims(0, 1, 0, 0), 1);
  expectUnit("cd", dims(0, 0, 0, 0, 0, 0, 1), 1);
  expectUnit("N", dims(1, 1, -2, 0), 1);
  expectUnit("Pa", dims(-1, 1, -2, 0), 1);
  expectUnit("J", dims(2, 1, -2, 0), 1);
  expectUnit("W", dims(2, 1, -3, 0), 1);
  expectUnit("C", dims(0, 0, 1, 1), 1);
  expectUnit("Wb", dims(2, 1, -2, -1), 1);
  expectUnit("T", dims(0, 1, -2, -1), 1);
  expectUnit("H", dims(2, 1, -2, -2), 1);
  expectUnit("L", dims(3, 0, 0, 0), 1e-3);
  expectUnit("l", dims(3, 0, 0, 0), 1e-3);
  expectUnit("mL", dims(3, 0, 0, 0), 1e-6);
  expectUnit("min", kSecond, 60);
  expectUnit("ohm", kOhm, 1);
  expectUnit("\xCE\xA9", kOhm, 1);      // Ω
  expectUnit("M\xCE\xA9", kOhm, 1e6);   // MΩ
  expectUnit("mm2", kMetre.pow(2), 1e-6);
  expectUnit("um3", kMetre.pow(3), 1e-18);
  expectUnit("m3", kMetre.pow(3), 1);
}

TEST(UnitLookup, EveryPrefix) {
  const std::pair<const char *, int> prefixes[] = {
      {"q", -30}, {"r", -27}, {"y", -24}, {"z", -21}, {"a", -18}, {"f", -15},
      {"p", -12}, {"n", -9},  {"u", -6},  {"\xC2\xB5", -6}, {"\xCE\xBC", -6},
      {"m", -3},  {"c", -2},  {"d", -1},  {"da", 1},  {"h", 2},   {"k", 3},
      {"M", 6},   {"G", 9},   {"T", 12},  {"P", 15},  {"E", 18},  {"Z", 21},
      {"Y", 24},  {"R", 27},  {"Q", 30}};
  const std::pair<const char *, Dimension> bases[] = {
      {"V", kVolt}, {"A", kAmp}, {"S", kSiemens}, {"Ohm", kOhm}, {"F", kFarad},
      {"s", kSecond}, {"Hz", kHertz}, {"mol", kMole}, {"m", kMetre}, {"K", kKelvin}};
  for (auto [p, e] : prefixes)
    for (auto [b, d] : bases) {
      std::string name = std::string(p) + b;
      SCOPED_TRACE(name);
      expectUnit(name.c_str(), d, std::pow(10.0, e));
    }
  // Gram is relative to the kilogram; molar to mol/m^3.
  expectUnit("mg", dims(0, 1, 0, 0), 1e-6);
  expectUnit("Mg", dims(0, 1, 0, 0), 1e3);
  expectUnit("uM", kMolar, 1e-3);
  expectUnit("nM", kMolar, 1e-6);
}

TEST(UnitLookup, AmbiguousSpellings) {
  expectUnit("m", kMetre, 1);          // metre, not the milli prefix
  expectUnit("ms", kSecond, 1e-3);     // millisecond, not metre-second
  expectUnit("mM", kMolar, 1);         // millimolar
  expectUnit("MM", kMolar, 1e9);       // megamolar
  expectUnit("mm", kMetre, 1e-3);      // millimetre
  expectUnit("Mm", kMetre, 1e6);       // megametre
  expectUnit("cd", dims(0, 0, 0, 0, 0, 0, 1), 1); // candela (there is no day)
  expectUnit("Pa", dims(-1, 1, -2, 0), 1);        // pascal, not peta-annum
  expectUnit("dam", kMetre, 10);       // deca-metre, not deci-"am"
  expectUnit("das", kSecond, 10);
  expectUnit("ds", kSecond, 0.1);
  expectUnit("T", dims(0, 1, -2, -1), 1); // tesla: a bare prefix is not a unit
  expectUnit("Ts", kSecond, 1e12);
  expectUnit("hPa", dims(-1, 1, -2, 0), 100);
  expectUnit("min", kSecond, 60);      // minute, not milli-"in"
}

TEST(UnitLookup, UnknownNames) {
  for (const char *name :
       {"", "h", "d", "k", "da", "u", "x", "mmin", "mkg", "kms", "mVs", "V_m",
        "volt", "ss", "s2", "mV2", "um4", "2", "mu", "\xC2\xB5", "Hz2", "sec"}) {
    EXPECT_FALSE(lookupUnit(name).has_value()) << "'" << name << "'";
    EXPECT_FALSE(isUnitName(name)) << "'" << name << "'";
  }
  EXPECT_TRUE(isUnitName("mV"));
}

} // namespace
