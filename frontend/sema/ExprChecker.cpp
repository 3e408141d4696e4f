//===- ExprChecker.cpp - Types and units of expressions -------------------===//
#include "ExprChecker.h"
#include "ConstEval.h"
#include "TypeResolver.h"

#include "nsc/support/Units.h"

#include <cmath>

namespace nsc::sema {

using namespace ast;

const char *regionName(Region r) {
  switch (r) {
  case Region::ParameterInit: return "a parameter's initial value";
  case Region::InternalInit: return "an internal's initial value";
  case Region::StateInit: return "a state variable's initial value";
  case Region::Guard: return "a guard";
  case Region::VectorSize: return "a vector size";
  case Region::OdeRhs: return "an ODE";
  case Region::KernelRhs: return "a kernel";
  case Region::InlineRhs: return "an inline expression";
  case Region::Update: return "the update block";
  case Region::OnReceive: return "an onReceive block";
  case Region::OnCondition: return "an onCondition block";
  case Region::Function: return "a function";
  case Region::Network: return "a network";
  case Region::PairProbability: return "a connection probability";
  }
  return "this context";
}

static bool isInitRegion(Region r) {
  return r == Region::ParameterInit || r == Region::InternalInit || r == Region::StateInit ||
         r == Region::VectorSize;
}

static bool isEquationRegion(Region r) {
  return r == Region::OdeRhs || r == Region::KernelRhs || r == Region::InlineRhs;
}

static std::string quote(const ir::Type &t) { return "'" + typeStr(t) + "'"; }

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

ir::Type ExprChecker::check(Expr *e) {
  if (!e)
    return ir::Type::error();
  ir::Type t = ir::Type::error();
  switch (e->kind) {
  case NodeKind::NumberLit: t = checkNumber(cast<NumberLit>(e)); break;
  case NodeKind::BoolLit: t = ir::Type::boolean(); break;
  case NodeKind::StringLit: t = ir::Type::string(); break;
  case NodeKind::InfLit: t = ir::Type::real(); break;
  case NodeKind::NameRef: t = checkName(cast<NameRef>(e)); break;
  case NodeKind::Unary: t = checkUnary(cast<Unary>(e)); break;
  case NodeKind::Binary: t = checkBinary(cast<Binary>(e)); break;
  case NodeKind::Ternary: t = checkTernary(cast<Ternary>(e)); break;
  case NodeKind::Call: t = checkCall(cast<Call>(e)); break;
  case NodeKind::List: t = checkList(cast<List>(e)); break;
  default: break;
  }
  e->type = t;
  return t;
}

ir::Type ExprChecker::checkValue(Expr *e) {
  ir::Type t = check(e);
  if (t.kind == ir::TypeKind::Void) {
    std::string what = "expression";
    if (auto *c = dyn_cast<Call>(e))
      what = "'" + c->callee + "'";
    diags_.error(e->range, what + " does not return a value");
    e->type = ir::Type::error();
    return e->type;
  }
  return t;
}

void ExprChecker::checkCondition(Expr *e, const char *what) {
  if (!e)
    return;
  ir::Type t = checkValue(e);
  if (!t.isError() && t.kind != ir::TypeKind::Bool)
    diags_.error(e->range, std::string(what) + " must be 'boolean', not " + quote(t));
}

void ExprChecker::checkInteger(Expr *e, const char *what) {
  if (!e)
    return;
  ir::Type t = checkValue(e);
  if (!t.isError() && (t.kind != ir::TypeKind::Int || !t.unit.isDimensionless()))
    diags_.error(e->range, std::string(what) + " must be an integer, not " + quote(t));
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

const Symbol *ExprChecker::lookup(const std::string &name) const {
  return scope ? scope->lookup(name) : nullptr;
}

void ExprChecker::bind(NameRef *ref, const Symbol &sym) {
  switch (sym.kind) {
  case SymbolKind::Variable: ref->resolution = NameRef::Resolution::Variable; break;
  case SymbolKind::Port: ref->resolution = NameRef::Resolution::Port; break;
  case SymbolKind::Kernel: ref->resolution = NameRef::Resolution::Kernel; break;
  case SymbolKind::Inline: ref->resolution = NameRef::Resolution::Inline; break;
  case SymbolKind::Function: return;
  }
  ref->target = sym.decl;
  ref->targetIndex = sym.index;
  ref->type = sym.type;
}

void ExprChecker::reportUndeclared(const std::string &name, SourceRange range, const char *what) {
  auto d = diags_.error(range, std::string("use of undeclared ") + what + " '" + name + "'");
  std::vector<std::string> candidates;
  if (scope)
    scope->collectNames(candidates);
  if (region == Region::PairProbability) {
    candidates.push_back("i");
    candidates.push_back("j");
  } else if (region != Region::Network) {
    candidates.push_back("t");
  }
  suggestName(d, range, name, candidates);
}

void ExprChecker::noteDeclarations(DiagnosticEngine::Builder &d, const Expr *e) const {
  auto *n = dyn_cast<NameRef>(e);
  if (!n || !n->target)
    return;
  const Symbol *sym = lookup(n->name);
  if (sym && sym->decl == n->target && sym->range.valid())
    d.note(sym->range, "'" + sym->name + "' declared here");
}

ir::Type ExprChecker::checkNumber(NumberLit *n) {
  ir::Type t = n->isInteger ? ir::Type::integer() : ir::Type::real();
  if (n->unitName.empty())
    return t;
  SourceRange r = n->unitRange.valid() ? n->unitRange : n->range;
  if (auto u = units::lookupUnit(n->unitName))
    return ir::Type::real(*u);
  auto d = diags_.error(r, "unknown unit '" + n->unitName + "'");
  if (const Symbol *sym = lookup(n->unitName))
    d.note(sym->range, "'" + n->unitName + "' is declared here; write '" + n->text + " * " +
                           n->unitName + "' to multiply by it");
  else
    suggestName(d, r, n->unitName, knownUnitNames());
  return ir::Type::error();
}

static int rankOf(DeclContext c) {
  switch (c) {
  case DeclContext::Parameter: return 0;
  case DeclContext::Internal: return 1;
  case DeclContext::State: return 2;
  default: return -1;
  }
}

void ExprChecker::checkInitOrder(NameRef *n, const Symbol &sym) {
  if (region == Region::VectorSize) {
    if (sym.context != DeclContext::Parameter && sym.context != DeclContext::Internal)
      diags_.error(n->range, "vector size must be a constant or a parameter, not '" + n->name + "'")
          .note(sym.range, "'" + sym.name + "' declared here");
    return;
  }
  if (!initOf || rankOf(sym.context) < 0)
    return;
  // Initial values are evaluated in dependency order (NESTML lets internals
  // and state refer to each other across blocks); only a cycle is an error,
  // reported by ModelChecker once every reference is known.
  if (&sym == initOf) {
    diags_.error(n->range, "initial value of '" + initOf->name + "' refers to itself");
    return;
  }
  if (initRefs)
    initRefs->push_back({sym.name, n->range});
}

void ExprChecker::checkIndex(NameRef *n, const Symbol &sym) {
  if (n->index) {
    checkInteger(n->index.get(), "vector index");
    if (!sym.isVector)
      diags_.error(n->index->range, "'" + n->name + "' is not a vector")
          .note(sym.range, "'" + sym.name + "' declared here");
    return;
  }
  // Whole vectors are only meaningful element-wise in equations.
  if (sym.isVector && !isEquationRegion(region))
    diags_.error(n->range, "vector '" + n->name + "' must be indexed")
        .note(sym.range, "'" + sym.name + "' declared here");
}

ir::Type ExprChecker::checkName(NameRef *n) {
  const Symbol *sym = nullptr;
  bool derivativeDecl = false;
  if (n->diffOrder > 0) {
    // `g' nS/ms = ...` in the state block declares the initial value of a
    // derivative; `g'` then names that variable.
    sym = lookup(n->name + std::string(n->diffOrder, '\''));
    derivativeDecl = sym != nullptr;
  }
  if (!sym)
    sym = lookup(n->name);

  if (sym) {
    switch (sym->kind) {
    case SymbolKind::Function:
      diags_.error(n->range, "'" + n->name + "' is a function; call it as '" + n->name + "(...)'")
          .note(sym->range, "'" + sym->name + "' declared here");
      return ir::Type::error();

    case SymbolKind::Kernel: {
      bool self = region == Region::KernelRhs && n->name == currentKernel;
      if (!self) {
        diags_.error(n->range, "kernel '" + n->name +
                                   "' can only be used as the first argument of convolve()")
            .note(sym->range, "'" + sym->name + "' declared here");
        return ir::Type::error();
      }
      bind(n, *sym);
      ir::Type t = sym->type;
      if (n->diffOrder)
        t.unit = t.unit / millisecond().pow(n->diffOrder);
      return t;
    }

    case SymbolKind::Port: {
      if (isInitRegion(region) || region == Region::Guard) {
        diags_.error(n->range, "input port '" + n->name + "' cannot be used in " +
                                   regionName(region))
            .note(sym->range, "'" + sym->name + "' declared here");
        return ir::Type::error();
      }
      if (n->diffOrder) {
        diags_.error(n->range, "cannot take the derivative of input port '" + n->name + "'");
        return ir::Type::error();
      }
      if (isEquationRegion(region) && static_cast<const InputPort *>(sym->decl)->isSpike) {
        diags_.error(n->range, "spike port '" + n->name +
                                   "' can only be used inside convolve() in equations")
            .note(sym->range, "'" + sym->name + "' declared here");
        return ir::Type::error();
      }
      bind(n, *sym);
      checkIndex(n, *sym);
      return sym->type;
    }

    case SymbolKind::Inline: {
      if (isInitRegion(region) || region == Region::Guard) {
        diags_.error(n->range, "inline expression '" + n->name + "' cannot be used in " +
                                   regionName(region))
            .note(sym->range, "'" + sym->name + "' declared here");
        return ir::Type::error();
      }
      if (n->diffOrder) {
        diags_.error(n->range, "cannot take the derivative of inline expression '" + n->name + "'");
        return ir::Type::error();
      }
      bind(n, *sym);
      if (inlineRefs)
        inlineRefs->push_back(static_cast<const InlineDecl *>(sym->decl));
      if (n->index)
        diags_.error(n->index->range, "'" + n->name + "' is not a vector");
      return sym->type;
    }

    case SymbolKind::Variable: {
      checkInitOrder(n, *sym);
      bind(n, *sym);
      checkIndex(n, *sym);
      if (n->diffOrder == 0 || derivativeDecl)
        return sym->type;
      // `V_m'` without a declared initial value: the derivative given by the
      // model's ODE (or a kernel's), in the unit of V_m per ms.
      unsigned order = 0;
      if (model_) {
        auto it = model_->odeOrder.find(n->name);
        if (it != model_->odeOrder.end())
          order = it->second;
        auto k = model_->kernels.find(n->name);
        if (k != model_->kernels.end())
          order = std::max(order, k->second.order);
      }
      if (order < n->diffOrder) {
        diags_.error(n->range, "'" + n->name + std::string(n->diffOrder, '\'') +
                                   "' refers to a derivative of '" + n->name +
                                   "', which has no ODE of that order")
            .note(sym->range, "'" + sym->name + "' declared here");
        return ir::Type::error();
      }
      ir::Type t = sym->type;
      if (t.kind == ir::TypeKind::Int)
        t.kind = ir::TypeKind::Real;
      t.unit = t.unit / millisecond().pow(n->diffOrder);
      n->type = t;
      return t;
    }
    }
  }

  // Not declared: predefined names, then units.
  if (region == Region::PairProbability && n->diffOrder == 0 && !n->index &&
      (n->name == "i" || n->name == "j")) {
    n->resolution = NameRef::Resolution::Predefined; // the pair's source and target index
    return ir::Type::integer();
  }
  if (region != Region::Network && region != Region::PairProbability && n->diffOrder == 0 && !n->index &&
      (n->name == "t" || n->name == "e")) {
    n->resolution = NameRef::Resolution::Predefined;
    return n->name == "t" ? ir::Type::real(millisecond()) : ir::Type::real();
  }
  if (auto u = units::lookupUnit(n->name)) {
    if (n->diffOrder || n->index) {
      diags_.error(n->range, "unit '" + n->name + "' cannot be " +
                                 (n->index ? "indexed" : "differentiated"));
      return ir::Type::error();
    }
    n->resolution = NameRef::Resolution::Unit;
    return ir::Type::real(*u);
  }
  reportUndeclared(n->name, n->range,
                   region == Region::Network || region == Region::PairProbability ? "name" : "variable");
  if (n->index)
    check(n->index.get());
  return ir::Type::error();
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

ir::Type ExprChecker::unify(const Expr *lhs, const Expr *rhs, SourceRange where,
                            const std::string &message, bool lenient) {
  const ir::Type &a = lhs->type, &b = rhs->type;
  ir::TypeKind k = (a.kind == ir::TypeKind::Int && b.kind == ir::TypeKind::Int)
                       ? ir::TypeKind::Int
                       : ir::TypeKind::Real;
  ir::Type r = k == ir::TypeKind::Int ? ir::Type::integer() : ir::Type::real();
  if (sameDimension(a, b)) {
    r.unit = a.unit;
    return r;
  }
  // 0 and inf mean the same in every unit.
  if (a.unit.isDimensionless() && isUnitFreeLiteral(lhs)) {
    r.kind = ir::TypeKind::Real;
    r.unit = b.unit;
    return r;
  }
  if (b.unit.isDimensionless() && isUnitFreeLiteral(rhs)) {
    r.kind = ir::TypeKind::Real;
    r.unit = a.unit;
    return r;
  }
  // NESTML adds a dimensionless number to a physical quantity with a
  // warning, reading the number in the quantity's unit (lowering does the
  // same); two different physical dimensions stay an error.
  if (lenient && a.unit.isDimensionless() != b.unit.isDimensionless()) {
    const Expr *plain = a.unit.isDimensionless() ? lhs : rhs;
    const ir::Type &physical = a.unit.isDimensionless() ? b : a;
    ir::Type target = ir::Type::real(physical.unit);
    diags_.warning(plain->range, "implicit conversion from dimensionless '" +
                                     typeStr(plain->type) + "' to '" + typeStr(target) + "'");
    r.kind = ir::TypeKind::Real;
    r.unit = physical.unit;
    return r;
  }
  auto d = diags_.error(where, message);
  noteDeclarations(d, lhs);
  noteDeclarations(d, rhs);
  return ir::Type::error();
}

ir::Type ExprChecker::checkUnary(Unary *u) {
  ir::Type t = checkValue(u->operand.get());
  if (t.isError())
    return t;
  switch (u->op) {
  case UnaryOp::Plus:
  case UnaryOp::Minus:
    if (!t.isNumeric()) {
      diags_.error(u->range, std::string("invalid operand to unary '") +
                                 (u->op == UnaryOp::Plus ? "+" : "-") + "': " + quote(t));
      return ir::Type::error();
    }
    return t;
  case UnaryOp::Not:
    if (t.kind != ir::TypeKind::Bool) {
      diags_.error(u->operand->range, "operand of 'not' must be 'boolean', not " + quote(t));
      return ir::Type::error();
    }
    return t;
  case UnaryOp::BitNot:
    if (t.kind != ir::TypeKind::Int || !t.unit.isDimensionless()) {
      diags_.error(u->operand->range, "operand of '~' must be an integer, not " + quote(t));
      return ir::Type::error();
    }
    return t;
  }
  return ir::Type::error();
}

ir::Type ExprChecker::checkBinary(Binary *b) {
  ir::Type l = checkValue(b->lhs.get());
  ir::Type r = checkValue(b->rhs.get());
  if (l.isError() || r.isError())
    return ir::Type::error();
  const std::string op = spelling(b->op);
  auto invalid = [&]() {
    diags_.error(b->range, "invalid operands to '" + op + "' (" + quote(l) + " and " + quote(r) + ")");
    return ir::Type::error();
  };
  bool numeric = l.isNumeric() && r.isNumeric();
  bool bothInt = l.kind == ir::TypeKind::Int && r.kind == ir::TypeKind::Int;

  switch (b->op) {
  case BinaryOp::Add:
    if (!numeric)
      return invalid();
    return unify(b->lhs.get(), b->rhs.get(), b->range,
                 "cannot add " + quote(l) + " and " + quote(r), /*lenient=*/true);
  case BinaryOp::Sub:
    if (!numeric)
      return invalid();
    return unify(b->lhs.get(), b->rhs.get(), b->range,
                 "cannot subtract " + quote(r) + " from " + quote(l), /*lenient=*/true);
  case BinaryOp::Mul: {
    if (!numeric)
      return invalid();
    ir::Type t = bothInt ? ir::Type::integer() : ir::Type::real();
    t.unit = l.unit * r.unit;
    return t;
  }
  case BinaryOp::Div:
  case BinaryOp::Mod: {
    if (!numeric)
      return invalid();
    if (bothInt) {
      auto lc = evaluateConstant(b->lhs.get());
      auto rc = evaluateConstant(b->rhs.get());
      if (rc && rc->value == 0) {
        diags_.error(b->rhs->range, "integer division by zero");
        return ir::Type::error();
      }
      if (b->op == BinaryOp::Div && lc && rc && std::fmod(lc->value, rc->value) != 0) {
        double q = std::trunc(lc->value / rc->value);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f", q);
        diags_.warning(b->range, std::string("integer division yields ") + buf)
            .note(b->lhs->range, "write a real literal such as '" +
                                     std::string(buf[0] == '-' ? "-" : "") + "1.0' for real division");
      }
    }
    if (b->op == BinaryOp::Mod) {
      if (bothInt)
        return ir::Type::integer();
      return unify(b->lhs.get(), b->rhs.get(), b->range,
                   "operands of '%' have incompatible units " + quote(l) + " and " + quote(r));
    }
    ir::Type t = bothInt ? ir::Type::integer() : ir::Type::real();
    t.unit = l.unit / r.unit;
    return t;
  }
  case BinaryOp::Pow: {
    if (!numeric)
      return invalid();
    if (!r.unit.isDimensionless()) {
      diags_.error(b->rhs->range, "exponent must be dimensionless, not " + quote(r));
      return ir::Type::error();
    }
    auto ec = evaluateConstant(b->rhs.get());
    if (l.unit.isDimensionless()) {
      bool intResult = bothInt && ec && ec->value >= 0;
      return intResult ? ir::Type::integer() : ir::Type::real();
    }
    // A constant exponent whose result has whole unit exponents:
    // mV**2, ms**-1, (uS**2)**0.5.
    std::optional<units::Unit> u = ec ? l.unit.powReal(ec->value) : std::nullopt;
    if (!u) {
      auto d = diags_.error(b->rhs->range,
                            "the exponent of a physical quantity (" + quote(l) +
                                ") must be a constant that leaves whole unit exponents");
      noteDeclarations(d, b->lhs.get());
      return ir::Type::error();
    }
    return ir::Type::real(*u);
  }
  case BinaryOp::Shl:
  case BinaryOp::Shr:
  case BinaryOp::BitAnd:
  case BinaryOp::BitXor:
  case BinaryOp::BitOr:
    if (!bothInt || !l.unit.isDimensionless() || !r.unit.isDimensionless()) {
      diags_.error(b->range, "operands of '" + op + "' must be integers, not " + quote(l) +
                                 " and " + quote(r));
      return ir::Type::error();
    }
    return ir::Type::integer();
  case BinaryOp::Lt:
  case BinaryOp::Le:
  case BinaryOp::Gt:
  case BinaryOp::Ge:
    if (!numeric)
      return invalid();
    if (unify(b->lhs.get(), b->rhs.get(), b->range,
              "cannot compare " + quote(l) + " and " + quote(r))
            .isError())
      return ir::Type::error();
    return ir::Type::boolean();
  case BinaryOp::Eq:
  case BinaryOp::Ne:
    if (numeric) {
      if (unify(b->lhs.get(), b->rhs.get(), b->range,
                "cannot compare " + quote(l) + " and " + quote(r))
              .isError())
        return ir::Type::error();
      return ir::Type::boolean();
    }
    if (l.kind == r.kind && (l.kind == ir::TypeKind::Bool || l.kind == ir::TypeKind::String))
      return ir::Type::boolean();
    diags_.error(b->range, "cannot compare " + quote(l) + " and " + quote(r));
    return ir::Type::error();
  case BinaryOp::And:
  case BinaryOp::Or: {
    bool ok = true;
    if (l.kind != ir::TypeKind::Bool) {
      diags_.error(b->lhs->range, "operand of '" + op + "' must be 'boolean', not " + quote(l));
      ok = false;
    }
    if (r.kind != ir::TypeKind::Bool) {
      diags_.error(b->rhs->range, "operand of '" + op + "' must be 'boolean', not " + quote(r));
      ok = false;
    }
    return ok ? ir::Type::boolean() : ir::Type::error();
  }
  }
  return ir::Type::error();
}

ir::Type ExprChecker::checkTernary(Ternary *t) {
  checkCondition(t->cond.get(), "condition");
  ir::Type a = checkValue(t->thenExpr.get());
  ir::Type b = checkValue(t->elseExpr.get());
  if (a.isError() || b.isError())
    return ir::Type::error();
  if (a.isNumeric() && b.isNumeric())
    return unify(t->thenExpr.get(), t->elseExpr.get(), t->range,
                 "incompatible operand types " + quote(a) + " and " + quote(b) + " in '?:'");
  if (a.kind == b.kind && (a.kind == ir::TypeKind::Bool || a.kind == ir::TypeKind::String))
    return a;
  diags_.error(t->range, "incompatible operand types " + quote(a) + " and " + quote(b) + " in '?:'");
  return ir::Type::error();
}

ir::Type ExprChecker::checkList(List *l) {
  if (region != Region::Network)
    diags_.error(l->range, region == Region::PairProbability ? "a connection probability cannot be a list"
                                                              : "lists are only allowed in network blocks");
  ir::Type first = ir::Type::error();
  const Expr *firstExpr = nullptr;
  bool ok = true;
  for (size_t i = 0; i < l->elements.size(); ++i) {
    ir::Type t = checkValue(l->elements[i].get());
    if (t.isError()) {
      ok = false;
      continue;
    }
    if (!firstExpr) {
      first = t;
      firstExpr = l->elements[i].get();
      continue;
    }
    if (first.isNumeric() && t.isNumeric()) {
      if (unify(firstExpr, l->elements[i].get(), l->elements[i]->range,
                "list elements have incompatible types " + quote(first) + " and " + quote(t))
              .isError())
        ok = false;
    } else if (first.kind != t.kind) {
      diags_.error(l->elements[i]->range,
                   "list elements have incompatible types " + quote(first) + " and " + quote(t));
      ok = false;
    }
  }
  return ok ? first : ir::Type::error();
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

ir::Type ExprChecker::checkCall(Call *c) {
  // The parser never leaves an argument empty, but a null one must not crash.
  for (auto &a : c->args)
    if (!a) {
      for (auto &other : c->args)
        check(other.get());
      return ir::Type::error();
    }
  for (NamedArg &na : c->namedArgs) {
    diags_.error(na.nameRange.valid() ? na.nameRange : c->range,
                 "named argument '" + na.name + "' is not allowed in a call to '" + c->callee + "'");
    check(na.value.get());
  }
  const Symbol *sym = lookup(c->callee);
  if (sym && sym->kind == SymbolKind::Function)
    return checkUserCall(c, *sym);
  if (const BuiltinInfo *info = lookupBuiltin(c->callee))
    return checkBuiltinCall(c, *info);
  SourceRange r = c->calleeRange.valid() ? c->calleeRange : c->range;
  if (sym) {
    diags_.error(r, "'" + c->callee + "' is not a function")
        .note(sym->range, "'" + sym->name + "' declared here");
  } else {
    auto d = diags_.error(r, "unknown function '" + c->callee + "'");
    std::vector<std::string> candidates = builtinNames();
    if (scope)
      for (const Scope *s = scope; s; s = s->parent())
        for (const Symbol *f : s->symbols())
          if (f->kind == SymbolKind::Function)
            candidates.push_back(f->name);
    suggestName(d, r, c->callee, candidates);
  }
  for (auto &a : c->args)
    check(a.get());
  return ir::Type::error();
}

ir::Type ExprChecker::checkUserCall(Call *c, const Symbol &fn) {
  auto *decl = static_cast<const FunctionDecl *>(fn.decl);
  c->target = decl;
  if (callEdges && function)
    callEdges->push_back({function, decl, c});
  for (auto &a : c->args)
    checkValue(a.get());
  if (c->args.size() != decl->params.size()) {
    diags_.error(c->range, "function '" + c->callee + "' expects " +
                               std::to_string(decl->params.size()) + " argument" +
                               (decl->params.size() == 1 ? "" : "s") + " but " +
                               std::to_string(c->args.size()) +
                               (c->args.size() == 1 ? " was" : " were") + " given")
        .note(fn.range, "'" + fn.name + "' declared here");
    return fn.type;
  }
  for (size_t i = 0; i < c->args.size(); ++i) {
    const VarDecl *p = decl->params[i].get();
    if (!p)
      continue;
    std::string pname = p->names.empty() ? "" : p->names[0].name;
    checkConversion(diags_, p->resolvedType, c->args[i].get(),
                    [&](const std::string &expected, const std::string &got) {
                      return "argument " + std::to_string(i + 1) + " of '" + c->callee +
                             "' has type '" + got + "', expected '" + expected + "' for '" +
                             pname + "'";
                    });
  }
  return fn.type;
}

} // namespace nsc::sema
