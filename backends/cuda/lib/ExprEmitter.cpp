//===- ExprEmitter.cpp - IR expressions as CUDA C++ -----------------------===//
//
// Every IR expression becomes the C++ expression that performs the
// interpreter's operation (runtime/eval/lib/ModelExecutor.cpp) with the
// same types and in the same order:
//  - a float64 value is a `double`, a float32 value a `float`; cells and
//    port sums are doubles as in the cpu runtime;
//  - + - * / are __dadd_rn/__fadd_rn-style intrinsics, never contracted to
//    FMA (R26); float32 results are rounded after every operation (R25);
//    elementary functions are evaluated in double and rounded to the
//    result's precision, as the interpreter does;
//  - integers wrap, division by zero gives 0 with a warning, vector indices
//    are clamped with a warning, as the interpreter's.
// C++ leaves the order of evaluation of operands unspecified: an expression
// with two operands that both have effects (random draws, user functions)
// is rejected rather than compiled in some order.
//
//===----------------------------------------------------------------------===//
#include "ModelEmitterInternal.h"

#include <cmath>
#include <cstdio>

namespace nsc::cuda::detail {

using namespace ir;

std::string realLiteral(double v, bool f32) {
  if (f32) {
    float x = float(v);
    if (std::isnan(x))
      return "__int_as_float(0x7FC00000)";
    if (std::isinf(x))
      return x > 0 ? "__int_as_float(0x7F800000)" : "__int_as_float(0xFF800000)";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", double(x));
    std::string s = buf;
    if (s.find_first_of(".eE") == std::string::npos)
      s += ".0";
    return s + "f";
  }
  if (std::isnan(v))
    return "__longlong_as_double(0x7FF8000000000000ll)";
  if (std::isinf(v))
    return v > 0 ? "__longlong_as_double(0x7FF0000000000000ll)" : "__longlong_as_double(0xFFF0000000000000ll)";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos)
    s += ".0";
  return s;
}

std::string intLiteral(int64_t v) {
  if (v == INT64_MIN)
    return "((nsc_i64)0x8000000000000000ull)";
  return "((nsc_i64)" + std::to_string(v) + "ll)";
}

bool isF32(const Type &t) { return t.kind == TypeKind::Real && t.precision.kind == Precision::F32; }

const char *cellType(const Type &t) { return cellEncodingOf(t) == CellEncoding::Real64 ? "double" : "nsc_i64"; }

const char *cType(const Type &t) {
  switch (t.kind) {
  case TypeKind::Real: return isFixed(t) ? "nsc_i64" : isF32(t) ? "float" : "double";
  case TypeKind::Bool: return "bool";
  default: return "nsc_i64";
  }
}

void Emitter::checkOrder(const Expr &e) {
  std::vector<const Expr *> operands;
  if (auto *b = dyn_cast<Binary>(&e); b && b->op != BinaryOp::And && b->op != BinaryOp::Or)
    operands = {b->lhs.get(), b->rhs.get()};
  else if (auto *c = dyn_cast<Call>(&e))
    for (auto &a : c->args)
      operands.push_back(a.get());
  unsigned withEffects = 0;
  for (const Expr *o : operands)
    withEffects += effects_.hasEffects(*o);
  if (withEffects > 1)
    fail(e.loc, "the cuda target cannot compile an expression whose operands both draw random numbers or call "
                "functions (C++ leaves their order open); assign one of them to a local variable first");
}

std::string Emitter::convert(const std::string &v, const Type &from, const Type &to) {
  if (to.kind != TypeKind::Real)
    return v;
  // Fixed point on either side: the interpreter's coerce().
  if (isFixed(to)) {
    if (from.kind == TypeKind::Int || from.kind == TypeKind::Bool)
      return "nsc_fx::fromInt((nsc_i64)" + v + ", " + fixedFormat(to.precision) + ")";
    if (isFixed(from))
      return from.precision == to.precision
                 ? v
                 : "nsc_fx::convert(" + v + ", " + std::to_string(from.precision.fracBits) + ", " +
                       fixedFormat(to.precision) + ")";
    return "nsc_fx::fromDouble((double)" + v + ", " + fixedFormat(to.precision) + ")";
  }
  if (isFixed(from))
    return realResult("nsc_fx::toDouble(" + v + ", " + std::to_string(from.precision.fracBits) + ")", to);
  if (from.kind == TypeKind::Int || from.kind == TypeKind::Bool)
    return realResult("((double)" + v + ")", to);
  if (isF32(from) == isF32(to))
    return v;
  return isF32(to) ? "((float)" + v + ")" : "((double)" + v + ")";
}

