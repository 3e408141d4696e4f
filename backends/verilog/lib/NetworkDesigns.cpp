//===- NetworkDesigns.cpp - A network's hardware blocks as designs --------===//
//
// From the IR's `homeostasis for` / `aer for` / `detector for` blocks to
// HomeostatDesign / AerDesign / DetectorDesign: sizes from the populations, constants from
// hw::computeHomeostatConstants (the runtime's function), widths from both.
//
//===----------------------------------------------------------------------===//
#include "nsc/verilog/VerilogBackend.h"
#include "nsc/ir/FixedPoint.h"

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
template <class T> int indexOf(const std::vector<T> &v, const std::string &population) {
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i].population == population)
      return int(i);
  return -1;
}

/// A core population fed by a detector's channels gets the chain
/// (docs/verilog.md §7.5): channel c drives neuron c, so the projection
/// must be one_to_one over whole populations with a constant weight and a
/// delay of one step (the pacer's). Other projections into the population
/// have no path in the chain: a warning names each.
bool collectChains(const ir::Module &m, const ir::Network &net, Designs &out, DiagnosticEngine &diags) {
  bool ok = true;
  for (size_t ci = 0; ci < out.cores.size(); ++ci) {
    const CoreDesign &core = out.cores[ci];
    const ir::Projection *feed = nullptr;
    std::vector<const ir::Projection *> others;
    for (const ir::Projection &pr : net.projections) {
      if (net.populations[pr.target.population].name != core.population)
        continue;
      const ir::Population &src = net.populations[pr.source.population];
      if (indexOf(out.detectors, src.name) < 0) {
        others.push_back(&pr);
        continue;
      }
      if (feed) {
        diags.error(pr.loc, fmt::format("'{}' is fed by two spike detectors; the generated chain takes one",
                                        core.population));
        ok = false;
        continue;
      }
      feed = &pr;
    }
    if (!feed)
      continue;
    const ir::Population &src = net.populations[feed->source.population];
    const ir::Population &dst = net.populations[feed->target.population];
    const int enc = indexOf(out.encoders, src.name);
    if (enc < 0) {
      diags.error(feed->loc, fmt::format("the chain from the detector of '{0}' to the neuron core of '{1}' sends "
                                         "the detected spikes as address-events: add 'aer for {0}:'",
                                         src.name, dst.name));
      ok = false;
      continue;
    }
    double w = 0;
    const bool whole = feed->source.begin == 0 && feed->source.end == src.size && feed->target.begin == 0 &&
                       feed->target.end == dst.size;
    std::string why;
    if (feed->conn.rule != ir::ConnectionRule::OneToOne || !whole)
      why = "channel c drives neuron c: the projection must be one_to_one over the whole populations";
    else if (feed->hasSynapse)
      why = "the core adds a constant weight to a port: the projection cannot have a synapse model";
    else if (!feed->weight || !ir::evaluateConstant(*feed->weight, w))
      why = "every event carries one weight: the projection's weight must be a constant";
    else if (feed->delaySteps != 1)
      why = "the step pacer delivers a window's spikes in the next step: the delay must be one step (dt)";
    if (!why.empty()) {
      diags.error(feed->loc, fmt::format("no generated chain for '{}' from the detector of '{}': {}", dst.name,
                                         src.name, why));
      ok = false;
      continue;
    }
    for (const ir::Projection *pr : others)
      diags.warning(pr->loc, fmt::format("the generated chain nsc_chain_{} delivers only the detector's spikes "
                                         "of '{}'; this projection's events reach the core only through "
                                         "nsc_top_{}'s input port",
                                         dst.name, src.name, dst.name));
    ChainDesign ch;
    ch.module = "nsc_chain_" + dst.name;
    ch.detector = indexOf(out.detectors, src.name);
    ch.sourceEncoder = enc;
    ch.core = int(ci);
    ch.port = feed->port;
    const ir::Model &model = *m.models[dst.model];
    ch.weightRaw = ir::fx::fromDouble(w, model.ports[feed->port].type.precision);
    ch.samplesPerStep = out.detectors[size_t(ch.detector)].samplesPerStep;
    ch.pacerBits = unsignedBits(ch.samplesPerStep);
    out.chains.push_back(ch);
  }
  return ok;
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
  for (const ir::SpikeDetector &sd : net.detectors) {
    const ir::Population &pop = net.populations[sd.population];
    if (pop.size > kMaxAerNeurons) {
      diags.error(sd.loc, fmt::format("population '{}' has {} channels; the spike detector's frames take at most {} "
                                      "(the frame feeds the AER encoder)",
                                      pop.name, pop.size, kMaxAerNeurons));
      ok = false;
      continue;
    }
    DetectorDesign d;
    d.module = "nsc_detector_" + pop.name;
    d.population = pop.name;
    d.channels = uint32_t(pop.size);
    d.alpha = sd.alpha;
    d.samplesPerStep = sd.samplesPerStep;
    d.config.sampleBits = sd.sampleBits;
    d.config.stepBits = sd.stepBits;
    d.config.refractory = sd.refractory;
    d.config.warmup = sd.warmup;
    d.config.polarity = sd.polarity == ir::SpikeDetector::Polarity::Positive ? hw::DetectorPolarity::Positive
                        : sd.polarity == ir::SpikeDetector::Polarity::Both   ? hw::DetectorPolarity::Both
                                                                             : hw::DetectorPolarity::Negative;
    std::string error;
    if (!hw::computeDetectorGain(sd.alpha, d.config, error)) {
      diags.error(sd.loc, "detector for '" + pop.name + "': " + error);
      ok = false;
      continue;
    }
    for (const AerDesign &a : out.encoders)
      if (a.population == pop.name)
        d.timeBits = a.timeBits;
    d.computeWidths();
    out.detectors.push_back(std::move(d));
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
  if (ok)
    ok = collectChains(m, net, out, diags);
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
  for (const DetectorDesign &d : ds.detectors)
    s += "\n" + emitDetector(d);
  for (const CoreDesign &c : ds.cores)
    s += "\n" + emitCore(c) + "\n" +
         emitCoreTop(c, ds.homeostats[size_t(c.homeostat)], ds.encoders[size_t(c.encoder)]);
  for (const ChainDesign &ch : ds.chains) {
    const CoreDesign &c = ds.cores[size_t(ch.core)];
    s += "\n" + emitChain(ch, ds.detectors[size_t(ch.detector)], ds.encoders[size_t(ch.sourceEncoder)], c,
                          ds.encoders[size_t(c.encoder)]);
  }
  return s;
}

} // namespace nsc::verilog
