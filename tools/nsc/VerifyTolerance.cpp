//===- VerifyTolerance.cpp - nsc verify --tolerance=... -------------------===//
#include "VerifyTolerance.h"
#include "nsc/support/Suggest.h"

#include "nsc/targets/RunRequest.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace nsc::driver {

namespace {

/// A finite, non-negative number and the text after it.
bool number(const std::string &text, double &value, std::string &rest) {
  const char *s = text.c_str();
  char *end = nullptr;
  value = std::strtod(s, &end);
  if (end == s || !std::isfinite(value) || value < 0)
    return false;
  rest = std::string(end);
  rest.erase(0, rest.find_first_not_of(' '));
  return true;
}

std::string formatValue(double v) { return fmt::format("{:.6g}", v); }

} // namespace

bool VerifyTolerance::parse(const std::string &text, std::string &error) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      error = "'" + item + "': expected MEASURE=LIMIT, e.g. count=2%,vp=0.5,trace_max=0.1mV";
      return false;
    }
    std::string key = item.substr(0, eq), value = item.substr(eq + 1), rest;
    double v = 0;
    auto plain = [&](std::optional<double> &slot) {
      if (!number(value, v, rest) || !rest.empty()) {
        error = "'" + item + "': expected a non-negative number";
        return false;
      }
      slot = v;
      return true;
    };
    if (key == "count") {
      if (!number(value, v, rest) || !(rest.empty() || rest == "%")) {
        error = "'" + item + "': expected a number of spikes (count=5) or a percentage (count=2%)";
        return false;
      }
      if (rest == "%")
        countRel = v / 100.0;
      else
        countAbs = v;
    } else if (key == "vp") {
      if (!plain(vp))
        return false;
    } else if (key == "vp_max") {
      if (!plain(vpMax))
        return false;
    } else if (key == "vr") {
      if (!plain(vr))
        return false;
    } else if (key == "vr_max") {
      if (!plain(vrMax))
        return false;
    } else if (key == "diverge") {
      double ms;
      std::string err;
      if (!targets::parseDurationMs(value, ms, err)) {
        error = "'" + item + "': " + err;
        return false;
      }
      divergeMs = ms;
    } else if (key == "trace_max" || key == "trace_rms") {
      TraceLimit limit;
      limit.text = value;
      if (!number(value, limit.value, rest)) {
        error = "'" + item + "': expected a non-negative number with an optional unit (0.1mV)";
        return false;
      }
      if (!rest.empty()) {
        std::string err;
        auto u = units::parseUnitExpr(rest, &err);
        if (!u) {
          error = "'" + item + "': '" + rest + "' is not a unit";
          return false;
        }
        limit.unit = *u;
      }
      (key == "trace_max" ? traceMax : traceRms) = limit;
    } else {
      error = "unknown measure '" + key + "'" +
              didYouMean(key, {"count", "vp", "vp_max", "vr", "vr_max", "diverge", "trace_max", "trace_rms"}) +
              " (count, vp, vp_max, vr, vr_max, diverge, trace_max, trace_rms)";
      return false;
    }
  }
  return true;
}

nlohmann::json VerifyTolerance::toJSON() const {
  nlohmann::json j = nlohmann::json::object();
  if (countAbs) j["count"] = *countAbs;
  if (countRel) j["count_relative"] = *countRel;
  if (vp) j["vp"] = *vp;
  if (vpMax) j["vp_max"] = *vpMax;
  if (vr) j["vr"] = *vr;
  if (vrMax) j["vr_max"] = *vrMax;
  if (divergeMs) j["diverge_ms"] = *divergeMs;
  if (traceMax) j["trace_max"] = traceMax->text;
  if (traceRms) j["trace_rms"] = traceRms->text;
  return j;
}

void VerifyTolerance::check(const std::string &row, const runtime::SpikeComparison &c, double dtMs,
                            std::vector<std::string> &exceeded) const {
  auto over = [&](const std::optional<double> &limit, double value, const char *what) {
    if (limit && !(value <= *limit)) // NaN exceeds every limit
      exceeded.push_back(fmt::format("{}: {} {} > {}", row, what, formatValue(value), formatValue(*limit)));
  };
  over(countAbs, double(c.countDiffAbs), "|count difference|");
  if (countRel && !(c.countDiffRelative() <= *countRel))
    exceeded.push_back(fmt::format("{}: |count difference| {}% > {}%", row,
                                   formatValue(c.countDiffRelative() * 100), formatValue(*countRel * 100)));
  over(vp, c.vpMean(), "vp mean");
  over(vpMax, c.vpMax, "vp max");
  over(vr, c.vrMean(), "vr mean");
  over(vrMax, c.vrMax, "vr max");
  if (divergeMs && c.firstDivergenceStep) {
    double t = runtime::labelTimeMs(*c.firstDivergenceStep, dtMs);
    if (t < *divergeMs)
      exceeded.push_back(fmt::format("{}: first divergence at {} ms < {} ms", row, formatValue(t),
                                     formatValue(*divergeMs)));
  }
}

bool VerifyTolerance::check(const runtime::TraceComparison &t, const std::optional<units::Unit> &unit,
                            std::vector<std::string> &exceeded, std::string &error) const {
  auto one = [&](const std::optional<TraceLimit> &limit, double value, const char *what) {
    if (!limit)
      return true;
    double lim = limit->value;
    std::string shown = limit->text;
    if (limit->unit) {
      if (!unit) {
        error = "--tolerance: trace_" + std::string(what) + "=" + limit->text + ": the unit of '" + t.variable +
                "' is not known; give the limit without a unit";
        return false;
      }
      if (!(limit->unit->dim == unit->dim)) {
        error = "--tolerance: trace_" + std::string(what) + "=" + limit->text + " does not apply to '" +
                t.variable + "' (" + units::formatUnit(*unit) + ")";
        return false;
      }
      lim = limit->value * limit->unit->scale / unit->scale;
    }
    if (!(value <= lim)) {
      std::string u = unit && !unit->isDimensionless() ? " " + units::formatUnit(*unit) : "";
      exceeded.push_back(fmt::format("{}.{}: trace {} error {}{} > {}", t.population, t.variable, what,
                                     formatValue(value), u, shown));
    }
    return true;
  };
  return one(traceMax, t.maxAbs, "max") && one(traceRms, t.rms, "rms");
}

} // namespace nsc::driver
