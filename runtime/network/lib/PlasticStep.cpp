//===- PlasticStep.cpp - Step k of a plastic projection (R24) -------------===//
//
// After phase 4 of step k, every synapse runs `update:`, then its
// onReceive handlers for this step's presynaptic spike (its source fired)
// and postsynaptic spike (its target fired) in R8 order, and emit_spike(w,
// d) in a handler sends w into the target's ring buffer, delivered in step
// k + max(1, round(d/dt)) (R14), summed in R17's order: source neuron
// ascending, then the synapse's place in its row.
//
// Lazily (see ModelSynapses.h): only the synapses with an event in step k
// run now, after `update:` has been applied for the steps they skipped.
// Their order is the same position order, so the ring sums are too.
//
// A presynaptic event of multiplicity n (a Poisson source's n spikes in
// one step, R20) runs the presynaptic handler once with the port reading
// n, and what it emits is delivered as n spikes of weight w (n·w, count
// n), as a static synapse delivers it and as NEST's synapses pass an
// event's multiplicity on (docs/decisions.md).
//
// Third factors (R24a): before a synapse runs, its neuromodulator port
// holds the modulator population's spike count of step k and each
// continuous input the target neuron's variable after step k
// (loadThirdFactors). A modulator spike makes every synapse run.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"
#include "nsc/support/Suggest.h"
#include "ModelSynapses.h"
#include "WorkerPool.h"

#include "nsc/runtime/Schedule.h"

#include <algorithm>
#include <cmath>

