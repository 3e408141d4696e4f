//===- InjectTest.cpp - Spikes injected between steps (closed loop) -------===//
#include "TestModels.h"

#include <nsc/nsc.h>

#include <gtest/gtest.h>

#include <cmath>

namespace {

nsc::Simulation twoNeurons(nsc::Target target) {
  nsc::CompilerOptions o;
  o.target = target;
  nsc::Model m = nsc::Compiler(o).compileString(nsc::test::kSmallNetwork, "small.nrn");
  return m.simulateModel("lif", 2);
}

double difference(nsc::Simulation &sim) {
  std::vector<double> v = sim.get("lif", "V_m");
  return v[0] - v[1];
}

class ApiInject : public ::testing::TestWithParam<nsc::Target> {};

TEST_P(ApiInject, TheNextStepReadsTheEvents) {
  nsc::Simulation sim = twoNeurons(GetParam());
  // onReceive(spikes): V_m += spikes * decay, after the step's update.
  const double decay = std::exp(-0.1 / 10);
  sim.injectSpikes("lif", "spikes", {0, 0}, {2.0, 3.0});
  sim.step();
  EXPECT_NEAR(difference(sim), 5.0 * decay, 1e-12);
}

TEST_P(ApiInject, DelayedEventsWaitTheirSteps) {
  nsc::Simulation sim = twoNeurons(GetParam());
  sim.injectSpikes("lif", "spikes", {1}, {4.0}, /*delaySteps=*/1);
  sim.step();
  EXPECT_EQ(difference(sim), 0.0);
  sim.step();
  EXPECT_NEAR(-difference(sim), 4.0 * std::exp(-0.1 / 10), 1e-12);
}

TEST_P(ApiInject, RefusesWhatDoesNotFit) {
  nsc::Simulation sim = twoNeurons(GetParam());
  auto refused = [&](auto fn, const std::string &needle) {
    try {
      fn();
      ADD_FAILURE() << "not refused: " << needle;
    } catch (const nsc::ArgumentError &e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  refused([&] { sim.injectSpikes("lif", "nope", {0}); }, "has no scalar spike input port 'nope' (spike ports: 'spikes')");
  refused([&] { sim.injectSpikes("lif", "spikes", {2}); }, "neuron 2 is out of range for population 'lif' of 2");
  refused([&] { sim.injectSpikes("lif", "spikes", {0, 1}, {1.0, 2.0, 3.0}); }, "give one weight, or one per");
  refused([&] { sim.injectSpikes("lif", "spikes", {0}, {NAN}); }, "non-finite weight");
  refused([&] { sim.injectSpikes("lif", "spikes", {0}, {1.0}, 1000); }, "does not fit population 'lif'");
  refused([&] { sim.injectSpikes("spike_input_x", "spikes", {0}); }, "");
  // Nothing of the refused calls arrived.
  sim.step();
  EXPECT_EQ(difference(sim), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Targets, ApiInject, ::testing::Values(nsc::Target::Interp, nsc::Target::Cpu),
                         [](const auto &info) { return std::string(nsc::targetName(info.param)); });

} // namespace
