//===- ModelEmitter.cpp - One neuron model as CUDA device code ------------===//
//
// Every IR construct becomes the C++ expression or statement that performs
// the interpreter's operation (backends/interp/lib/ModelExecutor.cpp) with
// the same types and in the same order:
//  - a float64 value is a `double`, a float32 value a `float`; cells and
//    port sums are doubles as in the cpu runtime;
//  - + - * / are __dadd_rn/__fadd_rn-style intrinsics, never contracted to
//    FMA (R26); float32 results are rounded after every operation (R25);
//    elementary functions are evaluated in double and rounded to the
//    result's precision, as the interpreter does;
//  - integers wrap, division by zero gives 0 with a warning, vector indices
//    are clamped with a warning, loops are bounded, as the interpreter's.
// C++ leaves the order of evaluation of operands unspecified: an expression
// with two operands that both have effects (random draws, user functions)
// is rejected rather than compiled in some order.
//
//===----------------------------------------------------------------------===//
#include "ModelEmitter.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

namespace nsc::cuda::detail {

using namespace ir;

std::string identifier(const std::string &name) {
  std::string s;
  for (char c : name)
    s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : c == '\'' ? 'p' : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    s = "_" + s;
  return s;
}

namespace {

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

/// The C type an expression of type t evaluates to.
const char *cType(const Type &t) {
  switch (t.kind) {
  case TypeKind::Real: return isF32(t) ? "float" : "double";
  case TypeKind::Bool: return "bool";
  default: return "nsc_i64";
  }
}

class Emitter {
public:
  Emitter(const Model &m, double dt, std::string prefix, DiagnosticEngine &diags)
      : m_(m), dt_(dt), p_(std::move(prefix)), diags_(diags) {}

  bool run(std::string &out);

private:
  // Expressions.
  std::string expr(const Expr &e);
  std::string asDouble(const Expr &e);
  std::string convert(const std::string &value, const Type &from, const Type &to);
  std::string realResult(const std::string &doubleValue, const Type &t) {
    return isF32(t) ? "((float)" + doubleValue + ")" : doubleValue;
  }
  std::string call(const Call &c);
  std::string varRead(const VarRef &r);
  std::string varLValue(VarId v, const Expr *index);
  bool hasEffects(const Expr &e) const;
  void checkOrder(const Expr &e);
  // Statements.
  void block(const Block &b, int depth);
  void stmt(const Stmt &s, int depth);
  void line(int depth, const std::string &text) { body_ << std::string(2 * depth, ' ') << text << "\n"; }
  void store(int depth, VarId v, const Expr *index, const std::string &value, const Type &from);
  void fail(SourceRange at, const std::string &what) {
    if (ok_)
      diags_.error(at, what);
    ok_ = false;
  }
  void scanWrites(const Block &b);
  bool recursive(uint32_t f, std::set<uint32_t> &seen, std::set<uint32_t> &stack) const;
  void callsOf(const Block &b, std::set<uint32_t> &out) const;
  void callsOfExpr(const Expr &e, std::set<uint32_t> &out) const;