namespace nsc::network {

using namespace ir;

void ModelSynapses::loadRow(uint64_t p, Value *row) const {
  const size_t nOwn = ownSlots_.size();
  const Value *own = own_.data() + p * nOwn;
  for (size_t c = 0; c < nOwn; ++c)
    row[ownSlots_[c]] = own[c];
}

bool ModelSynapses::catchUp(uint64_t p, Value *row, uint64_t from, uint64_t to, unsigned worker) const {
  if (from >= to)
    return true;
  if (fastDecays_) {
    // update: is x <- c·x for each trace: the same products, step by step.
    // Up to four traces advance in one loop (independent chains of
    // multiplications overlap in the pipeline; each x still sees its own
    // products in order).
    for (size_t d0 = 0; d0 < decays_.size(); d0 += 4) {
      double x[4], c[4];
      unsigned n = 0;
      for (size_t d = d0; d < std::min(decays_.size(), d0 + 4); ++d) {
        x[n] = row[decays_[d].state].r;
        c[n] = row[decays_[d].coef].r;
        // c·(±0) is the same ±0 for a finite c > 0: nothing to do.
        if (!(x[n] == 0 && c[n] > 0 && std::isfinite(c[n])))
          ++n;
      }
      if (n == 0)
        continue;
      for (uint64_t j = from; j < to; ++j)
        for (unsigned i = 0; i < n; ++i)
          x[i] = c[i] * x[i];
      n = 0;
      for (size_t d = d0; d < std::min(decays_.size(), d0 + 4); ++d) {
        double xd = row[decays_[d].state].r, cd = row[decays_[d].coef].r;
        if (!(xd == 0 && cd > 0 && std::isfinite(cd)))
          row[decays_[d].state].r = x[n++];
      }
    }
    return true;
  }
  if (kernel_)
    return kernel_->catchUp(reinterpret_cast<uint64_t *>(row), from, to, synapseIndex(p), worker) ==
           StepStatus::Ok;
  ModelExecutor &exec = execOf(worker);
  for (uint64_t j = from; j < to; ++j) {
    NeuronFrame f;
    f.row = row;
    f.stride = 1;
    f.portValue = zeroPorts_.data();
    f.neuron = synapseIndex(p);
    f.step = j;
    f.tMs = double(j) * dt_;
    f.rngKey = rngKey_;
    exec.exec(m_->update, f);
    if (!exec.fatal().empty())
      return false;
  }
  return true;
}

ModelSynapses::Scratch ModelSynapses::scratch(unsigned worker) {
  if (worker == 0)
    return {row_.data(), &frame_, &ports_, exec_.get(), &warnings_, 0};
  WorkerStore &w = *extra_[worker - 1];
  return {w.row.data(), &w.frame, &w.ports, w.exec.get(), &w.warnings, worker};
}

bool ModelSynapses::runCode(uint64_t p, uint64_t k, uint32_t preCount, bool post, Scratch &s, SynapseEmit &emit,
                            std::string &error) {
  const bool runUpdate = !fastDecays_ && !info_.emptyUpdate;
  if (kernel_) {
    SynapseCall c;
    c.row = reinterpret_cast<uint64_t *>(s.row);
    c.ports = s.ports->data();
    if (info_.prePort && preCount > 0)
      c.arrived |= uint64_t(1) << *info_.prePort;
    if (info_.postPort && post)
      c.arrived |= uint64_t(1) << *info_.postPort;
    if (info_.modPort && modCount_ > 0)
      c.arrived |= uint64_t(1) << *info_.modPort;
    c.runUpdate = runUpdate;
    c.step = k;
    c.synapse = synapseIndex(p);
    if (kernel_->run(c, emit, s.worker) != StepStatus::Ok) {
      error = what_ + ": " + kernel_->fatalMessage(s.worker) + " (synapse " + std::to_string(p) + ", step " +
              std::to_string(k) + ")";
      return false;
    }
    return true;
  }
  // One frame reused for every synapse: its emit_spike arguments keep
  // their storage.
  ModelExecutor &exec = *s.exec;
  NeuronFrame &f = *s.frame;
  f.row = s.row;
  f.stride = 1;
  f.portValue = s.ports->data();
  f.neuron = synapseIndex(p);
  f.step = k;
  f.tMs = double(k) * dt_;
  f.rngKey = rngKey_;
  f.rng.reset();
  f.spiked = false;
  f.emitArgs.clear();
  if (runUpdate)
    exec.exec(m_->update, f);
  for (unsigned h : info_.handlerOrder) {
    const OnReceive &r = m_->onReceive[h];
    bool arrived = (info_.prePort && r.port == *info_.prePort && preCount > 0) ||
                   (info_.postPort && r.port == *info_.postPort && post) ||
                   (info_.modPort && r.port == *info_.modPort && modCount_ > 0);
    if (arrived)
      exec.exec(r.body, f);
  }
  if (!exec.fatal().empty()) {
    error = what_ + ": " + exec.fatal() + " (synapse " + std::to_string(p) + ", step " + std::to_string(k) + ")";
    return false;
  }
  emit.emitted = f.spiked;
  if (f.spiked) {
    emit.weight = f.emitArgs[0];
    emit.hasDelay = f.emitArgs.size() > 1;
    emit.delay = emit.hasDelay ? f.emitArgs[1] : 0;
  }
  return true;
}

bool ModelSynapses::runSynapse(uint64_t p, uint64_t k, uint32_t preCount, bool post, PopulationRuntime &tgt,
                               Scratch &s, std::string &error) {
  Value *row = s.row;
  loadRow(p, row);
  if (!done_.empty()) {
    // Steps skipped since the last event, then this step's update.
    uint64_t from = doneOf(p);
    bool caughtUp = catchUp(p, row, from, fastDecays_ ? k + 1 : k, s.worker);
    done_[p] = uint32_t(k + 1 - epoch_);
    if (!caughtUp && kernel_) {
      error = what_ + ": " + kernel_->fatalMessage(s.worker) + " (synapse " + std::to_string(p) + ", step " +
              std::to_string(k) + ")";
      return false;
    }
  }
  if (!traces_.empty())
    loadSharedTraces(p, row);
  std::vector<double> &ports = *s.ports;
  if (info_.prePort)
    ports[exec_->portSlot(*info_.prePort)] = double(preCount);
  if (info_.postPort)
    ports[exec_->portSlot(*info_.postPort)] = post ? 1.0 : 0.0;
  loadThirdFactors(p, tgt, ports);
  SynapseEmit emitted;
  bool ok = runCode(p, k, preCount, post, s, emitted, error);
  std::fill(ports.begin(), ports.end(), 0.0);
  if (!ok)
    return false;
  if (!traces_.empty())
    keepSharedTraces(p, preCount > 0, post, row);
  const size_t nOwn = ownSlots_.size();
  Value *own = own_.data() + p * nOwn;
  for (size_t c = 0; c < nOwn; ++c)
    own[c] = row[ownSlots_[c]];
  for (unsigned slot : realStateSlots_)
    if (!std::isfinite(row[slot].r))
      return reportNonFinite(p, k, row, error);
  if (!emitted.emitted)
    return true;

  // emit_spike(w, d): into the target's ring, R14/R15, like a static synapse.
  double w = emitted.weight;
  if (weightFactor_ != 1)
    w *= weightFactor_;
  if (!std::isfinite(w)) {
    char t[64];
    std::snprintf(t, sizeof t, "%.10g", double(k + 1) * dt_);
    error = "numeric trouble: synapse " + std::to_string(p) + " of " + what_ + " emitted a weight of " +
            (std::isnan(w) ? "NaN" : "infinity") + " in the step ending at t = " + t + " ms; the run stops here";
    return false;
  }
  int64_t d = 1;
  if (emitted.hasDelay) {
    double ms = emitted.delay * delayFactor_;
    if (std::isnan(ms))
      (*s.warnings)[what_ + ": emit_spike got a NaN delay; sent with one step"]++;
    d = runtime::drawnDelaySteps(ms, dt_); // R24: at least one step
  }
  if (d > int64_t(maxDelay_)) {
    (*s.warnings)[what_ + ": emit_spike delays longer than " + std::to_string(maxDelay_) +
                  " steps (the longest the ring buffers were sized for) were clamped to it"]++;
    d = maxDelay_;
  }
  const uint32_t mult = preCount ? preCount : 1;
  unsigned slot = basePort_;
  if (negativePort_ >= 0 && w < 0) {
    slot = unsigned(negativePort_);
    w = -w;
  }
  size_t r = (size_t((k + uint64_t(d)) % tgt.D) * tgt.ports + slot) * tgt.n + target_[p];
  tgt.ringSum[r] += mult == 1 ? w : w * double(mult);
  tgt.ringCount[r] += mult;
  return true;
}

void ModelSynapses::loadThirdFactors(uint64_t p, const PopulationRuntime &tgt, std::vector<double> &ports) const {
  // What the synapse reads at step k (R24): the modulator's spikes of step
  // k, and the target neuron's variables as they are after its phase 4 of
  // step k (at t_{k+1}).
  if (info_.modPort)
    ports[exec_->portSlot(*info_.modPort)] = double(modCount_);
  for (const PostRead &r : postReads_) {
    const Value &v = tgt.state[size_t(r.targetSlot) * tgt.n + target_[p]];
    double x = r.kind == TypeKind::Int ? double(v.i) : r.kind == TypeKind::Bool ? double(v.b) : v.r;
    ports[r.portSlot] = r.factor == 1 ? x : x * r.factor;
  }
}

bool ModelSynapses::reportNonFinite(uint64_t p, uint64_t k, const Value *row, std::string &error) const {
  uint64_t s = uint64_t(std::upper_bound(offsets_.begin(), offsets_.end(), p) - offsets_.begin()) - 1;
  std::string var = "a state variable";
  double x = 0;
  for (const Variable &v : m_->variables)
    if (v.role == VarRole::State && v.type.kind == TypeKind::Real && !std::isfinite(row[exec_->slotOf(v.id)].r)) {
      var = "'" + v.name + "'";
      x = row[exec_->slotOf(v.id)].r;
      break;
    }
  char t[64];
  std::snprintf(t, sizeof t, "%.10g", double(k + 1) * dt_);
  error = "numeric trouble: " + var + " of the synapse " + std::to_string(s) + " -> " +
          std::to_string(target_[p]) + " of " + what_ + " became " + (std::isnan(x) ? "NaN" : "infinite") +
          " in the step ending at t = " + t + " ms; the run stops here";
  return false;
}

void ModelSynapses::rebase(uint64_t k) {
  std::vector<Value> row = shared_;
  const size_t nOwn = ownSlots_.size();
  for (uint64_t p = 0; p < size(); ++p) {
    loadRow(p, row.data());
    catchUp(p, row.data(), doneOf(p), k);
    for (size_t c = 0; c < nOwn; ++c)
      own_[p * nOwn + c] = row[ownSlots_[c]];
    done_[p] = 0;
  }
  epoch_ = k;
}

bool ModelSynapses::stepTargets(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, uint32_t lo,
                                uint32_t hi, Scratch &s, std::string &error, uint64_t &failedAt) {
  auto run = [&](uint64_t p, uint32_t preCount, bool post) {
    if (runSynapse(p, k, preCount, post, tgt, s, error))
      return true;
    failedAt = p;
    return false;
  };
  auto mine = [&](uint64_t p) { return target_[p] >= lo && target_[p] < hi; };
  if (stepAll_) {
    // Every synapse (its update may emit, or a neuromodulator spike
    // reaches them all).
    for (uint64_t n = 0; n < sources_; ++n)
      for (uint64_t p = offsets_[n]; p < offsets_[n + 1]; ++p)
        if (mine(p) && !run(p, preCount_[n], postFlag_[target_[p]] != 0))
          return false;
    return true;
  }
  // Merge the synapses with a postsynaptic spike (posts_, ascending) with
  // the rows of the sources that fired (ascending).
  size_t qi = 0;
  for (size_t q = 0; q < src.fired.size(); ++q) {
    uint64_t n = src.fired[q];
    for (uint64_t p = offsets_[n]; p < offsets_[n + 1]; ++p) {
      if (!mine(p))
        continue;
      for (; qi < posts_.size() && posts_[qi] < p; ++qi)
        if (mine(posts_[qi]) && !run(posts_[qi], 0, true))
          return false;
      bool post = qi < posts_.size() && posts_[qi] == p;
      qi += post;
      if (!run(p, src.multiplicity[q], post))
        return false;
    }
  }
  for (; qi < posts_.size(); ++qi)
    if (mine(posts_[qi]) && !run(posts_[qi], 0, true))
      return false;
  return true;
}

bool ModelSynapses::step(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, std::string &error) {
  if (size() == 0)
    return true;
  modCount_ = 0;
  if (modulator_)
    for (uint32_t n : modulator_->multiplicity)
      modCount_ += n;
  // Every synapse when its update may emit or a neuromodulator spike
  // reaches them all; else only those with a pre or post spike.
  stepAll_ = !lazy_ || modCount_ > 0;
  if (lazy_ && !done_.empty() && k + 1 - epoch_ >= (uint64_t(1) << 31))
    rebase(k);
  uint64_t work = 0;
  if (stepAll_) {
    for (size_t q = 0; q < src.fired.size(); ++q)
      preCount_[src.fired[q]] = src.multiplicity[q];
    for (uint32_t t : tgt.fired)
      postFlag_[t] = 1;
    work = size();
  } else {
    // The synapses with a postsynaptic spike, in position order.
    posts_.clear();
    // Each target's positions are ascending: merge them.
    if (info_.postPort)
      for (uint32_t t : tgt.fired) {
        size_t mid = posts_.size();
        for (uint64_t q = targetOffsets_[t]; q < targetOffsets_[t + 1]; ++q)
          posts_.push_back(byTarget_[q]);
        std::inplace_merge(posts_.begin(), posts_.begin() + std::ptrdiff_t(mid), posts_.end());
      }
    work = posts_.size();
    for (uint32_t n : src.fired)
      work += offsets_[n + 1] - offsets_[n];
  }
  if (!traces_.empty())
    advanceSharedTraces(shared_.data()); // update: of step k
  // Threads take disjoint ranges of target neurons: each synapse runs on
  // one thread, each ring cell is written by one thread, in position order
  // (R17), so the sums and every synapse's values are those of one thread.
  // The first failure in position order is the one one thread would meet.
  const unsigned workers = pool_ ? pool_->size() : 1;
  const uint64_t parts = work >= 64 ? std::min<uint64_t>(workers, targets_) : 1;
  bool ok = true;
  if (parts <= 1) {
    Scratch s = scratch(0);
    uint64_t failedAt = 0;
    ok = stepTargets(k, src, tgt, 0, uint32_t(targets_), s, error, failedAt);
  } else {
    std::vector<std::string> errors(parts);
    std::vector<uint64_t> failedAt(parts, UINT64_MAX);
    pool_->run(parts, [&](size_t part, unsigned worker) {
      uint32_t lo = uint32_t(targets_ * part / parts), hi = uint32_t(targets_ * (part + 1) / parts);
      Scratch s = scratch(worker);
      stepTargets(k, src, tgt, lo, hi, s, errors[part], failedAt[part]);
    });
    size_t first = size_t(std::min_element(failedAt.begin(), failedAt.end()) - failedAt.begin());
    if (failedAt[first] != UINT64_MAX) {
      error = errors[first];
      ok = false;
    }
    for (auto &w : extra_) {
      for (auto &[text, count] : w->warnings)
        warnings_[text] += count;
      w->warnings.clear();
    }
  }
  if (ok && !traces_.empty())
    commitSharedTraces(src, tgt);
  if (stepAll_) {
    for (uint32_t n : src.fired)
      preCount_[n] = 0;
    for (uint32_t t : tgt.fired)
      postFlag_[t] = 0;
  }
  return ok;
}

void ModelSynapses::setExecution(WorkerPool &pool, const SynapseKernelFactory &kernels) {
  pool_ = &pool;
  extra_.clear();
  for (unsigned w = 1; w < pool.size(); ++w) {
    auto store = std::make_unique<WorkerStore>();
    store->row = row_;
    store->ports = zeroPorts_;
    store->exec = std::make_unique<ModelExecutor>(*m_, dt_);
    extra_.push_back(std::move(store));
  }
  kernel_.reset();
  if (!kernels)
    return;
  SynapseKernelRequest request;
  request.model = m_;
  request.dtMs = dt_;
  request.rngKey = rngKey_;
  std::string why;
  kernel_ = kernels(request, why);
  if (!kernel_) {
    warnings_[what_ + ": runs interpreted, not compiled: " + why]++;
    return;
  }
  kernel_->setWorkers(pool.size());
}

bool ModelSynapses::values(uint64_t steps, const std::string &variable, SynapseValues &out,
                           std::string &error) const {
  const Model &m = *m_;
  auto id = m.findVariable(variable);
  if (!id) {
    std::vector<std::string> names;
    for (const Variable &v : m.variables)
      if (v.role != VarRole::Local && v.role != VarRole::Argument)
        names.push_back(v.name);
    error = "synapse model '" + m.name + "' has no variable '" + variable + "'" + didYouMean(variable, names);
    return false;
  }
  const Variable &var = m.variables[*id];
  if (var.role == VarRole::Local || var.role == VarRole::Argument || var.vectorSize) {
    error = "'" + variable + "' of synapse model '" + m.name + "' cannot be read (a local or vector variable)";
    return false;
  }
  const unsigned slot = exec_->slotOf(*id);
  out.source.resize(size());
  out.target.assign(target_.begin(), target_.end());
  out.value.resize(size());
  std::vector<Value> row = shared_;
  for (uint64_t s = 0; s < sources_; ++s)
    for (uint64_t p = offsets_[s]; p < offsets_[s + 1]; ++p) {
      out.source[p] = uint32_t(s);
      Value v = shared_[slot];
      if (const SharedTrace *t = sharedTraceAt(slot)) {
        v.r = t->value[t->post ? target_[p] : s];
      } else if (ownColumn_[slot] >= 0) {
        loadRow(p, row.data());
        // A lazy synapse is brought to `steps` on a copy: what stepping
        // every step would show.
        if (!done_.empty() && !catchUp(p, row.data(), doneOf(p), steps) && kernel_) {
          error = what_ + ": " + kernel_->fatalMessage(0);
          return false;
        }
        v = row[slot];
      }
      out.value[p] = var.type.kind == TypeKind::Int ? double(v.i) : var.type.kind == TypeKind::Bool ? v.b : v.r;
    }
  if (!exec_->fatal().empty()) {
    error = what_ + ": " + exec_->fatal();
    return false;
  }
  return true;
}

} // namespace nsc::network