std::string Emitter::asDouble(const Expr &e) {
  std::string v = expr(e);
  if (isFixed(e.type))
    return "nsc_fx::toDouble(" + v + ", " + std::to_string(e.type.precision.fracBits) + ")";
  if (e.type.kind == TypeKind::Real && !isF32(e.type))
    return v;
  return "((double)" + v + ")";
}

std::string Emitter::varLValue(VarId v, const Expr *index) {
  const Variable &var = m_.variables[v];
  std::string s = "f." + member_[v];
  if (var.vectorSize)
    s += "[" + (index ? "nsc_index(" + expr(*index) + ", " + std::to_string(var.vectorSize) + "ull, f.status)"
                      : std::string("0")) + "]";
  return s;
}

std::string Emitter::varRead(const VarRef &r) {
  const Variable &v = m_.variables[r.var];
  std::string cell = varLValue(r.var, r.index.get());
  if (isFixed(v.type)) // a fixed-point cell read as a float (fixed results: FixedExprEmitter.cpp)
    return realResult("nsc_fx::toDouble(" + cell + ", " + std::to_string(v.type.precision.fracBits) + ")", r.type);
  switch (v.type.kind) {
  case TypeKind::Real: return isF32(r.type) ? "((float)" + cell + ")" : cell;
  case TypeKind::Bool: return "(" + cell + " != 0)";
  default: return cell;
  }
}

