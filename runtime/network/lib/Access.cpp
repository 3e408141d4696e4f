//===- Access.cpp - Values by name, reset ---------------------------------===//
#include "Engine.h"

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
    error = "model '" + m.name + "' has no variable '" + name + "'";
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
  for (uint64_t i = 0; i < ps.n; ++i) {
    NeuronFrame f = ps.frame(i, step_, dt_);
    ps.exec->store(var->id, values.size() == 1 ? values[0] : values[i], f);
  }
  if (var->role != VarRole::Parameter)
    return var->role != VarRole::Internal || bindKernel(ps);
  overrides_.emplace_back(p, var->id, values);
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

} // namespace nsc::network
