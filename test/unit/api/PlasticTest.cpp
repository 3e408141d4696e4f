//===- PlasticTest.cpp - Synapse values of plastic projections ------------===//
#include <nsc/nsc.h>

#include <gtest/gtest.h>

namespace {

/// Poisson spikes onto regularly firing neurons through stdp_synapse (from
/// examples/): both pre and post spikes, so the weights move.
const char *kPlastic = R"(import iaf_psc_exp
import stdp_synapse

semantics:
    dt = 0.1 ms
    seed = 3

network plastic:
    pre = poisson_generator[50](rate = 40 Hz)
    post = iaf_psc_exp[20](I_e = 400 pA)
    connect syn: pre -> post: all_to_all, synapse = stdp_synapse(w = 30, w_max = 100, lambda = 0.05, d = 1 ms), port = exc_spikes
    connect pre -> post: all_to_all, weight = 1 pA, port = exc_spikes
)";

nsc::Simulation simulatePlastic() {
  nsc::Compiler c;
  c.options().includeDirs.push_back(NSC_SOURCE_DIR "/examples");
  return c.compileString(kPlastic, "plastic.nrn").simulate();
}

TEST(ApiPlastic, StdpWeightsAreReadableAndChange) {
  nsc::Simulation sim = simulatePlastic();
  EXPECT_EQ(sim.plasticProjections(), std::vector<std::string>{"syn"});
  nsc::SynapseValues w0 = sim.synapses("syn", "w");
  ASSERT_EQ(w0.size(), 50u * 20u);
  ASSERT_EQ(w0.source.size(), w0.size());
  ASSERT_EQ(w0.target.size(), w0.size());
  for (size_t i = 0; i < w0.size(); ++i) {
    EXPECT_EQ(w0.values[i], 30.0);
    EXPECT_EQ(w0.source[i], i / 20); // all_to_all, ordered by source neuron
    EXPECT_EQ(w0.target[i], i % 20);
  }
  sim.run(200.0);
  nsc::SynapseValues w1 = sim.synapses("syn", "w");
  ASSERT_EQ(w1.size(), w0.size());
  EXPECT_EQ(w1.source, w0.source);
  EXPECT_EQ(w1.target, w0.target);
  size_t changed = 0;
  for (size_t i = 0; i < w1.size(); ++i) {
    changed += w1.values[i] != 30.0;
    EXPECT_GE(w1.values[i], 0.0);
    EXPECT_LE(w1.values[i], 100.0); // w_max
  }
  EXPECT_GT(changed, w1.size() / 2);
  sim.reset();
  EXPECT_EQ(sim.synapses("syn", "w").values, w0.values);
}

TEST(ApiPlastic, BadProjectionOrVariable) {
  nsc::Simulation sim = simulatePlastic();
  try {
    sim.synapses("ie", "w");
    FAIL();
  } catch (const nsc::ArgumentError &e) {
    EXPECT_NE(std::string(e.what()).find("no plastic projection named 'ie' (plastic projections: 'syn')"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(sim.synapses("", "w"), nsc::ArgumentError);
  EXPECT_THROW(sim.synapses("syn", "no_such_variable"), nsc::ArgumentError);
}

} // namespace
