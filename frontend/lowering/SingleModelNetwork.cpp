//===- SingleModelNetwork.cpp - N copies of one model, as a network -------===//
#include "nsc/frontend/SingleModelNetwork.h"

#include "nsc/ir/Builder.h"
#include "nsc/support/Suggest.h"

namespace nsc {

using namespace ir;

namespace {

/// `value` given in `unit` (when `hasUnit`) as a value in `declared`; false
/// when the dimensions differ.
bool convertTo(double &value, const units::Unit &unit, bool hasUnit, const units::Unit &declared) {
  if (!hasUnit)
    return true;
  if (unit.dim != declared.dim)
    return false;
  value *= conversionFactor(unit, declared);
  return true;
}

std::vector<std::string> settableNames(const Model &m) {
  std::vector<std::string> out;
  for (const Variable &v : m.variables)
    if (v.role == VarRole::Parameter || v.role == VarRole::State)
      out.push_back(v.name);
  return out;
}

std::vector<std::string> portNames(const Model &m, PortKind kind) {
  std::vector<std::string> out;
  for (const Port &p : m.ports)
    if (p.kind == kind)
      out.push_back(p.name);
  return out;
}

class SingleModelLowerer {
public:
  SingleModelLowerer(Module &module, const SingleModelSetup &setup, DiagnosticEngine &diags)
      : module_(module), setup_(setup), diags_(diags) {}

  std::optional<uint32_t> lower() {
    auto mi = module_.findModel(setup_.model);
    if (!mi || module_.models[*mi]->kind != ModelKind::Neuron) {
      std::string names;
      std::vector<std::string> list;
      for (auto &m : module_.models)
        if (m->kind == ModelKind::Neuron && m->specializationOf.empty()) {
          names += (names.empty() ? "'" : ", '") + m->name + "'";
          list.push_back(m->name);
        }
      return fail("no neuron model named '" + setup_.model + "'" + didYouMean(setup_.model, list) + " (models: " +
                  names + ")");
    }
    modelIndex_ = *mi;
    const Model &m = model();
    net_ = std::make_unique<Network>();
    net_->name = "single_" + m.name;
    net_->singleModel = true;
    net_->semantics = m.semantics;
    net_->loc = m.loc;
    if (!addModelPopulation() || !addSpikeInputs())
      return std::nullopt;
    module_.networks.push_back(std::move(net_));
    return uint32_t(module_.networks.size() - 1);
  }

private:
  const Model &model() const { return *module_.models[modelIndex_]; }

  std::optional<uint32_t> fail(const std::string &message) {
    diags_.error(SourceRange{}, message);
    return std::nullopt;
  }

  bool addModelPopulation() {
    const Model &m = model();
    Population pop;
    pop.name = m.name;
    pop.model = modelIndex_;
    pop.modelName = m.name;
    pop.size = setup_.n;
    pop.semantics = m.semantics;
    pop.loc = m.loc;
    for (const SingleModelSetup::Param &p : setup_.params) {
      auto v = m.findVariable(p.name);
      if (!v || (m.variables[*v].role != VarRole::Parameter && m.variables[*v].role != VarRole::State))
        return bool(fail("--param: model '" + m.name + "' has no parameter or state variable '" + p.name + "'" +
                         didYouMean(p.name, settableNames(m))));
      const Type &t = m.variables[*v].type;
      double value = p.value;
      if (!convertTo(value, p.unit, p.hasUnit, t.unit))
        return bool(fail("--param " + p.name + ": the value's unit does not match '" + units::formatUnit(t.unit) +
                         "'"));
      pop.inits.push_back({p.name, *v, builder_.real(value, t.unit), SourceRange{}});
    }
    for (const SingleModelSetup::CurrentInput &ci : setup_.currentInputs) {
      auto port = m.findPort(ci.port);
      if (!port || m.ports[*port].kind != PortKind::Continuous)
        return bool(fail("--current-input: model '" + m.name + "' has no continuous input port '" + ci.port + "'" +
                         didYouMean(ci.port, portNames(m, PortKind::Continuous))));
      double value = ci.value;
      const units::Unit &pu = m.ports[*port].type.unit;
      if (!convertTo(value, ci.unit, ci.hasUnit, pu))
        return bool(fail("--current-input " + ci.port + ": the value's unit does not match the port's '" +
                         units::formatUnit(pu) + "'"));
      pop.constantInputs.push_back({*port, ci.port, value});
    }
    net_->populations.push_back(std::move(pop));
    return true;
  }

  /// One spike_generator per input, projecting one-to-all with delay 1.
  bool addSpikeInputs() {
    const Model &m = model();
    for (const SingleModelSetup::SpikeInput &in : setup_.spikeInputs) {
      auto port = m.findPort(in.port);
      if (!port || m.ports[*port].kind != PortKind::Spike)
        return bool(fail("--spike-input: model '" + m.name + "' has no spike input port '" + in.port + "'" +
                         didYouMean(in.port, portNames(m, PortKind::Spike))));
      double w = in.weight;
      const units::Unit &pu = m.ports[*port].type.unit;
      if (!convertTo(w, in.weightUnit, in.hasUnit, pu))
        return bool(fail("--spike-input " + in.port + ": the weight's unit does not match the port's '" +
                         units::formatUnit(pu) + "'"));
      Population gen;
      gen.name = "spike_input_" + in.port;
      gen.kind = PopulationKind::SpikeGenerator;
      gen.size = 1;
      gen.loc = m.loc;
      std::vector<ExprPtr> times;
      for (double t : in.timesMs)
        times.push_back(builder_.real(t, msUnit()));
      gen.inits.push_back({"times", kNoVar, builder_.list(Type::real(msUnit()), std::move(times)), SourceRange{}});
      net_->populations.push_back(std::move(gen));
      Projection pr;
      pr.source = {uint32_t(net_->populations.size() - 1), 0, 1};
      pr.target = {0, 0, setup_.n};
      pr.port = *port;
      pr.portName = in.port;
      pr.weight = builder_.real(w);
      pr.delaySteps = 1;
      pr.loc = m.loc;
      net_->projections.push_back(std::move(pr));
    }
    return true;
  }

  Module &module_;
  const SingleModelSetup &setup_;
  DiagnosticEngine &diags_;
  uint32_t modelIndex_ = 0;
  std::unique_ptr<Network> net_;
  Builder builder_;
};

} // namespace

std::optional<uint32_t> addSingleModelNetwork(Module &module, const SingleModelSetup &setup, DiagnosticEngine &diags) {
  return SingleModelLowerer(module, setup, diags).lower();
}

} // namespace nsc
