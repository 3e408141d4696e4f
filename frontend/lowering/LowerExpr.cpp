//===- LowerExpr.cpp - AST expressions to typed IR expressions ------------===//
#include "ModelLowerer.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <map>

namespace nsc::lowering {

using namespace nsc::ir;
namespace A = nsc::ast;

ir::Type msType() { return Type::real(msUnit()); }

ModelLowerer::ModelLowerer(const A::Model *model, const Semantics &semantics,
                           DiagnosticEngine &diags, bool networkContext)
    : astModel_(model), semantics_(semantics), diags_(diags), networkContext_(networkContext),
      model_(std::make_unique<Model>()), b_(Precision::f64()) {
  model_->semantics = semantics;
  b_ = Builder(*model_);
  if (!model)
    b_ = Builder(semantics.precision);
}

static std::string typeText(const Type &t) {
  if (t.isError())
    return "<error>";
  return t.str();
}

ExprPtr ModelLowerer::errorExpr(SourceRange r) const {
  auto c = std::make_unique<Constant>(Type::error());
  c->loc = r;
  return c;
}

ExprPtr ModelLowerer::coerceTo(ExprPtr x, const Type &toIn, SourceRange range,
                               const std::string &what) {
  if (!x)
    return errorExpr(range);
  Type to = b_.withPrecision(toIn);
  if (x->type.isError() || to.isError())
    return x;
  Type from = x->type;
  ExprPtr out = b_.coerce(std::move(x), to);
  if (!out) {
    diags_.error(range, fmt::format("cannot convert {} to {} in {}", typeText(from),
                                    typeText(to), what));
    return errorExpr(range);
  }
  return out;
}

ExprPtr ModelLowerer::exprAs(const A::Expr *e, const Type &to, const std::string &what) {
  if (!e)
    return nullptr;
  return coerceTo(expr(e), to, e->range, what);
}

std::optional<VarId> ModelLowerer::varOf(const A::Node *decl, unsigned index) const {
  auto it = vars_.find({decl, index});
  if (it == vars_.end())
    return std::nullopt;
  return it->second;
}

ExprPtr ModelLowerer::index(const A::Expr *e) {
  if (!e)
    return nullptr;
  return exprAs(e, Type::integer(), "a vector index");
}

bool ModelLowerer::unify(ExprPtr &l, ExprPtr &r, SourceRange range) {
  if (l->type.isError() || r->type.isError())
    return false;
  if (!l->type.isNumeric() || !r->type.isNumeric())
    return l->type.kind == r->type.kind;
  Type target = l->type;
  if (r->type.kind == TypeKind::Real)
    target.kind = TypeKind::Real;
  // A unit-free side (sema allows `V_m > 0`) takes the other side's unit.
  if (l->type.unit.isDimensionless() && !r->type.unit.isDimensionless())
    target.unit = r->type.unit;
  target = b_.withPrecision(Type{target.kind, target.unit, b_.precision()});
  Type lt = l->type, rt = r->type;
  ExprPtr l2 = b_.coerce(std::move(l), target);
  ExprPtr r2 = b_.coerce(std::move(r), target);
  if (!l2 || !r2) {
    diags_.error(range, fmt::format("cannot combine {} and {}", typeText(lt), typeText(rt)));
    l = l2 ? std::move(l2) : errorExpr(range);
    r = r2 ? std::move(r2) : errorExpr(range);
    return false;
  }
  l = std::move(l2);
  r = std::move(r2);
  return true;
}

static BinaryOp irOp(A::BinaryOp op) {
  switch (op) {
  case A::BinaryOp::Pow: return BinaryOp::Pow;
  case A::BinaryOp::Mul: return BinaryOp::Mul;
  case A::BinaryOp::Div: return BinaryOp::Div;
  case A::BinaryOp::Mod: return BinaryOp::Mod;
  case A::BinaryOp::Add: return BinaryOp::Add;
  case A::BinaryOp::Sub: return BinaryOp::Sub;
  case A::BinaryOp::Shl: return BinaryOp::Shl;
  case A::BinaryOp::Shr: return BinaryOp::Shr;
  case A::BinaryOp::BitAnd: return BinaryOp::BitAnd;
  case A::BinaryOp::BitXor: return BinaryOp::BitXor;
  case A::BinaryOp::BitOr: return BinaryOp::BitOr;
  case A::BinaryOp::Lt: return BinaryOp::Lt;
  case A::BinaryOp::Le: return BinaryOp::Le;
  case A::BinaryOp::Gt: return BinaryOp::Gt;
  case A::BinaryOp::Ge: return BinaryOp::Ge;
  case A::BinaryOp::Eq: return BinaryOp::Eq;
  case A::BinaryOp::Ne: return BinaryOp::Ne;
  case A::BinaryOp::And: return BinaryOp::And;
  case A::BinaryOp::Or: return BinaryOp::Or;
  }
  return BinaryOp::Add;
}

ExprPtr ModelLowerer::arith(A::BinaryOp aop, ExprPtr l, ExprPtr r, SourceRange range,
                            const Type &semaType) {
  if (l->type.isError() || r->type.isError())
    return errorExpr(range);
  BinaryOp op = irOp(aop);
  switch (op) {
  case BinaryOp::Add:
  case BinaryOp::Sub:
  case BinaryOp::Mod:
  case BinaryOp::Lt:
  case BinaryOp::Le:
  case BinaryOp::Gt:
  case BinaryOp::Ge:
  case BinaryOp::Eq:
  case BinaryOp::Ne:
    if (!unify(l, r, range))
      return errorExpr(range);
    break;
  case BinaryOp::Mul:
  case BinaryOp::Div:
    if (!l->type.isNumeric() || !r->type.isNumeric())
      break;
    if (l->type.kind != r->type.kind || semaType.kind == TypeKind::Real) {
      l = coerceToReal(std::move(l), range, "an operand");
      r = coerceToReal(std::move(r), range, "an operand");
    }
    break;
  case BinaryOp::Pow: {
    if (!l->type.isNumeric() || !r->type.isNumeric())
      break;
    bool real = l->type.kind == TypeKind::Real || r->type.kind == TypeKind::Real ||
                semaType.kind == TypeKind::Real;
    double exponent = 0;
    bool constExp = evaluateConstant(*r, exponent);
    TypeKind k = real ? TypeKind::Real : TypeKind::Int;
    units::Unit baseUnit = l->type.unit;
    // A dimensionless base with a scale (mV/V) is normalised unless the
    // exponent is a constant integer, so pow() always sees plain numbers.
    if (baseUnit.isDimensionless() && baseUnit.scale != 1.0 &&
        !(constExp && std::trunc(exponent) == exponent))
      baseUnit = units::Unit::dimensionless();
    l = coerceTo(std::move(l), Type{k, baseUnit, b_.precision()}, range, "the base of '**'");
    r = coerceTo(std::move(r), Type{k, units::Unit::dimensionless(), b_.precision()}, range,
                 "the exponent of '**'");
    break;
  }
  case BinaryOp::And:
  case BinaryOp::Or:
    l = coerceTo(std::move(l), Type::boolean(), range, "an operand of a logical operator");
    r = coerceTo(std::move(r), Type::boolean(), range, "an operand of a logical operator");
    break;
  default: // bitwise and shifts: integers
    l = coerceTo(std::move(l), Type::integer(), range, "an operand of a bitwise operator");
    r = coerceTo(std::move(r), Type::integer(), range, "an operand of a bitwise operator");
    break;
  }
  Type lt = l->type, rt = r->type;
  ExprPtr out = b_.binary(op, std::move(l), std::move(r));
  if (out->type.isError() && !lt.isError() && !rt.isError()) {
    diags_.error(range, fmt::format("operator '{}' cannot be applied to {} and {}",
                                    binaryOpName(op), typeText(lt), typeText(rt)));
  }
  out->loc = range;
  return out;
}

ExprPtr ModelLowerer::expr(const A::Expr *e) {
  if (!e)
    return errorExpr({});
  ExprPtr out;
  switch (e->kind) {
  case A::NodeKind::NumberLit: {
    auto *n = A::cast<A::NumberLit>(e);
    if (!n->unitName.empty()) {
      auto u = units::lookupUnit(n->unitName);
      if (!u) {
        diags_.error(n->unitRange.valid() ? n->unitRange : n->range,
                     "internal error: unit '" + n->unitName + "' passed sema");
        return errorExpr(e->range);
      }
      out = b_.real(n->value, *u);
    } else if (n->isInteger && std::fabs(n->value) < 9.2e18) {
      out = b_.integer(static_cast<int64_t>(n->value));
    } else {
      out = b_.real(n->value);
    }
    break;
  }
  case A::NodeKind::BoolLit:
    out = b_.boolean(A::cast<A::BoolLit>(e)->value);
    break;
  case A::NodeKind::StringLit:
    out = b_.string(A::cast<A::StringLit>(e)->value);
    break;
  case A::NodeKind::InfLit:
    out = b_.real(HUGE_VAL);
    break;
  case A::NodeKind::NameRef:
    out = name(A::cast<A::NameRef>(e));
    break;
  case A::NodeKind::Unary: {
    auto *u = A::cast<A::Unary>(e);
    ExprPtr x = expr(u->operand.get());
    if (x->type.isError())
      return x;
    switch (u->op) {
    case A::UnaryOp::Plus:
      out = std::move(x);
      break;
    case A::UnaryOp::Minus:
      if (!x->type.isNumeric()) {
        diags_.error(e->range, "internal error: negation of " + typeText(x->type) + " passed sema");
        return errorExpr(e->range);
      }
      // A negative literal is a constant, not an operation (negation is exact).
      if (auto *c = dyn_cast<Constant>(x.get()); c && c->type.kind == TypeKind::Real) {
        c->real = -c->real;
        out = std::move(x);
      } else if (c && c->type.kind == TypeKind::Int && c->integer != INT64_MIN) {
        c->integer = -c->integer;
        out = std::move(x);
      } else {
        out = b_.neg(std::move(x));
      }
      break;
    case A::UnaryOp::Not:
      out = b_.logicalNot(coerceTo(std::move(x), Type::boolean(), e->range, "the operand of 'not'"));
      break;
    case A::UnaryOp::BitNot:
      out = b_.unary(UnaryOp::BitNot,
                     coerceTo(std::move(x), Type::integer(), e->range, "the operand of '~'"));
      break;
    }
    break;
  }
  case A::NodeKind::Binary: {
    auto *bin = A::cast<A::Binary>(e);
    ExprPtr l = expr(bin->lhs.get());
    ExprPtr r = expr(bin->rhs.get());
    out = arith(bin->op, std::move(l), std::move(r), e->range, e->type);
    break;
  }
  case A::NodeKind::Ternary: {
    auto *t = A::cast<A::Ternary>(e);
    ExprPtr c = exprAs(t->cond.get(), Type::boolean(), "the condition of '?:'");
    ExprPtr a = expr(t->thenExpr.get());
    ExprPtr b = expr(t->elseExpr.get());
    if (!unify(a, b, e->range))
      return errorExpr(e->range);
    out = b_.select(std::move(c), std::move(a), std::move(b));
    break;
  }
  case A::NodeKind::Call:
    out = call(A::cast<A::Call>(e));
    break;
  case A::NodeKind::List: {
    auto *l = A::cast<A::List>(e);
    std::vector<ExprPtr> elems;
    Type elemType = Type::error();
    for (const auto &x : l->elements) {
      ExprPtr v = expr(x.get());
      if (elemType.isError()) {
        if (v->type.kind == TypeKind::Int)
          v = coerceToReal(std::move(v), x->range, "a list element");
        elemType = v->type;
      } else {
        v = coerceTo(std::move(v), elemType, x->range, "a list element");
      }
      elems.push_back(std::move(v));
    }
    if (elemType.isError())
      elemType = b_.realType();
    out = b_.list(elemType, std::move(elems));
    break;
  }
  default:
    diags_.error(e->range, "unsupported expression");
    return errorExpr(e->range);
  }
  if (out && !out->loc.valid())
    out->loc = e->range;
  return out;
}

ExprPtr ModelLowerer::name(const A::NameRef *n) {
  using R = A::NameRef::Resolution;
  switch (n->resolution) {
  case R::Variable: {
    auto v = varOf(n->target, n->targetIndex);
    if (!v) {
      diags_.error(n->range, "internal error: '" + n->name + "' has no lowered declaration");
      return errorExpr(n->range);
    }
    const Variable &var = model_->variables[*v];
    bool declaredDerivative = var.name.find('\'') != std::string::npos;
    if (n->diffOrder > 0 && !declaredDerivative) {
      if (n->index)
        diags_.error(n->range, "derivative of a vector element is not supported");
      return b_.derivative(*v, n->diffOrder);
    }
    return b_.var(*v, index(n->index.get()));
  }
  case R::Port: {
    auto it = ports_.find(static_cast<const A::InputPort *>(n->target));
    if (it == ports_.end()) {
      diags_.error(n->range, "internal error: port '" + n->name + "' was not lowered");
      return errorExpr(n->range);
    }
    return b_.port(it->second, index(n->index.get()));
  }
  case R::Kernel: {
    auto it = kernels_.find({n->target, n->targetIndex});
    if (it == kernels_.end()) {
      diags_.error(n->range, "internal error: kernel '" + n->name + "' was not lowered");
      return errorExpr(n->range);
    }
    return b_.kernelRef(it->second, n->diffOrder);
  }
  case R::Inline: {
    auto it = inlines_.find(static_cast<const A::InlineDecl *>(n->target));
    if (it == inlines_.end()) {
      diags_.error(n->range, "internal error: inline '" + n->name + "' was not lowered");
      return errorExpr(n->range);
    }
    return b_.inlineRef(it->second);
  }
  case R::Unit: {
    auto u = units::lookupUnit(n->name);
    if (!u) {
      diags_.error(n->range, "internal error: unit '" + n->name + "' passed sema");
      return errorExpr(n->range);
    }
    return b_.real(1.0, *u);
  }
  case R::Predefined:
    if (n->name == "t")
      return b_.call(Builtin::Time, {}, msType());
    if (n->name == "e")
      return b_.real(2.718281828459045);
    if (n->name == "pi")
      return b_.real(3.141592653589793);
    if (networkContext_ && (n->name == "i" || n->name == "j")) // pairwise_bernoulli's pair indices
      return std::make_unique<VarRef>(Type::integer(), n->name == "i" ? kPairSource : kPairTarget);
    diags_.error(n->range, "internal error: unknown predefined name '" + n->name + "'");
    return errorExpr(n->range);
  case R::Unresolved:
    // Network values may use unit names that sema leaves unannotated.
    if (auto u = units::lookupUnit(n->name); u && !n->index && !n->diffOrder)
      return b_.real(1.0, *u);
    diags_.error(n->range, "internal error: name '" + n->name + "' was not resolved");
    return errorExpr(n->range);
  }
  return errorExpr(n->range);
}

namespace {
enum class CallClass { Math, SameAsArg, Agree, Steps, TimeValue, Random, Poisson, Delta,
                       Convolve, Output, Statement, Sqrt };
struct BuiltinEntry {
  Builtin builtin;
  CallClass cls;
};
} // namespace

static const BuiltinEntry *lookupCall(const std::string &name, bool network) {
  static const std::map<std::string, BuiltinEntry> table = {
      {"exp", {Builtin::Exp, CallClass::Math}},
      {"expm1", {Builtin::Expm1, CallClass::Math}},
      {"ln", {Builtin::Ln, CallClass::Math}},
      {"log10", {Builtin::Log10, CallClass::Math}},
      {"sin", {Builtin::Sin, CallClass::Math}},
      {"cos", {Builtin::Cos, CallClass::Math}},
      {"tan", {Builtin::Tan, CallClass::Math}},
      {"sinh", {Builtin::Sinh, CallClass::Math}},
      {"cosh", {Builtin::Cosh, CallClass::Math}},
      {"tanh", {Builtin::Tanh, CallClass::Math}},
      {"erf", {Builtin::Erf, CallClass::Math}},
      {"erfc", {Builtin::Erfc, CallClass::Math}},
      {"sqrt", {Builtin::Sqrt, CallClass::Sqrt}},
      {"abs", {Builtin::Abs, CallClass::SameAsArg}},
      {"floor", {Builtin::Floor, CallClass::SameAsArg}},
      {"ceil", {Builtin::Ceil, CallClass::SameAsArg}},
      {"round", {Builtin::Round, CallClass::SameAsArg}},
      {"min", {Builtin::Min, CallClass::Agree}},
      {"max", {Builtin::Max, CallClass::Agree}},
      {"clip", {Builtin::Clip, CallClass::Agree}},
      {"steps", {Builtin::Steps, CallClass::Steps}},
      {"resolution", {Builtin::Resolution, CallClass::TimeValue}},
      {"timestep", {Builtin::Resolution, CallClass::TimeValue}},
      {"random_normal", {Builtin::RandomNormal, CallClass::Random}},
      {"random_uniform", {Builtin::RandomUniform, CallClass::Random}},
      {"random_poisson", {Builtin::RandomPoisson, CallClass::Poisson}},
      {"delta", {Builtin::Delta, CallClass::Delta}},
      {"convolve", {Builtin::Convolve, CallClass::Convolve}},
      {"print", {Builtin::Print, CallClass::Output}},
      {"println", {Builtin::Println, CallClass::Output}},
      {"info", {Builtin::Info, CallClass::Output}},
      {"warning", {Builtin::Warning, CallClass::Output}},
      {"emit_spike", {Builtin::Print, CallClass::Statement}},
      {"integrate_odes", {Builtin::Print, CallClass::Statement}},
  };
  // Per-neuron distributions of network initialisers and weights.
  static const std::map<std::string, BuiltinEntry> distributions = {
      {"uniform", {Builtin::RandomUniform, CallClass::Random}},
      {"normal", {Builtin::RandomNormal, CallClass::Random}},
      {"lognormal", {Builtin::RandomLognormal, CallClass::Random}},
      {"exponential", {Builtin::RandomExponential, CallClass::Random}},
  };
  if (network) {
    auto it = distributions.find(name);
    if (it != distributions.end())
      return &it->second;
  }
  auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

ExprPtr ModelLowerer::call(const A::Call *c) {
  // User functions.
  if (c->target) {
    auto it = functions_.find(c->target);
    if (it == functions_.end()) {
      diags_.error(c->range, "internal error: function '" + c->callee + "' was not lowered");
      return errorExpr(c->range);
    }
    const Function &f = model_->functions[it->second];
    std::vector<ExprPtr> args;
    for (size_t i = 0; i < c->args.size(); ++i) {
      Type pt = i < f.params.size() ? model_->variables[f.params[i]].type : Type::error();
      args.push_back(exprAs(c->args[i].get(), pt,
                            fmt::format("argument {} of '{}'", i + 1, f.name)));
    }
    return b_.callFunction(it->second, std::move(args));
  }

  const BuiltinEntry *entry = lookupCall(c->callee, networkContext_);
  if (!entry) {
    diags_.error(c->calleeRange.valid() ? c->calleeRange : c->range,
                 "internal error: function '" + c->callee + "' passed sema");
    return errorExpr(c->range);
  }
  unsigned lo, hi;
  builtinArity(entry->builtin, lo, hi);
  if (entry->cls == CallClass::Random && entry->builtin == Builtin::RandomExponential)
    lo = hi = 1;
  if (entry->cls != CallClass::Statement && (c->args.size() < lo || c->args.size() > hi)) {
    diags_.error(c->range, "internal error: call of '" + c->callee + "' has the wrong arity");
    return errorExpr(c->range);
  }
  std::string what = "the argument of '" + c->callee + "'";
  const Type semaType = b_.withPrecision(c->type);
  std::vector<ExprPtr> args;
  switch (entry->cls) {
  case CallClass::Statement:
    diags_.error(c->range, "internal error: statement call '" + c->callee + "' used as a value");
    return errorExpr(c->range);
  case CallClass::Math:
    args.push_back(exprAs(c->args[0].get(), Type::real(), what));
    return b_.call(entry->builtin, std::move(args), b_.realType());
  case CallClass::Sqrt: {
    ExprPtr x = expr(c->args[0].get());
    if (x->type.isError())
      return x;
    x = coerceToReal(std::move(x), c->range, what);
    auto root = x->type.unit.dim.root(2);
    if (!root) {
      diags_.error(c->range, "internal error: square root of " + typeText(x->type) + " passed sema");
      return errorExpr(c->range);
    }
    units::Unit u;
    u.dim = *root;
    u.scale = std::sqrt(x->type.unit.scale);
    args.push_back(std::move(x));
    return b_.call(Builtin::Sqrt, std::move(args), b_.realType(u));
  }
  case CallClass::SameAsArg: {
    ExprPtr x = expr(c->args[0].get());
    Type t = x->type;
    if (!t.isNumeric()) {
      if (!t.isError())
        diags_.error(c->range, "internal error: '" + c->callee + "' of " + typeText(t) + " passed sema");
      return errorExpr(c->range);
    }
    args.push_back(std::move(x));
    return b_.call(entry->builtin, std::move(args), t);
  }
  case CallClass::Agree: {
    for (const auto &a : c->args)
      args.push_back(expr(a.get()));
    // Agree on the first numeric argument with a unit (clip(x, lo, hi) with
    // a unit-free x takes the bounds' unit, as sema does).
    Type target = args[0]->type;
    for (const ExprPtr &a : args) {
      if (a->type.isError())
        return errorExpr(c->range);
      if (a->type.kind == TypeKind::Real)
        target.kind = TypeKind::Real;
    }
    if (target.unit.isDimensionless())
      for (const ExprPtr &a : args)
        if (!a->type.unit.isDimensionless()) {
          target.unit = a->type.unit;
          break;
        }
    for (size_t i = 0; i < args.size(); ++i)
      args[i] = coerceTo(std::move(args[i]), target, c->args[i]->range, what);
    Type rt = args[0]->type;
    return b_.call(entry->builtin, std::move(args), rt);
  }
  case CallClass::Steps:
    args.push_back(exprAs(c->args[0].get(), msType(), what));
    return b_.call(Builtin::Steps, std::move(args), Type::integer());
  case CallClass::TimeValue:
    return b_.call(Builtin::Resolution, {}, msType());
  case CallClass::Random: {
    for (const auto &a : c->args)
      args.push_back(expr(a.get()));
    for (const ExprPtr &a : args)
      if (a->type.isError())
        return errorExpr(c->range);
    Type target = args[0]->type;
    target.kind = TypeKind::Real;
    if (args.size() == 2 && target.unit.isDimensionless())
      target.unit = args[1]->type.unit;
    // lognormal(mu, sigma) parametrises the underlying normal: dimensionless.
    if (entry->builtin == Builtin::RandomLognormal)
      target = Type::real();
    for (size_t i = 0; i < args.size(); ++i)
      args[i] = coerceTo(std::move(args[i]), target, c->args[i]->range, what);
    return b_.call(entry->builtin, std::move(args), target);
  }
  case CallClass::Poisson:
    args.push_back(exprAs(c->args[0].get(), Type::real(), what));
    return b_.call(Builtin::RandomPoisson, std::move(args), Type::integer());
  case CallClass::Delta: {
    args.push_back(exprAs(c->args[0].get(), msType(), what));
    units::Unit perMs = units::Unit::dimensionless() / msUnit();
    return b_.call(Builtin::Delta, std::move(args), b_.realType(perMs));
  }
  case CallClass::Convolve: {
    ExprPtr k = expr(c->args[0].get());
    ExprPtr p = expr(c->args[1].get());
    if (k->type.isError() || p->type.isError())
      return errorExpr(c->range);
    Type t = semaType;
    if (t.isError() || !t.isNumeric()) {
      // unit(kernel) * unit(port weight), as sema defines it.
      t = b_.realType(k->type.unit * (p->type.isNumeric() ? p->type.unit : units::Unit{}));
    }
    args.push_back(std::move(k));
    args.push_back(std::move(p));
    return b_.call(Builtin::Convolve, std::move(args), t);
  }
  case CallClass::Output:
    for (const auto &a : c->args)
      args.push_back(expr(a.get()));
    return b_.call(entry->builtin, std::move(args), Type::voidTy());
  }
  return errorExpr(c->range);
}

std::optional<double> ModelLowerer::evalWithParams(const Expr &e, unsigned depth) {
  double v;
  if (evaluateConstant(e, v))
    return v;
  if (depth > 16)
    return std::nullopt;
  if (auto *r = dyn_cast<VarRef>(&e)) {
    if (r->var < model_->variables.size() && !r->index) {
      const Variable &var = model_->variables[r->var];
      if ((var.role == VarRole::Parameter || var.role == VarRole::Internal) && var.init)
        return evalWithParams(*var.init, depth + 1);
    }
  }
  return std::nullopt;
}

std::optional<double> ModelLowerer::constantValue(const A::Expr *e, const Type &as) {
  if (!e)
    return std::nullopt;
  ExprPtr x = exprAs(e, as, "a constant");
  if (x->type.isError())
    return std::nullopt;
  return evalWithParams(*x);
}

} // namespace nsc::lowering
