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

void ModelSynapses::catchUp(uint64_t p, Value *row, uint64_t from, uint64_t to) const {
  if (from >= to)
    return;
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
    return;
  }
  for (uint64_t j = from; j < to; ++j) {
    NeuronFrame f;
    f.row = row;
    f.stride = 1;
    f.portValue = zeroPorts_.data();
    f.neuron = synapseIndex(p);
    f.step = j;
    f.tMs = double(j) * dt_;
    f.rngKey = rngKey_;
    exec_->exec(m_->update, f);
    if (!exec_->fatal().empty())
      return;
  }
}

bool ModelSynapses::runSynapse(uint64_t p, uint64_t k, uint32_t preCount, bool post, PopulationRuntime &tgt,
                               std::string &error) {
  Value *row = row_.data();
  loadRow(p, row);
  if (!done_.empty()) {
    // Steps skipped since the last event, then this step's update.
    uint64_t from = doneOf(p);
    if (fastDecays_) {
      catchUp(p, row, from, k + 1);
    } else {
      catchUp(p, row, from, k);
    }
    done_[p] = uint32_t(k + 1 - epoch_);
  }
  if (info_.prePort)
    ports_[exec_->portSlot(*info_.prePort)] = double(preCount);
  if (info_.postPort)
    ports_[exec_->portSlot(*info_.postPort)] = post ? 1.0 : 0.0;
  loadThirdFactors(p, tgt);
  // One frame reused for every synapse: its emit_spike arguments keep
  // their storage.
  NeuronFrame &f = frame_;
  f.row = row;
  f.stride = 1;
  f.portValue = ports_.data();
  f.neuron = synapseIndex(p);
  f.step = k;
  f.tMs = double(k) * dt_;
  f.rngKey = rngKey_;
  f.rng.reset();
  f.spiked = false;
  f.emitArgs.clear();
  if (!fastDecays_ && !info_.emptyUpdate)
    exec_->exec(m_->update, f);
  for (unsigned h : info_.handlerOrder) {
    const OnReceive &r = m_->onReceive[h];
    bool arrived = (info_.prePort && r.port == *info_.prePort && preCount > 0) ||
                   (info_.postPort && r.port == *info_.postPort && post) ||
                   (info_.modPort && r.port == *info_.modPort && modCount_ > 0);
    if (arrived)
      exec_->exec(r.body, f);
  }
  std::fill(ports_.begin(), ports_.end(), 0.0);
  if (!exec_->fatal().empty()) {
    error = what_ + ": " + exec_->fatal() + " (synapse " + std::to_string(p) + ", step " + std::to_string(k) + ")";
    return false;
  }
  const size_t nOwn = ownSlots_.size();
  Value *own = own_.data() + p * nOwn;
  for (size_t c = 0; c < nOwn; ++c)
    own[c] = row[ownSlots_[c]];
  for (unsigned s : realStateSlots_)
    if (!std::isfinite(row[s].r))
      return reportNonFinite(p, k, error);
  if (!f.spiked)
    return true;

  // emit_spike(w, d): into the target's ring, R14/R15, like a static synapse.
  double w = f.emitArgs[0];
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
  if (f.emitArgs.size() > 1) {
    double ms = f.emitArgs[1] * delayFactor_;
    if (std::isnan(ms))
      warnings_[what_ + ": emit_spike got a NaN delay; sent with one step"]++;
    d = runtime::drawnDelaySteps(ms, dt_); // R24: at least one step
  }
  if (d > int64_t(maxDelay_)) {
    warnings_[what_ + ": emit_spike delays longer than " + std::to_string(maxDelay_) +
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

void ModelSynapses::loadThirdFactors(uint64_t p, const PopulationRuntime &tgt) {
  // What the synapse reads at step k (R24): the modulator's spikes of step
  // k, and the target neuron's variables as they are after its phase 4 of
  // step k (at t_{k+1}).
  if (info_.modPort)
    ports_[exec_->portSlot(*info_.modPort)] = double(modCount_);
  for (const PostRead &r : postReads_) {
    const Value &v = tgt.state[size_t(r.targetSlot) * tgt.n + target_[p]];
    double x = r.kind == TypeKind::Int ? double(v.i) : r.kind == TypeKind::Bool ? double(v.b) : v.r;
    ports_[r.portSlot] = r.factor == 1 ? x : x * r.factor;
  }
}

bool ModelSynapses::reportNonFinite(uint64_t p, uint64_t k, std::string &error) const {
  uint64_t s = uint64_t(std::upper_bound(offsets_.begin(), offsets_.end(), p) - offsets_.begin()) - 1;
  const Value *row = row_.data();
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

bool ModelSynapses::step(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, std::string &error) {
  if (size() == 0)
    return true;
  modCount_ = 0;
  if (modulator_)
    for (uint32_t n : modulator_->multiplicity)
      modCount_ += n;
  if (!done_.empty() && k + 1 - epoch_ >= (uint64_t(1) << 31))
    rebase(k);
  // Every synapse when its update may emit or a neuromodulator spike
  // reaches them all; else only those with a pre or post spike.
  return !lazy_ || modCount_ > 0 ? stepAll(k, src, tgt, error) : stepEvents(k, src, tgt, error);
}

bool ModelSynapses::stepAll(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, std::string &error) {
  for (size_t q = 0; q < src.fired.size(); ++q)
    preCount_[src.fired[q]] = src.multiplicity[q];
  for (uint32_t t : tgt.fired)
    postFlag_[t] = 1;
  bool ok = true;
  for (uint64_t s = 0; s < sources_ && ok; ++s)
    for (uint64_t p = offsets_[s]; p < offsets_[s + 1] && ok; ++p)
      ok = runSynapse(p, k, preCount_[s], postFlag_[target_[p]] != 0, tgt, error);
  for (uint32_t s : src.fired)
    preCount_[s] = 0;
  for (uint32_t t : tgt.fired)
    postFlag_[t] = 0;
  return ok;
}

bool ModelSynapses::stepEvents(uint64_t k, PopulationRuntime &src, PopulationRuntime &tgt, std::string &error) {
  // The synapses with a postsynaptic spike, in position order.
  posts_.clear();
  if (info_.postPort)
    for (uint32_t t : tgt.fired)
      for (uint64_t q = targetOffsets_[t]; q < targetOffsets_[t + 1]; ++q)
        posts_.push_back(byTarget_[q]);
  std::sort(posts_.begin(), posts_.end());
  // Merge them with the rows of the sources that fired (ascending).
  size_t qi = 0;
  for (size_t q = 0; q < src.fired.size(); ++q) {
    uint64_t s = src.fired[q];
    for (uint64_t p = offsets_[s]; p < offsets_[s + 1]; ++p) {
      for (; qi < posts_.size() && posts_[qi] < p; ++qi)
        if (!runSynapse(posts_[qi], k, 0, true, tgt, error))
          return false;
      bool post = qi < posts_.size() && posts_[qi] == p;
      qi += post;
      if (!runSynapse(p, k, src.multiplicity[q], post, tgt, error))
        return false;
    }
  }
  for (; qi < posts_.size(); ++qi)
    if (!runSynapse(posts_[qi], k, 0, true, tgt, error))
      return false;
  return true;
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
      if (ownColumn_[slot] >= 0) {
        loadRow(p, row.data());
        // A lazy synapse is brought to `steps` on a copy: what stepping
        // every step would show.
        if (!done_.empty())
          catchUp(p, row.data(), doneOf(p), steps);
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
