//===- Stmt.cpp - IR statement helpers ------------------------------------===//
#include "nsc/ir/Stmt.h"

namespace nsc::ir {

static ExprPtr cloneOrNull(const ExprPtr &e) { return e ? e->clone() : nullptr; }

Block cloneBlock(const Block &b) {
  Block out;
  out.reserve(b.size());
  for (const StmtPtr &s : b)
    out.push_back(s->clone());
  return out;
}

StmtPtr Stmt::clone() const {
  StmtPtr out;
  switch (kind) {
  case StmtKind::Assign: {
    auto *a = cast<Assign>(this);
    auto n = std::make_unique<Assign>();
    n->target = a->target;
    n->index = cloneOrNull(a->index);
    n->value = cloneOrNull(a->value);
    out = std::move(n);
    break;
  }
  case StmtKind::If: {
    auto *i = cast<If>(this);
    auto n = std::make_unique<If>();
    n->cond = cloneOrNull(i->cond);
    n->thenBody = cloneBlock(i->thenBody);
    n->elseBody = cloneBlock(i->elseBody);
    out = std::move(n);
    break;
  }
  case StmtKind::For: {
    auto *f = cast<For>(this);
    auto n = std::make_unique<For>();
    n->var = f->var;
    n->from = cloneOrNull(f->from);
    n->to = cloneOrNull(f->to);
    n->step = cloneOrNull(f->step);
    n->body = cloneBlock(f->body);
    out = std::move(n);
    break;
  }
  case StmtKind::While: {
    auto *w = cast<While>(this);
    auto n = std::make_unique<While>();
    n->cond = cloneOrNull(w->cond);
    n->body = cloneBlock(w->body);
    out = std::move(n);
    break;
  }
  case StmtKind::Return: {
    auto n = std::make_unique<Return>();
    n->value = cloneOrNull(cast<Return>(this)->value);
    out = std::move(n);
    break;
  }
  case StmtKind::EmitSpike: {
    auto n = std::make_unique<EmitSpike>();
    for (const ExprPtr &a : cast<EmitSpike>(this)->args)
      n->args.push_back(cloneOrNull(a));
    out = std::move(n);
    break;
  }
  case StmtKind::IntegrateOdes: {
    auto n = std::make_unique<IntegrateOdes>();
    n->vars = cast<IntegrateOdes>(this)->vars;
    out = std::move(n);
    break;
  }
  case StmtKind::CallStmt: {
    auto n = std::make_unique<CallStmt>();
    n->call = cloneOrNull(cast<CallStmt>(this)->call);
    out = std::move(n);
    break;
  }
  case StmtKind::LocalDecl: {
    auto *d = cast<LocalDecl>(this);
    auto n = std::make_unique<LocalDecl>();
    n->var = d->var;
    n->init = cloneOrNull(d->init);
    out = std::move(n);
    break;
  }
  case StmtKind::ComputePropagator: {
    auto *c = cast<ComputePropagator>(this);
    auto n = std::make_unique<ComputePropagator>();
    n->size = c->size;
    n->dtMs = c->dtMs;
    for (const ExprPtr &e : c->matrix)
      n->matrix.push_back(cloneOrNull(e));
    n->propagator = c->propagator;
    n->inputGain = c->inputGain;
    out = std::move(n);
    break;
  }
  }
  out->loc = loc;
  return out;
}

} // namespace nsc::ir
