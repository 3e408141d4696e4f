//===- FixedExprEmitter.cpp - Fixed-point expressions as CUDA C++ ---------===//
//
// R28-R31 on the GPU. A value whose type is fixed point is its raw integer
// (nsc_i64, in the cells too, as in the cpu runtime), and every operation
// is a call of the function of FixedPointCore.h that the interpreter's
// FixedEval.cpp reaches through nsc/ir/FixedPoint.h: the same source code
// runs on both sides, so the results are the interpreter's bit for bit.
// This file mirrors FixedEval.cpp case by case (operand conversions
// included); formats are compile-time constants, and so are constants and
// `resolution()` (converted here with the host's fx::fromDouble).
//
//===----------------------------------------------------------------------===//
#include "ModelEmitterInternal.h"

#include "nsc/ir/FixedPoint.h"

namespace nsc::cuda::detail {

using namespace ir;

bool isFixed(const Type &t) { return t.kind == TypeKind::Real && t.precision.kind == Precision::Fixed; }

std::string fixedFormat(const Precision &p) {
  return "nsc_fx::Format{" + std::to_string(p.intBits) + ", " + std::to_string(p.fracBits) + ", " +
         std::to_string(int(p.rounding)) + ", " + std::to_string(int(p.overflow)) + "}";
}

std::string Emitter::fixedOperand(const Expr &x, const Precision &P) {
  // FixedEval's `sub`: an operand of another kind joins the format P.
  std::string v = expr(x);
  if (x.type.kind == TypeKind::Int)
    return "nsc_fx::fromInt(" + v + ", " + fixedFormat(P) + ")";
  if (isFixed(x.type))
    return "nsc_fx::convert(" + v + ", " + std::to_string(x.type.precision.fracBits) + ", " + fixedFormat(P) + ")";
  if (x.type.kind == TypeKind::Real)
    return "nsc_fx::inputFromDouble((double)" + v + ", " + fixedFormat(P) + ")";
  fail(x.loc, "the cuda target cannot use a " + x.type.str() + " value as a fixed-point operand");
  return "0";
}

/// The raw value of a fixed-point operand, checked to be one (FixedEval
/// reads `.i` of it).
std::string Emitter::fixedRaw(const Expr &x) {
  if (!isFixed(x.type)) {
    fail(x.loc, "the cuda target expected a fixed-point operand here, not " + x.type.str());
    return "0";
  }
  return expr(x);
}

std::string Emitter::fixedExpr(const Expr &e) {
  const Precision &P = e.type.precision;
  const std::string F = fixedFormat(P);
  auto frac = [](const Expr &x) { return std::to_string(x.type.precision.fracBits); };
  switch (e.kind) {
  case ExprKind::Constant:
    return intLiteral(fx::fromDouble(cast<Constant>(&e)->real, P));
  case ExprKind::VarRef: {
    auto &r = *cast<VarRef>(&e);
    const Variable &v = m_.variables[r.var];
    std::string cell = varLValue(r.var, r.index.get());
    // A cell in the node's own format needs no conversion: stored values
    // went through fit() (or R31 on the host), so they are in range, and
    // convert() of an in-range value to its own format is the identity.
    if (isFixed(v.type) && v.type.precision == P)
      return cell;
    if (isFixed(v.type))
      return "nsc_fx::convert(" + cell + ", " + std::to_string(v.type.precision.fracBits) + ", " + F + ")";
    std::string value = v.type.kind == TypeKind::Real ? cell : "((double)" + cell + ")";
    return "nsc_fx::inputFromDouble(" + value + ", " + F + ")";
  }
  case ExprKind::PortRef: {
    auto &p = *cast<PortRef>(&e);
    const Port &port = m_.ports[p.port];
    std::string cell = "f." + port_[p.port];
    if (port.vectorSize)
      cell += "[" + (p.index ? "nsc_index(" + expr(*p.index) + ", " + std::to_string(port.vectorSize) + "ull, f.status)"
                             : std::string("0")) + "]";
    return "nsc_fx::inputFromDouble(" + cell + ", " + F + ")";
  }
  case ExprKind::Unary: {
    auto &u = *cast<Unary>(&e);
    return "nsc_fx::neg(" + fixedRaw(*u.operand) + ", " + frac(*u.operand) + ", " + F + ")";
  }
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    if (b.op == BinaryOp::Pow) {
      std::string k = b.rhs->type.kind == TypeKind::Int ? expr(*b.rhs)
                                                        : "nsc_fx::toInt(" + fixedRaw(*b.rhs) + ", " + frac(*b.rhs) + ")";
      return "nsc_fx::powInt(" + fixedRaw(*b.lhs) + ", " + frac(*b.lhs) + ", " + k + ", " + F + ")";
    }
    const char *fn = nullptr;
    switch (b.op) {
    case BinaryOp::Add: fn = "add"; break;
    case BinaryOp::Sub: fn = "sub"; break;
    case BinaryOp::Mul: fn = "mul"; break;
    case BinaryOp::Div: fn = "div"; break;
    case BinaryOp::Mod: fn = "mod"; break;
    default:
      fail(e.loc, std::string("the cuda target has no fixed-point operator '") + binaryOpName(b.op) + "'");
      return "0";
    }
    return std::string("nsc_fx::") + fn + "(" + fixedRaw(*b.lhs) + ", " + frac(*b.lhs) + ", " + fixedRaw(*b.rhs) +
           ", " + frac(*b.rhs) + ", " + F + ")";
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    return "(" + expr(*s.cond) + " ? " + fixedOperand(*s.thenExpr, P) + " : " + fixedOperand(*s.elseExpr, P) + ")";
  }
  case ExprKind::UnitConvert: {
    auto &c = *cast<UnitConvert>(&e);
    fx::ScaleFactor s = fx::scaleFactor(c.factor);
    return "nsc_fx::scaleBy(" + fixedRaw(*c.operand) + ", " + frac(*c.operand) + ", " + intLiteral(s.num) + ", " +
           intLiteral(s.den) + ", " + std::to_string(s.shift) + ", " + F + ")";
  }
  case ExprKind::Cast: {
    auto &c = *cast<Cast>(&e);
    if (c.castKind == CastKind::ReinterpretUnit || c.castKind == CastKind::PrecisionCast ||
        c.castKind == CastKind::IntToReal)
      return fixedOperand(*c.operand, P);
    break;
  }
  case ExprKind::Call: {
    auto &c = *cast<Call>(&e);
    auto arg = [&](size_t i) { return fixedRaw(*c.args[i]); };
    auto argFrac = [&](size_t i) { return frac(*c.args[i]); };
    switch (c.builtin) {
    case Builtin::Abs: return "nsc_fx::abs(" + arg(0) + ", " + argFrac(0) + ", " + F + ")";
    case Builtin::Min:
    case Builtin::Max: {
      // Each argument once, in order, into a local: the comparison picks one.
      std::string a = arg(0), b = arg(1);
      std::string pickB = c.builtin == Builtin::Min ? "> 0" : "< 0";
      return "([&]() -> nsc_i64 { nsc_i64 a = " + a + ", b = " + b + "; return nsc_fx::compare(a, " + argFrac(0) +
             ", b, " + argFrac(1) + ") " + pickB + " ? nsc_fx::convert(b, " + argFrac(1) + ", " + F +
             ") : nsc_fx::convert(a, " + argFrac(0) + ", " + F + "); }())";
    }
    case Builtin::Clip: {
      std::string x = arg(0), lo = arg(1), hi = arg(2);
      return "([&]() -> nsc_i64 { nsc_i64 x = " + x + ", lo = " + lo + ", hi = " + hi +
             "; return nsc_fx::compare(x, " + argFrac(0) + ", lo, " + argFrac(1) + ") < 0 ? nsc_fx::convert(lo, " +
             argFrac(1) + ", " + F + ") : nsc_fx::compare(x, " + argFrac(0) + ", hi, " + argFrac(2) +
             ") > 0 ? nsc_fx::convert(hi, " + argFrac(2) + ", " + F + ") : nsc_fx::convert(x, " + argFrac(0) + ", " +
             F + "); }())";
    }
    case Builtin::Floor: return "nsc_fx::floorOf(" + arg(0) + ", " + argFrac(0) + ", " + F + ")";
    case Builtin::Ceil: return "nsc_fx::ceilOf(" + arg(0) + ", " + argFrac(0) + ", " + F + ")";
    case Builtin::Round: return "nsc_fx::roundOf(" + arg(0) + ", " + argFrac(0) + ", " + F + ")";
    case Builtin::Resolution: return intLiteral(fx::fromDouble(dt_, P));
    case Builtin::Time: return "nsc_fx::inputFromDouble(f.t, " + F + ")";
    case Builtin::RandomUniform:
      // Drawn in float64 from float64 arguments (R32), converted once (R31).
      return "nsc_fx::fromDouble(nsc_rng_uniform(nsc_" + p_ + "_rng(f), " + asDouble(*c.args[0]) + ", " +
             asDouble(*c.args[1]) + ", &f.rngOverflow), " + F + ")";
    case Builtin::User: {
      const Function &fn = m_.functions[c.function];
      std::string v = call(c);
      if (isFixed(fn.returnType))
        return "nsc_fx::convert(" + v + ", " + std::to_string(fn.returnType.precision.fracBits) + ", " + F + ")";
      return "nsc_fx::fromDouble((double)" + v + ", " + F + ")";
    }
    default:
      fail(c.loc, std::string(builtinName(c.builtin)) +
                      "() of a run-time value has no fixed-point definition (R31); run the quantize pass");
      return "0";
    }
  }
  default: break;
  }
  fail(e.loc, "the cuda target met a fixed-point expression it cannot compile");
  return "0";
}

} // namespace nsc::cuda::detail
