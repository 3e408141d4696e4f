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

//===----------------------------------------------------------------------===//
// Trace partitioning (RangePartitions.h) and soundness against float64 runs
//===----------------------------------------------------------------------===//

#include "nsc/eval/ModelExecutor.h"

#include <cmath>
#include <random>

namespace {

// The refractory LIF of examples/cuba.nrn (exact solver): V_m frozen at V_r
// while refr_count > 0, reset when it passes V_th otherwise.
const char *kRefractoryLif = R"(
model cuba_neuron:
    parameters:
        tau_m ms = 20 ms
        tau_e ms = 5 ms
        tau_i ms = 10 ms
        E_L mV = -49 mV
        V_th mV = -50 mV
        V_r mV = -60 mV
        t_ref ms = 5 ms
    state:
        V_m mV = V_r
        g_e mV = 0 mV
        g_i mV = 0 mV
        refr_count integer = 0
    internals:
        refr_steps integer = steps(t_ref)
    equations:
        V_m' = (g_e + g_i - (V_m - E_L)) / tau_m
        g_e' = -g_e / tau_e
        g_i' = -g_i / tau_i
    input:
        exc_spikes mV <- excitatory spike
        inh_spikes mV <- inhibitory spike
    output:
        spike
    update:
        if refr_count > 0:
            refr_count -= 1
            integrate_odes(g_e, g_i)
        else:
            integrate_odes()
    onReceive(exc_spikes):
        g_e += exc_spikes
    onReceive(inh_spikes):
        g_i += inh_spikes
    onCondition(refr_count == 0 and V_m > V_th):
        refr_count = refr_steps
        V_m = V_r
        emit_spike()
)";

// Conditions with `or`, `not`, `!=`, elif chains and two counters.
const char *kGated = R"(
model gated:
    parameters:
        limit integer = 3
    state:
        x real = 0
        c integer = 0
        mode integer = 0
    input:
        drive real <- continuous
    update:
        if not (c >= limit or x > 4):
            x += drive
            c += 1
        elif mode != 1:
            x = 0.5 * x
            c = 0
            mode = 1
        else:
            x = x - 1
            mode = 0
    onCondition(mode == 1 and (x > 2 or c == 0)):
        x = x - 0.5
        c = limit
)";

