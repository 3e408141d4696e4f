//===- SessionTest.cpp - nsc::Session and the Simulation's loop calls -----===//
#include <nsc/nsc.h>

#include <gtest/gtest.h>

#include <cmath>

namespace {

/// Relays: an event of weight 1 makes a neuron fire in the step that reads
/// it; `out` repeats `mea` one step later (one_to_one, delay one step).
const char *kRelays = R"(model relay:
    parameters:
        tau_m ms = 5 ms
        V_th mV = 15 mV
    state:
        V_m mV = 0 mV
    equations:
        V_m' = -V_m / tau_m
    input:
        spikes real <- spike
    output:
        spike
    update:
        integrate_odes()
    onReceive(spikes):
        V_m += spikes * 20 mV
    onCondition(V_m > V_th):
        V_m = 0 mV
        emit_spike()

semantics:
    dt = 0.1 ms

network relays:
    mea = relay[4]
    out = relay[4]
    connect mea -> out: one_to_one, weight = 1, delay = 0.1 ms
)";

nsc::Model relays() { return nsc::Compiler().compileString(kRelays, "relays.nrn"); }

/// 10 kHz (one sample per step), 2 channels, 20 samples of ±1 with -20 on
/// channel 0 at sample 5 and channel 1 at sample 12.
std::vector<double> twoSpikes() {
  std::vector<double> v(40);
  for (size_t t = 0; t < 20; ++t)
    v[2 * t] = v[2 * t + 1] = t % 2 ? -1.0 : 1.0;
  v[2 * 5] = -20;
  v[2 * 12 + 1] = -20;
  return v;
}

nsc::SessionOptions options() {
  nsc::SessionOptions o;
  o.sampleRate_hz = 10000;
  o.channels = 2;
  o.seed = 3;
  o.refractorySamples = 10; // frames of 20 samples: the next frame's spikes come 20 later
  return o;
}

/// A clock that advances 100 µs per reading: every stage takes 100 µs.
std::function<uint64_t()> fakeClock() {
  auto t = std::make_shared<uint64_t>(0);
  return [t] { return *t += 100000; };
}

template <class Fn> std::string refusal(Fn fn) {
  try {
    fn();
  } catch (const nsc::ArgumentError &e) {
    return e.what();
  }
  return "(not refused)";
}

} // namespace

