//===- Engine.cpp - Building a network: populations, synapses, state ------===//
#include "Engine.h"

#include "nsc/ir/FixedPoint.h"

#include "nsc/network/NetworkValue.h"
#include "nsc/passes/ProjectionConnections.h"
#include "nsc/runtime/ConnectionRows.h"
#include "nsc/runtime/Connectivity.h"

#include <algorithm>
#include <chrono>

#include <tuple>
#include <cmath>
#include <cstring>

namespace nsc::network {

using namespace ir;

NetworkSimulation::NetworkSimulation(const Module &m, const Network &net, const BuildOptions &options,
                                     DiagnosticEngine &diags)
    : mod_(m), net_(net), options_(options), diags_(diags), dt_(net.semantics.dtMs) {}

NetworkSimulation::~NetworkSimulation() = default;

bool NetworkSimulation::fail(SourceRange at, std::string msg) {
  diags_.error(at, std::move(msg));
  return false;
}

bool NetworkSimulation::build() {
  if (!(dt_ > 0))
    return fail(net_.loc, "the network's dt must be positive");
  if (!options_.kernels)
    return fail(net_.loc, "no backend to run the models (internal error: no kernel factory)");
  unsigned threads = std::max(1u, options_.threads);
  workers_ = std::make_unique<WorkerPool>(threads);
  if (options_.communicator)
    comm_ = options_.communicator;
  if (distributed() && !checkDistributable())
    return false;
  for (uint32_t p = 0; p < net_.populations.size(); ++p)
    if (!buildPopulation(p))
      return false;
  auto connectStart = std::chrono::steady_clock::now();
  for (uint32_t q = 0; q < net_.projections.size(); ++q)
    if (!buildProjection(q))
      return false;
  connectMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - connectStart).count();
  findAscendingRows();
  if (distributed()) // each rank saw the delays of its own synapses only
    for (double w : comm_->allGatherValue(double(window_)))
      window_ = std::min(window_, uint32_t(w));

  if (window_ == UINT32_MAX)
    window_ = 100; // no spike projection: the exchange only gathers spikes for the recording
  for (PopulationRuntime &ps : pops_)
    if (ps.isModel()) {
      ps.ringSum.assign(size_t(ps.D) * ps.ports * ps.n, 0.0);
      ps.ringCount.assign(size_t(ps.D) * ps.ports * ps.n, 0);
      // Slot 0 until the first step picks its own.
      ps.portValue.assign(ps.ports, nullptr);
      ps.portCount.assign(ps.ports, nullptr);
      for (unsigned s = 0; s < ps.ports; ++s) {
        ps.portValue[s] = ps.ringSum.data() + size_t(s) * ps.n;
        ps.portCount[s] = ps.ringCount.data() + size_t(s) * ps.n;
      }
    }
  return initialise(false);
}

void NetworkSimulation::findAscendingRows() {
  if (workers_->size() == 1)
    return; // only threaded delivery cuts rows
  for (ProjectionRuntime &pj : projs_) {
    if (pj.plastic || pj.continuous)
      continue;
    const CompactSynapses &syn = pj.synapses;
    const uint64_t sources = pops_[pj.src].n, parts = std::min<uint64_t>(sources, 64);
    std::vector<uint8_t> ascending(parts, 1);
    workers_->run(parts, [&](size_t part, unsigned) {
      const uint32_t *t = syn.targets();
      for (uint64_t s = sources * part / parts; s < sources * (part + 1) / parts; ++s)
        for (uint64_t at = syn.rowBegin(s) + 1; at < syn.rowEnd(s); ++at)
          if (t[at] < t[at - 1]) {
            ascending[part] = 0;
            return;
          }
    });
    pj.rowsAscending = std::all_of(ascending.begin(), ascending.end(), [](uint8_t a) { return a != 0; });
  }
}

