//===- PlasticNetworkTest.cpp - Plastic projections in running networks ---===//
//
// - Lazy updates are exact: the same stdp rule run three ways — the trace
//   decays applied as products at events (the fast path), `update:`
//   interpreted for every skipped step at events (generic lazy), and every
//   synapse stepped every step (an update block that may emit) — gives
//   bit-identical weights, spikes and stream-6 draws.
// - A run is deterministic for a seed, and another seed changes it.
// - reset() starts the synapses again from their initial values.
// - A presynaptic event of multiplicity n runs the pre handler once and
//   delivers n·w (R20, docs/decisions.md).
// - weight = sets the weight variable; drawn MODEL(...) arguments differ
//   per synapse.
// - Third factors (a modulator, the postsynaptic V_m) keep lazy updates
//   exact.
//
//===----------------------------------------------------------------------===//
#include "NetworkTestUtil.h"

#include <cstring>

using namespace nsc;
using nsc::test::NetworkRun;
using nsc::test::readSourceFile;

namespace {

/// examples/stdp_synapse.nrn renamed to `name`, with `decls` added to its
/// state and `update` appended to its update block.
std::string stdpVariant(const std::string &name, const std::string &decls, const std::string &update) {
  std::string s = readSourceFile("examples/stdp_synapse.nrn");
  auto replace = [&](const std::string &from, const std::string &to) {
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos)
      s.replace(at, from.size(), to);
  };
  replace("model stdp_synapse:", "model " + name + ":");
  replace("        post_trace real = 0\n", "        post_trace real = 0\n" + decls);
  replace("        integrate_odes()\n", "        integrate_odes()\n" + update);
  return s;
}

std::string models() {
  return readSourceFile("examples/iaf_psc_exp.nrn") + stdpVariant("fast_synapse", "", "") +
         // Not a pure decay: `update:` is interpreted for each skipped step.
         stdpVariant("generic_synapse", "        age real = 0\n        r real = 0\n",
                     "        age += 1\n        r = random_normal(0, 1)\n") +
         // May emit from `update:`: every synapse runs every step.
         stdpVariant("eager_synapse", "        age real = 0\n        r real = 0\n",
                     "        age += 1\n        r = random_normal(0, 1)\n        if w < -1:\n"
                     "            emit_spike(w, d)\n");
}

std::string network(const std::string &synapse, uint64_t seed, const std::string &extra = "") {
  return models() + "\nsemantics:\n    dt = 0.1 ms\n    seed = " + std::to_string(seed) +
         "\n\nnetwork eq:\n"
         "    noise = poisson_generator[20](rate = 400 Hz)\n"
         "    pre = poisson_generator[30](rate = 300 Hz)\n"
         "    post = iaf_psc_exp[10](V_m = uniform(-70 mV, -55 mV))\n"
         "    connect noise -> post: fixed_indegree(5), weight = 150 pA, port = exc_spikes\n"
         "    connect plastic: pre -> post: fixed_indegree(12), synapse = " +
         synapse +
         "(lambda = 0.05, d = 1.5 ms), weight = uniform(20 pA, 80 pA), port = exc_spikes\n" + extra;
}

struct Outcome {
  std::vector<runtime::SpikeRecording::Event> spikes;
  network::SynapseValues w, preTrace, postTrace;
};

Outcome runFor(NetworkRun &run, uint64_t steps) {
  EXPECT_TRUE(run.steps(steps)) << run.errors();
  Outcome o;
  o.spikes = run.result.spikes.events;
  o.w = run.synapses(1, "w");
  o.preTrace = run.synapses(1, "pre_trace");
  o.postTrace = run.synapses(1, "post_trace");
  return o;
}

