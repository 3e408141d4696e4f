//===- StdpClosedFormTest.cpp - stdp_synapse against the rule by hand -----===//
//
// One presynaptic spike_generator, one postsynaptic `relay` neuron that
// fires in the step a `drive` spike reaches it, and one plastic synapse
// (examples/stdp_synapse.nrn) between them. docs/semantics.md fixes when
// each side spikes: a spike_generator time P is emitted in step
// round(P/dt) - 1 (R21); a drive time T reaches the relay in step
// round(T/dt) (one step of delay), which fires in that step (R8, R11). By
// R24 the synapse decays its traces once per step, then runs the post
// handler, then the pre handler, of that step. So between two events n
// steps apart the traces shrink by exp(-n·dt/tau): the weights follow from
// the learning rule written out here with exp(), event by event, and must
// match the simulation to 1e-12 relative. The spikes the synapse emits
// reach the relay d/dt steps after the presynaptic step, with the weight
// after that step's depression.
//
//===----------------------------------------------------------------------===//
#include "NetworkTestUtil.h"

#include <algorithm>
#include <cmath>
#include <map>

using namespace nsc;
using nsc::test::NetworkRun;

namespace {

const char *kRelay = R"(
model relay:
    state:
        fire boolean = false
        got real = 0
    input:
        drive <- spike
        syn <- spike
    output:
        spike
    onReceive(drive):
        fire = true
    onReceive(syn):
        got += syn * s
    onCondition(fire):
        fire = false
        emit_spike()
)";

struct Rule {
  double w0 = 50, wMax = 100, lambda = 0.01, alpha = 1, muPlus = 1, muMinus = 1, tauPre = 20, tauPost = 20;
  double delayMs = 1;
};

std::string listMs(const std::vector<double> &t) {
  std::string s = "[";
  for (size_t i = 0; i < t.size(); ++i) {
    char b[32];
    std::snprintf(b, sizeof b, "%.10g ms", t[i]);
    s += (i ? ", " : "") + std::string(b);
  }
  return s + "]";
}

std::string network(double dt, const std::vector<double> &pre, const std::vector<double> &drive, const Rule &r) {
  char args[512];
  std::snprintf(args, sizeof args,
                "w = %.17g, w_max = %.17g, lambda = %.17g, alpha = %.17g, mu_plus = %.17g, mu_minus = %.17g, "
                "tau_tr_pre = %.17g ms, tau_tr_post = %.17g ms, d = %.17g ms",
                r.w0, r.wMax, r.lambda, r.alpha, r.muPlus, r.muMinus, r.tauPre, r.tauPost, r.delayMs);
  char dts[64];
  std::snprintf(dts, sizeof dts, "%.10g", dt);
  return test::readSourceFile("examples/stdp_synapse.nrn") + kRelay + "\nsemantics:\n    dt = " + dts +
         " ms\n\nnetwork pairing:\n    pre = spike_generator(times = " + listMs(pre) +
         ")\n    drive = spike_generator(times = " + listMs(drive) +
         ")\n    post = relay\n    connect drive -> post: all_to_all, port = drive\n"
         "    connect pre -> post: all_to_all, synapse = stdp_synapse(" +
         args + "), port = syn\n";
}

/// The rule of examples/stdp_synapse.nrn, event by event, with the traces
/// decayed in closed form. Returns the final weight; `emitted` gets (step,
/// weight) of every spike the synapse sends.
double byHand(double dt, const std::vector<int64_t> &preSteps, const std::vector<int64_t> &postSteps,
              const Rule &r, std::vector<std::pair<int64_t, double>> &emitted) {
  std::map<int64_t, std::pair<bool, bool>> events; // step -> (pre, post)
  for (int64_t k : preSteps)
    events[k].first = true;
  for (int64_t k : postSteps)
    events[k].second = true;
  double preTrace = 0, postTrace = 0, w = r.w0;
  int64_t last = 0;
  for (auto &[k, ev] : events) {
    // update: of steps last+1 .. k (the trace is 0 before the first event).
    preTrace *= std::exp(-double(k - last) * dt / r.tauPre);
    postTrace *= std::exp(-double(k - last) * dt / r.tauPost);
    last = k;
    if (ev.second) { // onReceive(post_spikes) is declared first (R8)
      postTrace += 1;
      double wn = w / r.wMax;
      wn += r.lambda * std::pow(1 - wn, r.muPlus) * preTrace;
      w = std::min(wn, 1.0) * r.wMax;
    }
    if (ev.first) {
      preTrace += 1;
      double wn = w / r.wMax;
      wn -= r.alpha * r.lambda * std::pow(wn, r.muMinus) * postTrace;
      w = std::max(wn, 0.0) * r.wMax;
      emitted.push_back({k, w});
    }
  }
  return w;
}

