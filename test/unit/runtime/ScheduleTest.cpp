//===- ScheduleTest.cpp - Times to steps (R3, R13, R20, R21) --------------===//

#include "nsc/runtime/Schedule.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace nsc::runtime;

TEST(Schedule, TimeToStepsRoundsHalfAwayFromZero) {
  EXPECT_EQ(timeToSteps(1.0, 0.1), 10);
  EXPECT_EQ(timeToSteps(0.05, 0.1), 1); // 0.5 -> 1
  EXPECT_EQ(timeToSteps(0.04, 0.1), 0);
  EXPECT_EQ(timeToSteps(0.25, 0.1), 3); // 2.5 -> 3
  EXPECT_EQ(timeToSteps(-0.25, 0.1), -3);
  EXPECT_FALSE(timeToSteps(INFINITY, 0.1));
  EXPECT_FALSE(timeToSteps(NAN, 0.1));
  EXPECT_FALSE(timeToSteps(1e300, 0.1));
}

TEST(Schedule, OffGrid) {
  EXPECT_FALSE(isOffGrid(1.0, 0.1));
  EXPECT_FALSE(isOffGrid(0.3, 0.1)); // 2.9999999999999996 is within 1e-9
  EXPECT_TRUE(isOffGrid(0.05, 0.1));
  EXPECT_TRUE(isOffGrid(INFINITY, 0.1));
}

TEST(Schedule, DrawnDelaysClampToOneStep) {
  EXPECT_EQ(drawnDelaySteps(1.0, 0.1), 10);
  EXPECT_EQ(drawnDelaySteps(0.04, 0.1), 1);
  EXPECT_EQ(drawnDelaySteps(-3.0, 0.1), 1);
  EXPECT_EQ(drawnDelaySteps(NAN, 0.1), 1);
  EXPECT_EQ(drawnDelaySteps(0.25, 0.1), 3); // 2.5 rounds away from zero
  EXPECT_EQ(drawnDelaySteps(1e300, 0.1), INT64_MAX);
}

TEST(Schedule, PoissonActiveWindow) {
  // start = 1 ms, stop = 2 ms at dt = 0.1: steps 10..19 (stamps 1.1 .. 2.0).
  EXPECT_FALSE(poissonActive(9, 10, 20));
  EXPECT_TRUE(poissonActive(10, 10, 20));
  EXPECT_TRUE(poissonActive(19, 10, 20));
  EXPECT_FALSE(poissonActive(20, 10, 20));
  EXPECT_TRUE(poissonActive(1000000, 0, INT64_MAX));
}

TEST(Schedule, SpikeGeneratorSchedule) {
  SpikeSchedule s;
  std::string err;
  ASSERT_TRUE(buildSpikeSchedule({5.0, 1.0, 1.04, 0.1}, 0.1, s, err)) << err;
  // 0.1 -> m 1 -> step 0; 1.0 and 1.04 -> m 10 -> step 9 twice; 5.0 -> step 49.
  EXPECT_EQ(s.emitStep, (std::vector<uint64_t>{0, 9, 49}));
  EXPECT_EQ(s.multiplicity, (std::vector<uint32_t>{1, 2, 1}));
  EXPECT_FALSE(buildSpikeSchedule({0.04}, 0.1, s, err));
  EXPECT_EQ(err, "spike time 0.04 ms is before the end of the first step (dt = 0.1 ms)");
  EXPECT_FALSE(buildSpikeSchedule({NAN}, 0.1, s, err));
  EXPECT_EQ(err, "spike time nan ms is not a finite number of steps");
}
