//===- QuantizeTest.cpp - The quantize pass and per-variable formats ------===//
#include "PassTestUtil.h"

#include "nsc/ir/FixedPoint.h"
#include "nsc/ir/IRWalk.h"
#include "nsc/passes/NetworkRanges.h"
#include "nsc/passes/Quantize.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nsc;
using namespace nsc::passes;
using nsc::test::PassTest;

namespace {

ir::Precision q(int m, int n) { return ir::Precision::fixed(m, n); }

// A LIF in plain statements (as RangeAnalysisTest's), precision set by the test.
std::string lif(const std::string &precision, const std::string &network = "") {
  return R"(
model lif:
    parameters:
        E_L mV = -70 mV
        V_th mV = -55 mV
        V_reset mV = -75 mV
        a real = 0.9
    state:
        V mV = -70 mV
    input:
        spikes mV <- spike
    output:
        spike
    update:
        V = E_L + a * (V - E_L) + spikes
    onCondition(V >= V_th):
        V = V_reset
        emit_spike()
    semantics:
        precision = )" +
         precision + "\n" + network;
}

class QuantizeTest : public PassTest {
protected:
  ir::Variable &var(const std::string &n) { return model().variables[*model().findVariable(n)]; }
  /// Every fixed-point expression node of the run-time code.
  std::vector<const ir::Expr *> runTimeNodes() {
    std::vector<const ir::Expr *> out;
    auto collect = [&](ir::ExprPtr &root) {
      if (root)
        forEachNode(*root, [&](const ir::Expr &e) {
          if (e.type.kind == ir::TypeKind::Real && e.type.precision.kind == ir::Precision::Fixed)
            out.push_back(&e);
        });
    };
    for (ir::Block *b : modelBlocks(model()))
      forEachStmt(*b, [&](ir::Stmt &s) { forEachStmtExpr(s, collect); });
    for (ir::OnCondition &c : model().onCondition)
      collect(c.cond);
    return out;
  }
};

} // namespace

TEST(ChooseFixedFormat, MostFractionBitsThatHoldTheRange) {
  const ir::Precision w16 = q(8, 8), w32 = q(16, 16);
  // An exact value needs no headroom: 0.995 fits Q1.15.
  EXPECT_EQ(chooseFixedFormat(Interval::point(0.995), true, w16), q(1, 15));
  // 0.99999 rounds to 1.0 in Q1.15, which saturates: Q2.14.
  EXPECT_EQ(chooseFixedFormat(Interval::point(0.99999), true, w16), q(2, 14));
  EXPECT_EQ(chooseFixedFormat(Interval::point(-1), true, w16), q(1, 15)); // -1 is Q1.15's minimum
  EXPECT_EQ(chooseFixedFormat(Interval::point(-60), true, w32), q(7, 25));
  // A computed range gets 1/16 of its magnitude as headroom: [-60, -50]
  // needs [-63.75, -46.25], Q7 holds [-64, 64); [0, 61] needs 64.8: Q8.
  EXPECT_EQ(chooseFixedFormat(Interval::of(-60, -50), false, w16), q(7, 9));
  EXPECT_EQ(chooseFixedFormat(Interval::of(0, 61), false, w16), q(8, 8));
  EXPECT_EQ(chooseFixedFormat(Interval::of(0, 0), false, w16), q(1, 15));
  // Nothing of 16 bits holds 1e6: all integer bits (the pass then warns).
  EXPECT_EQ(chooseFixedFormat(Interval::of(0, 1e6), false, w16), q(16, 0));
  // Unknown ranges keep the model's format.
  EXPECT_EQ(chooseFixedFormat(Interval::all(), false, w16), w16);
  EXPECT_EQ(chooseFixedFormat(Interval::of(0, INFINITY), false, w16), w16);
  EXPECT_EQ(chooseFixedFormat(Interval::empty(), false, w16), w16);
  // The modes are the model's.
  ir::Precision tz = ir::Precision::fixed(8, 8, ir::Rounding::TowardZero, ir::Overflow::Wrap);
  ir::Precision got = chooseFixedFormat(Interval::point(0.5), true, tz);
  EXPECT_EQ(got.rounding, ir::Rounding::TowardZero);
  EXPECT_EQ(got.overflow, ir::Overflow::Wrap);
}

