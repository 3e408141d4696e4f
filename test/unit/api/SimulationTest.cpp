//===- SimulationTest.cpp - run/step/get/set/reset semantics --------------===//
#include "TestModels.h"

#include <nsc/nsc.h>

#include <gtest/gtest.h>

#include <cmath>

namespace {

nsc::Model compileSmall(nsc::Target target = nsc::Target::Interp) {
  nsc::CompilerOptions o;
  o.target = target;
  return nsc::Compiler(o).compileString(nsc::test::kSmallNetwork, "small.nrn");
}

bool sameSpikes(const std::vector<nsc::Spike> &a, const std::vector<nsc::Spike> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].step != b[i].step || a[i].population != b[i].population || a[i].index != b[i].index ||
        a[i].time_ms != b[i].time_ms)
      return false;
  return true;
}

TEST(ApiSimulation, StartsAtZeroWithPopulations) {
  nsc::Simulation sim = compileSmall().simulate();
  EXPECT_EQ(sim.steps(), 0u);
  EXPECT_EQ(sim.time_ms(), 0.0);
  EXPECT_DOUBLE_EQ(sim.dt_ms(), 0.1);
  ASSERT_EQ(sim.populations().size(), 2u);
  EXPECT_EQ(sim.populations()[0].name, "noise");
  EXPECT_EQ(sim.populations()[0].model, "poisson_generator");
  EXPECT_TRUE(sim.populations()[0].isSource);
  EXPECT_EQ(sim.populations()[1].name, "exc");
  EXPECT_EQ(sim.populations()[1].model, "lif");
  EXPECT_EQ(sim.populations()[1].size, 50u);
  EXPECT_EQ(sim.populationIndex("exc"), 1u);
  EXPECT_TRUE(sim.spikes().empty());
  // The network's figures are known before the first step.
  nsc::Stats st = sim.stats();
  EXPECT_EQ(st.neurons, 50u);
  EXPECT_GT(st.synapses, 0u);
  EXPECT_GT(st.bytesPerSynapse, 0.0);
  EXPECT_EQ(st.target, "interp");
}

TEST(ApiSimulation, RunEqualsSteppingOneAtATime) {
  nsc::Model model = compileSmall();
  nsc::Simulation a = model.simulate("small");
  a.run(50.0);
  nsc::Simulation b = model.simulate("small");
  for (int i = 0; i < 500; ++i)
    b.step();
  EXPECT_EQ(a.steps(), 500u);
  EXPECT_EQ(b.steps(), 500u);
  EXPECT_DOUBLE_EQ(a.time_ms(), 50.0);
  ASSERT_FALSE(a.spikes().empty());
  EXPECT_TRUE(sameSpikes(a.spikes(), b.spikes()));
  EXPECT_EQ(a.get("exc", "V_m"), b.get("exc", "V_m"));
  // run() continues where the last call stopped.
  a.run(10.0);
  b.step(100);
  EXPECT_EQ(a.steps(), 600u);
  EXPECT_TRUE(sameSpikes(a.spikes(), b.spikes()));
}

TEST(ApiSimulation, SpikesAreOrderedAndStamped) {
  nsc::Simulation sim = compileSmall().simulate();
  sim.run(30.0);
  const auto &s = sim.spikes();
  ASSERT_FALSE(s.empty());
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_DOUBLE_EQ(s[i].time_ms, double(s[i].step + 1) * 0.1);
    EXPECT_LT(s[i].population, 2u);
    EXPECT_LT(s[i].index, s[i].population == 0 ? 20u : 50u);
    if (i) {
      const auto &p = s[i - 1];
      bool ordered = p.step < s[i].step || (p.step == s[i].step && (p.population < s[i].population ||
                                                                    (p.population == s[i].population && p.index < s[i].index)));
      EXPECT_TRUE(ordered) << "spike " << i;
    }
  }
  uint64_t excSpikes = 0;
  for (const auto &sp : s)
    excSpikes += sp.population == 1;
  EXPECT_EQ(sim.stats().spikes, excSpikes); // stats count model populations only
  EXPECT_EQ(sim.stats().populations[1].spikes, excSpikes);
}

TEST(ApiSimulation, GetReturnsEveryNeuronInTheDeclaredUnit) {
  nsc::Simulation sim = compileSmall().simulate();
  std::vector<double> v = sim.get("exc", "V_m");
  ASSERT_EQ(v.size(), 50u);
  for (double x : v) { // uniform(-70 mV, -55 mV), in mV
    EXPECT_GE(x, -70.0);
    EXPECT_LT(x, -55.0);
  }
  EXPECT_EQ(sim.get("exc", "tau_m"), std::vector<double>(50, 10.0));
  EXPECT_EQ(sim.get("exc", "count"), std::vector<double>(50, 0.0)); // integer state
  std::vector<double> decay = sim.get("exc", "decay");              // internal
  EXPECT_DOUBLE_EQ(decay[0], std::exp(-0.1 / 10.0));
  std::vector<double> out(3, 99.0);
  sim.get("exc", "V_m", out);
  EXPECT_EQ(out, v);
}