TEST(ApiSession, OneFrameThroughEveryStage) {
  nsc::Session s(relays(), options());
  EXPECT_EQ(s.options().inputPopulation, "mea"); // the first model population
  EXPECT_EQ(s.options().inputPort, "spikes");      // its only spike port
  EXPECT_EQ(s.options().readoutPopulation, "out"); // the last
  EXPECT_DOUBLE_EQ(s.options().tick_hz, 10000);    // one tick per step
  nsc::FrameResult r = s.processFrame(twoSpikes());
  EXPECT_EQ(r.samples, 20u);
  EXPECT_EQ(r.firstStep, 0u);
  EXPECT_EQ(r.endStep, 20u);
  ASSERT_EQ(r.detected.size(), 2u);
  EXPECT_EQ(r.detected[0].channel, 0u);
  EXPECT_EQ(r.detected[0].sample, 5u);
  EXPECT_EQ(r.detected[1].sample, 12u);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].id, 0u);
  EXPECT_EQ(r.events[0].tick, 5u);
  EXPECT_EQ(r.events[1].id, 1u);
  EXPECT_EQ(r.events[1].tick, 12u);
  // mea[0] fires in step 5, out[0] in step 6; mea[1] in 12, out[1] in 13.
  ASSERT_EQ(r.modelSpikes.size(), 4u);
  std::vector<std::tuple<uint64_t, uint32_t, uint64_t>> got;
  for (const nsc::Spike &x : r.modelSpikes)
    got.emplace_back(x.step, x.population, x.index);
  EXPECT_EQ(got, (std::vector<std::tuple<uint64_t, uint32_t, uint64_t>>{{5, 0, 0}, {6, 1, 0}, {12, 0, 1}, {13, 1, 1}}));
  EXPECT_EQ(r.readoutCounts, (std::vector<uint32_t>{1, 1, 0, 0}));
  // p = 1/(1+1) = 0.5 for the two: a Binomial(1024, 0.5)/1024 each.
  ASSERT_EQ(r.densities.size(), 4u);
  for (int n = 0; n < 2; ++n)
    EXPECT_NEAR(r.densities[n], 0.5, 5 * std::sqrt(0.25 / 1024));
  EXPECT_EQ(r.densities[2], 0.0);
  ASSERT_EQ(r.pulses.size(), 4u);
  EXPECT_DOUBLE_EQ(r.pulses[1].intensity_mw_mm2, 10 * r.densities[1]);
  EXPECT_DOUBLE_EQ(r.pulses[1].duration_ms, 1 + 9 * r.densities[1]);
  EXPECT_EQ(r.pulses[1].wavelength_nm, 470.0);
  EXPECT_DOUBLE_EQ(r.pulses[1].start_ms, 2.0);
  EXPECT_EQ(r.thresholds_uv.size(), 2u);
  EXPECT_TRUE(r.homeostatThresholds.empty());
  // The next frame continues the clock: samples 20.., steps 20...
  nsc::FrameResult next = s.processFrame(twoSpikes());
  EXPECT_EQ(next.frame, 1u);
  EXPECT_EQ(next.firstStep, 20u);
  ASSERT_EQ(next.events.size(), 2u);
  EXPECT_EQ(next.events[0].tick, 25u);
}

TEST(ApiSession, ChannelMapAndMeanPulse) {
  nsc::SessionOptions o = options();
  o.channelMap = {3, -1};
  o.pulseMode = nsc::PulseMode::Mean;
  nsc::Session s(relays(), o);
  nsc::FrameResult r = s.processFrame(twoSpikes());
  ASSERT_EQ(r.events.size(), 1u); // channel 1 is unrouted
  EXPECT_EQ(r.events[0].id, 3u);
  EXPECT_EQ(r.readoutCounts, (std::vector<uint32_t>{0, 0, 0, 1}));
  ASSERT_EQ(r.pulses.size(), 1u);
  EXPECT_DOUBLE_EQ(r.pulses[0].density, r.densities[3] / 4);
}

TEST(ApiSession, DeterministicUnderASeedAndJsonRoundTrips) {
  nsc::SessionOptions o = options();
  o.clock_ns = fakeClock();
  nsc::Session a(relays(), o);
  o.clock_ns = fakeClock();
  nsc::Session b(relays(), o);
  std::string ja = a.processFrame(twoSpikes()).toJson(), jb = b.processFrame(twoSpikes()).toJson();
  EXPECT_EQ(ja, jb);
  EXPECT_EQ(nsc::FrameResult::fromJson(ja).toJson(), ja);
  EXPECT_DOUBLE_EQ(nsc::FrameResult::fromJson(ja).modelSpikes[1].time_ms, a.simulation().dt_ms() * 7);
  o.seed = 4;
  o.clock_ns = fakeClock();
  nsc::Session c(relays(), o);
  EXPECT_NE(c.processFrame(twoSpikes()).densities, nsc::FrameResult::fromJson(ja).densities);
  EXPECT_NE(refusal([] { nsc::FrameResult::fromJson("{\"frame\": 1}"); }).find("not a frame result"),
            std::string::npos);
}

