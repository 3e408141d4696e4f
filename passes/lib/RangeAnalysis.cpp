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
//   fixed point      states start at their initial value and are joined with
//                    the end-of-step values until nothing grows. After
//                    RangeOptions::wideningAfter rounds, a bound that still
//                    grows jumps to the next power of two (widening with
//                    thresholds), so contracting updates (leaky membranes,
//                    decaying currents) still get finite bounds, and after
//                    maxIterations to ±inf.
// Guards clamp state ranges ([[V_m >= -80 mV]]: assumed, not proven).
//
//===----------------------------------------------------------------------===//
#include "nsc/passes/RangeAnalysis.h"

#include "nsc/frontend/Units.h"
#include "nsc/numerics/MatrixExponential.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nsc::passes {

using namespace ir;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double mulEnd(double a, double b) { return (a == 0 || b == 0) ? 0 : a * b; }

std::string fmtNum(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v == 0 ? 0.0 : v); // no "-0"
  return buf;
}
} // namespace

bool Interval::isBounded() const { return !isEmpty() && std::isfinite(lo) && std::isfinite(hi); }
double Interval::magnitude() const { return isEmpty() ? 0 : std::max(std::fabs(lo), std::fabs(hi)); }
Interval Interval::hull(const Interval &o) const {
  if (isEmpty())
    return o;
  if (o.isEmpty())
    return *this;
  return {std::min(lo, o.lo), std::max(hi, o.hi)};
}
Interval Interval::intersect(const Interval &o) const { return {std::max(lo, o.lo), std::min(hi, o.hi)}; }
std::string Interval::str() const {
  if (isEmpty())
    return "empty";
  return "[" + fmtNum(lo) + ", " + fmtNum(hi) + "]";
}

Interval add(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  return {a.lo + b.lo, a.hi + b.hi};
}
Interval neg(const Interval &a) { return a.isEmpty() ? a : Interval{-a.hi, -a.lo}; }
Interval sub(const Interval &a, const Interval &b) { return add(a, neg(b)); }
Interval mul(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  double c[4] = {mulEnd(a.lo, b.lo), mulEnd(a.lo, b.hi), mulEnd(a.hi, b.lo), mulEnd(a.hi, b.hi)};
  return {std::min(std::min(c[0], c[1]), std::min(c[2], c[3])), std::max(std::max(c[0], c[1]), std::max(c[2], c[3]))};
}
Interval div(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  if (b.contains(0.0))
    return Interval::all();
  return mul(a, Interval::of(1 / b.lo, 1 / b.hi));
}
Interval scale(const Interval &a, double f) { return mul(a, Interval::point(f)); }

const char *rangeKindName(RangeKind k) {
  switch (k) {
  case RangeKind::Proven: return "proven";
  case RangeKind::Assumed: return "assumed";
  case RangeKind::Override: return "override";
  case RangeKind::Unbounded: return "unbounded";
  }
  return "?";
}

Interval RangeResult::expr(const Expr *e) const {
  auto it = exprs.find(e);
  return it == exprs.end() ? Interval::all() : it->second;
}

std::optional<RangeOverride> parseRangeOverride(const std::string &text, std::string &error) {
  error = "expected NAME=LO..HI, e.g. V_m=-80mV..-40mV";
  size_t eq = text.find('=');
  size_t dots = text.find("..", eq == std::string::npos ? 0 : eq);
  if (eq == std::string::npos || eq == 0 || dots == std::string::npos)
    return std::nullopt;
  RangeOverride o;
  o.name = text.substr(0, eq);
  auto number = [&](std::string s, double &v, std::string &unit) {
    while (!s.empty() && s.front() == ' ')
      s.erase(s.begin());
    while (!s.empty() && s.back() == ' ')
      s.pop_back();
    if (s.empty())
      return false;
    char *end = nullptr;
    v = std::strtod(s.c_str(), &end);
    if (end == s.c_str())
      return false;
    unit = end;
    while (!unit.empty() && unit.front() == ' ')
      unit.erase(unit.begin());
    return std::isfinite(v) || std::isinf(v);
  };
  if (!number(text.substr(eq + 1, dots - eq - 1), o.lo, o.loUnit) ||
      !number(text.substr(dots + 2), o.hi, o.hiUnit))
    return std::nullopt;
  if (o.lo > o.hi) {
    error = "the range of '" + o.name + "' is empty (lower end above upper end)";
    return std::nullopt;
  }
  error.clear();
  return o;
}

