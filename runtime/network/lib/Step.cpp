//===- Step.cpp - One step of the network ---------------------------------===//
//
// docs/semantics.md §2: per model population, this step's ring slot becomes
// the port inputs (R5, R15) plus continuous inputs (R18); the kernel runs
// update, on_receive and on_condition for every neuron (R6-R12); sources
// emit (R20, R21); spikes are recorded (R23) and delivered in (projection,
// source neuron, synapse) order into the targets' ring buffers (R14, R17);
// plastic synapses run their step in their projection's turn (R24);
// recorders sample (R22).
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>

namespace nsc::network {

using namespace ir;

namespace {
/// CPU time of the whole process (every thread), in ms.
double processCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}
} // namespace

bool NetworkSimulation::run(const RunOptions &opt, RunResult &res) {
  auto t0 = std::chrono::steady_clock::now();
  double cpu0 = processCpuMs();
  auto steps = runtime::timeToSteps(opt.durationMs, dt_);
  if (!steps || *steps < 0)
    return fail(net_.loc, "the run duration must be a non-negative time");
  if (!setupTraces(opt.traceVariables, res, std::max<uint64_t>(1, opt.traceEverySteps)))
    return false;
  bool ok = runSteps(uint64_t(*steps), res, opt);
  if (ok && distributed()) // collective: a failed run fails on every rank
    gatherTraces(res);
  res.runCpuMs += processCpuMs() - cpu0;
  finishResult(res, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return ok;
}

bool NetworkSimulation::step(uint64_t steps, RunResult &res) {
  auto t0 = std::chrono::steady_clock::now();
  double cpu0 = processCpuMs();
  if (!setupTraces({}, res))
    return false;
  bool ok = runSteps(steps, res, RunOptions{});
  res.runCpuMs += processCpuMs() - cpu0;
  finishResult(res, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return ok;
}

bool NetworkSimulation::runSteps(uint64_t steps, RunResult &res, const RunOptions &opt) {
  res.stopped = false;
  uint64_t every = std::max<uint64_t>(1, steps / 100);
  const bool spread = distributed();
  for (uint64_t s = 0; s < steps; ++s) {
    if (!stepOnce(step_, res)) {
      bool ignored = false;
      if (spread) // the other ranks learn it at their next exchange
        exchangeWindow(res, true, ignored);
      return false;
    }
    bool stopNow = opt.stop && opt.stop->load(std::memory_order_relaxed);
    if (spread) {
      // The ranks stop together, at an exchange, if any rank was asked to
      // (docs/mpi.md); between exchanges they run on.
      bool exchange = windowSteps_ >= window_ || s + 1 == steps;
      if (exchange && !exchangeWindow(res, false, stopNow))
        return false;
      stopNow = exchange && stopNow;
    }
    if (opt.progress && (s + 1) % every == 0)
      opt.progress(double(s + 1) / double(steps));
    if (opt.periodic && opt.periodicSteps && step_ % opt.periodicSteps == 0 && !opt.periodic())
      return false;
    if (stopNow && s + 1 < steps) {
      res.stopped = true;
      return true;
    }
  }
  return true;
}

void NetworkSimulation::finishResult(RunResult &res, double ms) {
  res.steps = step_;
  res.runMs += ms;
  res.kernel = kernels_.empty() ? "" : kernels_.begin()->second->name();
  res.kernels = kernels_.size();
  res.populations.clear();
  res.neurons = res.spikeCount = res.synapses = 0;
  res.synapseMemory = {};
  res.synapseMemory.buildMs = connectMs_;
  for (PopulationRuntime &ps : pops_) {
    res.populations.push_back({ps.pop->name, ps.n, ps.spikeTotal, !ps.isModel()});
    if (ps.isModel())
      res.neurons += ps.n;
    res.spikeCount += ps.spikeTotal;
  }
  for (ProjectionRuntime &pj : projs_) {
    uint64_t n = pj.plastic ? pj.plastic->size() : pj.synapses.size();
    res.synapses += n;
    res.synapseMemory.synapses += n;
    res.synapseMemory.bytes += pj.plastic ? pj.plastic->bytes() : pj.synapses.bytes();
  }
  for (auto &[model, kernel] : kernels_)
    kernel->drainWarnings(warnings_);
  for (ProjectionRuntime &pj : projs_)
    if (pj.plastic)
      pj.plastic->drainWarnings(warnings_);
  res.warnings.assign(warnings_.begin(), warnings_.end());
  share_.rank = comm_->rank();
  share_.ranks = comm_->size();
  share_.neurons = 0;
  for (PopulationRuntime &ps : pops_)
    share_.neurons += ps.isModel() ? ps.hi - ps.lo : 0;
  share_.synapses = res.synapseMemory.synapses;
  share_.synapseBytes = res.synapseMemory.bytes;
  share_.windowSteps = distributed() ? window_ : 0;
  res.rankShare = share_;
}

bool NetworkSimulation::stepOnce(uint64_t k, RunResult &res) {
  step_ = k + 1;
  // This step's ring slot becomes the port inputs.
  for (PopulationRuntime &ps : pops_) {
    ps.fired.clear();
    ps.multiplicity.clear();
    if (!ps.isModel() || !ps.ports)
      continue;
    size_t block = size_t(k % ps.D) * ps.ports * ps.n;
    for (unsigned s = 0; s < ps.ports; ++s) {
      double *sum = ps.ringSum.data() + block + size_t(s) * ps.n;
      ps.portValue[s] = sum;
      ps.portCount[s] = ps.ringCount.data() + block + size_t(s) * ps.n;
      if (double c = ps.constantInput[s]; c != 0)
        for (uint64_t i = 0; i < ps.n; ++i)
          sum[i] += c;
    }
  }
  // Continuous inputs from current sources (R18), delayed like spikes.
  for (ProjectionRuntime &pj : projs_) {
    if (!pj.continuous || pj.plastic || pj.coupling != Coupling::None)
      continue;
    PopulationRuntime &src = pops_[pj.src], &tgt = pops_[pj.tgt];
    const bool noise = src.pop->kind == PopulationKind::NoiseGenerator;
    for (uint64_t s = 0; s < src.n; ++s)
      for (uint64_t at = pj.synapses.rowBegin(s); at < pj.synapses.rowEnd(s); ++at) {
        int64_t j = int64_t(k) - int64_t(pj.synapses.delay(at)) + 1;
        // Noise: every connection its own stream, as NEST's noise_generator.
        double I = j < 0    ? 0.0
                   : noise ? src.noiseAt(j, pj.noiseKey, s * tgt.n + pj.synapses.target(at))
                           : src.currentAt(j, s);
        double w = pj.synapses.weight(at);
        unsigned slot = pj.basePort;
        if (pj.negativePort >= 0 && w < 0) {
          slot = unsigned(pj.negativePort);
          w = -w;
        }
        const_cast<double *>(tgt.portValue[slot])[pj.synapses.target(at)] += w * I;
      }
  }
  deliverCouplings();
  if (!modelPhase(k) || !checkStateGuards(k))
    return false;
  stepHomeostats(k); // after phase 4: this step's spikes (docs/verilog.md §2)
  // Sources emit (stamped t_{k+1}).
  for (PopulationRuntime &ps : pops_)
    if (!ps.isModel())
      ps.emitSpikes(k, dt_);
  // Record and deliver now, or, distributed, after the window's exchange.
  if (distributed())
    bufferOwnedSpikes();
  else if (!recordAndDeliver(k, res))
    return false;
  if (!sampleTraces(k))
    return false;
  // The slot read this step is free again (R5); recorders above still saw
  // this step's inputs.
  for (PopulationRuntime &ps : pops_)
    if (ps.isModel() && ps.ports && !ps.kernel->clearsInputs()) {
      size_t block = size_t(k % ps.D) * ps.ports * ps.n;
      std::memset(ps.ringSum.data() + block, 0, sizeof(double) * ps.ports * ps.n);
      std::memset(ps.ringCount.data() + block, 0, sizeof(uint32_t) * ps.ports * ps.n);
    }
  return true;
}

bool NetworkSimulation::recordAndDeliver(uint64_t k, RunResult &res) {
  // Record spikes (R23).
  for (PopulationRuntime &ps : pops_)
    for (size_t q = 0; q < ps.fired.size(); ++q) {
      res.spikes.add(k, ps.index, ps.fired[q], ps.multiplicity[q]);
      ps.spikeTotal += ps.multiplicity[q];
    }
  // Deliver (R14, R17, R24).
  for (size_t q = 0; q < projs_.size();) {
    ProjectionRuntime &pj = projs_[q];
    if (pj.plastic) {
      std::string error;
      if (!pj.plastic->step(k, pops_[pj.src], pops_[pj.tgt], error))
        return fail(pj.proj->loc, error);
      ++q;
      continue;
    }
    // A run of static projections, delivered together (on the workers when
    // this step's spikes reach enough synapses).
    size_t last = q;
    while (last < projs_.size() && !projs_[last].plastic)
      ++last;
    deliverStaticRun(q, last, k);
    q = last;
  }
  return true;
}

void NetworkSimulation::deliverCouplings() {
  // One projection after the other, synapses in row order: the sums do not
  // depend on the number of threads.
  for (ProjectionRuntime &pj : projs_) {
    if (pj.coupling == Coupling::None)
      continue;
    PopulationRuntime &src = pops_[pj.src], &tgt = pops_[pj.tgt];
    const CompactSynapses &syn = pj.synapses;
    double *into = const_cast<double *>(tgt.portValue[pj.basePort]);
    const bool gap = pj.coupling == Coupling::GapJunction;
    double *back = gap ? const_cast<double *>(src.portValue[pj.sourcePortSlot]) : nullptr;
    for (uint64_t s = 0; s < src.n; ++s) {
      const double x = src.cell(pj.sourceSlot, s).r;
      for (uint64_t at = syn.rowBegin(s); at < syn.rowEnd(s); ++at) {
        const uint32_t t = syn.target(at);
        const double w = syn.weight(at);
        if (!gap) {
          into[t] += w * x;
          continue;
        }
        const double current = w * (x - tgt.cell(pj.targetSlot, t).r);
        into[t] += current;  // into the target: g (V_pre - V_post)
        back[s] -= current;  // and the same current out of the source
      }
    }
  }
}

bool NetworkSimulation::modelPhase(uint64_t k) {
  // Reused from step to step: no allocation in the step loop.
  std::vector<ModelChunk> &chunks = chunks_;
  std::vector<PopulationView> &views = views_;
  chunks.clear();
  views.assign(pops_.size(), PopulationView{});
  unsigned workers = workers_->size();
  for (PopulationRuntime &ps : pops_) {
    if (!ps.isModel() || ps.n == 0)
      continue;
    PopulationView &v = views[ps.index];
    v.n = ps.n;
    v.columns = ps.columns.data();
    v.portValue = ps.portValue.data();
    v.portCount = ps.portCount.data();
    v.spiked = ps.spiked.data();
    v.populationIndex = ps.index;
    v.rngKey = ps.neuronRngKey;
    v.dtMs = dt_;
    v.uniforms = ps.uniformValues.data();
    // Recorders of inline expressions run after the step and may read its
    // inputs, which a clearing kernel zeroes: keep a copy for them.
    if (ps.inputsTraced && ps.ports) {
      const double *slot = ps.portValue[0];
      ps.tracedInputs.assign(slot, slot + size_t(ps.ports) * ps.n);
    }
    // Contiguous chunks of this rank's block, multiples of 16 neurons so
    // vector loops stay whole; four per worker so that a worker that starts
    // late (or never, on a loaded machine) leaves little for the others.
    unsigned parts = workers == 1 ? 1 : 4 * workers;
    uint64_t per = (ps.hi - ps.lo + parts - 1) / parts;
    per = std::max<uint64_t>(64, (per + 15) / 16 * 16);
    for (uint64_t b = ps.lo; b < ps.hi; b += per)
      chunks.push_back({&ps, b, std::min<uint64_t>(ps.hi, b + per), StepStatus::Ok, 0});
  }
  // Any worker may run any chunk: neurons are independent (R16), each
  // draws from its own random stream, and a chunk records which worker ran
  // it for the worker's fatal message.
  workers_->run(chunks.size(), [&](size_t t, unsigned w) {
    ModelChunk &c = chunks[t];
    c.worker = w;
    c.status = c.ps->kernel->step(views[c.ps->index], c.begin, c.end, k, w);
  });
  for (ModelChunk &c : chunks) {
    if (c.status == StepStatus::Fatal)
      return fail(c.ps->pop->loc, c.ps->kernel->fatalMessage(c.worker) + " (population '" + c.ps->pop->name +
                                      "', step " + std::to_string(k) + ")");
    if (c.status == StepStatus::NonFinite)
      return reportNonFinite(*c.ps, k);
  }
  for (PopulationRuntime &ps : pops_)
    if (ps.isModel())
      collectFired(ps);
  return true;
}

void NetworkSimulation::collectFired(PopulationRuntime &ps) {
  const uint8_t *s = ps.spiked.data();
  uint64_t i = ps.lo;
  const uint64_t n = ps.hi; // this rank's block
  // Skip 32 silent neurons at a time (most neurons do not fire), then 8.
  for (; i + 32 <= n; i += 32) {
    uint64_t w[4];
    std::memcpy(w, s + i, 32);
    if (!(w[0] | w[1] | w[2] | w[3]))
      continue;
    for (uint64_t j = i; j < i + 32; ++j)
      if (s[j]) {
        ps.fired.push_back(uint32_t(j));
        ps.multiplicity.push_back(1);
      }
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, s + i, 8);
    if (!word)
      continue;
    for (uint64_t j = i; j < i + 8; ++j)
      if (s[j]) {
        ps.fired.push_back(uint32_t(j));
        ps.multiplicity.push_back(1);
      }
  }
  for (; i < n; ++i)
    if (s[i]) {
      ps.fired.push_back(uint32_t(i));
      ps.multiplicity.push_back(1);
    }
}

namespace {
/// The synapses [b, e) of one source's row into the ring. The sum order is
/// the reference's: one synapse after the other, in row order. With Filter,
/// only targets in [lo, hi) are delivered (a worker's share of the targets
/// when the row's targets are not ascending).
template <CompactSynapses::WeightKind WK, bool ConstDelay, bool Filter>
void deliverRow(const CompactSynapses &syn, uint64_t b, uint64_t e, uint32_t mult, uint64_t k, unsigned D,
                unsigned ports, uint64_t n, unsigned basePort, int negativePort, double *__restrict ringSum,
                uint32_t *__restrict ringCount, uint32_t lo, uint32_t hi) {
  const uint32_t *__restrict tgt = syn.targets();
  const double dmult = double(mult);
  const uint32_t span = hi - lo;
  if constexpr (WK == CompactSynapses::WeightKind::Constant && ConstDelay) {
    // The common case (CUBA, COBA): one weight, one delay, one port for the
    // whole row, so the loop is a plain scatter-add.
    double w = syn.constantWeight();
    unsigned slot = basePort;
    if (negativePort >= 0 && w < 0) {
      slot = unsigned(negativePort);
      w = -w;
    }
    const double add = mult == 1 ? w : w * dmult;
    const size_t base = size_t((k + syn.constantDelay()) % D) * ports * n + size_t(slot) * n;
    double *__restrict sum = ringSum + base;
    uint32_t *__restrict count = ringCount + base;
    for (uint64_t at = b; at < e; ++at) {
      const uint32_t t = tgt[at];
      if constexpr (Filter)
        if (t - lo >= span)
          continue;
      sum[t] += add;
      count[t] += mult;
    }
    return;
  }
  const size_t constBlock = ConstDelay ? size_t((k + syn.constantDelay()) % D) * ports * n : 0;
  for (uint64_t at = b; at < e; ++at) {
    const uint32_t t = tgt[at];
    if constexpr (Filter)
      if (t - lo >= span)
        continue;
    double w;
    if constexpr (WK == CompactSynapses::WeightKind::Constant)
      w = syn.constantWeight();
    else if constexpr (WK == CompactSynapses::WeightKind::Float32)
      w = double(syn.weights32()[at]);
    else
      w = syn.weights64()[at];
    unsigned slot = basePort;
    if (negativePort >= 0 && w < 0) {
      slot = unsigned(negativePort);
      w = -w;
    }
    size_t block = ConstDelay ? constBlock : size_t((k + syn.delay(at)) % D) * ports * n;
    size_t r = block + size_t(slot) * n + t;
    ringSum[r] += mult == 1 ? w : w * dmult;
    ringCount[r] += mult;
  }
}

using RowFn = void (*)(const CompactSynapses &, uint64_t, uint64_t, uint32_t, uint64_t, unsigned, unsigned,
                       uint64_t, unsigned, int, double *, uint32_t *, uint32_t, uint32_t);

template <bool Filter> RowFn rowFunction(const CompactSynapses &syn) {
  using WK = CompactSynapses::WeightKind;
  const bool constDelay = syn.delayKind() == CompactSynapses::DelayKind::Constant;
  switch (syn.weightKind()) {
  case WK::Constant:
    return constDelay ? deliverRow<WK::Constant, true, Filter> : deliverRow<WK::Constant, false, Filter>;
  case WK::Float32:
    return constDelay ? deliverRow<WK::Float32, true, Filter> : deliverRow<WK::Float32, false, Filter>;
  default:
    return constDelay ? deliverRow<WK::Float64, true, Filter> : deliverRow<WK::Float64, false, Filter>;
  }
}
} // namespace

void NetworkSimulation::deliverStatic(ProjectionRuntime &pj, uint64_t k, uint32_t lo, uint32_t hi) {
  PopulationRuntime &src = pops_[pj.src], &tgt = pops_[pj.tgt];
  const CompactSynapses &syn = pj.synapses;
  const bool whole = lo == 0 && hi >= tgt.n;
  // A share of the targets: ascending rows are cut by binary search, other
  // rows are walked whole and filtered.
  const bool filter = !whole && !pj.rowsAscending;
  const RowFn fn = filter ? rowFunction<true>(syn) : rowFunction<false>(syn);
  const uint32_t *t = syn.targets();
  for (size_t q = 0; q < src.fired.size(); ++q) {
    uint64_t s = src.fired[q];
    uint64_t b = syn.rowBegin(s), e = syn.rowEnd(s);
    if (!whole && !filter) {
      b = uint64_t(std::lower_bound(t + b, t + e, lo) - t);
      e = uint64_t(std::lower_bound(t + b, t + e, hi) - t);
    }
    fn(syn, b, e, src.multiplicity[q], k, tgt.D, tgt.ports, tgt.n, pj.basePort, pj.negativePort,
       tgt.ringSum.data(), tgt.ringCount.data(), lo, hi);
  }
}

void NetworkSimulation::deliverStaticRun(size_t first, size_t last, uint64_t k) {
  // The synapses this step's spikes reach: below the threshold the workers'
  // hand-off costs more than it saves.
  const unsigned workers = workers_->size();
  uint64_t events = 0;
  if (workers > 1)
    for (size_t q = first; q < last && events < options_.parallelDeliveryFrom; ++q) {
      const ProjectionRuntime &pj = projs_[q];
      if (pj.continuous)
        continue;
      for (uint32_t s : pops_[pj.src].fired)
        events += pj.synapses.rowEnd(s) - pj.synapses.rowBegin(s);
    }
  if (workers == 1 || events < options_.parallelDeliveryFrom) {
    for (size_t q = first; q < last; ++q)
      if (!projs_[q].continuous)
        deliverStatic(projs_[q], k, 0, UINT32_MAX);
    return;
  }
  // Worker t delivers to its own part of every target population's block,
  // walking projections, sources and rows in the reference order (R17): each
  // ring cell receives the same additions in the same order as on one thread.
  // Parts are multiples of 16 neurons, so two parts share no cache line.
  workers_->run(workers, [&](size_t part, unsigned) {
    for (size_t q = first; q < last; ++q) {
      ProjectionRuntime &pj = projs_[q];
      if (pj.continuous)
        continue;
      const PopulationRuntime &tgt = pops_[pj.tgt];
      const uint64_t per = ((tgt.hi - tgt.lo + workers - 1) / workers + 15) / 16 * 16;
      const uint64_t lo = std::min(tgt.hi, tgt.lo + part * per), hi = std::min(tgt.hi, lo + per);
      if (lo < hi)
        deliverStatic(pj, k, uint32_t(lo), uint32_t(hi));
    }
  });
}

bool NetworkSimulation::reportNonFinite(PopulationRuntime &ps, uint64_t k) {
  const Model &m = *ps.model;
  for (uint64_t i = 0; i < ps.n; ++i)
    for (VarId id : ps.realStates) {
      double x = ps.cell(ps.exec->slotOf(id), i).r;
      if (std::isfinite(x))
        continue;
      char t[64];
      std::snprintf(t, sizeof t, "%.10g", double(k + 1) * dt_);
      return fail(m.loc, std::string("numeric trouble: '") + m.variables[id].name + "' of " + ps.pop->name + "[" +
                             std::to_string(i) + "] became " + (std::isnan(x) ? "NaN" : "infinite") +
                             " in the step ending at t = " + t + " ms (solver " + solverName(m.semantics.solver) +
                             ", dt = " + std::to_string(dt_) + " ms); the run stops here");
    }
  return fail(m.loc, "numeric trouble in population '" + ps.pop->name + "'");
}

} // namespace nsc::network