TEST(ApiSimulation, VariablesDescribeRolesAndUnits) {
  nsc::Simulation sim = compileSmall().simulate();
  std::vector<nsc::VariableInfo> vars = sim.variables("exc");
  auto find = [&](const std::string &n) -> const nsc::VariableInfo * {
    for (const auto &v : vars)
      if (v.name == n)
        return &v;
    return nullptr;
  };
  ASSERT_NE(find("V_m"), nullptr);
  EXPECT_EQ(find("V_m")->role, "state");
  EXPECT_EQ(find("V_m")->unit, "mV");
  EXPECT_EQ(find("V_m")->type, "real");
  ASSERT_NE(find("tau_m"), nullptr);
  EXPECT_EQ(find("tau_m")->role, "parameter");
  EXPECT_EQ(find("tau_m")->unit, "ms");
  ASSERT_NE(find("count"), nullptr);
  EXPECT_EQ(find("count")->type, "integer");
  ASSERT_NE(find("decay"), nullptr);
  EXPECT_EQ(find("decay")->role, "internal");
  EXPECT_EQ(find("decay")->unit, "");
}

TEST(ApiSimulation, SetStateChangesTheTrajectory) {
  nsc::Simulation sim = compileSmall().simulate();
  std::vector<double> v(50);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = -60.0 - double(i) * 0.1;
  sim.set("exc", "V_m", v);
  EXPECT_EQ(sim.get("exc", "V_m"), v);
  sim.set("exc", "V_m", -49.0); // above threshold: everyone fires in step 0
  sim.step();
  uint64_t fired = 0;
  for (const auto &s : sim.spikes())
    fired += s.population == 1 && s.step == 0;
  EXPECT_EQ(fired, 50u);
  EXPECT_EQ(sim.get("exc", "count"), std::vector<double>(50, 1.0));
}

TEST(ApiSimulation, SetParameterChangesBehaviour) {
  nsc::Model model = compileSmall();
  nsc::Simulation base = model.simulate();
  base.run(100.0);
  nsc::Simulation driven = model.simulate();
  // Suprathreshold bias: E_L + I_e = -35 mV > V_th, every neuron fires
  // on its own, far more often than with the noise alone.
  driven.set("exc", "I_e", 30.0);
  EXPECT_EQ(driven.get("exc", "I_e"), std::vector<double>(50, 30.0));
  driven.run(100.0);
  EXPECT_GT(driven.stats().spikes, base.stats().spikes + 500);
  // A parameter an internal depends on: the internal is recomputed.
  driven.set("exc", "tau_m", 20.0);
  EXPECT_DOUBLE_EQ(driven.get("exc", "decay")[0], std::exp(-0.1 / 20.0));
}

TEST(ApiSimulation, ResetReproducesTheFirstRunExactly) {
  nsc::Simulation sim = compileSmall().simulate();
  std::vector<double> v0 = sim.get("exc", "V_m");
  sim.run(80.0);
  std::vector<nsc::Spike> first = sim.spikes();
  std::vector<double> v1 = sim.get("exc", "V_m");
  nsc::Stats s1 = sim.stats();
  ASSERT_GT(first.size(), 20u);
  sim.reset();
  EXPECT_EQ(sim.steps(), 0u);
  EXPECT_TRUE(sim.spikes().empty());
  EXPECT_EQ(sim.stats().spikes, 0u);
  EXPECT_EQ(sim.get("exc", "V_m"), v0); // the same random initial values
  sim.run(80.0);
  EXPECT_TRUE(sameSpikes(first, sim.spikes()));
  EXPECT_EQ(sim.get("exc", "V_m"), v1);
  EXPECT_EQ(sim.stats().spikes, s1.spikes);
}

TEST(ApiSimulation, ResetForgetsOrKeepsParameterChanges) {
  nsc::Simulation sim = compileSmall().simulate();
  sim.set("exc", "I_e", 30.0);
  sim.run(20.0);
  sim.reset(/*keepParameters=*/true);
  EXPECT_EQ(sim.get("exc", "I_e"), std::vector<double>(50, 30.0));
  sim.reset();
  EXPECT_EQ(sim.get("exc", "I_e"), std::vector<double>(50, 10.0));
}

TEST(ApiSimulation, SimulationOutlivesItsModel) {
  nsc::Simulation sim = [] {
    nsc::Model m = compileSmall();
    return m.simulate();
  }();
  sim.run(10.0);
  EXPECT_EQ(sim.steps(), 100u);
}

TEST(ApiSimulation, SingleModelWithInputs) {
  nsc::Model model = compileSmall();
  nsc::ModelSetup setup;
  setup.n = 3;
  setup.initialValues = {{"I_e", 0.0}, {"V_m", -65.0}};
  setup.spikeInputs.push_back({"spikes", {1.0, 2.0}, 17.0}); // 17 mV kicks
  nsc::Simulation sim = model.simulateModel("lif", setup);
  ASSERT_EQ(sim.populations().size(), 2u); // the neurons, then the input generator
  EXPECT_EQ(sim.populations()[0].name, "lif");
  EXPECT_EQ(sim.get("lif", "V_m"), std::vector<double>(3, -65.0));
  sim.run(5.0);
  // The first kick (-65 + 17 > V_th) makes all three fire; the second
  // finds them near V_reset (-70 + 17 < V_th).
  EXPECT_EQ(sim.stats().spikes, 3u);
  nsc::Simulation plain = model.simulateModel("lif", 4);
  EXPECT_EQ(plain.get("lif", "V_m").size(), 4u);
}