TEST(NetworkRangesTest, PoissonMultiplicityBound) {
  EXPECT_EQ(poissonMultiplicityBound(0), 0u);
  // 5 Hz at 0.1 ms: lambda = 5e-4, P(n > 3) ~ lambda^4/24 = 2.6e-15, P(n > 4) ~ 2.6e-19.
  EXPECT_EQ(poissonMultiplicityBound(5e-4), 4u);
  unsigned k = poissonMultiplicityBound(10);
  EXPECT_GT(k, 30u);
  EXPECT_LT(k, 60u);
}

TEST_F(QuantizeTest, UniformModelKeepsOneFormatAndChecksRanges) {
  ASSERT_TRUE(lower(lif("fixed(Q8.8)")));
  options.ranges = {"spikes=0..2"};
  ASSERT_TRUE(run("default")) << dump();
  for (const ir::Expr *e : runTimeNodes())
    EXPECT_EQ(e->type.precision, q(8, 8));
  EXPECT_EQ(var("V").type.precision, q(8, 8));
  EXPECT_FALSE(hasDiag(Severity::Warning, "does not fit")) << dump();
}

TEST_F(QuantizeTest, RangeBeyondTheFormatWarns) {
  ASSERT_TRUE(lower(lif("fixed(Q6.10)")));
  options.ranges = {"spikes=0..2"};
  ASSERT_TRUE(run("default")) << dump();
  // V reaches -75 mV; Q6.10 holds [-32, 32).
  EXPECT_TRUE(hasDiag(Severity::Warning, "range of 'V' [-75")) << dump();
  EXPECT_TRUE(hasDiag(Severity::Warning, "does not fit Q6.10")) << dump();
}

TEST_F(QuantizeTest, HoistsStartupMathAndRejectsRunTimeTranscendentals) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        tau real = 10
    state:
        x real = 1
    update:
        x = x * exp(-0.1 / tau)
    semantics:
        precision = fixed(Q16.16)
)"));
  ASSERT_TRUE(run("default")) << dump();
  EXPECT_TRUE(model().findVariable("q.exp0"));
  EXPECT_NE(log.str().find("moved 1 start-up expressions to internals"), std::string::npos) << log.str();
  EXPECT_EQ(var("q.exp0").role, ir::VarRole::Internal);

  module.reset();
  program.files.clear();
  ASSERT_TRUE(lower(R"(
model m2:
    state:
        x real = 1
    update:
        x = exp(x)
    semantics:
        precision = fixed(Q16.16)
)"));
  EXPECT_FALSE(run("default"));
  EXPECT_TRUE(hasDiag(Severity::Error, "exp() of 'x' has no fixed-point definition")) << dump();
}

TEST_F(QuantizeTest, ConstantsThatVanishOrSaturateWarn) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        big real = 1000
    state:
        x real = 1
    update:
        x = x * 0.001 + big
    semantics:
        precision = fixed(Q8.8)
)"));
  options.ranges = {"x=0..100"};
  ASSERT_TRUE(run("default")) << dump();
  EXPECT_TRUE(hasDiag(Severity::Warning, "constant 0.001 becomes 0 in Q8.8")) << dump();
  EXPECT_TRUE(hasDiag(Severity::Warning, "the start-up value of 'big' (1000) saturates")) << dump();
}

