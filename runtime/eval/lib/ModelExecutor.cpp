//===- ModelExecutor.cpp - Run one model's IR for one neuron --------------===//
#include "nsc/eval/ModelExecutor.h"

#include "nsc/ir/FixedPoint.h"
#include "nsc/numerics/MatrixExponential.h"
#include "nsc/runtime/VectorMath.h"

#include <cmath>
#include <cstring>
#include <iostream>

namespace nsc::eval {

using namespace ir;

namespace {
/// `l OP r` for a comparison operator (integers or reals alike).
template <class T> bool compareValues(BinaryOp op, T l, T r) {
  switch (op) {
  case BinaryOp::Lt: return l < r;
  case BinaryOp::Le: return l <= r;
  case BinaryOp::Gt: return l > r;
  case BinaryOp::Ge: return l >= r;
  case BinaryOp::Eq: return l == r;
  default: return l != r;
  }
}

/// A `while` that runs this often in one step is reported and stopped.
constexpr uint64_t kMaxLoopIterations = 100000000;
} // namespace

ModelExecutor::ModelExecutor(const Model &model, double dtMs) : m_(model), dt_(dtMs), layout_(layoutOf(model)) {}

double ModelExecutor::real(double v, const Type &t) const {
  return t.precision.kind == Precision::F32 ? double(float(v)) : v;
}

runtime::RandomStream &ModelExecutor::rng(NeuronFrame &f) {
  if (!f.rng)
    f.rng = runtime::RandomStream::perStep(f.rngKey, f.neuron, f.step);
  return *f.rng;
}

uint64_t ModelExecutor::elementIndex(const Expr *index, uint32_t size, NeuronFrame &f) {
  if (!index)
    return 0;
  int64_t i = eval(*index, f).i;
  if (i < 0 || uint64_t(i) >= size) {
    warnings_["index " + std::to_string(i) + " out of range [0, " + std::to_string(size) +
              "): clamped"]++;
    i = i < 0 ? 0 : int64_t(size) - 1;
  }
  return uint64_t(i);
}

void ModelExecutor::store(VarId v, double value, NeuronFrame &f, uint64_t element) {
  const Variable &var = m_.variables[v];
  Value &dst = f.cell(layout_.slot(v) + element);
  if (var.type.isNumeric() || var.type.kind == TypeKind::Bool)
    dst = fromDouble(var.type, value);
}

double ModelExecutor::evalReal(const Expr &e, NeuronFrame &f) {
  Value v = eval(e, f);
  if (e.type.kind == TypeKind::Int)
    return double(v.i);
  if (e.type.kind == TypeKind::Bool)
    return v.b;
  if (!startup_ && isFixed(e.type))
    return fx::toDouble(v.i, e.type.precision);
  return v.r;
}

Value ModelExecutor::evalAs(const Expr &e, const Type &to, NeuronFrame &f) {
  if (isFixed(to) && !startup_) {
    // An initial value: computed in float64, converted once (R31).
    startup_ = true;
    double x = evalReal(e, f);
    startup_ = false;
    return fromDouble(to, x);
  }
  return coerce(eval(e, f), e.type, to);
}

Value ModelExecutor::coerce(Value v, const Type &from, const Type &to) {
  if (to.kind != TypeKind::Real)
    return v;
  bool fromFixed = isFixed(from) && !startup_;
  if (isFixed(to) && !startup_) {
    if (from.kind == TypeKind::Int)
      v.i = fx::fromInt(v.i, to.precision);
    else if (fromFixed)
      v.i = fx::convert(v.i, from.precision, to.precision);
    else
      v.i = fx::fromDouble(v.r, to.precision);
    return v;
  }
  double x = from.kind == TypeKind::Int ? double(v.i) : fromFixed ? fx::toDouble(v.i, from.precision) : v.r;
  v.r = real(x, to);
  return v;
}

namespace {
/// l <op> r in float64 for an arithmetic op (0 for any other).
double realArithmetic(BinaryOp op, double l, double r) {
  switch (op) {
  case BinaryOp::Add: return l + r;
  case BinaryOp::Sub: return l - r;
  case BinaryOp::Mul: return l * r;
  case BinaryOp::Div: return l / r;
  case BinaryOp::Mod: return std::fmod(l, r);
  case BinaryOp::Pow: return nsc_vm_pow(l, r);
  default: return 0;
  }
}
} // namespace

Value ModelExecutor::eval(const Expr &e, NeuronFrame &f) {
  if (!startup_ && isFixed(e.type))
    return evalFixed(e, f);
  Value out{};
  switch (e.kind) {
  case ExprKind::Constant: {
    auto &c = *cast<Constant>(&e);
    if (e.type.kind == TypeKind::Real)
      out.r = real(c.real, e.type);
    else if (e.type.kind == TypeKind::Int)
      out.i = c.integer;
    else
      out.b = c.boolean;
    return out;
  }
  case ExprKind::VarRef: {
    auto &r = *cast<VarRef>(&e);
    const Variable &v = m_.variables[r.var];
    Value cell = f.cell(layout_.slot(r.var) + elementIndex(r.index.get(), v.vectorSize, f));
    if (startup_ && isFixed(v.type))
      cell.r = fx::toDouble(cell.i, v.type.precision);
    return cell;
  }
  case ExprKind::PortRef: {
    auto &p = *cast<PortRef>(&e);
    out.r = real(f.port(layout_.portSlot(p.port) + elementIndex(p.index.get(), m_.ports[p.port].vectorSize, f)),
                 e.type);
    return out;
  }
  case ExprKind::Unary: return evalUnary(*cast<Unary>(&e), f);
  case ExprKind::Binary: {
    // Real arithmetic, the most frequent, stays here without a further call.
    auto &b = *cast<Binary>(&e);
    if (b.op == BinaryOp::And || b.op == BinaryOp::Or || isComparison(b.op))
      return evalLogical(b, f);
    if (e.type.kind == TypeKind::Int)
      return evalIntArithmetic(b, f);
    double l = evalReal(*b.lhs, f), r = evalReal(*b.rhs, f);
    out.r = real(realArithmetic(b.op, l, r), e.type);
    return out;
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    return eval(*s.cond, f).b ? eval(*s.thenExpr, f) : eval(*s.elseExpr, f);
  }
  case ExprKind::Call: return call(*cast<Call>(&e), f);
  case ExprKind::UnitConvert: {
    auto &c = *cast<UnitConvert>(&e);
    if (e.type.kind == TypeKind::Int) {
      out.i = int64_t(double(eval(*c.operand, f).i) * c.factor);
      return out;
    }
    out.r = real(evalReal(*c.operand, f) * c.factor, e.type);
    return out;
  }
  case ExprKind::Cast: return evalCast(*cast<Cast>(&e), f);
  default:
    fatal_ = "the interpreter met an expression the passes should have removed";
    return out;
  }
}

Value ModelExecutor::evalUnary(const Unary &u, NeuronFrame &f) {
  Value out{};
  Value x = eval(*u.operand, f);
  switch (u.op) {
  case UnaryOp::Neg:
    if (u.type.kind == TypeKind::Int)
      out.i = int64_t(0ull - uint64_t(x.i));
    else
      out.r = -x.r;
    break;
  case UnaryOp::Not: out.b = !x.b; break;
  case UnaryOp::BitNot: out.i = ~x.i; break;
  }
  return out;
}

Value ModelExecutor::evalLogical(const Binary &b, NeuronFrame &f) {
  Value out{};
  if (b.op == BinaryOp::And) {
    out.b = eval(*b.lhs, f).b && eval(*b.rhs, f).b;
    return out;
  }
  if (b.op == BinaryOp::Or) {
    out.b = eval(*b.lhs, f).b || eval(*b.rhs, f).b;
    return out;
  }
  return evalComparison(b, f);
}

namespace {
/// c <op> 0 for a three-way comparison result c, op a comparison.
bool compareResult(BinaryOp op, int c) {
  switch (op) {
  case BinaryOp::Lt: return c < 0;
  case BinaryOp::Le: return c <= 0;
  case BinaryOp::Gt: return c > 0;
  case BinaryOp::Ge: return c >= 0;
  case BinaryOp::Eq: return c == 0;
  default: return c != 0;
  }
}
} // namespace

Value ModelExecutor::evalComparison(const Binary &b, NeuronFrame &f) {
  Value out{};
  const Type &lt = b.lhs->type, &rt = b.rhs->type;
  if (lt.kind == TypeKind::Bool) {
    bool l = eval(*b.lhs, f).b, r = eval(*b.rhs, f).b;
    out.b = b.op == BinaryOp::Eq ? l == r : l != r;
    return out;
  }
  if (lt.kind == TypeKind::Int && rt.kind == TypeKind::Int) {
    int64_t l = eval(*b.lhs, f).i, r = eval(*b.rhs, f).i; // left first: random draws keep their order
    out.b = compareValues(b.op, l, r);
    return out;
  }
  if (!startup_ && isFixed(lt) && isFixed(rt)) {
    // R30: exact comparison across formats.
    out.b = compareResult(b.op, fx::compare(eval(*b.lhs, f).i, lt.precision, eval(*b.rhs, f).i, rt.precision));
    return out;
  }
  double l = evalReal(*b.lhs, f), r = evalReal(*b.rhs, f);
  out.b = compareValues(b.op, l, r);
  return out;
}

Value ModelExecutor::evalIntArithmetic(const Binary &b, NeuronFrame &f) {
  Value out{};
  int64_t l = eval(*b.lhs, f).i, r = eval(*b.rhs, f).i;
  uint64_t ul = uint64_t(l), ur = uint64_t(r);
  switch (b.op) {
  case BinaryOp::Add: out.i = int64_t(ul + ur); break;
  case BinaryOp::Sub: out.i = int64_t(ul - ur); break;
  case BinaryOp::Mul: out.i = int64_t(ul * ur); break;
  case BinaryOp::Div:
    if (r == 0) {
      warnings_["integer division by zero (result 0)"]++;
      out.i = 0;
    } else {
      out.i = (l == INT64_MIN && r == -1) ? l : l / r;
    }
    break;
  case BinaryOp::Mod:
    out.i = (r == 0 || (l == INT64_MIN && r == -1)) ? 0 : l % r;
    break;
  case BinaryOp::Pow: {
    int64_t acc = 1;
    for (int64_t k = 0; k < r && k < 64; ++k)
      acc = int64_t(uint64_t(acc) * ul);
    out.i = r < 0 ? 0 : acc;
    break;
  }
  case BinaryOp::Shl: out.i = r < 0 || r > 63 ? 0 : int64_t(ul << r); break;
  case BinaryOp::Shr: out.i = r < 0 || r > 63 ? (l < 0 ? -1 : 0) : l >> r; break;
  case BinaryOp::BitAnd: out.i = l & r; break;
  case BinaryOp::BitOr: out.i = l | r; break;
  case BinaryOp::BitXor: out.i = l ^ r; break;
  default: break;
  }
  return out;
}

Value ModelExecutor::evalCast(const Cast &c, NeuronFrame &f) {
  Value out{};
  switch (c.castKind) {
  case CastKind::IntToReal: out.r = real(double(eval(*c.operand, f).i), c.type); break;
  case CastKind::RealToInt: {
    if (!startup_ && isFixed(c.operand->type)) {
      out.i = fx::toInt(eval(*c.operand, f).i, c.operand->type.precision); // R30
      break;
    }
    double x = evalReal(*c.operand, f);
    out.i = std::isfinite(x) && std::fabs(x) < 9.2e18 ? int64_t(x) : 0;
    break;
  }
  case CastKind::PrecisionCast: out.r = real(evalReal(*c.operand, f), c.type); break;
  case CastKind::ReinterpretUnit: out = eval(*c.operand, f); break;
  }
  return out;
}

Value ModelExecutor::call(const Call &c, NeuronFrame &f) {
  Value out{};
  auto arg = [&](size_t i) { return evalReal(*c.args[i], f); };
  double v = 0;
  switch (c.builtin) {
  case Builtin::Exp: v = nsc_vm_exp(arg(0)); break;
  case Builtin::Expm1: v = nsc_vm_expm1(arg(0)); break;
  case Builtin::Ln: v = nsc_vm_log(arg(0)); break;
  case Builtin::Log10: v = std::log10(arg(0)); break;
  case Builtin::Sin: v = nsc_vm_sin(arg(0)); break;
  case Builtin::Cos: v = nsc_vm_cos(arg(0)); break;
  case Builtin::Tan: v = std::tan(arg(0)); break;
  case Builtin::Sinh: v = std::sinh(arg(0)); break;
  case Builtin::Cosh: v = std::cosh(arg(0)); break;
  case Builtin::Tanh: v = nsc_vm_tanh(arg(0)); break;
  case Builtin::Erf: v = std::erf(arg(0)); break;
  case Builtin::Erfc: v = std::erfc(arg(0)); break;
  case Builtin::Sqrt: v = std::sqrt(arg(0)); break;
  case Builtin::Abs:
    if (c.type.kind == TypeKind::Int) {
      int64_t x = eval(*c.args[0], f).i;
      out.i = x < 0 ? int64_t(0ull - uint64_t(x)) : x;
      return out;
    }
    v = std::fabs(arg(0));
    break;
  case Builtin::Min:
  case Builtin::Max:
    if (c.type.kind == TypeKind::Int) {
      int64_t a = eval(*c.args[0], f).i, b = eval(*c.args[1], f).i;
      out.i = c.builtin == Builtin::Min ? std::min(a, b) : std::max(a, b);
      return out;
    } else {
      // NaN-propagating, so numeric trouble is not hidden.
      double a = arg(0), b = arg(1);
      v = std::isnan(a) || std::isnan(b) ? NAN
          : c.builtin == Builtin::Min    ? (b < a ? b : a)
                                         : (b > a ? b : a);
    }
    break;
  case Builtin::Clip:
    if (c.type.kind == TypeKind::Int) {
      int64_t x = eval(*c.args[0], f).i, lo = eval(*c.args[1], f).i, hi = eval(*c.args[2], f).i;
      out.i = x < lo ? lo : x > hi ? hi : x;
      return out;
    } else {
      double x = arg(0), lo = arg(1), hi = arg(2);
      v = x < lo ? lo : x > hi ? hi : x;
    }
    break;
  case Builtin::Floor: v = std::floor(arg(0)); break;
  case Builtin::Ceil: v = std::ceil(arg(0)); break;
  case Builtin::Round: v = std::round(arg(0)); break;
  case Builtin::Steps: out.i = std::llround(arg(0) / dt_); return out;
  case Builtin::Resolution: v = dt_; break;
  case Builtin::Time: v = f.tMs; break;
  // Arguments left to right (R33: nested draws consume the stream in
  // source order), then the draw: C++ leaves the order of arg(0), arg(1)
  // in one call unspecified.
  // A draw the stream cannot make (a negative Poisson mean, more draws in
  // one step than a per-step stream holds) stops the run with an error, as
  // in compiled code (backends/cpu/lib/RuntimeSupport.cpp).
  case Builtin::RandomNormal:
  case Builtin::RandomUniform:
  case Builtin::RandomLognormal:
  case Builtin::RandomExponential:
  case Builtin::RandomPoisson:
    try {
      double a = arg(0), b = c.args.size() > 1 ? arg(1) : 0.0;
      switch (c.builtin) {
      case Builtin::RandomNormal: v = rng(f).normal(a, b); break;
      case Builtin::RandomUniform: v = rng(f).uniform(a, b); break;
      case Builtin::RandomLognormal: v = rng(f).lognormal(a, b); break;
      case Builtin::RandomExponential: v = rng(f).exponential(a); break;
      default: out.i = int64_t(rng(f).poisson(a)); return out;
      }
    } catch (const std::exception &e) {
      if (fatal_.empty())
        fatal_ = std::string(builtinName(c.builtin)) + " in model '" + model().name + "' failed: " + e.what();
      out.i = 0;
      return out;
    }
    break;
  case Builtin::Print:
  case Builtin::Println:
  case Builtin::Info:
  case Builtin::Warning: {
    std::string text;
    for (const ExprPtr &a : c.args) {
      if (auto *k = dyn_cast<Constant>(a.get()); k && a->type.kind == TypeKind::String)
        text += k->str;
      else if (a->type.kind == TypeKind::Int)
        text += std::to_string(eval(*a, f).i);
      else if (a->type.kind == TypeKind::Bool)
        text += eval(*a, f).b ? "true" : "false";
      else {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", evalReal(*a, f));
        text += buf;
      }
    }
    if (c.builtin == Builtin::Warning)
      warnings_[m_.name + ": " + text]++;
    else
      std::cout << text << (c.builtin == Builtin::Print ? "" : "\n");
    return out;
  }
  case Builtin::User: return callFunction(c, f);
  default:
    fatal_ = std::string("the interpreter cannot run ") + builtinName(c.builtin) + "()";
    return out;
  }
  out.r = real(v, c.type);
  return out;
}

Value ModelExecutor::callFunction(const Call &c, NeuronFrame &f) {
  const Function &fn = m_.functions[c.function];
  if (depth_ > 256) {
    fatal_ = "function '" + fn.name + "' recursed more than 256 levels";
    return Value{};
  }
  // Arguments are evaluated first, then bound; the callee's argument slots
  // are restored afterwards so that recursion sees its own values.
  std::vector<Value> args, saved;
  for (const ExprPtr &a : c.args)
    args.push_back(eval(*a, f));
  for (size_t i = 0; i < fn.params.size(); ++i) {
    saved.push_back(f.cell(layout_.slot(fn.params[i])));
    const Type &pt = m_.variables[fn.params[i]].type;
    f.cell(layout_.slot(fn.params[i])) = coerce(args[i], c.args[i]->type, pt);
  }
  ++depth_;
  returned_ = Value{};
  exec(fn.body, f);
  --depth_;
  Value result = returned_;
  for (size_t i = 0; i < fn.params.size(); ++i)
    f.cell(layout_.slot(fn.params[i])) = saved[i];
  return result;
}

bool ModelExecutor::exec(const Block &blk, NeuronFrame &f) {
  if (&blk == &m_.prepare && !startup_) {
    // The prepare block is start-up code: float64, stored values converted
    // once (R31).
    startup_ = true;
    bool r = exec(blk, f);
    startup_ = false;
    return r;
  }
  for (const StmtPtr &sp : blk) {
    if (!fatal_.empty())
      return false;
    const Stmt &s = *sp;
    switch (s.kind) {
    case StmtKind::Assign: {
      auto &a = *cast<Assign>(&s);
      const Variable &v = m_.variables[a.target];
      uint64_t el = elementIndex(a.index.get(), v.vectorSize, f);
      f.cell(layout_.slot(a.target) + el) = coerce(eval(*a.value, f), a.value->type, v.type);
      break;
    }
    case StmtKind::LocalDecl: {
      auto &d = *cast<LocalDecl>(&s);
      const Variable &v = m_.variables[d.var];
      for (unsigned k = 0; k < layout_.elements(d.var); ++k)
        f.cell(layout_.slot(d.var) + k) = Value{};
      if (d.init)
        f.cell(layout_.slot(d.var)) = coerce(eval(*d.init, f), d.init->type, v.type);
      break;
    }
    case StmtKind::If: {
      auto &i = *cast<If>(&s);
      if (!exec(eval(*i.cond, f).b ? i.thenBody : i.elseBody, f))
        return false;
      break;
    }
    case StmtKind::For: {
      auto &fo = *cast<For>(&s);
      const Variable &v = m_.variables[fo.var];
      bool isInt = v.type.kind == TypeKind::Int;
      double from = evalReal(*fo.from, f), to = evalReal(*fo.to, f), step = evalReal(*fo.step, f);
      if (step == 0 || std::isnan(step)) {
        warnings_[m_.name + ": for loop with step 0 skipped"]++;
        break;
      }
      uint64_t guard = 0;
      for (double x = from; step > 0 ? x <= to : x >= to; x += step) {
        if (++guard > kMaxLoopIterations) {
          fatal_ = "a for loop of model '" + m_.name + "' ran more than 10^8 iterations";
          return false;
        }
        if (isInt)
          f.cell(layout_.slot(fo.var)).i = int64_t(x);
        else if (isFixed(v.type) && !startup_)
          f.cell(layout_.slot(fo.var)).i = fx::inputFromDouble(x, v.type.precision);
        else
          f.cell(layout_.slot(fo.var)).r = x;
        if (!exec(fo.body, f))
          return false;
      }
      break;
    }
    case StmtKind::While: {
      auto &w = *cast<While>(&s);
      uint64_t guard = 0;
      while (eval(*w.cond, f).b) {
        if (++guard > kMaxLoopIterations) {
          fatal_ = "a while loop of model '" + m_.name + "' ran more than 10^8 iterations in one step";
          return false;
        }
        if (!exec(w.body, f))
          return false;
      }
      break;
    }
    case StmtKind::Return: {
      auto &r = *cast<Return>(&s);
      returned_ = r.value ? eval(*r.value, f) : Value{};
      return false;
    }
    case StmtKind::EmitSpike: {
      auto &e = *cast<EmitSpike>(&s);
      if (!f.spiked) { // at most one spike per neuron and step (R12)
        f.spiked = true;
        f.emitArgs.clear();
        for (const ExprPtr &a : e.args)
          f.emitArgs.push_back(evalReal(*a, f));
      }
      break;
    }
    case StmtKind::CallStmt: eval(*cast<CallStmt>(&s)->call, f); break;
    case StmtKind::ComputePropagator: {
      auto &cp = *cast<ComputePropagator>(&s);
      numerics::Matrix A(cp.size), P, M;
      for (unsigned i = 0; i < cp.size; ++i)
        for (unsigned j = 0; j < cp.size; ++j)
          if (const ExprPtr &e = cp.matrix[size_t(i) * cp.size + j])
            A(i, j) = evalReal(*e, f);
      // Neurons of a population mostly share their parameters: the last
      // result of this statement is reused when A is the same bit for bit
      // (propagator() is deterministic, so the values are identical).
      auto &memo = propagatorMemo_[&cp];
      if (memo.valid && memo.A.a.size() == A.a.size() &&
          std::memcmp(memo.A.a.data(), A.a.data(), A.a.size() * sizeof(double)) == 0) {
        P = memo.P;
        M = memo.M;
      } else if (numerics::propagator(A, cp.dtMs, P, M)) {
        memo = {true, A, P, M};
      } else {
        P = numerics::Matrix(cp.size);
        M = numerics::Matrix(cp.size);
        for (double &x : P.a)
          x = NAN;
        for (double &x : M.a)
          x = NAN;
      }
      for (size_t k = 0; k < cp.propagator.size(); ++k) {
        if (cp.propagator[k] != kNoVar)
          store(cp.propagator[k], P.a[k], f);
        if (cp.inputGain[k] != kNoVar)
          store(cp.inputGain[k], M.a[k], f);
      }
      break;
    }
    case StmtKind::IntegrateOdes:
      fatal_ = "integrate_odes() reached the interpreter: run the solve-odes pass first";
      return false;
    }
  }
  return true;
}

} // namespace nsc::eval
