//===- SingleModelNetworkTest.cpp - --model runs as a lowered network -----===//
#include "LoweringTestUtil.h"

#include "nsc/frontend/SingleModelNetwork.h"

using namespace nsc;
using nsc::test::LoweringTest;

namespace {

const char *kModel = R"(
model lif:
    parameters:
        tau ms = 10 ms
        E_L mV = -70 mV
    state:
        V mV = -70 mV
    input:
        spikes_in <- spike
        I_ext pA <- continuous
    output: spike
    update:
        V = V + (E_L - V) * resolution() / tau
)";

units::Unit unitOf(const char *text) { return *units::parseUnitExpr(text); }

} // namespace

TEST_F(LoweringTest, SingleModelNetworkHasGeneratorsAndConstantInputs) {
  ASSERT_TRUE(lower(kModel)) << dump();
  SingleModelSetup setup;
  setup.model = "lif";
  setup.n = 3;
  setup.params.push_back({"tau", 0.02, unitOf("s"), true});
  setup.spikeInputs.push_back({"spikes_in", {1.0, 2.5}, 2.0, units::Unit{}, false});
  setup.currentInputs.push_back({"I_ext", 0.4, unitOf("nA"), true});
  std::optional<uint32_t> index = addSingleModelNetwork(*module, setup, diags);
  ASSERT_TRUE(index) << dump();
  const ir::Network &net = *module->networks[*index];
  EXPECT_EQ(net.name, "single_lif");
  EXPECT_TRUE(net.singleModel);
  ASSERT_EQ(net.populations.size(), 2u);
  EXPECT_EQ(net.populations[0].size, 3u);
  ASSERT_EQ(net.populations[0].inits.size(), 1u);
  ASSERT_EQ(net.populations[0].constantInputs.size(), 1u);
  EXPECT_DOUBLE_EQ(net.populations[0].constantInputs[0].value, 400.0); // 0.4 nA in pA
  EXPECT_EQ(net.populations[1].kind, ir::PopulationKind::SpikeGenerator);
  ASSERT_EQ(net.projections.size(), 1u);
  EXPECT_EQ(net.projections[0].target.end, 3u);
  EXPECT_TRUE(contains("constant_input I_ext = 400.0")) << text();
  EXPECT_TRUE(contains("init %tau = 20.0")) << text();
  std::vector<std::string> errors;
  EXPECT_TRUE(ir::verifyModule(*module, &errors)) << (errors.empty() ? "" : errors[0]);
  // A single-model network is not one the source names.
  std::string error;
  EXPECT_FALSE(module->findNetwork("single_lif", &error));
  EXPECT_EQ(error, "no network named 'single_lif' (networks: none)");
}

TEST_F(LoweringTest, SingleModelNetworkReportsWhatDoesNotFit) {
  ASSERT_TRUE(lower(kModel)) << dump();
  auto attempt = [&](SingleModelSetup s) {
    diags.clear();
    EXPECT_FALSE(addSingleModelNetwork(*module, s, diags));
    return dump();
  };
  SingleModelSetup base;
  base.model = "lif";
  SingleModelSetup s = base;
  s.model = "nope";
  EXPECT_NE(attempt(s).find("no neuron model named 'nope' (models: 'lif')"), std::string::npos);
  s = base;
  s.params.push_back({"V_x", 1, units::Unit{}, false});
  EXPECT_NE(attempt(s).find("has no parameter or state variable 'V_x'"), std::string::npos);
  s = base;
  s.params.push_back({"tau", 1, unitOf("mV"), true});
  EXPECT_NE(attempt(s).find("--param tau: the value's unit does not match 'ms'"), std::string::npos);
  s = base;
  s.currentInputs.push_back({"spikes_in", 1, units::Unit{}, false});
  EXPECT_NE(attempt(s).find("has no continuous input port 'spikes_in'"), std::string::npos);
  s = base;
  s.spikeInputs.push_back({"I_ext", {1.0}, 1, units::Unit{}, false});
  EXPECT_NE(attempt(s).find("has no spike input port 'I_ext'"), std::string::npos);
  EXPECT_TRUE(module->networks.empty()); // nothing half-built is left behind
}
