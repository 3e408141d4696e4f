//===- SpikeDetectorTest.cpp - MAD threshold detection (hand-computed) ----===//
#include "nsc/loop/SpikeDetector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace nsc::loop;

namespace {

DetectorConfig oneChannel(uint32_t noiseFrames = 1, uint32_t refractory = 30) {
  DetectorConfig c;
  c.channels = 1;
  c.noiseFrames = noiseFrames;
  c.refractorySamples = refractory;
  return c;
}

/// ±1 noise (median |V| = 1, so θ = 5/0.6745 = 7.41) with spikes of -20.
std::vector<double> noiseWithSpikes(size_t n, std::vector<size_t> spikes, double amplitude = -20) {
  std::vector<double> v(n);
  for (size_t t = 0; t < n; ++t)
    v[t] = t % 2 ? -1.0 : 1.0;
  for (size_t s : spikes)
    v[s] = amplitude;
  return v;
}

} // namespace

TEST(LoopMedian, OddEvenEmpty) {
  std::vector<double> a = {3, 1, 2}, b = {4, 1, 3, 2}, c;
  EXPECT_EQ(medianInPlace(a), 2.0);
  EXPECT_EQ(medianInPlace(b), 2.5);
  EXPECT_EQ(medianInPlace(c), 0.0);
}

TEST(LoopDetector, ThresholdIsAlphaTimesMadSigma) {
  MadSpikeDetector d(oneChannel());
  std::vector<double> v = noiseWithSpikes(11, {4});
  std::vector<DetectedSpike> out;
  d.detect(v.data(), v.size(), out);
  EXPECT_NEAR(d.sigmas()[0], 1.0 / 0.6745, 1e-12);
  EXPECT_NEAR(d.thresholds()[0], 5.0 / 0.6745, 1e-12);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].channel, 0u);
  EXPECT_EQ(out[0].sample, 4u);
  EXPECT_EQ(out[0].value, -20.0);
}

TEST(LoopDetector, PolarityDecidesWhichSideCrosses) {
  std::vector<double> v = noiseWithSpikes(11, {4});
  v[8] = 20;
  for (auto [pol, expected] : {std::pair{Polarity::Negative, std::vector<uint64_t>{4}},
                               std::pair{Polarity::Positive, std::vector<uint64_t>{8}},
                               std::pair{Polarity::Both, std::vector<uint64_t>{4, 8}}}) {
    DetectorConfig c = oneChannel(1, 2);
    c.polarity = pol;
    MadSpikeDetector d(c);
    std::vector<DetectedSpike> out;
    d.detect(v.data(), v.size(), out);
    std::vector<uint64_t> got;
    for (const DetectedSpike &s : out)
      got.push_back(s.sample);
    EXPECT_EQ(got, expected) << polarityName(pol);
  }
  Polarity p;
  EXPECT_TRUE(parsePolarity("both", p));
  EXPECT_EQ(p, Polarity::Both);
  EXPECT_FALSE(parsePolarity("up", p));
}

TEST(LoopDetector, RefractoryPeriodSuppressesCloseCrossings) {
  std::vector<double> v = noiseWithSpikes(61, {10, 20, 40});
  std::vector<DetectedSpike> out;
  MadSpikeDetector(oneChannel(1, 30)).detect(v.data(), v.size(), out);
  ASSERT_EQ(out.size(), 2u); // 20 is 10 samples after 10; 40 is 30 after
  EXPECT_EQ(out[0].sample, 10u);
  EXPECT_EQ(out[1].sample, 40u);
  out.clear();
  MadSpikeDetector(oneChannel(1, 5)).detect(v.data(), v.size(), out);
  EXPECT_EQ(out.size(), 3u);
}

TEST(LoopDetector, OneCrossingPerExcursion) {
  // Beyond the threshold for 40 samples: one detection, not one per 30.
  std::vector<double> v = noiseWithSpikes(101, {});
  for (size_t t = 20; t < 60; ++t)
    v[t] = -20;
  std::vector<DetectedSpike> out;
  MadSpikeDetector(oneChannel(1, 30)).detect(v.data(), v.size(), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sample, 20u);
}

TEST(LoopDetector, StateCarriesAcrossFrames) {
  MadSpikeDetector d(oneChannel(1, 30));
  std::vector<DetectedSpike> out;
  std::vector<double> f1 = noiseWithSpikes(21, {20});   // detection at sample 20
  std::vector<double> f2 = noiseWithSpikes(61, {0, 5, 45}); // 21 (held), 26 (refractory), 66
  d.detect(f1.data(), f1.size(), out);
  d.detect(f2.data(), f2.size(), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].sample, 20u);
  EXPECT_EQ(out[1].sample, 21u + 45u); // absolute sample numbers
  EXPECT_EQ(d.samplesSeen(), 82u);
}

