//===- NetworkLoweringTest.cpp - Populations, projections, delays ---------===//
#include "LoweringTestUtil.h"

using namespace nsc;
using nsc::test::LoweringTest;

static std::string net(const std::string &body) {
  return R"(
model n:
    parameters:
        tau ms = 10 ms
    state:
        V mV = 0 mV
    input:
        exc mV <- excitatory spike
        inh mV <- inhibitory spike
        I pA <- continuous
    output:
        spike
    onReceive(exc):
        V += exc
    onReceive(inh):
        V += inh

network w:
)" + body;
}

TEST_F(LoweringTest, PopulationsAndInitialisers) {
  ASSERT_TRUE(lower(net(R"(
    a = n[100](V = uniform(-60 mV, -50 mV), tau = 0.02 s)
    src = poisson_generator[100](rate = 0.005 kHz)
    connect src -> a: one_to_one, weight = 0.5 mV, port = exc
)"))) << dump();
  const ir::Network &w = *module->networks[0];
  ASSERT_EQ(w.populations.size(), 2u);
  const ir::Population &a = w.populations[0];
  EXPECT_EQ(a.size, 100u);
  ASSERT_EQ(a.inits.size(), 2u);
  auto *dist = ir::dyn_cast<ir::Call>(a.inits[0].value.get());
  ASSERT_NE(dist, nullptr);
  EXPECT_EQ(dist->builtin, ir::Builtin::RandomUniform);
  EXPECT_TRUE(contains("init %tau = convert<s -> ms, 1000.0>(0.02 s)")) << text();
  const ir::Population &src = w.populations[1];
  EXPECT_EQ(src.kind, ir::PopulationKind::PoissonGenerator);
  ASSERT_EQ(src.inits.size(), 1u);
  double rate = 0;
  ASSERT_TRUE(ir::evaluateConstant(*src.inits[0].value, rate));
  EXPECT_DOUBLE_EQ(rate, 5.0); // Hz
  EXPECT_TRUE(src.inits[0].value->type.unit.sameAs(*units::lookupUnit("Hz")));
}

TEST_F(LoweringTest, DelayStepsAndSlices) {
  ASSERT_TRUE(lower(net(R"(
    a = n[10]
    connect a[0:5] -> a[5]: all_to_all, weight = 1 mV, delay = 1 ms, port = exc
    connect a -> a: fixed_indegree(3), weight = -1 mV, port = inh
)"))) << dump();
  const ir::Network &w = *module->networks[0];
  ASSERT_EQ(w.projections.size(), 2u);
  EXPECT_EQ(w.projections[0].delaySteps, 10);
  EXPECT_EQ(w.projections[0].source.begin, 0u);
  EXPECT_EQ(w.projections[0].source.end, 5u);
  EXPECT_EQ(w.projections[0].target.begin, 5u);
  EXPECT_EQ(w.projections[0].target.end, 6u);
  // No delay given: one step.
  EXPECT_EQ(w.projections[1].delaySteps, 1);
  EXPECT_EQ(w.projections[1].conn.rule, ir::ConnectionRule::FixedIndegree);
  EXPECT_EQ(w.projections[1].conn.count, 3u);
}

TEST_F(LoweringTest, DelayShorterThanOneStepIsAnError) {
  addFile(net(R"(
    a = n[10]
    connect a -> a: all_to_all, weight = 1 mV, delay = 0.04 ms, port = exc
)"));
  analyzeProgram(program, diags);
  module = lowerToIR(program, diags);
  // Sema may already reject it; either way there is a precise error.
  EXPECT_EQ(module, nullptr);
  EXPECT_TRUE(hasDiag(Severity::Error, "shorter than one time step")) << dump();
}

TEST_F(LoweringTest, DelayNotAMultipleOfDtIsRounded) {
  ASSERT_TRUE(lower(net(R"(
    a = n[10]
    connect a -> a: all_to_all, weight = 1 mV, delay = 0.26 ms, port = exc
)"))) << dump();
  EXPECT_EQ(module->networks[0]->projections[0].delaySteps, 3);
  EXPECT_TRUE(hasDiag(Severity::Warning, "not a multiple of dt")) << dump();
}

TEST_F(LoweringTest, UnnamedPortSplitsByWeightSign) {
  // One excitatory and one inhibitory port: as in NESTML, w >= 0 goes to the
  // excitatory port, w < 0 to the inhibitory one as |w|; a weight of unknown
  // sign is split per synapse at run time (negativePort).
  ASSERT_TRUE(lower(net(R"(
    a = n[10]
    connect a -> a: all_to_all, weight = 1 mV
    connect a -> a: all_to_all, weight = -2 mV
    connect a -> a: all_to_all, weight = normal(0 mV, 1 mV)
    connect a -> a: all_to_all, weight = -3 mV, port = exc
)"))) << dump();
  const ir::Network &w = *module->networks[0];
  ASSERT_EQ(w.projections.size(), 4u);
  double v = 0;

  EXPECT_EQ(w.projections[0].portName, "exc");
  EXPECT_FALSE(w.projections[0].negativePort);

  EXPECT_EQ(w.projections[1].portName, "inh");
  ASSERT_TRUE(ir::evaluateConstant(*w.projections[1].weight, v));
  EXPECT_EQ(v, 2.0);
  EXPECT_FALSE(w.projections[1].negativePort);

  EXPECT_EQ(w.projections[2].portName, "exc");
  ASSERT_TRUE(w.projections[2].negativePort);
  EXPECT_EQ(w.projections[2].negativePortName, "inh");

  // A named port takes the weight as written.
  EXPECT_EQ(w.projections[3].portName, "exc");
  ASSERT_TRUE(ir::evaluateConstant(*w.projections[3].weight, v));
  EXPECT_EQ(v, -3.0);
}

TEST_F(LoweringTest, UnqualifiedPortsNeedAName) {
  addFile(R"(
model two:
    state:
        V mV = 0 mV
    input:
        a mV <- spike
        b mV <- spike
    output:
        spike
    onReceive(a):
        V += a
    onReceive(b):
        V -= b

network w:
    p = two[4]
    connect p -> p: all_to_all, weight = 1 mV
)");
  analyzeProgram(program, diags);
  module = lowerToIR(program, diags);
  EXPECT_EQ(module, nullptr);
  EXPECT_TRUE(diags.hasErrors()) << dump();
}

TEST_F(LoweringTest, RecordersAndCurrentSources) {
  ASSERT_TRUE(lower(net(R"(
    a = n[10]
    pulse = dc_generator(amplitude = 0.1 nA, start = 1 ms, stop = 2 ms)
    connect pulse -> a: all_to_all, port = I
    record V from a[0:2] every 0.5 ms as trace
    record spikes from a
)"))) << dump();
  const ir::Network &w = *module->networks[0];
  ASSERT_EQ(w.recorders.size(), 2u);
  EXPECT_EQ(w.recorders[0].label, "trace");
  EXPECT_EQ(w.recorders[0].intervalSteps, 5u);
  EXPECT_EQ(w.recorders[1].label, "a_spikes");
  EXPECT_EQ(w.recorders[1].what[0].kind, ir::RecordItem::Kind::Spikes);
  EXPECT_EQ(w.projections[0].portName, "I");
}

static const char *kTraceSynapse = R"(
synapse trace_syn:
    parameters:
        d ms = 1 ms
        tau ms = 20 ms
    state:
        w real = 1
        x real = 0
    equations:
        x' = -x / tau
    input:
        pre_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        x += 1
        emit_spike(w, d)
    update:
        integrate_odes()
)";

TEST_F(LoweringTest, SynapseModelRunsAtTheNetworksDt) {
  // The synapse's propagators must be those of the network's dt: a network
  // at another dt gets a specialization of the synapse model (R36, R37).
  ASSERT_TRUE(lower(net(R"(
    a = n[10]
    connect a -> a: all_to_all, synapse = trace_syn(w = 2), port = exc
    semantics:
        dt = 0.05 ms
)") + kTraceSynapse)) << dump();
  const ir::Network &w = *module->networks[0];
  ASSERT_EQ(w.projections.size(), 1u);
  const ir::Model &syn = *module->models[w.projections[0].synapseModel];
  EXPECT_EQ(syn.name, "trace_syn.w");
  EXPECT_EQ(syn.specializationOf, "trace_syn");
  EXPECT_EQ(syn.kind, ir::ModelKind::Synapse);
  EXPECT_EQ(syn.semantics.dtMs, 0.05);
  EXPECT_EQ(w.projections[0].synapseName, "trace_syn");
}

TEST_F(LoweringTest, SynapseModelAtAnotherDtIsAnError) {
  addFile(net(R"(
    a = n[10]
    connect a -> a: all_to_all, synapse = slow_syn, port = exc
)") + R"(
synapse slow_syn:
    state:
        w real = 1
    input:
        pre_spikes <- spike
    output:
        spike
    onReceive(pre_spikes):
        emit_spike(w, 1 ms)
    semantics:
        dt = 0.5 ms
)");
  analyzeProgram(program, diags);
  module = lowerToIR(program, diags);
  EXPECT_EQ(module, nullptr);
  EXPECT_TRUE(hasDiag(Severity::Error, "synapse model 'slow_syn' would run at dt = 0.5 ms")) << dump();
}

TEST_F(LoweringTest, DelayOfAPlasticProjectionWarns) {
  ASSERT_TRUE(lower(net(R"(
    a = n[10]
    connect a -> a: all_to_all, synapse = trace_syn, delay = 2 ms, port = exc
)") + kTraceSynapse)) << dump();
  EXPECT_TRUE(hasDiag(Severity::Warning, "'delay' has no effect on a plastic projection")) << dump();
}
