//===- LinearForm.cpp - Affine decomposition of IR expressions ------------===//
#include "nsc/passes/LinearForm.h"

#include "nsc/ir/IRWalk.h"

#include <algorithm>

namespace nsc::passes {

using namespace ir;

const LinearTerm *LinearForm::find(VarId v) const {
  for (const LinearTerm &t : terms)
    if (t.var == v)
      return &t;
  return nullptr;
}

bool readsAny(const Expr &e, const VarPredicate &isVar) {
  bool found = false;
  forEachNode(e, [&](const Expr &n) {
    if (auto *r = dyn_cast<VarRef>(&n))
      found = found || isVar(r->var);
    else if (auto *d = dyn_cast<Derivative>(&n))
      found = found || isVar(d->var);
  });
  return found;
}

std::vector<VarId> variablesRead(const Expr &e) {
  std::vector<VarId> out;
  forEachNode(e, [&](const Expr &n) {
    if (auto *r = dyn_cast<VarRef>(&n))
      if (std::find(out.begin(), out.end(), r->var) == out.end())
        out.push_back(r->var);
  });
  return out;
}

bool callsBuiltin(const Expr &e, Builtin which) {
  bool found = false;
  forEachNode(e, [&](const Expr &n) {
    if (auto *c = dyn_cast<Call>(&n))
      found = found || c->builtin == which;
  });
  return found;
}

bool callsRandom(const Expr &e) {
  for (Builtin b : {Builtin::RandomNormal, Builtin::RandomUniform, Builtin::RandomPoisson,
                    Builtin::RandomLognormal, Builtin::RandomExponential})
    if (callsBuiltin(e, b))
      return true;
  return false;
}

ExprPtr substitute(const Expr &e, const std::function<ExprPtr(const VarRef &)> &replace) {
  ExprPtr copy = e.clone();
  rewritePostOrder(copy, [&](ExprPtr &slot) {
    if (auto *r = dyn_cast<VarRef>(slot.get()))
      if (!r->index)
        if (ExprPtr with = replace(*r)) {
          with->loc = r->loc;
          slot = std::move(with);
        }
  });
  return copy;
}

namespace {

class Decomposer {
public:
  Decomposer(const VarPredicate &isVar, const Builder &b, NonLinearity *why)
      : isVar_(isVar), b_(b), why_(why) {}