/// Runs the model in float64 on the reference interpreter with inputs
/// chosen adversarially at the port bounds (and at random inside them) and
/// checks every value every variable takes against the analysis: after
/// update, after each onReceive and after each onCondition against its
/// range, and states at the end of each step against betweenSteps.
/// Returns the number of values checked.
uint64_t simulateAndCheck(const ir::Model &m, const RangeResult &r, const std::vector<Interval> &ports,
                          const std::map<std::string, Interval> &initial, unsigned steps) {
  eval::ModelExecutor ex(m, m.semantics.dtMs);
  std::vector<eval::Value> base(ex.rowSize());
  std::vector<double> portValue(std::max(1u, ex.portSlots()), 0.0);
  {
    eval::NeuronFrame f;
    f.row = base.data();
    f.portValue = portValue.data();
    for (const ir::Variable &v : m.variables)
      if (v.role == ir::VarRole::Local)
        f.cell(ex.slotOf(v.id)).r = std::nan(""); // not checked before assigned
      else if (v.init)
        f.cell(ex.slotOf(v.id)) = ex.evalAs(*v.init, v.type, f);
    ex.exec(m.prepare, f);
  }
  uint64_t checked = 0;
  auto check = [&](eval::NeuronFrame &f, const char *where, uint64_t step, bool boundary) {
    for (const ir::Variable &v : m.variables) {
      if (v.vectorSize || !(v.type.kind == ir::TypeKind::Int || v.type.kind == ir::TypeKind::Real))
        continue;
      eval::Value x = f.cell(ex.slotOf(v.id));
      double d = v.type.kind == ir::TypeKind::Int ? double(x.i) : x.r;
      if (std::isnan(d))
        continue;
      ++checked;
      ASSERT_TRUE(r.var(v.id).range.contains(d))
          << v.name << " = " << d << " " << where << " in step " << step << ", outside the proven "
          << r.var(v.id).range.str() << " (" << r.var(v.id).why << ")";
      if (boundary && v.role == ir::VarRole::State)
        ASSERT_TRUE(r.betweenSteps[v.id].contains(d))
            << v.name << " = " << d << " at the end of step " << step << ", outside " << r.betweenSteps[v.id].str();
    }
  };
  // Per port: always the upper end, always the lower end, blocks of each,
  // the two ends and 0 at random, uniform inside.
  const int kStrategies = 5;
  std::mt19937_64 rng(12345);
  auto pick = [&](int strategy, const Interval &b, uint64_t k) {
    switch (strategy) {
    case 0: return b.hi;
    case 1: return b.lo;
    case 2: return (k / 150) % 2 ? b.lo : b.hi;
    case 3: {
      int c = int(rng() % 3);
      return c == 0 ? b.lo : c == 1 ? b.hi : 0.0;
    }
    default: return std::uniform_real_distribution<double>(b.lo, b.hi)(rng);
    }
  };
  size_t combos = 1;
  for (size_t p = 0; p < ports.size(); ++p)
    combos *= kStrategies;
  // Initial values: the declared ones and the ends of the population's.
  std::vector<std::vector<eval::Value>> starts{base};
  for (auto &[name, iv] : initial) {
    auto v = m.findVariable(name);
    for (double end : {iv.lo, iv.hi}) {
      starts.push_back(base);
      eval::NeuronFrame f;
      f.row = starts.back().data();
      ex.store(*v, end, f);
    }
  }
  for (const std::vector<eval::Value> &s0 : starts)
    for (size_t combo = 0; combo < combos; ++combo) {
      std::vector<eval::Value> row = s0;
      eval::NeuronFrame f;
      f.row = row.data();
      f.portValue = portValue.data();
      for (uint64_t k = 0; k < steps; ++k) {
        f.step = k;
        f.tMs = double(k) * m.semantics.dtMs;
        size_t c = combo;
        for (size_t p = 0; p < ports.size(); ++p, c /= kStrategies)
          portValue[ex.portSlot(uint32_t(p))] = pick(int(c % kStrategies), ports[p], k);
        ex.exec(m.update, f);
        check(f, "after update", k, false);
        for (const ir::OnReceive &h : m.onReceive)
          if (portValue[ex.portSlot(h.port)] != 0) {
            ex.exec(h.body, f);
            check(f, "after onReceive", k, false);
          }
        for (const ir::OnCondition &oc : m.onCondition)
          if (ex.eval(*oc.cond, f).b) {
            ex.exec(oc.body, f);
            check(f, "after onCondition", k, false);
          }
        check(f, "at the end", k, true);
        if (::testing::Test::HasFatalFailure())
          return checked;
      }
    }
  return checked;
}

} // namespace

TEST_F(RangeTest, RefractoryLifIsBoundedByThresholdPlusOneStep) {
  ASSERT_TRUE(lower(kRefractoryLif));
  ASSERT_TRUE(run("default"));
  RangeOptions o;
  o.portRanges["exc_spikes"] = Interval::of(0, 3);
  o.portRanges["inh_spikes"] = Interval::of(-2, 0);
  RangeResult r = analyze(o);
  auto at = [&](const std::string &n) { return r.var(var(n)).range.hi; };
  const VarRange &V = r.var(var("V_m"));
  EXPECT_EQ(V.kind, RangeKind::Proven) << V.why;
  EXPECT_NE(V.why.find("partitioned on refr_count"), std::string::npos) << V.why;
  // Between steps V_m <= V_th: a neuron above it either resets or is
  // refractory, and refractory neurons sit at V_r.
  EXPECT_EQ(r.betweenSteps[var("V_m")].hi, -50);
  // Inside the step, V_m after integration, before the reset, is what the
  // register must hold: at most one step above V_th.
  double oneStep = at("P[V_m,V_m]#1") * -50 + at("P[V_m,g_e]#1") * r.var(var("g_e")).range.hi +
                   at("M[V_m,V_m]#1") * (-49.0 / 20);
  EXPECT_GT(V.range.hi, -50);
  EXPECT_NEAR(V.range.hi, oneStep, 1e-9);
  EXPECT_LT(V.range.hi, -48);
  // Below: the leak against the strongest inhibition, E_L + g_i (in steps).
  double gi = r.var(var("g_i")).range.lo;
  double fix = (at("P[V_m,g_i]#1") * gi + at("M[V_m,V_m]#1") * (-49.0 / 20)) / (1 - at("P[V_m,V_m]#1"));
  EXPECT_LE(V.range.lo, fix);
  EXPECT_GE(V.range.lo, fix - 1e-6 * std::fabs(fix));
  // The counter: 0 .. refr_steps.
  EXPECT_EQ(r.var(var("refr_count")).range, Interval::of(0, 50));
}

