//===- NetworkCheckTest.cpp - Populations, projections, recorders ---------===//
#include "SemaTestUtil.h"

using namespace nsc;
using namespace nsc::test;

namespace {

const char *kNeuron = R"(model lif:
    parameters:
        tau_m ms = 10 ms
        I_e pA = 0 pA
    state:
        V_m mV = -70 mV
    equations:
        V_m' = -V_m / tau_m
        recordable inline V_rel mV = V_m + 70 mV
        inline hidden mV = V_m
    input:
        exc_spikes mV <- excitatory spike
        inh_spikes mV <- inhibitory spike
        I_stim pA <- continuous
    output:
        spike
    update:
        integrate_odes()

model plain_synapse:
    state:
        w real = 1
    input:
        pre_spikes <- spike
    onReceive(pre_spikes):
        emit_spike(w, 1 ms)

)";

class NetworkCheck : public SemaTest {
protected:
  bool net(const std::string &body) { return analyze(std::string(kNeuron) + body); }
  // The network text starts on this line of the combined source.
  unsigned base() const {
    unsigned n = 1;
    for (const char *p = kNeuron; *p; ++p)
      n += *p == '\n';
    return n;
  }
};

TEST_F(NetworkCheck, ValidNetwork) {
  ASSERT_TRUE(net(R"(network n:
    exc = lif[80](V_m = uniform(-70 mV, -55 mV), I_e = 10 pA)
    noise = poisson_generator[80](rate = 5 Hz)
    stim = dc_generator(amplitude = 100 pA, start = 1 ms, stop = 5 ms)
    connect exc -> exc[0:40]: fixed_probability(0.1), weight = 1 mV, delay = 1 ms, port = exc_spikes
    connect noise -> exc: one_to_one, weight = 0.5 mV, port = exc_spikes
    connect stim -> exc: all_to_all, port = I_stim
    connect exc -> exc: fixed_indegree(5), synapse = plain_synapse(w = 2), port = exc_spikes
    record spikes from exc
    record V_m, V_rel from exc[0:5] every 1 ms as v
    semantics for exc:
        precision = float32
)")) << dump();
  auto &netw = *program.files.back()->networks.at(0);
  auto *pop = ast::cast<ast::Population>(netw.members[0].get());
  ASSERT_NE(pop->modelDecl, nullptr);
  EXPECT_EQ(pop->modelDecl->name, "lif");
  EXPECT_EQ(ast::cast<ast::Population>(netw.members[1].get())->modelDecl, nullptr);
}

TEST_F(NetworkCheck, UnknownModelSuggestion) {
  EXPECT_FALSE(net(R"(network n:
    exc = liff[10]
)"));
  expectError("unknown model 'liff'", base() + 1, 11);
  EXPECT_TRUE(hasNote("did you mean 'lif'?")) << dump();
}

TEST_F(NetworkCheck, SizeMustBePositiveInteger) {
  EXPECT_FALSE(net(R"(network n:
    a = lif[0]
    b = lif[2.5]
)"));
  expectError("population size must be a positive integer", base() + 1, 13);
  expectError("population size must be a positive integer", base() + 1, 13);
  EXPECT_EQ(diags.errorCount(), 2u) << dump();
}

TEST_F(NetworkCheck, InitialValuesMustExistAndMatchUnits) {
  EXPECT_FALSE(net(R"(network n:
    a = lif[10](V_x = 1 mV, tau_m = 5 mV, hidden = 1 mV)
)"));
  expectError("model 'lif' has no parameter or state variable 'V_x'", base() + 1, 17);
  expectError("value of 'tau_m' has type 'mV', expected 'ms'", base() + 1, 37);
  expectError("'hidden' of model 'lif' cannot be set here", base() + 1, 43);
}

TEST_F(NetworkCheck, SliceOutOfRange) {
  EXPECT_FALSE(net(R"(network n:
    a = lif[10]
    connect a[0:20] -> a[5]: all_to_all, port = exc_spikes
    connect a -> a[10]: all_to_all, port = exc_spikes
)"));
  expectError("slice [0:20] is out of range for population 'a' of size 10", base() + 2, 13);
  expectError("index 10 is out of range for population 'a' of size 10", base() + 3, 20);
}

TEST_F(NetworkCheck, RulesAndParameters) {
  EXPECT_FALSE(net(R"(network n:
    a = lif[10]
    b = lif[20]
    connect a -> a: fixed_probability(1.5), port = exc_spikes
    connect a -> b: one_to_one, port = exc_spikes
    connect a -> a: all_to_one, port = exc_spikes
)"));
  expectError("connection probability must be a number in [0, 1]", base() + 3, 39);
  expectError("'one_to_one' needs source and target of equal size (10 and 20)", base() + 4, 21);
  expectError("unknown connection rule 'all_to_one'", base() + 5, 21);
}

TEST_F(NetworkCheck, PortsWeightsAndDelays) {
  EXPECT_FALSE(net(R"(network n:
    a = lif[10]
    s = dc_generator(amplitude = 1 pA)
    connect a -> a: all_to_all, weight = 1 pA, delay = 1 mV, port = exc_spikes
    connect a -> a: all_to_all, port = exc_spike
    connect a -> a: all_to_all, port = I_stim
    connect s -> a: all_to_all, port = exc_spikes
)"));
  expectError("weight for port 'exc_spikes' has type 'pA', expected 'mV'", base() + 3, 42);
  expectError("delay has type 'mV', expected 'ms'", base() + 3, 56);
  expectError("model 'lif' has no input port 'exc_spike'", base() + 4, 40);
  expectError("port 'I_stim' is a continuous port; spikes need a spike port", base() + 5, 40);
  expectError("'dc_generator' produces a current; port 'exc_spikes' must be a continuous port",
              base() + 6, 40);
}

TEST_F(NetworkCheck, SynapseModelChecks) {
  EXPECT_FALSE(net(R"(network n:
    a = lif[10]
    connect a -> a: all_to_all, synapse = lif, port = exc_spikes
    connect a -> a: all_to_all, synapse = plain_synapse(x = 1), port = exc_spikes
)"));
  expectError("'lif' is not a synapse model", base() + 2, 43);
  expectError("model 'plain_synapse' has no parameter or state variable 'x'", base() + 3, 57);
}

TEST_F(NetworkCheck, Recorders) {
  EXPECT_FALSE(net(R"(network n:
    a = lif[10]
    record V_m, tau_m, hidden, V_q from a every 1 mV
)"));
  expectError("cannot record 'tau_m'", base() + 2, 17);
  expectError("inline expression 'hidden' is not recordable", base() + 2, 24);
  expectError("model 'lif' has no state variable or inline expression 'V_q'", base() + 2, 32);
  expectError("recording interval must be a positive time", base() + 2, 49);
}

TEST_F(NetworkCheck, SemanticsForUnknownPopulation) {
  EXPECT_FALSE(net(R"(network n:
    exc = lif[10]
    semantics for exd:
        dt = 0.1 ms
)"));
  expectError("unknown population 'exd'", base() + 2, 19);
  EXPECT_TRUE(hasNote("did you mean 'exc'?")) << dump();
}

TEST_F(NetworkCheck, DuplicateModelAcrossFiles) {
  ASSERT_TRUE(addFile("model a:\n    state:\n        x real = 0\n", "one.nrn"));
  ASSERT_TRUE(addFile("model a:\n    state:\n        y real = 0\n", "two.nrn"));
  EXPECT_FALSE(analyzeAll());
  expectError("redefinition of model 'a'", 1, 7);
  EXPECT_TRUE(hasNote("previous definition is here"));
}

} // namespace
