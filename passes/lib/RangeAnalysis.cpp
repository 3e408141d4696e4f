//===- RangeAnalysis.cpp - Value ranges of a model's variables ------------===//
//
// Abstract interpretation of one step of the model over intervals:
//   start-up values  parameters, internals and propagator entries are
//                    computed in float64 from the defaults (what R31 does at
//                    start-up), so they are points;
//   one step         update, then every onReceive handler (it may or may not
//                    run: the result is joined with skipping it), then every
//                    onCondition (joined with not entering it; the condition
//                    refines the variables it compares on each path);
//   partitions       one interval environment per region of each small
//                    integer state variable the conditions compare with a
//                    constant (refr_count == 0 / > 0), so a refractory
//                    neuron's frozen V_m and the reset above V_th are seen
//                    (RangePartitions.h); joined for the reported ranges;
//   fixed point      states start at their initial value and are joined with
//                    the end-of-step values until nothing grows. After
//                    RangeOptions::wideningAfter rounds, a bound that still
//                    grows jumps to the next power of two (widening with
//                    thresholds), so contracting updates (leaky membranes,
//                    decaying currents) still get finite bounds, and after
//                    maxIterations to ±inf.
// Guards clamp state ranges ([[V_m >= -80 mV]]: assumed, not proven).
// This file holds the start-up values, the input ranges, the fixed point
// and the reported ranges; the interpretation of one step is RangeStep.cpp.
//
//===----------------------------------------------------------------------===//
#include "nsc/passes/RangeAnalysis.h"

#include "RangeAnalyzer.h"

#include "nsc/support/Units.h"
#include "nsc/numerics/MatrixExponential.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>

namespace nsc::passes {

using namespace ir;

namespace detail {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

/// The next "round" bound above x: powers of two (widening thresholds).
double widenUp(double x) {
  if (!std::isfinite(x))
    return x;
  if (x <= 0)
    return x > -1 ? 0 : -std::ldexp(1.0, int(std::floor(std::log2(-x))));
  return std::ldexp(1.0, int(std::ceil(std::log2(x))) + 1);
}

} // namespace

std::optional<double> RangeAnalyzer::startValue(const Expr &e) {
  double v;
  if (evaluateConstant(e, v))
    return v;
  switch (e.kind) {
  case ExprKind::VarRef: {
    auto &r = *cast<VarRef>(&e);
    return r.var < start_.size() ? start_[r.var] : std::nullopt;
  }
  case ExprKind::Unary: {
    auto &u = *cast<Unary>(&e);
    auto x = startValue(*u.operand);
    if (x && u.op == UnaryOp::Neg)
      return -*x;
    return std::nullopt;
  }
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    auto l = startValue(*b.lhs), r = startValue(*b.rhs);
    if (!l || !r)
      return std::nullopt;
    switch (b.op) {
    case BinaryOp::Add: return *l + *r;
    case BinaryOp::Sub: return *l - *r;
    case BinaryOp::Mul: return *l * *r;
    case BinaryOp::Div: return *l / *r;
    case BinaryOp::Pow: return std::pow(*l, *r);
    default: return std::nullopt;
    }
  }
  case ExprKind::UnitConvert: {
    auto &c = *cast<UnitConvert>(&e);
    auto x = startValue(*c.operand);
    return x ? std::optional<double>(*x * c.factor) : std::nullopt;
  }
  case ExprKind::Cast: {
    auto &c = *cast<Cast>(&e);
    auto x = startValue(*c.operand);
    if (x && c.castKind == CastKind::RealToInt)
      return std::trunc(*x);
    return x;
  }
  case ExprKind::Call: {
    auto &c = *cast<Call>(&e);
    std::vector<double> a;
    for (const ExprPtr &x : c.args) {
      auto v = startValue(*x);
      if (!v)
        return std::nullopt;
      a.push_back(*v);
    }
    double dt = m_.semantics.dtMs;
    switch (c.builtin) {
    case Builtin::Exp: return std::exp(a[0]);
    case Builtin::Expm1: return std::expm1(a[0]);
    case Builtin::Ln: return std::log(a[0]);
    case Builtin::Log10: return std::log10(a[0]);
    case Builtin::Sqrt: return std::sqrt(a[0]);
    case Builtin::Abs: return std::fabs(a[0]);
    case Builtin::Min: return std::min(a[0], a[1]);
    case Builtin::Max: return std::max(a[0], a[1]);
    case Builtin::Resolution: return dt;
    case Builtin::Steps: return double(std::llround(a[0] / dt));
    default: return std::nullopt;
    }
  }
  default: return std::nullopt;
  }
}