  const Model &m_;
  double dt_;
  std::string p_;
  DiagnosticEngine &diags_;
  bool ok_ = true;
  std::vector<std::string> member_;     // by VarId
  std::vector<std::string> port_;       // by port index
  std::vector<unsigned> slot_, portSlot_;
  std::set<VarId> written_;
  std::ostringstream body_;
  bool inFunction_ = false;
  /// By function: it writes a cell other than its own locals and
  /// arguments, draws random numbers, emits a spike or warns (transitively).
  std::vector<bool> impure_;
  void findImpureFunctions();
  bool blockImpure(const Block &b, uint32_t self) const;
  bool exprImpure(const Expr &e) const;

public:
  /// Texts of the warning() call sites, in the order of their status bits.
  std::vector<std::string> warnings;
};

bool Emitter::exprImpure(const Expr &e) const {
  bool impure = false;
  std::function<void(const Expr &)> walk = [&](const Expr &x) {
    if (auto *c = dyn_cast<Call>(&x)) {
      switch (c->builtin) {
      case Builtin::RandomUniform: case Builtin::RandomNormal: case Builtin::RandomPoisson:
      case Builtin::RandomLognormal: case Builtin::RandomExponential: case Builtin::Warning:
      case Builtin::Print: case Builtin::Println: case Builtin::Info:
        impure = true;
        break;
      case Builtin::User:
        impure = impure || (c->function < impure_.size() && impure_[c->function]);
        break;
      default: break;
      }
      for (auto &a : c->args)
        walk(*a);
    } else if (auto *b = dyn_cast<Binary>(&x)) {
      walk(*b->lhs);
      walk(*b->rhs);
    } else if (auto *u = dyn_cast<Unary>(&x)) {
      walk(*u->operand);
    } else if (auto *s = dyn_cast<Select>(&x)) {
      walk(*s->cond);
      walk(*s->thenExpr);
      walk(*s->elseExpr);
    } else if (auto *u = dyn_cast<UnitConvert>(&x)) {
      walk(*u->operand);
    } else if (auto *c = dyn_cast<Cast>(&x)) {
      walk(*c->operand);
    } else if (auto *v = dyn_cast<VarRef>(&x); v && v->index) {
      walk(*v->index);
    }
  };
  walk(e);
  return impure;
}

bool Emitter::blockImpure(const Block &b, uint32_t self) const {
  auto ownVar = [&](VarId v) {
    VarRole r = m_.variables[v].role;
    return r == VarRole::Local || r == VarRole::Argument;
  };
  for (const StmtPtr &sp : b) {
    const Stmt &s = *sp;
    switch (s.kind) {
    case StmtKind::Assign: {
      auto &a = *cast<Assign>(&s);
      if (!ownVar(a.target) || exprImpure(*a.value) || (a.index && exprImpure(*a.index)))
        return true;
      break;
    }
    case StmtKind::LocalDecl:
      if (auto &i = cast<LocalDecl>(&s)->init; i && exprImpure(*i))
        return true;
      break;
    case StmtKind::If:
      if (exprImpure(*cast<If>(&s)->cond) || blockImpure(cast<If>(&s)->thenBody, self) ||
          blockImpure(cast<If>(&s)->elseBody, self))
        return true;
      break;
    case StmtKind::For: {
      auto &f = *cast<For>(&s);
      if (!ownVar(f.var) || exprImpure(*f.from) || exprImpure(*f.to) || exprImpure(*f.step) ||
          blockImpure(f.body, self))
        return true;
      break;
    }
    case StmtKind::While:
      if (exprImpure(*cast<While>(&s)->cond) || blockImpure(cast<While>(&s)->body, self))
        return true;
      break;
    case StmtKind::Return:
      if (auto &v = cast<Return>(&s)->value; v && exprImpure(*v))
        return true;
      break;
    case StmtKind::CallStmt:
      if (exprImpure(*cast<CallStmt>(&s)->call))
        return true;
      break;
    default: return true; // emit_spike and anything unexpected
    }
  }
  (void)self;
  return false;
}

void Emitter::findImpureFunctions() {
  impure_.assign(m_.functions.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t f = 0; f < m_.functions.size(); ++f)
      if (!impure_[f] && blockImpure(m_.functions[f].body, f)) {
        impure_[f] = true;
        changed = true;
      }
  }
}

bool Emitter::hasEffects(const Expr &e) const {
  bool effects = false;
  std::function<void(const Expr &)> walk = [&](const Expr &x) {
    switch (x.kind) {
    case ExprKind::Call: {
      auto &c = *cast<Call>(&x);
      if ((c.builtin == Builtin::User && c.function < impure_.size() && impure_[c.function]) ||
          c.builtin == Builtin::RandomUniform || c.builtin == Builtin::RandomNormal ||
          c.builtin == Builtin::RandomPoisson || c.builtin == Builtin::RandomLognormal ||
          c.builtin == Builtin::RandomExponential || c.builtin == Builtin::Warning)
        effects = true;
      for (auto &a : c.args)
        walk(*a);
      return;
    }
    case ExprKind::VarRef:
      if (auto &i = cast<VarRef>(&x)->index)
        walk(*i);
      return;
    case ExprKind::PortRef:
      if (auto &i = cast<PortRef>(&x)->index)
        walk(*i);
      return;
    case ExprKind::Unary: walk(*cast<Unary>(&x)->operand); return;
    case ExprKind::Binary:
      walk(*cast<Binary>(&x)->lhs);
      walk(*cast<Binary>(&x)->rhs);
      return;
    case ExprKind::Select:
      walk(*cast<Select>(&x)->cond);
      walk(*cast<Select>(&x)->thenExpr);
      walk(*cast<Select>(&x)->elseExpr);
      return;
    case ExprKind::UnitConvert: walk(*cast<UnitConvert>(&x)->operand); return;
    case ExprKind::Cast: walk(*cast<Cast>(&x)->operand); return;
    default: return;
    }
  };
  walk(e);
  return effects;
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
    withEffects += hasEffects(*o);
  if (withEffects > 1)
    fail(e.loc, "the cuda target cannot compile an expression whose operands both draw random numbers or call "
                "functions (C++ leaves their order open); assign one of them to a local variable first");
}

std::string Emitter::convert(const std::string &v, const Type &from, const Type &to) {
  if (to.kind != TypeKind::Real)
    return v;
  if (from.kind == TypeKind::Int || from.kind == TypeKind::Bool)
    return realResult("((double)" + v + ")", to);
  if (isF32(from) == isF32(to))
    return v;
  return isF32(to) ? "((float)" + v + ")" : "((double)" + v + ")";
}

std::string Emitter::asDouble(const Expr &e) {
  std::string v = expr(e);
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
  switch (v.type.kind) {
  case TypeKind::Real: return isF32(r.type) ? "((float)" + cell + ")" : cell;
  case TypeKind::Bool: return "(" + cell + " != 0)";
  default: return cell;
  }
}

std::string Emitter::expr(const Expr &e) {
  checkOrder(e);
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
    case BinaryOp::Pow: return realResult("pow(" + asDouble(*b.lhs) + ", " + asDouble(*b.rhs) + ")", e.type);
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
    case CastKind::RealToInt: return "nsc_real_to_int(" + asDouble(*c.operand) + ")";
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
  case Builtin::Exp: return math("exp");
  case Builtin::Expm1: return math("expm1");
  case Builtin::Ln: return math("log");
  case Builtin::Log10: return math("log10");
  case Builtin::Sin: return math("sin");
  case Builtin::Cos: return math("cos");
  case Builtin::Tan: return math("tan");
  case Builtin::Sinh: return math("sinh");
  case Builtin::Cosh: return math("cosh");
  case Builtin::Tanh: return math("tanh");
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
    return realResult("nsc_rng_uniform(" + p_ + "_rng(f), " + arg(0) + ", " + arg(1) + ", &f.rngOverflow)", c.type);
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

void Emitter::store(int depth, VarId v, const Expr *index, const std::string &value, const Type &from) {
  const Variable &var = m_.variables[v];
  std::string lhs = varLValue(v, index);
  switch (var.type.kind) {
  case TypeKind::Real: line(depth, lhs + " = (double)" + convert(value, from, var.type) + ";"); break;
  case TypeKind::Bool: line(depth, lhs + " = (" + value + ") ? 1 : 0;"); break;
  case TypeKind::Int: line(depth, lhs + " = " + value + ";"); break;
  default: fail(var.loc, "the cuda target cannot store the string variable '" + var.name + "'"); break;
  }
}

void Emitter::block(const Block &b, int depth) {
  for (const StmtPtr &s : b)
    stmt(*s, depth);
}

void Emitter::stmt(const Stmt &s, int d) {
  switch (s.kind) {
  case StmtKind::Assign: {
    auto &a = *cast<Assign>(&s);
    store(d, a.target, a.index.get(), expr(*a.value), a.value->type);
    return;
  }
  case StmtKind::LocalDecl: {
    auto &l = *cast<LocalDecl>(&s);
    const Variable &v = m_.variables[l.var];
    for (unsigned k = 0; k < (v.vectorSize ? v.vectorSize : 1); ++k)
      line(d, "f." + member_[l.var] + (v.vectorSize ? "[" + std::to_string(k) + "]" : "") + " = 0;");
    if (l.init)
      store(d, l.var, nullptr, expr(*l.init), l.init->type);
    return;
  }
  case StmtKind::If: {
    auto &i = *cast<If>(&s);
    line(d, "if (" + expr(*i.cond) + ") {");
    block(i.thenBody, d + 1);
    if (!i.elseBody.empty()) {
      line(d, "} else {");
      block(i.elseBody, d + 1);
    }
    line(d, "}");
    return;
  }
  case StmtKind::For: {
    // The interpreter's loop: a double counter, both bounds inclusive,
    // step 0 skipped with a warning, at most 10^8 iterations.
    auto &fo = *cast<For>(&s);
    const Variable &v = m_.variables[fo.var];
    line(d, "{");
    line(d + 1, "double from = " + asDouble(*fo.from) + ", to = " + asDouble(*fo.to) + ", step = " +
                    asDouble(*fo.step) + ";");
    line(d + 1, "if (step == 0 || isnan(step)) {");
    line(d + 2, "atomicOr(&f.status[1], (nsc_u64)NSC_WARN_FOR_STEP_ZERO);");
    line(d + 1, "} else {");
    line(d + 2, "nsc_u64 guard = 0;");
    line(d + 2, "for (double x = from; step > 0 ? x <= to : x >= to; x = __dadd_rn(x, step)) {");
    line(d + 3, "if (++guard > 100000000ull) {");
    line(d + 4, "atomicCAS(&f.status[2], 0ull, (nsc_u64)NSC_FATAL_FOR_LOOP);");
    line(d + 4, "break;");
    line(d + 3, "}");
    if (v.type.kind == TypeKind::Int)
      line(d + 3, "f." + member_[fo.var] + " = (nsc_i64)x;");
    else
      line(d + 3, "f." + member_[fo.var] + " = x;");
    block(fo.body, d + 3);
    line(d + 2, "}");
    line(d + 1, "}");
    line(d, "}");
    return;
  }
  case StmtKind::While: {
    auto &w = *cast<While>(&s);
    line(d, "{");
    line(d + 1, "nsc_u64 guard = 0;");
    line(d + 1, "while (" + expr(*w.cond) + ") {");
    line(d + 2, "if (++guard > 100000000ull) {");
    line(d + 3, "atomicCAS(&f.status[2], 0ull, (nsc_u64)NSC_FATAL_WHILE_LOOP);");
    line(d + 3, "break;");
    line(d + 2, "}");
    block(w.body, d + 2);
    line(d + 1, "}");
    line(d, "}");
    return;
  }
  case StmtKind::Return: {
    auto &r = *cast<Return>(&s);
    if (!inFunction_) {
      fail(s.loc, "the cuda target met 'return' outside a function");
      return;
    }
    line(d, r.value ? "return " + expr(*r.value) + ";" : "return;");
    return;
  }
  case StmtKind::EmitSpike: line(d, "f.spiked = 1; // emit_spike(): at most one spike per step (R12)"); return;
  case StmtKind::CallStmt: line(d, "(void)" + expr(*cast<CallStmt>(&s)->call) + ";"); return;
  case StmtKind::IntegrateOdes:
    fail(s.loc, "integrate_odes() reached the cuda target: run the solve-odes pass first");
    return;
  case StmtKind::ComputePropagator:
    fail(s.loc, "the cuda target met a propagator computation outside 'prepare'");
    return;
  }
}

void Emitter::scanWrites(const Block &b) {
  for (const StmtPtr &sp : b) {
    if (auto *a = dyn_cast<Assign>(sp.get()))
      written_.insert(a->target);
    else if (auto *i = dyn_cast<If>(sp.get())) {
      scanWrites(i->thenBody);
      scanWrites(i->elseBody);
    } else if (auto *fo = dyn_cast<For>(sp.get())) {
      written_.insert(fo->var);
      scanWrites(fo->body);
    } else if (auto *w = dyn_cast<While>(sp.get()))
      scanWrites(w->body);
  }
}

void Emitter::callsOfExpr(const Expr &e, std::set<uint32_t> &out) const {
  if (auto *c = dyn_cast<Call>(&e)) {
    if (c->builtin == Builtin::User)
      out.insert(c->function);
    for (auto &a : c->args)
      callsOfExpr(*a, out);
  } else if (auto *b = dyn_cast<Binary>(&e)) {
    callsOfExpr(*b->lhs, out);
    callsOfExpr(*b->rhs, out);
  } else if (auto *u = dyn_cast<Unary>(&e)) {
    callsOfExpr(*u->operand, out);
  } else if (auto *s = dyn_cast<Select>(&e)) {
    callsOfExpr(*s->cond, out);
    callsOfExpr(*s->thenExpr, out);
    callsOfExpr(*s->elseExpr, out);
  } else if (auto *u = dyn_cast<UnitConvert>(&e)) {
    callsOfExpr(*u->operand, out);
  } else if (auto *c = dyn_cast<Cast>(&e)) {
    callsOfExpr(*c->operand, out);
  } else if (auto *v = dyn_cast<VarRef>(&e); v && v->index) {
    callsOfExpr(*v->index, out);
  }
}

void Emitter::callsOf(const Block &b, std::set<uint32_t> &out) const {
  for (const StmtPtr &sp : b) {
    const Stmt &s = *sp;
    switch (s.kind) {
    case StmtKind::Assign:
      callsOfExpr(*cast<Assign>(&s)->value, out);
      if (auto &i = cast<Assign>(&s)->index)
        callsOfExpr(*i, out);
      break;
    case StmtKind::LocalDecl:
      if (auto &i = cast<LocalDecl>(&s)->init)
        callsOfExpr(*i, out);
      break;
    case StmtKind::If:
      callsOfExpr(*cast<If>(&s)->cond, out);
      callsOf(cast<If>(&s)->thenBody, out);
      callsOf(cast<If>(&s)->elseBody, out);
      break;
    case StmtKind::For:
      callsOfExpr(*cast<For>(&s)->from, out);
      callsOfExpr(*cast<For>(&s)->to, out);
      callsOfExpr(*cast<For>(&s)->step, out);
      callsOf(cast<For>(&s)->body, out);
      break;
    case StmtKind::While:
      callsOfExpr(*cast<While>(&s)->cond, out);
      callsOf(cast<While>(&s)->body, out);
      break;
    case StmtKind::Return:
      if (auto &v = cast<Return>(&s)->value)
        callsOfExpr(*v, out);
      break;
    case StmtKind::CallStmt: callsOfExpr(*cast<CallStmt>(&s)->call, out); break;
    case StmtKind::EmitSpike:
      for (auto &a : cast<EmitSpike>(&s)->args)
        callsOfExpr(*a, out);
      break;
    default: break;
    }
  }
}

bool Emitter::recursive(uint32_t f, std::set<uint32_t> &seen, std::set<uint32_t> &stack) const {
  if (stack.count(f))
    return true;
  if (seen.count(f))
    return false;
  seen.insert(f);
  stack.insert(f);
  std::set<uint32_t> callees;
  callsOf(m_.functions[f].body, callees);
  for (uint32_t g : callees)
    if (g < m_.functions.size() && recursive(g, seen, stack))
      return true;
  stack.erase(f);
  return false;
}

bool Emitter::run(std::string &out) {
  const std::string P = "nsc_" + p_;
  // Names: the declared name where it is a unique C identifier.
  std::map<std::string, int> used;
  for (const Variable &v : m_.variables) {
    std::string id = identifier(v.name);
    if (used[id]++)
      id += "_" + std::to_string(v.id);
    member_.push_back(id);
  }
  unsigned s = 0;
  for (const Variable &v : m_.variables) {
    slot_.push_back(s);
    s += v.vectorSize ? v.vectorSize : 1;
  }
  s = 0;
  for (const Port &p : m_.ports) {
    port_.push_back("in_" + identifier(p.name));
    portSlot_.push_back(s);
    s += p.vectorSize ? p.vectorSize : 1;
  }
  const unsigned portSlots = s;
  findImpureFunctions();
  for (uint32_t f = 0; f < m_.functions.size(); ++f) {
    std::set<uint32_t> seen, stack;
    if (recursive(f, seen, stack)) {
      fail(m_.functions[f].loc, "the cuda target cannot compile the recursive function '" + m_.functions[f].name + "'");
      return false;
    }
  }
  for (const Variable &v : m_.variables)
    if (v.type.kind == TypeKind::Real && v.type.precision.kind == Precision::Fixed) {
      fail(m_.loc, "the cuda target does not run fixed-point models yet (model '" + m_.name + "' is " +
                       v.type.precision.str() + "); use --target=interp");
      return false;
    }

  std::ostringstream o;
  o << "//===----------------------------------------------------------------------===//\n";
  o << "// model " << m_.name << " (" << m_.variables.size() << " variables, " << portSlots
    << " port slots, precision " << m_.semantics.precision.str() << ")\n";
  o << "//===----------------------------------------------------------------------===//\n\n";
  // The frame: one neuron's cells (slot order of the cpu runtime), port
  // inputs of this step and the context its code reads.
  o << "struct " << P << "_frame {\n";
  for (const Variable &v : m_.variables) {
    const char *t = v.type.kind == TypeKind::Real ? "double" : "nsc_i64";
    o << "  " << t << " " << member_[v.id];
    if (v.vectorSize)
      o << "[" << v.vectorSize << "]";
    o << "; // " << varRoleName(v.role) << " " << v.name << " " << v.type.str()
      << (v.role == VarRole::Local || v.role == VarRole::Argument ? "" : ", slot " + std::to_string(slot_[v.id]))
      << "\n";
  }
  for (size_t p = 0; p < m_.ports.size(); ++p) {
    const Port &port = m_.ports[p];
    std::string dim = port.vectorSize ? "[" + std::to_string(port.vectorSize) + "]" : "";
    o << "  double " << port_[p] << dim << "; // port " << port.name << ", slot " << portSlot_[p] << "\n";
    o << "  nsc_u32 count_" << identifier(port.name) << dim << ";\n";
  }
  o << "  nsc_u64 i, k;      // neuron, step\n";
  o << "  double t;          // t_k in ms\n";
  o << "  nsc_u64 *status;   // the population's status words\n";
  o << "  nsc_u64 spiked;    // emit_spike() was called\n";
  o << "  nsc_u64 rngKey;    // K(population, 1)\n";
  o << "  nsc_rng rng;       // stream (neuron, step) of R33, opened on first use\n";
  o << "  bool rngReady;\n";
  o << "  nsc_u32 rngOverflow;\n";
  o << "};\n\n";
  o << "__device__ __forceinline__ nsc_rng &" << P << "_rng(" << P << "_frame &f) {\n"
    << "  if (!f.rngReady) {\n    nsc_rng_init(f.rng, f.rngKey, f.i, f.k);\n    f.rngReady = true;\n  }\n"
    << "  return f.rng;\n}\n\n";

  // Functions (no recursion: checked above), declared first so any order works.
  for (const Function &fn : m_.functions) {
    o << "__device__ " << (fn.returnType.kind == TypeKind::Void ? "void" : cType(fn.returnType)) << " " << P
      << "_fn_" << identifier(fn.name) << "(" << P << "_frame &f";
    for (VarId a : fn.params)
      o << ", " << cType(m_.variables[a].type) << " a_" << member_[a];
    o << ");\n";
  }
  if (!m_.functions.empty())
    o << "\n";
  for (const Function &fn : m_.functions) {
    std::string ret = fn.returnType.kind == TypeKind::Void ? "void" : cType(fn.returnType);
    std::string name = P + "_fn_" + identifier(fn.name);
    // The body reads its arguments from the frame, as the interpreter binds
    // them to their slots; the wrapper saves and restores those slots.
    o << "__device__ " << ret << " " << name << "_body(" << P << "_frame &f) {\n";
    body_.str("");
    inFunction_ = true;
    block(fn.body, 1);
    inFunction_ = false;
    o << body_.str();
    if (fn.returnType.kind != TypeKind::Void)
      o << "  return 0; // falling off the end returns zero, as in the interpreter\n";
    o << "}\n";
    o << "__device__ " << ret << " " << name << "(" << P << "_frame &f";
    for (VarId a : fn.params)
      o << ", " << cType(m_.variables[a].type) << " a_" << member_[a];
    o << ") {\n";
    for (VarId a : fn.params) {
      const Variable &v = m_.variables[a];
      if (v.vectorSize) {
        fail(fn.loc, "the cuda target cannot pass the vector argument '" + v.name + "'");
        continue;
      }
      o << "  " << (v.type.kind == TypeKind::Real ? "double" : "nsc_i64") << " saved_" << member_[a] << " = f."
        << member_[a] << ";\n";
      o << "  f." << member_[a] << " = " << (v.type.kind == TypeKind::Bool ? "a_" + member_[a] + " ? 1 : 0" : "a_" + member_[a])
        << ";\n";
    }
    o << "  " << (ret == "void" ? "" : ret + " r = ") << name << "_body(f);\n";
    for (VarId a : fn.params)
      o << "  f." << member_[a] << " = saved_" << member_[a] << ";\n";
    if (ret != "void")
      o << "  return r;\n";
    o << "}\n\n";
  }

  // What is written back: every column variable some code assigns.
  scanWrites(m_.update);
  for (const OnReceive &r : m_.onReceive)
    scanWrites(r.body);
  for (const OnCondition &c : m_.onCondition)
    scanWrites(c.body);
  for (const Function &fn : m_.functions)
    scanWrites(fn.body);

  o << "/// One thread per neuron: phases 2-4 of docs/semantics.md §2 on this step's\n"
    << "/// ring slot, then spike compaction. CountMask: bit s set when port slot s\n"
    << "/// is a count-mode port of this population (docs/cuda.md).\n";
  o << "template <nsc_u64 CountMask>\n";
  o << "__device__ __forceinline__ void " << P << "_step(const nsc_pop &P, nsc_u64 k) {\n";
  o << "  const nsc_u64 i = (nsc_u64)blockIdx.x * blockDim.x + threadIdx.x;\n";
  o << "  bool fired = false;\n";
  o << "  if (i < P.n) {\n";
  o << "    const nsc_u64 n = P.n;\n";
  o << "    const double *cells = NSC_PTR(const double, P.state);\n";
  o << "    const nsc_i64 *icells = NSC_PTR(const nsc_i64, P.state);\n";
  o << "    (void)cells;\n    (void)icells;\n";
  o << "    " << P << "_frame f = {};\n";
  o << "    f.i = i;\n    f.k = k;\n    f.t = __dmul_rn((double)k, P.dt);\n";
  o << "    f.status = NSC_PTR(nsc_u64, P.status);\n    f.rngKey = P.rng_key;\n";
  o << "    // Cells (locals and arguments start at zero).\n";
  for (const Variable &v : m_.variables) {
    if (v.role == VarRole::Local || v.role == VarRole::Argument)
      continue;
    unsigned elems = v.vectorSize ? v.vectorSize : 1;
    for (unsigned e = 0; e < elems; ++e)
      o << "    f." << member_[v.id] << (v.vectorSize ? "[" + std::to_string(e) + "]" : "") << " = "
        << (v.type.kind == TypeKind::Real ? "cells" : "icells") << "[" << slot_[v.id] + e << " * n + i];\n";
  }
  if (portSlots) {
    o << "    // This step's ring slot (R5, R15).\n";
    o << "    const nsc_u64 ring = (k % P.D) * P.ports * n;\n";
    o << "    const nsc_u32 *counts = NSC_PTR(const nsc_u32, P.ring_count);\n";
    for (size_t p = 0; p < m_.ports.size(); ++p) {
      const Port &port = m_.ports[p];
      unsigned elems = port.vectorSize ? port.vectorSize : 1;
      for (unsigned e = 0; e < elems; ++e) {
        unsigned slot = portSlot_[p] + e;
        std::string el = port.vectorSize ? "[" + std::to_string(e) + "]" : "";
        o << "    f.count_" << identifier(port.name) << el << " = counts[ring + " << slot << " * n + i];\n";
        o << "    f." << port_[p] << el << " = nsc_port_value(P, ring, " << slot << ", i, f.count_"
          << identifier(port.name) << el << ", (CountMask >> " << slot << ") & 1);\n";
      }
    }
  }
  body_.str("");
  line(2, "// update: (R6)");
  block(m_.update, 2);
  // on_receive: descending priority, then declaration order (R8).
  std::vector<unsigned> order;
  for (unsigned h = 0; h < m_.onReceive.size(); ++h)
    order.push_back(h);
  std::stable_sort(order.begin(), order.end(),
                   [&](unsigned a, unsigned b) { return m_.onReceive[a].priority > m_.onReceive[b].priority; });
  for (unsigned h : order) {
    const OnReceive &r = m_.onReceive[h];
    const Port &port = m_.ports[r.port];
    std::string cond;
    for (unsigned e = 0; e < (port.vectorSize ? port.vectorSize : 1); ++e)
      cond += std::string(cond.empty() ? "" : " || ") + "f.count_" + identifier(port.name) +
              (port.vectorSize ? "[" + std::to_string(e) + "]" : "") + " > 0";
    line(2, "// onReceive(" + port.name + ") (R8)");
    line(2, "if (" + cond + ") {");
    block(r.body, 3);
    line(2, "}");
  }
  for (size_t c = 0; c < m_.onCondition.size(); ++c) {
    line(2, "// onCondition #" + std::to_string(c + 1) + " (R11)");
    line(2, "if (" + expr(*m_.onCondition[c].cond) + ") {");
    block(m_.onCondition[c].body, 3);
    line(2, "}");
  }
  o << body_.str();
  o << "    // Written cells back; the ring slot is free again (R5).\n";
  o << "    double *wcells = NSC_PTR(double, P.state);\n";
  o << "    nsc_i64 *wicells = NSC_PTR(nsc_i64, P.state);\n";
  bool anyWrite = false;
  for (const Variable &v : m_.variables) {
    if (v.role == VarRole::Local || v.role == VarRole::Argument || !written_.count(v.id))
      continue;
    anyWrite = true;
    unsigned elems = v.vectorSize ? v.vectorSize : 1;
    for (unsigned e = 0; e < elems; ++e)
      o << "    " << (v.type.kind == TypeKind::Real ? "wcells" : "wicells") << "[" << slot_[v.id] + e
        << " * n + i] = f." << member_[v.id] << (v.vectorSize ? "[" + std::to_string(e) + "]" : "") << ";\n";
  }
  o << "    (void)wcells;\n    (void)wicells;\n";
  (void)anyWrite;
  if (portSlots) {
    o << "    for (nsc_u64 s = 0; s < " << portSlots << "; ++s) {\n";
    o << "      NSC_PTR(double, P.ring_value)[ring + s * n + i] = 0.0;\n";
    o << "      NSC_PTR(nsc_u32, P.ring_count)[ring + s * n + i] = 0;\n";
    o << "    }\n";
  }
  std::string finite;
  for (const Variable &v : m_.variables)
    if (v.role == VarRole::State && v.type.kind == TypeKind::Real)
      for (unsigned e = 0; e < (v.vectorSize ? v.vectorSize : 1); ++e)
        finite += std::string(finite.empty() ? "" : " && ") + "isfinite(f." + member_[v.id] +
                  (v.vectorSize ? "[" + std::to_string(e) + "]" : "") + ")";
  if (!finite.empty()) {
    o << "    // Numeric trouble: the first step with a NaN or infinite state.\n";
    o << "    if (!(" << finite << "))\n";
    o << "      atomicMin(&f.status[0], k);\n";
  }
  o << "    if (f.rngOverflow)\n";
  o << "      atomicCAS(&f.status[2], 0ull, 3ull);\n";
  o << "    NSC_PTR(nsc_u32, P.mult)[i] = (nsc_u32)f.spiked;\n";
  o << "    fired = f.spiked != 0;\n";
  o << "  }\n";
  o << "  nsc_compact_spikes(P, fired, i);\n";
  o << "}\n\n";
  out += o.str();
  return ok_;
}

} // namespace

bool emitModel(const Model &model, double dtMs, const std::string &prefix, std::string &out,
               std::vector<std::string> &warnings, DiagnosticEngine &diags) {
  Emitter e(model, dtMs, prefix, diags);
  bool ok = e.run(out);
  warnings = e.warnings;
  return ok;
}

} // namespace nsc::cuda::detail
