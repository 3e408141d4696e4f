//===- SpikeMetricsTest.cpp - Spike-train and trace distances -------------===//
#include "nsc/runtime/SpikeMetrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace nsc::runtime;

namespace {

/// The closed form of the van Rossum distance evaluated term by term
/// (O(n·m)), independent of the library's running sums.
double vanRossumDirect(const std::vector<double> &a, const std::vector<double> &b, double tau) {
  auto sum = [tau](const std::vector<double> &x, const std::vector<double> &y) {
    double s = 0;
    for (double xi : x)
      for (double yj : y)
        s += std::exp(-std::fabs(xi - yj) / tau);
    return s;
  };
  return std::sqrt(std::max(0.0, 0.5 * (sum(a, a) + sum(b, b) - 2 * sum(a, b))));
}

/// (1/tau) ∫ (f - g)^2 dt by the midpoint rule on a fine grid: the
/// definition, not the closed form.
double vanRossumIntegral(const std::vector<double> &a, const std::vector<double> &b, double tau) {
  const double h = 1e-3, end = 200;
  double s = 0;
  for (double t = h / 2; t < end; t += h) {
    double f = 0;
    for (double ai : a)
      if (t > ai)
        f += std::exp(-(t - ai) / tau);
    for (double bi : b)
      if (t > bi)
        f -= std::exp(-(t - bi) / tau);
    s += f * f * h;
  }
  return std::sqrt(s / tau);
}

} // namespace

TEST(VictorPurpura, OneSpikeShiftedCostsMinOfTwoAndQDt) {
  EXPECT_DOUBLE_EQ(victorPurpuraDistance({10.0}, {10.5}, 1.0), 0.5);
  EXPECT_DOUBLE_EQ(victorPurpuraDistance({10.0}, {10.1}, 2.0), 2.0 * (10.1 - 10.0));
  EXPECT_DOUBLE_EQ(victorPurpuraDistance({10.0}, {13.0}, 1.0), 2.0); // delete + insert
  EXPECT_DOUBLE_EQ(victorPurpuraDistance({10.0}, {12.0}, 1.0), 2.0); // the break-even shift 2/q
}

TEST(VictorPurpura, EmptyTrains) {
  EXPECT_EQ(victorPurpuraDistance({}, {}, 1.0), 0.0);
  EXPECT_EQ(victorPurpuraDistance({}, {1.0, 2.0}, 1.0), 2.0);
  EXPECT_EQ(victorPurpuraDistance({3.0, 4.0, 5.0}, {}, 1.0), 3.0);
}

TEST(VictorPurpura, HandComputedPairs) {
  // a = {1, 5}, b = {1.5, 10}: shift 1 -> 1.5 (0.5), 5 and 10 too far
  // apart to pair (cost 5 > 2): delete one, insert the other.
  EXPECT_DOUBLE_EQ(victorPurpuraDistance({1, 5}, {1.5, 10}, 1.0), 2.5);
  // Three spikes each shifted by 0.25 ms at q = 2/ms: 3 × 0.5.
  EXPECT_DOUBLE_EQ(victorPurpuraDistance({1, 2, 3}, {1.25, 2.25, 3.25}, 2.0), 1.5);
  // A spike inserted in the middle costs 1, the others align.
  EXPECT_DOUBLE_EQ(victorPurpuraDistance({1, 3}, {1, 2, 3}, 1.0), 1.0);
}

TEST(VictorPurpura, LimitsOfQ) {
  // q = 0: only the counts matter.
  EXPECT_EQ(victorPurpuraDistance({1, 2, 3}, {7, 8}, 0.0), 1.0);
  // q = inf: every spike that does not coincide is deleted and inserted.
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(victorPurpuraDistance({1, 2, 3}, {1, 2.5, 3}, inf), 2.0);
  EXPECT_EQ(victorPurpuraDistance({1, 2, 3}, {1, 2, 3}, inf), 0.0);
}

TEST(VictorPurpura, IsSymmetric) {
  std::vector<double> a = {0.3, 1.7, 2.2, 8.9, 9.0}, b = {0.1, 2.0, 5.5, 9.4};
  EXPECT_DOUBLE_EQ(victorPurpuraDistance(a, b, 0.7), victorPurpuraDistance(b, a, 0.7));
}