TEST(ApiSession, BudgetAccountingWithAnInjectedClock) {
  nsc::SessionOptions o = options();
  o.clock_ns = fakeClock();
  o.budget_us = 650; // every stage 100 µs, the total 700 µs
  nsc::Session s(relays(), o);
  for (int f = 0; f < 3; ++f) {
    nsc::FrameResult r = s.processFrame(twoSpikes());
    EXPECT_EQ(r.latency.detect_us, 100.0);
    EXPECT_EQ(r.latency.homeostat_us, 100.0);
    EXPECT_EQ(r.latency.total_us, 700.0);
    EXPECT_TRUE(r.overBudget);
  }
  nsc::LatencySummary l = s.latency();
  EXPECT_EQ(l.frames, 3u);
  EXPECT_EQ(l.violations, 3u);
  ASSERT_EQ(l.stages.size(), 7u);
  EXPECT_EQ(l.stages[6].stage, "total");
  EXPECT_EQ(l.stages[6].p99_us, 700.0);
  EXPECT_EQ(l.stages[2].p50_us, 100.0);
  EXPECT_NE(nsc::latencySummaryJson(l).find("\"violations\":3"), std::string::npos);
  o.budget_us = 700; // a total equal to the budget is within it
  o.clock_ns = fakeClock();
  nsc::Session t(relays(), o);
  EXPECT_FALSE(t.processFrame(twoSpikes()).overBudget);
  EXPECT_EQ(t.latency().violations, 0u);
}

TEST(ApiSession, EmptyFramesChangeNothing) {
  nsc::Session s(relays(), options());
  nsc::FrameResult r = s.processFrame(std::vector<double>{});
  EXPECT_EQ(r.samples, 0u);
  EXPECT_TRUE(r.detected.empty());
  EXPECT_EQ(s.frames(), 0u);
  EXPECT_EQ(s.latency().frames, 0u);
  EXPECT_EQ(s.simulation().steps(), 0u);
  EXPECT_NO_THROW(s.processFrame(nullptr, 0, 7)); // even of another width
}

TEST(ApiSession, HomeostatAdaptsTheThresholdEveryFrame) {
  nsc::SessionOptions o = options();
  o.homeostatThreshold = "V_th";
  o.homeostatThetaMin = 0;
  o.homeostatThetaMax = 8000;
  nsc::Session s(relays(), o);
  EXPECT_EQ(s.options().homeostatPopulation, "out");
  nsc::FrameResult r = s.processFrame(twoSpikes());
  // θ = 15·256 = 3840; a 2 ms window at r* = 10 Hz, τ = 10 s:
  // K = round(2^24/10) = 1677722, B = round(10·0.002·2^24/10) = 33554.
  // One spike: acc = 3840·2^16 + 1677722 − 33554 -> θ = 3865; none: 3839.
  ASSERT_EQ(r.homeostatThresholds.size(), 4u);
  EXPECT_DOUBLE_EQ(r.homeostatThresholds[0], 3865 / 256.0);
  EXPECT_DOUBLE_EQ(r.homeostatThresholds[2], 3839 / 256.0);
  EXPECT_EQ(s.simulation().get("out", "V_th"), r.homeostatThresholds);
}

TEST(ApiSession, RefusesBadConfigurations) {
  nsc::Model m = relays();
  auto with = [&](auto change) {
    nsc::SessionOptions o = options();
    change(o);
    return refusal([&] { nsc::Session(m, o); });
  };
  EXPECT_NE(with([](auto &o) { o.sampleRate_hz = 0; }).find("sample rate must be a positive frequency"),
            std::string::npos);
  EXPECT_NE(with([](auto &o) { o.channels = 0; }).find("at least 1"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.channelMap = {0, 4}; }).find("channel map: the channel map sends channel 1 to neuron 4"),
            std::string::npos);
  EXPECT_NE(with([](auto &o) { o.channels = 5; }).find("5 channels and only 4 input neurons"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.inputPopulation = "nope"; }).find("no population named 'nope'"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.inputPort = "nope"; }).find("no scalar spike input port 'nope'"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.readoutPopulation = "nope"; }).find("no population named 'nope'"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.alpha = -1; }).find("alpha"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.bitstreamLength = 0; }).find("bitstream length"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.minPulse_ms = 20; }).find("T_min <= T_max"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.homeostatThreshold = "V_m"; }).find("not a real parameter"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.homeostatPopulation = "out"; }).find("without the threshold"), std::string::npos);
  EXPECT_NE(with([](auto &o) { o.budget_us = -1; }).find("budget"), std::string::npos);
  nsc::Session s(m, options());
  EXPECT_NE(refusal([&] { s.processFrame(std::vector<double>(3, 0.0)); }).find("not whole rows of 2 channels"),
            std::string::npos);
  EXPECT_NE(refusal([&] { s.processFrame(std::vector<double>(6, 0.0).data(), 2, 3); }).find("3 channels"),
            std::string::npos);
  std::vector<double> bad = twoSpikes();
  bad[7] = NAN;
  EXPECT_NE(refusal([&] { s.processFrame(bad); }).find("non-finite voltage at sample 3, channel 1"), std::string::npos);
  EXPECT_EQ(s.frames(), 0u); // nothing ran
}