bool NetworkSimulation::bindKernel(PopulationRuntime &ps) {
  const Model &m = *ps.model;
  ps.uniform.assign(m.variables.size(), false);
  ps.uniformValues.assign(std::max(1u, ps.rowSize), Value{});
  for (const Variable &v : m.variables) {
    if ((v.role != VarRole::Parameter && v.role != VarRole::Internal) || v.vectorSize || ps.n == 0)
      continue;
    unsigned slot = ps.exec->slotOf(v.id);
    const Value *col = ps.state.data() + size_t(slot) * ps.n;
    bool same = true;
    for (uint64_t i = 1; i < ps.n && same; ++i)
      same = std::memcmp(&col[i], &col[0], sizeof(Value)) == 0;
    same = same && !isHomeostatThreshold(ps.index, v.id); // rewritten per neuron (Homeostasis.cpp)
    ps.uniform[v.id] = same;
    if (same)
      ps.uniformValues[slot] = col[0];
  }
  auto &kernel = kernels_[{&m, ps.uniform}];
  if (!kernel) {
    KernelRequest request{&m, dt_, ps.uniform};
    kernel = options_.kernels(request, diags_);
    if (!kernel)
      return false;
    kernel->setWorkers(workers_->size());
  }
  ps.kernel = kernel.get();
  return true;
}

bool NetworkSimulation::buildPopulation(uint32_t p) {
  const Population &pop = net_.populations[p];
  PopulationRuntime ps;
  ps.pop = &pop;
  ps.index = p;
  ps.n = pop.size;
  if (ps.n >= (uint64_t(1) << 32))
    return fail(pop.loc, "population '" + pop.name + "' has more than 2^32 - 1 neurons");
  std::tie(ps.lo, ps.hi) = ownedBlock(ps.n, comm_->rank(), comm_->size());
  if (pop.kind == PopulationKind::Model) {
    uint64_t seed = net_.semantics.seed;
    const Model &m = *mod_.models[pop.model];
    ps.model = &m;
    ps.exec = std::make_unique<ModelExecutor>(m, dt_);
    ps.rowSize = ps.exec->rowSize();
    ps.ports = ps.exec->portSlots();
    // At least one column, so that column 0 always exists.
    ps.state.assign(size_t(std::max(1u, ps.rowSize)) * ps.n, Value{});
    for (unsigned s = 0; s < std::max(1u, ps.rowSize); ++s)
      ps.columns.push_back(ps.state.data() + size_t(s) * ps.n);
    ps.constantInput.assign(ps.ports, 0.0);
    for (const ConstantInput &ci : pop.constantInputs)
      ps.constantInput[ps.exec->portSlot(ci.port)] += ci.value;
    for (const Variable &v : m.variables)
      if (v.role == VarRole::State && v.type.kind == TypeKind::Real)
        ps.realStates.push_back(v.id);
    ps.spiked.assign(ps.n, 0);
    ps.stateGuards = hasStateGuards(m);
    ps.neuronRngKey = runtime::deriveStreamKey(seed, p, runtime::Stream::NeuronRandom);
  } else if (!buildSource(ps)) {
    return false;
  }
  pops_.push_back(std::move(ps));
  return true;
}

