//===- RangeStep.cpp - One step of a model over intervals -----------------===//
//
// The abstract interpretation behind the range analysis (RangeAnalyzer.h):
// expressions evaluate to intervals (and record the range of every numeric
// expression), conditions split an environment into the partitions where
// they hold or fail and narrow the variables they compare, and statements
// transform the list of environments of the paths that reach them. A step
// runs update, then every onReceive handler (it may or may not run: the
// result is joined with skipping it), then every onCondition (joined with
// not entering it).
//
//===----------------------------------------------------------------------===//
#include "RangeAnalyzer.h"

#include <cmath>
#include <limits>

namespace nsc::passes::detail {

using namespace ir;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
} // namespace

Interval RangeAnalyzer::eval(const Expr &e, const Env &env) {
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

bool RangeAnalyzer::refineComparison(const Binary &b, bool truth, Env &env) {
  BinaryOp op = b.op;
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
  bool feasible = true;
  // Narrows a variable compared with `bound`; strict comparisons and != are
  // exact only for integers (a real's interval stays closed).
  auto apply = [&](const Expr &x, BinaryOp o, const Interval &bound) {
    auto *r = dyn_cast<VarRef>(&x);
    if (!r || r->index || bound.isEmpty())
      return;
    Interval &iv = env[r->var];
    if (iv.isEmpty())
      return;
    bool integer = m_.variables[r->var].type.kind == TypeKind::Int;
    switch (o) {
    case BinaryOp::Lt: iv.hi = std::min(iv.hi, integer ? std::ceil(bound.hi) - 1 : bound.hi); break;
    case BinaryOp::Le: iv.hi = std::min(iv.hi, integer ? std::floor(bound.hi) : bound.hi); break;
    case BinaryOp::Gt: iv.lo = std::max(iv.lo, integer ? std::floor(bound.lo) + 1 : bound.lo); break;
    case BinaryOp::Ge: iv.lo = std::max(iv.lo, integer ? std::ceil(bound.lo) : bound.lo); break;
    case BinaryOp::Eq:
      iv = iv.intersect(bound);
      if (integer && !iv.isEmpty())
        iv = {std::ceil(iv.lo), std::floor(iv.hi)};
      break;
    case BinaryOp::Ne:
      if (integer && bound.lo == bound.hi) {
        if (iv.lo == bound.lo)
          iv.lo += 1;
        if (iv.hi == bound.lo)
          iv.hi -= 1;
      }
      break;
    default: break;
    }
    if (iv.isEmpty())
      feasible = false;
  };
  auto mirror = [](BinaryOp o) {
    return o == BinaryOp::Lt ? BinaryOp::Gt : o == BinaryOp::Gt ? BinaryOp::Lt
           : o == BinaryOp::Le ? BinaryOp::Ge : o == BinaryOp::Ge ? BinaryOp::Le : o;
  };
  Env before = env;
  apply(*b.lhs, op, eval(*b.rhs, before));
  apply(*b.rhs, mirror(op), eval(*b.lhs, before));
  return feasible;
}

RangeAnalyzer::Envs RangeAnalyzer::split(const Expr &cond, bool truth, const Env &env) {
  return detail::splitOnCondition(cond, truth, env, [this](const Binary &b, bool t, Env &e) {
    return refineComparison(b, t, e);
  });
}

void RangeAnalyzer::exec(const Block &blk, Envs &envs) {
  for (const StmtPtr &sp : blk) {
    if (envs.empty())
      return; // no path reaches here
    const Stmt &s = *sp;
    switch (s.kind) {
    case StmtKind::Assign: {
      auto &a = *cast<Assign>(&s);
      for (Env &env : envs) {
        Interval v = eval(*a.value, env);
        assigned_[a.target] = assigned_[a.target].hull(v);
        if (a.index) {
          eval(*a.index, env);
          env[a.target] = env[a.target].hull(v);
        } else {
          env[a.target] = v;
        }
      }
      break;
    }
    case StmtKind::LocalDecl: {
      auto &d = *cast<LocalDecl>(&s);
      for (Env &env : envs) {
        env[d.var] = d.init ? eval(*d.init, env) : Interval::point(0);
        assigned_[d.var] = assigned_[d.var].hull(env[d.var]);
      }
      break;
    }
    case StmtKind::If: {
      auto &i = *cast<If>(&s);
      Envs a, b;
      for (const Env &env : envs) {
        eval(*i.cond, env);
        for (Env &e : split(*i.cond, true, env))
          a.push_back(std::move(e));
        for (Env &e : split(*i.cond, false, env))
          b.push_back(std::move(e));
      }
      exec(i.thenBody, a);
      exec(i.elseBody, b);
      for (Env &e : b)
        a.push_back(std::move(e));
      envs = keys_.merge(a);
      break;
    }
    case StmtKind::For:
    case StmtKind::While: {
      // Loop bodies: one joined environment, run a few times, then give up
      // on the variables that still change.
      Env env = detail::PartitionKeys().merge(envs)[0];
      const Block &body = s.kind == StmtKind::For ? cast<For>(&s)->body : cast<While>(&s)->body;
      if (auto *f = dyn_cast<For>(&s))
        env[f->var] = eval(*f->from, env).hull(eval(*f->to, env));
      else
        eval(*cast<While>(&s)->cond, env);
      auto runBody = [&](const Env &from) {
        Envs out{from};
        exec(body, out);
        Env joined = from;
        for (const Env &e : out)
          for (size_t k = 0; k < joined.size(); ++k)
            joined[k] = joined[k].hull(e[k]);
        return joined;
      };
      Env cur = env;
      for (int round = 0; round < 4; ++round)
        cur = runBody(cur);
      Env once = runBody(cur);
      for (size_t k = 0; k < env.size(); ++k)
        env[k] = once[k] == cur[k] ? cur[k] : Interval::all();
      envs = keys_.merge({env});
      break;
    }
    case StmtKind::EmitSpike:
      for (const Env &env : envs)
        for (const ExprPtr &a : cast<EmitSpike>(&s)->args)
          eval(*a, env);
      break;
    case StmtKind::CallStmt:
      for (const Env &env : envs)
        eval(*cast<CallStmt>(&s)->call, env);
      break;
    case StmtKind::Return:
      if (auto &v = cast<Return>(&s)->value)
        for (const Env &env : envs)
          eval(*v, env);
      break;
    default: break;
    }
  }
}

RangeAnalyzer::Envs RangeAnalyzer::step(const Env &start) {
  Envs envs{start};
  exec(m_.update, envs);
  for (const OnReceive &r : m_.onReceive) {
    // It may or may not run: both.
    Envs ran = envs;
    exec(r.body, ran);
    for (Env &e : ran)
      envs.push_back(std::move(e));
    envs = keys_.merge(envs);
  }
  for (const OnCondition &c : m_.onCondition) {
    Envs in, out;
    for (const Env &env : envs) {
      eval(*c.cond, env);
      for (Env &e : split(*c.cond, true, env))
        in.push_back(std::move(e));
      for (Env &e : split(*c.cond, false, env))
        out.push_back(std::move(e));
    }
    exec(c.body, in);
    for (Env &e : out)
      in.push_back(std::move(e));
    envs = keys_.merge(in);
  }
  return envs;
}

} // namespace nsc::passes::detail