bool sameBits(const std::vector<double> &a, const std::vector<double> &b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void expectSame(const Outcome &a, const Outcome &b) {
  ASSERT_EQ(a.spikes.size(), b.spikes.size());
  for (size_t i = 0; i < a.spikes.size(); ++i) {
    EXPECT_EQ(a.spikes[i].step, b.spikes[i].step) << i;
    EXPECT_EQ(a.spikes[i].population, b.spikes[i].population) << i;
    EXPECT_EQ(a.spikes[i].index, b.spikes[i].index) << i;
  }
  EXPECT_EQ(a.w.source, b.w.source);
  EXPECT_EQ(a.w.target, b.w.target);
  EXPECT_TRUE(sameBits(a.w.value, b.w.value));
  EXPECT_TRUE(sameBits(a.preTrace.value, b.preTrace.value));
  EXPECT_TRUE(sameBits(a.postTrace.value, b.postTrace.value));
}

TEST(PlasticNetwork, LazyUpdatesGiveTheBitsOfStepping) {
  NetworkRun fast, generic, eager;
  ASSERT_TRUE(fast.build(network("fast_synapse", 11))) << fast.errors();
  ASSERT_TRUE(generic.build(network("generic_synapse", 11))) << generic.errors();
  ASSERT_TRUE(eager.build(network("eager_synapse", 11))) << eager.errors();
  // Read in the middle too: values() brings lazy synapses up to date on a
  // copy, which must not change what follows.
  Outcome f1 = runFor(fast, 1234), g1 = runFor(generic, 1234), e1 = runFor(eager, 1234);
  expectSame(f1, g1);
  expectSame(f1, e1);
  Outcome f = runFor(fast, 2000), g = runFor(generic, 2000), e = runFor(eager, 2000);
  expectSame(f, g);
  expectSame(f, e);
  // The rule did something, and the post neurons fired.
  size_t postSpikes = 0;
  for (auto &s : f.spikes)
    postSpikes += s.population == 2;
  EXPECT_GT(postSpikes, 20u);
  size_t changed = 0;
  for (size_t i = 0; i < f.w.value.size(); ++i)
    changed += f.w.value[i] != f1.w.value[i];
  EXPECT_GT(changed, f.w.value.size() / 2);
  // Stream 6 draws and the step count are those of every step.
  network::SynapseValues rg = generic.synapses(1, "r"), re = eager.synapses(1, "r");
  EXPECT_TRUE(sameBits(rg.value, re.value));
  for (double age : generic.synapses(1, "age").value)
    EXPECT_EQ(age, 3234.0);
  EXPECT_EQ(f.w.value.size(), 120u);
}

TEST(PlasticNetwork, DeterministicForASeed) {
  NetworkRun a, b, c, threaded;
  ASSERT_TRUE(a.build(network("fast_synapse", 5))) << a.errors();
  ASSERT_TRUE(b.build(network("fast_synapse", 5))) << b.errors();
  ASSERT_TRUE(c.build(network("fast_synapse", 6))) << c.errors();
  ASSERT_TRUE(threaded.build(network("fast_synapse", 5), 3)) << threaded.errors();
  Outcome oa = runFor(a, 1500), ob = runFor(b, 1500), oc = runFor(c, 1500), ot = runFor(threaded, 1500);
  expectSame(oa, ob);
  expectSame(oa, ot);
  EXPECT_FALSE(sameBits(oa.w.value, oc.w.value));
}

TEST(PlasticNetwork, ResetStartsTheSynapsesAgain) {
  NetworkRun run;
  ASSERT_TRUE(run.build(network("generic_synapse", 3))) << run.errors();
  network::SynapseValues w0 = run.synapses(1, "w");
  Outcome first = runFor(run, 800);
  ASSERT_TRUE(run.sim->reset());
  EXPECT_EQ(run.sim->currentStep(), 0u);
  network::SynapseValues again = run.synapses(1, "w");
  EXPECT_TRUE(sameBits(w0.value, again.value));
  for (double x : run.synapses(1, "age").value)
    EXPECT_EQ(x, 0.0);
  run.result = {};
  Outcome second = runFor(run, 800);
  expectSame(first, second);
}

TEST(PlasticNetwork, WeightAndDrawnArguments) {
  NetworkRun run;
  ASSERT_TRUE(run.build(models() +
                        "\nnetwork args:\n"
                        "    pre = poisson_generator[4](rate = 10 Hz)\n"
                        "    post = iaf_psc_exp[3]\n"
                        "    connect pre -> post: all_to_all, synapse = generic_synapse(w = uniform(10, 20), "
                        "age = normal(5, 1)), port = exc_spikes\n"
                        "    connect pre -> post: all_to_all, synapse = fast_synapse, weight = 0.025 nA, "
                        "port = exc_spikes\n"))
      << run.errors();
  network::SynapseValues w = run.synapses(0, "w"), age = run.synapses(0, "age");
  ASSERT_EQ(w.value.size(), 12u);
  for (size_t i = 0; i < w.value.size(); ++i) {
    EXPECT_GE(w.value[i], 10.0);
    EXPECT_LT(w.value[i], 20.0);
    if (i)
      EXPECT_NE(w.value[i], w.value[0]);
  }
  EXPECT_NE(age.value[0], age.value[1]);
  // Rows by source, in connection order.
  for (size_t i = 0; i < w.source.size(); ++i) {
    EXPECT_EQ(w.source[i], i / 3);
    EXPECT_EQ(w.target[i], i % 3);
  }
  // weight = 0.025 nA into a pA port: the real weight variable holds 25.
  for (double x : run.synapses(1, "w").value)
    EXPECT_EQ(x, 25.0);
  // A parameter every synapse shares reads the same everywhere.
  for (double x : run.synapses(1, "lambda").value)
    EXPECT_EQ(x, 0.01);
}

TEST(PlasticNetwork, MultiplicityRunsThePreHandlerOnce) {
  NetworkRun run;
  ASSERT_TRUE(run.build(models() + R"(
model counter:
    state:
        got real = 0
        n integer = 0
    input:
        syn <- spike
    onReceive(syn):
        got += syn * s
        n += 1

network mult:
    pre = spike_generator(times = [10 ms, 10 ms, 10 ms])
    post = counter
    connect pre -> post: all_to_all, synapse = fast_synapse(w = 7, d = 0.5 ms), port = syn
)")) << run.errors();
  // Emitted in step 99 with multiplicity 3.
  ASSERT_TRUE(run.steps(100));
  EXPECT_EQ(run.synapses(0, "pre_trace").value[0], 1.0); // one handler run
  ASSERT_TRUE(run.steps(4));                             // delivered in step 104
  EXPECT_EQ(run.values("post", "got")[0], 0.0);
  ASSERT_TRUE(run.steps(1));
  EXPECT_DOUBLE_EQ(run.values("post", "got")[0], 21.0); // 3 spikes of weight 7
  EXPECT_EQ(run.values("post", "n")[0], 1.0);    // one handler run (R8)
}

} // namespace

namespace {

TEST(PlasticNetwork, NegativeWeightsSplitBySign) {
  // No `port =` into iaf_psc_exp: like a static synapse with weights of
  // unknown sign, a synapse that sends w < 0 reaches `inh_spikes` as |w|.
  NetworkRun run;
  ASSERT_TRUE(run.build(readSourceFile("examples/iaf_psc_exp.nrn") + R"(
synapse signed_synapse:
    parameters:
        d ms = 1 ms
    state:
        w real = -5
    input:
        pre_spikes <- spike
    onReceive(pre_spikes):
        emit_spike(w, d)
        w = -w

network signed:
    pre = spike_generator(times = [1 ms, 3 ms])
    post = iaf_psc_exp
    connect pre -> post: all_to_all, synapse = signed_synapse
)")) << run.errors();
  // Sent in step 9 (w = -5) and step 29 (w = 5), each 10 steps later.
  ASSERT_TRUE(run.steps(20));
  EXPECT_EQ(run.values("post", "I_syn_exc")[0], 0.0);
  EXPECT_EQ(run.values("post", "I_syn_inh")[0], 5.0);
  ASSERT_TRUE(run.steps(20));
  EXPECT_EQ(run.values("post", "I_syn_exc")[0], 5.0);
  // A model without a postsynaptic port needs no by-target index.
  EXPECT_EQ(run.synapses(0, "w").value[0], -5.0);
}


// `record w from plastic[2:5] every 1 ms`: every sample holds the synapses
// onto target neurons 2..4, in the order getSynapseValues gives them, with
// the values the synapses have after that step — for lazily updated
// synapses the same bits as for ones stepped every step.
TEST(PlasticNetwork, SynapseRecordersSampleTheValuesOfThatStep) {
  const std::string recorder = "    record w, pre_trace from plastic[2:5] every 1 ms as onto\n";
  NetworkRun lazy, eager;
  ASSERT_TRUE(lazy.build(network("fast_synapse", 4, recorder))) << lazy.errors();
  ASSERT_TRUE(eager.build(network("eager_synapse", 4, recorder))) << eager.errors();
  ASSERT_TRUE(lazy.steps(300)) << lazy.errors();
  ASSERT_TRUE(eager.steps(300)) << eager.errors();
  ASSERT_EQ(lazy.result.synapsesRecorded.size(), 1u);
  const runtime::SynapseRecording &a = lazy.result.synapsesRecorded[0].second;
  const runtime::SynapseRecording &b = eager.result.synapsesRecorded[0].second;
  EXPECT_EQ(lazy.result.synapsesRecorded[0].first, "onto");
  EXPECT_EQ(a.projection, "plastic");
  EXPECT_EQ(a.variables, (std::vector<std::string>{"w", "pre_trace"}));
  // 3 targets x 12 synapses each, 30 samples (after steps 9, 19, ..., 299).
  ASSERT_EQ(a.rows(), 30u * 36u);
  EXPECT_EQ(a.step.front(), 9u);
  EXPECT_EQ(a.step.back(), 299u);
  for (uint32_t t : a.target)
    EXPECT_TRUE(t >= 2 && t < 5) << t;
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.target, b.target);
  EXPECT_TRUE(sameBits(a.values, b.values));
  // The last sample is what the synapses hold now.
  network::SynapseValues w = lazy.synapses(1, "w");
  std::vector<double> onto;
  for (size_t s = 0; s < w.value.size(); ++s)
    if (w.target[s] >= 2 && w.target[s] < 5)
      onto.push_back(w.value[s]);
  ASSERT_EQ(onto.size(), 36u);
  bool moved = false;
  for (size_t r = a.rows() - 36, s = 0; r < a.rows(); ++r, ++s) {
    EXPECT_EQ(a.values[2 * r], onto[s]) << s;
    moved = moved || a.values[2 * r] != a.values[2 * (r - 36 * 29)];
  }
  EXPECT_TRUE(moved) << "the weights should change over 30 ms of STDP";
}

} // namespace

/// A third-factor variant of examples/stdp_synapse.nrn: a neuromodulator n
/// from port mod_spikes gates a weight drift in `update:`, and the pre
/// handler reads the postsynaptic V_m. With `stepped`, `update:` also reads
/// V_m (adding nothing): the synapses are then stepped every step.
std::string thirdFactorSynapse(const std::string &name, bool stepped) {
  std::string s = stdpVariant(name, "        n real = 0\n",
                              "        w += 0.01 * n * pre_trace\n        n = n * 0.995\n" +
                                  std::string(stepped ? "        w += 0 * (V_m / mV)\n" : ""));
  auto replace = [&](const std::string &from, const std::string &to) {
    size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
  };
  replace("        post_spikes <- spike\n",
          "        post_spikes <- spike\n        mod_spikes <- spike\n        V_m mV <- continuous\n");
  replace("    onReceive(pre_spikes):\n", "    onReceive(mod_spikes):\n        n += 1\n\n    onReceive(pre_spikes):\n"
                                         "        w += 1e-3 * (V_m / mV + 70)\n");
  return s;
}

TEST(PlasticNetwork, ThirdFactorsAreExactWhenLazy) {
  // Lazily advanced synapses (a modulator spike makes them all run) and
  // synapses stepped every step give the same bits.
  std::string cells = readSourceFile("examples/iaf_psc_exp.nrn") + thirdFactorSynapse("lazy_synapse", false) +
                      thirdFactorSynapse("stepped_synapse", true);
  auto net = [&](const std::string &synapse) {
    return cells + "\nsemantics:\n    dt = 0.1 ms\n    seed = 4\n\nnetwork third:\n"
                   "    pre = poisson_generator[30](rate = 300 Hz)\n"
                   "    dopa = poisson_generator[2](rate = 30 Hz)\n"
                   "    post = iaf_psc_exp[10](V_m = uniform(-70 mV, -55 mV), I_e = 300 pA)\n"
                   "    connect pre -> post: fixed_indegree(2), weight = 10 pA, port = exc_spikes\n"
                   "    connect plastic: pre -> post: fixed_indegree(12), synapse = " +
           synapse + "(lambda = 0.05, d = 1.5 ms), modulator = dopa, weight = uniform(20 pA, 80 pA), port = exc_spikes\n";
  };
  NetworkRun lazy, stepped;
  ASSERT_TRUE(lazy.build(net("lazy_synapse"))) << lazy.errors();
  ASSERT_TRUE(stepped.build(net("stepped_synapse"))) << stepped.errors();
  Outcome a = runFor(lazy, 1500), b = runFor(stepped, 1500);
  expectSame(a, b);
  network::SynapseValues na = lazy.synapses(1, "n"), nb = stepped.synapses(1, "n");
  EXPECT_TRUE(sameBits(na.value, nb.value));
  double most = 0;
  for (double x : na.value)
    most = std::max(most, x);
  EXPECT_GT(most, 0.1); // the modulator reached the synapses
}
