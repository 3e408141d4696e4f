//===- VerifyReport.h - nsc verify --report=FILE.html -----------*- C++ -*-===//
//
// The HTML page of `nsc verify --report` (docs/verify.md, "HTML report"):
// one self-contained file (inline CSS and SVG, no script, nothing fetched)
// with what ran, the distance table of every comparison, a raster per
// compared population with the targets overlaid, and, with --trace, the
// traced variables of a few neurons, reference against every target.
//
// Sampling, so that a page stays readable and small for any network:
//   * rasters show neurons 0 .. kRasterNeurons-1 of each population (all
//     of a smaller one); the page says how many of how many;
//   * traces show neurons 0 .. kTraceNeurons-1 of each traced population
//     and, where a comparison's largest error of that variable lies in
//     another neuron, that neuron too;
//   * a trace curve has at most two points (minimum and maximum) per pixel
//     column of its figure; the spikes of the rasters are all drawn.
//
// The output depends only on the inputs (no time stamps, no wall times):
// the same runs give the same bytes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/SpikeMetrics.h"
#include "nsc/targets/RunRequest.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::driver {

inline constexpr uint64_t kRasterNeurons = 100;
inline constexpr uint64_t kTraceNeurons = 3;

/// What the page shows.
struct VerifyReportData {
  /// The JSON report of `nsc verify -o` (docs/verify.md, "Output"): the
  /// header fields, the comparisons and their tolerance results.
  const nlohmann::json *report = nullptr;
  /// The targets as written, the reference first, and their runs.
  std::vector<std::string> labels;
  std::vector<const targets::TargetRun *> runs;
  /// The compared populations, in the table's order.
  std::vector<runtime::PopulationSpec> populations;
  /// The --trace variables.
  std::vector<std::string> traced;
};

/// The page as text.
std::string renderVerifyReport(const VerifyReportData &data);

/// Writes `text` to a temporary file next to `path`, then renames it over
/// `path`: either the whole file is there or nothing is (the temporary is
/// removed on failure). False when any step fails.
bool writeFileAtomically(const std::string &path, const std::string &text);

/// A number as the table prints it: 4 significant digits, "inf".
std::string verifyNumber(double v);

} // namespace nsc::driver
