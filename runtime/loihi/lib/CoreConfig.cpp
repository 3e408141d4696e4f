//===- CoreConfig.cpp - Validation and JSON of a core configuration -------===//
#include "nsc/loihi/CoreConfig.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace nsc::loihi {

using nlohmann::json;

namespace {

std::string groupProblem(const CompartmentGroup &g, size_t groups) {
  auto bad = [&](const std::string &what) { return "group '" + g.name + "': " + what; };
  if (g.du > kDecayUnity || g.dv > kDecayUnity)
    return bad("effective decay above 4096");
  if (g.dsOffset > 1 || g.dmOffset > 1)
    return bad("ds_offset and dm_offset are 1-bit");
  if (g.du < g.dsOffset || g.du - g.dsOffset > kMaxDecay)
    return bad("du " + std::to_string(int64_t(g.du) - g.dsOffset) + " is not a 12-bit unsigned value");
  if (g.dv < g.dmOffset || g.dv - g.dmOffset > kMaxDecay)
    return bad("dv " + std::to_string(int64_t(g.dv) - g.dmOffset) + " is not a 12-bit unsigned value");
  if (g.vthMant > kMaxVthMant)
    return bad("vth_mant " + std::to_string(g.vthMant) + " exceeds 131071");
  if (g.biasMant < kMinBiasMant || g.biasMant > kMaxBiasMant)
    return bad("bias_mant " + std::to_string(g.biasMant) + " is not a 13-bit signed value");
  if (g.biasExp > kMaxBiasExp)
    return bad("bias_exp " + std::to_string(g.biasExp) + " exceeds 7");
  if (g.refractoryDelay > kMaxRefractoryDelay)
    return bad("refractory_delay " + std::to_string(g.refractoryDelay) + " exceeds 63");
  if (g.joinTo >= int64_t(groups))
    return bad("join_to names no group");
  for (const std::vector<int32_t> *s : {&g.u0, &g.v0}) {
    if (!s->empty() && s->size() != g.size)
      return bad("initial state needs one value per compartment");
    for (int32_t x : *s)
      if (x <= -kMaxUV || x > kMaxUV)
        return bad("initial state " + std::to_string(x) + " is not a 24-bit value");
  }
  if (!g.refractory0.empty() && g.refractory0.size() != g.size)
    return bad("initial refractory counters need one value per compartment");
  return {};
}

} // namespace

std::string validate(const CoreConfig &c) {
  if (!(c.dtMs > 0))
    return "dt_ms must be positive";
  for (size_t i = 0; i < c.groups.size(); ++i) {
    const CompartmentGroup &g = c.groups[i];
    if (std::string e = groupProblem(g, c.groups.size()); !e.empty())
      return e;
    if (g.population >= c.populations.size() || c.populations[g.population].size != g.size)
      return "group '" + g.name + "': population index or size does not match";
    if (g.joinTo >= 0 && (c.groups[size_t(g.joinTo)].joinTo >= 0 || size_t(g.joinTo) == i))
      return "group '" + g.name + "': dendrites join a soma group";
  }
  for (const Population &p : c.populations) {
    if (p.kind != Population::Kind::Compartments)
      continue;
    if (p.soma < 0 || size_t(p.soma) >= c.groups.size() || !c.groups[size_t(p.soma)].isSoma())
      return "population '" + p.name + "' has no soma group";
    for (const Readout &r : p.readouts)
      if (r.group >= c.groups.size() || !(r.scale != 0))
        return "population '" + p.name + "': readout '" + r.variable + "' is invalid";
  }
  for (const SynapseGroup &s : c.synapses) {
    auto bad = [&](const std::string &what) { return "synapse group '" + s.name + "': " + what; };
    if (s.source >= c.populations.size() || s.target >= c.groups.size())
      return bad("source or target out of range");
    uint64_t nSrc = c.populations[s.source].size, nTgt = c.groups[s.target].size;
    if (s.rowOffsets.size() != nSrc + 1 || s.rowOffsets.back() != s.targets.size() ||
        s.weightMant.size() != s.targets.size() || s.delay.size() != s.targets.size())
      return bad("row offsets, targets, weights and delays do not match");
    for (size_t r = 0; r + 1 < s.rowOffsets.size(); ++r)
      if (s.rowOffsets[r] > s.rowOffsets[r + 1])
        return bad("row offsets decrease");
    if (s.weightExp < kMinWeightExp || s.weightExp > kMaxWeightExp)
      return bad("weight_exp " + std::to_string(s.weightExp) + " is outside -8..7");
    if (s.numWeightBits < 1 || s.numWeightBits > 8)
      return bad("num_weight_bits must be 1..8");
    for (size_t q = 0; q < s.size(); ++q) {
      if (s.targets[q] >= nTgt)
        return bad("target index out of range");
      if (s.weightMant[q] < -256 || s.weightMant[q] > 255)
        return bad("weight mantissa " + std::to_string(s.weightMant[q]) + " is not 8-bit");
      if (s.delay[q] > kMaxDelay)
        return bad("delay " + std::to_string(s.delay[q]) + " exceeds 62 steps");
    }
  }
  for (const Recorder &r : c.recorders)
    if (r.population >= c.populations.size() || r.end > c.populations[r.population].size || r.begin > r.end ||
        r.every == 0)
      return "recorder '" + r.label + "' is invalid";
  return {};
}

