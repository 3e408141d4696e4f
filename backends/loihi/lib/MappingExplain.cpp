//===- MappingExplain.cpp - The Loihi quantization report -------------------===//
//
// --explain-quantization with --target=loihi: per compartment and synapse
// group, each register's value, LSB in model units, representable range,
// the range it must hold and its error per step (MappingReport.h prints it).
//
//===----------------------------------------------------------------------===//
#include "NetworkMapper.h"
#include "MappingReport.h"
#include "nsc/ir/Printer.h"

namespace nsc::loihi::detail {

std::string Mapper::printExprSafe(const Expr &e, const Model &m) { return printExpr(e, &m); }

/// The rows of the quantization report (MappingReport.h).
void Mapper::explain(std::ostream &os) {
  auto withUnit = [](double x, const std::string &u) { return fmtNum(x) + (u.empty() ? "" : " " + u); };
  auto rangeText = [](const passes::Interval &r, const std::string &u) { return r.str() + (u.empty() ? "" : " " + u); };
  auto tau = [&](double keep) { return keep < 1 && keep > 0 ? -c_.dtMs / std::log(keep) : INFINITY; };
  std::vector<ReportBlock> blocks;
  const double full = double(kMaxUV - 1);
  for (uint32_t p = 0; p < pops_.size(); ++p) {
    PopMap &pm = pops_[p];
    if (!pm.lif || net_.populations[p].size == 0)
      continue;
    const std::string &vu = pm.ranges.V.unit;
    const CompartmentGroup &soma = c_.groups[pm.soma];
    std::vector<ReportBlock> local(1 + pm.groupRate.size());
    ReportBlock &b = local[0];
    b.title = "compartment group '" + soma.name + "': voltage scale " + fmtNum(pm.s) + " per " +
              (vu.empty() ? "unit" : vu) + " (limited by " + pm.limitedBy + ")";
    const BoundedVar &V = pm.ranges.V;
    double vMag = std::max(std::fabs(V.range.lo - pm.reset), std::fabs(V.range.hi - pm.reset));
    if (!std::isfinite(vMag))
      vMag = full / pm.s;
    b.rows.push_back({"v (" + V.name + ")", "24-bit", withUnit(1 / pm.s, vu),
                      rangeText(passes::Interval::of(pm.reset - full / pm.s, pm.reset + full / pm.s), vu),
                      rangeText(V.range, vu) + " " + passes::rangeKindName(V.kind), withUnit(1 / pm.s, vu) + " (decay toward 0)"});
    double bias = pm.s * (pm.PV < 1 ? ((pm.a < 0 ? -pm.drive / pm.a : pm.reset) - pm.reset) * (1 - pm.alphaV)
                                    : pm.drive * c_.dtMs);
    double biasQ = double(effectiveBias(soma.biasMant, soma.biasExp));
    b.rows.push_back({"dv", std::to_string(soma.dv) + " (+" + std::to_string(soma.dmOffset) + ")",
                      "", "0..4095", "P_V " + fmtNum(pm.PV) + " -> " + fmtNum(pm.alphaV),
                      withUnit(std::fabs(pm.alphaV - pm.PV) * vMag, vu) + " (tau " + fmtNum(tau(pm.PV)) + " -> " +
                          fmtNum(tau(pm.alphaV)) + " ms)"});
    b.rows.push_back({"vth_mant", std::to_string(soma.vthMant) + " << 6", withUnit(64 / pm.s, vu), "0..131071",
                      "V_th - V_reset " + withUnit(pm.thr - pm.reset, vu), "0 (exact)"});
    b.rows.push_back({"bias_mant/exp", std::to_string(soma.biasMant) + " << " + std::to_string(soma.biasExp),
                      withUnit(std::ldexp(1.0, int(soma.biasExp)) / pm.s, vu), "-4096..4095 << 0..7",
                      fmtNum(bias) + " LSB/step", withUnit(std::fabs(bias - biasQ) / pm.s, vu)});
    b.rows.push_back({"refractory_delay", std::to_string(soma.refractoryDelay), "", "0..63", "", "0 (exact)"});
    for (size_t j = 0; j < pm.currents(); ++j) {
      const BoundedVar &x = pm.ranges.currents[j];
      double lsb = 1 / (pm.s * std::fabs(pm.kappa[j]));
      double P = std::exp(pm.rate[j] * c_.dtMs);
      double alphaU = 1 - pm.duEff[pm.groupOf[j]] / 4096.0;
      const CompartmentGroup &g = c_.groups[pm.groupCompartment[pm.groupOf[j]]];
      ReportBlock *target = &local[0];
      if (pm.groupCompartment[pm.groupOf[j]] != pm.soma) {
        target = &local[1 + pm.groupOf[j]];
        if (target->title.empty()) {
          target->title = "compartment group '" + g.name + "' (dendrite joined ADD into '" + soma.name + "')";
          target->rows.push_back({"dv", "4095 (+1)", "", "0..4095", "v = u", "0 (exact)"});
        }
      }
      target->rows.push_back({"u (" + x.name + ")", "24-bit", withUnit(lsb, x.unit),
                              rangeText(passes::Interval::of(-full * lsb, full * lsb), x.unit),
                              rangeText(x.range, x.unit) + " " + passes::rangeKindName(x.kind),
                              withUnit(lsb, x.unit) + " (decay toward 0)"});
      target->rows.push_back({"du", std::to_string(g.du - g.dsOffset) + " (+" + std::to_string(g.dsOffset) + ")", "",
                              "0..4095", "P " + fmtNum(P) + " -> " + fmtNum(alphaU),
                              withUnit(std::fabs(alphaU - P) * x.range.magnitude(), x.unit) + " (tau " +
                                  fmtNum(tau(P)) + " -> " + fmtNum(tau(alphaU)) + " ms)"});
      target->notes.push_back("'" + x.name + "': " + x.why + "; gain " + fmtNum(pm.kappa[j]) +
                              " (charge-preserving) per " + (vu.empty() ? "unit" : vu));
    }
    if (pm.deltaGroup >= 0) {
      // Delta inputs: u holds one step's jumps of V, no decay to quantize.
      size_t dg = size_t(pm.deltaGroup);
      ReportBlock *target = &local[0];
      if (pm.groupCompartment[dg] != pm.soma) {
        target = &local[1 + dg];
        target->title = "compartment group '" + c_.groups[pm.groupCompartment[dg]].name +
                        "' (delta inputs; dendrite joined ADD into '" + soma.name + "')";
        target->rows.push_back({"dv", "4095 (+1)", "", "0..4095", "v = u", "0 (exact)"});
      }
      const BoundedVar &d = pm.deltaRange;
      target->rows.push_back({"u (" + d.name + ")", "24-bit", withUnit(1 / pm.s, vu),
                              rangeText(passes::Interval::of(-full / pm.s, full / pm.s), vu),
                              rangeText(d.range, vu) + " " + passes::rangeKindName(d.kind), "0 (no memory)"});
      target->rows.push_back({"du", "4095 (+1)", "", "0..4095", "u = this step's input", "0 (exact)"});
      target->notes.push_back("'" + d.name + "': " + d.why + "; gain 1 (the jump is kept) per " +
                              (vu.empty() ? "unit" : vu));
    }
    local[0].notes.push_back("'" + V.name + "': " + V.why);
    for (ReportBlock &l : local)
      if (!l.title.empty())
        blocks.push_back(std::move(l));
  }
  for (const WeightStats &w : weightStats_) {
    const SynapseGroup &sg = c_.synapses[w.group];
    ReportBlock b;
    b.title = "synapse group '" + sg.name + "' (" + std::to_string(sg.size()) + " synapses, " + sg.signMode + ")";
    b.rows.push_back({"weight_mant", std::to_string(sg.numWeightBits) + "-bit", withUnit(w.lsb, w.unit.empty() ? "" : w.unit.substr(1)),
                      sg.signMode == "mixed" ? "-256..254 (even)" : sg.signMode == "excitatory" ? "0..255" : "-255..0",
                      "", withUnit(w.maxAbs, w.unit.empty() ? "" : w.unit.substr(1)) + " per spike (" +
                              fmtNum(100 * w.maxRel) + "%)"});
    b.rows.push_back({"weight_exp", std::to_string(sg.weightExp), "", "-8..7", "", ""});
    blocks.push_back(std::move(b));
  }
  printMappingReport("quantization of network '" + net_.name + "' for Loihi (24-bit u and v, 12-bit decays, dt " +
                         fmtNum(c_.dtMs) + " ms):",
                     blocks, os);
}

} // namespace nsc::loihi::detail