  std::optional<LinearForm> run(const Expr &e) {
    if (!readsAny(e, isVar_)) {
      LinearForm f;
      f.offset = e.clone();
      return f;
    }
    switch (e.kind) {
    case ExprKind::VarRef: {
      auto &r = *cast<VarRef>(&e);
      if (r.index)
        return fail(e, "an element of a vector variable");
      LinearForm f;
      Type one = e.type;
      one.unit = units::Unit::dimensionless();
      auto c = std::make_unique<Constant>(Type::real(one.unit, e.type.precision));
      c->real = 1.0;
      f.terms.push_back({r.var, std::move(c)});
      return f;
    }
    case ExprKind::Unary: {
      auto &u = *cast<Unary>(&e);
      if (u.op != UnaryOp::Neg)
        return fail(e, "a non-arithmetic operation");
      auto f = run(*u.operand);
      if (!f)
        return f;
      for (LinearTerm &t : f->terms)
        t.coeff = b_.neg(std::move(t.coeff));
      if (f->offset)
        f->offset = b_.neg(std::move(f->offset));
      return f;
    }
    case ExprKind::Binary: return binary(*cast<Binary>(&e));
    case ExprKind::UnitConvert: {
      auto &c = *cast<UnitConvert>(&e);
      auto f = run(*c.operand);
      if (!f)
        return f;
      for (LinearTerm &t : f->terms) {
        Type ct = t.coeff->type;
        ct.unit = ct.unit * (e.type.unit / c.operand->type.unit);
        t.coeff = std::make_unique<UnitConvert>(ct, std::move(t.coeff), c.factor);
      }
      if (f->offset)
        f->offset = std::make_unique<UnitConvert>(e.type, std::move(f->offset), c.factor);
      return f;
    }
    case ExprKind::Cast: {
      auto &c = *cast<Cast>(&e);
      if (c.castKind != CastKind::ReinterpretUnit && c.castKind != CastKind::PrecisionCast)
        return fail(e, "a conversion to integer");
      auto f = run(*c.operand);
      if (!f)
        return f;
      for (LinearTerm &t : f->terms) {
        Type ct = t.coeff->type;
        ct.unit = ct.unit * (e.type.unit / c.operand->type.unit);
        ct.precision = e.type.precision;
        t.coeff = std::make_unique<Cast>(ct, c.castKind, std::move(t.coeff));
      }
      if (f->offset)
        f->offset = std::make_unique<Cast>(e.type, c.castKind, std::move(f->offset));
      return f;
    }
    case ExprKind::Call: {
      auto &c = *cast<Call>(&e);
      return fail(e, std::string(c.builtin == Builtin::User ? "a function call" : builtinName(c.builtin)) +
                         "() of " + namesRead(e));
    }
    case ExprKind::Select: return fail(e, "a conditional expression on " + namesRead(e));
    default: return fail(e, "an expression of " + namesRead(e));
    }
  }

private:
  std::optional<LinearForm> binary(const Binary &e) {
    switch (e.op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      auto l = run(*e.lhs);
      if (!l)
        return l;
      auto r = run(*e.rhs);
      if (!r)
        return r;
      bool sub = e.op == BinaryOp::Sub;
      for (LinearTerm &t : r->terms) {
        auto it = std::find_if(l->terms.begin(), l->terms.end(),
                               [&](const LinearTerm &x) { return x.var == t.var; });
        if (it == l->terms.end())
          l->terms.push_back({t.var, sub ? b_.neg(std::move(t.coeff)) : std::move(t.coeff)});
        else {
          // The coerced operand first: a call's arguments may be built in
          // any order, and building the first moves it->coeff out (clang).
          ExprPtr rhs = b_.coerce(std::move(t.coeff), it->coeff->type);
          it->coeff = b_.binary(e.op, std::move(it->coeff), std::move(rhs));
        }
      }
      if (r->offset) {
        if (!l->offset)
          l->offset = sub ? b_.neg(std::move(r->offset)) : std::move(r->offset);
        else
          l->offset = b_.binary(e.op, std::move(l->offset), std::move(r->offset));
      }
      return l;
    }
    case BinaryOp::Mul: {
      bool lv = readsAny(*e.lhs, isVar_), rv = readsAny(*e.rhs, isVar_);
      if (lv && rv)
        return fail(e, "product of " + namesRead(*e.lhs) + " and " + namesRead(*e.rhs));
      const Expr &varying = lv ? *e.lhs : *e.rhs;
      const Expr &factor = lv ? *e.rhs : *e.lhs;
      auto f = run(varying);
      if (!f)
        return f;
      for (LinearTerm &t : f->terms)
        t.coeff = lv ? b_.mul(std::move(t.coeff), factor.clone()) : b_.mul(factor.clone(), std::move(t.coeff));
      if (f->offset)
        f->offset = lv ? b_.mul(std::move(f->offset), factor.clone()) : b_.mul(factor.clone(), std::move(f->offset));
      return f;
    }
    case BinaryOp::Div: {
      if (readsAny(*e.rhs, isVar_))
        return fail(e, "division by " + namesRead(*e.rhs));
      auto f = run(*e.lhs);
      if (!f)
        return f;
      for (LinearTerm &t : f->terms)
        t.coeff = b_.div(std::move(t.coeff), e.rhs->clone());
      if (f->offset)
        f->offset = b_.div(std::move(f->offset), e.rhs->clone());
      return f;
    }
    case BinaryOp::Pow: return fail(e, "a power of " + namesRead(*e.lhs));
    default: return fail(e, std::string("operator '") + binaryOpName(e.op) + "' on " + namesRead(e));
    }
  }

  std::string namesRead(const Expr &e) const {
    std::string out;
    unsigned n = 0;
    const Model *m = b_.model();
    for (VarId v : variablesRead(e)) {
      if (!isVar_(v))
        continue;
      std::string name = m && v < m->variables.size() ? m->variables[v].name : "?";
      out += (n++ ? ", '" : "'") + name + "'";
    }
    return out.empty() ? "the state" : out;
  }

  std::optional<LinearForm> fail(const Expr &at, std::string why) {
    if (why_ && !why_->at) {
      why_->at = &at;
      why_->why = std::move(why);
    }
    return std::nullopt;
  }

  const VarPredicate &isVar_;
  const Builder &b_;
  NonLinearity *why_;
};

} // namespace

std::optional<LinearForm> decomposeLinear(const Expr &e, const VarPredicate &isVar, const Builder &b,
                                          NonLinearity *why) {
  return Decomposer(isVar, b, why).run(e);
}

} // namespace nsc::passes
