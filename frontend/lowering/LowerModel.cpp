//===- LowerModel.cpp - Model structure: variables, ports, ODEs, handlers -===//
#include "ModelLowerer.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace nsc::lowering {

using namespace nsc::ir;
namespace A = nsc::ast;

/// The declarations an expression's names resolve to.
static void collectVarRefs(const A::Expr *e, std::vector<std::pair<const A::Node *, unsigned>> &out) {
  if (!e)
    return;
  if (auto *n = A::dyn_cast<A::NameRef>(e)) {
    if (n->resolution == A::NameRef::Resolution::Variable && n->target)
      out.push_back({n->target, n->targetIndex});
    collectVarRefs(n->index.get(), out);
  } else if (auto *u = A::dyn_cast<A::Unary>(e)) {
    collectVarRefs(u->operand.get(), out);
  } else if (auto *b = A::dyn_cast<A::Binary>(e)) {
    collectVarRefs(b->lhs.get(), out);
    collectVarRefs(b->rhs.get(), out);
  } else if (auto *t = A::dyn_cast<A::Ternary>(e)) {
    collectVarRefs(t->cond.get(), out);
    collectVarRefs(t->thenExpr.get(), out);
    collectVarRefs(t->elseExpr.get(), out);
  } else if (auto *c = A::dyn_cast<A::Call>(e)) {
    for (const auto &a : c->args)
      collectVarRefs(a.get(), out);
    for (const auto &a : c->namedArgs)
      collectVarRefs(a.value.get(), out);
  } else if (auto *l = A::dyn_cast<A::List>(e)) {
    for (const auto &x : l->elements)
      collectVarRefs(x.get(), out);
  }
}

VarRole ModelLowerer::roleOf(A::DeclContext c) const {
  switch (c) {
  case A::DeclContext::State: return VarRole::State;
  case A::DeclContext::Parameter: return VarRole::Parameter;
  case A::DeclContext::Internal: return VarRole::Internal;
  case A::DeclContext::Local: return VarRole::Local;
  case A::DeclContext::FunctionParam: return VarRole::Argument;
  }
  return VarRole::Local;
}

uint32_t ModelLowerer::vectorSize(const A::Expr *size, const std::string &what) {
  auto v = constantValue(size, Type::integer());
  if (!v || *v < 1 || *v > 1e9 || std::trunc(*v) != *v) {
    diags_.error(size->range, "the size of vector '" + what +
                                  "' must be a positive integer constant or parameter");
    return 1;
  }
  return static_cast<uint32_t>(*v);
}

void ModelLowerer::declareVariables(const A::DeclBlock &blk) {
  for (const auto &d : blk.decls) {
    VarRole role = roleOf(d->context);
    for (unsigned i = 0; i < d->names.size(); ++i) {
      const A::DeclaredName &dn = d->names[i];
      VarId v = b_.addVariable(dn.name, role, d->resolvedType);
      Variable &var = model_->variables[v];
      var.loc = dn.range;
      var.recordable = d->recordable;
      var.decorators = d->decorators;
      vars_[{d.get(), i}] = v;
    }
  }
}

