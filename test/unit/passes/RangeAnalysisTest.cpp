//===- RangeAnalysisTest.cpp - Interval analysis of model variables -------===//
#include "PassTestUtil.h"

#include "nsc/passes/RangeAnalysis.h"

#include <gtest/gtest.h>

using namespace nsc;
using namespace nsc::passes;
using nsc::test::PassTest;

namespace {

// A LIF in plain statements: leak towards E_L, reset at threshold, an
// input port whose per-step sum is bounded by the test.
const char *kLif = R"(
model lif:
    parameters:
        E_L mV = -70 mV
        V_th mV = -55 mV
        V_reset mV = -75 mV
        a real = 0.9
    state:
        V mV = -70 mV
        n integer = 0
    input:
        spikes mV <- spike
    output:
        spike
    update:
        V = E_L + a * (V - E_L) + spikes
        n += 1
    onCondition(V >= V_th):
        V = V_reset
        emit_spike()
)";

class RangeTest : public PassTest {
protected:
  RangeResult analyze(RangeOptions o = {}) {
    return analyzeRanges(model(), o, diags);
  }
  ir::VarId var(const std::string &n) { return *model().findVariable(n); }
};

} // namespace

TEST(Interval, Arithmetic) {
  EXPECT_EQ(add(Interval::of(1, 2), Interval::of(-3, 4)), Interval::of(-2, 6));
  EXPECT_EQ(sub(Interval::of(1, 2), Interval::of(-3, 4)), Interval::of(-3, 5));
  EXPECT_EQ(mul(Interval::of(-1, 2), Interval::of(-3, 4)), Interval::of(-6, 8));
  EXPECT_EQ(div(Interval::of(1, 2), Interval::of(2, 4)), Interval::of(0.25, 1));
  EXPECT_FALSE(div(Interval::of(1, 2), Interval::of(-1, 1)).isBounded()); // divisor spans 0
  EXPECT_EQ(mul(Interval::point(0), Interval::all()), Interval::point(0));  // 0 * inf = 0
  EXPECT_TRUE(Interval::empty().isEmpty());
  EXPECT_EQ(Interval::empty().hull(Interval::point(3)), Interval::point(3));
  EXPECT_EQ(Interval::of(-80, -40).str(), "[-80, -40]");
  EXPECT_EQ(Interval::of(-2, 1).magnitude(), 2);
}

TEST(Interval, ParseRangeOverride) {
  std::string err;
  auto o = parseRangeOverride("V_m=-80mV..-40mV", err);
  ASSERT_TRUE(o) << err;
  EXPECT_EQ(o->name, "V_m");
  EXPECT_EQ(o->lo, -80);
  EXPECT_EQ(o->loUnit, "mV");
  EXPECT_EQ(o->hi, -40);
  o = parseRangeOverride("x=0..2.5e-3", err);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->hi, 2.5e-3);
  EXPECT_TRUE(o->hiUnit.empty());
  EXPECT_FALSE(parseRangeOverride("V_m=-40..-80", err));
  EXPECT_NE(err.find("empty"), std::string::npos);
  EXPECT_FALSE(parseRangeOverride("V_m", err));
  EXPECT_FALSE(parseRangeOverride("=1..2", err));
  EXPECT_FALSE(parseRangeOverride("V=a..b", err));
}

TEST_F(RangeTest, LeakyMembraneWithResetHasAFiniteProvenRange) {
  ASSERT_TRUE(lower(kLif));
  ASSERT_TRUE(run("default"));
  RangeOptions o;
  o.portRanges["spikes"] = Interval::of(0, 2); // at most 2 mV per step
  RangeResult r = analyze(o);
  const VarRange &v = r.var(var("V"));
  // After reset V is -75; the leak keeps it above -75 (E_L + 0.9*(-75+70)
  // = -74.5); below threshold V < -55, one step adds at most 2 mV:
  // V <= -70 + 0.9*15 + 2 = -54.5.
  EXPECT_EQ(v.kind, RangeKind::Proven) << v.why;
  EXPECT_LE(v.range.lo, -75);
  EXPECT_GE(v.range.lo, -76);
  EXPECT_GE(v.range.hi, -54.5);
  EXPECT_LE(v.range.hi, -54.5 + 1e-9);
  // Parameters are their start-up values.
  EXPECT_EQ(r.var(var("a")).range, Interval::point(0.9));
  // The counter grows without bound: widening ends at +inf.
  EXPECT_EQ(r.var(var("n")).kind, RangeKind::Unbounded);
  EXPECT_EQ(r.var(var("n")).range.lo, 0);
}

TEST_F(RangeTest, DefaultPortRangeIsAssumed) {
  ASSERT_TRUE(lower(kLif));
  ASSERT_TRUE(run("default"));
  RangeResult r = analyze();
  EXPECT_EQ(r.ports[0].kind, RangeKind::Assumed);
  EXPECT_EQ(r.var(var("V")).kind, RangeKind::Assumed);
  EXPECT_LE(r.var(var("V")).range.hi, -70 + 0.9 * 15 + 1000 + 1e-9);
}

TEST_F(RangeTest, OverridesWinAndConvertUnits) {
  ASSERT_TRUE(lower(kLif));
  ASSERT_TRUE(run("default"));
  std::string err;
  RangeOptions o;
  o.overrides.push_back(*parseRangeOverride("V=-0.1V..-0.04V", err));
  o.overrides.push_back(*parseRangeOverride("spikes=0..1", err));
  RangeResult r = analyze(o);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.var(var("V")).kind, RangeKind::Override);
  EXPECT_DOUBLE_EQ(r.var(var("V")).range.lo, -100);
  EXPECT_DOUBLE_EQ(r.var(var("V")).range.hi, -40);
  EXPECT_EQ(r.ports[0].range, Interval::of(0, 1));
}

TEST_F(RangeTest, BadOverridesAreErrors) {
  ASSERT_TRUE(lower(kLif));
  ASSERT_TRUE(run("default"));
  std::string err;
  RangeOptions o;
  o.overrides.push_back(*parseRangeOverride("W=0..1", err));
  o.overrides.push_back(*parseRangeOverride("V=0pA..1pA", err));
  RangeResult r = analyze(o);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(hasDiag(Severity::Error, "'W', which is not a variable or port"));
  EXPECT_TRUE(hasDiag(Severity::Error, "'pA' is not a unit of 'mV'"));
}

TEST_F(RangeTest, GuardsClampAndAreAssumed) {
  ASSERT_TRUE(lower(R"(
model drift:
    state:
        x real = 0 [[x <= 10]]
    update:
        x += 1
)"));
  ASSERT_TRUE(run("default"));
  RangeResult r = analyze();
  const VarRange &x = r.var(var("x"));
  EXPECT_EQ(x.range, Interval::of(0, 10));
  EXPECT_EQ(x.kind, RangeKind::Assumed);
  EXPECT_NE(x.why.find("guard"), std::string::npos);
}

TEST_F(RangeTest, ExactPropagatorsAreStartUpPoints) {
  ASSERT_TRUE(lower(R"(
model decay:
    parameters:
        tau ms = 10 ms
    state:
        I pA = 100 pA
    equations:
        I' = -I / tau
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("default"));
  RangeResult r = analyze();
  const VarRange &i = r.var(var("I"));
  EXPECT_EQ(i.kind, RangeKind::Proven);
  EXPECT_EQ(i.range.hi, 100);
  EXPECT_GE(i.range.lo, 0);
}
