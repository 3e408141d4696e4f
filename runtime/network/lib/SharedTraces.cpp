//===- SharedTraces.cpp - Traces kept once per neuron, not per synapse ----===//
//
// In pair STDP every synapse of a presynaptic neuron carries the same
// presynaptic trace (it decays, and jumps at that neuron's spikes), and
// every synapse onto a postsynaptic neuron the same postsynaptic trace.
// When the model's code shows that — the trace is an exact decay
// (x <- c·x, SynapseModelInfo::decays) with a coefficient shared by the
// projection, it starts equal in every synapse, and it is assigned only in
// the handlers of one port, by top-level statements whose right-hand sides
// read nothing but the trace itself, shared values and that port, in
// handlers without `return` — the runtime keeps one value per neuron,
// multiplies it by c every step, and places it in the row of each synapse
// that runs. Each synapse then computes the trace's jump itself, from the
// same value, so every synapse gets the same bits; the neuron's value takes
// the jump the first synapse of the neuron (in position order) computed
// once the step's synapses have run. The products are the ones the lazy
// catch-up applies, one step at a time, so the bits are those of stepping
// every synapse (R24), and a synapse event no longer pays for the steps its
// traces skipped.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"
#include "ModelSynapses.h"

#include "nsc/ir/IRWalk.h"

#include <cstring>