json toJson(const CoreConfig &c) {
  json j;
  j["format"] = "nsc-loihi-config";
  j["version"] = 1;
  j["network"] = c.network;
  j["dt_ms"] = c.dtMs;
  j["seed"] = c.seed;
  json pops = json::array();
  for (const Population &p : c.populations) {
    json o{{"name", p.name}, {"size", p.size}};
    switch (p.kind) {
    case Population::Kind::Compartments: {
      o["kind"] = "compartments";
      o["model"] = p.model;
      o["soma"] = p.soma;
      o["dendrites"] = p.dendrites;
      json rs = json::array();
      for (const Readout &r : p.readouts)
        rs.push_back({{"variable", r.variable},
                      {"group", r.group},
                      {"source", r.source == Readout::Source::V ? "v" : "next_u"},
                      {"scale", r.scale},
                      {"offset", r.offset}});
      o["readouts"] = rs;
      break;
    }
    case Population::Kind::PoissonSource:
      o["kind"] = "poisson_source";
      o["rate_hz"] = p.rateHz;
      o["start_step"] = p.startStep;
      if (p.stopStep != INT64_MAX)
        o["stop_step"] = p.stopStep;
      break;
    case Population::Kind::SpikeSource:
      o["kind"] = "spike_source";
      o["emit_step"] = p.emitStep;
      o["multiplicity"] = p.multiplicity;
      break;
    }
    pops.push_back(o);
  }
  j["populations"] = pops;
  json groups = json::array();
  for (const CompartmentGroup &g : c.groups) {
    json o{{"name", g.name},         {"population", g.population},
           {"size", g.size},         {"du", g.du - g.dsOffset},
           {"dv", g.dv - g.dmOffset}, {"ds_offset", g.dsOffset},
           {"dm_offset", g.dmOffset}, {"vth_mant", g.vthMant},
           {"bias_mant", g.biasMant}, {"bias_exp", g.biasExp},
           {"refractory_delay", g.refractoryDelay}, {"join_to", g.joinTo}};
    if (g.joinTo >= 0)
      o["join_op"] = "add";
    if (!g.u0.empty())
      o["u0"] = g.u0;
    if (!g.v0.empty())
      o["v0"] = g.v0;
    if (!g.refractory0.empty())
      o["refractory0"] = g.refractory0;
    groups.push_back(o);
  }
  j["compartment_groups"] = groups;
  json syns = json::array();
  for (const SynapseGroup &s : c.synapses) {
    json o{{"name", s.name},
           {"source", s.source},
           {"target", s.target},
           {"weight_exp", s.weightExp},
           {"num_weight_bits", s.numWeightBits},
           {"sign_mode", s.signMode},
           {"row_offsets", s.rowOffsets},
           {"targets", s.targets},
           {"weight_mant", s.weightMant}};
    bool oneDelay = !s.delay.empty();
    for (uint8_t d : s.delay)
      oneDelay &= d == s.delay[0];
    if (oneDelay)
      o["delay"] = s.delay[0];
    else
      o["delay"] = s.delay;
    syns.push_back(o);
  }
  j["synapse_groups"] = syns;
  json recs = json::array();
  for (const Recorder &r : c.recorders)
    recs.push_back({{"label", r.label},
                    {"population", r.population},
                    {"begin", r.begin},
                    {"end", r.end},
                    {"every", r.every},
                    {"variables", r.variables}});
  j["recorders"] = recs;
  j["limits"] = {{"compartments", c.limits.compartments},   {"input_axons", c.limits.inputAxons},
                 {"output_axons", c.limits.outputAxons},    {"synapse_bytes", c.limits.synapseBytes},
                 {"cores_per_chip", c.limits.coresPerChip}, {"max_chips", c.limits.maxChips}};
  json cores = json::array();
  for (const CoreAssignment &a : c.cores) {
    json rs = json::array();
    for (const CoreAssignment::Range &r : a.ranges)
      rs.push_back({{"population", r.population}, {"begin", r.begin}, {"end", r.end}});
    cores.push_back({{"chip", a.chip},
                     {"core", a.core},
                     {"neurons", rs},
                     {"compartments", a.compartments},
                     {"input_axons", a.inputAxons},
                     {"output_axons", a.outputAxons},
                     {"synapses", a.synapses},
                     {"synapse_bytes", a.synapseBytes}});
  }
  j["chips"] = c.chips;
  j["cores"] = cores;
  return j;
}

