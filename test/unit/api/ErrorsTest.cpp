//===- ErrorsTest.cpp - Bad names and numeric trouble throw, never crash --===//
#include "TestModels.h"

#include <nsc/nsc.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

nsc::Model compileSmall() {
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  return nsc::Compiler(o).compileString(nsc::test::kSmallNetwork, "small.nrn");
}

/// Runs `fn`, expecting an nsc::ArgumentError whose what() contains `text`.
template <class Fn> void expectArgumentError(Fn fn, const std::string &text) {
  try {
    fn();
    ADD_FAILURE() << "expected nsc::ArgumentError containing \"" << text << "\"";
  } catch (const nsc::ArgumentError &e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].severity, nsc::Message::Severity::Error);
  }
}

TEST(ApiErrors, UnknownNetworkAndModel) {
  nsc::Model m = compileSmall();
  expectArgumentError([&] { m.simulate("big"); }, "no network named 'big' (networks: 'small')");
  expectArgumentError([&] { m.simulateModel("iaf"); }, "no neuron model named 'iaf' (did you mean 'lif'?) (models: 'lif')");
  expectArgumentError([&] { m.simulateModel("lif", 0); }, "number of neurons");
}

TEST(ApiErrors, SourceWithoutNetworkNeedsAModelName) {
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  std::string src = nsc::test::kSmallNetwork;
  nsc::Model m = nsc::Compiler(o).compileString(src.substr(0, src.find("\nnetwork")), "lif.nrn");
  EXPECT_TRUE(m.networks().empty());
  expectArgumentError([&] { m.simulate(); }, "declares no network");
  // Single-model simulations do not show up as networks of the source.
  m.simulateModel("lif", 2);
  EXPECT_TRUE(m.networks().empty());
}

TEST(ApiErrors, BadSingleModelSetup) {
  nsc::Model m = compileSmall();
  nsc::ModelSetup s;
  s.initialValues = {{"V_x", 1.0}};
  expectArgumentError([&] { m.simulateModel("lif", s); }, "no parameter or state variable 'V_x'");
  s.initialValues = {{"decay", 1.0}}; // an internal
  expectArgumentError([&] { m.simulateModel("lif", s); }, "'decay'");
  s.initialValues.clear();
  s.spikeInputs.push_back({"nope", {1.0}, 1.0});
  expectArgumentError([&] { m.simulateModel("lif", s); }, "no spike input port 'nope'");
  s.spikeInputs.clear();
  s.currentInputs.push_back({"spikes", 1.0}); // a spike port, not continuous
  expectArgumentError([&] { m.simulateModel("lif", s); }, "no continuous input port 'spikes'");
}

TEST(ApiErrors, BadNamesOnASimulation) {
  nsc::Simulation sim = compileSmall().simulate();
  expectArgumentError([&] { sim.get("inh", "V_m"); }, "no population named 'inh' (populations: 'noise', 'exc')");
  expectArgumentError([&] { sim.get("exc", "V_x"); }, "model 'lif' has no variable 'V_x'");
  expectArgumentError([&] { sim.get("noise", "rate"); }, "'noise' is a poisson_generator");
  expectArgumentError([&] { sim.set("exc", "V_x", 1.0); }, "has no variable 'V_x'");
  expectArgumentError([&] { sim.populationIndex("x"); }, "no population named 'x'");
  expectArgumentError([&] { sim.variables("x"); }, "no population named 'x'");
  expectArgumentError([&] { sim.trace("spikes_exc"); }, "recorders: 'vtrace'");
  // None of this changed the simulation.
  EXPECT_EQ(sim.steps(), 0u);
  sim.run(1.0);
  EXPECT_EQ(sim.steps(), 10u);
}

TEST(ApiErrors, BadValues) {
  nsc::Simulation sim = compileSmall().simulate();
  std::vector<double> before = sim.get("exc", "V_m");
  expectArgumentError([&] { sim.set("exc", "V_m", std::vector<double>(7, -60.0)); }, "expected 1 or 50 values");
  expectArgumentError([&] { sim.set("exc", "V_m", std::nan("")); }, "non-finite value");
  expectArgumentError([&] { sim.set("exc", "V_m", std::numeric_limits<double>::infinity()); }, "non-finite");
  EXPECT_EQ(sim.get("exc", "V_m"), before);
  expectArgumentError([&] { sim.run(-1.0); }, "non-negative");
  expectArgumentError([&] { sim.run(std::nan("")); }, "non-negative");
  EXPECT_EQ(sim.steps(), 0u);
}

TEST(ApiErrors, MovedFromHandlesThrow) {
  nsc::Model m = compileSmall();
  nsc::Model moved = std::move(m);
  expectArgumentError([&] { m.networks(); }, "moved-from nsc::Model");
  expectArgumentError([&] { m.simulate(); }, "moved-from nsc::Model");
  nsc::Simulation sim = moved.simulate();
  nsc::Simulation other = std::move(sim);
  expectArgumentError([&] { sim.step(); }, "moved-from nsc::Simulation");
  expectArgumentError([&] { sim.spikes(); }, "moved-from nsc::Simulation");
  sim = moved.simulate(); // assignable again
  sim.step();
  other.step();
  EXPECT_EQ(sim.steps(), other.steps());
  m = moved; // copies share the compiled model
  EXPECT_EQ(m.networks(), moved.networks());
}

TEST(ApiErrors, NumericTroubleIsASimulationError) {
  const char *src = "model blowup:\n"
                    "    state:\n"
                    "        x real = 1\n"
                    "    update:\n"
                    "        x = x * 1e200\n";
  for (nsc::Target target : {nsc::Target::Interp, nsc::Target::Cpu}) {
    SCOPED_TRACE(nsc::targetName(target));
    nsc::CompilerOptions o;
    o.target = target;
    nsc::Simulation sim = nsc::Compiler(o).compileString(src, "blowup.nrn").simulateModel("blowup", 2);
    try {
      sim.run(1.0);
      FAIL() << "expected nsc::SimulationError";
    } catch (const nsc::SimulationError &e) {
      ASSERT_FALSE(e.diagnostics().empty());
      const nsc::Message &d = e.diagnostics()[0];
      EXPECT_NE(d.message.find("'x' of blowup[0] became infinite"), std::string::npos) << d.message;
      EXPECT_EQ(nsc::locationOf(d), "blowup.nrn:1:7");
    }
    // The run stopped at the failing step (x overflows in the second).
    EXPECT_EQ(sim.steps(), 2u);
    // Reset recovers; the next failure is reported again.
    sim.reset();
    EXPECT_EQ(sim.get("blowup", "x"), std::vector<double>(2, 1.0));
    sim.step();
    EXPECT_THROW(sim.step(), nsc::SimulationError);
  }
}

} // namespace
