//===- ConstEval.cpp - Evaluation of constant expressions -----------------===//
#include "ConstEval.h"

#include <cmath>
#include <limits>

namespace nsc::sema {

double ConstValue::in(const units::Unit &u) const {
  if (unit.dim != u.dim)
    return value; // dimensionless taken in the target unit
  return value * u.conversionFrom(unit);
}

static std::optional<ConstValue> make(double v, units::Unit u, ir::TypeKind k) {
  ConstValue c;
  c.value = v;
  c.unit = u;
  c.kind = k;
  return c;
}

std::optional<ConstValue> evaluateConstant(const ast::Expr *e) {
  using namespace ast;
  if (!e || e->type.isError())
    return std::nullopt;
  if (auto *n = dyn_cast<NumberLit>(e)) {
    units::Unit u;
    if (!n->unitName.empty()) {
      auto lu = units::lookupUnit(n->unitName);
      if (!lu)
        return std::nullopt;
      u = *lu;
    }
    return make(n->value, u, e->type.kind);
  }
  if (isa<InfLit>(e))
    return make(std::numeric_limits<double>::infinity(), {}, ir::TypeKind::Real);
  if (auto *b = dyn_cast<BoolLit>(e))
    return make(b->value ? 1 : 0, {}, ir::TypeKind::Bool);
  if (auto *n = dyn_cast<NameRef>(e)) {
    if (n->resolution == NameRef::Resolution::Unit)
      return make(1, e->type.unit, ir::TypeKind::Real);
    if (n->resolution == NameRef::Resolution::Predefined && n->name == "e")
      return make(std::exp(1.0), {}, ir::TypeKind::Real);
    return std::nullopt;
  }
  if (auto *u = dyn_cast<Unary>(e)) {
    auto v = evaluateConstant(u->operand.get());
    if (!v)
      return std::nullopt;
    switch (u->op) {
    case UnaryOp::Plus: return v;
    case UnaryOp::Minus: v->value = -v->value; return v;
    case UnaryOp::Not: v->value = v->value == 0; return v;
    case UnaryOp::BitNot:
      if (!(std::fabs(v->value) < 9e18))
        return std::nullopt;
      v->value = static_cast<double>(~static_cast<long long>(v->value));
      return v;
    }
    return std::nullopt;
  }
  if (auto *b = dyn_cast<Binary>(e)) {
    auto l = evaluateConstant(b->lhs.get());
    auto r = evaluateConstant(b->rhs.get());
    if (!l || !r)
      return std::nullopt;
    ir::TypeKind k = e->type.kind;
    bool intMath = l->isInteger() && r->isInteger();
    switch (b->op) {
    case BinaryOp::Add:
      return make(l->value + r->in(l->unit), l->unit.isDimensionless() ? r->unit : l->unit, k);
    case BinaryOp::Sub:
      return make(l->value - r->in(l->unit), l->unit.isDimensionless() ? r->unit : l->unit, k);
    case BinaryOp::Mul:
      return make(l->value * r->value, l->unit * r->unit, k);
    case BinaryOp::Div:
      if (intMath) {
        if (r->value == 0)
          return std::nullopt;
        return make(std::trunc(l->value / r->value), l->unit / r->unit, k);
      }
      return make(l->value / r->value, l->unit / r->unit, k);
    case BinaryOp::Mod:
      if (r->value == 0)
        return std::nullopt;
      return make(std::fmod(l->value, r->in(l->unit)), l->unit, k);
    case BinaryOp::Pow: {
      double p = std::pow(l->value, r->value);
      units::Unit u = l->unit;
      if (!u.isDimensionless()) {
        if (!(std::fabs(r->value) <= 64))
          return std::nullopt;
        u = u.pow(static_cast<int>(r->value));
      }
      return make(p, u, k);
    }
    case BinaryOp::Lt: return make(l->value < r->in(l->unit), {}, k);
    case BinaryOp::Le: return make(l->value <= r->in(l->unit), {}, k);
    case BinaryOp::Gt: return make(l->value > r->in(l->unit), {}, k);
    case BinaryOp::Ge: return make(l->value >= r->in(l->unit), {}, k);
    case BinaryOp::Eq: return make(l->value == r->in(l->unit), {}, k);
    case BinaryOp::Ne: return make(l->value != r->in(l->unit), {}, k);
    case BinaryOp::And: return make(l->value != 0 && r->value != 0, {}, k);
    case BinaryOp::Or: return make(l->value != 0 || r->value != 0, {}, k);
    default:
      return std::nullopt;
    }
  }
  if (auto *t = dyn_cast<Ternary>(e)) {
    auto c = evaluateConstant(t->cond.get());
    if (!c)
      return std::nullopt;
    return evaluateConstant(c->value != 0 ? t->thenExpr.get() : t->elseExpr.get());
  }
  return std::nullopt;
}

} // namespace nsc::sema