TEST_F(RangeTest, RefractoryLifWithLoihiCurrentRanges) {
  // What the Loihi target gives it for cuba: the synaptic variables'
  // densest-input ranges as overrides. V_m was [-1024, 256] mV before the
  // partitioning; now it stops one step above V_th.
  ASSERT_TRUE(lower(kRefractoryLif));
  ASSERT_TRUE(run("default"));
  std::string err;
  RangeOptions o;
  o.overrides.push_back(*parseRangeOverride("g_e=0..258.428", err));
  o.overrides.push_back(*parseRangeOverride("g_i=-675.837..0", err));
  RangeResult r = analyze(o);
  const VarRange &V = r.var(var("V_m"));
  EXPECT_NEAR(V.range.hi, -48.72, 0.01);
  // Sustained inhibition of -675.8 mV really takes V_m towards E_L + g_i.
  EXPECT_LT(V.range.lo, -700);
  EXPECT_GT(V.range.lo, -49 - 675.837 - 1e-6);
}

TEST_F(RangeTest, RefractoryLifRangesHoldInFloat64Runs) {
  ASSERT_TRUE(lower(kRefractoryLif));
  ASSERT_TRUE(run("default"));
  RangeOptions o;
  o.portRanges["exc_spikes"] = Interval::of(0, 3);
  o.portRanges["inh_spikes"] = Interval::of(-2, 0);
  o.initRanges["V_m"] = Interval::of(-60, -50);
  RangeResult r = analyze(o);
  std::vector<Interval> ports{o.portRanges["exc_spikes"], o.portRanges["inh_spikes"]};
  uint64_t n = simulateAndCheck(model(), r, ports, o.initRanges, 3000);
  EXPECT_GT(n, 1000000u);
}

TEST_F(RangeTest, RefractoryLifRangesHoldWithStrongExcitation) {
  // Excitation strong enough to cross V_th from V_r in one step.
  ASSERT_TRUE(lower(kRefractoryLif));
  ASSERT_TRUE(run("default"));
  RangeOptions o;
  o.portRanges["exc_spikes"] = Interval::of(0, 400);
  o.portRanges["inh_spikes"] = Interval::of(-30, 0);
  RangeResult r = analyze(o);
  EXPECT_TRUE(r.var(var("V_m")).range.isBounded());
  simulateAndCheck(model(), r, {o.portRanges["exc_spikes"], o.portRanges["inh_spikes"]}, {}, 2000);
}

TEST_F(RangeTest, LifWithoutCounterRangesHoldInFloat64Runs) {
  ASSERT_TRUE(lower(kLif));
  ASSERT_TRUE(run("default"));
  RangeOptions o;
  o.portRanges["spikes"] = Interval::of(-3, 2);
  RangeResult r = analyze(o);
  // The unbounded counter n is not checked against an end it cannot pass.
  simulateAndCheck(model(), r, {o.portRanges["spikes"]}, {}, 3000);
}

TEST_F(RangeTest, DisjunctionsNegationsAndCountersHoldInFloat64Runs) {
  ASSERT_TRUE(lower(kGated));
  ASSERT_TRUE(run("default"));
  RangeOptions o;
  o.portRanges["drive"] = Interval::of(-1, 3);
  RangeResult r = analyze(o);
  EXPECT_NE(r.var(var("x")).why.find("partitioned on c"), std::string::npos) << r.var(var("x")).why;
  EXPECT_TRUE(r.var(var("x")).range.isBounded()) << r.var(var("x")).range.str();
  EXPECT_EQ(r.var(var("mode")).range, Interval::of(0, 1));
  simulateAndCheck(model(), r, {o.portRanges["drive"]}, {}, 3000);
}