namespace {

class Analyzer {
public:
  Analyzer(const Model &m, const RangeOptions &o, DiagnosticEngine &d, RangeResult &r)
      : m_(m), opt_(o), diags_(d), res_(r) {}

  void run();

private:
  using Env = std::vector<Interval>;

  std::optional<double> startValue(const Expr &e);
  void computeStartValues();
  bool applyOverrides();
  void initialRanges();
  Interval eval(const Expr &e, const Env &env);
  void exec(const Block &b, Env &env);
  void refine(const Expr &cond, bool truth, Env &env);
  Interval guardClamp(VarId v) const;
  void step(Env &env);

  const Model &m_;
  const RangeOptions &opt_;
  DiagnosticEngine &diags_;
  RangeResult &res_;
  std::vector<std::optional<double>> start_;
  std::map<VarId, Interval> populationSet_; // parameters populations set to other values
  std::vector<bool> fixedRange_; // overrides and start-up constants: never changed
  bool assumed_ = false;         // some input rests on an assumption
  std::vector<Interval> assigned_; // every value assigned inside a step
};

std::optional<double> Analyzer::startValue(const Expr &e) {
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

void Analyzer::computeStartValues() {
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

bool Analyzer::applyOverrides() {
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

Interval Analyzer::guardClamp(VarId v) const {
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
    auto c = const_cast<Analyzer *>(this)->startValue(*other);
    if (!c)
      continue;
    if (op == BinaryOp::Ge || op == BinaryOp::Gt)
      out.lo = std::max(out.lo, *c);
    else if (op == BinaryOp::Le || op == BinaryOp::Lt)
      out.hi = std::min(out.hi, *c);
  }
  return out;
}

void Analyzer::initialRanges() {
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

Interval Analyzer::eval(const Expr &e, const Env &env) {
  Interval out = Interval::all();
  switch (e.kind) {
  case ExprKind::Constant: {
    auto &c = *cast<Constant>(&e);
    out = Interval::point(e.type.kind == TypeKind::Int ? double(c.integer) : c.real);
    break;
  }
  case ExprKind::VarRef: {
    auto &r = *cast<VarRef>(&e);
    if (r.index)
      eval(*r.index, env);
    out = env[r.var];
    break;
  }
  case ExprKind::PortRef: out = res_.ports[cast<PortRef>(&e)->port].range; break;
  case ExprKind::Unary: {
    auto &u = *cast<Unary>(&e);
    Interval x = eval(*u.operand, env);
    out = u.op == UnaryOp::Neg ? neg(x) : Interval::all();
    break;
  }
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    Interval l = eval(*b.lhs, env), r = eval(*b.rhs, env);
    switch (b.op) {
    case BinaryOp::Add: out = add(l, r); break;
    case BinaryOp::Sub: out = sub(l, r); break;
    case BinaryOp::Mul: out = mul(l, r); break;
    case BinaryOp::Div: out = div(l, r); break;
    case BinaryOp::Mod: out = Interval::of(-r.magnitude(), r.magnitude()); break;
    case BinaryOp::Pow:
      if (r.lo == r.hi && r.lo == std::nearbyint(r.lo) && r.lo >= 0 && r.lo <= 64) {
        int k = int(r.lo);
        double a = std::pow(l.lo, k), c = std::pow(l.hi, k);
        out = Interval::of(a, c);
        if (k % 2 == 0 && l.contains(0.0))
          out.lo = 0;
        if (k == 0)
          out = Interval::point(1);
      }
      break;
    default: break; // comparisons, logic, bits: not tracked
    }
    break;
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    eval(*s.cond, env);
    out = eval(*s.thenExpr, env).hull(eval(*s.elseExpr, env));
    break;
  }
  case ExprKind::UnitConvert: {
    auto &c = *cast<UnitConvert>(&e);
    out = scale(eval(*c.operand, env), c.factor);
    break;
  }
  case ExprKind::Cast: {
    auto &c = *cast<Cast>(&e);
    out = eval(*c.operand, env);
    if (c.castKind == CastKind::RealToInt && out.isBounded())
      out = {std::trunc(out.lo), std::trunc(out.hi)};
    break;
  }
  case ExprKind::Call: {
    auto &c = *cast<Call>(&e);
    std::vector<Interval> a;
    for (const ExprPtr &x : c.args)
      a.push_back(eval(*x, env));
    switch (c.builtin) {
    case Builtin::Abs:
      out = Interval::of(a[0].contains(0.0) ? 0 : std::min(std::fabs(a[0].lo), std::fabs(a[0].hi)), a[0].magnitude());
      break;
    case Builtin::Min: out = {std::min(a[0].lo, a[1].lo), std::min(a[0].hi, a[1].hi)}; break;
    case Builtin::Max: out = {std::max(a[0].lo, a[1].lo), std::max(a[0].hi, a[1].hi)}; break;
    case Builtin::Clip: out = {std::max(a[0].lo, a[1].lo), std::min(std::max(a[0].hi, a[1].lo), a[2].hi)}; break;
    case Builtin::Floor:
    case Builtin::Ceil:
    case Builtin::Round: out = {std::floor(a[0].lo), std::ceil(a[0].hi)}; break;
    case Builtin::Exp: out = {std::exp(a[0].lo), std::exp(a[0].hi)}; break;
    case Builtin::Resolution: out = Interval::point(m_.semantics.dtMs); break;
    case Builtin::Time: out = {0, kInf}; break;
    case Builtin::RandomUniform: out = {a[0].lo, a[1].hi}; break;
    default: {
      std::optional<double> v = startValue(e);
      if (v)
        out = Interval::point(*v);
      break;
    }
    }
    break;
  }
  default: break;
  }
  if (e.type.isNumeric()) {
    Interval &slot = res_.exprs[&e];
    slot = slot.hull(out);
  }
  return out;
}

void Analyzer::refine(const Expr &cond, bool truth, Env &env) {
  auto *b = dyn_cast<Binary>(&cond);
  if (!b)
    return;
  if (b->op == BinaryOp::And && truth) {
    refine(*b->lhs, true, env);
    refine(*b->rhs, true, env);
    return;
  }
  if (b->op == BinaryOp::Or && !truth) {
    refine(*b->lhs, false, env);
    refine(*b->rhs, false, env);
    return;
  }
  if (!isComparison(b->op))
    return;
  BinaryOp op = b->op;
  if (!truth) {
    switch (op) {
    case BinaryOp::Lt: op = BinaryOp::Ge; break;
    case BinaryOp::Le: op = BinaryOp::Gt; break;
    case BinaryOp::Gt: op = BinaryOp::Le; break;
    case BinaryOp::Ge: op = BinaryOp::Lt; break;
    case BinaryOp::Eq: op = BinaryOp::Ne; break;
    default: op = BinaryOp::Eq; break;
    }
  }
  auto apply = [&](const Expr &x, BinaryOp o, const Interval &bound) {
    auto *r = dyn_cast<VarRef>(&x);
    if (!r || r->index || bound.isEmpty())
      return;
    Interval &iv = env[r->var];
    if (o == BinaryOp::Lt || o == BinaryOp::Le)
      iv.hi = std::min(iv.hi, bound.hi);
    else if (o == BinaryOp::Gt || o == BinaryOp::Ge)
      iv.lo = std::max(iv.lo, bound.lo);
    else if (o == BinaryOp::Eq)
      iv = iv.intersect(bound);
  };
  auto mirror = [](BinaryOp o) {
    return o == BinaryOp::Lt ? BinaryOp::Gt : o == BinaryOp::Gt ? BinaryOp::Lt
           : o == BinaryOp::Le ? BinaryOp::Ge : o == BinaryOp::Ge ? BinaryOp::Le : o;
  };
  Env before = env;
  apply(*b->lhs, op, eval(*b->rhs, before));
  apply(*b->rhs, mirror(op), eval(*b->lhs, before));
}

void Analyzer::exec(const Block &blk, Env &env) {
  for (const StmtPtr &sp : blk) {
    const Stmt &s = *sp;
    switch (s.kind) {
    case StmtKind::Assign: {
      auto &a = *cast<Assign>(&s);
      Interval v = eval(*a.value, env);
      assigned_[a.target] = assigned_[a.target].hull(v);
      if (a.index) {
        eval(*a.index, env);
        env[a.target] = env[a.target].hull(v);
      } else {
        env[a.target] = v;
      }
      break;
    }
    case StmtKind::LocalDecl: {
      auto &d = *cast<LocalDecl>(&s);
      env[d.var] = d.init ? eval(*d.init, env) : Interval::point(0);
      assigned_[d.var] = assigned_[d.var].hull(env[d.var]);
      break;
    }
    case StmtKind::If: {
      auto &i = *cast<If>(&s);
      eval(*i.cond, env);
      Env a = env, b = env;
      refine(*i.cond, true, a);
      refine(*i.cond, false, b);
      exec(i.thenBody, a);
      exec(i.elseBody, b);
      for (size_t k = 0; k < env.size(); ++k)
        env[k] = a[k].hull(b[k]);
      break;
    }
    case StmtKind::For:
    case StmtKind::While: {
      // Loop bodies: run a few times from the joined state, then give up on
      // the variables that still change.
      const Block &body = s.kind == StmtKind::For ? cast<For>(&s)->body : cast<While>(&s)->body;
      if (auto *f = dyn_cast<For>(&s))
        env[f->var] = eval(*f->from, env).hull(eval(*f->to, env));
      else
        eval(*cast<While>(&s)->cond, env);
      Env cur = env;
      for (int round = 0; round < 4; ++round) {
        Env next = cur;
        exec(body, next);
        for (size_t k = 0; k < env.size(); ++k)
          next[k] = next[k].hull(cur[k]);
        cur = next;
      }
      Env once = cur;
      exec(body, once);
      for (size_t k = 0; k < env.size(); ++k)
        env[k] = once[k] == cur[k] ? cur[k] : Interval::all();
      break;
    }
    case StmtKind::EmitSpike:
      for (const ExprPtr &a : cast<EmitSpike>(&s)->args)
        eval(*a, env);
      break;
    case StmtKind::CallStmt: eval(*cast<CallStmt>(&s)->call, env); break;
    case StmtKind::Return:
      if (auto &v = cast<Return>(&s)->value)
        eval(*v, env);
      break;
    default: break;
    }
  }
}

void Analyzer::step(Env &env) {
  exec(m_.update, env);
  for (const OnReceive &r : m_.onReceive) {
    Env ran = env;
    exec(r.body, ran);
    for (size_t k = 0; k < env.size(); ++k)
      env[k] = env[k].hull(ran[k]);
  }
  for (const OnCondition &c : m_.onCondition) {
    eval(*c.cond, env);
    Env in = env, out = env;
    refine(*c.cond, true, in);
    refine(*c.cond, false, out);
    exec(c.body, in);
    for (size_t k = 0; k < env.size(); ++k)
      env[k] = in[k].hull(out[k]);
  }
}

/// The next "round" bound above x: powers of two (widening thresholds).
double widenUp(double x) {
  if (!std::isfinite(x))
    return x;
  if (x <= 0)
    return x > -1 ? 0 : -std::ldexp(1.0, int(std::floor(std::log2(-x))));
  return std::ldexp(1.0, int(std::ceil(std::log2(x))) + 1);
}

void Analyzer::run() {
  res_.vars.assign(m_.variables.size(), {});
  res_.ports.assign(m_.ports.size(), {});
  fixedRange_.assign(m_.variables.size(), false);
  assigned_.assign(m_.variables.size(), Interval::empty());
  computeStartValues();
  res_.ok = applyOverrides();
  initialRanges();

  std::vector<Interval> guard(m_.variables.size(), Interval::all());
  for (const Variable &v : m_.variables)
    if (v.role == VarRole::State && v.guard)
      guard[v.id] = guardClamp(v.id);

  Env state(m_.variables.size());
  for (const Variable &v : m_.variables)
    state[v.id] = res_.vars[v.id].range;
  std::vector<bool> widened(m_.variables.size(), false), clamped(m_.variables.size(), false);
  unsigned it = 0;
  for (; it < opt_.maxIterations; ++it) {
    Env env = state;
    for (const Variable &v : m_.variables)
      if (v.role == VarRole::Local)
        env[v.id] = Interval::empty();
    step(env);
    bool changed = false;
    for (const Variable &v : m_.variables) {
      if (v.role == VarRole::Local) {
        state[v.id] = state[v.id].hull(env[v.id]);
        continue;
      }
      if (fixedRange_[v.id])
        continue;
      Interval next = state[v.id].hull(env[v.id]);
      Interval g = next.intersect(guard[v.id]);
      if (g != next && !g.isEmpty()) {
        next = g;
        clamped[v.id] = true;
      }
      if (next == state[v.id])
        continue;
      changed = true;
      if (it >= opt_.wideningAfter) {
        widened[v.id] = true;
        bool last = it + 1 >= opt_.maxIterations / 2;
        if (next.hi > state[v.id].hi)
          next.hi = last ? std::min(kInf, guard[v.id].hi) : std::min(widenUp(next.hi), guard[v.id].hi);
        if (next.lo < state[v.id].lo)
          next.lo = last ? std::max(-kInf, guard[v.id].lo) : std::max(-widenUp(-next.lo), guard[v.id].lo);
      }
      state[v.id] = next;
    }
    if (!changed)
      break;
  }
  res_.iterations = it + 1;
  // Narrowing: from the post-fixpoint, X' = initial ∪ step(X) stays sound
  // and takes back what widening overshot (a membrane widened to -32 mV
  // returns to its threshold). The last round records the expression and
  // assignment ranges that are reported.
  bool shrinking = false;
  Env initial(m_.variables.size());
  for (const Variable &v : m_.variables)
    initial[v.id] = res_.vars[v.id].range;
  // Contracting updates approach their bound geometrically (a membrane
  // leak of 0.995 per step needs ~1000 rounds to take back a widening by
  // 2^5): up to 4000 rounds (cheap: one interval pass each), stopping when
  // nothing moves.
  for (int round = 0, last = 4000; round <= last; ++round) {
    if (round == last) {
      res_.exprs.clear();
      assigned_.assign(m_.variables.size(), Interval::empty());
    }
    Env env = state;
    step(env);
    for (const Variable &v : m_.variables) {
      if (v.role == VarRole::Local || fixedRange_[v.id])
        continue;
      Interval next = initial[v.id].hull(env[v.id]).intersect(guard[v.id]);
      if (state[v.id].contains(next) && next != state[v.id]) {
        double moved = std::max(std::fabs(next.lo - state[v.id].lo), std::fabs(next.hi - state[v.id].hi));
        if (moved > 1e-12 * std::max(1.0, state[v.id].magnitude()) && round < last - 1)
          shrinking = true;
        state[v.id] = next;
      }
    }
    if (round < last - 1 && !shrinking)
      last = round + 1; // one more round to record the final ranges
    shrinking = false;
  }
  for (const Variable &v : m_.variables)
    if (v.role == VarRole::Local)
      state[v.id] = assigned_[v.id];
    else if (!fixedRange_[v.id])
      state[v.id] = state[v.id].hull(assigned_[v.id].intersect(guard[v.id]));
  for (const Variable &v : m_.variables) {
    VarRange &r = res_.vars[v.id];
    if (!fixedRange_[v.id]) {
      r.range = state[v.id];
      r.kind = assumed_ || clamped[v.id] ? RangeKind::Assumed : RangeKind::Proven;
      r.why = v.role == VarRole::Local ? "its assignments" : "fixed point of the step after " +
                                                                  std::to_string(res_.iterations) + " rounds";
      if (widened[v.id])
        r.why += ", widened";
      if (clamped[v.id])
        r.why += ", clamped by its guard";
      if (assumed_)
        r.why += ", with assumed input ranges";
    }
    if (!r.range.isEmpty() && !r.range.isBounded() && r.kind != RangeKind::Override)
      r.kind = RangeKind::Unbounded;
  }
}

} // namespace

RangeResult analyzeRanges(const Model &model, const RangeOptions &options, DiagnosticEngine &diags) {
  RangeResult r;
  Analyzer(model, options, diags, r).run();
  return r;
}

} // namespace nsc::passes
