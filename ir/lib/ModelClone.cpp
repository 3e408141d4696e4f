//===- ModelClone.cpp - A deep copy of an IR model ------------------------===//
#include "nsc/ir/ModelClone.h"

namespace nsc::ir {



namespace {
ExprPtr copy(const ExprPtr &e) { return e ? e->clone() : nullptr; }
} // namespace

std::unique_ptr<Model> cloneModel(const Model &m) {
  auto c = std::make_unique<Model>();
  c->name = m.name;
  c->kind = m.kind;
  c->specializationOf = m.specializationOf;
  c->docstring = m.docstring;
  c->semantics = m.semantics;
  for (const Variable &v : m.variables) {
    Variable n;
    n.id = v.id;
    n.name = v.name;
    n.role = v.role;
    n.type = v.type;
    n.vectorSize = v.vectorSize;
    n.init = copy(v.init);
    n.guard = copy(v.guard);
    n.recordable = v.recordable;
    n.decorators = v.decorators;
    n.loc = v.loc;
    c->variables.push_back(std::move(n));
  }
  c->ports = m.ports;
  c->outputSpike = m.outputSpike;
  c->outputContinuous = m.outputContinuous;
  for (const OdeEquation &e : m.odes.equations)
    c->odes.equations.push_back({e.var, e.order, copy(e.rhs), e.derivativeVars, e.loc});
  for (const Kernel &k : m.odes.kernels)
    c->odes.kernels.push_back({k.name, k.order, copy(k.rhs), k.type, k.loc});
  for (const InlineExpr &i : m.odes.inlines)
    c->odes.inlines.push_back({i.name, i.type, copy(i.rhs), i.recordable, i.loc});
  c->update = cloneBlock(m.update);
  for (const OnReceive &r : m.onReceive)
    c->onReceive.push_back({r.port, r.priority, cloneBlock(r.body), r.loc});
  for (const OnCondition &o : m.onCondition)
    c->onCondition.push_back({copy(o.cond), cloneBlock(o.body), o.loc});
  for (const Function &f : m.functions)
    c->functions.push_back({f.name, f.params, f.returnType, cloneBlock(f.body), f.loc});
  c->prepare = cloneBlock(m.prepare);
  c->initOrder = m.initOrder;
  c->loc = m.loc;
  return c;
}

} // namespace nsc::ir