std::string Emitter::expr(const Expr &e) {
  checkOrder(e);
  if (isFixed(e.type))
    return fixedExpr(e);
  switch (e.kind) {
  case ExprKind::Constant: {
    auto &c = *cast<Constant>(&e);
    switch (e.type.kind) {
    case TypeKind::Real: return realLiteral(c.real, isF32(e.type));
    case TypeKind::Int: return intLiteral(c.integer);
    case TypeKind::Bool: return c.boolean ? "true" : "false";
    default: fail(e.loc, "the cuda target cannot compile a string value here"); return "0";
    }
  }
  case ExprKind::VarRef: return varRead(*cast<VarRef>(&e));
  case ExprKind::PortRef: {
    auto &p = *cast<PortRef>(&e);
    const Port &port = m_.ports[p.port];
    std::string cell = "f." + port_[p.port];
    if (port.vectorSize)
      cell += "[" + (p.index ? "nsc_index(" + expr(*p.index) + ", " + std::to_string(port.vectorSize) + "ull, f.status)"
                             : std::string("0")) + "]";
    return realResult(cell, e.type);
  }
  case ExprKind::Unary: {
    auto &u = *cast<Unary>(&e);
    std::string x = expr(*u.operand);
    switch (u.op) {
    case UnaryOp::Neg: return e.type.kind == TypeKind::Int ? "nsc_ineg(" + x + ")" : "(-" + x + ")";
    case UnaryOp::Not: return "(!" + x + ")";
    case UnaryOp::BitNot: return "(~" + x + ")";
    }
    return x;
  }
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    if (b.op == BinaryOp::And)
      return "(" + expr(*b.lhs) + " && " + expr(*b.rhs) + ")";
    if (b.op == BinaryOp::Or)
      return "(" + expr(*b.lhs) + " || " + expr(*b.rhs) + ")";
    const Type &lt = b.lhs->type, &rt = b.rhs->type;
    if (isComparison(b.op)) {
      const char *op = binaryOpName(b.op);
      if (b.op == BinaryOp::Ne)
        op = "!=";
      if (lt.kind == TypeKind::Bool || (lt.kind == TypeKind::Int && rt.kind == TypeKind::Int))
        return "(" + expr(*b.lhs) + " " + op + " " + expr(*b.rhs) + ")";
      if (isFixed(lt) && isFixed(rt)) // R30: exact comparison across formats
        return "(nsc_fx::compare(" + expr(*b.lhs) + ", " + std::to_string(lt.precision.fracBits) + ", " +
               expr(*b.rhs) + ", " + std::to_string(rt.precision.fracBits) + ") " + op + " 0)";
      return "(" + asDouble(*b.lhs) + " " + op + " " + asDouble(*b.rhs) + ")";
    }
    if (e.type.kind == TypeKind::Int) {
      std::string l = expr(*b.lhs), r = expr(*b.rhs);
      switch (b.op) {
      case BinaryOp::Add: return "nsc_iadd(" + l + ", " + r + ")";
      case BinaryOp::Sub: return "nsc_isub(" + l + ", " + r + ")";
      case BinaryOp::Mul: return "nsc_imul(" + l + ", " + r + ")";
      case BinaryOp::Div: return "nsc_idiv(" + l + ", " + r + ", f.status)";
      case BinaryOp::Mod: return "nsc_imod(" + l + ", " + r + ")";
      case BinaryOp::Pow: return "nsc_ipow(" + l + ", " + r + ")";
      case BinaryOp::Shl: return "nsc_ishl(" + l + ", " + r + ")";
      case BinaryOp::Shr: return "nsc_ishr(" + l + ", " + r + ")";
      case BinaryOp::BitAnd: return "(" + l + " & " + r + ")";
      case BinaryOp::BitOr: return "(" + l + " | " + r + ")";
      case BinaryOp::BitXor: return "(" + l + " ^ " + r + ")";
      default: break;
      }
      fail(e.loc, "the cuda target cannot compile this integer operation");
      return "0";
    }
    // Real arithmetic: float32 operands give exactly the interpreter's
    // double operation rounded to binary32 (innocuous double rounding for
    // + - * /), so a float32 model runs in float32 on the GPU.
    bool f32 = isF32(e.type) && isF32(lt) && isF32(rt);
    const char *intrinsic = nullptr;
    switch (b.op) {
    case BinaryOp::Add: intrinsic = f32 ? "__fadd_rn" : "__dadd_rn"; break;
    case BinaryOp::Sub: intrinsic = f32 ? "__fsub_rn" : "__dsub_rn"; break;
    case BinaryOp::Mul: intrinsic = f32 ? "__fmul_rn" : "__dmul_rn"; break;
    case BinaryOp::Div: intrinsic = f32 ? "__fdiv_rn" : "__ddiv_rn"; break;
    case BinaryOp::Mod: return realResult("fmod(" + asDouble(*b.lhs) + ", " + asDouble(*b.rhs) + ")", e.type);
    case BinaryOp::Pow: return realResult("nsc_vm_pow(" + asDouble(*b.lhs) + ", " + asDouble(*b.rhs) + ")", e.type);
    default: fail(e.loc, "the cuda target cannot compile this real operation"); return "0";
    }
    if (f32)
      return std::string(intrinsic) + "(" + expr(*b.lhs) + ", " + expr(*b.rhs) + ")";
    return realResult(std::string(intrinsic) + "(" + asDouble(*b.lhs) + ", " + asDouble(*b.rhs) + ")", e.type);
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    return "(" + expr(*s.cond) + " ? " + convert(expr(*s.thenExpr), s.thenExpr->type, e.type) + " : " +
           convert(expr(*s.elseExpr), s.elseExpr->type, e.type) + ")";
  }
  case ExprKind::Call: return call(*cast<Call>(&e));
  case ExprKind::UnitConvert: {
    auto &c = *cast<UnitConvert>(&e);
    std::string product = "__dmul_rn(" + asDouble(*c.operand) + ", " + realLiteral(c.factor, false) + ")";
    if (e.type.kind == TypeKind::Int)
      return "((nsc_i64)" + product + ")";
    return realResult(product, e.type);
  }
  case ExprKind::Cast: {
    auto &c = *cast<Cast>(&e);
    switch (c.castKind) {
    case CastKind::IntToReal: return realResult("((double)" + expr(*c.operand) + ")", e.type);
    case CastKind::RealToInt:
      if (isFixed(c.operand->type)) // R30: truncation toward zero
        return "nsc_fx::toInt(" + expr(*c.operand) + ", " + std::to_string(c.operand->type.precision.fracBits) + ")";
      return "nsc_real_to_int(" + asDouble(*c.operand) + ")";
    case CastKind::PrecisionCast: return convert(expr(*c.operand), c.operand->type, e.type);
    case CastKind::ReinterpretUnit: return expr(*c.operand);
    }
    return "0";
  }
  default:
    fail(e.loc, "the cuda target met an expression the passes should have removed");
    return "0";
  }
}

