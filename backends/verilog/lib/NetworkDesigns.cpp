//===- NetworkDesigns.cpp - A network's hardware blocks as designs --------===//
//
// From the IR's `homeostasis for` / `aer for` blocks to HomeostatDesign /
// AerDesign: sizes from the populations, constants from
// hw::computeHomeostatConstants (the runtime's function), widths from both.
//
//===----------------------------------------------------------------------===//
#include "nsc/verilog/VerilogBackend.h"

#include <fmt/format.h>

#include <cmath>

namespace nsc::verilog {

namespace {
/// The largest population a design takes: RAM depth / frame width.
constexpr uint64_t kMaxHomeostatNeurons = uint64_t(1) << 24;
constexpr uint64_t kMaxAerNeurons = 4096;

/// The population's one initial value of `var` (its argument, else the
/// model's default), when it is a constant.
std::optional<double> initialValue(const ir::Module &m, const ir::Population &pop, ir::VarId var) {
  for (const ir::PopulationInit &in : pop.inits)
    if (in.var == var) {
      double v;
      if (in.value && ir::evaluateConstant(*in.value, v))
        return v;
      return std::nullopt;
    }
  const ir::Variable &v = m.models[pop.model]->variables[var];
  double x;
  if (v.init && ir::evaluateConstant(*v.init, x))
    return x;
  return std::nullopt;
}
} // namespace

bool collectDesigns(const ir::Module &m, const ir::Network &net, Designs &out, DiagnosticEngine &diags) {
  out.network = net.name;
  bool ok = true;
  for (const ir::Homeostasis &h : net.homeostats) {
    const ir::Population &pop = net.populations[h.population];
    HomeostatDesign d;
    d.module = "nsc_homeostat_" + pop.name;
    d.population = pop.name;
    if (pop.size > kMaxHomeostatNeurons) {
      diags.error(h.loc, fmt::format("population '{}' has {} neurons; the Verilog homeostat takes at most 2^24",
                                     pop.name, pop.size));
      ok = false;
      continue;
    }
    d.n = uint32_t(pop.size);
    d.targetHz = h.targetHz;
    d.tauS = h.tauS;
    d.dtMs = net.semantics.dtMs;
    d.config.thetaMin = h.thetaMin;
    d.config.thetaMax = h.thetaMax;
    d.config.mode = h.plain ? hw::HomeostatMode::Plain : hw::HomeostatMode::Accumulator;
    std::string error;
    if (!hw::computeHomeostatConstants(h.targetHz, h.tauS, d.dtMs, h.window, d.config, error)) {
      diags.error(h.loc, "homeostasis for '" + pop.name + "': " + error);
      ok = false;
      continue;
    }
    auto v = initialValue(m, pop, h.threshold);
    if (!v) {
      diags.error(h.loc, fmt::format("the Verilog homeostat starts every neuron of '{}' at one threshold, but "
                                     "'{}' is not one constant there (drawn per neuron or computed)",
                                     pop.name, h.thresholdName));
      ok = false;
      continue;
    }
    d.thetaInit = int64_t(std::nearbyint(*v * 256.0));
    if (d.thetaInit < h.thetaMin || d.thetaInit > h.thetaMax)
      diags.warning(h.loc, fmt::format("initial threshold {} = {} (Q8.8 {}) lies outside [theta_min, theta_max] = "
                                       "[{}, {}]; it starts clipped",
                                       h.thresholdName, *v, d.thetaInit, h.thetaMin, h.thetaMax));
    d.computeWidths();
    out.homeostats.push_back(std::move(d));
  }
  for (const ir::AerOutput &a : net.aerOutputs) {
    const ir::Population &pop = net.populations[a.population];
    if (pop.size > kMaxAerNeurons) {
      diags.error(a.loc, fmt::format("population '{}' has {} neurons; the AER encoder takes frames of at most "
                                     "{} spikes (a wider frame makes the priority encoder too deep for one cycle)",
                                     pop.name, pop.size, kMaxAerNeurons));
      ok = false;
      continue;
    }
    AerDesign d;
    d.module = "nsc_aer_" + pop.name;
    d.population = pop.name;
    d.n = uint32_t(pop.size);
    d.idBits = d.n > 1 ? unsignedBits(d.n - 1) : 1;
    d.timeBits = a.timestampBits;
    d.fourPhase = a.fourPhase;
    out.encoders.push_back(std::move(d));
  }
  // A fixed-point model population with an encoder gets a neuron core
  // (docs/verilog.md §6); it reads its threshold from the homeostat.
  for (size_t e = 0; ok && e < out.encoders.size(); ++e) {
    const AerDesign &a = out.encoders[e];
    uint32_t popIndex = 0;
    for (uint32_t i = 0; i < net.populations.size(); ++i)
      if (net.populations[i].name == a.population)
        popIndex = i;
    const ir::Population &pop = net.populations[popIndex];
    if (pop.kind != ir::PopulationKind::Model || m.models[pop.model]->semantics.precision.kind != ir::Precision::Fixed)
      continue;
    int hs = -1;
    for (size_t h = 0; h < out.homeostats.size(); ++h)
      if (out.homeostats[h].population == a.population)
        hs = int(h);
    if (hs < 0) {
      diags.error(pop.loc, "the neuron core of '" + pop.name + "' reads its threshold from a homeostat: add "
                           "'homeostasis for " + pop.name + ":' (docs/verilog.md)");
      ok = false;
      continue;
    }
    CoreDesign c;
    if (!buildCore(m, net, popIndex, &out.homeostats[size_t(hs)], c, diags)) {
      ok = false;
      continue;
    }
    c.homeostat = hs;
    c.encoder = int(e);
    c.config.timeBits = a.timeBits;
    out.cores.push_back(std::move(c));
  }
  return ok;
}

std::string emitAll(const Designs &ds) {
  std::string s = "// Verilog-2005 generated by nsc for network '" + ds.network + "' (docs/verilog.md)\n";
  for (const HomeostatDesign &h : ds.homeostats)
    s += "\n" + emitHomeostat(h);
  for (const AerDesign &a : ds.encoders) {
    s += "\n" + emitAerEncoder(a);
    if (a.fourPhase)
      s += "\n" + emitAer4Phase(a) + "\n" + emitAerLink(a);
  }
  for (const CoreDesign &c : ds.cores)
    s += "\n" + emitCore(c) + "\n" +
         emitCoreTop(c, ds.homeostats[size_t(c.homeostat)], ds.encoders[size_t(c.encoder)]);
  return s;
}

} // namespace nsc::verilog
