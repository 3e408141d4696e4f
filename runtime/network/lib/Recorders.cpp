//===- Recorders.cpp - --trace and the network's `record` statements ------===//
//
// Samples are taken after step k (labelled t_{k+1}, R22). Variables are
// read from their columns; recordable inline expressions are evaluated by
// the interpreter on the neuron's state, whichever kernel runs the model.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include "nsc/network/TraceSelection.h"

namespace nsc::network {

using namespace ir;

bool NetworkSimulation::setupTraces(const std::vector<std::string> &variables, RunResult &res, uint64_t every) {
  if (recordersFor_ == &res && (variables.empty() || (variables == traceEntries_ && every == traceEvery_)))
    return true;
  recordersFor_ = &res;
  traces_.clear();
  res.spikes.dtMs = dt_;
  res.spikes.populations.clear();
  for (PopulationRuntime &ps : pops_)
    res.spikes.populations.push_back(ps.pop->name);
  if (!setupTraceSelection(variables, every, res))
    return false;
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
  setupSynapseRecorders(res);
  markTracedInputs();
  return true;
}

bool NetworkSimulation::setupTraceSelection(const std::vector<std::string> &entries, uint64_t every,
                                            RunResult &res) {
  traceEntries_ = entries;
  traceEvery_ = every;
  TraceSelection sel;
  std::string error;
  if (!parseTraceSelection(entries, sel, error))
    return fail(net_.loc, error);
  const std::vector<std::string> &variables = sel.variables;
  res.traces.dtMs = dt_;
  res.traces.variables = variables;
  res.traces.populations.clear();
  for (PopulationRuntime &ps : pops_)
    res.traces.populations.push_back(ps.pop->name);
  if (variables.empty())
    return true;
  auto items = [&](PopulationRuntime &ps, TraceSpec &spec, std::string *missing) {
    const Model &m = *ps.model;
    for (const std::string &name : variables) {
      TraceItem it;
      if (auto v = m.findVariable(name))
        it.var = *v;
      else if (auto in = m.findInline(name))
        it.inlineId = *in;
      else {
        if (missing)
          *missing = name;
        return false;
      }
      spec.items.push_back(it);
    }
    return true;
  };
  std::string names;
  for (const std::string &n : variables)
    names += (names.empty() ? "'" : ", '") + n + "'";
  if (sel.neurons.empty()) {
    for (PopulationRuntime &ps : pops_) {
      if (!ps.isModel())
        continue;
      TraceSpec spec{ps.index, 0, ps.n, every, {}, &res.traces};
      if (items(ps, spec, nullptr))
        traces_.push_back(std::move(spec));
    }
    if (traces_.empty())
      return fail(net_.loc, "--trace: no model population has " + names);
    return true;
  }
  for (const TraceSelection::Neurons &n : sel.neurons) {
    std::optional<uint32_t> p = population(n.population);
    if (!p) {
      std::string known;
      for (PopulationRuntime &ps : pops_)
        if (ps.isModel())
          known += (known.empty() ? "" : ", ") + ps.pop->name;
      return fail(net_.loc, "--trace: no population '" + n.population + "' (model populations: " + known + ")");
    }
    PopulationRuntime &ps = pops_[*p];
    if (!ps.isModel())
      return fail(net_.loc, "--trace: '" + n.population + "' is a stimulus source; it has no variables (record "
                                                           "its spikes with --spikes or `record spikes from " +
                                n.population + "`)");
    TraceSpec spec{ps.index, 0, ps.n, every, {}, &res.traces};
    if (!resolveTraceNeurons(n, ps.n, spec.begin, spec.end, error))
      return fail(net_.loc, error);
    std::string missing;
    if (!items(ps, spec, &missing))
      return fail(net_.loc, "--trace: model '" + ps.model->name + "' of population '" + n.population +
                                "' has no variable or recordable inline '" + missing + "'");
    traces_.push_back(std::move(spec));
  }
  return true;
}

void NetworkSimulation::setupSynapseRecorders(RunResult &res) {
  synapseTraces_.clear();
  res.synapsesRecorded.clear();
  res.synapsesRecorded.reserve(net_.synapseRecorders.size());
  for (const SynapseRecorder &r : net_.synapseRecorders) {
    const Projection &pr = net_.projections[r.projection];
    runtime::SynapseRecording sr;
    sr.dtMs = dt_;
    sr.projection = pr.name;
    sr.sourcePopulation = net_.populations[pr.source.population].name;
    sr.targetPopulation = net_.populations[pr.target.population].name;
    sr.variables = r.variables;
    res.synapsesRecorded.push_back({r.label, std::move(sr)});
    synapseTraces_.push_back({&r, &res.synapsesRecorded.back().second});
  }
}

bool NetworkSimulation::sampleSynapses(uint64_t k) {
  std::vector<SynapseValues> columns;
  std::vector<double> row;
  for (SynapseTrace &t : synapseTraces_) {
    const SynapseRecorder &r = *t.decl;
    if ((k + 1) % std::max<uint64_t>(1, r.intervalSteps))
      continue;
    const ProjectionRuntime &pj = projs_[r.projection];
    if (!pj.plastic)
      return fail(r.loc, "recorder '" + r.label + "': projection '" + pj.proj->name + "' has no plastic synapses");
    columns.assign(r.variables.size(), SynapseValues{});
    for (size_t v = 0; v < r.variables.size(); ++v) {
      std::string error;
      if (!pj.plastic->values(k + 1, r.variables[v], columns[v], error))
        return fail(r.loc, "recorder '" + r.label + "': " + error);
    }
    row.resize(r.variables.size());
    const SynapseValues &first = columns[0];
    for (size_t s = 0; s < first.value.size(); ++s) {
      if (first.target[s] < r.targetBegin || first.target[s] >= r.targetEnd)
        continue;
      for (size_t v = 0; v < columns.size(); ++v)
        row[v] = columns[v].value[s];
      t.out->addRow(k, first.source[s], first.target[s], row.data());
    }
  }
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

bool NetworkSimulation::sampleTraces(uint64_t k) {
  for (TraceSpec &t : traces_) {
    if ((k + 1) % t.every)
      continue;
    PopulationRuntime &ps = pops_[t.population];
    std::vector<double> vals(t.items.size());
    // This rank's neurons only; distributed, each row remembers its spec
    // so that gatherTraces can restore one process's row order.
    const uint64_t begin = std::max(t.begin, ps.lo), end = std::min(t.end, ps.hi);
    if (distributed() && begin < end)
      traceRowSpec_[t.out].insert(traceRowSpec_[t.out].end(), end - begin, uint32_t(&t - traces_.data()));
    for (uint64_t i = begin; i < end; ++i) {
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
  return synapseTraces_.empty() || sampleSynapses(k);
}

} // namespace nsc::network