std::string Emitter::call(const Call &c) {
  auto arg = [&](size_t i) { return asDouble(*c.args[i]); };
  auto math = [&](const char *fn) { return realResult(std::string(fn) + "(" + arg(0) + ")", c.type); };
  bool isInt = c.type.kind == TypeKind::Int;
  switch (c.builtin) {
  case Builtin::Exp: return math("nsc_vm_exp");
  case Builtin::Expm1: return math("nsc_vm_expm1");
  case Builtin::Ln: return math("nsc_vm_log");
  case Builtin::Log10: return math("log10");
  case Builtin::Sin: return math("nsc_vm_sin");
  case Builtin::Cos: return math("nsc_vm_cos");
  case Builtin::Tan: return math("tan");
  case Builtin::Sinh: return math("sinh");
  case Builtin::Cosh: return math("cosh");
  case Builtin::Tanh: return math("nsc_vm_tanh");
  case Builtin::Erf: return math("erf");
  case Builtin::Erfc: return math("erfc");
  case Builtin::Sqrt: return math("__dsqrt_rn");
  case Builtin::Floor: return math("floor");
  case Builtin::Ceil: return math("ceil");
  case Builtin::Round: return math("round");
  case Builtin::Abs:
    return isInt ? "nsc_iabs(" + expr(*c.args[0]) + ")" : math("fabs");
  case Builtin::Min:
  case Builtin::Max: {
    const char *fn = c.builtin == Builtin::Min ? "min" : "max";
    if (isInt)
      return std::string("nsc_i") + fn + "(" + expr(*c.args[0]) + ", " + expr(*c.args[1]) + ")";
    return realResult(std::string("nsc_d") + fn + "(" + arg(0) + ", " + arg(1) + ")", c.type);
  }
  case Builtin::Clip:
    if (isInt)
      return "nsc_iclip(" + expr(*c.args[0]) + ", " + expr(*c.args[1]) + ", " + expr(*c.args[2]) + ")";
    return realResult("nsc_dclip(" + arg(0) + ", " + arg(1) + ", " + arg(2) + ")", c.type);
  case Builtin::Steps: return "((nsc_i64)llround(__ddiv_rn(" + arg(0) + ", " + realLiteral(dt_, false) + ")))";
  case Builtin::Resolution: return realResult(realLiteral(dt_, false), c.type);
  case Builtin::Time: return realResult("f.t", c.type);
  case Builtin::RandomUniform:
    return realResult("nsc_rng_uniform(nsc_" + p_ + "_rng(f), " + arg(0) + ", " + arg(1) + ", &f.rngOverflow)", c.type);
  case Builtin::RandomNormal:
  case Builtin::RandomPoisson:
  case Builtin::RandomLognormal:
  case Builtin::RandomExponential:
    fail(c.loc, std::string("the cuda target cannot run ") + builtinName(c.builtin) +
                    "() yet (it needs nsc's portable math on the device; random_uniform works)");
    return "0";
  case Builtin::Warning: {
    // A GPU cannot format messages: each call site sets its own status bit
    // (16 + site), and the launcher reports the site's text once, with '?'
    // for values the cpu target would print.
    std::string text;
    for (const ExprPtr &a : c.args) {
      if (auto *k = dyn_cast<Constant>(a.get()); k && a->type.kind == TypeKind::String)
        text += k->str;
      else
        text += "?";
    }
    if (warnings.size() >= 48) {
      fail(c.loc, "the cuda target supports at most 48 warning() calls per model");
      return "0";
    }
    warnings.push_back(m_.name + ": " + text);
    return "atomicOr(&f.status[1], " + std::to_string(uint64_t(1) << (16 + warnings.size() - 1)) + "ull)";
  }
  case Builtin::Print:
  case Builtin::Println:
  case Builtin::Info:
    fail(c.loc, std::string("the cuda target cannot run ") + builtinName(c.builtin) + "() (no messages from a GPU)");
    return "0";
  case Builtin::User: {
    const Function &fn = m_.functions[c.function];
    std::string s = "nsc_" + p_ + "_fn_" + identifier(fn.name) + "(f";
    for (size_t i = 0; i < c.args.size(); ++i) {
      const Type &pt = m_.variables[fn.params[i]].type;
      s += ", " + convert(expr(*c.args[i]), c.args[i]->type, pt);
    }
    return s + ")";
  }
  default:
    fail(c.loc, std::string("the cuda target cannot compile ") + builtinName(c.builtin) + "()");
    return "0";
  }
}

} // namespace nsc::cuda::detail
