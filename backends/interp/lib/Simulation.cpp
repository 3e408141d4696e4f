//===- Simulation.cpp - Networks in the reference interpreter -------------===//
//
// One step follows docs/semantics.md §2: per model population and neuron,
// delivery (ring buffer slot k mod D, R5/R15), update (R6), on_receive by
// priority (R8), on_condition (R11); then sources emit (R20, R21), spikes
// are delivered in (projection, source neuron, synapse) order into the
// targets' ring buffers (R17), and recorders sample (R22).
//
//===----------------------------------------------------------------------===//
#include "nsc/interp/Interpreter.h"

#include "ModelExecutor.h"
#include "NetworkValue.h"
#include "nsc/ir/Builder.h"
#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/Schedule.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>

namespace nsc::interp {

using namespace ir;

namespace {

struct PopState {
  const Population *pop = nullptr;
  uint32_t index = 0;
  uint64_t n = 0;
  // Model populations.
  std::unique_ptr<ModelExecutor> exec;
  std::vector<Value> rows;
  std::vector<double> portValue;   // n * portSlots, this step
  std::vector<uint32_t> portCount; // n * portSlots, this step
  std::vector<double> constantInput; // portSlots: --current-input
  unsigned D = 2;                  // ring buffer slots
  std::vector<double> ringSum;     // (neuron * portSlots + slot) * D + k mod D
  std::vector<uint32_t> ringCount;
  std::vector<unsigned> handlerOrder;
  std::vector<VarId> realStates;   // checked for NaN/inf after every step
  runtime::PhiloxKey neuronRngKey{};
  // Sources.
  double rateHz = 0, amplitude = 0;
  int64_t startStep = 0, stopStep = INT64_MAX;
  runtime::SpikeSchedule schedule;
  std::vector<int64_t> currentSteps;
  std::vector<double> currentValues;
  runtime::PhiloxKey poissonKey{};
  // This step's spikes: multiplicity per neuron (0 = none).
  std::vector<uint32_t> spikes;
  uint64_t spikeTotal = 0;
  bool isModel() const { return pop->kind == PopulationKind::Model; }
  double currentAt(int64_t j) const {
    if (pop->kind == PopulationKind::DcGenerator)
      return j >= startStep && j < stopStep ? amplitude : 0.0;
    double v = 0;
    for (size_t q = 0; q < currentSteps.size() && currentSteps[q] <= j; ++q)
      v = currentValues[q];
    return v;
  }
};

struct ProjState {
  const Projection *proj = nullptr;
  uint32_t src = 0, tgt = 0;
  bool continuous = false;
  // Synapses grouped by source neuron (CSR), in the reference order.
  std::vector<uint64_t> offsets, target;
  std::vector<double> weight;
  std::vector<uint32_t> delay, slot;
};

class NetworkSimulation : public Simulation {
public:
  NetworkSimulation(const Module &m, const Network &net, DiagnosticEngine &diags)
      : mod_(m), net_(net), diags_(diags), dt_(net.semantics.dtMs) {}

  std::vector<std::pair<std::string, double>> constantInputs; // port name -> value (forModel)

  bool build() {
    if (!(dt_ > 0)) {
      diags_.error(net_.loc, "the network's dt must be positive");
      return false;
    }
    for (uint32_t p = 0; p < net_.populations.size(); ++p)
      if (!buildPopulation(p))
        return false;
    for (uint32_t q = 0; q < net_.projections.size(); ++q)
      if (!buildProjection(q))
        return false;
    for (PopState &ps : pops_)
      if (ps.isModel()) {
        unsigned ports = ps.exec->portSlots();
        ps.ringSum.assign(size_t(ps.n) * ports * ps.D, 0.0);
        ps.ringCount.assign(size_t(ps.n) * ports * ps.D, 0);
      }
    return initialise();
  }