TEST_F(QuantizeTest, PerVariableFormatsFollowTheRanges) {
  ASSERT_TRUE(lower(lif("fixed(Q8.8, formats = per_variable)")));
  EXPECT_EQ(model().semantics.fixedFormats, ir::FixedFormats::PerVariable);
  options.ranges = {"spikes=0..2"};
  ASSERT_TRUE(run("default", true)) << dump();
  EXPECT_NE(log.str().find("values their own fixed-point format"), std::string::npos) << log.str();
  // a = 0.9 is exact: Q1.15. V in [-75, -54.5] with headroom 79.7: Q8.8.
  // Parameters -70, -55, -75 mV: Q8.8 (Q7 stops at -64).
  EXPECT_EQ(var("a").type.precision, q(1, 15));
  EXPECT_EQ(var("V").type.precision, q(8, 8));
  EXPECT_EQ(var("E_L").type.precision, q(8, 8));
  // The port [0, 2] with headroom 2.125: Q3.13.
  EXPECT_EQ(model().ports[0].type.precision, q(3, 13));
  // Every run-time value is 16 bits; reads carry their variable's format;
  // some intermediate has a format other than the model's.
  bool other = false;
  for (const ir::Expr *e : runTimeNodes()) {
    EXPECT_EQ(e->type.precision.totalBits(), 16);
    if (auto *r = ir::dyn_cast<ir::VarRef>(e))
      EXPECT_EQ(e->type.precision, model().variables[r->var].type.precision);
    other = other || !(e->type.precision == q(8, 8));
  }
  EXPECT_TRUE(other);
  // At the start of a step V is in [-75, -55] (below threshold or reset),
  // so V - E_L lies in [-5, 15]: with headroom 15.94, Q5.11.
  bool found = false;
  for (const ir::Expr *e : runTimeNodes())
    if (auto *b = ir::dyn_cast<ir::Binary>(e); b && b->op == ir::BinaryOp::Sub) {
      EXPECT_EQ(e->type.precision, q(5, 11));
      found = true;
    }
  EXPECT_TRUE(found);
  EXPECT_NE(text().find("param %a : real:fixed<Q1.15"), std::string::npos) << text();
  EXPECT_FALSE(hasDiag(Severity::Warning, "does not fit")) << dump();
}

TEST_F(QuantizeTest, PortRangesComeFromTheNetwork) {
  // Two spikes of one spike_generator in the same step (multiplicity 2),
  // one_to_one at 3 mV: the port sum is at most 6 mV, proven; a Poisson
  // source into the second population makes its bound assumed.
  ASSERT_TRUE(lower(lif("fixed(Q16.16)", R"(
network net:
    gen = spike_generator(times = [1 ms, 1 ms, 2 ms])
    noise = poisson_generator(rate = 5 Hz)
    a = lif(V = uniform(-80 mV, -60 mV))
    connect gen -> a: all_to_all, weight = 3 mV, port = spikes
)")));
  NetworkRanges nr = networkRanges(*module, model());
  EXPECT_EQ(nr.populations, 1u);
  ASSERT_TRUE(nr.ports.count("spikes"));
  EXPECT_EQ(nr.ports["spikes"].range, Interval::of(0, 6));
  EXPECT_EQ(nr.ports["spikes"].kind, RangeKind::Proven);
  EXPECT_EQ(nr.inits["V"], Interval::of(-80, -60));

  options.explainQuantization = true;
  ASSERT_TRUE(run("default")) << dump();
  EXPECT_NE(log.str().find("spikes"), std::string::npos);
  EXPECT_NE(log.str().find("network:"), std::string::npos) << log.str();
  // The population's initial values widen V's range below -75.
  ASSERT_TRUE(module);
}

TEST_F(QuantizeTest, PoissonInputIsAssumed) {
  ASSERT_TRUE(lower(lif("fixed(Q16.16)", R"(
network net:
    noise = poisson_generator[10](rate = 5 Hz)
    a = lif[2]
    connect noise -> a: all_to_all, weight = 0.5 mV, port = spikes
)")));
  NetworkRanges nr = networkRanges(*module, model());
  ASSERT_TRUE(nr.ports.count("spikes"));
  // 10 sources x 0.5 mV x multiplicity 4.
  EXPECT_EQ(nr.ports["spikes"].range, Interval::of(0, 20));
  EXPECT_EQ(nr.ports["spikes"].kind, RangeKind::Assumed);
}

TEST_F(QuantizeTest, WithoutANetworkPortsUseTheDefault) {
  ASSERT_TRUE(lower(lif("fixed(Q16.16)")));
  EXPECT_TRUE(networkRanges(*module, model()).ports.empty());
  options.explainQuantization = true;
  ASSERT_TRUE(run("default")) << dump();
  EXPECT_NE(log.str().find("default spike sum per step"), std::string::npos) << log.str();
}
