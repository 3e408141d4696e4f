//===- FrameJson.cpp - FrameResult and LatencySummary as JSON -------------===//
//
// Column-oriented: each list of records is an object of equal-length
// arrays ({"channel": [...], "sample": [...], ...}), which maps onto NumPy
// arrays in Python (nsc.FrameResult) and stays compact in `nsc loop`'s
// report. The format is documented in docs/closed-loop.md §8.
//
//===----------------------------------------------------------------------===//
#include "Impl.h"

#include "nsc/Session.h"
#include "nsc/runtime/Recording.h"

#include <nlohmann/json.hpp>

namespace nsc {

using detail::throwArgumentError;
using nlohmann::json;

namespace {

json latencyJson(const StageLatency &l) {
  return {{"detect", l.detect_us},       {"aer", l.aer_us},     {"model", l.model_us},
          {"bitstream", l.bitstream_us}, {"pulse", l.pulse_us}, {"homeostat", l.homeostat_us},
          {"total", l.total_us}};
}

template <class T> std::vector<T> column(const json &j, const char *key) {
  return j.at(key).get<std::vector<T>>();
}

/// The equal length of the columns `keys` of `j`.
size_t rows(const json &j, std::initializer_list<const char *> keys) {
  size_t n = j.at(*keys.begin()).size();
  for (const char *k : keys)
    if (j.at(k).size() != n)
      throw std::runtime_error(std::string("column '") + k + "' has another length");
  return n;
}

} // namespace

std::string FrameResult::toJson(int indent) const {
  json j;
  j["frame"] = frame;
  j["first_sample"] = firstSample;
  j["samples"] = samples;
  j["first_step"] = firstStep;
  j["end_step"] = endStep;
  j["dt_ms"] = dt_ms;
  j["thresholds_uv"] = thresholds_uv;
  json d = {{"channel", json::array()}, {"sample", json::array()}, {"value_uv", json::array()}};
  for (const DetectedSpike &s : detected) {
    d["channel"].push_back(s.channel);
    d["sample"].push_back(s.sample);
    d["value_uv"].push_back(s.value_uv);
  }
  j["detected"] = std::move(d);
  json e = {{"id", json::array()}, {"tick", json::array()}};
  for (const AerEvent &x : events) {
    e["id"].push_back(x.id);
    e["tick"].push_back(x.tick);
  }
  j["events"] = std::move(e);
  json m = {{"population", json::array()}, {"index", json::array()}, {"step", json::array()}};
  for (const Spike &x : modelSpikes) {
    m["population"].push_back(x.population);
    m["index"].push_back(x.index);
    m["step"].push_back(x.step);
  }
  j["model_spikes"] = std::move(m);
  j["readout_counts"] = readoutCounts;
  j["densities"] = densities;
  json p = {{"site", json::array()},          {"density", json::array()},       {"intensity_mw_mm2", json::array()},
            {"duration_ms", json::array()},   {"wavelength_nm", json::array()}, {"start_ms", json::array()}};
  for (const LightPulse &x : pulses) {
    p["site"].push_back(x.site);
    p["density"].push_back(x.density);
    p["intensity_mw_mm2"].push_back(x.intensity_mw_mm2);
    p["duration_ms"].push_back(x.duration_ms);
    p["wavelength_nm"].push_back(x.wavelength_nm);
    p["start_ms"].push_back(x.start_ms);
  }
  j["pulses"] = std::move(p);
  j["homeostat_thresholds"] = homeostatThresholds;
  j["latency_us"] = latencyJson(latency);
  j["over_budget"] = overBudget;
  return j.dump(indent);
}

FrameResult FrameResult::fromJson(const std::string &text) {
  FrameResult r;
  try {
    json j = json::parse(text);
    r.frame = j.at("frame").get<uint64_t>();
    r.firstSample = j.at("first_sample").get<uint64_t>();
    r.samples = j.at("samples").get<uint64_t>();
    r.firstStep = j.at("first_step").get<uint64_t>();
    r.endStep = j.at("end_step").get<uint64_t>();
    r.dt_ms = j.at("dt_ms").get<double>();
    r.thresholds_uv = column<double>(j, "thresholds_uv");
    const json &d = j.at("detected");
    size_t n = rows(d, {"channel", "sample", "value_uv"});
    for (size_t i = 0; i < n; ++i)
      r.detected.push_back({d["channel"][i].get<uint32_t>(), d["sample"][i].get<uint64_t>(),
                            d["value_uv"][i].get<double>()});
    const json &e = j.at("events");
    n = rows(e, {"id", "tick"});
    for (size_t i = 0; i < n; ++i)
      r.events.push_back({e["id"][i].get<uint32_t>(), e["tick"][i].get<uint64_t>()});
    const json &m = j.at("model_spikes");
    n = rows(m, {"population", "index", "step"});
    for (size_t i = 0; i < n; ++i) {
      Spike s;
      s.population = m["population"][i].get<uint32_t>();
      s.index = m["index"][i].get<uint64_t>();
      s.step = m["step"][i].get<uint64_t>();
      s.time_ms = runtime::labelTimeMs(s.step, r.dt_ms);
      r.modelSpikes.push_back(s);
    }
    r.readoutCounts = column<uint32_t>(j, "readout_counts");
    r.densities = column<double>(j, "densities");
    const json &p = j.at("pulses");
    n = rows(p, {"site", "density", "intensity_mw_mm2", "duration_ms", "wavelength_nm", "start_ms"});
    for (size_t i = 0; i < n; ++i)
      r.pulses.push_back({p["site"][i].get<uint32_t>(), p["density"][i].get<double>(),
                          p["intensity_mw_mm2"][i].get<double>(), p["duration_ms"][i].get<double>(),
                          p["wavelength_nm"][i].get<double>(), p["start_ms"][i].get<double>()});
    r.homeostatThresholds = column<double>(j, "homeostat_thresholds");
    const json &l = j.at("latency_us");
    r.latency = {l.at("detect").get<double>(),    l.at("aer").get<double>(),   l.at("model").get<double>(),
                 l.at("bitstream").get<double>(), l.at("pulse").get<double>(), l.at("homeostat").get<double>(),
                 l.at("total").get<double>()};
    r.overBudget = j.at("over_budget").get<bool>();
  } catch (const std::exception &ex) {
    throwArgumentError(std::string("not a frame result: ") + ex.what());
  }
  return r;
}

std::string latencySummaryJson(const LatencySummary &s, int indent) {
  json j;
  j["frames"] = s.frames;
  j["budget_us"] = s.budget_us;
  j["violations"] = s.violations;
  json stages = json::object();
  for (const StageSummary &x : s.stages)
    stages[x.stage] = {{"p50_us", x.p50_us}, {"p99_us", x.p99_us}, {"max_us", x.max_us}, {"mean_us", x.mean_us}};
  j["stages"] = std::move(stages);
  return j.dump(indent);
}

} // namespace nsc
