//===- Expr.cpp - IR expression helpers -----------------------------------===//
#include "nsc/ir/Expr.h"

#include <cmath>

namespace nsc::ir {

static ExprPtr cloneOrNull(const ExprPtr &e) { return e ? e->clone() : nullptr; }

ExprPtr Expr::clone() const {
  ExprPtr out;
  switch (kind) {
  case ExprKind::Constant: {
    auto *c = cast<Constant>(this);
    auto n = std::make_unique<Constant>(type);
    n->real = c->real;
    n->integer = c->integer;
    n->boolean = c->boolean;
    n->str = c->str;
    out = std::move(n);
    break;
  }
  case ExprKind::VarRef: {
    auto *v = cast<VarRef>(this);
    auto n = std::make_unique<VarRef>(type, v->var);
    n->index = cloneOrNull(v->index);
    out = std::move(n);
    break;
  }
  case ExprKind::Derivative: {
    auto *d = cast<Derivative>(this);
    out = std::make_unique<Derivative>(type, d->var, d->order);
    break;
  }
  case ExprKind::PortRef: {
    auto *p = cast<PortRef>(this);
    auto n = std::make_unique<PortRef>(type, p->port);
    n->index = cloneOrNull(p->index);
    out = std::move(n);
    break;
  }
  case ExprKind::InlineRef:
    out = std::make_unique<InlineRef>(type, cast<InlineRef>(this)->inlineId);
    break;
  case ExprKind::KernelRef: {
    auto *k = cast<KernelRef>(this);
    out = std::make_unique<KernelRef>(type, k->kernel, k->order);
    break;
  }
  case ExprKind::Unary: {
    auto *u = cast<Unary>(this);
    out = std::make_unique<Unary>(type, u->op, cloneOrNull(u->operand));
    break;
  }
  case ExprKind::Binary: {
    auto *b = cast<Binary>(this);
    out = std::make_unique<Binary>(type, b->op, cloneOrNull(b->lhs), cloneOrNull(b->rhs));
    break;
  }
  case ExprKind::Select: {
    auto *s = cast<Select>(this);
    out = std::make_unique<Select>(type, cloneOrNull(s->cond), cloneOrNull(s->thenExpr),
                                   cloneOrNull(s->elseExpr));
    break;
  }
  case ExprKind::Call: {
    auto *c = cast<Call>(this);
    auto n = std::make_unique<Call>(type, c->builtin);
    n->function = c->function;
    for (const ExprPtr &a : c->args)
      n->args.push_back(cloneOrNull(a));
    out = std::move(n);
    break;
  }
  case ExprKind::UnitConvert: {
    auto *u = cast<UnitConvert>(this);
    out = std::make_unique<UnitConvert>(type, cloneOrNull(u->operand), u->factor);
    break;
  }
  case ExprKind::Cast: {
    auto *c = cast<Cast>(this);
    out = std::make_unique<Cast>(type, c->castKind, cloneOrNull(c->operand));
    break;
  }
  case ExprKind::List: {
    auto *l = cast<List>(this);
    auto n = std::make_unique<List>(type);
    for (const ExprPtr &e : l->elements)
      n->elements.push_back(cloneOrNull(e));
    out = std::move(n);
    break;
  }
  }
  out->loc = loc;
  return out;
}

const char *unaryOpName(UnaryOp op) {
  switch (op) {
  case UnaryOp::Neg: return "-";
  case UnaryOp::Not: return "not ";
  case UnaryOp::BitNot: return "~";
  }
  return "?";
}

const char *binaryOpName(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Mul: return "*";
  case BinaryOp::Div: return "/";
  case BinaryOp::Mod: return "%";
  case BinaryOp::Pow: return "**";
  case BinaryOp::Shl: return "<<";
  case BinaryOp::Shr: return ">>";
  case BinaryOp::BitAnd: return "&";
  case BinaryOp::BitOr: return "|";
  case BinaryOp::BitXor: return "^";
  case BinaryOp::Lt: return "<";
  case BinaryOp::Le: return "<=";
  case BinaryOp::Gt: return ">";
  case BinaryOp::Ge: return ">=";
  case BinaryOp::Eq: return "==";
  case BinaryOp::Ne: return "!=";
  case BinaryOp::And: return "and";
  case BinaryOp::Or: return "or";
  }
  return "?";
}