bool NetworkSimulation::buildProjection(uint32_t q) {
  const Projection &pr = net_.projections[q];
  ProjectionRuntime pj;
  pj.proj = &pr;
  pj.index = q;
  pj.src = pr.source.population;
  pj.tgt = pr.target.population;
  PopulationRuntime &tgt = pops_[pj.tgt];
  if (!tgt.isModel())
    return fail(pr.loc, "a projection must target a model population");
  const Model &tm = *tgt.model;
  pj.continuous = tm.ports[pr.port].kind == PortKind::Continuous;
  pj.noiseKey = runtime::deriveStreamKey(net_.semantics.seed, q, runtime::Stream::NoiseSource);
  pj.basePort = tgt.exec->portSlot(pr.port);
  if (pr.negativePort)
    pj.negativePort = int(tgt.exec->portSlot(*pr.negativePort));
  if (pr.coupling != Coupling::None && !setupCoupling(pj))
    return false;
  runtime::ConnectionSpec spec = passes::connectionSpecOf(net_, pr, q);
  if (!pr.hasSynapse && runtime::rowsOwnedByTarget(spec.rule) && !(pr.weight && NetworkValue::isRandom(*pr.weight)) &&
      !(pr.delay && NetworkValue::isRandom(*pr.delay)))
    return buildUniformProjection(pj, spec);
  // Distributed, a rank draws only the rows of the targets it updates: the
  // same synapses, weights and delays as one process draws for them (R33,
  // values keyed per row owner).
  if (distributed() && !pr.hasSynapse && runtime::rowsOwnedByTarget(spec.rule))
    narrowToOwnedTargets(spec, tgt);
  std::optional<runtime::ConnectResult> built = passes::buildProjectionConnections(spec, options_.threads);
  if (!built)
    return fail(pr.loc, "cannot open connection file '" + spec.path + "'");
  runtime::ConnectResult &cr = *built;
  if (!cr.ok())
    return fail(pr.loc, "cannot build projection: " + cr.error);
  runtime::SynapseList &sl = cr.synapses;
  if (pr.hasSynapse) {
    std::string error;
    pj.plastic = buildPlasticProjection(mod_, net_, pr, q, sl, spec, dt_, error);
    if (!pj.plastic)
      return fail(pr.loc, error);
    pj.plastic->setExecution(*workers_, options_.synapseKernels);

    if (pr.modulator) // the populations are all built, and stay where they are
      pj.plastic->bindModulator(&pops_[*pr.modulator]);
    if (!pj.continuous)
      tgt.D = std::max<unsigned>(tgt.D, pj.plastic->maxDelay() + 1);
    projs_.push_back(std::move(pj));
    return true;
  }
  std::vector<double> w = !sl.weight.empty() ? std::move(sl.weight)
                          : pr.weight ? runtime::drawPerSynapse(NetworkValue::distribution(*pr.weight), sl, spec,
                                                                runtime::Stream::Weight, options_.threads)
                                      : std::vector<double>(sl.size(), 1.0);
  if (ModelExecutor::isFixed(tm.ports[pr.port].type)) {
    // R17: a fixed-point port receives each weight converted once to its
    // format (nearest-even, saturating, R31); the doubles then hold exact
    // multiples of 2^-n, so their sums are exact (below 2^53 ulps) and
    // order-free, and the kernel applies the overflow mode when it reads them.
    const Precision &fp = tm.ports[pr.port].type.precision;
    for (double &x : w)
      x = fx::toDouble(fx::fromDouble(x, fp), fp);
  }
  std::vector<double> dms;
  if (!sl.delay.empty())
    dms = std::move(sl.delay);
  else if (pr.delay && NetworkValue::isRandom(*pr.delay))
    dms = runtime::drawPerSynapse(NetworkValue::distribution(*pr.delay), sl, spec, runtime::Stream::Delay,
                                  options_.threads);
  std::vector<uint32_t> delaySteps(sl.size());
  for (size_t s = 0; s < sl.size(); ++s) {
    int64_t d = dms.empty() ? std::max<int64_t>(1, pr.delaySteps) : runtime::drawnDelaySteps(dms[s], dt_);
    if (d > (int64_t(1) << 24))
      return fail(pr.loc, "a delay of " + std::to_string(d) + " steps is too long (at most 2^24 steps)");
    delaySteps[s] = uint32_t(d);
  }
  dms.clear();
  dms.shrink_to_fit();
  if (!pj.continuous) // the ranks' minimum over their synapses: build() agrees on one
    for (uint32_t d : delaySteps)
      window_ = std::min(window_, d);
  keepOwnedTargets(tgt, sl.source, sl.target, w, delaySteps);
  pj.synapses.build(pops_[pj.src].n, sl.source, sl.target, w, delaySteps);
  if (!pj.continuous)
    tgt.D = std::max<unsigned>(tgt.D, pj.synapses.maxDelay() + 1);
  projs_.push_back(std::move(pj));
  return true;
}

bool NetworkSimulation::buildUniformProjection(ProjectionRuntime &pj, const runtime::ConnectionSpec &spec) {
  const Projection &pr = *pj.proj;
  PopulationRuntime &tgt = pops_[pj.tgt];
  std::string error = runtime::checkConnectionSpec(spec);
  if (!error.empty())
    return fail(pr.loc, "cannot build projection: " + error);
  double w = pr.weight ? NetworkValue::distribution(*pr.weight).a : 1.0;
  const Port &port = tgt.model->ports[pr.port];
  if (ModelExecutor::isFixed(port.type)) // R17: converted once to the port's format
    w = fx::toDouble(fx::fromDouble(w, port.type.precision), port.type.precision);
  int64_t d = std::max<int64_t>(1, pr.delaySteps);
  if (d > (int64_t(1) << 24))
    return fail(pr.loc, "a delay of " + std::to_string(d) + " steps is too long (at most 2^24 steps)");
  // Every rank shrinks the window by d, with synapses on it or not, so that
  // all ranks agree on it (docs/mpi.md); each draws only its own rows.
  if (!pj.continuous)
    window_ = std::min(window_, uint32_t(d));
  try {
    error = pj.synapses.buildFromRows(spec, pops_[pj.src].n, w, uint32_t(d), options_.threads, tgt.lo, tgt.hi);
  } catch (const runtime::PairProbabilityError &e) { // pairwise_bernoulli's p outside [0, 1] (R33)
    error = e.what();
  }
  if (!error.empty())
    return fail(pr.loc, "cannot build projection: " + error);
  if (!pj.continuous)
    tgt.D = std::max<unsigned>(tgt.D, pj.synapses.maxDelay() + 1);
  projs_.push_back(std::move(pj));
  return true;
}

