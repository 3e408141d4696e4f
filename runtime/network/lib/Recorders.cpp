//===- Recorders.cpp - --trace and the network's `record` statements ------===//
//
// Samples are taken after step k (labelled t_{k+1}, R22). Variables are
// read from their columns; recordable inline expressions are evaluated by
// the interpreter on the neuron's state, whichever kernel runs the model.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

namespace nsc::network {

using namespace ir;

bool NetworkSimulation::setupTraces(const std::vector<std::string> &variables, RunResult &res) {
  if (recordersFor_ == &res && (variables.empty() || variables == res.traces.variables))
    return true;
  recordersFor_ = &res;
  traces_.clear();
  res.spikes.dtMs = dt_;
  res.spikes.populations.clear();
  for (PopulationRuntime &ps : pops_)
    res.spikes.populations.push_back(ps.pop->name);
  auto resolve = [&](PopulationRuntime &ps, const std::string &name, TraceItem &item) {
    const Model &m = *ps.model;
    if (auto v = m.findVariable(name)) {
      item.var = *v;
      return true;
    }
    if (auto in = m.findInline(name)) {
      item.inlineId = *in;
      return true;
    }
    return false;
  };
  res.traces.dtMs = dt_;
  res.traces.variables = variables;
  res.traces.populations.clear();
  for (PopulationRuntime &ps : pops_)
    res.traces.populations.push_back(ps.pop->name);
  if (!variables.empty()) {
    bool any = false;
    for (PopulationRuntime &ps : pops_) {
      if (!ps.isModel())
        continue;
      TraceSpec spec{ps.index, 0, ps.n, 1, {}, &res.traces};
      bool all = true;
      for (const std::string &name : variables) {
        TraceItem it;
        all = all && resolve(ps, name, it);
        spec.items.push_back(it);
      }
      if (all) {
        traces_.push_back(std::move(spec));
        any = true;
      }
    }
    if (!any) {
      std::string names;
      for (const std::string &n : variables)
        names += (names.empty() ? "'" : ", '") + n + "'";
      return fail(net_.loc, "--trace: no model population has " + names);
    }
  }
  // The network's own recorders of state.
  res.recorded.clear();
  res.recorded.reserve(net_.recorders.size());
  for (const Recorder &r : net_.recorders) {
    bool any = false;
    for (const RecordItem &it : r.what)
      any = any || it.kind != RecordItem::Kind::Spikes;
    if (!any)
      continue;
    runtime::TraceRecording tr;
    tr.dtMs = dt_;
    for (PopulationRuntime &ps : pops_)
      tr.populations.push_back(ps.pop->name);
    for (const RecordItem &it : r.what)
      if (it.kind != RecordItem::Kind::Spikes)
        tr.variables.push_back(it.name);
    res.recorded.push_back({r.label, std::move(tr)});
    TraceSpec spec{r.target.population, r.target.begin, r.target.end, std::max<uint64_t>(1, r.intervalSteps),
                   {}, &res.recorded.back().second};
    for (const RecordItem &it : r.what) {
      if (it.kind == RecordItem::Kind::Spikes)
        continue;
      TraceItem ti;
      if (it.kind == RecordItem::Kind::Variable)
        ti.var = it.id;
      else
        ti.inlineId = it.id;
      spec.items.push_back(ti);
    }
    traces_.push_back(std::move(spec));
  }
  markTracedInputs();
  return true;
}

void NetworkSimulation::markTracedInputs() {
  for (PopulationRuntime &ps : pops_)
    ps.inputsTraced = false;
  for (const TraceSpec &t : traces_)
    for (const TraceItem &it : t.items)
      if (it.var == kNoVar)
        pops_[t.population].inputsTraced = true;
}

void NetworkSimulation::sampleTraces(uint64_t k) {
  for (TraceSpec &t : traces_) {
    if ((k + 1) % t.every)
      continue;
    PopulationRuntime &ps = pops_[t.population];
    std::vector<double> vals(t.items.size());
    for (uint64_t i = t.begin; i < t.end; ++i) {
      NeuronFrame f = ps.frame(i, k + 1, dt_);
      for (size_t q = 0; q < t.items.size(); ++q) {
        const TraceItem &it = t.items[q];
        if (it.var != kNoVar) {
          const Variable &v = ps.model->variables[it.var];
          Value val = f.cell(ps.exec->slotOf(it.var));
          vals[q] = ModelExecutor::asDouble(v.type, val);
        } else {
          vals[q] = ps.exec->evalReal(*ps.model->odes.inlines[it.inlineId].rhs, f);
        }
      }
      t.out->addRow(k, t.population, i, vals.data());
    }
  }
}

} // namespace nsc::network
