//===- IRWalk.cpp - Visiting and renumbering model contents ---------------===//
#include "nsc/ir/IRWalk.h"

namespace nsc::ir {



void forEachChild(Expr &e, const ExprSlotFn &fn) {
  auto visit = [&](ExprPtr &p) {
    if (p)
      fn(p);
  };
  switch (e.kind) {
  case ExprKind::Constant:
  case ExprKind::Derivative:
  case ExprKind::InlineRef:
  case ExprKind::KernelRef:
    break;
  case ExprKind::VarRef: visit(cast<VarRef>(&e)->index); break;
  case ExprKind::PortRef: visit(cast<PortRef>(&e)->index); break;
  case ExprKind::Unary: visit(cast<Unary>(&e)->operand); break;
  case ExprKind::Binary:
    visit(cast<Binary>(&e)->lhs);
    visit(cast<Binary>(&e)->rhs);
    break;
  case ExprKind::Select: {
    auto *s = cast<Select>(&e);
    visit(s->cond);
    visit(s->thenExpr);
    visit(s->elseExpr);
    break;
  }
  case ExprKind::Call:
    for (ExprPtr &a : cast<Call>(&e)->args)
      visit(a);
    break;
  case ExprKind::UnitConvert: visit(cast<UnitConvert>(&e)->operand); break;
  case ExprKind::Cast: visit(cast<Cast>(&e)->operand); break;
  case ExprKind::List:
    for (ExprPtr &a : cast<List>(&e)->elements)
      visit(a);
    break;
  }
}

void forEachChild(const Expr &e, const std::function<void(const Expr &)> &fn) {
  // The mutable walker never modifies anything by itself.
  forEachChild(const_cast<Expr &>(e), [&](ExprPtr &p) { fn(*p); });
}

void forEachStmtExpr(Stmt &s, const ExprSlotFn &fn) {
  auto visit = [&](ExprPtr &p) {
    if (p)
      fn(p);
  };
  switch (s.kind) {
  case StmtKind::Assign:
    visit(cast<Assign>(&s)->index);
    visit(cast<Assign>(&s)->value);
    break;
  case StmtKind::If: visit(cast<If>(&s)->cond); break;
  case StmtKind::For: {
    auto *f = cast<For>(&s);
    visit(f->from);
    visit(f->to);
    visit(f->step);
    break;
  }
  case StmtKind::While: visit(cast<While>(&s)->cond); break;
  case StmtKind::Return: visit(cast<Return>(&s)->value); break;
  case StmtKind::EmitSpike:
    for (ExprPtr &a : cast<EmitSpike>(&s)->args)
      visit(a);
    break;
  case StmtKind::IntegrateOdes: break;
  case StmtKind::CallStmt: visit(cast<CallStmt>(&s)->call); break;
  case StmtKind::LocalDecl: visit(cast<LocalDecl>(&s)->init); break;
  case StmtKind::ComputePropagator:
    for (ExprPtr &a : cast<ComputePropagator>(&s)->matrix)
      visit(a);
    break;
  }
}

std::vector<Block *> childBlocks(Stmt &s) {
  if (auto *i = dyn_cast<If>(&s))
    return {&i->thenBody, &i->elseBody};
  if (auto *f = dyn_cast<For>(&s))
    return {&f->body};
  if (auto *w = dyn_cast<While>(&s))
    return {&w->body};
  return {};
}

void forEachStmt(Block &b, const StmtFn &fn) {
  for (StmtPtr &s : b) {
    fn(*s);
    for (Block *child : childBlocks(*s))
      forEachStmt(*child, fn);
  }
}

std::vector<Block *> modelBlocks(Model &m) {
  std::vector<Block *> out{&m.prepare, &m.update};
  for (OnReceive &r : m.onReceive)
    out.push_back(&r.body);
  for (OnCondition &c : m.onCondition)
    out.push_back(&c.body);
  for (Function &f : m.functions)
    out.push_back(&f.body);
  return out;
}

void forEachRootExpr(Model &m, const ExprSlotFn &fn, bool skipInlines) {
  auto visit = [&](ExprPtr &p) {
    if (p)
      fn(p);
  };
  for (Variable &v : m.variables) {
    visit(v.init);
    visit(v.guard);
  }
  for (OdeEquation &eq : m.odes.equations)
    visit(eq.rhs);
  for (Kernel &k : m.odes.kernels)
    visit(k.rhs);
  if (!skipInlines)
    for (InlineExpr &in : m.odes.inlines)
      visit(in.rhs);
  for (OnCondition &c : m.onCondition)
    visit(c.cond);
  for (Block *b : modelBlocks(m))
    forEachStmt(*b, [&](Stmt &s) { forEachStmtExpr(s, fn); });
}

void forEachNode(const Expr &e, const std::function<void(const Expr &)> &fn) {
  forEachChild(e, [&](const Expr &c) { forEachNode(c, fn); });
  fn(e);
}

void forEachExprNode(Model &m, const std::function<void(const Expr &)> &fn) {
  forEachRootExpr(m, [&](ExprPtr &p) { forEachNode(*p, fn); });
}

void rewritePostOrder(ExprPtr &slot, const ExprSlotFn &fn) {
  forEachChild(*slot, [&](ExprPtr &c) { rewritePostOrder(c, fn); });
  fn(slot);
}

std::vector<unsigned> countVariableReads(Model &m) {
  std::vector<unsigned> reads(m.variables.size(), 0);
  forEachExprNode(m, [&](const Expr &e) {
    VarId v = kNoVar;
    if (auto *r = dyn_cast<VarRef>(&e))
      v = r->var;
    else if (auto *d = dyn_cast<Derivative>(&e))
      v = d->var;
    if (v < reads.size())
      ++reads[v];
  });
  return reads;
}

std::vector<bool> variablesUsedByNetworks(const Module &module, uint32_t model) {
  std::vector<bool> used(module.models[model]->variables.size(), false);
  auto mark = [&](VarId v) {
    if (v < used.size())
      used[v] = true;
  };
  for (const auto &net : module.networks) {
    for (const Population &p : net->populations) {
      if (p.kind != PopulationKind::Model || p.model != model)
        continue;
      for (const PopulationInit &init : p.inits)
        mark(init.var);
    }
    for (const Projection &pr : net->projections)
      if (pr.hasSynapse && pr.synapseModel == model)
        for (const PopulationInit &init : pr.synapseParams)
          mark(init.var);
    for (const Recorder &r : net->recorders) {
      const Population &p = net->populations[r.target.population];
      if (p.kind != PopulationKind::Model || p.model != model)
        continue;
      for (const RecordItem &item : r.what)
        if (item.kind == RecordItem::Kind::Variable)
          mark(item.id);
    }
  }
  return used;
}

unsigned removeVariables(Module &module, uint32_t model, const std::vector<bool> &remove) {
  Model &m = *module.models[model];
  unsigned count = 0;
  for (VarId v = 0; v < m.variables.size() && v < remove.size(); ++v)
    count += remove[v];
  if (count == 0)
    return 0;
  std::vector<VarId> newId(m.variables.size(), kNoVar);
  std::vector<Variable> kept;
  for (VarId v = 0; v < m.variables.size(); ++v) {
    if (v < remove.size() && remove[v])
      continue;
    newId[v] = static_cast<VarId>(kept.size());
    kept.push_back(std::move(m.variables[v]));
    kept.back().id = newId[v];
  }
  unsigned removed = static_cast<unsigned>(m.variables.size() - kept.size());
  m.variables = std::move(kept);
  auto map = [&](VarId &v) {
    if (v < newId.size())
      v = newId[v];
  };

  forEachRootExpr(m, [&](ExprPtr &root) {
    rewritePostOrder(root, [&](ExprPtr &e) {
      if (auto *r = dyn_cast<VarRef>(e.get()))
        map(r->var);
      else if (auto *d = dyn_cast<Derivative>(e.get()))
        map(d->var);
    });
  });
  for (Block *b : modelBlocks(m))
    forEachStmt(*b, [&](Stmt &s) {
      if (auto *a = dyn_cast<Assign>(&s))
        map(a->target);
      else if (auto *f = dyn_cast<For>(&s))
        map(f->var);
      else if (auto *d = dyn_cast<LocalDecl>(&s))
        map(d->var);
      else if (auto *io = dyn_cast<IntegrateOdes>(&s))
        for (VarId &v : io->vars)
          map(v);
      else if (auto *cp = dyn_cast<ComputePropagator>(&s)) {
        for (VarId &v : cp->propagator)
          map(v); // a removed output becomes kNoVar: no longer written
        for (VarId &v : cp->inputGain)
          map(v);
      }
    });
  for (OdeEquation &eq : m.odes.equations) {
    map(eq.var);
    for (VarId &v : eq.derivativeVars)
      map(v);
  }
  for (Function &f : m.functions)
    for (VarId &v : f.params)
      map(v);
  std::vector<VarId> order;
  for (VarId v : m.initOrder)
    if (v < newId.size() && newId[v] != kNoVar)
      order.push_back(newId[v]);
  m.initOrder = std::move(order);

  for (auto &net : module.networks) {
    for (Population &p : net->populations)
      if (p.kind == PopulationKind::Model && p.model == model)
        for (PopulationInit &init : p.inits)
          map(init.var);
    for (Projection &pr : net->projections)
      if (pr.hasSynapse && pr.synapseModel == model)
        for (PopulationInit &init : pr.synapseParams)
          map(init.var);
    for (Recorder &r : net->recorders) {
      const Population &p = net->populations[r.target.population];
      if (p.kind == PopulationKind::Model && p.model == model)
        for (RecordItem &item : r.what)
          if (item.kind == RecordItem::Kind::Variable)
            map(item.id);
    }
  }
  return removed;
}

bool isPure(const Expr &e) {
  bool pure = true;
  forEachNode(e, [&](const Expr &n) {
    if (auto *c = dyn_cast<Call>(&n)) {
      switch (c->builtin) {
      case Builtin::RandomNormal: case Builtin::RandomUniform: case Builtin::RandomPoisson:
      case Builtin::RandomLognormal: case Builtin::RandomExponential: case Builtin::Print:
      case Builtin::Println: case Builtin::Info: case Builtin::Warning: case Builtin::User:
        pure = false;
        break;
      default:
        break;
      }
    }
  });
  return pure;
}

std::vector<bool> inlinesRecorded(const Module &module, uint32_t model) {
  std::vector<bool> used(module.models[model]->odes.inlines.size(), false);
  for (const auto &net : module.networks)
    for (const Recorder &r : net->recorders) {
      const Population &p = net->populations[r.target.population];
      if (p.kind != PopulationKind::Model || p.model != model)
        continue;
      for (const RecordItem &item : r.what)
        if (item.kind == RecordItem::Kind::Inline && item.id < used.size())
          used[item.id] = true;
    }
  return used;
}

unsigned removeInlines(Module &module, uint32_t model, const std::vector<bool> &keep) {
  Model &m = *module.models[model];
  std::vector<uint32_t> newId(m.odes.inlines.size(), UINT32_MAX);
  std::vector<InlineExpr> kept;
  for (uint32_t i = 0; i < m.odes.inlines.size(); ++i) {
    if (!m.odes.inlines[i].recordable && !(i < keep.size() && keep[i]))
      continue;
    newId[i] = static_cast<uint32_t>(kept.size());
    kept.push_back(std::move(m.odes.inlines[i]));
  }
  unsigned removed = static_cast<unsigned>(m.odes.inlines.size() - kept.size());
  m.odes.inlines = std::move(kept);
  if (removed == 0)
    return 0;
  forEachRootExpr(m, [&](ExprPtr &root) {
    rewritePostOrder(root, [&](ExprPtr &e) {
      if (auto *r = dyn_cast<InlineRef>(e.get()))
        r->inlineId = newId[r->inlineId];
    });
  });
  for (auto &net : module.networks)
    for (Recorder &r : net->recorders) {
      const Population &p = net->populations[r.target.population];
      if (p.kind == PopulationKind::Model && p.model == model)
        for (RecordItem &item : r.what)
          if (item.kind == RecordItem::Kind::Inline && item.id < newId.size())
            item.id = newId[item.id];
    }
  return removed;
}

} // namespace nsc::ir
