//===- EngineTest.cpp - The network runtime: threads, reset, values -------===//
#include "NetworkTestUtil.h"

namespace nsc::test {
namespace {

/// A small recurrent network with random initial values, Poisson drive and
/// a random weight distribution: everything the engine does in one step.
const char *kNetwork = R"(
model lif:
    parameters:
        tau_m ms = 10 ms
        V_th mV = -50 mV
    state:
        V_m mV = -65 mV
        I_syn pA = 0 pA
    equations:
        V_m' = -(V_m + 65 mV) / tau_m + I_syn / 250 pF
        I_syn' = -I_syn / 2 ms
    input:
        spikes pA <- spike
    output:
        spike
    update:
        integrate_odes()
    onReceive(spikes):
        I_syn += spikes
    onCondition(V_m > V_th):
        V_m = -65 mV
        emit_spike()

network net:
    semantics:
        dt = 0.1 ms
        seed = 7
    a = lif[203](V_m = uniform(-70 mV, -52 mV))
    drive = poisson_generator[50](rate = 400 Hz)
    connect drive -> a: fixed_indegree(10), weight = 300 pA, delay = 1 ms, port = spikes
    connect a -> a: fixed_probability(0.1), weight = normal(20 pA, 5 pA), delay = uniform(0.5 ms, 3 ms), port = spikes
)";

std::vector<runtime::SpikeRecording::Event> spikesOf(NetworkRun &r) {
  r.result.spikes.sortCanonical();
  return r.result.spikes.events;
}

bool sameSpikes(const std::vector<runtime::SpikeRecording::Event> &a,
                const std::vector<runtime::SpikeRecording::Event> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].step != b[i].step || a[i].population != b[i].population || a[i].index != b[i].index)
      return false;
  return true;
}

TEST(Engine, ThreadCountDoesNotChangeTheResult) {
  NetworkRun one, three;
  ASSERT_TRUE(one.build(kNetwork, 1)) << one.errors();
  ASSERT_TRUE(three.build(kNetwork, 3)) << three.errors();
  ASSERT_TRUE(one.steps(800));
  ASSERT_TRUE(three.steps(800));
  auto s1 = spikesOf(one), s3 = spikesOf(three);
  EXPECT_GT(s1.size(), 100u);
  EXPECT_TRUE(sameSpikes(s1, s3));
  EXPECT_EQ(one.values("a", "V_m"), three.values("a", "V_m"));
}

TEST(Engine, ChunksRunByAnyWorkerGiveTheSameBits) {
  // Per-neuron random draws and vector math in the step; five workers on a
  // two-core machine sleep, wake late and claim chunks in varying order.
  std::string src = kNetwork;
  std::string step = "        integrate_odes()\n";
  src.replace(src.find(step), step.size(),
              step + "        V_m += random_normal(0 mV, 0.5 mV) * exp(-t / 1000 ms) + 0.01 mV * sin(t / 1 ms)\n");
  NetworkRun one, two, five;
  ASSERT_TRUE(one.build(src, 1)) << one.errors();
  ASSERT_TRUE(two.build(src, 2)) << two.errors();
  ASSERT_TRUE(five.build(src, 5)) << five.errors();
  ASSERT_TRUE(one.steps(400) && two.steps(400) && five.steps(400));
  auto s1 = spikesOf(one);
  EXPECT_GT(s1.size(), 50u);
  EXPECT_TRUE(sameSpikes(s1, spikesOf(two)));
  EXPECT_TRUE(sameSpikes(s1, spikesOf(five)));
  EXPECT_EQ(one.values("a", "V_m"), two.values("a", "V_m"));
  EXPECT_EQ(one.values("a", "V_m"), five.values("a", "V_m"));
}

