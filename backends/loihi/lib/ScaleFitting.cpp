//===- ScaleFitting.cpp - Ranges and the voltage scale of a population ------===//
//
// The ranges of V and of each synaptic current (RangeAnalysis through
// LifRanges.h) and the voltage scale s, chosen as large as the 24-bit
// registers, the threshold mantissa and 8-bit weights allow (docs/loihi.md §3).
//
//===----------------------------------------------------------------------===//
#include "NetworkMapper.h"

namespace nsc::loihi::detail {

/// Ranges of V and the synaptic variables of population p (LifRanges.h).
bool Mapper::rangesOf(uint32_t p) {
  PopMap &pm = pops_[p];
  const ir::Population &pop = net_.populations[p];
  LifRangeInputs in;
  in.model = mod_.models[pop.model].get();
  in.parameterValues = pm.params;
  for (size_t j = 0; j < pm.rate.size(); ++j) {
    passes::Interval b = passes::Interval::point(0);
    for (uint64_t i = 0; i < pop.size; ++i) {
      double lo = std::min(0.0, pm.x0[j][i]) + (pm.xNeg.empty() ? 0 : pm.xNeg[j][i]);
      double hi = std::max(0.0, pm.x0[j][i]) + (pm.xPos.empty() ? 0 : pm.xPos[j][i]);
      b = b.hull(passes::Interval::of(lo, hi));
    }
    in.currentBounds.push_back(b);
    in.currentAssumed.push_back(!pm.currentAssumed.empty() && pm.currentAssumed[j]);
  }
  const Model &m = *mod_.models[pop.model];
  for (auto &[port, sums] : pm.portSum) {
    passes::Interval b = passes::Interval::point(0);
    for (uint64_t i = 0; i < pop.size; ++i)
      b = b.hull(passes::Interval::of(sums.second[i], sums.first[i]));
    in.portSums[m.ports[port].name] = b;
  }
  for (double v : pm.V0)
    in.initialV = in.initialV.hull(passes::Interval::point(v));
  in.userRanges = opt_.ranges;
  auto r = analyseLifRanges(in, *pm.lif, diags_);
  if (!r)
    return false;
  pm.ranges = std::move(*r);
  return true;
}

/// Lowers the scale s until the ranges of V (in v) and of the synaptic
/// variables (in u, summed per compartment and into the soma) fit 24
/// bits, but not below the scale at which the largest weight keeps its 8
/// bits (weight_exp 0) unless a --range asks for it; what still does not
/// fit gets a diagnostic: a warning for v (it saturates) and for assumed
/// ranges, an error for a proven range in u (it wraps). docs/loihi.md §3.
bool Mapper::fitRanges(uint32_t p, double theta, double &s) {
  PopMap &pm = pops_[p];
  const ir::Population &pop = net_.populations[p];
  const double full = double(kMaxUV - 1);
  double floor = std::max(64.0 / theta, pm.maxInput > 0 ? 255.0 * 64 / pm.maxInput : 0.0);
  floor = std::min(floor, s);
  pm.limitedBy = "the threshold, bias and weight registers";
  std::string vUnit = pm.ranges.V.unit;
  struct Need { const BoundedVar *var; std::string reg; double mag; bool forced; };
  std::vector<Need> needs;
  const BoundedVar &V = pm.ranges.V;
  if (!V.range.isBounded()) {
    diags_.warning(pop.loc, "no finite range found for '" + V.name + "' of '" + pop.name + "' (" + V.range.str() +
                                "): v saturates outside the range the voltage scale leaves")
        .note(pop.loc, "give the range with --range " + V.name + "=LO..HI");
  } else {
    needs.push_back({&V, "voltage register v", std::max(std::fabs(V.range.lo - pm.reset), std::fabs(V.range.hi - pm.reset)),
                     V.kind == passes::RangeKind::Override});
  }
  size_t groups = pm.groupRate.size();
  std::vector<double> uMag(groups, 0.0);
  double somaMag = 0;
  for (size_t j = 0; j < pm.currents(); ++j) {
    double m = std::fabs(pm.kappa[j]) * pm.ranges.currents[j].range.magnitude();
    uMag[pm.groupOf[j]] += m;
    somaMag += m;
  }
  if (pm.deltaGroup >= 0) {
    // Delta inputs: u holds one step's jumps of V (kappa 1).
    double mag = 0;
    for (uint64_t i = 0; i < pop.size; ++i) {
      double m = 0;
      for (size_t k = 0; k < pm.lif->portInputs.size(); ++k) {
        const LifStructure::PortInput &in = pm.lif->portInputs[k];
        auto it = pm.portSum.find(in.port);
        if (in.toVoltage() && it != pm.portSum.end())
          m += std::fabs(pm.inputFactor[k]) * std::max(it->second.first[i], -it->second.second[i]);
      }
      mag = std::max(mag, m);
    }
    pm.deltaRange = {V.name + " jumps", vUnit, passes::Interval::of(-mag, mag),
                     pm.deltaAssumed ? passes::RangeKind::Assumed : passes::RangeKind::Proven,
                     "densest delta input the network can deliver in one step"};
    uMag[size_t(pm.deltaGroup)] += mag;
    somaMag += mag;
  }
  // One need per compartment group, named after the current that
  // contributes most; assumed when any of its currents is.
  for (size_t g = 0; g < groups; ++g) {
    size_t best = SIZE_MAX;
    double bestMag = -1;
    bool assumedAny = false;
    for (size_t j = 0; j < pm.currents(); ++j)
      if (pm.groupOf[j] == g) {
        double m = std::fabs(pm.kappa[j]) * pm.ranges.currents[j].range.magnitude();
        assumedAny = assumedAny || pm.ranges.currents[j].kind == passes::RangeKind::Assumed;
        if (m > bestMag)
          bestMag = m, best = j;
      }
    double need = std::max(uMag[g], groups > 1 ? somaMag : 0.0);
    if (best == SIZE_MAX || !std::isfinite(need) || need == 0)
      continue;
    const BoundedVar &x = pm.ranges.currents[best];
    if (assumedAny && x.kind != passes::RangeKind::Assumed)
      for (size_t j = 0; j < pm.currents(); ++j)
        if (pm.groupOf[j] == g && pm.ranges.currents[j].kind == passes::RangeKind::Assumed)
          best = j;
    needs.push_back({&pm.ranges.currents[best], "current register u", need,
                     pm.ranges.currents[best].kind == passes::RangeKind::Override});
  }
  if (pm.deltaGroup >= 0) {
    double need = std::max(uMag[size_t(pm.deltaGroup)], groups > 1 ? somaMag : 0.0);
    if (std::isfinite(need) && need > 0)
      needs.push_back({&pm.deltaRange, "current register u", need, false});
  }
  for (const Need &n : needs) {
    double sn = n.mag > 0 ? full / n.mag : INFINITY;
    if (sn >= s)
      continue;
    double lowest = n.forced ? 64.0 / theta : floor;
    s = std::max(sn, lowest);
    pm.limitedBy = "the range of '" + n.var->name + "' in " + n.reg;
  }
  for (const Need &n : needs) {
    if (n.mag * s <= full)
      continue;
    const BoundedVar &b = *n.var;
    bool isV = &b == &V;
    double perLsb = isV || &b == &pm.deltaRange ? 1 / s : 0;
    if (!isV)
      for (size_t j = 0; j < pm.currents(); ++j)
        if (&pm.ranges.currents[j] == &b)
          perLsb = 1 / (s * std::fabs(pm.kappa[j]));
    double off = isV ? pm.reset : 0;
    std::string holds = passes::Interval::of(off - full * perLsb, off + full * perLsb).str();
    std::string u = b.unit.empty() ? "" : " " + b.unit;
    std::string msg = "range of '" + b.name + "' " + b.range.str() + u + " (" + passes::rangeKindName(b.kind) + ": " +
                      b.why + ") does not fit Loihi's 24-bit " + n.reg + " of '" + pop.name + "': at the scale " +
                      fmtNum(s) + " per " + (vUnit.empty() ? "unit" : vUnit) +
                      (s == floor ? " (the smallest that keeps 8-bit weights)" : "") + " it holds " + holds + u;
    if (!isV && b.kind != passes::RangeKind::Assumed) {
      diags_.error(pop.loc, msg + "; values outside it would wrap")
          .note(pop.loc, "give a narrower range with --range " + b.name + "=LO..HI if the network cannot reach it");
      return false;
    }
    diags_.warning(pop.loc, msg + "; values outside it will " + (isV ? "saturate" : "wrap"))
        .note(pop.loc, "give the range with --range " + b.name + "=LO..HI if it is narrower");
  }
  return true;
}

} // namespace nsc::loihi::detail