  bool run(const RunOptions &opt, RunResult &res) override {
    auto t0 = std::chrono::steady_clock::now();
    auto steps = runtime::timeToSteps(opt.durationMs, dt_);
    if (!steps || *steps < 0) {
      diags_.error(net_.loc, "the run duration must be a non-negative time");
      return false;
    }
    res.spikes.dtMs = dt_;
    for (PopState &ps : pops_)
      res.spikes.populations.push_back(ps.pop->name);
    if (!setupTraces(opt, res))
      return false;
    bool ok = true;
    for (uint64_t k = 0; k < uint64_t(*steps) && ok; ++k)
      ok = step(k, res, opt);
    res.steps = step_;
    for (PopState &ps : pops_) {
      res.populations.push_back({ps.pop->name, ps.n, ps.spikeTotal, !ps.isModel()});
      if (ps.isModel())
        res.neurons += ps.n;
      res.spikeCount += ps.spikeTotal;
    }
    for (ProjState &pj : projs_)
      res.synapses += pj.target.size();
    for (PopState &ps : pops_)
      if (ps.exec)
        for (auto &[w, count] : ps.exec->warnings())
          res.warnings.push_back({w, count});
    res.runMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return ok;
  }

private:
  bool fail(SourceRange at, std::string msg) {
    diags_.error(at, std::move(msg));
    return false;
  }

  bool buildPopulation(uint32_t p) {
    const Population &pop = net_.populations[p];
    PopState ps;
    ps.pop = &pop;
    ps.index = p;
    ps.n = pop.size;
    ps.spikes.assign(ps.n, 0);
    uint64_t seed = net_.semantics.seed;
    auto initNamed = [&](const std::string &name) -> const Expr * {
      for (const PopulationInit &i : pop.inits)
        if (i.name == name)
          return i.value.get();
      return nullptr;
    };
    auto steps = [&](const Expr *e, int64_t dflt) {
      if (!e)
        return dflt;
      double ms = NetworkValue::eval(*e, nullptr);
      if (std::isinf(ms) && ms > 0)
        return INT64_MAX;
      auto s = runtime::timeToSteps(ms, dt_);
      return s ? *s : dflt;
    };
    switch (pop.kind) {
    case PopulationKind::Model: {
      const Model &m = *mod_.models[pop.model];
      if (m.semantics.precision.kind == Precision::Fixed)
        return fail(pop.loc, "the interpreter does not run fixed-point models yet ('" + pop.name +
                                 "' uses " + m.semantics.precision.str() + ")");
      if (!m.odes.equations.empty() || !m.odes.kernels.empty())
        return fail(pop.loc, "model '" + m.name + "' still has ODEs: run the default pass pipeline first");
      ps.exec = std::make_unique<ModelExecutor>(m, dt_);
      ps.rows.assign(size_t(ps.n) * ps.exec->rowSize(), Value{});
      ps.portValue.assign(size_t(ps.n) * ps.exec->portSlots(), 0.0);
      ps.portCount.assign(size_t(ps.n) * ps.exec->portSlots(), 0);
      ps.constantInput.assign(ps.exec->portSlots(), 0.0);
      for (auto &[port, value] : constantInputs)
        if (auto pi = m.findPort(port))
          ps.constantInput[ps.exec->portSlot(*pi)] += value;
      for (const Variable &v : m.variables)
        if (v.role == VarRole::State && v.type.kind == TypeKind::Real)
          ps.realStates.push_back(v.id);
      for (unsigned h = 0; h < m.onReceive.size(); ++h)
        ps.handlerOrder.push_back(h);
      std::stable_sort(ps.handlerOrder.begin(), ps.handlerOrder.end(), [&](unsigned a, unsigned b) {
        return m.onReceive[a].priority > m.onReceive[b].priority;
      });
      ps.neuronRngKey = runtime::deriveStreamKey(seed, p, runtime::Stream::NeuronRandom);
      break;
    }
    case PopulationKind::PoissonGenerator:
      ps.rateHz = initNamed("rate") ? NetworkValue::eval(*initNamed("rate"), nullptr) : 0;
      ps.startStep = steps(initNamed("start"), 0);
      ps.stopStep = steps(initNamed("stop"), INT64_MAX);
      ps.poissonKey = runtime::deriveStreamKey(seed, p, runtime::Stream::PoissonSource);
      break;
    case PopulationKind::SpikeGenerator: {
      std::string err;
      std::vector<double> times = initNamed("times") ? NetworkValue::list(*initNamed("times")) : std::vector<double>{};
      if (!runtime::buildSpikeSchedule(times, dt_, ps.schedule, err))
        return fail(pop.loc, "spike_generator '" + pop.name + "': " + err);
      break;
    }
    case PopulationKind::DcGenerator:
      ps.amplitude = initNamed("amplitude") ? NetworkValue::eval(*initNamed("amplitude"), nullptr) : 0;
      ps.startStep = steps(initNamed("start"), 0);
      ps.stopStep = steps(initNamed("stop"), INT64_MAX);
      break;
    case PopulationKind::StepCurrentGenerator: {
      std::vector<double> times = initNamed("times") ? NetworkValue::list(*initNamed("times")) : std::vector<double>{};
      ps.currentValues = initNamed("amplitudes") ? NetworkValue::list(*initNamed("amplitudes")) : std::vector<double>{};
      if (times.size() != ps.currentValues.size())
        return fail(pop.loc, "step_current_generator '" + pop.name + "' needs as many amplitudes as times");
      for (double t : times) {
        auto s = runtime::timeToSteps(t, dt_);
        if (!s || (!ps.currentSteps.empty() && *s <= ps.currentSteps.back()))
          return fail(pop.loc, "step_current_generator '" + pop.name +
                                   "': times must be strictly increasing after rounding to steps");
        ps.currentSteps.push_back(*s);
      }
      break;
    }
    }
    pops_.push_back(std::move(ps));
    return true;
  }