struct Case {
  const char *name;
  double dt;
  std::vector<double> pre, drive;
  Rule rule;
};

void PrintTo(const Case &c, std::ostream *os) { *os << c.name; }

class StdpClosedForm : public ::testing::TestWithParam<Case> {};

TEST_P(StdpClosedForm, WeightsAndDeliveriesMatchTheRule) {
  const Case &c = GetParam();
  std::vector<int64_t> preSteps, postSteps;
  for (double t : c.pre)
    preSteps.push_back(std::llround(t / c.dt) - 1); // R21
  for (double t : c.drive)
    postSteps.push_back(std::llround(t / c.dt)); // one step of delay, fires on arrival
  std::vector<std::pair<int64_t, double>> emitted;
  double expected = byHand(c.dt, preSteps, postSteps, c.rule, emitted);
  const int64_t d = std::llround(c.rule.delayMs / c.dt);

  NetworkRun run;
  ASSERT_TRUE(run.build(network(c.dt, c.pre, c.drive, c.rule))) << run.errors();
  // The relay fires exactly at the post steps.
  int64_t end = std::max(preSteps.back() + d, postSteps.back()) + 5;
  // Step to each delivery and check the relay's input sum just before and
  // after it: the delivered weight is the emitted one, in step k + d.
  double got = 0;
  int64_t at = 0;
  for (auto &[k, w] : emitted) {
    ASSERT_TRUE(run.steps(uint64_t(k + d - at)));
    EXPECT_EQ(run.values("post", "got")[0], got) << "before the delivery of the spike sent in step " << k;
    ASSERT_TRUE(run.steps(1));
    got += w;
    EXPECT_NEAR(run.values("post", "got")[0], got, 1e-12 * got) << "delivery of the spike sent in step " << k;
    at = k + d + 1;
  }
  ASSERT_TRUE(run.steps(uint64_t(end - at)));
  std::vector<uint64_t> fired;
  for (auto &e : run.result.spikes.events)
    if (e.population == 2)
      fired.push_back(e.step);
  ASSERT_EQ(fired.size(), postSteps.size());
  for (size_t i = 0; i < fired.size(); ++i)
    EXPECT_EQ(int64_t(fired[i]), postSteps[i]);

  network::SynapseValues w = run.synapses(1, "w");
  ASSERT_EQ(w.value.size(), 1u);
  EXPECT_EQ(w.source[0], 0u);
  EXPECT_EQ(w.target[0], 0u);
  EXPECT_NEAR(w.value[0], expected, 1e-12 * expected);
  EXPECT_NE(w.value[0], c.rule.w0); // the rule did something
  // The traces too, read at the end (decayed to the current step).
  double preTrace = 0;
  for (int64_t k : preSteps)
    preTrace += std::exp(-double(end - 1 - k) * c.dt / c.rule.tauPre);
  EXPECT_NEAR(run.synapses(1, "pre_trace").value[0], preTrace, 1e-12 * preTrace);
}

Rule additive() {
  Rule r;
  r.muPlus = r.muMinus = 0;
  r.lambda = 0.05;
  return r;
}

Rule longDelay() {
  Rule r;
  r.delayMs = 3.7;
  r.tauPre = 15;
  r.tauPost = 33;
  r.alpha = 1.2;
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Network, StdpClosedForm,
    ::testing::Values(
        // pre 5 ms before post, then post 25 ms before pre.
        Case{"multiplicative", 0.1, {10, 40}, {14.9}, Rule{}},
        // The same at half the step: the synapse model is specialized for it.
        Case{"multiplicative_dt005", 0.05, {10, 40}, {14.9}, Rule{}},
        // Additive STDP; a pre and a post spike in the same step (post
        // handler first: it sees the pre trace before this step's pre spike).
        Case{"additive_same_step", 0.1, {10, 20, 40}, {14.9, 19.9, 30}, additive()},
        // Long gaps between events, other time constants and delay.
        Case{"long_gaps", 0.1, {5, 300, 310.5}, {100, 305, 900}, longDelay()}),
    [](const ::testing::TestParamInfo<Case> &i) { return std::string(i.param.name); });

} // namespace
