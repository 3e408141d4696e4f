//===- ProjectionMapping.cpp - Synapses of a network on the Loihi target ----===//
//
// Per projection: the synapses exactly as the network runtime builds them
// (same rules, seeds and streams), quantized into 8-bit mantissas with a
// shared exponent by Lava's rule (docs/loihi.md §1, §3). Sources become
// input spike generators.
//
//===----------------------------------------------------------------------===//
#include "NetworkMapper.h"
#include "nsc/passes/ProjectionConnections.h"

namespace nsc::loihi::detail {

bool Mapper::projection(uint32_t q, RawProjection &r) {
  const Projection &pr = net_.projections[q];
  r.index = q;
  const ir::Population &tgt = net_.populations[pr.target.population];
  const ir::Population &src = net_.populations[pr.source.population];
  if (pr.hasSynapse)
    return fail(pr.loc, "plastic synapses ('" + pr.synapseName + "') cannot map to the Loihi target: its "
                                                                   "synapse groups have fixed weights");
  if (pr.coupling != Coupling::None)
    return fail(pr.loc, std::string(pr.coupling == Coupling::GapJunction ? "a gap junction" : "a variable projection") +
                            " ('" + pr.variableName +
                            "') cannot map to the Loihi target: its compartments exchange spikes only");
  if (isCurrentSource(src.kind))
    return fail(pr.loc, "current source projection cannot map");
  if (tgt.kind != PopulationKind::Model)
    return fail(pr.loc, "a projection must target a model population");
  const Model &tm = *mod_.models[tgt.model];
  if (tm.ports[pr.port].kind == PortKind::Continuous)
    return fail(pr.loc, "projection into continuous input '" + tm.ports[pr.port].name +
                            "' cannot map: Loihi compartments receive spikes, not continuous currents");
  runtime::ConnectionSpec spec = passes::connectionSpecOf(net_, pr, q);
  std::optional<runtime::ConnectResult> built = passes::buildProjectionConnections(spec);
  if (!built)
    return fail(pr.loc, "cannot open connection file '" + spec.path + "'");
  runtime::ConnectResult &cr = *built;
  if (!cr.ok())
    return fail(pr.loc, "cannot build projection: " + cr.error);
  r.sl = std::move(cr.synapses);
  r.w = !r.sl.weight.empty() ? std::move(r.sl.weight)
        : pr.weight ? runtime::drawPerSynapse(NetworkValue::distribution(*pr.weight), r.sl, spec,
                                              runtime::Stream::Weight)
                    : std::vector<double>(r.sl.size(), 1.0);
  std::vector<double> dms;
  if (!r.sl.delay.empty())
    dms = std::move(r.sl.delay);
  else if (pr.delay && NetworkValue::isRandom(*pr.delay))
    dms = runtime::drawPerSynapse(NetworkValue::distribution(*pr.delay), r.sl, spec, runtime::Stream::Delay);
  r.d.resize(r.sl.size());
  for (size_t s = 0; s < r.sl.size(); ++s) {
    r.d[s] = dms.empty() ? std::max<int64_t>(1, pr.delaySteps) : runtime::drawnDelaySteps(dms[s], c_.dtMs);
    if (r.d[s] > int64_t(kMaxDelay))
      return fail(pr.delay ? pr.delay->loc : pr.loc,
                  "a delay of " + std::to_string(r.d[s]) + " steps (" + fmtNum(double(r.d[s]) * c_.dtMs) +
                      " ms) exceeds Loihi's synaptic delay of at most " + std::to_string(kMaxDelay) + " steps");
  }
  // Largest input per current, for the scale (§3), and the densest
  // input per neuron for the range analysis (LifRanges.h).
  PopMap &pm = pops_[pr.target.population];
  if (!pm.lif)
    return true;
  uint64_t nt = tgt.size;
  double mult = 1, gap = 1;
  bool assumed = false;
  switch (src.kind) {
  case PopulationKind::Model:
    gap = double(pops_[pr.source.population].refr + 1);
    break;
  case PopulationKind::SpikeGenerator:
    for (uint32_t k : c_.populations[pr.source.population].multiplicity)
      mult = std::max(mult, double(k));
    break;
  case PopulationKind::PoissonGenerator:
    // Per target neuron below: the sum of its sources' counts is
    // Poisson(n_in λ), bounded once (not k per source).
    mult = 0;
    assumed = true;
    break;
  default: break;
  }
  if (pm.xPos.empty()) {
    pm.xPos.assign(pm.rate.size(), std::vector<double>(nt, 0.0));
    pm.xNeg = pm.xPos;
    pm.currentAssumed.assign(pm.rate.size(), false);
  }
  struct PoissonIn { double n = 0, pos = 0, neg = 0; };
  std::map<std::pair<size_t, uint64_t>, PoissonIn> poissonIn;   // (current, neuron)
  std::map<std::pair<uint32_t, uint64_t>, PoissonIn> poissonPort; // (port, neuron)
  for (size_t s = 0; s < r.sl.size(); ++s) {
    uint32_t port = portOf(pr, r.w[s]);
    auto &ps = pm.portSum[port];
    if (ps.first.empty())
      ps = {std::vector<double>(nt, 0.0), std::vector<double>(nt, 0.0)};
    uint64_t t = r.sl.target[s];
    double wv = pr.negativePort && r.w[s] < 0 ? -r.w[s] : r.w[s];
    if (assumed) {
      auto &pw = poissonPort[{port, t}];
      pw.n += 1;
      (wv > 0 ? pw.pos : pw.neg) = wv > 0 ? std::max(pw.pos, wv) : std::min(pw.neg, wv);
    } else {
      (wv > 0 ? ps.first : ps.second)[t] += wv * mult;
    }
    for (size_t k = 0; k < pm.lif->portInputs.size(); ++k) {
      const LifStructure::PortInput &in = pm.lif->portInputs[k];
      if (in.port == port) {
        pm.maxInput = std::max(pm.maxInput, std::fabs(pm.kappaOfInput(in) * pm.inputFactor[k] * r.w[s]));
        if (in.toVoltage()) {
          pm.deltaAssumed = pm.deltaAssumed || assumed;
          continue; // bounded through the port's per-step sums
        }
        double P = std::exp(pm.rate[in.current] * c_.dtMs);
        double x = pm.inputFactor[k] * wv * (assumed ? 1.0 : mult) / (1 - std::pow(P, gap));
        if (assumed) {
          auto &pw = poissonIn[{in.current, t}];
          pw.n += 1;
          (x > 0 ? pw.pos : pw.neg) = x > 0 ? std::max(pw.pos, x) : std::min(pw.neg, x);
        } else {
          (x > 0 ? pm.xPos : pm.xNeg)[in.current][t] += x;
        }
        pm.currentAssumed[in.current] = pm.currentAssumed[in.current] || assumed;
      }
    }
  }
  double lambda = assumed ? c_.populations[pr.source.population].rateHz * c_.dtMs / 1000.0 : 0;
  for (auto &[key, pw] : poissonIn) {
    double k = poissonCountBound(pw.n * lambda);
    pm.xPos[key.first][key.second] += k * pw.pos;
    pm.xNeg[key.first][key.second] += k * pw.neg;
  }
  for (auto &[key, pw] : poissonPort) {
    double k = poissonCountBound(pw.n * lambda);
    pm.portSum[key.first].first[key.second] += k * pw.pos;
    pm.portSum[key.first].second[key.second] += k * pw.neg;
  }
  return true;
}

uint32_t Mapper::portOf(const Projection &pr, double w) {
  return pr.negativePort && w < 0 ? *pr.negativePort : pr.port;
}

/// Lava's weight rule (weightutils: determine the exponent from the
/// largest magnitude, clip to 8 bits by sign mode, drop the LSB in mixed
/// mode), applied to the real-valued activations r (docs/loihi.md §3).
bool Mapper::quantize(RawProjection &r) {
  const Projection &pr = net_.projections[r.index];
  PopMap &pm = pops_[pr.target.population];
  const Model &tm = *mod_.models[net_.populations[pr.target.population].model];
  size_t groups = pm.groupRate.size();
  std::string projName = pr.name.empty() ? net_.populations[pr.source.population].name + " -> " +
                                               net_.populations[pr.target.population].name
                                         : pr.name;
  uint64_t nSrc = net_.populations[pr.source.population].size;
  for (size_t g = 0; g < groups; ++g) {
    std::vector<double> act(r.sl.size(), 0.0);
    double maxW = 0, minW = 0;
    bool any = false;
    for (size_t s = 0; s < r.sl.size(); ++s) {
      uint32_t port = portOf(pr, r.w[s]);
      double w = pr.negativePort && r.w[s] < 0 ? -r.w[s] : r.w[s];
      for (size_t k = 0; k < pm.lif->portInputs.size(); ++k) {
        const LifStructure::PortInput &in = pm.lif->portInputs[k];
        if (in.port == port && pm.groupOfInput(in) == g)
          act[s] += pm.s * pm.kappaOfInput(in) * pm.inputFactor[k] * w / 64.0;
      }
      maxW = std::max(maxW, act[s]);
      minW = std::min(minW, act[s]);
      any = any || act[s] != 0;
    }
    if (!any)
      continue;
    SynapseGroup sg;
    sg.name = projName + (groups > 1 ? " (" + c_.groups[pm.groupCompartment[g]].name + ")" : "");
    sg.source = pr.source.population;
    sg.target = pm.groupCompartment[g];
    bool mixed = maxW > 0 && minW < 0;
    sg.signMode = mixed ? "mixed" : maxW > 0 ? "excitatory" : "inhibitory";
    double scale = mixed ? std::min(127 / maxW, -128 / minW) : maxW > 0 ? 255 / maxW : -255 / minW;
    int scaleBits = int(std::floor(std::log2(scale))) + (mixed ? 1 : 0);
    int exp = -scaleBits;
    if (exp > kMaxWeightExp)
      return fail(pr.weight ? pr.weight->loc : pr.loc,
                  "weights of projection '" + projName + "' are too large for Loihi: they need weight_exp " +
                      std::to_string(exp) + " > " + std::to_string(kMaxWeightExp) +
                      " at the voltage scale of '" + net_.populations[pr.target.population].name + "'");
    exp = std::max(exp, kMinWeightExp);
    sg.weightExp = exp;
    WeightStats ws;
    ws.group = uint32_t(c_.synapses.size());
    ws.unit = unitSuffix(tm.ports[pr.port].type.unit);
    // CSR by source neuron (row owners may be targets).
    std::vector<std::vector<size_t>> bySource(nSrc);
    for (size_t s = 0; s < r.sl.size(); ++s)
      if (act[s] != 0)
        bySource[r.sl.source[s]].push_back(s);
    sg.rowOffsets.push_back(0);
    for (uint64_t i = 0; i < nSrc; ++i) {
      for (size_t s : bySource[i]) {
        double m = std::round(std::ldexp(act[s], -exp));
        m = mixed ? std::clamp(m, -256.0, 255.0) : maxW > 0 ? std::clamp(m, 0.0, 255.0) : std::clamp(m, -255.0, 0.0);
        int64_t mant = int64_t(m);
        if (mixed)
          mant = (mant >> 1) * 2; // num_weight_bits 8 in mixed mode: 7 magnitude bits
        if (applyWeightExp(mant, exp) == 0) {
          const Port &port = tm.ports[portOf(pr, r.w[s])];
          return fail(pr.weight ? pr.weight->loc : pr.loc,
                      "weight " + fmtNum(r.w[s]) + unitSuffix(port.type.unit) +
                          " of projection '" + projName + "' quantizes to zero on Loihi (8-bit mantissa, " +
                          "weight_exp " + std::to_string(exp) + ", voltage scale " + fmtNum(pm.s) + " per " +
                          unitName(tm.variables[pm.lif->V].type.unit) + ")");
        }
        {
          double w = std::fabs(pr.negativePort && r.w[s] < 0 ? -r.w[s] : r.w[s]);
          double rel = std::fabs(double(applyWeightExp(mant, exp)) - act[s]) / std::fabs(act[s]);
          ws.maxAbs = std::max(ws.maxAbs, rel * w);
          ws.maxRel = std::max(ws.maxRel, rel);
          ws.lsb = std::max(ws.lsb, std::ldexp(1.0, exp) * w / std::fabs(act[s]));
        }
        sg.targets.push_back(uint32_t(r.sl.target[s] - 0));
        sg.weightMant.push_back(int16_t(mant));
        // A delta input moves V in its delivery step, one step before an
        // input through a current would (docs/loihi.md §2).
        sg.delay.push_back(uint8_t(r.d[s] - (int(g) == pm.deltaGroup ? 1 : 0)));
      }
      sg.rowOffsets.push_back(sg.targets.size());
    }
    c_.synapses.push_back(std::move(sg));
    weightStats_.push_back(ws);
  }
  return true;
}

int64_t Mapper::applyWeight(int64_t m, int exp) {
  return exp >= 0 ? m * (int64_t(1) << exp) : (m >= 0 ? m >> -exp : -((-m + (int64_t(1) << -exp) - 1) >> -exp));
}

} // namespace nsc::loihi::detail