  bool buildProjection(uint32_t q) {
    const Projection &pr = net_.projections[q];
    if (pr.hasSynapse)
      return fail(pr.loc, "the interpreter does not run plastic synapses ('" + pr.synapseName +
                              "') yet; use a static synapse");
    ProjState pj;
    pj.proj = &pr;
    pj.src = pr.source.population;
    pj.tgt = pr.target.population;
    PopState &tgt = pops_[pj.tgt];
    if (!tgt.isModel())
      return fail(pr.loc, "a projection must target a model population");
    const Model &tm = tgt.exec->model();
    pj.continuous = tm.ports[pr.port].kind == PortKind::Continuous;
    runtime::ConnectionSpec spec;
    using R = runtime::ConnectRule;
    switch (pr.conn.rule) {
    case ConnectionRule::AllToAll: spec.rule = R::AllToAll; break;
    case ConnectionRule::OneToOne: spec.rule = R::OneToOne; break;
    case ConnectionRule::FixedProbability: spec.rule = R::FixedProbability; break;
    case ConnectionRule::FixedIndegree: spec.rule = R::FixedIndegree; break;
    case ConnectionRule::FixedOutdegree: spec.rule = R::FixedOutdegree; break;
    case ConnectionRule::FromFile: spec.rule = R::FromFile; break;
    }
    spec.source = {pr.source.population, pr.source.begin, pr.source.end};
    spec.target = {pr.target.population, pr.target.begin, pr.target.end};
    spec.probability = pr.conn.probability;
    spec.count = pr.conn.count;
    spec.path = pr.conn.path;
    spec.allowAutapses = pr.conn.allowAutapses;
    spec.allowMultapses = pr.conn.allowMultapses;
    spec.seed = net_.semantics.seed;
    spec.projection = q;
    runtime::ConnectResult cr;
    if (spec.rule == R::FromFile) {
      std::ifstream in(spec.path);
      if (!in)
        return fail(pr.loc, "cannot open connection file '" + spec.path + "'");
      cr = runtime::connectFromCsv(in, spec.path, spec);
    } else {
      cr = runtime::buildConnections(spec);
    }
    if (!cr.ok())
      return fail(pr.loc, "cannot build projection: " + cr.error);
    const runtime::SynapseList &sl = cr.synapses;
    std::vector<double> w = !sl.weight.empty() ? sl.weight
                            : pr.weight ? runtime::drawPerSynapse(NetworkValue::distribution(*pr.weight), sl, spec, runtime::Stream::Weight)
                                        : std::vector<double>(sl.size(), 1.0);
    std::vector<double> dms;
    if (!sl.delay.empty())
      dms = sl.delay;
    else if (pr.delay && NetworkValue::isRandom(*pr.delay))
      dms = runtime::drawPerSynapse(NetworkValue::distribution(*pr.delay), sl, spec, runtime::Stream::Delay);
    // CSR by source, stable: keeps the synapse order of the list.
    uint64_t nsrc = pops_[pj.src].n;
    pj.offsets.assign(nsrc + 1, 0);
    for (uint64_t s : sl.source)
      ++pj.offsets[s + 1];
    for (uint64_t i = 0; i < nsrc; ++i)
      pj.offsets[i + 1] += pj.offsets[i];
    std::vector<uint64_t> fill(pj.offsets.begin(), pj.offsets.end() - 1);
    size_t n = sl.size();
    pj.target.resize(n);
    pj.weight.resize(n);
    pj.delay.resize(n);
    pj.slot.resize(n);
    unsigned basePort = tgt.exec->portSlot(pr.port);
    for (size_t s = 0; s < n; ++s) {
      uint64_t at = fill[sl.source[s]]++;
      pj.target[at] = sl.target[s];
      double wv = w[s];
      unsigned slot = basePort;
      if (pr.negativePort && wv < 0) {
        slot = tgt.exec->portSlot(*pr.negativePort);
        wv = -wv;
      }
      pj.weight[at] = wv;
      pj.slot[at] = slot;
      int64_t d = dms.empty() ? std::max<int64_t>(1, pr.delaySteps) : runtime::drawnDelaySteps(dms[s], dt_);
      if (d > (int64_t(1) << 24))
        return fail(pr.loc, "a delay of " + std::to_string(d) + " steps is too long for the interpreter");
      pj.delay[at] = uint32_t(d);
      if (!pj.continuous)
        tgt.D = std::max<unsigned>(tgt.D, unsigned(d) + 1);
    }
    projs_.push_back(std::move(pj));
    return true;
  }