const char *builtinName(Builtin b) {
  switch (b) {
  case Builtin::Exp: return "exp";
  case Builtin::Expm1: return "expm1";
  case Builtin::Ln: return "ln";
  case Builtin::Log10: return "log10";
  case Builtin::Sin: return "sin";
  case Builtin::Cos: return "cos";
  case Builtin::Tan: return "tan";
  case Builtin::Sinh: return "sinh";
  case Builtin::Cosh: return "cosh";
  case Builtin::Tanh: return "tanh";
  case Builtin::Erf: return "erf";
  case Builtin::Erfc: return "erfc";
  case Builtin::Sqrt: return "sqrt";
  case Builtin::Abs: return "abs";
  case Builtin::Min: return "min";
  case Builtin::Max: return "max";
  case Builtin::Clip: return "clip";
  case Builtin::Floor: return "floor";
  case Builtin::Ceil: return "ceil";
  case Builtin::Round: return "round";
  case Builtin::Steps: return "steps";
  case Builtin::Resolution: return "resolution";
  case Builtin::Time: return "time";
  case Builtin::RandomNormal: return "random_normal";
  case Builtin::RandomUniform: return "random_uniform";
  case Builtin::RandomPoisson: return "random_poisson";
  case Builtin::RandomLognormal: return "random_lognormal";
  case Builtin::RandomExponential: return "random_exponential";
  case Builtin::Convolve: return "convolve";
  case Builtin::Delta: return "delta";
  case Builtin::Print: return "print";
  case Builtin::Println: return "println";
  case Builtin::Info: return "info";
  case Builtin::Warning: return "warning";
  case Builtin::User: return "call";
  }
  return "?";
}

const char *castKindName(CastKind k) {
  switch (k) {
  case CastKind::IntToReal: return "int_to_real";
  case CastKind::RealToInt: return "real_to_int";
  case CastKind::PrecisionCast: return "precision_cast";
  case CastKind::ReinterpretUnit: return "reinterpret_unit";
  }
  return "?";
}

bool isComparison(BinaryOp op) {
  return op == BinaryOp::Lt || op == BinaryOp::Le || op == BinaryOp::Gt ||
         op == BinaryOp::Ge || op == BinaryOp::Eq || op == BinaryOp::Ne;
}
bool isLogical(BinaryOp op) { return op == BinaryOp::And || op == BinaryOp::Or; }
bool isBitwise(BinaryOp op) {
  return op == BinaryOp::Shl || op == BinaryOp::Shr || op == BinaryOp::BitAnd ||
         op == BinaryOp::BitOr || op == BinaryOp::BitXor;
}

bool evaluateConstant(const Expr &e, double &value) {
  switch (e.kind) {
  case ExprKind::Constant: {
    auto &c = *cast<Constant>(&e);
    if (c.type.kind == TypeKind::Real)
      value = c.real;
    else if (c.type.kind == TypeKind::Int)
      value = static_cast<double>(c.integer);
    else
      return false;
    return true;
  }
  case ExprKind::Unary: {
    auto &u = *cast<Unary>(&e);
    if (u.op != UnaryOp::Neg || !evaluateConstant(*u.operand, value))
      return false;
    value = -value;
    return true;
  }
  case ExprKind::UnitConvert: {
    auto &u = *cast<UnitConvert>(&e);
    if (!evaluateConstant(*u.operand, value))
      return false;
    value *= u.factor;
    return true;
  }
  case ExprKind::Cast: {
    auto &c = *cast<Cast>(&e);
    if (!evaluateConstant(*c.operand, value))
      return false;
    if (c.castKind == CastKind::RealToInt)
      value = std::trunc(value);
    return true;
  }
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    double l, r;
    if (!evaluateConstant(*b.lhs, l) || !evaluateConstant(*b.rhs, r))
      return false;
    switch (b.op) {
    case BinaryOp::Add: value = l + r; return true;
    case BinaryOp::Sub: value = l - r; return true;
    case BinaryOp::Mul: value = l * r; return true;
    case BinaryOp::Div:
      if (b.type.kind == TypeKind::Int) {
        if (r == 0)
          return false;
        value = std::trunc(l / r);
      } else {
        value = l / r;
      }
      return true;
    case BinaryOp::Pow: value = std::pow(l, r); return true;
    default: return false;
    }
  }
  default:
    return false;
  }
}

} // namespace nsc::ir
