//===- ModelEffects.cpp - What a model's code does besides computing ------===//
//
// Purity of user functions (a fixpoint over the call graph), effects of
// expressions, recursion and the set of written variables (ModelEffects.h).
//
//===----------------------------------------------------------------------===//
#include "ModelEffects.h"

#include <functional>

namespace nsc::cuda::detail {

using namespace ir;

ModelEffects::ModelEffects(const Model &m) : m_(m) { findImpureFunctions(); }

bool ModelEffects::exprImpure(const Expr &e) const {
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
        impure = impure || this->impure(c->function);
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

bool ModelEffects::blockImpure(const Block &b, uint32_t self) const {
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

void ModelEffects::findImpureFunctions() {
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

bool ModelEffects::hasEffects(const Expr &e) const {
  bool effects = false;
  std::function<void(const Expr &)> walk = [&](const Expr &x) {
    switch (x.kind) {
    case ExprKind::Call: {
      auto &c = *cast<Call>(&x);
      if ((c.builtin == Builtin::User && impure(c.function)) ||
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

void ModelEffects::collectWrites(const Block &b, std::set<VarId> &out) {
  for (const StmtPtr &sp : b) {
    if (auto *a = dyn_cast<Assign>(sp.get()))
      out.insert(a->target);
    else if (auto *i = dyn_cast<If>(sp.get())) {
      collectWrites(i->thenBody, out);
      collectWrites(i->elseBody, out);
    } else if (auto *fo = dyn_cast<For>(sp.get())) {
      out.insert(fo->var);
      collectWrites(fo->body, out);
    } else if (auto *w = dyn_cast<While>(sp.get()))
      collectWrites(w->body, out);
  }
}

void ModelEffects::callsOfExpr(const Expr &e, std::set<uint32_t> &out) const {
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

void ModelEffects::callsOf(const Block &b, std::set<uint32_t> &out) const {
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

bool ModelEffects::recursive(uint32_t f, std::set<uint32_t> &seen, std::set<uint32_t> &stack) const {
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
bool ModelEffects::recursive(uint32_t f) const {
  std::set<uint32_t> seen, stack;
  return recursive(f, seen, stack);
}

} // namespace nsc::cuda::detail