TEST(VanRossum, IdenticalTrainsAreZero) {
  EXPECT_EQ(vanRossumDistance({}, {}, 10.0), 0.0);
  EXPECT_EQ(vanRossumDistance({1.0, 2.5, 40.0}, {1.0, 2.5, 40.0}, 10.0), 0.0);
}

TEST(VanRossum, OneExtraSpikeIsSqrtHalf) {
  EXPECT_DOUBLE_EQ(vanRossumDistance({}, {5.0}, 10.0), std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(vanRossumDistance({5.0}, {}, 3.0), std::sqrt(0.5));
  // Two coincident extra spikes: a kernel of height 2, D^2 = 4/2.
  EXPECT_DOUBLE_EQ(vanRossumDistance({3.0, 3.0}, {}, 10.0), std::sqrt(2.0));
  // {3, 3} against {3}: one extra spike on top of a shared one.
  EXPECT_NEAR(vanRossumDistance({3.0, 3.0}, {3.0}, 10.0), std::sqrt(0.5), 1e-15);
}

TEST(VanRossum, ShiftedSpike) {
  // D^2 = 1 - exp(-Δ/τ); Δ = τ ln 2 gives 1/2.
  double tau = 10.0, d = tau * std::log(2.0);
  EXPECT_NEAR(vanRossumDistance({20.0}, {20.0 + d}, tau), std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(vanRossumDistance({20.0}, {20.1}, tau), std::sqrt(1 - std::exp(-0.1 / tau)), 1e-12);
  // Far apart: two unrelated spikes, D^2 = 1/2 + 1/2.
  EXPECT_NEAR(vanRossumDistance({0.0}, {1000.0}, tau), 1.0, 1e-15);
}

TEST(VanRossum, MatchesTheDirectSumAndTheIntegral) {
  std::vector<double> a = {1.0, 4.2, 4.2, 9.7, 30.0, 31.5}, b = {1.1, 5.0, 12.0, 30.0, 60.0};
  for (double tau : {0.5, 2.0, 10.0, 50.0}) {
    double d = vanRossumDistance(a, b, tau);
    EXPECT_NEAR(d, vanRossumDirect(a, b, tau), 1e-12) << tau;
    EXPECT_NEAR(vanRossumDistance(b, a, tau), d, 1e-12) << tau;
    if (tau <= 10.0) // the grid ends at 200 ms: the 50 ms kernel is cut off
      EXPECT_NEAR(d, vanRossumIntegral(a, b, tau), 2e-3) << tau;
  }
}

TEST(FirstDivergence, FirstDifferingStep) {
  EXPECT_EQ(firstDivergenceStep({10, 50, 90}, {10, 60, 90}), 50u);
  EXPECT_EQ(firstDivergenceStep({10, 60}, {10, 50, 90}), 50u);
  EXPECT_EQ(firstDivergenceStep({10, 50}, {10, 50, 70}), 70u);
  EXPECT_EQ(firstDivergenceStep({10, 50, 70}, {10, 50}), 70u);
  EXPECT_EQ(firstDivergenceStep({}, {3}), 3u);
  EXPECT_FALSE(firstDivergenceStep({}, {}).has_value());
  EXPECT_FALSE(firstDivergenceStep({4, 4, 8}, {4, 4, 8}).has_value());
}

TEST(CompareTrains, OneNeuron) {
  // Steps 9 and 10 at dt = 0.1 ms: label times 1.0 and 1.1 ms.
  SpikeComparison c = compareTrains({9, 99}, {10}, 0.1, SpikeMetricOptions{});
  EXPECT_EQ(c.refSpikes, 2u);
  EXPECT_EQ(c.testSpikes, 1u);
  EXPECT_EQ(c.countDiff(), -1);
  EXPECT_EQ(c.countDiffAbs, 1u);
  EXPECT_DOUBLE_EQ(c.countDiffRelative(), 0.5);
  EXPECT_NEAR(c.vpSum, 0.1 + 1.0, 1e-12); // shift by one step (q = 1/ms) + one deletion
  EXPECT_EQ(c.firstDivergenceStep, 9u);
  EXPECT_EQ(c.neuronsDiffering, 1u);
  SpikeComparison same = compareTrains({5, 7}, {5, 7}, 0.1, SpikeMetricOptions{});
  EXPECT_EQ(same.vpSum, 0.0);
  EXPECT_EQ(same.vrSum, 0.0);
  EXPECT_EQ(same.neuronsDiffering, 0u);
  EXPECT_FALSE(same.firstDivergenceStep.has_value());
}

namespace {

SpikeRecording recording(std::vector<std::string> pops, std::vector<SpikeRecording::Event> events) {
  SpikeRecording r;
  r.dtMs = 0.1;
  r.populations = std::move(pops);
  r.events = std::move(events);
  return r;
}

} // namespace

TEST(CompareRecordings, PerPopulationAndOverallMatchedByName) {
  // The test run declares the populations in the other order.
  SpikeRecording ref = recording({"exc", "inh"}, {{9, 0, 0}, {20, 0, 3}, {30, 1, 1}});
  SpikeRecording test = recording({"inh", "exc"}, {{9, 1, 0}, {21, 1, 3}, {30, 0, 1}, {40, 0, 0}});
  RecordingComparison out;
  std::string error;
  ASSERT_TRUE(compareRecordings(ref, test, {{"exc", 4}, {"inh", 2}}, SpikeMetricOptions{}, out, error)) << error;
  ASSERT_EQ(out.populations.size(), 2u);
  const SpikeComparison &exc = out.populations[0], &inh = out.populations[1];
  EXPECT_EQ(exc.neurons, 4u);
  EXPECT_EQ(exc.refSpikes, 2u);
  EXPECT_EQ(exc.testSpikes, 2u);
  EXPECT_EQ(exc.countDiffAbs, 0u);
  EXPECT_EQ(exc.neuronsDiffering, 1u);
  EXPECT_NEAR(exc.vpSum, 0.1, 1e-12);
  EXPECT_NEAR(exc.vpMean(), 0.1 / 4, 1e-12);
  EXPECT_NEAR(exc.vrSum, std::sqrt(1 - std::exp(-0.1 / 10.0)), 1e-9);
  EXPECT_EQ(exc.firstDivergenceStep, 20u);
  EXPECT_EQ(exc.firstDivergenceNeuron, 3u);
  EXPECT_EQ(inh.neurons, 2u);
  EXPECT_EQ(inh.countDiffAbs, 1u);
  EXPECT_NEAR(inh.vrSum, std::sqrt(0.5), 1e-15);
  EXPECT_EQ(inh.firstDivergenceStep, 40u);
  EXPECT_EQ(out.overall.neurons, 6u);
  EXPECT_EQ(out.overall.refSpikes, 3u);
  EXPECT_EQ(out.overall.testSpikes, 4u);
  EXPECT_EQ(out.overall.countDiffAbs, 1u);
  EXPECT_EQ(out.overall.neuronsDiffering, 2u);
  EXPECT_EQ(out.overall.firstDivergenceStep, 20u);
  EXPECT_EQ(out.overall.firstDivergencePopulation, "exc");
  EXPECT_NEAR(out.overall.vpMax, 1.0, 1e-12);
}

TEST(CompareRecordings, EmptyAndOneEmpty) {
  RecordingComparison out;
  std::string error;
  SpikeRecording none = recording({"p"}, {});
  ASSERT_TRUE(compareRecordings(none, none, {{"p", 3}}, SpikeMetricOptions{}, out, error));
  EXPECT_EQ(out.overall.neurons, 3u);
  EXPECT_EQ(out.overall.vpSum, 0.0);
  EXPECT_EQ(out.overall.countDiffRelative(), 0.0);
  EXPECT_FALSE(out.overall.firstDivergenceStep.has_value());
  SpikeRecording some = recording({"p"}, {{4, 0, 2}, {8, 0, 2}});
  ASSERT_TRUE(compareRecordings(none, some, {{"p", 3}}, SpikeMetricOptions{}, out, error));
  EXPECT_EQ(out.overall.vpSum, 2.0);
  EXPECT_TRUE(std::isinf(out.overall.countDiffRelative()));
  EXPECT_EQ(out.overall.firstDivergenceStep, 4u);
  ASSERT_TRUE(compareRecordings(some, none, {{"p", 3}}, SpikeMetricOptions{}, out, error));
  EXPECT_DOUBLE_EQ(out.overall.countDiffRelative(), 1.0);
}

TEST(CompareRecordings, Errors) {
  RecordingComparison out;
  std::string error;
  SpikeRecording a = recording({"p"}, {{1, 0, 5}});
  EXPECT_FALSE(compareRecordings(a, a, {{"p", 5}}, SpikeMetricOptions{}, out, error));
  EXPECT_EQ(error, "a spike of population 'p' names a neuron beyond its size 5");
  EXPECT_FALSE(compareRecordings(a, recording({"q"}, {}), {{"p", 6}}, SpikeMetricOptions{}, out, error));
  EXPECT_EQ(error, "population 'p' is missing from the second run");
  SpikeRecording b = a;
  b.dtMs = 0.05;
  EXPECT_FALSE(compareRecordings(a, b, {{"p", 6}}, SpikeMetricOptions{}, out, error));
  EXPECT_NE(error.find("different time steps"), std::string::npos);
}

namespace {

TraceRecording traces(std::vector<std::string> pops, std::vector<std::string> vars) {
  TraceRecording t;
  t.populations = std::move(pops);
  t.variables = std::move(vars);
  return t;
}

} // namespace

TEST(CompareTraces, MaxRmsAndRelative) {
  TraceRecording ref = traces({"exc"}, {"V_m", "g"});
  TraceRecording test = traces({"exc"}, {"g", "V_m"}); // columns in another order
  double r0[] = {-60, 1}, r1[] = {-50, 2}, r2[] = {-40, 0};
  ref.addRow(0, 0, 0, r0);
  ref.addRow(0, 0, 1, r1);
  ref.addRow(1, 0, 0, r2);
  double t1[] = {2, -50.5}, t2[] = {0, -40}, t0[] = {1, -59};
  test.addRow(0, 0, 1, t1); // rows in another order
  test.addRow(1, 0, 0, t2);
  test.addRow(0, 0, 0, t0);
  std::vector<TraceComparison> out;
  std::string error;
  ASSERT_TRUE(compareTraces(ref, test, out, error)) << error;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].variable, "V_m");
  EXPECT_EQ(out[0].samples, 3u);
  EXPECT_DOUBLE_EQ(out[0].maxAbs, 1.0);
  EXPECT_EQ(out[0].maxStep, 0u);
  EXPECT_EQ(out[0].maxIndex, 0u);
  EXPECT_DOUBLE_EQ(out[0].rms, std::sqrt((1.0 + 0.25 + 0.0) / 3));
  EXPECT_DOUBLE_EQ(out[0].maxRelative, 1.0 / 60);
  EXPECT_EQ(out[1].variable, "g");
  EXPECT_EQ(out[1].maxAbs, 0.0);
  EXPECT_EQ(out[1].maxRelative, 0.0);
}

