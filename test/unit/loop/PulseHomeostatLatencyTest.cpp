//===- PulseHomeostatLatencyTest.cpp - Pulses, frame homeostat, latency ---===//
#include "nsc/loop/FrameHomeostat.h"
#include "nsc/loop/Latency.h"
#include "nsc/loop/OptoPulse.h"

#include <gtest/gtest.h>

using namespace nsc::loop;

TEST(LoopPulse, IntensityAndDurationFormulas) {
  PulseConfig c;
  c.maxIntensity_mw_mm2 = 10;
  c.minDuration_ms = 1;
  c.maxDuration_ms = 9;
  c.wavelength_nm = 590;
  OptoPulse p = pulseOf(c, 4, 0.25);
  EXPECT_EQ(p.site, 4u);
  EXPECT_DOUBLE_EQ(p.intensity_mw_mm2, 2.5); // 0.25 · 10
  EXPECT_DOUBLE_EQ(p.duration_ms, 3.0);      // 1 + 8 · 0.25
  EXPECT_EQ(p.wavelength_nm, 590.0);
  OptoPulse off = pulseOf(c, 0, 0.0);
  EXPECT_EQ(off.intensity_mw_mm2, 0.0);
  EXPECT_EQ(off.duration_ms, 1.0);
  EXPECT_EQ(pulseOf(c, 0, 1.5).density, 1.0); // clamped
}

TEST(LoopPulse, PerNeuronOrOneMeanPulse) {
  PulseConfig c;
  std::vector<OptoPulse> out;
  pulsesOf(c, {0.2, 0.6}, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].site, 1u);
  EXPECT_DOUBLE_EQ(out[1].intensity_mw_mm2, 6.0);
  c.mode = PulseMode::Mean;
  pulsesOf(c, {0.2, 0.6}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_DOUBLE_EQ(out[0].density, 0.4);
  EXPECT_DOUBLE_EQ(out[0].duration_ms, 1 + 9 * 0.4);
  pulsesOf(c, {}, out);
  EXPECT_TRUE(out.empty());
  PulseMode m;
  EXPECT_TRUE(parsePulseMode("mean", m));
  EXPECT_FALSE(parsePulseMode("sum", m));
}

TEST(LoopPulse, ConfigurationChecks) {
  PulseConfig c;
  EXPECT_EQ(checkPulseConfig(c), "");
  c.minDuration_ms = 20;
  EXPECT_NE(checkPulseConfig(c).find("T_min <= T_max"), std::string::npos);
  c = PulseConfig();
  c.maxIntensity_mw_mm2 = -1;
  EXPECT_NE(checkPulseConfig(c).find("intensity"), std::string::npos);
  c = PulseConfig();
  c.wavelength_nm = 0;
  EXPECT_NE(checkPulseConfig(c).find("wavelength"), std::string::npos);
}

TEST(LoopHomeostat, OneFrameWindowOfTheQ88Rule) {
  // r* = 10 Hz, τ = 10 s, frames of 10 ms: K = round(2^24/10) = 1677722,
  // B = round(10 · 0.01 · 2^24/10) = 167772.
  FrameHomeostat h;
  std::string error;
  ASSERT_TRUE(h.init(FrameHomeostatConfig(), 10.0, {1.0, 1.0, 3.0}, error)) << error;
  EXPECT_EQ(h.constants().gain, 1677722);
  EXPECT_EQ(h.constants().bias, 167772);
  EXPECT_EQ(h.theta(), (std::vector<int64_t>{256, 256, 512})); // 3.0 = 768 clipped to θ_max
  std::vector<double> thresholds;
  h.update({1, 0, 0}, thresholds);
  // acc = 256·2^16 + 1677722 − 167772 = 18287166 -> θ = 279;
  // acc = 256·2^16 − 167772 = 16609444 -> θ = 253.
  EXPECT_EQ(h.theta(), (std::vector<int64_t>{279, 253, 509}));
  EXPECT_DOUBLE_EQ(thresholds[0], 279 / 256.0);
  EXPECT_DOUBLE_EQ(thresholds[1], 253 / 256.0);
  FrameHomeostatConfig bad;
  bad.thetaMin = 600;
  EXPECT_FALSE(h.init(bad, 10.0, {1.0}, error));
  EXPECT_NE(error.find("theta_min"), std::string::npos);
}

TEST(LoopLatency, NearestRankPercentiles) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i)
    v.push_back(i);
  EXPECT_EQ(nearestRankPercentile(v, 0.5), 50.0);
  EXPECT_EQ(nearestRankPercentile(v, 0.99), 99.0);
  EXPECT_EQ(nearestRankPercentile(v, 1.0), 100.0);
  std::vector<double> three = {3, 1, 2};
  EXPECT_EQ(nearestRankPercentile(three, 0.99), 3.0); // ⌈2.97⌉ = 3rd
  std::vector<double> none;
  EXPECT_EQ(nearestRankPercentile(none, 0.5), 0.0);
}

TEST(LoopLatency, BudgetViolationsCountTotalsAboveTheBudget) {
  LatencyLog log(100.0);
  StageTimes t{};
  for (double total : {50.0, 150.0, 100.0, 101.0}) {
    t[unsigned(Stage::Total)] = total;
    t[unsigned(Stage::Model)] = total / 2;
    log.add(t);
  }
  EXPECT_EQ(log.frames(), 4u);
  EXPECT_EQ(log.violations(), 2u); // 150 and 101; 100 is within
  StageSummary s = log.summary(Stage::Total);
  EXPECT_EQ(s.p50_us, 100.0);
  EXPECT_EQ(s.p99_us, 150.0);
  EXPECT_EQ(s.max_us, 150.0);
  EXPECT_DOUBLE_EQ(s.mean_us, 100.25);
  EXPECT_EQ(log.summary(Stage::Model).max_us, 75.0);
  LatencyLog none(0.0);
  t[unsigned(Stage::Total)] = 1e9;
  EXPECT_FALSE(none.add(t));
  EXPECT_EQ(none.violations(), 0u);
  EXPECT_STREQ(stageName(Stage::Bitstream), "bitstream");
}
