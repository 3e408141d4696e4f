//===- RefusedSettings.cpp - Settings the Loihi target refuses ------------===//
//
// Nothing a network asks for is silently dropped: what the Loihi mapping
// cannot honour is an error naming the block or setting, with what to do.
//
//===----------------------------------------------------------------------===//
#include "nsc/loihi/Mapping.h"

#include <set>

namespace nsc::loihi {

bool checkLoihiSettings(const ir::Module &module, uint32_t networkIndex, DiagnosticEngine &diags) {
  if (networkIndex >= module.networks.size())
    return true;
  const ir::Network &net = *module.networks[networkIndex];
  bool ok = true;
  for (const ir::Homeostasis &h : net.homeostats) {
    const std::string &pop = net.populations[h.population].name;
    diags.error(h.loc, "'homeostasis for " + pop + "' cannot run on the Loihi target: a Loihi compartment group "
                       "has one threshold register for all its neurons and no controller that moves it per "
                       "neuron, so the rule would be silently dropped")
        .note(h.loc, "run the network with the controller on --target=cpu, interp or verilog, or remove the "
                     "block to map it to Loihi with the fixed threshold '" + h.thresholdName + "'");
    ok = false;
  }
  // Interface blocks of the Verilog design: no effect on what runs, as on
  // the cpu targets (docs/verilog.md), but said rather than passed over.
  for (const ir::AerOutput &a : net.aerOutputs)
    diags.warning(a.loc, "'aer for " + net.populations[a.population].name +
                             "' describes the Verilog design's address-event output (docs/verilog.md); it has no "
                             "effect on the Loihi target, whose spikes travel over its own mesh");
  for (const ir::SpikeDetector &d : net.detectors)
    diags.warning(d.loc, "'detector for " + net.populations[d.population].name +
                             "' describes the Verilog design's spike detector (docs/verilog.md section 7); on the "
                             "Loihi target, as on cpu, the source's own spikes stand in for the detected ones");
  std::set<uint32_t> seen;
  for (const ir::Population &p : net.populations) {
    if (p.kind != ir::PopulationKind::Model || !seen.insert(p.model).second)
      continue;
    const ir::Model &m = *module.models[p.model];
    const ir::Precision &pr = m.semantics.precision;
    const std::string &modelName = m.specializationOf.empty() ? m.name : m.specializationOf;
    if (pr.kind == ir::Precision::Fixed) {
      std::string q = "Q" + std::to_string(pr.intBits) + "." + std::to_string(pr.fracBits);
      diags.error(p.loc, "'precision = fixed(" + q + ")' of model '" + modelName + "' (population '" +
                             p.name + "') cannot act on the Loihi target: it maps the real-valued model into its "
                             "own 24-bit registers (docs/loihi.md section 3), not into the model's " + q + " arithmetic")
          .note(p.loc, "run the fixed-point model on --target=cpu, interp or verilog; for Loihi drop the "
                       "precision setting (nsc verify: --targets=cpu,loihi:precision=float64 compares the "
                       "real-valued mapping with the fixed-point model)");
      ok = false;
    } else if (pr.kind == ir::Precision::F32) {
      diags.warning(p.loc, "'precision = float32' of model '" + modelName + "' (population '" + p.name +
                               "') does not act on the Loihi target: it maps the real-valued model into its own "
                               "24-bit registers (docs/loihi.md section 3)");
    }
  }
  return ok;
}

} // namespace nsc::loihi