void ModelLowerer::declareEquations(const A::EquationsBlock &blk) {
  for (const auto &item : blk.items) {
    if (auto *k = A::dyn_cast<A::KernelDecl>(item.get())) {
      for (unsigned i = 0; i < k->parts.size(); ++i) {
        const auto &part = k->parts[i];
        Kernel kern;
        kern.name = part.lhs ? part.lhs->name : "";
        kern.order = part.lhs ? part.lhs->diffOrder : 0;
        // The kernel's value type: the rhs's, times ms^order for the ODE form.
        Type t = part.rhs ? part.rhs->type : Type::error();
        if (t.isNumeric() && kern.order)
          t.unit = t.unit * msUnit().pow(static_cast<int>(kern.order));
        if (t.kind == TypeKind::Int)
          t.kind = TypeKind::Real;
        kern.type = b_.withPrecision(t.isError() ? Type::real() : t);
        kern.loc = part.lhs ? part.lhs->range : k->range;
        kernels_[{k, i}] = static_cast<uint32_t>(model_->odes.kernels.size());
        model_->odes.kernels.push_back(std::move(kern));
      }
    } else if (auto *in = A::dyn_cast<A::InlineDecl>(item.get())) {
      InlineExpr ie;
      ie.name = in->name;
      ie.type = b_.withPrecision(in->resolvedType);
      ie.recordable = in->recordable;
      ie.loc = in->nameRange.valid() ? in->nameRange : in->range;
      inlines_[in] = static_cast<uint32_t>(model_->odes.inlines.size());
      model_->odes.inlines.push_back(std::move(ie));
    }
  }
}

void ModelLowerer::lowerOde(const A::OdeEquation &eq) {
  const A::NameRef *lhs = eq.lhs.get();
  if (!lhs)
    return;
  auto v = lhs->resolution == A::NameRef::Resolution::Variable
               ? varOf(lhs->target, lhs->targetIndex)
               : std::nullopt;
  if (!v) {
    diags_.error(lhs->range, "internal error: ODE for non-state '" + lhs->name + "' passed sema");
    return;
  }
  unsigned order = lhs->diffOrder;
  // `g'' = ...` may resolve to a declared `g'`: the equation is then of the
  // base variable `g` with the primes added up.
  std::string declared = model_->variables[*v].name;
  size_t prime = declared.find('\'');
  if (prime != std::string::npos) {
    order += static_cast<unsigned>(declared.size() - prime);
    auto base = model_->findVariable(declared.substr(0, prime));
    if (!base) {
      diags_.error(lhs->range, "ODE for '" + declared + "' without a declared '" +
                                   declared.substr(0, prime) + "'");
      return;
    }
    v = base;
  }
  const Variable &var = model_->variables[*v];
  OdeEquation e;
  e.var = *v;
  e.order = order;
  e.loc = eq.range;
  for (unsigned k = 1; k < order; ++k) {
    auto d = model_->findVariable(var.name + std::string(k, '\''));
    e.derivativeVars.push_back(d ? *d : kNoVar);
  }
  e.rhs = exprAs(eq.rhs.get(), derivativeType(var.type, order),
                 "the right-hand side of the ODE for '" + var.name + "'");
  model_->odes.equations.push_back(std::move(e));
}

void ModelLowerer::lowerEquations(const A::EquationsBlock &blk) {
  for (const auto &item : blk.items) {
    if (auto *eq = A::dyn_cast<A::OdeEquation>(item.get())) {
      lowerOde(*eq);
    } else if (auto *k = A::dyn_cast<A::KernelDecl>(item.get())) {
      for (unsigned i = 0; i < k->parts.size(); ++i) {
        Kernel &kern = model_->odes.kernels[kernels_[{k, i}]];
        if (!k->parts[i].rhs)
          continue;
        Type want = derivativeType(kern.type, kern.order);
        if (kern.order == 0)
          want = kern.type;
        kern.rhs = exprAs(k->parts[i].rhs.get(), want, "kernel '" + kern.name + "'");
      }
    } else if (auto *in = A::dyn_cast<A::InlineDecl>(item.get())) {
      InlineExpr &ie = model_->odes.inlines[inlines_[in]];
      ie.rhs = exprAs(in->rhs.get(), ie.type, "inline expression '" + ie.name + "'");
    }
  }
}