TEST(ApiSimulation, RecorderTraces) {
  nsc::Simulation sim = compileSmall().simulate();
  EXPECT_EQ(sim.recorders(), std::vector<std::string>{"vtrace"});
  EXPECT_EQ(sim.trace("vtrace").rows(), 0u);
  sim.run(10.0); // samples every 1 ms of neurons 0..2
  nsc::Trace t = sim.trace("vtrace");
  EXPECT_EQ(t.label, "vtrace");
  EXPECT_EQ(t.population, "exc");
  EXPECT_EQ(t.variables, std::vector<std::string>{"V_m"});
  ASSERT_EQ(t.rows(), 30u);
  EXPECT_DOUBLE_EQ(t.time_ms[0], 1.0);
  EXPECT_EQ(t.index[0], 0u);
  EXPECT_EQ(t.index[2], 2u);
  EXPECT_DOUBLE_EQ(t.time_ms[29], 10.0);
  // The last samples are the current state.
  std::vector<double> v = sim.get("exc", "V_m");
  EXPECT_EQ(t.value(27, 0), v[0]);
  EXPECT_EQ(t.value(29, 0), v[2]);
  sim.clearTraces();
  EXPECT_EQ(sim.trace("vtrace").rows(), 0u);
  sim.run(2.0);
  EXPECT_EQ(sim.trace("vtrace").rows(), 6u);
}

TEST(ApiSimulation, ClearSpikesKeepsCounts) {
  nsc::Simulation sim = compileSmall().simulate();
  sim.run(30.0);
  uint64_t n = sim.stats().spikes;
  ASSERT_GT(n, 0u);
  sim.clearSpikes();
  EXPECT_TRUE(sim.spikes().empty());
  EXPECT_EQ(sim.stats().spikes, n);
  sim.run(30.0);
  ASSERT_FALSE(sim.spikes().empty());
  EXPECT_GE(sim.spikes().front().step, 300u);
}

TEST(ApiSimulation, StatsAfterARun) {
  nsc::Model model = compileSmall();
  nsc::Simulation sim = model.simulate();
  sim.run(100.0);
  nsc::Stats st = sim.stats();
  EXPECT_EQ(st.steps, 1000u);
  EXPECT_DOUBLE_EQ(st.time_ms, 100.0);
  EXPECT_EQ(st.neurons, 50u);
  EXPECT_GT(st.run_ms, 0.0);
  EXPECT_GE(st.build_ms, 0.0);
  EXPECT_GT(st.connect_ms, 0.0); // the network has a projection
  EXPECT_LE(st.connect_ms, st.build_ms);
  EXPECT_EQ(st.compile_ms, model.compile_ms());
  ASSERT_EQ(st.populations.size(), 2u);
  EXPECT_NEAR(st.meanRate_hz, double(st.spikes) / 50.0 / 0.1, 1e-9);
  EXPECT_NEAR(st.populations[0].rate_hz, 50.0, 15.0); // the Poisson sources
}

// Guards (docs/semantics.md R39): a value set through the API that breaks
// one is refused with a message naming it, and nothing changes.
TEST(ApiSimulation, SetRefusesValuesThatBreakAGuard) {
  const char *src = R"(model g:
    parameters:
        tau_m ms = 10 ms [[tau_m > 0 ms]]
    state:
        V_m mV = -70 mV [[V_m >= -90 mV]]
    equations:
        V_m' = (-70 mV - V_m) / tau_m
    update:
        integrate_odes()

network net:
    a = g[3]
)";
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  nsc::Simulation sim = nsc::Compiler(o).compileString(src, "guards.nrn").simulate();
  auto refused = [&](const char *variable, const std::vector<double> &values) -> std::string {
    try {
      sim.set("a", variable, values);
    } catch (const nsc::ArgumentError &e) {
      return e.what();
    }
    return "";
  };
  std::string m = refused("tau_m", {-5.0});
  EXPECT_NE(m.find("parameter 'tau_m' of population 'a' (neuron 0) is -5"), std::string::npos) << m;
  EXPECT_NE(m.find("[[tau_m > 0 ms]]"), std::string::npos) << m;
  EXPECT_EQ(sim.get("a", "tau_m"), std::vector<double>(3, 10.0));
  m = refused("V_m", {-70.0, -80.0, -95.0});
  EXPECT_NE(m.find("state variable 'V_m' of population 'a' (neuron 2) is -95"), std::string::npos) << m;
  EXPECT_EQ(sim.get("a", "V_m"), std::vector<double>(3, -70.0));
  // Values within the guards are taken.
  sim.set("a", "tau_m", 20.0);
  sim.set("a", "V_m", {-70.0, -80.0, -85.0});
  sim.run(1.0);
  EXPECT_EQ(sim.steps(), 10u);
}

} // namespace
