//===- LowerStmt.cpp - AST statements to IR statements --------------------===//
#include "ModelLowerer.h"


namespace nsc::lowering {

using namespace nsc::ir;
namespace A = nsc::ast;

ir::Block ModelLowerer::block(const A::Block &b) {
  ir::Block out;
  for (const A::StmtPtr &s : b)
    stmt(s.get(), out);
  return out;
}

void ModelLowerer::localDecl(const A::VarDecl *d, ir::Block &out) {
  VarRole role = d->context == A::DeclContext::FunctionParam ? VarRole::Argument : VarRole::Local;
  for (unsigned i = 0; i < d->names.size(); ++i) {
    const A::DeclaredName &dn = d->names[i];
    uint32_t size = dn.vectorSize ? vectorSize(dn.vectorSize.get(), dn.name) : 0;
    VarId v = b_.addVariable(dn.name, role, d->resolvedType, nullptr, size);
    model_->variables[v].loc = dn.range;
    model_->variables[v].recordable = d->recordable;
    model_->variables[v].decorators = d->decorators;
    vars_[{d, i}] = v;
    localsByName_[dn.name] = v;
    ExprPtr init = d->init ? exprAs(d->init.get(), model_->variables[v].type,
                                    "the initial value of '" + dn.name + "'")
                           : nullptr;
    StmtPtr s = b_.localDecl(v, std::move(init));
    s->loc = d->range;
    out.push_back(std::move(s));
  }
}

std::optional<VarId> ModelLowerer::assignTarget(const A::NameRef *t) {
  if (!t)
    return std::nullopt;
  if (t->resolution != A::NameRef::Resolution::Variable) {
    diags_.error(t->range, "internal error: assignment to '" + t->name + "' passed sema");
    return std::nullopt;
  }
  auto v = varOf(t->target, t->targetIndex);
  if (!v) {
    diags_.error(t->range, "internal error: '" + t->name + "' has no lowered declaration");
    return std::nullopt;
  }
  const Variable &var = model_->variables[*v];
  if (t->diffOrder > 0 && var.name.find('\'') == std::string::npos) {
    diags_.error(t->range, "internal error: assignment to a derivative of '" + t->name +
                               "' passed sema");
    return std::nullopt;
  }
  return v;
}

void ModelLowerer::assign(const A::Assign *a, ir::Block &out) {
  auto target = assignTarget(a->target.get());
  if (!target)
    return;
  const Variable &var = model_->variables[*target];
  Type targetType = var.type;
  std::string what = "the assignment to '" + var.name + "'";
  ExprPtr idx = index(a->target->index.get());
  ExprPtr value;
  if (a->op == A::AssignOp::Set) {
    value = exprAs(a->value.get(), targetType, what);
  } else {
    // x op= e  is  x = x op e, with e converted as the operator needs.
    A::BinaryOp op = a->op == A::AssignOp::Add   ? A::BinaryOp::Add
                     : a->op == A::AssignOp::Sub ? A::BinaryOp::Sub
                     : a->op == A::AssignOp::Mul ? A::BinaryOp::Mul
                                                 : A::BinaryOp::Div;
    ExprPtr cur = b_.var(*target, idx ? idx->clone() : nullptr);
    cur->loc = a->target->range;
    ExprPtr rhs = expr(a->value.get());
    Type semaType = targetType;
    if (rhs->type.kind == TypeKind::Real)
      semaType.kind = TypeKind::Real;
    ExprPtr combined = arith(op, std::move(cur), std::move(rhs), a->range, semaType);
    value = coerceTo(std::move(combined), targetType, a->range, what);
  }
  StmtPtr s = b_.assign(*target, std::move(value), std::move(idx));
  s->loc = a->range;
  out.push_back(std::move(s));
}

void ModelLowerer::exprStmt(const A::ExprStmt *s, ir::Block &out) {
  auto *c = A::dyn_cast<A::Call>(s->expr.get());
  if (!c) {
    diags_.error(s->range, "internal error: expression statement is not a call");
    return;
  }
  if (!c->target && c->callee == "emit_spike") {
    std::vector<ExprPtr> args;
    // Synapse models forward a spike with its weight and delay (ms).
    for (size_t i = 0; i < c->args.size(); ++i) {
      if (i == 1)
        args.push_back(exprAs(c->args[i].get(), msType(), "the delay of emit_spike"));
      else
        args.push_back(expr(c->args[i].get()));
    }
    StmtPtr st = b_.emitSpike(std::move(args));
    st->loc = s->range;
    out.push_back(std::move(st));
    return;
  }
  if (!c->target && c->callee == "integrate_odes") {
    std::vector<VarId> vars;
    for (const auto &a : c->args) {
      auto *n = A::dyn_cast<A::NameRef>(a.get());
      std::optional<VarId> v;
      if (n && n->resolution == A::NameRef::Resolution::Variable && n->diffOrder == 0)
        v = varOf(n->target, n->targetIndex);
      if (!v) {
        diags_.error(a->range, "internal error: integrate_odes() argument is not a state variable");
        continue;
      }
      vars.push_back(*v);
    }
    StmtPtr st = b_.integrateOdes(std::move(vars));
    st->loc = s->range;
    out.push_back(std::move(st));
    return;
  }
  ExprPtr call = expr(c);
  if (call->type.isError())
    return;
  StmtPtr st = b_.callStmt(std::move(call));
  st->loc = s->range;
  out.push_back(std::move(st));
}

void ModelLowerer::stmt(const A::Stmt *s, ir::Block &out) {
  if (!s)
    return;
  switch (s->kind) {
  case A::NodeKind::VarDecl:
    localDecl(A::cast<A::VarDecl>(s), out);
    return;
  case A::NodeKind::Assign:
    assign(A::cast<A::Assign>(s), out);
    return;
  case A::NodeKind::ExprStmt:
    exprStmt(A::cast<A::ExprStmt>(s), out);
    return;
  case A::NodeKind::If: {
    auto *i = A::cast<A::If>(s);
    // if/elif/else becomes nested If: build from the last branch backwards.
    ir::Block tail;
    for (size_t k = i->branches.size(); k-- > 0;) {
      const A::IfBranch &br = i->branches[k];
      ir::Block body = block(br.body);
      if (!br.cond) {
        tail = std::move(body);
        continue;
      }
      ExprPtr cond = exprAs(br.cond.get(), Type::boolean(), "an if condition");
      StmtPtr st = b_.ifStmt(std::move(cond), std::move(body), std::move(tail));
      st->loc = k == 0 ? s->range : br.range;
      tail = ir::Block();
      tail.push_back(std::move(st));
    }
    for (StmtPtr &st : tail)
      out.push_back(std::move(st));
    return;
  }
  case A::NodeKind::For: {
    auto *f = A::cast<A::For>(s);
    std::optional<VarId> v;
    if (f->varDecl)
      v = varOf(f->varDecl, 0);
    if (!v) {
      auto it = localsByName_.find(f->var);
      if (it != localsByName_.end())
        v = it->second;
    }
    if (!v) {
      diags_.error(f->varRange.valid() ? f->varRange : s->range,
                   "internal error: loop variable '" + f->var + "' was not lowered");
      return;
    }
    Type vt = model_->variables[*v].type;
    ExprPtr from = exprAs(f->from.get(), vt, "the start of the loop");
    ExprPtr to = exprAs(f->to.get(), vt, "the end of the loop");
    ExprPtr step = f->step ? exprAs(f->step.get(), vt, "the loop step")
                           : coerceTo(b_.integer(1), vt, s->range, "the loop step");
    StmtPtr st = b_.forStmt(*v, std::move(from), std::move(to), std::move(step), block(f->body));
    st->loc = s->range;
    out.push_back(std::move(st));
    return;
  }
  case A::NodeKind::While: {
    auto *w = A::cast<A::While>(s);
    ExprPtr cond = exprAs(w->cond.get(), Type::boolean(), "a while condition");
    StmtPtr st = b_.whileStmt(std::move(cond), block(w->body));
    st->loc = s->range;
    out.push_back(std::move(st));
    return;
  }
  case A::NodeKind::Return: {
    auto *r = A::cast<A::Return>(s);
    ExprPtr value;
    if (r->value) {
      if (function_ && function_->returnType.kind != TypeKind::Void)
        value = exprAs(r->value.get(), function_->returnType, "the returned value");
      else
        value = expr(r->value.get());
    }
    StmtPtr st = b_.ret(std::move(value));
    st->loc = s->range;
    out.push_back(std::move(st));
    return;
  }
  default:
    diags_.error(s->range, "unsupported statement");
    return;
  }
}

} // namespace nsc::lowering
