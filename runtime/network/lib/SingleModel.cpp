//===- SingleModel.cpp - Building simulations: networks and single models -===//
//
// forModel turns `nsc FILE --model NAME --n N --spike-input ... --param ...`
// into a one-population network with spike generators, so that a single
// model runs through exactly the same engine as a network.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include "nsc/ir/Builder.h"

namespace nsc::network {

using namespace ir;

std::unique_ptr<Simulation> Simulation::forNetwork(const Module &module, uint32_t networkIndex,
                                                   const BuildOptions &options, DiagnosticEngine &diags) {
  auto sim = std::make_unique<NetworkSimulation>(module, *module.networks.at(networkIndex), options, diags);
  if (!sim->build())
    return nullptr;
  return sim;
}

std::unique_ptr<Simulation> Simulation::forModel(Module &module, const SingleModelSetup &setup,
                                                 double dtMs, uint64_t seed, const BuildOptions &options,
                                                 DiagnosticEngine &diags) {
  SourceRange none;
  auto mi = module.findModel(setup.model);
  if (!mi) {
    std::string names;
    for (auto &m : module.models)
      if (m->kind == ModelKind::Neuron && m->specializationOf.empty())
        names += (names.empty() ? "'" : ", '") + m->name + "'";
    diags.error(none, "no neuron model named '" + setup.model + "' (models: " + names + ")");
    return nullptr;
  }
  const Model &m = *module.models[*mi];
  auto net = std::make_unique<Network>();
  net->name = "single_" + m.name;
  net->semantics = m.semantics;
  net->semantics.dtMs = dtMs;
  net->semantics.seed = seed;
  net->loc = m.loc;
  Population pop;
  pop.name = m.name;
  pop.model = *mi;
  pop.modelName = m.name;
  pop.size = setup.n;
  pop.semantics = m.semantics;
  pop.loc = m.loc;
  Builder b;
  for (const SingleModelSetup::Param &p : setup.params) {
    auto v = m.findVariable(p.name);
    if (!v || (m.variables[*v].role != VarRole::Parameter && m.variables[*v].role != VarRole::State)) {
      diags.error(none, "--param: model '" + m.name + "' has no parameter or state variable '" + p.name + "'");
      return nullptr;
    }
    const Type &t = m.variables[*v].type;
    double value = p.value;
    if (p.hasUnit) {
      if (p.unit.dim != t.unit.dim) {
        diags.error(none, "--param " + p.name + ": the value's unit does not match '" +
                              units::formatUnit(t.unit) + "'");
        return nullptr;
      }
      value *= conversionFactor(p.unit, t.unit);
    }
    pop.inits.push_back({p.name, *v, b.real(value, t.unit), none});
  }
  net->populations.push_back(std::move(pop));
  for (const SingleModelSetup::SpikeInput &in : setup.spikeInputs) {
    auto port = m.findPort(in.port);
    if (!port || m.ports[*port].kind != PortKind::Spike) {
      diags.error(none, "--spike-input: model '" + m.name + "' has no spike input port '" + in.port + "'");
      return nullptr;
    }
    Population gen;
    gen.name = "spike_input_" + in.port;
    gen.kind = PopulationKind::SpikeGenerator;
    gen.size = 1;
    gen.loc = m.loc;
    std::vector<ExprPtr> times;
    for (double t : in.timesMs)
      times.push_back(b.real(t, msUnit()));
    gen.inits.push_back({"times", kNoVar, b.list(Type::real(msUnit()), std::move(times)), none});
    net->populations.push_back(std::move(gen));
    Projection pr;
    pr.source = {uint32_t(net->populations.size() - 1), 0, 1};
    pr.target = {0, 0, setup.n};
    pr.port = *port;
    pr.portName = in.port;
    double w = in.weight;
    if (in.hasUnit) {
      const units::Unit &pu = m.ports[*port].type.unit;
      if (in.weightUnit.dim != pu.dim) {
        diags.error(none, "--spike-input " + in.port + ": the weight's unit does not match the port's '" +
                              units::formatUnit(pu) + "'");
        return nullptr;
      }
      w *= conversionFactor(in.weightUnit, pu);
    }
    pr.weight = b.real(w);
    pr.delaySteps = 1;
    pr.loc = m.loc;
    net->projections.push_back(std::move(pr));
  }
  module.networks.push_back(std::move(net));
  const Network &added = *module.networks.back();
  auto sim = std::make_unique<NetworkSimulation>(module, added, options, diags);
  for (const SingleModelSetup::CurrentInput &ci : setup.currentInputs) {
    auto port = m.findPort(ci.port);
    if (!port || m.ports[*port].kind != PortKind::Continuous) {
      diags.error(none, "--current-input: model '" + m.name + "' has no continuous input port '" + ci.port + "'");
      return nullptr;
    }
    double v = ci.value;
    if (ci.hasUnit) {
      const units::Unit &pu = m.ports[*port].type.unit;
      if (ci.unit.dim != pu.dim) {
        diags.error(none, "--current-input " + ci.port + ": the value's unit does not match the port's '" +
                              units::formatUnit(pu) + "'");
        return nullptr;
      }
      v *= conversionFactor(ci.unit, pu);
    }
    sim->constantInputs.push_back({ci.port, v});
  }
  if (!sim->build())
    return nullptr;
  return sim;
}

} // namespace nsc::network
