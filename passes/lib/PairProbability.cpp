//===- PairProbability.cpp - pairwise_bernoulli's p(i, j) -----------------===//

#include "nsc/passes/PairProbability.h"

#include "nsc/ir/Network.h"
#include "nsc/runtime/PortableMath.h"

#include <cmath>
#include <limits>

namespace nsc::passes {

using namespace ir;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isInt(const Expr &e) { return e.type.kind == TypeKind::Int; }

double integerOp(BinaryOp op, double l, double r) {
  int64_t a = int64_t(l), b = int64_t(r);
  switch (op) {
  case BinaryOp::Div: return b == 0 ? kNaN : double(a / b);
  case BinaryOp::Mod: return b == 0 ? kNaN : double(a % b);
  default: return kNaN;
  }
}

double call(const Call &c, uint64_t i, uint64_t j) {
  auto arg = [&](size_t n) { return n < c.args.size() ? evaluatePairExpression(*c.args[n], i, j) : kNaN; };
  double x = arg(0);
  switch (c.builtin) {
  case Builtin::Exp: return runtime::portable::exp(x);
  case Builtin::Expm1: return std::expm1(x);
  case Builtin::Ln: return x > 0 ? runtime::portable::ln(x) : x == 0 ? -INFINITY : kNaN;
  case Builtin::Log10: return std::log10(x);
  case Builtin::Sin: return std::sin(x);
  case Builtin::Cos: return std::cos(x);
  case Builtin::Tan: return std::tan(x);
  case Builtin::Sinh: return std::sinh(x);
  case Builtin::Cosh: return std::cosh(x);
  case Builtin::Tanh: return std::tanh(x);
  case Builtin::Erf: return std::erf(x);
  case Builtin::Erfc: return std::erfc(x);
  case Builtin::Sqrt: return std::sqrt(x);
  case Builtin::Abs: return std::fabs(x);
  case Builtin::Min: return std::fmin(x, arg(1));
  case Builtin::Max: return std::fmax(x, arg(1));
  case Builtin::Clip: return std::fmin(std::fmax(x, arg(1)), arg(2));
  case Builtin::Floor: return std::floor(x);
  case Builtin::Ceil: return std::ceil(x);
  case Builtin::Round: return std::round(x);
  default: return kNaN;
  }
}

} // namespace

double evaluatePairExpression(const Expr &e, uint64_t i, uint64_t j) {
  switch (e.kind) {
  case ExprKind::Constant: {
    auto &c = *cast<Constant>(&e);
    return c.type.kind == TypeKind::Real  ? c.real
           : c.type.kind == TypeKind::Int ? double(c.integer)
           : c.type.kind == TypeKind::Bool ? (c.boolean ? 1.0 : 0.0)
                                           : kNaN;
  }
  case ExprKind::VarRef: {
    VarId v = cast<VarRef>(&e)->var;
    return v == kPairSource ? double(i) : v == kPairTarget ? double(j) : kNaN;
  }
  case ExprKind::Unary: {
    auto &u = *cast<Unary>(&e);
    double x = evaluatePairExpression(*u.operand, i, j);
    return u.op == UnaryOp::Neg ? -x : u.op == UnaryOp::Not ? (x == 0 ? 1.0 : 0.0) : kNaN;
  }
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    double l = evaluatePairExpression(*b.lhs, i, j);
    if (b.op == BinaryOp::And && l == 0)
      return 0;
    if (b.op == BinaryOp::Or && l != 0 && !std::isnan(l))
      return 1;
    double r = evaluatePairExpression(*b.rhs, i, j);
    switch (b.op) {
    case BinaryOp::Add: return l + r;
    case BinaryOp::Sub: return l - r;
    case BinaryOp::Mul: return l * r;
    case BinaryOp::Div: return isInt(b) ? integerOp(b.op, l, r) : l / r;
    case BinaryOp::Mod: return isInt(b) ? integerOp(b.op, l, r) : std::fmod(l, r);
    case BinaryOp::Pow: return std::pow(l, r);
    case BinaryOp::Lt: return l < r;
    case BinaryOp::Le: return l <= r;
    case BinaryOp::Gt: return l > r;
    case BinaryOp::Ge: return l >= r;
    case BinaryOp::Eq: return l == r;
    case BinaryOp::Ne: return l != r;
    case BinaryOp::And:
    case BinaryOp::Or: return r != 0 && !std::isnan(r);
    default: return kNaN;
    }
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    double c = evaluatePairExpression(*s.cond, i, j);
    return evaluatePairExpression(c != 0 && !std::isnan(c) ? *s.thenExpr : *s.elseExpr, i, j);
  }
  case ExprKind::Call: return call(*cast<Call>(&e), i, j);
  case ExprKind::UnitConvert: {
    auto &u = *cast<UnitConvert>(&e);
    return evaluatePairExpression(*u.operand, i, j) * u.factor;
  }
  case ExprKind::Cast: {
    auto &c = *cast<Cast>(&e);
    double x = evaluatePairExpression(*c.operand, i, j);
    return c.castKind == CastKind::RealToInt ? std::trunc(x) : x;
  }
  default: return kNaN;
  }
}

} // namespace nsc::passes