  bool initialise() {
    for (PopState &ps : pops_) {
      if (!ps.isModel())
        continue;
      const Model &m = ps.exec->model();
      std::vector<VarId> order = m.initOrder;
      if (order.empty())
        for (const Variable &v : m.variables)
          order.push_back(v.id);
      std::vector<const PopulationInit *> popInit(m.variables.size(), nullptr);
      for (const PopulationInit &pi : ps.pop->inits)
        if (pi.var < popInit.size())
          popInit[pi.var] = &pi;
      for (uint64_t i = 0; i < ps.n; ++i) {
        NeuronFrame f = frame(ps, i, 0);
        for (VarId v : order) {
          const Variable &var = m.variables[v];
          if (var.role == VarRole::Local || var.role == VarRole::Argument)
            continue;
          unsigned elems = var.vectorSize ? var.vectorSize : 1;
          for (unsigned e = 0; e < elems; ++e) {
            double value = 0;
            if (popInit[v]) {
              const Expr &ex = *popInit[v]->value;
              if (NetworkValue::isRandom(ex)) {
                auto rs = runtime::RandomStream::perIndex(net_.semantics.seed, ps.index,
                                                          runtime::Stream::InitialValue, i, uint16_t(v));
                for (unsigned skip = 0; skip < e; ++skip)
                  NetworkValue::eval(ex, &rs);
                value = NetworkValue::eval(ex, &rs);
              } else {
                value = NetworkValue::eval(ex, nullptr);
              }
              ps.exec->store(v, value, f, e);
            } else if (var.init) {
              f.row[ps.exec->slotOf(v) + e] = ps.exec->evalAs(*var.init, var.type, f);
            }
          }
        }
        ps.exec->exec(m.prepare, f);
        if (!ps.exec->fatal().empty())
          return fail(ps.pop->loc, ps.exec->fatal());
      }
    }
    return true;
  }

  NeuronFrame frame(PopState &ps, uint64_t i, uint64_t k) {
    NeuronFrame f;
    f.row = ps.rows.data() + size_t(i) * ps.exec->rowSize();
    f.portValue = ps.portValue.data() + size_t(i) * ps.exec->portSlots();
    f.neuron = i;
    f.step = k;
    f.tMs = double(k) * dt_;
    f.rngKey = ps.neuronRngKey;
    return f;
  }

