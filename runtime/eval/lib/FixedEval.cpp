//===- FixedEval.cpp - Fixed-point expressions in the interpreter ---------===//
//
// R28-R31: a real value whose type is fixed point lives in Value::i as its
// raw integer; every operation goes through nsc/ir/FixedPoint.h, which
// rounds the exact result once to the node's format. Start-up code (initial
// values, the prepare block) is not run here: it computes in float64 and
// converts once (R31), see ModelExecutor::evalAs and exec.
//
//===----------------------------------------------------------------------===//
#include "nsc/eval/ModelExecutor.h"

#include "nsc/ir/FixedPoint.h"

namespace nsc::eval {

using namespace ir;

bool ModelExecutor::isFixed(const Type &t) { return cellEncodingOf(t) == CellEncoding::FixedRaw; }

double ModelExecutor::asDouble(const Type &t, Value v) {
  switch (t.kind) {
  case TypeKind::Int: return double(v.i);
  case TypeKind::Bool: return v.b;
  case TypeKind::Real: return isFixed(t) ? fx::toDouble(v.i, t.precision) : v.r;
  default: return 0;
  }
}

Value ModelExecutor::fromDouble(const Type &t, double x) {
  Value v{};
  switch (t.kind) {
  case TypeKind::Int: v.i = int64_t(x); break;
  case TypeKind::Bool: v.b = x != 0; break;
  case TypeKind::Real: {
    if (!isFixed(t)) {
      v.r = real(x, t);
      break;
    }
    // R31. Constants that become 0 or saturate are reported at compile time
    // by the quantize pass (start-up values it can compute); run-time
    // warnings here would differ between the targets, whose start-up code
    // runs in this executor for both.
    v.i = fx::fromDouble(x, t.precision);
    break;
  }
  default: break;
  }
  return v;
}

/// x ** k for a whole k: repeated rounded products, left to right; a
/// negative k divides 1 by the result (each step rounds, R29).
static int64_t fixedPow(int64_t x, const Precision &px, int64_t k, const Precision &pr) {
  int64_t one = fx::fromInt(1, pr);
  if (k == 0)
    return one;
  int64_t n = k < 0 ? -k : k;
  int64_t acc = fx::convert(x, px, pr);
  for (int64_t i = 1; i < n && i < 64; ++i)
    acc = fx::mul(acc, pr, x, px, pr);
  return k < 0 ? fx::div(one, pr, acc, pr, pr) : acc;
}

Value ModelExecutor::evalFixed(const Expr &e, NeuronFrame &f) {
  const Precision &P = e.type.precision;
  Value out{};
  auto sub = [&](const Expr &x) -> int64_t {
    Value v = eval(x, f);
    if (x.type.kind == TypeKind::Int)
      return fx::fromInt(v.i, P);
    return isFixed(x.type) ? fx::convert(v.i, x.type.precision, P) : fx::inputFromDouble(v.r, P);
  };
  switch (e.kind) {
  case ExprKind::Constant: out.i = fx::fromDouble(cast<Constant>(&e)->real, P); return out;
  case ExprKind::VarRef: {
    auto &r = *cast<VarRef>(&e);
    const Variable &v = m_.variables[r.var];
    Value cell = f.cell(layout_.slot(r.var) + elementIndex(r.index.get(), v.vectorSize, f));
    out.i = isFixed(v.type) ? fx::convert(cell.i, v.type.precision, P) : fx::inputFromDouble(asDouble(v.type, cell), P);
    return out;
  }
  case ExprKind::PortRef: {
    auto &p = *cast<PortRef>(&e);
    out.i = fx::inputFromDouble(
        f.port(layout_.portSlot(p.port) + elementIndex(p.index.get(), m_.ports[p.port].vectorSize, f)), P);
    return out;
  }
  case ExprKind::Unary: {
    auto &u = *cast<Unary>(&e);
    Value x = eval(*u.operand, f);
    out.i = fx::neg(x.i, u.operand->type.precision, P);
    return out;
  }
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    const Type &lt = b.lhs->type, &rt = b.rhs->type;
    if (b.op == BinaryOp::Pow) {
      int64_t x = eval(*b.lhs, f).i;
      Value kv = eval(*b.rhs, f);
      int64_t k = rt.kind == TypeKind::Int ? kv.i : fx::toInt(kv.i, rt.precision);
      out.i = fixedPow(x, lt.precision, k, P);
      return out;
    }
    int64_t l = eval(*b.lhs, f).i, r = eval(*b.rhs, f).i;
    const Precision &pl = lt.precision, &pr = rt.precision;
    switch (b.op) {
    case BinaryOp::Add: out.i = fx::add(l, pl, r, pr, P); break;
    case BinaryOp::Sub: out.i = fx::sub(l, pl, r, pr, P); break;
    case BinaryOp::Mul: out.i = fx::mul(l, pl, r, pr, P); break;
    case BinaryOp::Div: out.i = fx::div(l, pl, r, pr, P); break;
    case BinaryOp::Mod: out.i = fx::mod(l, pl, r, pr, P); break;
    default: fatal_ = std::string("operator '") + binaryOpName(b.op) + "' on fixed-point values"; break;
    }
    return out;
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    out.i = sub(eval(*s.cond, f).b ? *s.thenExpr : *s.elseExpr);
    return out;
  }
  case ExprKind::UnitConvert: {
    auto &c = *cast<UnitConvert>(&e);
    out.i = fx::scaleBy(eval(*c.operand, f).i, c.operand->type.precision, c.factor, P);
    return out;
  }
  case ExprKind::Cast: {
    auto &c = *cast<Cast>(&e);
    if (c.castKind == CastKind::ReinterpretUnit || c.castKind == CastKind::PrecisionCast ||
        c.castKind == CastKind::IntToReal) {
      out.i = sub(*c.operand);
      return out;
    }
    break;
  }
  case ExprKind::Call: {
    auto &c = *cast<Call>(&e);
    auto arg = [&](size_t i) { return eval(*c.args[i], f).i; };
    auto argP = [&](size_t i) -> const Precision & { return c.args[i]->type.precision; };
    switch (c.builtin) {
    case Builtin::Abs: out.i = fx::abs(arg(0), argP(0), P); return out;
    case Builtin::Min:
    case Builtin::Max: {
      int64_t a = arg(0), b = arg(1);
      int cmp = fx::compare(a, argP(0), b, argP(1));
      bool pickB = c.builtin == Builtin::Min ? cmp > 0 : cmp < 0;
      out.i = pickB ? fx::convert(b, argP(1), P) : fx::convert(a, argP(0), P);
      return out;
    }
    case Builtin::Clip: {
      int64_t x = arg(0), lo = arg(1), hi = arg(2);
      if (fx::compare(x, argP(0), lo, argP(1)) < 0)
        out.i = fx::convert(lo, argP(1), P);
      else if (fx::compare(x, argP(0), hi, argP(2)) > 0)
        out.i = fx::convert(hi, argP(2), P);
      else
        out.i = fx::convert(x, argP(0), P);
      return out;
    }
    case Builtin::Floor: out.i = fx::floorOf(arg(0), argP(0), P); return out;
    case Builtin::Ceil: out.i = fx::ceilOf(arg(0), argP(0), P); return out;
    case Builtin::Round: out.i = fx::roundOf(arg(0), argP(0), P); return out;
    case Builtin::Resolution: out.i = fx::fromDouble(dt_, P); return out;
    case Builtin::Time: out.i = fx::inputFromDouble(f.tMs, P); return out;
    case Builtin::RandomNormal:
    case Builtin::RandomUniform:
    case Builtin::RandomLognormal:
    case Builtin::RandomExponential: {
      // Drawn in float64 from float64 arguments (R32), converted once (R31).
      Value v = call(c, f); // not fixed-typed inside call(): float64
      out.i = fx::fromDouble(v.r, P);
      return out;
    }
    case Builtin::User: {
      const Function &fn = m_.functions[c.function];
      Value v = callFunction(c, f);
      out.i = isFixed(fn.returnType) ? fx::convert(v.i, fn.returnType.precision, P) : fx::fromDouble(v.r, P);
      return out;
    }
    default:
      fatal_ = std::string(builtinName(c.builtin)) +
               "() of a run-time value has no fixed-point definition (R31); run the quantize pass";
      return out;
    }
  }
  default: break;
  }
  fatal_ = "the interpreter met a fixed-point expression it cannot evaluate";
  return out;
}

} // namespace nsc::eval