TEST(LoopDetector, SigmaIsTheMedianOfTheLastFramesMedians) {
  MadSpikeDetector d(oneChannel(3));
  std::vector<DetectedSpike> out;
  for (double m : {1.0, 3.0, 2.0}) {
    std::vector<double> f(5, m);
    d.detect(f.data(), f.size(), out);
  }
  EXPECT_NEAR(d.sigmas()[0], 2.0 / 0.6745, 1e-12); // median(1, 3, 2)
  std::vector<double> f(5, 10.0);
  d.detect(f.data(), f.size(), out);
  EXPECT_NEAR(d.sigmas()[0], 3.0 / 0.6745, 1e-12); // median(3, 2, 10): 1 left the window
}

TEST(LoopDetector, ChannelsAreIndependentAndOrderedBySampleThenChannel) {
  DetectorConfig c = oneChannel();
  c.channels = 2;
  MadSpikeDetector d(c);
  std::vector<double> a = noiseWithSpikes(11, {6}), b = noiseWithSpikes(11, {3, 6}, -4);
  std::vector<double> frame;
  for (size_t t = 0; t < 11; ++t) {
    frame.push_back(a[t] * 10); // channel 0: ten times the noise, θ ten times higher
    frame.push_back(b[t]);
  }
  // Channel 0: -200 at 6 (θ 74); channel 1: -4 at 3 and 6 (θ 7.4: none).
  std::vector<DetectedSpike> out;
  d.detect(frame.data(), 11, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].channel, 0u);
  EXPECT_NEAR(d.thresholds()[0], 50 / 0.6745, 1e-9);
  // Now both channels cross at the same sample, channel 1 first in memory.
  std::vector<double> g(22);
  for (size_t t = 0; t < 11; ++t)
    g[2 * t] = g[2 * t + 1] = t % 2 ? -1 : 1;
  g[2 * 5] = g[2 * 5 + 1] = -30;
  g[2 * 2 + 1] = -30;
  out.clear();
  c.refractorySamples = 2; // channel 1 crosses at 2 and 5
  MadSpikeDetector d2(c);
  d2.detect(g.data(), 11, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].sample, 2u);
  EXPECT_EQ(out[0].channel, 1u);
  EXPECT_EQ(out[1].sample, 5u);
  EXPECT_EQ(out[1].channel, 0u);
  EXPECT_EQ(out[2].sample, 5u);
  EXPECT_EQ(out[2].channel, 1u);
}

TEST(LoopDetector, EmptyFramesAndDeadChannels) {
  MadSpikeDetector d(oneChannel());
  std::vector<DetectedSpike> out;
  d.detect(nullptr, 0, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(d.samplesSeen(), 0u);
  std::vector<double> flat(20, 0.0);
  flat[7] = -5; // median |V| = 0: θ = 0, the channel is dead
  d.detect(flat.data(), flat.size(), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(d.thresholds()[0], 0.0);
}

TEST(LoopDetector, ConfigurationChecks) {
  DetectorConfig c;
  EXPECT_NE(checkDetectorConfig(c), ""); // no channels
  c.channels = 4;
  EXPECT_EQ(checkDetectorConfig(c), "");
  c.alpha = 0;
  EXPECT_NE(checkDetectorConfig(c).find("alpha"), std::string::npos);
  c.alpha = 5;
  c.noiseFrames = 0;
  EXPECT_NE(checkDetectorConfig(c).find("noise window"), std::string::npos);
}

TEST(LoopMedian, TheGuessOnlyNarrowsTheSearch) {
  // Against medianInPlace for good, poor and absent guesses, odd and even
  // counts, duplicates, and a stride (one channel of a frame).
  std::vector<double> scratch, band;
  uint32_t x = 12345;
  std::vector<double> frame;
  for (int n = 0; n < 2 * 251; ++n) {
    x = x * 1664525u + 1013904223u;
    frame.push_back((double(x >> 8) / double(1 << 24) - 0.5) * 20.0);
  }
  frame[6] = frame[8] = frame[10] = 3.0; // duplicates on channel 0
  for (uint64_t n : {1, 2, 3, 10, 11, 250, 251}) {
    std::vector<double> column;
    for (uint64_t t = 0; t < n; ++t)
      column.push_back(std::fabs(frame[2 * t]));
    std::vector<double> copy = column;
    double want = medianInPlace(copy);
    for (double guess : {0.0, want, want * 1.05, want * 0.95, want * 3, want / 3})
      EXPECT_EQ(medianAbsWithGuess(frame.data(), n, 2, guess, scratch, band), want) << n << " " << guess;
  }
  std::vector<double> dup = {-3, 3, 3, 1, 5, 3};
  EXPECT_EQ(medianAbsWithGuess(dup.data(), 6, 1, 3.0, scratch, band), 3.0);
  EXPECT_EQ(medianAbsWithGuess(dup.data(), 0, 1, 3.0, scratch, band), 0.0);
}