void RangeAnalyzer::computeStartValues() {
  start_.assign(m_.variables.size(), std::nullopt);
  populationSet_.clear();
  std::vector<VarId> order = m_.initOrder;
  if (order.empty())
    for (const Variable &v : m_.variables)
      order.push_back(v.id);
  for (VarId v : order) {
    const Variable &var = m_.variables[v];
    if ((var.role == VarRole::Parameter || var.role == VarRole::Internal) && var.init && !var.vectorSize) {
      start_[v] = startValue(*var.init);
      // A population sets another value: not a constant of the model any
      // more; its range is the hull (initialRanges), its dependents unknown.
      if (auto it = opt_.initRanges.find(var.name); it != opt_.initRanges.end()) {
        Interval pop = it->second;
        if (!(start_[v] && pop.lo == *start_[v] && pop.hi == *start_[v])) {
          populationSet_[v] = start_[v] ? Interval::point(*start_[v]).hull(pop) : Interval::all();
          start_[v] = std::nullopt;
        }
      }
    }
  }
  // Propagators of the exact solver (prepare block), from the same values.
  for (const StmtPtr &s : m_.prepare) {
    auto *cp = dyn_cast<ComputePropagator>(s.get());
    if (!cp)
      continue;
    numerics::Matrix A(cp->size), P, M;
    bool known = true;
    for (size_t k = 0; k < cp->matrix.size() && known; ++k)
      if (cp->matrix[k]) {
        auto v = startValue(*cp->matrix[k]);
        known = v.has_value();
        if (known)
          A.a[k] = *v;
      }
    if (!known || !numerics::propagator(A, cp->dtMs, P, M))
      continue;
    for (size_t k = 0; k < cp->propagator.size(); ++k) {
      if (cp->propagator[k] != kNoVar)
        start_[cp->propagator[k]] = P.a[k];
      if (cp->inputGain[k] != kNoVar)
        start_[cp->inputGain[k]] = M.a[k];
    }
  }
}

bool RangeAnalyzer::applyOverrides() {
  bool ok = true;
  for (const RangeOverride &o : opt_.overrides) {
    auto v = m_.findVariable(o.name);
    auto p = m_.findPort(o.name);
    if (!v && !p) {
      diags_.error(m_.loc, "--range names '" + o.name + "', which is not a variable or port of model '" +
                               m_.name + "'");
      ok = false;
      continue;
    }
    const Type &t = v ? m_.variables[*v].type : m_.ports[*p].type;
    auto toUnit = [&](double x, const std::string &unit, double &out) {
      if (unit.empty()) {
        out = x;
        return true;
      }
      std::string err;
      auto u = units::parseUnitExpr(unit, &err);
      if (!u || !(u->dim == t.unit.dim)) {
        diags_.error(m_.loc, "--range " + o.name + ": '" + unit + "' is not a unit of " +
                                 (t.unit.isDimensionless() ? std::string("a dimensionless value")
                                                           : "'" + units::formatUnit(t.unit) + "'"));
        return false;
      }
      out = x * t.unit.conversionFrom(*u);
      return true;
    };
    double lo, hi;
    if (!toUnit(o.lo, o.loUnit, lo) || !toUnit(o.hi, o.hiUnit, hi)) {
      ok = false;
      continue;
    }
    VarRange r{Interval::of(lo, hi), RangeKind::Override, "--range"};
    if (v) {
      res_.vars[*v] = r;
      fixedRange_[*v] = true;
    } else {
      res_.ports[*p] = r;
    }
  }
  return ok;
}

