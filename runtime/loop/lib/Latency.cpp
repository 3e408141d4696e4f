//===- Latency.cpp - Per-stage latency of the closed loop -----------------===//
#include "nsc/loop/Latency.h"

#include <algorithm>
#include <cmath>

namespace nsc::loop {

const char *stageName(Stage s) {
  static const char *const names[kStages] = {"detect", "aer", "model", "bitstream", "pulse", "homeostat", "total"};
  return names[unsigned(s)];
}

double nearestRankPercentile(std::vector<double> &values, double q) {
  if (values.empty())
    return 0;
  size_t rank = size_t(std::ceil(q * double(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size());
  auto it = values.begin() + std::ptrdiff_t(rank - 1);
  std::nth_element(values.begin(), it, values.end());
  return *it;
}

bool LatencyLog::add(const StageTimes &t) {
  for (unsigned s = 0; s < kStages; ++s)
    times_[s].push_back(t[s]);
  ++frames_;
  bool over = budget_us_ > 0 && t[unsigned(Stage::Total)] > budget_us_;
  violations_ += over ? 1 : 0;
  return over;
}

StageSummary LatencyLog::summary(Stage s) const {
  std::vector<double> v = times_[unsigned(s)];
  StageSummary out;
  if (v.empty())
    return out;
  double sum = 0;
  for (double x : v)
    sum += x;
  out.mean_us = sum / double(v.size());
  out.max_us = *std::max_element(v.begin(), v.end());
  out.p50_us = nearestRankPercentile(v, 0.5);
  out.p99_us = nearestRankPercentile(v, 0.99);
  return out;
}

void LatencyLog::clear() {
  frames_ = violations_ = 0;
  for (auto &v : times_)
    v.clear();
}

} // namespace nsc::loop
