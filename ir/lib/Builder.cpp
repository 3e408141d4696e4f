//===- Builder.cpp - IR construction and the type rules -------------------===//
#include "nsc/ir/Builder.h"

#include <climits>
#include <cmath>

namespace nsc::ir {

//===----------------------------------------------------------------------===//
// Type rules
//===----------------------------------------------------------------------===//

static Type fail(std::string *why, std::string msg) {
  if (why)
    *why = std::move(msg);
  return Type::error();
}

Type binaryResultType(BinaryOp op, const Type &l, const Type &r, const double *constExponent,
                      std::string *why) {
  if (l.isError() || r.isError())
    return fail(why, "operand has an error type");
  const bool numeric = l.isNumeric() && r.isNumeric();
  switch (op) {
  case BinaryOp::Add:
  case BinaryOp::Sub:
  case BinaryOp::Mod:
    if (!numeric || l.kind != r.kind)
      return fail(why, "operands must be numbers of the same kind");
    if (!l.unit.sameAs(r.unit))
      return fail(why, "operands must have the same unit");
    return l;
  case BinaryOp::Mul:
  case BinaryOp::Div: {
    if (!numeric || l.kind != r.kind)
      return fail(why, "operands must be numbers of the same kind");
    Type t = l;
    t.unit = op == BinaryOp::Mul ? l.unit * r.unit : l.unit / r.unit;
    return t;
  }
  case BinaryOp::Pow: {
    if (!numeric || l.kind != r.kind)
      return fail(why, "operands must be numbers of the same kind");
    if (!r.unit.isDimensionless() || r.unit.scale != 1.0)
      return fail(why, "exponent must be dimensionless");
    Type t = l;
    if (l.unit.isDimensionless() && l.unit.scale == 1.0)
      return t;
    std::optional<units::Unit> u = constExponent ? l.unit.powReal(*constExponent) : std::nullopt;
    if (!u)
      return fail(why, "a base with a unit needs a constant exponent that leaves whole unit "
                       "exponents");
    t.unit = *u;
    return t;
  }
  case BinaryOp::Shl:
  case BinaryOp::Shr:
  case BinaryOp::BitAnd:
  case BinaryOp::BitOr:
  case BinaryOp::BitXor:
    if (l.kind != TypeKind::Int || r.kind != TypeKind::Int)
      return fail(why, "operands of a bitwise operator must be integers");
    if (!l.unit.isDimensionless() || !r.unit.isDimensionless())
      return fail(why, "operands of a bitwise operator must be dimensionless");
    return Type::integer();
  case BinaryOp::Lt:
  case BinaryOp::Le:
  case BinaryOp::Gt:
  case BinaryOp::Ge:
  case BinaryOp::Eq:
  case BinaryOp::Ne:
    if (numeric) {
      if (l.kind != r.kind)
        return fail(why, "compared numbers must be of the same kind");
      if (!l.unit.sameAs(r.unit))
        return fail(why, "compared numbers must have the same unit");
      return Type::boolean();
    }
    if (l.kind == r.kind && (op == BinaryOp::Eq || op == BinaryOp::Ne) &&
        (l.kind == TypeKind::Bool || l.kind == TypeKind::String))
      return Type::boolean();
    return fail(why, "operands cannot be compared");
  case BinaryOp::And:
  case BinaryOp::Or:
    if (l.kind != TypeKind::Bool || r.kind != TypeKind::Bool)
      return fail(why, "operands of a logical operator must be boolean");
    return Type::boolean();
  }
  return fail(why, "unknown operator");
}

void builtinArity(Builtin b, unsigned &minArgs, unsigned &maxArgs) {
  switch (b) {
  case Builtin::Resolution:
  case Builtin::Time:
    minArgs = maxArgs = 0;
    return;
  case Builtin::Min:
  case Builtin::Max:
  case Builtin::RandomNormal:
  case Builtin::RandomUniform:
  case Builtin::RandomLognormal:
  case Builtin::Convolve:
    minArgs = maxArgs = 2;
    return;
  case Builtin::Clip:
    minArgs = maxArgs = 3;
    return;
  case Builtin::Print:
  case Builtin::Println:
  case Builtin::Info:
  case Builtin::Warning:
  case Builtin::User:
    minArgs = 0;
    maxArgs = UINT_MAX;
    return;
  default:
    minArgs = maxArgs = 1;
    return;
  }
}

double conversionFactor(const units::Unit &from, const units::Unit &to) {
  double r = from.scale / to.scale;
  if (!(r > 0) || !std::isfinite(r))
    return r;
  double l = std::log10(r);
  double n = std::round(l);
  if (std::fabs(l - n) > 1e-9 || std::fabs(n) > 300)
    return r;
  // 10^n is exact for 0 <= n <= 22; 1 / 10^-n is the double nearest 10^n.
  return n >= 0 ? std::pow(10.0, n) : 1.0 / std::pow(10.0, -n);
}

units::Unit msUnit() {
  units::Unit u;
  u.dim = units::Dimension::time();
  u.scale = 1e-3;
  return u;
}

Type derivativeType(const Type &t, unsigned order) {
  Type d = t;
  if (d.kind == TypeKind::Int)
    d.kind = TypeKind::Real;
  d.unit = t.unit / msUnit().pow(static_cast<int>(order));
  return d;
}

//===----------------------------------------------------------------------===//
// Builder
//===----------------------------------------------------------------------===//

Builder::Builder(Model &model) : model_(&model), precision_(model.semantics.precision) {}
Builder::Builder(Precision realPrecision) : precision_(realPrecision) {}

Type Builder::withPrecision(Type t) const {
  if (t.kind == TypeKind::Real)
    t.precision = precision_;
  return t;
}

VarId Builder::addVariable(std::string name, VarRole role, Type type, ExprPtr init,
                           uint32_t vectorSize) {
  Variable v;
  v.id = static_cast<VarId>(model_->variables.size());
  v.name = std::move(name);
  v.role = role;
  v.type = withPrecision(std::move(type));
  v.init = std::move(init);
  v.vectorSize = vectorSize;
  model_->variables.push_back(std::move(v));
  return model_->variables.back().id;
}

uint32_t Builder::addPort(std::string name, PortKind kind, Type type, uint32_t vectorSize) {
  Port p;
  p.name = std::move(name);
  p.kind = kind;
  p.type = withPrecision(std::move(type));
  p.vectorSize = vectorSize;
  model_->ports.push_back(std::move(p));
  return static_cast<uint32_t>(model_->ports.size() - 1);
}

uint32_t Builder::addInline(std::string name, Type type, ExprPtr rhs, bool recordable) {
  InlineExpr i;
  i.name = std::move(name);
  i.type = withPrecision(std::move(type));
  i.rhs = std::move(rhs);
  i.recordable = recordable;
  model_->odes.inlines.push_back(std::move(i));
  return static_cast<uint32_t>(model_->odes.inlines.size() - 1);
}

uint32_t Builder::addKernel(std::string name, unsigned order, ExprPtr rhs) {
  Kernel k;
  k.name = std::move(name);
  k.order = order;
  k.type = rhs ? rhs->type : realType();
  k.rhs = std::move(rhs);
  model_->odes.kernels.push_back(std::move(k));
  return static_cast<uint32_t>(model_->odes.kernels.size() - 1);
}

void Builder::addOde(VarId var, unsigned order, ExprPtr rhs) {
  OdeEquation e;
  e.var = var;
  e.order = order;
  e.rhs = std::move(rhs);
  e.derivativeVars.assign(order > 0 ? order - 1 : 0, kNoVar);
  model_->odes.equations.push_back(std::move(e));
}

uint32_t Builder::addFunction(std::string name, std::vector<VarId> params, Type returnType) {
  Function f;
  f.name = std::move(name);
  f.params = std::move(params);
  f.returnType = withPrecision(std::move(returnType));
  model_->functions.push_back(std::move(f));
  return static_cast<uint32_t>(model_->functions.size() - 1);
}

ExprPtr Builder::real(double v, units::Unit u) const {
  auto c = std::make_unique<Constant>(realType(u));
  c->real = v;
  return c;
}

ExprPtr Builder::integer(int64_t v) const {
  auto c = std::make_unique<Constant>(Type::integer());
  c->integer = v;
  return c;
}

ExprPtr Builder::boolean(bool v) const {
  auto c = std::make_unique<Constant>(Type::boolean());
  c->boolean = v;
  return c;
}

ExprPtr Builder::string(std::string s) const {
  auto c = std::make_unique<Constant>(Type::string());
  c->str = std::move(s);
  return c;
}

ExprPtr Builder::var(VarId v, ExprPtr index) const {
  Type t = model_ && v < model_->variables.size() ? model_->variables[v].type : Type::error();
  auto r = std::make_unique<VarRef>(t, v);
  r->index = std::move(index);
  return r;
}

ExprPtr Builder::derivative(VarId v, unsigned order) const {
  Type t = model_ && v < model_->variables.size()
               ? derivativeType(model_->variables[v].type, order)
               : Type::error();
  return std::make_unique<Derivative>(t, v, order);
}

ExprPtr Builder::port(uint32_t p, ExprPtr index) const {
  Type t = model_ && p < model_->ports.size() ? model_->ports[p].type : Type::error();
  auto r = std::make_unique<PortRef>(t, p);
  r->index = std::move(index);
  return r;
}

ExprPtr Builder::inlineRef(uint32_t i) const {
  Type t = model_ && i < model_->odes.inlines.size() ? model_->odes.inlines[i].type
                                                      : Type::error();
  return std::make_unique<InlineRef>(t, i);
}

ExprPtr Builder::kernelRef(uint32_t k, unsigned order) const {
  Type t = Type::error();
  if (model_ && k < model_->odes.kernels.size())
    t = order ? derivativeType(model_->odes.kernels[k].type, order) : model_->odes.kernels[k].type;
  return std::make_unique<KernelRef>(t, k, order);
}

ExprPtr Builder::unary(UnaryOp op, ExprPtr x) const {
  Type t = x->type;
  if (op == UnaryOp::Not)
    t = Type::boolean();
  else if (op == UnaryOp::BitNot)
    t = Type::integer();
  return std::make_unique<Unary>(t, op, std::move(x));
}

ExprPtr Builder::binary(BinaryOp op, ExprPtr l, ExprPtr r) const {
  double exponent = 0;
  bool haveExponent = op == BinaryOp::Pow && evaluateConstant(*r, exponent);
  Type t = binaryResultType(op, l->type, r->type, haveExponent ? &exponent : nullptr);
  return std::make_unique<Binary>(t, op, std::move(l), std::move(r));
}

ExprPtr Builder::select(ExprPtr c, ExprPtr a, ExprPtr b) const {
  Type t = a->type;
  return std::make_unique<Select>(t, std::move(c), std::move(a), std::move(b));
}

ExprPtr Builder::call(Builtin b, std::vector<ExprPtr> args, Type result) const {
  auto c = std::make_unique<Call>(withPrecision(std::move(result)), b);
  c->args = std::move(args);
  return c;
}

ExprPtr Builder::callFunction(uint32_t function, std::vector<ExprPtr> args) const {
  Type t = model_ && function < model_->functions.size() ? model_->functions[function].returnType
                                                         : Type::error();
  auto c = std::make_unique<Call>(t, Builtin::User);
  c->function = function;
  c->args = std::move(args);
  return c;
}

ExprPtr Builder::list(Type elementType, std::vector<ExprPtr> elements) const {
  auto l = std::make_unique<List>(withPrecision(std::move(elementType)));
  l->elements = std::move(elements);
  return l;
}

ExprPtr Builder::convert(ExprPtr x, const units::Unit &to) const {
  if (x->type.unit.sameAs(to))
    return x;
  Type t = x->type;
  t.unit = to;
  double factor = conversionFactor(x->type.unit, to);
  auto loc = x->loc;
  auto c = std::make_unique<UnitConvert>(t, std::move(x), factor);
  c->loc = loc;
  return c;
}

ExprPtr Builder::intToReal(ExprPtr x) const {
  Type t = realType(x->type.unit);
  return cast(CastKind::IntToReal, std::move(x), t);
}

ExprPtr Builder::cast(CastKind k, ExprPtr x, Type to) const {
  auto loc = x->loc;
  auto c = std::make_unique<Cast>(std::move(to), k, std::move(x));
  c->loc = loc;
  return c;
}

ExprPtr Builder::coerce(ExprPtr x, const Type &toIn) const {
  if (!x)
    return nullptr;
  if (toIn.isError() || x->type.isError())
    return x;
  Type to = toIn;
  if (!to.isNumeric() || !x->type.isNumeric())
    return to.kind == x->type.kind ? std::move(x) : nullptr;

  // Kind first: integer <-> real.
  if (x->type.kind == TypeKind::Int && to.kind == TypeKind::Real) {
    if (auto *c = dyn_cast<Constant>(x.get())) {
      // An integer literal becomes the same real number: exact for |v| < 2^53.
      auto r = std::make_unique<Constant>(Type::real(c->type.unit, to.precision));
      r->real = static_cast<double>(c->integer);
      r->loc = c->loc;
      x = std::move(r);
    } else {
      Type castTo = Type::real(x->type.unit, to.precision); // read x before it is moved
      x = cast(CastKind::IntToReal, std::move(x), castTo);
    }
  } else if (x->type.kind == TypeKind::Real && to.kind == TypeKind::Int) {
    Type castTo = Type::integer(x->type.unit); // read x before it is moved
    x = cast(CastKind::RealToInt, std::move(x), castTo);
  }

  if (x->type.unit.dim != to.unit.dim) {
    if (!x->type.unit.isDimensionless() && !to.unit.isDimensionless())
      return nullptr;
    if (auto *c = dyn_cast<Constant>(x.get())) {
      c->type.unit = to.unit;
    } else {
      Type t = x->type;
      t.unit = to.unit;
      x = cast(CastKind::ReinterpretUnit, std::move(x), t);
    }
  }
  if (!x->type.unit.sameAs(to.unit))
    x = convert(std::move(x), to.unit);

  if (to.kind == TypeKind::Real && !(x->type.precision == to.precision)) {
    if (auto *c = dyn_cast<Constant>(x.get())) {
      c->type.precision = to.precision;
    } else {
      Type castTo = Type::real(x->type.unit, to.precision); // read x before it is moved
      x = cast(CastKind::PrecisionCast, std::move(x), castTo);
    }
  }
  return x;
}

StmtPtr Builder::assign(VarId target, ExprPtr value, ExprPtr index) const {
  auto a = std::make_unique<Assign>();
  a->target = target;
  a->value = std::move(value);
  a->index = std::move(index);
  return a;
}

StmtPtr Builder::ifStmt(ExprPtr cond, Block thenBody, Block elseBody) const {
  auto s = std::make_unique<If>();
  s->cond = std::move(cond);
  s->thenBody = std::move(thenBody);
  s->elseBody = std::move(elseBody);
  return s;
}

StmtPtr Builder::forStmt(VarId var, ExprPtr from, ExprPtr to, ExprPtr step, Block body) const {
  auto s = std::make_unique<For>();
  s->var = var;
  s->from = std::move(from);
  s->to = std::move(to);
  s->step = std::move(step);
  s->body = std::move(body);
  return s;
}

StmtPtr Builder::whileStmt(ExprPtr cond, Block body) const {
  auto s = std::make_unique<While>();
  s->cond = std::move(cond);
  s->body = std::move(body);
  return s;
}

StmtPtr Builder::ret(ExprPtr value) const {
  auto s = std::make_unique<Return>();
  s->value = std::move(value);
  return s;
}

StmtPtr Builder::emitSpike(std::vector<ExprPtr> args) const {
  auto s = std::make_unique<EmitSpike>();
  s->args = std::move(args);
  return s;
}

StmtPtr Builder::integrateOdes(std::vector<VarId> vars) const {
  auto s = std::make_unique<IntegrateOdes>();
  s->vars = std::move(vars);
  return s;
}

StmtPtr Builder::callStmt(ExprPtr call) const {
  auto s = std::make_unique<CallStmt>();
  s->call = std::move(call);
  return s;
}

StmtPtr Builder::localDecl(VarId var, ExprPtr init) const {
  auto s = std::make_unique<LocalDecl>();
  s->var = var;
  s->init = std::move(init);
  return s;
}

} // namespace nsc::ir