namespace nsc::network {

using namespace ir;

namespace {

/// Whether `e` reads only `x`, values shared by the projection (slots
/// without an own column, not locals) and port `port`.
bool sharedExpression(const Expr &e, VarId x, uint32_t port, const ModelExecutor &exec,
                      const std::vector<int> &ownColumn, const Model &m) {
  bool ok = true;
  forEachNode(e, [&](const Expr &n) {
    switch (n.kind) {
    case ExprKind::Constant:
    case ExprKind::Unary:
    case ExprKind::Binary:
    case ExprKind::Select:
    case ExprKind::UnitConvert:
    case ExprKind::Cast: break;
    case ExprKind::PortRef: ok = ok && cast<PortRef>(&n)->port == port && !cast<PortRef>(&n)->index; break;
    case ExprKind::VarRef: {
      auto *r = cast<VarRef>(&n);
      const Variable &v = m.variables[r->var];
      ok = ok && !r->index && !v.vectorSize &&
           (r->var == x || ((v.role == VarRole::Parameter || v.role == VarRole::Internal) &&
                            ownColumn[exec.slotOf(r->var)] < 0));
      break;
    }
    default: ok = false; break;
    }
  });
  return ok;
}

bool assigns(const Stmt &s, VarId x) {
  if (auto *a = dyn_cast<Assign>(&s))
    return a->target == x;
  if (auto *f = dyn_cast<For>(&s))
    return f->var == x;
  if (auto *d = dyn_cast<LocalDecl>(&s))
    return d->var == x;
  return false;
}

} // namespace

void ModelSynapses::findSharedTraces() {
  stateSlots_ = ownSlots_;
  traces_.clear();
  sourceOf_.clear();
  firstOfTarget_.clear();
  if (!lazy_ || !fastDecays_ || size() == 0 || !info_.decays)
    return;
  const Model &m = *m_;
  Model &mm = const_cast<Model &>(m); // walked, not changed
  const size_t nOwn = ownSlots_.size();
  std::vector<Decay> keep;
  for (auto &[x, c] : *info_.decays) {
    const unsigned xs = exec_->slotOf(x), cs = exec_->slotOf(c);
    bool ok = ownColumn_[cs] < 0 && ownColumn_[xs] >= 0;
    // The same start in every synapse.
    if (ok) {
      const size_t col = size_t(ownColumn_[xs]);
      for (uint64_t p = 1; p < size() && ok; ++p)
        ok = std::memcmp(&own_[p * nOwn + col], &own_[col], sizeof(Value)) == 0;
    }
    // Assigned only by the handlers of one port, at their top level.
    int port = -1;
    for (Function &f : mm.functions)
      forEachStmt(f.body, [&](Stmt &s) { ok = ok && !assigns(s, x); });
    for (OnReceive &r : mm.onReceive) {
      bool touches = false, returns = false, nested = false;
      forEachStmt(r.body, [&](Stmt &s) {
        touches = touches || assigns(s, x);
        returns = returns || s.kind == StmtKind::Return;
      });
      if (!touches)
        continue;
      for (StmtPtr &s : r.body)
        for (Block *child : childBlocks(*s))
          forEachStmt(*child, [&](Stmt &n) { nested = nested || assigns(n, x); });
      ok = ok && !returns && !nested && (port < 0 || port == int(r.port));
      port = int(r.port);
      for (StmtPtr &s : r.body)
        if (auto *a = dyn_cast<Assign>(s.get()); a && a->target == x)
          ok = ok && !a->index && sharedExpression(*a->value, x, r.port, *exec_, ownColumn_, m);
        else if (assigns(*s, x))
          ok = false;
    }
    const bool post = info_.postPort && port == int(*info_.postPort);
    ok = ok && (port < 0 || post || (info_.prePort && port == int(*info_.prePort)));
    if (!ok) {
      keep.push_back({xs, cs});
      continue;
    }
    SharedTrace t;
    t.slot = xs;
    t.coef = cs;
    t.post = post;
    t.value.assign(post ? targets_ : sources_, own_[size_t(ownColumn_[xs])].r);
    t.pending = t.value;
    traces_.push_back(std::move(t));
  }
  if (traces_.empty())
    return;
  // The traces leave the per-synapse storage.
  std::vector<unsigned> slots;
  for (unsigned slot : ownSlots_)
    if (!sharedTraceAt(slot))
      slots.push_back(slot);
  std::vector<Value> own(size() * slots.size());
  for (uint64_t p = 0; p < size(); ++p)
    for (size_t c = 0; c < slots.size(); ++c)
      own[p * slots.size() + c] = own_[p * nOwn + size_t(ownColumn_[slots[c]])];
  own_ = std::move(own);
  ownSlots_ = std::move(slots);
  std::fill(ownColumn_.begin(), ownColumn_.end(), -1);
  for (size_t c = 0; c < ownSlots_.size(); ++c)
    ownColumn_[ownSlots_[c]] = int(c);
  decays_ = std::move(keep); // the per-synapse catch-up leaves the shared traces alone
  sourceOf_.resize(size());
  for (uint64_t s = 0; s < sources_; ++s)
    for (uint64_t p = offsets_[s]; p < offsets_[s + 1]; ++p)
      sourceOf_[p] = uint32_t(s);
  if (info_.postPort) {
    firstOfTarget_.assign(targets_, UINT32_MAX);
    for (uint64_t t = 0; t < targets_; ++t)
      if (targetOffsets_[t] < targetOffsets_[t + 1])
        firstOfTarget_[t] = byTarget_[targetOffsets_[t]]; // positions by target are ascending
  }
}

void ModelSynapses::advanceSharedTraces(const Value *shared) {
  for (SharedTrace &t : traces_) {
    const double c = shared[t.coef].r;
    for (double &x : t.value)
      x = c * x;
  }
}

void ModelSynapses::loadSharedTraces(uint64_t p, Value *row) const {
  for (const SharedTrace &t : traces_)
    row[t.slot].r = t.value[t.post ? target_[p] : sourceOf_[p]];
}

void ModelSynapses::keepSharedTraces(uint64_t p, bool pre, bool post, const Value *row) {
  for (SharedTrace &t : traces_) {
    if (t.post) {
      if (post && firstOfTarget_[target_[p]] == p)
        t.pending[target_[p]] = row[t.slot].r;
    } else if (pre && offsets_[sourceOf_[p]] == p) {
      t.pending[sourceOf_[p]] = row[t.slot].r;
    }
  }
}

void ModelSynapses::commitSharedTraces(const PopulationRuntime &src, const PopulationRuntime &tgt) {
  for (SharedTrace &t : traces_)
    for (uint32_t n : t.post ? tgt.fired : src.fired)
      if (t.post ? firstOfTarget_[n] != UINT32_MAX : offsets_[n] < offsets_[n + 1])
        t.value[n] = t.pending[n];
}

const ModelSynapses::SharedTrace *ModelSynapses::sharedTraceAt(unsigned slot) const {
  for (const SharedTrace &t : traces_)
    if (t.slot == slot)
      return &t;
  return nullptr;
}

} // namespace nsc::network