TEST(CompareTraces, NaNOnOneSideIsAnInfiniteError) {
  TraceRecording ref = traces({"p"}, {"x"}), test = traces({"p"}, {"x"});
  double nan = std::numeric_limits<double>::quiet_NaN(), one = 1;
  ref.addRow(0, 0, 0, &nan);
  test.addRow(0, 0, 0, &nan);
  ref.addRow(1, 0, 0, &one);
  test.addRow(1, 0, 0, &nan);
  std::vector<TraceComparison> out;
  std::string error;
  ASSERT_TRUE(compareTraces(ref, test, out, error));
  EXPECT_TRUE(std::isinf(out[0].maxAbs));
  EXPECT_EQ(out[0].maxStep, 1u);
}

TEST(CompareTraces, Errors) {
  TraceRecording ref = traces({"p"}, {"x"}), test = traces({"p"}, {"y"});
  double v = 1;
  ref.addRow(0, 0, 0, &v);
  test.addRow(0, 0, 0, &v);
  std::vector<TraceComparison> out;
  std::string error;
  EXPECT_FALSE(compareTraces(ref, test, out, error));
  EXPECT_EQ(error, "variable 'x' is not traced in the second run");
  TraceRecording other = traces({"p"}, {"x"});
  other.addRow(0, 0, 1, &v);
  EXPECT_FALSE(compareTraces(ref, other, out, error));
  EXPECT_EQ(error, "the second run has no trace sample of p[0] at step 0");
  other.addRow(0, 0, 0, &v);
  EXPECT_FALSE(compareTraces(ref, other, out, error));
  EXPECT_NE(error.find("different numbers of trace rows (1 and 2)"), std::string::npos);
}