std::unique_ptr<Model> ModelLowerer::run(const std::string &name) {
  const A::Model &m = *astModel_;
  model_->name = name;
  model_->docstring = m.docstring;
  model_->loc = m.nameRange.valid() ? m.nameRange : m.range;
  bool synapse = m.keyword == A::Model::Keyword::Synapse ||
                 (m.keyword == A::Model::Keyword::Model && m.name.size() >= 8 &&
                  m.name.compare(m.name.size() - 8, 8, "_synapse") == 0);
  model_->kind = synapse ? ModelKind::Synapse : ModelKind::Neuron;

  // Pass 1: declare every named entity, so that any body can refer to any.
  for (const auto &member : m.members) {
    if (auto *db = A::dyn_cast<A::DeclBlock>(member.get())) {
      declareVariables(*db);
    } else if (auto *eqs = A::dyn_cast<A::EquationsBlock>(member.get())) {
      declareEquations(*eqs);
    } else if (auto *in = A::dyn_cast<A::InputBlock>(member.get())) {
      declarePorts(*in);
    } else if (auto *out = A::dyn_cast<A::OutputBlock>(member.get())) {
      (out->spike ? model_->outputSpike : model_->outputContinuous) = true;
    } else if (auto *f = A::dyn_cast<A::FunctionDecl>(member.get())) {
      declareFunction(*f);
    }
  }
  lowerVectorSizes(m);

  // Pass 2: values and bodies.
  InitDeps initDeps;
  for (const auto &member : m.members) {
    if (auto *db = A::dyn_cast<A::DeclBlock>(member.get())) {
      lowerDeclValues(*db, initDeps);
    } else if (auto *eqs = A::dyn_cast<A::EquationsBlock>(member.get())) {
      lowerEquations(*eqs);
    } else if (auto *u = A::dyn_cast<A::UpdateBlock>(member.get())) {
      ir::Block body = block(u->body);
      for (StmtPtr &s : body)
        model_->update.push_back(std::move(s));
    } else if (auto *r = A::dyn_cast<A::OnReceiveBlock>(member.get())) {
      lowerOnReceive(*r);
    } else if (auto *c = A::dyn_cast<A::OnConditionBlock>(member.get())) {
      OnCondition h;
      h.loc = c->range;
      h.cond = exprAs(c->cond.get(), Type::boolean(), "the onCondition condition");
      h.body = block(c->body);
      model_->onCondition.push_back(std::move(h));
    } else if (auto *f = A::dyn_cast<A::FunctionDecl>(member.get())) {
      Function &fn = model_->functions[functions_[f]];
      function_ = &fn;
      fn.body = block(f->body);
      function_ = nullptr;
    }
  }
  orderInitialisation(initDeps);
  return std::move(model_);
}

void ModelLowerer::declarePorts(const A::InputBlock &in) {
  for (const auto &p : in.ports) {
    Type t = p->resolvedType;
    if (t.isError() || t.kind == TypeKind::Void)
      t = Type::real();
    uint32_t id = b_.addPort(p->name, p->isSpike ? PortKind::Spike : PortKind::Continuous, t);
    Port &port = model_->ports[id];
    port.excitatory = p->excitatory;
    port.inhibitory = p->inhibitory;
    port.declaredType = p->type != nullptr;
    port.loc = p->nameRange.valid() ? p->nameRange : p->range;
    ports_[p.get()] = id;
  }
}

void ModelLowerer::declareFunction(const A::FunctionDecl &f) {
  std::vector<VarId> params;
  for (const auto &p : f.params)
    for (unsigned i = 0; i < p->names.size(); ++i) {
      VarId v = b_.addVariable(p->names[i].name, VarRole::Argument, p->resolvedType);
      model_->variables[v].loc = p->names[i].range;
      vars_[{p.get(), i}] = v;
      params.push_back(v);
    }
  Type rt = f.returnType ? f.resolvedReturnType : Type::voidTy();
  if (rt.isError() && !f.returnType)
    rt = Type::voidTy();
  uint32_t id = b_.addFunction(f.name, std::move(params), rt);
  model_->functions[id].loc = f.nameRange.valid() ? f.nameRange : f.range;
  functions_[&f] = id;
}

