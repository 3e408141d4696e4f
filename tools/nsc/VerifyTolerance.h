//===- VerifyTolerance.h - nsc verify --tolerance=... -----------*- C++ -*-===//
//
// `--tolerance=count=2%,vp=0.5,vr=0.1,diverge=20ms,trace_max=0.5mV`: the
// limits a comparison must stay within (docs/verify.md). Each applies to
// every compared population and to the overall row:
//   count=N      Σ over neurons of |n_test - n_ref| <= N spikes
//   count=P%     that sum relative to the reference's spikes <= P percent
//   vp=X         mean Victor–Purpura distance per neuron <= X
//   vp_max=X     largest Victor–Purpura distance of one neuron <= X
//   vr=X, vr_max=X   the same for the van Rossum distance
//   diverge=T    no neuron's trains differ before time T
//   trace_max=X[unit], trace_rms=X[unit]
//                largest / RMS absolute error of every traced variable;
//                a unit is converted to each variable's, a number without
//                one is in the variable's declared unit
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Units.h"
#include "nsc/runtime/SpikeMetrics.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nsc::driver {

struct VerifyTolerance {
  std::optional<double> countAbs, countRel; // spikes; fraction (2% = 0.02)
  std::optional<double> vp, vpMax, vr, vrMax;
  std::optional<double> divergeMs;
  struct TraceLimit {
    double value = 0;
    std::optional<units::Unit> unit; // none: the variable's own unit
    std::string text;                // as written: "0.5mV"
  };
  std::optional<TraceLimit> traceMax, traceRms;

  bool empty() const {
    return !countAbs && !countRel && !vp && !vpMax && !vr && !vrMax && !divergeMs && !traceMax && !traceRms;
  }
  /// Parses one or more comma-separated KEY=VALUE items into this; false
  /// with `error` set (without the "--tolerance: " prefix).
  bool parse(const std::string &text, std::string &error);
  /// The limits as JSON (null members omitted).
  nlohmann::json toJSON() const;

  /// Appends a line per limit `c` exceeds ("exc: vp mean 0.71 > 0.5").
  void check(const std::string &row, const runtime::SpikeComparison &c, double dtMs,
             std::vector<std::string> &exceeded) const;
  /// The same for one traced variable whose declared unit is `unit`
  /// (empty when not known). False with `error` set when a limit with a
  /// unit cannot apply to it (another dimension, or its unit is unknown).
  bool check(const runtime::TraceComparison &t, const std::optional<units::Unit> &unit,
             std::vector<std::string> &exceeded, std::string &error) const;
};

} // namespace nsc::driver