Interval RangeAnalyzer::guardClamp(VarId v) const {
  // [[x >= c]], [[x > c]], [[x <= c]], [[x < c]], c a start-up constant,
  // possibly joined by `and`.
  Interval out = Interval::all();
  const Variable &var = m_.variables[v];
  std::vector<const Expr *> todo{var.guard.get()};
  while (!todo.empty()) {
    const Expr *g = todo.back();
    todo.pop_back();
    auto *b = dyn_cast<Binary>(g);
    if (!b)
      continue;
    if (b->op == BinaryOp::And) {
      todo.push_back(b->lhs.get());
      todo.push_back(b->rhs.get());
      continue;
    }
    if (!isComparison(b->op))
      continue;
    auto *l = dyn_cast<VarRef>(b->lhs.get());
    auto *r = dyn_cast<VarRef>(b->rhs.get());
    BinaryOp op = b->op;
    const Expr *other = nullptr;
    if (l && l->var == v) {
      other = b->rhs.get();
    } else if (r && r->var == v) {
      other = b->lhs.get();
      op = op == BinaryOp::Lt ? BinaryOp::Gt : op == BinaryOp::Gt ? BinaryOp::Lt
           : op == BinaryOp::Le ? BinaryOp::Ge : op == BinaryOp::Ge ? BinaryOp::Le : op;
    }
    if (!other)
      continue;
    auto c = const_cast<RangeAnalyzer *>(this)->startValue(*other);
    if (!c)
      continue;
    if (op == BinaryOp::Ge || op == BinaryOp::Gt)
      out.lo = std::max(out.lo, *c);
    else if (op == BinaryOp::Le || op == BinaryOp::Lt)
      out.hi = std::min(out.hi, *c);
  }
  return out;
}

void RangeAnalyzer::initialRanges() {
  for (const Variable &v : m_.variables) {
    if (fixedRange_[v.id])
      continue;
    VarRange &r = res_.vars[v.id];
    auto pop = opt_.initRanges.find(v.name);
    if (start_[v.id]) {
      r = {Interval::point(*start_[v.id]), RangeKind::Proven, "start-up value"};
      fixedRange_[v.id] = true;
    } else if (auto ps = populationSet_.find(v.id); ps != populationSet_.end()) {
      r = {ps->second, ps->second.isBounded() ? RangeKind::Proven : RangeKind::Unbounded,
           "default and population values"};
      fixedRange_[v.id] = true;
    } else if (v.role == VarRole::State && v.init) {
      std::optional<double> x = startValue(*v.init);
      r = x ? VarRange{Interval::point(*x), RangeKind::Proven, "initial value"}
            : VarRange{guardClamp(v.id), RangeKind::Assumed, "guard"};
      if (x && pop != opt_.initRanges.end())
        r = {Interval::point(*x).hull(pop->second), RangeKind::Proven, "initial and population values"};
    } else if (v.role == VarRole::Parameter || v.role == VarRole::Internal) {
      r = {guardClamp(v.id), RangeKind::Assumed, "guard"};
      fixedRange_[v.id] = true;
    } else {
      r = {Interval::empty(), RangeKind::Proven, "assignments"};
    }
  }
  for (size_t p = 0; p < m_.ports.size(); ++p) {
    const Port &port = m_.ports[p];
    VarRange &r = res_.ports[p];
    if (r.kind == RangeKind::Override)
      continue;
    if (auto b = opt_.portBounds.find(port.name); b != opt_.portBounds.end() && b->second.range.isBounded()) {
      r = b->second;
      assumed_ = assumed_ || r.kind != RangeKind::Proven;
    } else if (auto it = opt_.portRanges.find(port.name); it != opt_.portRanges.end()) {
      r = {it->second, RangeKind::Proven, "network weights"};
    } else if (port.kind == PortKind::Spike) {
      double s = opt_.defaultSpikeSum;
      r = {port.excitatory || port.inhibitory ? Interval::of(0, s) : Interval::of(-s, s), RangeKind::Assumed,
           "default spike sum per step (set with --range " + port.name + "=LO..HI)"};
      assumed_ = true;
    } else {
      double s = opt_.defaultSpikeSum;
      r = {Interval::of(-s, s), RangeKind::Assumed,
           "default continuous input (set with --range " + port.name + "=LO..HI)"};
      assumed_ = true;
    }
  }
}