bool fromJson(const json &j, CoreConfig &c, std::string &error) {
  try {
    if (j.value("format", "") != "nsc-loihi-config") {
      error = "not an nsc Loihi configuration (no \"format\": \"nsc-loihi-config\")";
      return false;
    }
    c = CoreConfig{};
    c.network = j.value("network", "");
    c.dtMs = j.at("dt_ms").get<double>();
    c.seed = j.value("seed", uint64_t(0));
    for (const json &o : j.at("populations")) {
      Population p;
      p.name = o.at("name").get<std::string>();
      p.size = o.at("size").get<uint64_t>();
      std::string kind = o.at("kind").get<std::string>();
      if (kind == "compartments") {
        p.model = o.value("model", "");
        p.soma = o.at("soma").get<int32_t>();
        p.dendrites = o.value("dendrites", std::vector<uint32_t>{});
        for (const json &r : o.value("readouts", json::array())) {
          Readout rd;
          rd.variable = r.at("variable").get<std::string>();
          rd.group = r.at("group").get<uint32_t>();
          rd.source = r.at("source").get<std::string>() == "v" ? Readout::Source::V : Readout::Source::NextU;
          rd.scale = r.at("scale").get<double>();
          rd.offset = r.at("offset").get<double>();
          p.readouts.push_back(rd);
        }
      } else if (kind == "poisson_source") {
        p.kind = Population::Kind::PoissonSource;
        p.rateHz = o.at("rate_hz").get<double>();
        p.startStep = o.value("start_step", int64_t(0));
        p.stopStep = o.value("stop_step", INT64_MAX);
      } else if (kind == "spike_source") {
        p.kind = Population::Kind::SpikeSource;
        p.emitStep = o.at("emit_step").get<std::vector<uint64_t>>();
        p.multiplicity = o.at("multiplicity").get<std::vector<uint32_t>>();
        if (p.emitStep.size() != p.multiplicity.size()) {
          error = "population '" + p.name + "': emit_step and multiplicity differ in length";
          return false;
        }
      } else {
        error = "population '" + p.name + "': unknown kind '" + kind + "'";
        return false;
      }
      c.populations.push_back(std::move(p));
    }
    for (const json &o : j.at("compartment_groups")) {
      CompartmentGroup g;
      g.name = o.at("name").get<std::string>();
      g.population = o.at("population").get<uint32_t>();
      g.size = o.at("size").get<uint64_t>();
      g.dsOffset = o.value("ds_offset", 1u);
      g.dmOffset = o.value("dm_offset", 0u);
      g.du = o.at("du").get<uint32_t>() + g.dsOffset;
      g.dv = o.at("dv").get<uint32_t>() + g.dmOffset;
      g.vthMant = o.at("vth_mant").get<uint32_t>();
      g.biasMant = o.value("bias_mant", 0);
      g.biasExp = o.value("bias_exp", 0u);
      g.refractoryDelay = o.value("refractory_delay", 0u);
      g.joinTo = o.value("join_to", -1);
      g.u0 = o.value("u0", std::vector<int32_t>{});
      g.v0 = o.value("v0", std::vector<int32_t>{});
      g.refractory0 = o.value("refractory0", std::vector<uint32_t>{});
      c.groups.push_back(std::move(g));
    }
    for (const json &o : j.at("synapse_groups")) {
      SynapseGroup s;
      s.name = o.value("name", "");
      s.source = o.at("source").get<uint32_t>();
      s.target = o.at("target").get<uint32_t>();
      s.weightExp = o.value("weight_exp", 0);
      s.numWeightBits = o.value("num_weight_bits", 8u);
      s.signMode = o.value("sign_mode", "mixed");
      s.rowOffsets = o.at("row_offsets").get<std::vector<uint64_t>>();
      s.targets = o.at("targets").get<std::vector<uint32_t>>();
      s.weightMant = o.at("weight_mant").get<std::vector<int16_t>>();
      const json &d = o.at("delay");
      if (d.is_array())
        s.delay = d.get<std::vector<uint8_t>>();
      else
        s.delay.assign(s.targets.size(), d.get<uint8_t>());
      c.synapses.push_back(std::move(s));
    }
    for (const json &o : j.value("recorders", json::array())) {
      Recorder r;
      r.label = o.at("label").get<std::string>();
      r.population = o.at("population").get<uint32_t>();
      r.begin = o.at("begin").get<uint64_t>();
      r.end = o.at("end").get<uint64_t>();
      r.every = o.value("every", uint64_t(1));
      r.variables = o.value("variables", std::vector<std::string>{});
      c.recorders.push_back(std::move(r));
    }
    if (j.contains("limits")) {
      const json &l = j["limits"];
      c.limits.compartments = l.value("compartments", c.limits.compartments);
      c.limits.inputAxons = l.value("input_axons", c.limits.inputAxons);
      c.limits.outputAxons = l.value("output_axons", c.limits.outputAxons);
      c.limits.synapseBytes = l.value("synapse_bytes", c.limits.synapseBytes);
      c.limits.coresPerChip = l.value("cores_per_chip", c.limits.coresPerChip);
      c.limits.maxChips = l.value("max_chips", c.limits.maxChips);
    }
    c.chips = j.value("chips", 0u);
    for (const json &o : j.value("cores", json::array())) {
      CoreAssignment a;
      a.chip = o.at("chip").get<uint32_t>();
      a.core = o.at("core").get<uint32_t>();
      for (const json &r : o.at("neurons"))
        a.ranges.push_back({r.at("population").get<uint32_t>(), r.at("begin").get<uint64_t>(),
                            r.at("end").get<uint64_t>()});
      a.compartments = o.value("compartments", 0u);
      a.inputAxons = o.value("input_axons", 0u);
      a.outputAxons = o.value("output_axons", 0u);
      a.synapses = o.value("synapses", uint64_t(0));
      a.synapseBytes = o.value("synapse_bytes", uint64_t(0));
      c.cores.push_back(std::move(a));
    }
  } catch (const json::exception &e) {
    error = std::string("malformed configuration: ") + e.what();
    return false;
  }
  error = validate(c);
  return error.empty();
}

bool writeConfig(const CoreConfig &c, const std::string &path, std::string &error) {
  std::ofstream out(path);
  out << toJson(c).dump(1) << "\n";
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

bool readConfig(const std::string &path, CoreConfig &c, std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) {
    error = "'" + path + "' is not valid JSON";
    return false;
  }
  if (!fromJson(j, c, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

} // namespace nsc::loihi
