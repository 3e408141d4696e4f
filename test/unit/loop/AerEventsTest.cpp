//===- AerEventsTest.cpp - MEA detections to AER events -------------------===//
#include "nsc/loop/AerEvents.h"

#include <gtest/gtest.h>

using namespace nsc::loop;

TEST(LoopAer, TickIsTheFloorOfSampleTimeTimesClock) {
  // f_s = 25 kHz, f_hw = 10 kHz: 2.5 samples per tick.
  EXPECT_EQ(tickOfSample(0, 25000, 10000), 0u);
  EXPECT_EQ(tickOfSample(2, 25000, 10000), 0u); // 0.8
  EXPECT_EQ(tickOfSample(3, 25000, 10000), 1u); // 1.2
  EXPECT_EQ(tickOfSample(5, 25000, 10000), 2u); // exactly 2
  EXPECT_EQ(tickOfSample(250, 25000, 10000), 100u);
  EXPECT_EQ(tickOfSample(250000, 25000, 1e6), 10000000u); // 1 µs ticks
}

TEST(LoopAer, StepOfTick) {
  EXPECT_EQ(stepOfTick(123, 10000, 0.1), 123u);          // f_hw = 1/dt
  EXPECT_EQ(stepOfTick(99, 1e6, 0.1), 0u);               // 100 ticks per step
  EXPECT_EQ(stepOfTick(100, 1e6, 0.1), 1u);
  EXPECT_EQ(stepOfTick(3, 25000, 0.1), 1u);              // 2.5 ticks per step
  EXPECT_EQ(stepOfTick(4, 25000, 0.1), 1u);
  EXPECT_EQ(stepOfTick(5, 25000, 0.1), 2u);
}

TEST(LoopAer, EventsSortedByTickThenIdThroughTheChannelMap) {
  AerMapping m;
  m.sampleRate_hz = 25000;
  m.tick_hz = 10000;
  m.channelMap = {5, 2, -1, 7};
  // Ordered by sample, then channel, as the detector gives them.
  std::vector<DetectedSpike> spikes = {{0, 1, -9}, {1, 2, -9}, {2, 2, -9}, {3, 4, -9}, {1, 10, -9}};
  std::vector<AerEvent> out;
  encodeAer(spikes, m, out);
  // ticks: samples 1,2 -> 0; 4 -> 1; 10 -> 4. Channel 2 is unrouted.
  std::vector<AerEvent> want = {{2, 0}, {5, 0}, {7, 1}, {2, 4}};
  EXPECT_EQ(out, want);
  // Without a map the channel number is the id.
  m.channelMap.clear();
  out.clear();
  encodeAer(spikes, m, out);
  want = {{0, 0}, {1, 0}, {2, 0}, {3, 1}, {1, 4}};
  EXPECT_EQ(out, want);
}

TEST(LoopAer, MappingChecks) {
  AerMapping m;
  m.sampleRate_hz = 25000;
  m.tick_hz = 10000;
  EXPECT_EQ(checkAerMapping(m, 60, 60), "");
  EXPECT_NE(checkAerMapping(m, 60, 59).find("only 59 input neurons"), std::string::npos);
  m.channelMap = {0, 1};
  EXPECT_NE(checkAerMapping(m, 3, 10).find("2 entries for 3 channels"), std::string::npos);
  m.channelMap = {0, 10, -1};
  EXPECT_NE(checkAerMapping(m, 3, 10).find("channel 1 to neuron 10"), std::string::npos);
  m.channelMap = {0, -2, -1};
  EXPECT_NE(checkAerMapping(m, 3, 10).find("channel 1 to neuron -2"), std::string::npos);
  m.channelMap.clear();
  m.sampleRate_hz = 0;
  EXPECT_NE(checkAerMapping(m, 3, 10).find("sample rate"), std::string::npos);
}