void RangeAnalyzer::partitionStart() {
  // One environment per partition (RangePartitions.h), keyed by the
  // region of each key variable; fixed ranges (overrides, start-up
  // constants) are no keys and are reset after every step.
  keys_.collect(m_, [this](const Expr &e) { return startValue(e); }, 64, fixedRange_);
  stepStart_.assign(m_.variables.size(), Interval());
  for (const Variable &v : m_.variables)
    stepStart_[v.id] = v.role == VarRole::Local ? Interval::empty() : res_.vars[v.id].range;
  initial_.clear();
  for (Env &p : keys_.split(stepStart_))
    initial_.emplace(keys_.keyOf(p), std::move(p));
}

RangeAnalyzer::State RangeAnalyzer::runStep(const State &from) {
  Envs outs;
  for (const auto &[k, env] : from)
    for (Env &o : step(env))
      outs.push_back(std::move(o));
  State next;
  for (Env &e : keys_.merge(outs)) {
    for (const Variable &v : m_.variables)
      if (v.role == VarRole::Local)
        e[v.id] = Interval::empty();
      else if (fixedRange_[v.id])
        e[v.id] = stepStart_[v.id];
    next.emplace(keys_.keyOf(e), std::move(e));
  }
  return next;
}

void RangeAnalyzer::restrictToKey(const std::vector<int> &k, Env &e) const {
  // The key variables' regions of partition k: what widening may not leave.
  for (size_t j = 0; j < keys_.keys().size(); ++j)
    if (k[j] >= 0)
      e[keys_.keys()[j].var] = e[keys_.keys()[j].var].intersect(keys_.region(j, k[j]));
}

Interval RangeAnalyzer::clampToGuard(const Variable &v, Interval x) {
  Interval g = x.intersect(guard_[v.id]);
  if (g != x && !g.isEmpty()) {
    clamped_[v.id] = true;
    return g;
  }
  return x;
}

Interval RangeAnalyzer::widen(VarId v, Interval grown, const Interval &old, bool last) {
  widened_[v] = true;
  // Partitions feed each other: a bound another partition was already
  // widened to is reused before the ladder climbs further (else each would
  // push the other up, one power at a time).
  auto up = [&](std::set<double> &marks, double x) {
    auto m = marks.lower_bound(x);
    if (m != marks.end())
      return *m;
    double w = widenUp(x);
    marks.insert(w);
    return w;
  };
  if (grown.hi > old.hi)
    grown.hi = last ? std::min(kInf, guard_[v].hi) : std::min(up(hiMarks_[v], grown.hi), guard_[v].hi);
  if (grown.lo < old.lo)
    grown.lo = last ? std::max(-kInf, guard_[v].lo) : std::max(-up(loMarks_[v], -grown.lo), guard_[v].lo);
  return grown;
}

bool RangeAnalyzer::growRound(State &state, unsigned it) {
  State next = runStep(state);
  bool changed = false;
  for (auto &[k, e] : next) {
    auto cur = state.find(k);
    if (cur == state.end()) {
      for (const Variable &v : m_.variables)
        if (isTracked(v))
          e[v.id] = clampToGuard(v, e[v.id]);
      state.emplace(k, e);
      changed = true;
      continue;
    }
    Env &old = cur->second;
    for (const Variable &v : m_.variables) {
      if (!isTracked(v))
        continue;
      Interval grown = clampToGuard(v, old[v.id].hull(e[v.id]));
      if (grown == old[v.id])
        continue;
      changed = true;
      if (it >= opt_.wideningAfter && !old[v.id].isEmpty())
        grown = widen(v.id, grown, old[v.id], it + 1 >= opt_.maxIterations / 2);
      old[v.id] = grown;
    }
    restrictToKey(k, old);
  }
  return changed;
}