bool NetworkSimulation::setupCoupling(ProjectionRuntime &pj) {
  const Projection &pr = *pj.proj;
  PopulationRuntime &src = pops_[pj.src], &tgt = pops_[pj.tgt];
  const char *what = pr.coupling == Coupling::GapJunction ? "gap junction" : "variable projection";
  if (!src.isModel())
    return fail(pr.loc, std::string("a ") + what + " reads a variable of a model population");
  auto realVar = [&](const PopulationRuntime &ps, VarId v) {
    const Type &t = ps.model->variables[v].type;
    return t.kind == TypeKind::Real && !ModelExecutor::isFixed(t);
  };
  if (!realVar(src, pr.sourceVar) ||
      (pr.coupling == Coupling::GapJunction && !realVar(tgt, pr.targetVar)))
    return fail(pr.loc, std::string("a ") + what + " needs '" + pr.variableName +
                            "' as a floating-point variable (not fixed-point) in both models");
  pj.coupling = pr.coupling;
  pj.sourceSlot = src.exec->slotOf(pr.sourceVar);
  if (pr.coupling == Coupling::GapJunction) {
    pj.targetSlot = tgt.exec->slotOf(pr.targetVar);
    pj.sourcePortSlot = src.exec->portSlot(pr.sourcePort);
  }
  return true;
}

bool NetworkSimulation::initialise(bool keepParameters) {
  for (PopulationRuntime &ps : pops_) {
    if (!ps.isModel())
      continue;
    const Model &m = *ps.model;
    std::fill(ps.state.begin(), ps.state.end(), Value{});
    std::vector<VarId> order = m.initOrder;
    if (order.empty())
      for (const Variable &v : m.variables)
        order.push_back(v.id);
    std::vector<const PopulationInit *> popInit(m.variables.size(), nullptr);
    for (const PopulationInit &pi : ps.pop->inits)
      if (pi.var < popInit.size())
        popInit[pi.var] = &pi;
    std::vector<const std::vector<double> *> override(m.variables.size(), nullptr);
    if (keepParameters)
      for (auto &[pop, var, values] : overrides_)
        if (pop == ps.index)
          override[var] = &values;
    for (uint64_t i = 0; i < ps.n; ++i) {
      NeuronFrame f = ps.frame(i, 0, dt_);
      for (VarId v : order) {
        const Variable &var = m.variables[v];
        if (var.role == VarRole::Local || var.role == VarRole::Argument)
          continue;
        unsigned elems = ps.exec->layout().elements(v);
        for (unsigned e = 0; e < elems; ++e) {
          if (override[v]) {
            const std::vector<double> &o = *override[v];
            ps.exec->store(v, o.size() == 1 ? o[0] : o[i], f, e);
          } else if (popInit[v]) {
            const Expr &ex = *popInit[v]->value;
            double value;
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
            f.cell(ps.exec->slotOf(v) + e) = ps.exec->evalAs(*var.init, var.type, f);
          }
        }
      }
    }
    if (!setupHomeostats(ps) || !runPrepare(ps) || !checkInitialGuards(ps) || !bindKernel(ps))
      return false;
  }
  return true;
}

bool NetworkSimulation::runPrepare(PopulationRuntime &ps) {
  if (ps.model->prepare.empty())
    return true;
  for (uint64_t i = 0; i < ps.n; ++i) {
    NeuronFrame f = ps.frame(i, step_, dt_);
    ps.exec->exec(ps.model->prepare, f);
    if (!ps.exec->fatal().empty())
      return fail(ps.pop->loc, ps.exec->fatal());
  }
  return true;
}

} // namespace nsc::network