TEST(Engine, ThreadedDeliveryKeepsTheSummationOrder) {
  // Every step delivers on the workers (threshold 0), each worker to its
  // own targets: rows drawn by target (fixed_probability, ascending, cut
  // by binary search) and by source (fixed_outdegree, filtered), float64
  // and constant weights, per-synapse and constant delays, several
  // projections onto one port, and Poisson multiplicities.
  std::string src = kNetwork;
  src += "    b = lif[77](V_m = uniform(-70 mV, -52 mV))\n"
             "    connect a -> b: fixed_outdegree(9), weight = uniform(-30 pA, 60 pA), delay = uniform(0.1 ms, 2 ms), "
             "port = spikes\n"
             "    connect b -> a: fixed_outdegree(31), weight = 25 pA, delay = 1 ms, port = spikes\n"
             "    connect drive -> b: fixed_probability(0.5), weight = 40 pA, delay = 0.5 ms, port = spikes\n";
  NetworkRun one, two, three;
  ASSERT_TRUE(one.build(src, 1, 0)) << one.errors();
  ASSERT_TRUE(two.build(src, 2, 0)) << two.errors();
  ASSERT_TRUE(three.build(src, 3, 0)) << three.errors();
  ASSERT_TRUE(one.steps(600) && two.steps(600) && three.steps(600));
  auto s1 = spikesOf(one);
  EXPECT_GT(s1.size(), 100u);
  EXPECT_TRUE(sameSpikes(s1, spikesOf(two)));
  EXPECT_TRUE(sameSpikes(s1, spikesOf(three)));
  for (const char *pop : {"a", "b"})
    for (const char *var : {"V_m", "I_syn"}) {
      EXPECT_EQ(one.values(pop, var), two.values(pop, var)) << pop << "." << var;
      EXPECT_EQ(one.values(pop, var), three.values(pop, var)) << pop << "." << var;
    }
}

TEST(Engine, ResetReproducesTheRun) {
  NetworkRun r;
  ASSERT_TRUE(r.build(kNetwork)) << r.errors();
  ASSERT_TRUE(r.steps(1500));
  auto first = spikesOf(r);
  auto v = r.values("a", "V_m");
  ASSERT_TRUE(r.sim->reset());
  EXPECT_EQ(r.sim->currentStep(), 0u);
  network::RunResult again;
  ASSERT_TRUE(r.sim->step(1500, again));
  again.spikes.sortCanonical();
  EXPECT_TRUE(sameSpikes(first, again.spikes.events));
  EXPECT_EQ(v, r.values("a", "V_m"));
}

TEST(Engine, SettingAParameterRecalibrates) {
  NetworkRun base, changed;
  ASSERT_TRUE(base.build(kNetwork)) << base.errors();
  ASSERT_TRUE(changed.build(kNetwork)) << changed.errors();
  std::string error;
  auto p = changed.sim->population("a");
  ASSERT_TRUE(p);
  ASSERT_TRUE(changed.sim->setValues(*p, "tau_m", {20.0}, error)) << error;
  EXPECT_EQ(changed.values("a", "tau_m"), std::vector<double>(203, 20.0));
  ASSERT_TRUE(base.steps(500));
  ASSERT_TRUE(changed.steps(500));
  // A slower membrane integrates differently: the exact propagator was
  // recomputed from the new tau_m (prepare ran again).
  EXPECT_NE(base.values("a", "V_m"), changed.values("a", "V_m"));
  // Unknown names and wrong sizes are errors, not crashes.
  EXPECT_FALSE(changed.sim->setValues(*p, "no_such", {1.0}, error));
  EXPECT_NE(error.find("no variable 'no_such'"), std::string::npos);
  EXPECT_FALSE(changed.sim->setValues(*p, "V_m", {1.0, 2.0}, error));
  EXPECT_NE(error.find("expected 1 or 203 values"), std::string::npos);
}

TEST(Engine, ReportsBytesPerSynapse) {
  NetworkRun r;
  ASSERT_TRUE(r.build(kNetwork)) << r.errors();
  ASSERT_TRUE(r.steps(1));
  const network::SynapseMemory &m = r.result.synapseMemory;
  EXPECT_EQ(m.synapses, r.result.synapses);
  // Drawn weights are float64 (8) with uint8 delays (1) and a uint32
  // target (4) in the recurrent projection; the drive has constant ones.
  EXPECT_GT(m.bytesPerSynapse(), 4.0);
  EXPECT_LT(m.bytesPerSynapse(), 14.0);
}

} // namespace
} // namespace nsc::test