void ModelLowerer::lowerVectorSizes(const A::Model &m) {
  // Vector sizes need parameter values, so they come after all declarations.
  for (const auto &member : m.members)
    if (auto *db = A::dyn_cast<A::DeclBlock>(member.get()))
      for (const auto &d : db->decls)
        for (unsigned i = 0; i < d->names.size(); ++i)
          if (d->names[i].vectorSize)
            model_->variables[vars_[{d.get(), i}]].vectorSize =
                vectorSize(d->names[i].vectorSize.get(), d->names[i].name);
  for (const auto &member : m.members)
    if (auto *in = A::dyn_cast<A::InputBlock>(member.get()))
      for (const auto &p : in->ports)
        if (p->vectorSize)
          model_->ports[ports_[p.get()]].vectorSize = vectorSize(p->vectorSize.get(), p->name);
}

void ModelLowerer::lowerDeclValues(const A::DeclBlock &db, InitDeps &initDeps) {
  for (const auto &d : db.decls)
    for (unsigned i = 0; i < d->names.size(); ++i) {
      Variable &var = model_->variables[vars_[{d.get(), i}]];
      if (d->init)
        var.init = exprAs(d->init.get(), var.type, "the initial value of '" + var.name + "'");
      if (d->guard)
        var.guard = exprAs(d->guard.get(), Type::boolean(), "the guard of '" + var.name + "'");
      std::vector<std::pair<const A::Node *, unsigned>> refs;
      collectVarRefs(d->init.get(), refs);
      for (const auto &r : refs)
        if (auto dep = varOf(r.first, r.second); dep && *dep != vars_[{d.get(), i}])
          initDeps[vars_[{d.get(), i}]].insert(*dep);
    }
}

void ModelLowerer::lowerOnReceive(const A::OnReceiveBlock &r) {
  std::optional<uint32_t> port;
  if (r.portDecl) {
    auto it = ports_.find(r.portDecl);
    if (it != ports_.end())
      port = it->second;
  }
  if (!port)
    port = model_->findPort(r.port);
  if (!port) {
    diags_.error(r.portRange.valid() ? r.portRange : r.range,
                 "internal error: onReceive port '" + r.port + "' was not lowered");
    return;
  }
  OnReceive h;
  h.port = *port;
  h.loc = r.range;
  if (r.priority) {
    auto p = constantValue(r.priority.get(), Type::integer());
    if (!p || std::trunc(*p) != *p)
      diags_.error(r.priority->range, "internal error: onReceive priority is not an integer constant");
    else
      h.priority = static_cast<int64_t>(*p);
  }
  h.body = block(r.body);
  model_->onReceive.push_back(std::move(h));
}

void ModelLowerer::orderInitialisation(InitDeps &initDeps) {
  // Each variable after what its initial value reads, otherwise in
  // declaration order (sema rejected cycles). Recorded only when it differs
  // from declaration order.
  std::vector<VarId> order, pending;
  for (const Variable &v : model_->variables)
    if (v.role == VarRole::Parameter || v.role == VarRole::Internal || v.role == VarRole::State)
      pending.push_back(v.id);
  std::set<VarId> done;
  bool progress = true;
  while (!pending.empty() && progress) {
    progress = false;
    for (size_t k = 0; k < pending.size(); ++k) {
      bool ready = true;
      for (VarId d : initDeps[pending[k]])
        ready &= done.count(d) > 0 || model_->variables[d].role == VarRole::Local;
      if (ready) {
        done.insert(pending[k]);
        order.push_back(pending[k]);
        pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(k));
        progress = true;
        break;
      }
    }
  }
  order.insert(order.end(), pending.begin(), pending.end()); // only after a sema error
  std::vector<VarId> declared;
  for (const Variable &v : model_->variables)
    if (v.role == VarRole::Parameter || v.role == VarRole::Internal || v.role == VarRole::State)
      declared.push_back(v.id);
  if (order != declared)
    model_->initOrder = std::move(order);
}

} // namespace nsc::lowering
