//===- ModelSynapses.cpp - Building a plastic projection ------------------===//
//
// Connectivity in CSR by source, each synapse's initial values (R4 for
// synapses: the model's defaults, then the projection's `MODEL(x = ...)`
// arguments — distributions drawn from stream 7 — and its `weight =` for
// the weight variable, in Model::initOrder, then `prepare`), the split of
// the model's slots into shared and per-synapse ones, and the ring size
// the delays need.
//
//===----------------------------------------------------------------------===//
#include "ModelSynapses.h"

#include "nsc/network/NetworkValue.h"
#include "nsc/runtime/Schedule.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

namespace nsc::network {

using namespace ir;

namespace {
bool sameBits(const Value &a, const Value &b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool isHomogeneous(const Variable &v) {
  return std::find(v.decorators.begin(), v.decorators.end(), "homogeneous") != v.decorators.end();
}

std::string unitText(const units::Unit &u) { return u.isDimensionless() ? "real" : units::formatUnit(u); }
} // namespace

bool ModelSynapses::build(const Module &module, const Network &net, const Projection &pr, uint32_t index,
                          runtime::SynapseList &list, const runtime::ConnectionSpec &spec, double dtMs,
                          std::string &error) {
  dt_ = dtMs;
  index_ = index;
  seed_ = spec.seed;
  pr_ = &pr;
  if (!checkSetup(module, net, pr, error))
    return false;
  rngKey_ = runtime::deriveStreamKey(seed_, index_, runtime::Stream::SynapseRandom);
  buildConnectivity(list);
  if (!buildInitialInputs(pr, list, spec, error) || !initialise(error) || !computeMaxDelay(error))
    return false;
  return true;
}

bool ModelSynapses::checkSetup(const Module &module, const Network &net, const Projection &pr, std::string &error) {
  if (pr.synapseModel >= module.models.size()) {
    error = "internal error: the projection's synapse model is missing";
    return false;
  }
  m_ = module.models[pr.synapseModel].get();
  const Model &m = *m_;
  what_ = "plastic projection '" +
          (pr.name.empty() ? net.populations[pr.source.population].name + " -> " +
                                 net.populations[pr.target.population].name
                           : pr.name) +
          "' (synapse model '" + pr.synapseName + "')";
  if (!analyzeSynapseModel(m, info_, error)) {
    error = what_ + ": " + error;
    return false;
  }
  const Population &src = net.populations[pr.source.population];
  const Population &tgt = net.populations[pr.target.population];
  if (isCurrentSource(src.kind)) {
    error = what_ + ": the source '" + src.name + "' is a current source; synapse models need spikes";
    return false;
  }
  if (tgt.kind != PopulationKind::Model) {
    error = what_ + ": the target must be a model population";
    return false;
  }
  const Model &tm = *module.models[tgt.model];
  const Port &port = tm.ports[pr.port];
  if (port.kind != PortKind::Spike) {
    error = what_ + ": port '" + port.name + "' of '" + tm.name + "' is not a spike port";
    return false;
  }
  if (!info_.prePort) {
    error = what_ + ": synapse model '" + m.name + "' has no presynaptic spike port";
    return false;
  }
  exec_ = std::make_unique<ModelExecutor>(m, dt_);
  rowSize_ = exec_->rowSize();
  ModelExecutor targetExec(tm, dt_);
  basePort_ = targetExec.portSlot(pr.port);
  negativePort_ = pr.negativePort ? int(targetExec.portSlot(*pr.negativePort)) : -1;

  // Units of what emit_spike passes: every call alike, the weight converted
  // into the port's weight unit when the port declares one and the weight
  // has a unit (a plain number is read in the port's unit), the delay into
  // ms (a plain number is ms).
  const Type *wType = nullptr, *dType = nullptr;
  for (const EmitSpike *e : info_.emits) {
    const Type &w = e->args[0]->type;
    if (wType && !w.unit.sameAs(wType->unit)) {
      error = what_ + ": emit_spike is called with weights in '" + unitText(wType->unit) + "' and in '" +
              unitText(w.unit) + "'";
      return false;
    }
    wType = &w;
    if (e->args.size() > 1) {
      const Type &d = e->args[1]->type;
      if (dType && !d.unit.sameAs(dType->unit)) {
        error = what_ + ": emit_spike is called with delays in '" + unitText(dType->unit) + "' and in '" +
                unitText(d.unit) + "'";
        return false;
      }
      dType = &d;
    }
  }
  if (wType && port.declaredType && port.type.isNumeric() && !port.type.unit.isDimensionless() &&
      !wType->unit.isDimensionless()) {
    if (wType->unit.dim != port.type.unit.dim) {
      error = what_ + " emits weights in '" + unitText(wType->unit) + "', but port '" + port.name + "' of '" +
              tm.name + "' takes '" + unitText(port.type.unit) + "'";
      return false;
    }
    weightFactor_ = port.type.unit.conversionFrom(wType->unit);
  }
  if (dType && !dType->unit.isDimensionless())
    delayFactor_ = units::lookupUnit("ms")->conversionFrom(dType->unit);
  sources_ = src.size;
  targets_ = tgt.size;
  return setupThirdFactors(pr, tm, error);
}

bool ModelSynapses::setupThirdFactors(const Projection &pr, const Model &tm, std::string &error) {
  const Model &m = *m_;
  if (info_.modPort && !pr.modulator) {
    error = what_ + ": the synapse model reads a neuromodulator through port '" + m.ports[*info_.modPort].name +
            "'; name its source with 'modulator = POPULATION'";
    return false;
  }
  if (pr.modulator && !info_.modPort) {
    error = what_ + ": 'modulator' is given, but the synapse model has no neuromodulator port ('mod...')";
    return false;
  }
  // A continuous port `x` of the synapse model reads variable `x` of the
  // target neuron, converted into the port's unit (a unit-less port takes
  // the number in the variable's unit).
  postReads_.clear();
  ModelExecutor targetExec(tm, dt_);
  for (uint32_t port : info_.postReadPorts) {
    const Port &pt = m.ports[port];
    auto v = tm.findVariable(pt.name);
    const Variable *var = v ? &tm.variables[*v] : nullptr;
    if (!var || var->vectorSize || (var->role != VarRole::State && var->role != VarRole::Parameter)) {
      error = what_ + ": the synapse model reads '" + pt.name + "' of its postsynaptic neuron, but model '" +
              tm.name + "' has no scalar state variable or parameter '" + pt.name + "'";
      return false;
    }
    if (ModelExecutor::isFixed(var->type) || var->type.kind == TypeKind::String) {
      error = what_ + ": '" + pt.name + "' of model '" + tm.name + "' is " +
              (ModelExecutor::isFixed(var->type) ? "fixed point" : "a string") +
              "; a synapse reads floating-point, integer or boolean variables of its postsynaptic neuron";
      return false;
    }
    double factor = 1;
    const units::Unit &to = pt.type.unit, &from = var->type.unit;
    if (!to.isDimensionless() && !from.isDimensionless()) {
      if (to.dim != from.dim) {
        error = what_ + ": '" + pt.name + "' of model '" + tm.name + "' is in '" + unitText(from) +
                "', but the synapse model's input takes '" + unitText(to) + "'";
        return false;
      }
      factor = to.conversionFrom(from);
    }
    postReads_.push_back({exec_->portSlot(port), targetExec.slotOf(*v), var->type.kind, factor});
  }
  return true;
}

void ModelSynapses::buildConnectivity(const runtime::SynapseList &list) {
  size_t n = list.size();
  offsets_.assign(sources_ + 1, 0);
  for (uint64_t s : list.source)
    ++offsets_[s + 1];
  for (uint64_t s = 0; s < sources_; ++s)
    offsets_[s + 1] += offsets_[s];
  // Stable counting sort: a row keeps the connection order (R17).
  std::vector<uint64_t> fill(offsets_.begin(), offsets_.end() - 1);
  std::vector<uint64_t> at(n);
  for (size_t i = 0; i < n; ++i)
    at[i] = fill[list.source[i]]++;
  target_.resize(n);
  for (size_t i = 0; i < n; ++i)
    target_[at[i]] = uint32_t(list.target[i]);
  bool randomArgs = false;
  for (const PopulationInit &a : pr_->synapseParams)
    randomArgs = randomArgs || NetworkValue::isRandom(*a.value);
  if (info_.usesRandom || info_.initUsesRandom || randomArgs) {
    synapseIndex_.resize(n);
    for (size_t i = 0; i < n; ++i)
      synapseIndex_[at[i]] = uint32_t(i);
  }
  if (info_.postPort) {
    targetOffsets_.assign(targets_ + 1, 0);
    for (uint32_t t : target_)
      ++targetOffsets_[t + 1];
    for (uint64_t t = 0; t < targets_; ++t)
      targetOffsets_[t + 1] += targetOffsets_[t];
    std::vector<uint64_t> next(targetOffsets_.begin(), targetOffsets_.end() - 1);
    byTarget_.resize(n);
    for (uint64_t p = 0; p < n; ++p)
      byTarget_[next[target_[p]]++] = uint32_t(p);
  }
}

bool ModelSynapses::buildInitialInputs(const Projection &pr, runtime::SynapseList &list,
                                       const runtime::ConnectionSpec &spec, std::string &error) {
  const Model &m = *m_;
  argOf_.assign(m.variables.size(), nullptr);
  for (const PopulationInit &a : pr.synapseParams) {
    if (a.var >= m.variables.size())
      continue;
    const Variable &v = m.variables[a.var];
    if (isHomogeneous(v) && NetworkValue::isRandom(*a.value)) {
      error = what_ + ": parameter '" + v.name +
              "' is @homogeneous, one value for the whole projection; it cannot be drawn per synapse";
      return false;
    }
    argOf_[a.var] = &a;
  }
  if (!list.delay.empty())
    warnings_[what_ + ": the delays of '" + spec.path +
              "' are not used; the synapse model sends spikes with the delay it passes to emit_spike"]++;
  bool fromFile = !list.weight.empty();
  if (!pr.weight && !fromFile)
    return true;
  if (!info_.weightVar) {
    error = what_ + ": synapse model '" + m.name +
            "' has no weight variable (the first argument of emit_spike, or a variable 'w'); set its initial "
            "values in '" + pr.synapseName + "(...)'";
    return false;
  }
  const Variable &wv = m.variables[*info_.weightVar];
  if (argOf_[wv.id]) {
    error = what_ + ": the weight is given twice, as 'weight =' and as '" + pr.synapseName + "(" + wv.name +
            " = ...)'";
    return false;
  }
  if (wv.type.kind != TypeKind::Real) {
    error = what_ + ": the weight variable '" + wv.name + "' is not a real number";
    return false;
  }
  // `weight =` is in the target port's unit (a unit-less port: as written);
  // a weight variable with a unit of that dimension gets it converted, a
  // plain `real` weight takes the number.
  double factor = 1;
  if (pr.weight && !fromFile) {
    const units::Unit &from = pr.weight->type.unit, &to = wv.type.unit;
    if (!from.isDimensionless() && !to.isDimensionless()) {
      if (from.dim != to.dim) {
        error = what_ + ": 'weight =' is in '" + unitText(from) + "', but the weight variable '" + wv.name +
                "' is in '" + unitText(to) + "'";
        return false;
      }
      factor = to.conversionFrom(from);
    }
  }
  std::vector<double> w = fromFile ? std::move(list.weight)
                                   : runtime::drawPerSynapse(NetworkValue::distribution(*pr.weight), list, spec,
                                                             runtime::Stream::Weight);
  hasWeight_ = true;
  bool allSame = true;
  for (size_t i = 0; i < w.size(); ++i) {
    if (factor != 1)
      w[i] *= factor;
    allSame = allSame && std::memcmp(&w[i], &w[0], sizeof(double)) == 0;
  }
  if (w.empty() || allSame) {
    constantWeight_ = w.empty() ? 0.0 : w[0];
    return true;
  }
  // By position, as the rows are stored.
  weight_.resize(w.size());
  std::vector<uint64_t> fill(offsets_.begin(), offsets_.end() - 1);
  for (size_t i = 0; i < w.size(); ++i)
    weight_[fill[list.source[i]]++] = w[i];
  return true;
}

bool ModelSynapses::initRow(uint64_t i, const double *weight, std::vector<Value> &row, std::string &error) {
  const Model &m = *m_;
  row.assign(std::max(1u, rowSize_), Value{});
  NeuronFrame f;
  f.row = row.data();
  f.stride = 1;
  f.portValue = zeroPorts_.data();
  f.neuron = i;
  f.rngKey = rngKey_;
  std::vector<VarId> order = m.initOrder;
  if (order.empty())
    for (const Variable &v : m.variables)
      order.push_back(v.id);
  for (VarId v : order) {
    const Variable &var = m.variables[v];
    if (var.role == VarRole::Local || var.role == VarRole::Argument)
      continue;
    unsigned elems = exec_->layout().elements(v);
    for (unsigned e = 0; e < elems; ++e) {
      if (const PopulationInit *a = argOf_[v]) {
        double value;
        if (NetworkValue::isRandom(*a->value)) {
          auto rs = runtime::RandomStream::perIndex(seed_, index_, runtime::Stream::SynapseInitialValue, i,
                                                    uint16_t(v));
          for (unsigned skip = 0; skip < e; ++skip)
            NetworkValue::eval(*a->value, &rs);
          value = NetworkValue::eval(*a->value, &rs);
        } else {
          value = NetworkValue::eval(*a->value, nullptr);
        }
        exec_->store(v, value, f, e);
      } else if (weight && info_.weightVar && v == *info_.weightVar) {
        exec_->store(v, *weight, f, e);
      } else if (var.init) {
        f.cell(exec_->slotOf(v) + e) = exec_->evalAs(*var.init, var.type, f);
      }
    }
  }
  exec_->exec(m.prepare, f);
  if (!exec_->fatal().empty()) {
    error = what_ + ": " + exec_->fatal();
    return false;
  }
  return true;
}

bool ModelSynapses::initialise(std::string &error) {
  const Model &m = *m_;
  const uint64_t S = size();
  zeroPorts_.assign(std::max(1u, exec_->portSlots()), 0.0);
  ports_ = zeroPorts_;
  auto weightAt = [&](uint64_t p) -> const double * {
    if (!hasWeight_)
      return nullptr;
    return weight_.empty() ? &constantWeight_ : &weight_[p];
  };
  std::vector<Value> row0, row;
  if (!initRow(synapseIndex(0), S ? weightAt(0) : nullptr, row0, error))
    return false;
  // Rows differ between synapses only through per-synapse draws or
  // weights; when only the weight differs and nothing else reads it at
  // start-up, every row is row0 with its own weight.
  const bool drawn = !synapseIndex_.empty();
  const bool weightOnly = !drawn && !weight_.empty() && !info_.initReadsWeight;
  const bool identical = !drawn && weight_.empty();
  const unsigned weightSlot = info_.weightVar ? exec_->slotOf(*info_.weightVar) : 0;
  auto rowFor = [&](uint64_t p, std::vector<Value> &out) -> bool {
    if (identical || weightOnly) {
      out = row0;
      if (weightOnly) {
        NeuronFrame wf;
        wf.row = out.data();
        wf.stride = 1;
        exec_->store(*info_.weightVar, weight_[p], wf);
      }
      return true;
    }
    return initRow(synapseIndex(p), weightAt(p), out, error);
  };

  // Which slots each synapse keeps: states, whatever code assigns, and the
  // parameters and internals that differ between synapses.
  std::vector<bool> own(std::max(1u, rowSize_), false);
  for (const Variable &v : m.variables) {
    if (v.role == VarRole::Local || v.role == VarRole::Argument)
      continue;
    if (v.role == VarRole::State || info_.assigned[v.id])
      for (unsigned e = 0; e < exec_->layout().elements(v.id); ++e)
        own[exec_->slotOf(v.id) + e] = true;
  }
  if (hasWeight_ && info_.weightVar)
    own[weightSlot] = own[weightSlot] || !weight_.empty();
  if (!identical)
    for (uint64_t p = 1; p < S; ++p) {
      if (!rowFor(p, row))
        return false;
      for (size_t s = 0; s < row.size(); ++s)
        own[s] = own[s] || !sameBits(row[s], row0[s]);
    }
  // Locals and arguments are scratch: never stored.
  for (const Variable &v : m.variables)
    if (v.role == VarRole::Local || v.role == VarRole::Argument)
      for (unsigned e = 0; e < exec_->layout().elements(v.id); ++e)
        own[exec_->slotOf(v.id) + e] = false;
  ownSlots_.clear();
  ownColumn_.assign(own.size(), -1);
  for (unsigned s = 0; s < own.size(); ++s)
    if (own[s]) {
      ownColumn_[s] = int(ownSlots_.size());
      ownSlots_.push_back(s);
    }
  shared_ = row0;
  row_ = row0;
  const size_t nOwn = ownSlots_.size();
  own_.assign(S * nOwn, Value{});
  for (uint64_t p = 0; p < S; ++p) {
    if (p == 0)
      row = row0;
    else if (!rowFor(p, row))
      return false;
    for (size_t c = 0; c < nOwn; ++c)
      own_[p * nOwn + c] = row[ownSlots_[c]];
  }
  realStateSlots_.clear();
  for (const Variable &v : m.variables)
    if (v.role == VarRole::State && v.type.kind == TypeKind::Real)
      for (unsigned e = 0; e < exec_->layout().elements(v.id); ++e)
        realStateSlots_.push_back(exec_->slotOf(v.id) + e);

  lazy_ = info_.lazyUpdate;
  epoch_ = 0;
  if (lazy_ && !info_.emptyUpdate)
    done_.assign(S, 0);
  else
    done_.clear();
  decays_.clear();
  fastDecays_ = false;
  if (lazy_ && info_.decays) {
    for (auto &[x, c] : *info_.decays)
      decays_.push_back({exec_->slotOf(x), exec_->slotOf(c)});
    fastDecays_ = true;
  }
  findSharedTraces();
  if (!lazy_ || info_.modPort) {
    preCount_.assign(sources_, 0);
    postFlag_.assign(targets_, 0);
  }
  for (auto &w : extra_) {
    w->row = row_;
    w->ports = zeroPorts_;
  }
  return true;
}

bool ModelSynapses::computeMaxDelay(std::string &error) {
  // The largest delay any emit_spike can ask for, from every synapse's
  // initial values: exact when the delays depend only on what no code
  // assigns (the usual `d` parameter), else a bound that run-time delays
  // are clamped to (with a warning).
  int64_t hi = 1;
  std::map<double, int64_t> offGrid;
  const size_t nOwn = ownSlots_.size();
  std::vector<Value> row = shared_;
  NeuronFrame f;
  f.row = row.data();
  f.stride = 1;
  f.portValue = zeroPorts_.data();
  f.rngKey = rngKey_;
  for (const EmitSpike *e : info_.emits) {
    if (e->args.size() < 2)
      continue;
    // One evaluation when the delay reads no per-synapse value.
    bool perSynapse = false;
    std::function<void(const Expr &)> visit = [&](const Expr &x) {
      if (auto *r = dyn_cast<VarRef>(&x)) {
        unsigned s = exec_->slotOf(r->var);
        unsigned n = exec_->layout().elements(r->var);
        for (unsigned k = 0; k < n; ++k)
          perSynapse = perSynapse || ownColumn_[s + k] >= 0;
      }
      if (x.kind == ExprKind::Call || x.kind == ExprKind::PortRef)
        perSynapse = true;
    };
    std::function<void(const Expr &)> walkExpr = [&](const Expr &x) {
      visit(x);
      switch (x.kind) {
      case ExprKind::VarRef:
        if (cast<VarRef>(&x)->index)
          walkExpr(*cast<VarRef>(&x)->index);
        break;
      case ExprKind::Unary: walkExpr(*cast<Unary>(&x)->operand); break;
      case ExprKind::Binary:
        walkExpr(*cast<Binary>(&x)->lhs);
        walkExpr(*cast<Binary>(&x)->rhs);
        break;
      case ExprKind::UnitConvert: walkExpr(*cast<UnitConvert>(&x)->operand); break;
      case ExprKind::Cast: walkExpr(*cast<Cast>(&x)->operand); break;
      case ExprKind::Select: perSynapse = true; break;
      default: break;
      }
    };
    walkExpr(*e->args[1]);
    uint64_t count = perSynapse ? size() : std::min<uint64_t>(1, size());
    for (uint64_t p = 0; p < count; ++p) {
      for (size_t c = 0; c < nOwn; ++c)
        row[ownSlots_[c]] = own_[p * nOwn + c];
      f.neuron = synapseIndex(p);
      f.rng.reset();
      double ms = exec_->evalReal(*e->args[1], f) * delayFactor_;
      if (!std::isfinite(ms)) {
        if (info_.delaysStatic) {
          error = what_ + ": the delay passed to emit_spike is " + (std::isnan(ms) ? "NaN" : "infinite");
          return false;
        }
        continue;
      }
      int64_t d = runtime::drawnDelaySteps(ms, dt_);
      if (d > (int64_t(1) << 24)) {
        error = what_ + ": a delay of " + std::to_string(d) + " steps is too long (at most 2^24 steps)";
        return false;
      }
      auto raw = runtime::timeToSteps(ms, dt_);
      if (info_.delaysStatic && (runtime::isOffGrid(ms, dt_) || (raw && *raw < 1)))
        offGrid[ms] = d;
      hi = std::max(hi, d);
    }
  }
  maxDelay_ = uint32_t(hi);
  for (auto &[ms, d] : offGrid) {
    char t[200];
    auto raw = runtime::timeToSteps(ms, dt_);
    if (raw && *raw < 1)
      std::snprintf(t, sizeof t,
                    ": a delay of %.10g ms is shorter than one step (dt = %.10g ms); spikes are sent with one step",
                    ms, dt_);
    else
      std::snprintf(t, sizeof t, ": a delay of %.10g ms is not a multiple of dt = %.10g ms; rounded to %lld step%s",
                    ms, dt_, (long long)d, d == 1 ? "" : "s");
    warnings_[what_ + t]++;
  }
  if (!info_.delaysStatic && !info_.emits.empty())
    warnings_[what_ + ": the synapse model computes its delays while running; the ring buffer holds up to " +
              std::to_string(maxDelay_) + " steps (the largest delay at the start), longer ones are clamped"]++;
  return true;
}

bool ModelSynapses::reset(std::string &error) {
  warnings_.clear();
  return initialise(error) && computeMaxDelay(error);
}

void ModelSynapses::drainWarnings(std::map<std::string, uint64_t> &into) {
  for (auto &[text, count] : warnings_)
    into[text] += count;
  warnings_.clear();
  for (unsigned w = 0; w <= extra_.size(); ++w) {
    for (auto &[text, count] : execOf(w).warnings())
      into[m_->name + ": " + text] += count;
    execOf(w).warnings().clear();
  }
  if (kernel_) {
    // Under the interpreter's texts (above).
    std::map<std::string, uint64_t> compiled;
    kernel_->drainWarnings(compiled);
    for (auto &[text, count] : compiled)
      into[m_->name + ": " + text] += count;
  }
}

uint64_t ModelSynapses::bytes() const {
  return offsets_.size() * sizeof(uint64_t) + target_.size() * sizeof(uint32_t) +
         targetOffsets_.size() * sizeof(uint64_t) + byTarget_.size() * sizeof(uint32_t) +
         synapseIndex_.size() * sizeof(uint32_t) + weight_.size() * sizeof(double) + own_.size() * sizeof(Value) +
         shared_.size() * sizeof(Value) + done_.size() * sizeof(uint32_t) + sourceOf_.size() * sizeof(uint32_t) +
         firstOfTarget_.size() * sizeof(uint32_t);
}

} // namespace nsc::network
