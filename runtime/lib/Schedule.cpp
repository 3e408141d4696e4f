//===- Schedule.cpp - Times to steps (R3, R13, R20, R21) ------------------===//

#include "nsc/runtime/Schedule.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nsc::runtime {

std::optional<int64_t> timeToSteps(double ms, double dtMs) {
  double q = ms / dtMs;
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (!std::isfinite(q) || q >= 9223372036854775808.0 || q < -9223372036854775808.0)
    return std::nullopt;
  return int64_t(std::llround(q));
}

bool isOffGrid(double ms, double dtMs) {
  double q = ms / dtMs;
  if (!std::isfinite(q))
    return true;
  double n = std::round(q);
  return std::fabs(q - n) > 1e-9 * std::max(1.0, std::fabs(q));
}

int64_t drawnDelaySteps(double ms, double dtMs) {
  double q = ms / dtMs;
  if (!(q >= 1.0)) // NaN, negative, or below one step after rounding
    return 1;
  if (q >= 9223372036854775807.0)
    return INT64_MAX;
  return std::max<int64_t>(1, std::llround(q));
}

bool buildSpikeSchedule(const std::vector<double> &timesMs, double dtMs, SpikeSchedule &out,
                        std::string &error) {
  out = {};
  std::vector<uint64_t> steps;
  steps.reserve(timesMs.size());
  for (double t : timesMs) {
    std::optional<int64_t> m = timeToSteps(t, dtMs);
    char buf[160];
    if (!m) {
      std::snprintf(buf, sizeof buf, "spike time %g ms is not a finite number of steps", t);
      error = buf;
      return false;
    }
    if (*m < 1) {
      std::snprintf(buf, sizeof buf,
                    "spike time %g ms is before the end of the first step (dt = %g ms)", t,
                    dtMs);
      error = buf;
      return false;
    }
    steps.push_back(uint64_t(*m - 1));
  }
  std::sort(steps.begin(), steps.end());
  for (uint64_t s : steps) {
    if (!out.emitStep.empty() && out.emitStep.back() == s) {
      ++out.multiplicity.back();
      continue;
    }
    out.emitStep.push_back(s);
    out.multiplicity.push_back(1);
  }
  return true;
}

} // namespace nsc::runtime
