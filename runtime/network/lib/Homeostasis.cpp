//===- Homeostasis.cpp - The integer homeostatic threshold rule -----------===//
//
// `homeostasis for POP:` (docs/verilog.md §2) on every target that runs a
// network (interp, cpu): each neuron's threshold parameter is held as a Q8.8
// θ in a Q8.24 accumulator, and nsc::hw::homeostatStep — the function the
// generated Verilog is verified against — updates it from the neuron's
// spikes at the end of every window of W steps. The new θ is written into
// the parameter's cell as θ/256 in the parameter's unit (exact in float64;
// rounded to the model's format in fixed point) and takes effect from the
// next step. The threshold column is never specialised as uniform, so a
// compiled kernel reads it per neuron.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include <cmath>

namespace nsc::network {

bool NetworkSimulation::isHomeostatThreshold(uint32_t population, ir::VarId v) const {
  for (const ir::Homeostasis &h : net_.homeostats)
    if (h.population == population && h.threshold == v)
      return true;
  return false;
}

bool NetworkSimulation::setupHomeostats(PopulationRuntime &ps) {
  for (const ir::Homeostasis &h : net_.homeostats) {
    if (h.population != ps.index || h.threshold == ir::kNoVar)
      continue;
    HomeostatRuntime r;
    r.decl = &h;
    r.population = ps.index;
    r.slot = ps.exec->slotOf(h.threshold);
    r.config.thetaMin = h.thetaMin;
    r.config.thetaMax = h.thetaMax;
    r.config.mode = h.plain ? hw::HomeostatMode::Plain : hw::HomeostatMode::Accumulator;
    std::string error;
    if (!hw::computeHomeostatConstants(h.targetHz, h.tauS, dt_, h.window, r.config, error))
      return fail(h.loc, "homeostasis for '" + ps.pop->name + "': " + error);
    const ir::Type &t = ps.model->variables[h.threshold].type;
    r.neurons.resize(ps.n);
    for (uint64_t i = 0; i < ps.n; ++i) {
      // The initial threshold, rounded to Q8.8 and clipped to the bounds.
      double v = eval::ModelExecutor::asDouble(t, ps.cell(r.slot, i));
      int64_t theta = int64_t(std::nearbyint(std::clamp(v * 256.0, -1e15, 1e15)));
      r.neurons[i] = hw::homeostatInit(r.config, theta);
      NeuronFrame f = ps.frame(i, 0, dt_);
      ps.exec->store(h.threshold, double(hw::thetaOf(r.neurons[i].acc)) / 256.0, f);
    }
    // One controller per population (sema): replace any from an earlier
    // initialise (reset).
    bool replaced = false;
    for (HomeostatRuntime &old : homeostats_)
      if (old.population == ps.index) {
        old = std::move(r);
        replaced = true;
        break;
      }
    if (!replaced)
      homeostats_.push_back(std::move(r));
  }
  return true;
}

void NetworkSimulation::stepHomeostats(uint64_t k) {
  for (HomeostatRuntime &r : homeostats_) {
    PopulationRuntime &ps = pops_[r.population];
    const bool windowEnd = (k + 1) % r.config.window == 0;
    const uint8_t *spiked = ps.spiked.data();
    for (uint64_t i = 0; i < ps.n; ++i) {
      hw::HomeostatNeuron &s = r.neurons[i];
      int64_t before = hw::thetaOf(s.acc);
      int64_t theta = hw::homeostatStep(r.config, s, spiked[i] != 0, windowEnd);
      if (theta != before) {
        NeuronFrame f = ps.frame(i, k, dt_);
        ps.exec->store(r.decl->threshold, double(theta) / 256.0, f);
      }
    }
  }
}

} // namespace nsc::network
