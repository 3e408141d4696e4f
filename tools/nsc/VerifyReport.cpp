//===- VerifyReport.cpp - nsc verify --report=FILE.html -------------------===//
#include "VerifyReport.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nsc::driver {

using nlohmann::json;

std::string verifyNumber(double v) {
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.4g}", v);
}

namespace {

// The reference, then each compared target (a colour-blind-safe palette,
// Okabe & Ito 2008), repeated when there are more targets.
const char *const kColours[] = {"#000000", "#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"};

const char *colour(size_t target) {
  if (target == 0)
    return kColours[0];
  return kColours[1 + (target - 1) % (sizeof(kColours) / sizeof(kColours[0]) - 1)];
}

std::string escape(const std::string &s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

/// A coordinate with one decimal: short and deterministic.
std::string px(double v) { return fmt::format("{:.1f}", v); }

/// "0", "12.5", "1e+04": an axis label.
std::string tickLabel(double v) {
  if (std::fabs(v) < 1e-12)
    return "0";
  return fmt::format("{:g}", v);
}

/// A step of 1, 2 or 5 times a power of ten that cuts `range` into about
/// `parts` intervals.
double niceStep(double range, double parts) {
  if (!(range > 0))
    return 1;
  double raw = range / parts, mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * mag * 1.0000001)
      return m * mag;
  return 10 * mag;
}

const char *kStyle = R"(body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;font-variant-numeric:tabular-nums}
th{background:#f2f2f2}td.l,th.l{text-align:left}
table.facts td,table.facts th{text-align:left}
.ok{color:#11702f;font-weight:bold}.bad{color:#b00020;font-weight:bold}
.key{display:inline-block;width:14px;height:14px;vertical-align:middle;margin:0 4px 0 12px}
figure{margin:1em 0}figcaption{font-size:.9em;color:#444}
svg{display:block;background:#fff}
svg text{font-family:sans-serif;font-size:11px;fill:#333}
)";

/// "count=2%, vp=0.5, ..." from the report's tolerance object.
std::string toleranceText(const json &tol) {
  std::string out;
  for (auto it = tol.begin(); it != tol.end(); ++it) {
    std::string item;
    if (it.key() == "count_relative")
      item = "count=" + verifyNumber(it->get<double>() * 100) + "%";
    else if (it.key() == "diverge_ms")
      item = "diverge=" + verifyNumber(it->get<double>()) + "ms";
    else if (it->is_string())
      item = it.key() + "=" + it->get<std::string>();
    else
      item = it.key() + "=" + verifyNumber(it->get<double>());
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

double jsonDouble(const json &j) {
  return j.is_null() ? INFINITY : j.get<double>(); // the report writes infinities as null
}

/// The legend: one coloured key per target.
void legend(std::ostream &os, const VerifyReportData &d) {
  os << "<p class=\"legend\">";
  for (size_t i = 0; i < d.labels.size(); ++i)
    os << "<span class=\"key\" style=\"background:" << colour(i) << "\"></span>" << escape(d.labels[i])
       << (i == 0 ? " (reference)" : "");
  os << "</p>\n";
}

void header(std::ostream &os, const VerifyReportData &d) {
  const json &r = *d.report;
  std::string file = r["file"].get<std::string>();
  std::string what = r.contains("run") ? r["run"].get<std::string>() : "";
  std::string title = "nsc verify: " + file + (what.empty() ? "" : ", " + what);
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << escape(title)
     << "</title>\n<style>\n"
     << kStyle << "</style>\n</head>\n<body>\n<h1>" << escape(title) << "</h1>\n<table class=\"facts\">\n";
  auto fact = [&](const std::string &k, const std::string &htmlValue) {
    os << "<tr><th>" << k << "</th><td>" << htmlValue << "</td></tr>\n";
  };
  fact("file", escape(file));
  fact("runs", what.empty() ? "-" : escape(what));
  fact("duration", fmt::format("{} ms ({} steps of dt = {} ms)", verifyNumber(r["duration_ms"].get<double>()),
                               r["steps"].get<uint64_t>(), verifyNumber(r["dt_ms"].get<double>())));
  std::string targets;
  for (size_t i = 0; i < d.labels.size(); ++i)
    targets += (i ? ", " : "") + escape(d.labels[i]) +
               fmt::format(" ({} spikes{})", r["targets"][i]["spikes"].get<uint64_t>(), i == 0 ? ", reference" : "");
  fact("targets", targets);
  fact("metrics", fmt::format("Victor-Purpura q = {}/ms, van Rossum &tau; = {} ms (distances per neuron: mean "
                              "and max over the population)",
                              verifyNumber(r["metrics"]["vp_q_per_ms"].get<double>()),
                              verifyNumber(r["metrics"]["vr_tau_ms"].get<double>())));
  const json &tol = r["tolerance"];
  if (tol.empty())
    fact("tolerances", "none given");
  else
    fact("tolerances", escape(toleranceText(tol)) +
                           (r["within_tolerance"].get<bool>() ? " &mdash; <span class=\"ok\">all met</span>"
                                                              : " &mdash; <span class=\"bad\">exceeded</span>"));
  os << "</table>\n";
}

std::string divergenceCell(const json &row) {
  if (row["first_divergence_ms"].is_null())
    return "-";
  return fmt::format("{} ms ({}[{}])", verifyNumber(row["first_divergence_ms"].get<double>()),
                     escape(row["first_divergence_population"].get<std::string>()),
                     row["first_divergence_neuron"].get<uint64_t>());
}

void spikeRow(std::ostream &os, const json &row) {
  os << "<tr><td class=\"l\">" << escape(row["population"].get<std::string>()) << "</td>";
  for (const char *k : {"neurons", "ref_spikes", "spikes"})
    os << "<td>" << row[k].get<uint64_t>() << "</td>";
  os << "<td>" << row["count_diff"].get<int64_t>() << "</td>";
  os << "<td>" << verifyNumber(jsonDouble(row["count_diff_relative"]) * 100) << "%</td>";
  for (const char *k : {"vp_mean", "vp_max", "vr_mean", "vr_max"})
    os << "<td>" << verifyNumber(jsonDouble(row[k])) << "</td>";
  os << "<td>" << row["neurons_differing"].get<uint64_t>() << "</td><td class=\"l\">" << divergenceCell(row)
     << "</td></tr>\n";
}

void traceTable(std::ostream &os, const json &traces) {
  os << "<table class=\"traces\">\n<tr><th class=\"l\">population</th><th class=\"l\">variable</th>"
        "<th>samples</th><th>max error</th><th>rms error</th><th>max rel</th><th class=\"l\">largest at</th>"
        "</tr>\n";
  for (const json &t : traces) {
    std::string unit = t["unit"].get<std::string>(), u = unit.empty() ? "" : " " + escape(unit);
    double maxAbs = jsonDouble(t["max_abs"]);
    std::string pop = escape(t["population"].get<std::string>());
    os << "<tr><td class=\"l\">" << pop << "</td><td class=\"l\">" << escape(t["variable"].get<std::string>())
       << "</td><td>" << t["samples"].get<uint64_t>() << "</td><td>" << verifyNumber(maxAbs) << u << "</td><td>"
       << verifyNumber(jsonDouble(t["rms"])) << u << "</td><td>" << verifyNumber(jsonDouble(t["max_relative"]))
       << "</td><td class=\"l\">"
       << (maxAbs > 0 ? fmt::format("{} ms, {}[{}]", verifyNumber(t["max_at_ms"].get<double>()), pop,
                                    t["max_at_neuron"].get<uint64_t>())
                      : "-")
       << "</td></tr>\n";
  }
  os << "</table>\n";
}

/// The distance table of every comparison: the rows of the text table.
void distanceTables(std::ostream &os, const VerifyReportData &d) {
  const json &r = *d.report;
  bool anyTolerance = !r["tolerance"].empty();
  os << "<h2>Distances</h2>\n";
  for (const json &c : r["comparisons"]) {
    os << "<h3>" << escape(c["target"].get<std::string>()) << " against "
       << escape(r["reference"].get<std::string>()) << "</h3>\n";
    os << "<table class=\"distances\">\n<tr><th class=\"l\">population</th><th>neurons</th><th>ref</th>"
          "<th>spikes</th><th>diff</th><th>|dn|/ref</th><th>vp mean</th><th>vp max</th><th>vr mean</th>"
          "<th>vr max</th><th>differ</th><th class=\"l\">first divergence</th></tr>\n";
    for (const json &row : c["populations"])
      spikeRow(os, row);
    if (c["populations"].size() > 1)
      spikeRow(os, c["overall"]);
    os << "</table>\n";
    if (!c["traces"].empty())
      traceTable(os, c["traces"]);
    if (!anyTolerance)
      continue;
    if (c["within_tolerance"].get<bool>()) {
      os << "<p class=\"ok\">within tolerance</p>\n";
      continue;
    }
    os << "<ul class=\"bad\">\n";
    for (const json &x : c["exceeded"])
      os << "<li>tolerance exceeded: " << escape(x.get<std::string>()) << "</li>\n";
    os << "</ul>\n";
  }
}

/// The frame of a figure: plot area [left, left+w] x [top, top+h].
struct Frame {
  double left = 64, top = 8, w = 900, h = 100;
  double width() const { return left + w + 16; }
};

/// The time axis under a plot of [0, durationMs].
void timeAxis(std::ostream &os, const Frame &f, double durationMs, bool labels) {
  double y = f.top + f.h;
  os << "<path d=\"M" << px(f.left) << " " << px(y) << "h" << px(f.w) << "\" stroke=\"#333\" fill=\"none\"/>\n";
  double step = niceStep(durationMs, 10);
  for (int k = 0; k * step <= durationMs * 1.0000001; ++k) {
    double x = f.left + f.w * (k * step) / durationMs;
    os << "<path d=\"M" << px(x) << " " << px(y) << "v4\" stroke=\"#333\"/>\n";
    if (labels)
      os << "<text x=\"" << px(x) << "\" y=\"" << px(y + 16) << "\" text-anchor=\"middle\">"
         << tickLabel(k * step) << "</text>\n";
  }
  if (labels)
    os << "<text x=\"" << px(f.left + f.w / 2) << "\" y=\"" << px(y + 32) << "\" text-anchor=\"middle\">time (ms)"
       << "</text>\n";
}

/// One population's raster: neuron i's row holds one band per target,
/// the reference on top, each spike a tick in its target's colour.
void raster(std::ostream &os, const VerifyReportData &d, size_t pop, double durationMs) {
  const runtime::PopulationSpec &spec = d.populations[pop];
  uint64_t shown = std::min<uint64_t>(spec.size, kRasterNeurons);
  size_t targets = d.runs.size();
  double rowH = std::max(3.0 * targets, 120.0 / double(std::max<uint64_t>(shown, 1)));
  double band = rowH / double(targets);
  Frame f;
  f.h = rowH * double(shown);
  std::vector<std::string> paths(targets);
  std::vector<uint64_t> counts(targets, 0);
  for (size_t t = 0; t < targets; ++t) {
    const runtime::SpikeRecording &rec = d.runs[t]->spikes;
    std::string &p = paths[t];
    for (const runtime::SpikeRecording::Event &e : rec.events) {
      if (e.index >= shown || e.population >= rec.populations.size() || rec.populations[e.population] != spec.name)
        continue;
      double x = f.left + f.w * runtime::labelTimeMs(e.step, rec.dtMs) / durationMs;
      double y = f.top + rowH * double(e.index) + band * double(t);
      p += "M" + px(x) + " " + px(y) + "v" + px(std::max(band * 0.85, 1.0));
      ++counts[t];
    }
  }
  os << "<h3>" << escape(spec.name) << "</h3>\n";
  os << "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << px(f.width()) << "\" height=\""
     << px(f.top + f.h + 40) << "\" viewBox=\"0 0 " << px(f.width()) << " " << px(f.top + f.h + 40)
     << "\" role=\"img\" aria-label=\"raster of " << escape(spec.name) << "\">\n";
  os << "<rect x=\"" << px(f.left) << "\" y=\"" << px(f.top) << "\" width=\"" << px(f.w) << "\" height=\""
     << px(f.h) << "\" fill=\"#fafafa\" stroke=\"#bbb\"/>\n";
  double ystep = niceStep(double(shown), 5);
  for (double k = 0; k < double(shown); k += ystep) {
    double y = f.top + rowH * (k + 0.5);
    os << "<text x=\"" << px(f.left - 6) << "\" y=\"" << px(y + 4) << "\" text-anchor=\"end\">" << tickLabel(k)
       << "</text>\n";
  }
  os << "<text transform=\"translate(14 " << px(f.top + f.h / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
     << "neuron</text>\n";
  timeAxis(os, f, durationMs, true);
  for (size_t t = 0; t < targets; ++t)
    if (!paths[t].empty())
      os << "<path d=\"" << paths[t] << "\" stroke=\"" << colour(t)
         << "\" stroke-width=\"2\" fill=\"none\" shape-rendering=\"crispEdges\"/>\n";
  os << "</svg>\n<figcaption>" << escape(spec.name) << ": neurons 0&ndash;" << shown - 1 << " of " << spec.size
     << (shown < spec.size ? " (the first " + std::to_string(shown) + ")" : " (all)") << "; spikes shown: ";
  for (size_t t = 0; t < targets; ++t)
    os << (t ? ", " : "") << escape(d.labels[t]) << " " << counts[t];
  os << ". Each neuron's row has one band per target, the reference on top.</figcaption>\n</figure>\n";
}

void rasters(std::ostream &os, const VerifyReportData &d) {
  const json &r = *d.report;
  double durationMs = r["duration_ms"].get<double>();
  os << "<h2>Spike rasters</h2>\n<p>One raster per compared population, the targets overlaid on one time "
        "axis. Populations larger than "
     << kRasterNeurons << " neurons are sampled: their first " << kRasterNeurons
     << " neurons (indices 0&ndash;" << kRasterNeurons - 1
     << ") are shown, every spike of those. A spike of step k is drawn at its label time (k+1)&middot;dt.</p>\n";
  legend(os, d);
  for (size_t p = 0; p < d.populations.size(); ++p)
    raster(os, d, p, durationMs);
}

/// The neurons whose traces are drawn for one (population, variable).
std::vector<uint64_t> tracedNeurons(const VerifyReportData &d, const runtime::PopulationSpec &spec,
                                    const std::string &var) {
  std::vector<uint64_t> out;
  for (uint64_t i = 0; i < std::min<uint64_t>(spec.size, kTraceNeurons); ++i)
    out.push_back(i);
  for (const json &c : (*d.report)["comparisons"])
    for (const json &t : c["traces"])
      if (t["population"] == spec.name && t["variable"] == var && jsonDouble(t["max_abs"]) > 0) {
        uint64_t n = t["max_at_neuron"].get<uint64_t>();
        if (std::find(out.begin(), out.end(), n) == out.end())
          out.push_back(n);
      }
  return out;
}

/// One curve: (time ms, value) in step order.
using Series = std::vector<std::pair<double, double>>;

/// series[t][k]: target t's samples of `var` for neurons[k] of `pop`.
std::vector<std::vector<Series>> traceSeries(const VerifyReportData &d, const std::string &pop,
                                             const std::string &var, const std::vector<uint64_t> &neurons) {
  std::vector<std::vector<Series>> out(d.runs.size(), std::vector<Series>(neurons.size()));
  for (size_t t = 0; t < d.runs.size(); ++t) {
    const runtime::TraceRecording &rec = d.runs[t]->traces;
    auto v = std::find(rec.variables.begin(), rec.variables.end(), var);
    if (v == rec.variables.end())
      continue;
    size_t col = size_t(v - rec.variables.begin()), width = rec.variables.size();
    for (size_t row = 0; row < rec.rows(); ++row) {
      if (rec.population[row] >= rec.populations.size() || rec.populations[rec.population[row]] != pop)
        continue;
      auto k = std::find(neurons.begin(), neurons.end(), rec.index[row]);
      if (k != neurons.end())
        out[t][size_t(k - neurons.begin())].emplace_back(runtime::labelTimeMs(rec.step[row], rec.dtMs),
                                                         rec.values[row * width + col]);
    }
  }
  return out;
}

/// The polyline points of one curve: at most the first, minimum, maximum
/// and last sample of each pixel column, in time order; non-finite values
/// are left out.
std::string polylinePoints(const Series &s, const Frame &f, double durationMs, double lo, double hi) {
  std::string out;
  auto emit = [&](const std::pair<double, double> &p) {
    double x = f.left + f.w * p.first / durationMs, y = f.top + f.h * (1 - (p.second - lo) / (hi - lo));
    out += (out.empty() ? "" : " ") + px(x) + "," + px(y);
  };
  size_t i = 0;
  while (i < s.size()) {
    long column = std::lround(f.w * s[i].first / durationMs);
    size_t j = i, lo_i = SIZE_MAX, hi_i = SIZE_MAX, first = SIZE_MAX, last = SIZE_MAX;
    for (; j < s.size() && std::lround(f.w * s[j].first / durationMs) == column; ++j) {
      if (!std::isfinite(s[j].second))
        continue;
      if (first == SIZE_MAX)
        first = j;
      last = j;
      if (lo_i == SIZE_MAX || s[j].second < s[lo_i].second)
        lo_i = j;
      if (hi_i == SIZE_MAX || s[j].second > s[hi_i].second)
        hi_i = j;
    }
    std::set<size_t> keep;
    for (size_t k : {first, lo_i, hi_i, last})
      if (k != SIZE_MAX)
        keep.insert(k);
    for (size_t k : keep)
      emit(s[k]);
    i = j;
  }
  return out;
}

/// One figure per (population, variable): a panel per sampled neuron with
/// the reference's curve (wide, black) under every target's.
void traceFigure(std::ostream &os, const VerifyReportData &d, const runtime::PopulationSpec &spec,
                 const std::string &var, const std::string &unit, double durationMs) {
  std::vector<uint64_t> neurons = tracedNeurons(d, spec, var);
  if (neurons.empty())
    return;
  std::vector<std::vector<Series>> series = traceSeries(d, spec.name, var, neurons);
  const double panelH = 130, gap = 36;
  double height = 8 + double(neurons.size()) * (panelH + gap) + 14;
  Frame base;
  os << "<h3>" << escape(spec.name + "." + var) << "</h3>\n<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << px(base.width()) << "\" height=\""
     << px(height) << "\" viewBox=\"0 0 " << px(base.width()) << " " << px(height) << "\" role=\"img\" aria-label=\""
     << escape(spec.name + "." + var) << "\">\n";
  for (size_t k = 0; k < neurons.size(); ++k) {
    Frame f = base;
    f.top = 8 + double(k) * (panelH + gap) + 16;
    f.h = panelH - 16;
    double lo = INFINITY, hi = -INFINITY;
    for (const auto &perTarget : series)
      for (const auto &p : perTarget[k])
        if (std::isfinite(p.second))
          lo = std::min(lo, p.second), hi = std::max(hi, p.second);
    if (!(lo <= hi))
      lo = 0, hi = 1;
    double pad = hi > lo ? (hi - lo) * 0.05 : std::max(1.0, std::fabs(hi) * 0.05);
    lo -= pad, hi += pad;
    os << "<text x=\"" << px(f.left) << "\" y=\"" << px(f.top - 5) << "\">" << escape(spec.name) << "["
       << neurons[k] << "]." << escape(var) << (unit.empty() ? "" : " (" + escape(unit) + ")") << "</text>\n";
    os << "<rect x=\"" << px(f.left) << "\" y=\"" << px(f.top) << "\" width=\"" << px(f.w) << "\" height=\""
       << px(f.h) << "\" fill=\"#fafafa\" stroke=\"#bbb\"/>\n";
    for (double v : {lo + pad, hi - pad}) {
      double y = f.top + f.h * (1 - (v - lo) / (hi - lo));
      os << "<text x=\"" << px(f.left - 6) << "\" y=\"" << px(y + 4) << "\" text-anchor=\"end\">"
         << verifyNumber(v) << "</text>\n";
    }
    timeAxis(os, f, durationMs, k + 1 == neurons.size());
    for (size_t t = 0; t < series.size(); ++t)
      if (!series[t][k].empty())
        os << "<polyline points=\"" << polylinePoints(series[t][k], f, durationMs, lo, hi) << "\" stroke=\""
           << colour(t) << "\" stroke-width=\"" << (t == 0 ? "3" : "1.3") << "\" fill=\"none\""
           << (t == 0 ? " stroke-opacity=\"0.35\"" : "") << "/>\n";
  }
  os << "</svg>\n<figcaption>" << escape(spec.name) << "." << escape(var) << ": neurons";
  for (size_t k = 0; k < neurons.size(); ++k)
    os << (k ? ", " : " ") << neurons[k];
  os << " of " << spec.size << ".</figcaption>\n</figure>\n";
}

void traces(std::ostream &os, const VerifyReportData &d) {
  const json &r = *d.report;
  double durationMs = r["duration_ms"].get<double>();
  os << "<h2>Traces</h2>\n<p>Each traced variable of each population: neurons 0&ndash;" << kTraceNeurons - 1
     << " (all of a smaller population), and the neuron where a comparison's largest error occurs when it is "
        "another one. The reference is the wide pale black curve, every other target a thin curve in its colour "
        "on top (where they agree, only the thin one shows over the pale band). Samples are taken after every "
        "step; at most the first, lowest, highest and last sample of each pixel column are drawn.</p>\n";
  legend(os, d);
  for (const runtime::PopulationSpec &spec : d.populations)
    for (const std::string &var : d.traced) {
      std::string unit;
      bool traced = false;
      for (const json &c : r["comparisons"])
        for (const json &t : c["traces"])
          if (t["population"] == spec.name && t["variable"] == var)
            traced = true, unit = t["unit"].get<std::string>();
      if (traced)
        traceFigure(os, d, spec, var, unit, durationMs);
    }
}

} // namespace

std::string renderVerifyReport(const VerifyReportData &d) {
  std::ostringstream os;
  header(os, d);
  distanceTables(os, d);
  rasters(os, d);
  if (!d.traced.empty())
    traces(os, d);
  os << "<p style=\"color:#777;font-size:.85em\">Written by nsc verify (docs/verify.md, &ldquo;HTML "
        "report&rdquo;).</p>\n</body>\n</html>\n";
  return os.str();
}

bool writeFileAtomically(const std::string &path, const std::string &text) {
  std::string tmp = path + ".XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    return false;
  // mkstemp makes the file 0600; give it the mode a plain open would.
  mode_t mask = ::umask(0);
  ::umask(mask);
  bool ok = ::fchmod(fd, 0666 & ~mask) == 0;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    ok = n > 0;
    done += ok ? size_t(n) : 0;
  }
  ok = (::close(fd) == 0) && ok;
  ok = ok && std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok)
    ::unlink(tmp.c_str());
  return ok;
}

} // namespace nsc::driver