void RangeAnalyzer::narrow(State &state) {
  // From the post-fixpoint, X' = initial ∪ step(X) (per partition) stays
  // sound and takes back what widening overshot (a membrane widened to
  // -32 mV returns to its threshold). The last round records the
  // expression and assignment ranges that are reported. Contracting
  // updates approach their bound geometrically (a membrane leak of 0.995
  // per step needs ~1000 rounds to take back a widening by 2^5): up to
  // 4000 rounds (cheap: one interval pass each), stopping when nothing
  // moves.
  const size_t n = m_.variables.size();
  for (int round = 0, last = 4000; round <= last; ++round) {
    if (round == last) {
      res_.exprs.clear();
      assigned_.assign(n, Interval::empty());
    }
    State next = runStep(state);
    bool shrinking = false;
    for (auto cur = state.begin(); cur != state.end();) {
      auto from = next.find(cur->first);
      auto init = initial_.find(cur->first);
      if (from == next.end() && init == initial_.end() && round < last) {
        cur = state.erase(cur); // no path reaches this partition any more
        continue;
      }
      Env &old = cur->second;
      for (const Variable &v : m_.variables) {
        if (!isTracked(v))
          continue;
        Interval x = init == initial_.end() ? Interval::empty() : init->second[v.id];
        if (from != next.end())
          x = x.hull(from->second[v.id]);
        x = x.intersect(guard_[v.id]);
        if (old[v.id].contains(x) && x != old[v.id]) {
          double moved = x.isEmpty() ? kInf
                                     : std::max(std::fabs(x.lo - old[v.id].lo), std::fabs(x.hi - old[v.id].hi));
          if (moved > 1e-12 * std::max(1.0, old[v.id].magnitude()) && round < last - 1)
            shrinking = true;
          old[v.id] = x;
        }
      }
      ++cur;
    }
    if (round < last - 1 && !shrinking)
      last = round + 1; // one more round to record the final ranges
  }
}

void RangeAnalyzer::report(const State &state) {
  const size_t n = m_.variables.size();
  Env joined(n, Interval::empty());
  for (const auto &[k, e] : state)
    for (const Variable &v : m_.variables)
      if (isTracked(v))
        joined[v.id] = joined[v.id].hull(e[v.id]);
  for (const Variable &v : m_.variables) {
    VarRange &r = res_.vars[v.id];
    if (fixedRange_[v.id]) {
      if (v.role == VarRole::State)
        res_.betweenSteps[v.id] = r.range;
      if (!r.range.isEmpty() && !r.range.isBounded() && r.kind != RangeKind::Override)
        r.kind = RangeKind::Unbounded;
      continue;
    }
    if (v.role == VarRole::Local) {
      r.range = assigned_[v.id];
    } else {
      res_.betweenSteps[v.id] = joined[v.id];
      r.range = joined[v.id].hull(assigned_[v.id].intersect(guard_[v.id]));
    }
    r.kind = assumed_ || clamped_[v.id] ? RangeKind::Assumed : RangeKind::Proven;
    r.why = v.role == VarRole::Local ? "its assignments" : "fixed point of the step after " +
                                                                std::to_string(res_.iterations) + " rounds";
    if (v.role != VarRole::Local && !keys_.empty())
      r.why += ", partitioned on " + keys_.describe(m_);
    if (widened_[v.id])
      r.why += ", widened";
    if (clamped_[v.id])
      r.why += ", clamped by its guard";
    if (assumed_)
      r.why += ", with assumed input ranges";
    if (!r.range.isEmpty() && !r.range.isBounded())
      r.kind = RangeKind::Unbounded;
  }
}

void RangeAnalyzer::run() {
  const size_t n = m_.variables.size();
  res_.vars.assign(n, {});
  res_.ports.assign(m_.ports.size(), {});
  res_.betweenSteps.assign(n, Interval::empty());
  fixedRange_.assign(n, false);
  assigned_.assign(n, Interval::empty());
  computeStartValues();
  res_.ok = applyOverrides();
  initialRanges();

  guard_.assign(n, Interval::all());
  for (const Variable &v : m_.variables)
    if (v.role == VarRole::State && v.guard)
      guard_[v.id] = guardClamp(v.id);
  partitionStart();

  State state = initial_;
  widened_.assign(n, false);
  clamped_.assign(n, false);
  hiMarks_.assign(n, {});
  loMarks_.assign(n, {});
  unsigned it = 0;
  for (; it < opt_.maxIterations; ++it)
    if (!growRound(state, it))
      break;
  res_.iterations = it + 1;
  narrow(state);
  report(state);
}

} // namespace detail

RangeResult analyzeRanges(const Model &model, const RangeOptions &options, DiagnosticEngine &diags) {
  RangeResult r;
  detail::RangeAnalyzer(model, options, diags, r).run();
  return r;
}

} // namespace nsc::passes
