//===- Latency.h - Per-stage latency of the closed loop ----------*- C++ -*-===//
//
// Every frame's time per stage (µs) and its total, kept whole so that the
// summary is exact: p50 and p99 are nearest-rank percentiles (the
// ⌈q·n⌉-th smallest of n frames), max the largest. A frame violates the
// budget when its total exceeds it (a budget of 0 means none). Memory:
// 8 bytes per stage per frame (an hour of 10 ms frames is 20 MB).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace nsc::loop {

enum class Stage : unsigned { Detect, Aer, Model, Bitstream, Pulse, Homeostat, Total };
constexpr unsigned kStages = 7;

/// "detect", "aer", "model", "bitstream", "pulse", "homeostat", "total".
const char *stageName(Stage s);

using StageTimes = std::array<double, kStages>; // µs

struct StageSummary {
  double p50_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
};

/// The ⌈q·n⌉-th smallest of `values` (q in (0, 1]; 0 for none). Reorders.
double nearestRankPercentile(std::vector<double> &values, double q);

class LatencyLog {
public:
  explicit LatencyLog(double budget_us = 0) : budget_us_(budget_us) {}
  /// Records one frame; true when its total exceeds the budget.
  bool add(const StageTimes &times);
  uint64_t frames() const { return frames_; }
  uint64_t violations() const { return violations_; }
  double budget_us() const { return budget_us_; }
  StageSummary summary(Stage s) const;
  void clear();

private:
  double budget_us_;
  uint64_t frames_ = 0, violations_ = 0;
  std::array<std::vector<double>, kStages> times_;
};

} // namespace nsc::loop