  bool setupTraces(const RunOptions &opt, RunResult &res) {
    auto resolve = [&](PopState &ps, const std::string &name, TraceItem &item) {
      const Model &m = ps.exec->model();
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
    res.traces.variables = opt.traceVariables;
    for (PopState &ps : pops_)
      res.traces.populations.push_back(ps.pop->name);
    if (!opt.traceVariables.empty()) {
      bool any = false;
      for (PopState &ps : pops_) {
        if (!ps.isModel())
          continue;
        TraceSpec spec{ps.index, 0, ps.n, 1, {}, &res.traces};
        bool all = true;
        for (const std::string &name : opt.traceVariables) {
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
        for (const std::string &n : opt.traceVariables)
          names += (names.empty() ? "'" : ", '") + n + "'";
        return fail(net_.loc, "--trace: no model population has " + names);
      }
    }
    // The network's own recorders of state.
    res.recorded.reserve(net_.recorders.size());
    for (const Recorder &r : net_.recorders) {
      std::vector<RecordItem> vars;
      for (const RecordItem &it : r.what)
        if (it.kind != RecordItem::Kind::Spikes)
          vars.push_back(it);
      if (vars.empty())
        continue;
      runtime::TraceRecording tr;
      tr.dtMs = dt_;
      for (PopState &ps : pops_)
        tr.populations.push_back(ps.pop->name);
      for (const RecordItem &it : vars)
        tr.variables.push_back(it.name);
      res.recorded.push_back({r.label, std::move(tr)});
    }
    size_t ri = 0;
    for (const Recorder &r : net_.recorders) {
      TraceSpec spec{r.target.population, r.target.begin, r.target.end, std::max<uint64_t>(1, r.intervalSteps), {}, nullptr};
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
      if (spec.items.empty())
        continue;
      spec.out = &res.recorded[ri++].second;
      traces_.push_back(std::move(spec));
    }
    return true;
  }

  bool step(uint64_t k, RunResult &res, const RunOptions &) {
    step_ = k + 1;
    // Model populations: delivery, update, on_receive, on_condition.
    for (PopState &ps : pops_) {
      std::fill(ps.spikes.begin(), ps.spikes.end(), 0);
      if (!ps.isModel())
        continue;
      unsigned ports = ps.exec->portSlots();
      unsigned slotNow = unsigned(k % ps.D);
      for (uint64_t i = 0; i < ps.n; ++i)
        for (unsigned s = 0; s < ports; ++s) {
          size_t r = (size_t(i) * ports + s) * ps.D + slotNow;
          ps.portValue[size_t(i) * ports + s] = ps.ringSum[r] + ps.constantInput[s];
          ps.portCount[size_t(i) * ports + s] = ps.ringCount[r];
          ps.ringSum[r] = 0;
          ps.ringCount[r] = 0;
        }
    }
    // Continuous inputs from current sources (R18).
    for (ProjState &pj : projs_) {
      if (!pj.continuous)
        continue;
      PopState &src = pops_[pj.src], &tgt = pops_[pj.tgt];
      unsigned ports = tgt.exec->portSlots();
      for (uint64_t s = 0; s < src.n; ++s)
        for (uint64_t at = pj.offsets[s]; at < pj.offsets[s + 1]; ++at) {
          int64_t j = int64_t(k) - int64_t(pj.delay[at]) + 1;
          double I = j < 0 ? 0.0 : src.currentAt(j);
          tgt.portValue[size_t(pj.target[at]) * ports + pj.slot[at]] += pj.weight[at] * I;
        }
    }
    for (PopState &ps : pops_) {
      if (!ps.isModel())
        continue;
      const Model &m = ps.exec->model();
      unsigned ports = ps.exec->portSlots();
      for (uint64_t i = 0; i < ps.n; ++i) {
        NeuronFrame f = frame(ps, i, k);
        ps.exec->exec(m.update, f);
        for (unsigned h : ps.handlerOrder) {
          const OnReceive &r = m.onReceive[h];
          unsigned base = ps.exec->portSlot(r.port);
          unsigned elems = m.ports[r.port].vectorSize ? m.ports[r.port].vectorSize : 1;
          bool arrived = false;
          for (unsigned e = 0; e < elems; ++e)
            arrived = arrived || ps.portCount[size_t(i) * ports + base + e] > 0;
          if (arrived)
            ps.exec->exec(r.body, f);
        }
        for (const OnCondition &c : m.onCondition)
          if (ps.exec->eval(*c.cond, f).b)
            ps.exec->exec(c.body, f);
        if (!ps.exec->fatal().empty())
          return fail(ps.pop->loc, ps.exec->fatal() + " (population '" + ps.pop->name + "', neuron " +
                                       std::to_string(i) + ", step " + std::to_string(k) + ")");
        if (f.spiked)
          ps.spikes[i] = 1;
        if (!checkFinite(ps, i, k))
          return false;
      }
    }
    // Sources emit (stamped t_{k+1}).
    for (PopState &ps : pops_) {
      if (ps.pop->kind == PopulationKind::PoissonGenerator) {
        if (runtime::poissonActive(k, ps.startStep, ps.stopStep) && ps.rateHz > 0)
          for (uint64_t i = 0; i < ps.n; ++i)
            ps.spikes[i] = uint32_t(runtime::poissonSourceCount(ps.poissonKey, i, k, ps.rateHz, dt_));
      } else if (ps.pop->kind == PopulationKind::SpikeGenerator) {
        for (size_t q = 0; q < ps.schedule.emitStep.size(); ++q)
          if (ps.schedule.emitStep[q] == k)
            for (uint64_t i = 0; i < ps.n; ++i)
              ps.spikes[i] += ps.schedule.multiplicity[q];
      }
    }
    // Record spikes (R23) and deliver them (R14, R17).
    for (PopState &ps : pops_)
      for (uint64_t i = 0; i < ps.n; ++i)
        if (ps.spikes[i]) {
          res.spikes.add(k, ps.index, i, ps.spikes[i]);
          ps.spikeTotal += ps.spikes[i];
        }
    for (ProjState &pj : projs_) {
      if (pj.continuous)
        continue;
      PopState &src = pops_[pj.src], &tgt = pops_[pj.tgt];
      unsigned ports = tgt.exec->portSlots();
      for (uint64_t s = 0; s < src.n; ++s) {
        uint32_t mult = src.spikes[s];
        if (!mult)
          continue;
        for (uint64_t at = pj.offsets[s]; at < pj.offsets[s + 1]; ++at) {
          size_t r = (size_t(pj.target[at]) * ports + pj.slot[at]) * tgt.D + (k + pj.delay[at]) % tgt.D;
          tgt.ringSum[r] += mult == 1 ? pj.weight[at] : pj.weight[at] * double(mult);
          tgt.ringCount[r] += mult;
        }
      }
    }
    // Recorders (R22).
    for (TraceSpec &t : traces_) {
      if ((k + 1) % t.every)
        continue;
      PopState &ps = pops_[t.population];
      std::vector<double> vals(t.items.size());
      for (uint64_t i = t.begin; i < t.end; ++i) {
        NeuronFrame f = frame(ps, i, k + 1);
        for (size_t q = 0; q < t.items.size(); ++q) {
          const TraceItem &it = t.items[q];
          if (it.var != kNoVar) {
            const Variable &v = ps.exec->model().variables[it.var];
            Value val = f.row[ps.exec->slotOf(it.var)];
            vals[q] = v.type.kind == TypeKind::Int ? double(val.i) : v.type.kind == TypeKind::Bool ? val.b : val.r;
          } else {
            vals[q] = ps.exec->evalReal(*ps.exec->model().odes.inlines[it.inlineId].rhs, f);
          }
        }
        t.out->addRow(k, t.population, i, vals.data());
      }
    }
    return true;
  }

  bool checkFinite(PopState &ps, uint64_t i, uint64_t k) {
    const Model &m = ps.exec->model();
    const Value *row = ps.rows.data() + size_t(i) * ps.exec->rowSize();
    for (VarId id : ps.realStates) {
      const Variable &v = m.variables[id];
      double x = row[ps.exec->slotOf(id)].r;
      if (std::isfinite(x))
        continue;
      char t[64];
      std::snprintf(t, sizeof t, "%.10g", double(k + 1) * dt_);
      diags_.error(m.loc, std::string("numeric trouble: '") + v.name + "' of " + ps.pop->name + "[" +
                              std::to_string(i) + "] became " + (std::isnan(x) ? "NaN" : "infinite") +
                              " in the step ending at t = " + t + " ms (solver " +
                              solverName(m.semantics.solver) + ", dt = " + std::to_string(dt_) +
                              " ms); the run stops here");
      return false;
    }
    return true;
  }

  struct TraceItem {
    VarId var = kNoVar;
    uint32_t inlineId = 0;
  };
  struct TraceSpec {
    uint32_t population;
    uint64_t begin, end, every;
    std::vector<TraceItem> items;
    runtime::TraceRecording *out;
  };

  const Module &mod_;
  const Network &net_;
  DiagnosticEngine &diags_;
  double dt_;
  uint64_t step_ = 0;
  std::vector<PopState> pops_;
  std::vector<ProjState> projs_;
  std::vector<TraceSpec> traces_;
};

} // namespace

std::unique_ptr<Simulation> Simulation::forNetwork(const Module &module, uint32_t networkIndex,
                                                   DiagnosticEngine &diags) {
  auto sim = std::make_unique<NetworkSimulation>(module, *module.networks.at(networkIndex), diags);
  if (!sim->build())
    return nullptr;
  return sim;
}

std::unique_ptr<Simulation> Simulation::forModel(Module &module, const SingleModelSetup &setup,
                                                 double dtMs, uint64_t seed, DiagnosticEngine &diags) {
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
  auto sim = std::make_unique<NetworkSimulation>(module, added, diags);
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

} // namespace nsc::interp
