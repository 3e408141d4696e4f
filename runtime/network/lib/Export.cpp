//===- Export.cpp - The built network as plain data -----------------------===//
//
// Simulation::exportNetwork: what a backend that runs the network elsewhere
// (the cuda target) needs to start from exactly the state this runtime
// would start from — cells after initial values and `prepare`, synapses in
// CSR by source in the reference order (R17), source schedules.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include <cstring>

namespace nsc::network {

bool NetworkSimulation::exportNetwork(ExportedNetwork &out, std::string &error) const {
  if (!localOnly("exporting the network (other targets)", error))
    return false;
  out = ExportedNetwork{};
  out.dtMs = dt_;
  // The exported format carries the sources of issue 1 only; a newer one
  // is refused by name rather than run as something else.
  for (const ProjectionRuntime &pj : projs_)
    if (pj.coupling != ir::Coupling::None) {
      error = std::string(pj.coupling == ir::Coupling::GapJunction ? "gap junction" : "variable projection") +
              " '" + pops_[pj.src].pop->name + " -> " + pops_[pj.tgt].pop->name +
              "' cannot be exported to this target (it runs on --target=cpu and --target=interp)";
      return false;
    }
  for (const PopulationRuntime &ps : pops_) {
    using K = ir::PopulationKind;
    K kind = ps.pop->kind;
    bool known = kind == K::Model || kind == K::PoissonGenerator || kind == K::DcGenerator ||
                 kind == K::StepCurrentGenerator || (kind == K::SpikeGenerator && ps.eventStep.empty());
    if (!known) {
      error = std::string(ir::populationKindName(kind)) + " '" + ps.pop->name + "'" +
              (kind == K::SpikeGenerator ? " with per-neuron times" : "") +
              " cannot be exported to this target (it runs on --target=cpu and --target=interp)";
      return false;
    }
  }
  for (const PopulationRuntime &ps : pops_) {
    ExportedPopulation e;
    e.kind = uint32_t(ps.pop->kind);
    e.n = ps.n;
    e.ringSlots = ps.D;
    e.portSlots = ps.ports;
    e.rowSize = ps.rowSize;
    if (ps.isModel()) {
      e.cells.resize(size_t(ps.rowSize) * ps.n);
      if (!e.cells.empty())
        std::memcpy(e.cells.data(), ps.state.data(), e.cells.size() * sizeof(uint64_t));
      e.constantInput = ps.constantInput;
      e.rngKey[0] = ps.neuronRngKey[0];
      e.rngKey[1] = ps.neuronRngKey[1];
    }
    if (ps.pop->kind == ir::PopulationKind::PoissonGenerator) {
      e.rngKey[0] = ps.poissonKey[0];
      e.rngKey[1] = ps.poissonKey[1];
    }
    e.rateHz = ps.rateHz;
    e.amplitude = ps.amplitude;
    e.startStep = ps.startStep;
    e.stopStep = ps.stopStep;
    e.emitStep = ps.schedule.emitStep;
    e.multiplicity = ps.schedule.multiplicity;
    e.currentSteps = ps.currentSteps;
    e.currentValues = ps.currentValues;
    out.populations.push_back(std::move(e));
  }
  for (const ProjectionRuntime &pj : projs_) {
    ExportedProjection e;
    e.source = pj.src;
    e.target = pj.tgt;
    e.continuous = pj.continuous;
    e.plastic = pj.plastic != nullptr;
    e.basePort = pj.basePort;
    e.negativePort = pj.negativePort;
    if (!e.plastic) {
      const CompactSynapses &syn = pj.synapses;
      uint64_t sources = pops_[pj.src].n;
      e.rowBegin.resize(sources + 1);
      for (uint64_t s = 0; s < sources; ++s)
        e.rowBegin[s] = syn.rowBegin(s);
      e.rowBegin[sources] = sources ? syn.rowEnd(sources - 1) : 0;
      e.targets.resize(syn.size());
      e.weights.resize(syn.size());
      e.delays.resize(syn.size());
      for (uint64_t at = 0; at < syn.size(); ++at) {
        e.targets[at] = syn.target(at);
        e.weights[at] = syn.weight(at);
        e.delays[at] = syn.delay(at);
      }
    }
    out.projections.push_back(std::move(e));
  }
  (void)error;
  return true;
}

} // namespace nsc::network