TEST(ApiLoopCalls, ScheduledSpikesArriveInTheirSteps) {
  nsc::Simulation sim = relays().simulate();
  EXPECT_EQ(sim.spikePorts("mea"), std::vector<std::string>{"spikes"});
  sim.scheduleSpikes("mea", "spikes", {3, 7, 7}, {0, 1, 2});
  EXPECT_EQ(sim.scheduledSpikes(), 3u);
  sim.step(5);
  EXPECT_EQ(sim.scheduledSpikes(), 2u);
  sim.run(1.0); // 10 steps: run() honours the schedule too
  std::vector<nsc::Spike> input;
  for (const nsc::Spike &x : sim.spikes())
    if (x.population == 0)
      input.push_back(x);
  ASSERT_EQ(input.size(), 3u);
  EXPECT_EQ(input[0].step, 3u);
  EXPECT_EQ(input[1].step, 7u);
  EXPECT_EQ(input[2].index, 2u);
  // spikesSince: the out population's spikes at steps 4 and 8.
  std::vector<nsc::Spike> late = sim.spikesSince(7);
  ASSERT_EQ(late.size(), 4u); // mea 1, 2 at 7; out 1, 2 at 8
  EXPECT_EQ(late.front().step, 7u);
  EXPECT_EQ(late.back().step, 8u);
  EXPECT_NE(refusal([&] { sim.scheduleSpikes("mea", "spikes", {2}, {0}); }).find("is in the past"),
            std::string::npos);
  EXPECT_NE(refusal([&] { sim.scheduleSpikes("mea", "spikes", {20}, {4}); }).find("out of range"),
            std::string::npos);
  EXPECT_NE(refusal([&] { sim.scheduleSpikes("mea", "spikes", {20, 21}, {0}); }).find("one step per"),
            std::string::npos);
  sim.scheduleSpikes("mea", "spikes", {100}, {0});
  sim.reset();
  EXPECT_EQ(sim.scheduledSpikes(), 0u);
}

TEST(ApiLoopCalls, AerEventsAreReadInTheStepContainingTheirTick) {
  nsc::Simulation sim = relays().simulate();
  // 1 MHz ticks: 100 per step of 0.1 ms. Tick 250 is in step 2, 999 in 9.
  sim.injectAer("mea", "spikes", {{1, 250}, {3, 999}}, 1e6);
  sim.step(12);
  std::vector<std::pair<uint64_t, uint64_t>> got;
  for (const nsc::Spike &x : sim.spikes())
    if (x.population == 0)
      got.emplace_back(x.step, x.index);
  EXPECT_EQ(got, (std::vector<std::pair<uint64_t, uint64_t>>{{2, 1}, {9, 3}}));
  EXPECT_NE(refusal([&] { sim.injectAer("mea", "spikes", {{0, 5}}, 1e6); }).find("in the past"), std::string::npos);
  EXPECT_NE(refusal([&] { sim.injectAer("mea", "spikes", {{0, 5}}, 0); }).find("tick rate"), std::string::npos);
}
