//===- Access.cpp - Values by name, reset ---------------------------------===//
#include "Engine.h"

#include "nsc/support/Suggest.h"

#include <cmath>

namespace nsc::network {

using namespace ir;

std::optional<uint32_t> NetworkSimulation::population(const std::string &name) const {
  for (const PopulationRuntime &ps : pops_)
    if (ps.pop->name == name)
      return ps.index;
  return std::nullopt;
}

namespace {
const Variable *findReadable(const Model &m, const std::string &name, std::string &error) {
  auto v = m.findVariable(name);
  if (!v) {
    std::vector<std::string> names;
    for (const Variable &v : m.variables)
      if (v.role != VarRole::Local && v.role != VarRole::Argument)
        names.push_back(v.name);
    error = "model '" + m.name + "' has no variable '" + name + "'" + didYouMean(name, names);
    return nullptr;
  }
  const Variable &var = m.variables[*v];
  if (var.role == VarRole::Local || var.role == VarRole::Argument) {
    error = "'" + name + "' is a local variable of model '" + m.name + "'";
    return nullptr;
  }
  if (var.vectorSize) {
    error = "'" + name + "' is a vector variable; read its elements by name is not supported";
    return nullptr;
  }
  return &var;
}
} // namespace

bool NetworkSimulation::getValues(uint32_t p, const std::string &variable, std::vector<double> &out,
                                  std::string &error) const {
  if (!localOnly("reading values", error))
    return false;
  if (p >= pops_.size() || !pops_[p].isModel()) {
    error = "no model population with index " + std::to_string(p);
    return false;
  }
  const PopulationRuntime &ps = pops_[p];
  const Variable *var = findReadable(*ps.model, variable, error);
  if (!var)
    return false;
  out.resize(ps.n);
  const Value *col = ps.state.data() + size_t(ps.exec->slotOf(var->id)) * ps.n;
  for (uint64_t i = 0; i < ps.n; ++i)
    out[i] = ModelExecutor::asDouble(var->type, col[i]);
  return true;
}

bool NetworkSimulation::setValues(uint32_t p, const std::string &variable, const std::vector<double> &values,
                                  std::string &error) {
  if (!localOnly("setting values", error))
    return false;
  if (p >= pops_.size() || !pops_[p].isModel()) {
    error = "no model population with index " + std::to_string(p);
    return false;
  }
  PopulationRuntime &ps = pops_[p];
  const Variable *var = findReadable(*ps.model, variable, error);
  if (!var)
    return false;
  if (values.size() != 1 && values.size() != ps.n) {
    error = "expected 1 or " + std::to_string(ps.n) + " values for '" + variable + "', got " +
            std::to_string(values.size());
    return false;
  }
  for (double v : values)
    if (std::isnan(v)) {
      error = "NaN given for '" + variable + "'";
      return false;
    }
  // Guards (Guards.cpp) are checked on the new values, and on the internals
  // recomputed from them; a violation restores this copy and refuses.
  std::vector<Value> before = ps.state;
  auto refuseOnGuard = [&]() {
    auto g = findGuardViolation(ps, step_, false);
    if (!g)
      return false;
    ps.state = std::move(before);
    error = "set '" + variable + "' refused: " + g->message;
    return true;
  };
  for (uint64_t i = 0; i < ps.n; ++i) {
    NeuronFrame f = ps.frame(i, step_, dt_);
    ps.exec->store(var->id, values.size() == 1 ? values[0] : values[i], f);
  }
  if (var->role != VarRole::Parameter) {
    if (refuseOnGuard())
      return false;
    return var->role != VarRole::Internal || bindKernel(ps);
  }
  // A parameter change recalibrates: internals are computed again from
  // their definitions, then `prepare` (propagators).
  const Model &m = *ps.model;
  std::vector<VarId> order = m.initOrder;
  if (order.empty())
    for (const Variable &v : m.variables)
      order.push_back(v.id);
  for (uint64_t i = 0; i < ps.n; ++i) {
    NeuronFrame f = ps.frame(i, step_, dt_);
    for (VarId v : order) {
      const Variable &iv = m.variables[v];
      if (iv.role == VarRole::Internal && iv.init && !iv.vectorSize)
        f.cell(ps.exec->slotOf(v)) = ps.exec->evalAs(*iv.init, iv.type, f);
    }
  }
  if (refuseOnGuard())
    return false;
  overrides_.emplace_back(p, var->id, values);
  if (!runPrepare(ps)) {
    error = "recomputing the model's propagators failed";
    return false;
  }
  if (!bindKernel(ps)) {
    error = "no kernel for the changed parameters (see the diagnostics)";
    return false;
  }
  return true;
}

bool NetworkSimulation::reset(bool keepParameters) {
  step_ = 0;
  for (PopulationRuntime &ps : pops_) {
    std::fill(ps.ringSum.begin(), ps.ringSum.end(), 0.0);
    std::fill(ps.ringCount.begin(), ps.ringCount.end(), 0);
    ps.spikeTotal = 0;
    ps.fired.clear();
    ps.multiplicity.clear();
  }
  recordersFor_ = nullptr;
  warnings_.clear();
  if (!keepParameters)
    overrides_.clear();
  // Plastic synapses start again from their initial values (R24).
  for (ProjectionRuntime &pj : projs_)
    if (pj.plastic) {
      std::string error;
      if (!pj.plastic->reset(error))
        return fail(pj.proj->loc, error);
    }
  return initialise(keepParameters);
}

std::optional<uint32_t> NetworkSimulation::projection(const std::string &name) const {
  for (const ProjectionRuntime &pj : projs_)
    if (!name.empty() && pj.proj->name == name)
      return pj.index;
  return std::nullopt;
}

bool NetworkSimulation::getSynapseValues(uint32_t q, const std::string &variable, SynapseValues &out,
                                         std::string &error) const {
  if (q >= projs_.size() || !projs_[q].plastic) {
    error = "no plastic projection with index " + std::to_string(q);
    return false;
  }
  return projs_[q].plastic->values(step_, variable, out, error);
}

std::string NetworkSimulation::synapseWeightVariable(uint32_t q) const {
  return q < projs_.size() && projs_[q].plastic ? projs_[q].plastic->weightVariable() : std::string();
}

bool NetworkSimulation::injectSpikes(uint32_t p, const std::string &port, const std::vector<uint64_t> &indices,
                                     const std::vector<double> &weights, uint32_t delaySteps, std::string &error) {
  if (!localOnly("injecting spikes", error))
    return false;
  if (p >= pops_.size() || !pops_[p].isModel()) {
    error = "no model population with index " + std::to_string(p);
    return false;
  }
  PopulationRuntime &ps = pops_[p];
  const Model &m = *ps.model;
  std::optional<uint32_t> pi = m.findPort(port);
  if (!pi || m.ports[*pi].kind != PortKind::Spike || m.ports[*pi].vectorSize) {
    std::string names;
    for (const Port &q : m.ports)
      if (q.kind == PortKind::Spike && !q.vectorSize)
        names += (names.empty() ? "'" : ", '") + q.name + "'";
    error = "model '" + m.name + "' of population '" + ps.pop->name + "' has no scalar spike input port '" + port +
            "' (spike ports: " + (names.empty() ? "none" : names) + ")";
    return false;
  }
  if (weights.size() != 1 && weights.size() != indices.size()) {
    error = "give one weight, or one per injected spike (" + std::to_string(indices.size()) + "), not " +
            std::to_string(weights.size());
    return false;
  }
  for (uint64_t i : indices)
    if (i >= ps.n) {
      error = "neuron " + std::to_string(i) + " is out of range for population '" + ps.pop->name + "' of " +
              std::to_string(ps.n);
      return false;
    }
  // The ring holds D slots: step step_ + d for d < D.
  if (delaySteps >= ps.D) {
    error = "a delay of " + std::to_string(delaySteps) + " steps does not fit population '" + ps.pop->name +
            "''s delay buffer (at most " + std::to_string(ps.D - 1) + " steps)";
    return false;
  }
  const size_t base = (size_t((step_ + delaySteps) % ps.D) * ps.ports + ps.exec->portSlot(*pi)) * ps.n;
  for (size_t e = 0; e < indices.size(); ++e) {
    ps.ringSum[base + indices[e]] += weights.size() == 1 ? weights[0] : weights[e];
    ps.ringCount[base + indices[e]] += 1;
  }
  return true;
}

} // namespace nsc::network
