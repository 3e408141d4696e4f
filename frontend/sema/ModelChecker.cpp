//===- ModelChecker.cpp - Checks of one model -----------------------------===//
#include "ModelChecker.h"
#include "ConstEval.h"
#include "SemanticsChecker.h"
#include "StmtChecker.h"
#include "TypeResolver.h"

#include <functional>

namespace nsc::sema {

using namespace ast;

static std::string quote(const ir::Type &t) { return "'" + typeStr(t) + "'"; }

static ModelInfo &makeInfo(SemaContext &ctx, Model &m) {
  auto info = std::make_unique<ModelInfo>();
  info->model = &m;
  info->scope = std::make_unique<Scope>();
  info->isSynapse = isSynapseModel(m);
  ModelInfo &ref = *info;
  ctx.modelInfo[&m] = std::move(info);
  return ref;
}

ModelChecker::ModelChecker(SemaContext &ctx, Model &model)
    : ctx_(ctx), diags_(ctx.diags), model_(model), info_(makeInfo(ctx, model)) {}

ExprChecker ModelChecker::exprChecker(Region region) {
  ExprChecker ec(ctx_, &info_);
  ec.scope = info_.scope.get();
  ec.region = region;
  ec.callEdges = &calls_;
  return ec;
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

void ModelChecker::declareSymbol(Symbol s) {
  if (s.name.empty())
    return;
  SourceRange r = s.range;
  std::string name = s.name;
  if (const Symbol *prev = info_.scope->declare(std::move(s)))
    diags_.error(r, "redeclaration of '" + name + "'")
        .note(prev->range, "previous declaration is here");
}

void ModelChecker::declarePort(InputPort &p) {
  if (p.isSpike) {
    // A spike port without unit is a spike train (1/s, NESTML 8); with a unit
    // it stands for the summed weights in that unit.
    p.resolvedType = p.type ? resolveType(p.type.get(), diags_)
                            : ir::Type::real(units::Unit::dimensionless() /
                                             *units::lookupUnit("s"));
  } else {
    p.resolvedType = p.type ? resolveType(p.type.get(), diags_) : ir::Type::real();
  }
  info_.ports.push_back(&p);
  Symbol s;
  s.kind = SymbolKind::Port;
  s.name = p.name;
  s.range = p.nameRange.valid() ? p.nameRange : p.range;
  s.decl = &p;
  s.type = p.resolvedType;
  s.isVector = p.vectorSize != nullptr;
  declareSymbol(std::move(s));
}

void ModelChecker::declareFunction(FunctionDecl &f) {
  for (auto &p : f.params) {
    if (!p)
      continue;
    p->context = DeclContext::FunctionParam;
    p->resolvedType = p->type ? resolveType(p->type.get(), diags_) : ir::Type::error();
  }
  f.resolvedReturnType =
      f.returnType ? resolveType(f.returnType.get(), diags_, /*allowVoid=*/true) : ir::Type::voidTy();
  SourceRange r = f.nameRange.valid() ? f.nameRange : f.range;
  if (lookupBuiltin(f.name)) {
    diags_.error(r, "function '" + f.name + "' redefines a built-in function");
    return;
  }
  Symbol s;
  s.kind = SymbolKind::Function;
  s.name = f.name;
  s.range = r;
  s.decl = &f;
  s.type = f.resolvedReturnType;
  declareSymbol(std::move(s));
}

void ModelChecker::declareKernels(KernelDecl &k) {
  for (unsigned i = 0; i < k.parts.size(); ++i) {
    NameRef *lhs = k.parts[i].lhs.get();
    if (!lhs || lhs->name.empty())
      continue;
    if (auto it = info_.kernels.find(lhs->name); it != info_.kernels.end()) {
      diags_.error(lhs->range, "redeclaration of kernel '" + lhs->name + "'")
          .note(it->second.range, "previous declaration is here");
      continue;
    }
    ModelInfo::KernelInfo ki;
    ki.decl = &k;
    ki.part = i;
    ki.order = lhs->diffOrder;
    ki.range = lhs->range;
    // An ODE-form kernel may take its initial values from state variables of
    // the same name (NESTML); the kernel then has their unit.
    const Symbol *state = info_.scope->lookupLocal(lhs->name);
    if (lhs->diffOrder > 0 && state && state->kind == SymbolKind::Variable &&
        state->context == DeclContext::State) {
      ki.type = state->type;
      info_.kernels[lhs->name] = ki;
      continue;
    }
    info_.kernels[lhs->name] = ki;
    Symbol s;
    s.kind = SymbolKind::Kernel;
    s.name = lhs->name;
    s.range = lhs->range;
    s.decl = &k;
    s.index = i;
    s.type = ki.type;
    declareSymbol(std::move(s));
  }
}

void ModelChecker::collectDeclarations() {
  // Variables first (kernels look at the state block), in source order.
  for (auto &m : model_.members) {
    if (auto *b = dyn_cast<DeclBlock>(m.get())) {
      for (auto &d : b->decls) {
        if (!d)
          continue;
        d->context = b->context;
        d->resolvedType = d->type ? resolveType(d->type.get(), diags_) : ir::Type::error();
        if (!d->type && !d->names.empty())
          diags_.error(d->names[0].range, "declaration of '" + d->names[0].name + "' has no type");
        declareVariables(diags_, *info_.scope, *d, &order_);
      }
    }
  }
  const OutputBlock *output = nullptr;
  const UpdateBlock *update = nullptr;
  for (auto &m : model_.members) {
    Node *n = m.get();
    if (auto *eq = dyn_cast<EquationsBlock>(n)) {
      for (auto &item : eq->items) {
        if (auto *in = dyn_cast<InlineDecl>(item.get())) {
          in->resolvedType = in->type ? resolveType(in->type.get(), diags_) : ir::Type::error();
          Symbol s;
          s.kind = SymbolKind::Inline;
          s.name = in->name;
          s.range = in->nameRange.valid() ? in->nameRange : in->range;
          s.decl = in;
          s.type = in->resolvedType;
          declareSymbol(std::move(s));
        } else if (auto *ode = dyn_cast<OdeEquation>(item.get())) {
          if (ode->lhs && ode->lhs->diffOrder > 0) {
            unsigned &o = info_.odeOrder[ode->lhs->name];
            o = std::max(o, ode->lhs->diffOrder);
          }
        }
      }
    } else if (auto *in = dyn_cast<InputBlock>(n)) {
      for (auto &p : in->ports)
        if (p)
          declarePort(*p);
    } else if (auto *f = dyn_cast<FunctionDecl>(n)) {
      declareFunction(*f);
    } else if (auto *o = dyn_cast<OutputBlock>(n)) {
      if (output) {
        diags_.error(o->range, "duplicate 'output' block")
            .note(output->range, "previous 'output' block is here");
        continue;
      }
      output = o;
      info_.output = o;
      info_.hasSpikeOutput = o->spike;
    } else if (auto *u = dyn_cast<UpdateBlock>(n)) {
      if (update)
        diags_.error(u->range, "duplicate 'update' block")
            .note(update->range, "previous 'update' block is here");
      update = u;
    }
  }
  for (auto &m : model_.members)
    if (auto *eq = dyn_cast<EquationsBlock>(m.get()))
      for (auto &item : eq->items)
        if (auto *k = dyn_cast<KernelDecl>(item.get()))
          declareKernels(*k);
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

void ModelChecker::checkDeclBlock(DeclBlock &b) {
  Region region = b.context == DeclContext::Parameter  ? Region::ParameterInit
                  : b.context == DeclContext::Internal ? Region::InternalInit
                                                       : Region::StateInit;
  for (auto &d : b.decls) {
    if (!d)
      continue;
    for (DeclaredName &dn : d->names) {
      if (!dn.vectorSize)
        continue;
      ExprChecker ec = exprChecker(Region::VectorSize);
      ec.checkInteger(dn.vectorSize.get(), "vector size");
      if (auto c = evaluateConstant(dn.vectorSize.get()); c && c->value < 1)
        diags_.error(dn.vectorSize->range, "vector size must be positive");
    }
    const Symbol *self = d->names.empty() ? nullptr : info_.scope->lookupLocal(d->names[0].name);
    if (self && self->decl != d.get())
      self = nullptr;
    if (d->init) {
      ExprChecker ec = exprChecker(region);
      ec.initOf = self;
      if (self)
        ec.initRefs = &initRefs_[self->name];
      ec.checkValue(d->init.get());
      std::string name = d->names.empty() ? "" : d->names[0].name;
      checkConversion(diags_, d->resolvedType, d->init.get(),
                      [&](const std::string &expected, const std::string &got) {
                        return "cannot initialise '" + name + "' of type '" + expected +
                               "' with a value of type '" + got + "'";
                      });
    }
    if (d->guard) {
      ExprChecker ec = exprChecker(Region::Guard);
      ec.checkCondition(d->guard.get(), "guard");
    }
  }
}

void ModelChecker::checkPorts(InputBlock &b) {
  for (auto &p : b.ports) {
    if (!p || !p->vectorSize)
      continue;
    ExprChecker ec = exprChecker(Region::VectorSize);
    ec.checkInteger(p->vectorSize.get(), "port vector size");
    if (auto c = evaluateConstant(p->vectorSize.get()); c && c->value < 1)
      diags_.error(p->vectorSize->range, "port vector size must be positive");
  }
}

void ModelChecker::checkKernel(KernelDecl &k) {
  for (unsigned i = 0; i < k.parts.size(); ++i) {
    KernelDecl::Part &part = k.parts[i];
    if (!part.lhs)
      continue;
    auto it = info_.kernels.find(part.lhs->name);
    bool owner = it != info_.kernels.end() && it->second.decl == &k && it->second.part == i;
    ExprChecker ec = exprChecker(Region::KernelRhs);
    ec.currentKernel = part.lhs->name;
    ir::Type rhs = part.rhs ? ec.checkValue(part.rhs.get()) : ir::Type::error();
    if (!owner)
      continue;
    ModelInfo::KernelInfo &ki = it->second;
    part.lhs->resolution = NameRef::Resolution::Kernel;
    part.lhs->target = &k;
    part.lhs->targetIndex = i;
    if (ki.order == 0) {
      // Direct form: the kernel's unit is the unit of its expression.
      if (!rhs.isError()) {
        ki.type = ir::Type::real(rhs.unit);
        if (rhs.kind != ir::TypeKind::Int && rhs.kind != ir::TypeKind::Real) {
          diags_.error(part.rhs->range, "kernel '" + part.lhs->name + "' must be numeric, not " +
                                            quote(rhs));
          ki.type = ir::Type::error();
        }
      }
      if (Symbol *s = info_.scope->findLocal(part.lhs->name); s && s->kind == SymbolKind::Kernel)
        s->type = ki.type;
      part.lhs->type = ki.type;
      continue;
    }
    ir::Type expected = ir::Type::real(ki.type.unit / millisecond().pow(ki.order));
    part.lhs->type = expected;
    if (part.rhs)
      checkConversion(diags_, expected, part.rhs.get(),
                      [&](const std::string &exp, const std::string &got) {
                        return "right-hand side of kernel '" + part.lhs->name +
                               std::string(ki.order, '\'') + "' has type '" + got +
                               "', expected '" + exp + "'";
                      });
  }
}

void ModelChecker::checkInline(InlineDecl &in) {
  ExprChecker ec = exprChecker(Region::InlineRhs);
  std::vector<const InlineDecl *> refs;
  ec.inlineRefs = &refs;
  if (!in.rhs)
    return;
  ec.checkValue(in.rhs.get());
  inlineDeps_[&in] = refs;
  checkConversion(diags_, in.resolvedType, in.rhs.get(),
                  [&](const std::string &expected, const std::string &got) {
                    return "inline expression '" + in.name + "' of type '" + expected +
                           "' is defined by a value of type '" + got + "'";
                  });
}

void ModelChecker::checkOde(OdeEquation &o) {
  NameRef *lhs = o.lhs.get();
  ExprChecker ec = exprChecker(Region::OdeRhs);
  if (o.rhs)
    ec.checkValue(o.rhs.get());
  if (!lhs || lhs->diffOrder == 0)
    return;
  std::string primed = lhs->name + std::string(lhs->diffOrder, '\'');
  const Symbol *sym = info_.scope->lookupLocal(lhs->name);
  if (!sym) {
    auto d = diags_.error(lhs->range, "ODE for undeclared state variable '" + lhs->name + "'");
    std::vector<std::string> names;
    for (const Symbol *s : info_.scope->symbols())
      if (s->kind == SymbolKind::Variable && s->context == DeclContext::State)
        names.push_back(s->name);
    suggestName(d, lhs->range, lhs->name, names);
    return;
  }
  if (sym->kind != SymbolKind::Variable || sym->context != DeclContext::State) {
    const char *what = sym->kind == SymbolKind::Port     ? "input port"
                       : sym->kind == SymbolKind::Kernel ? "kernel"
                       : sym->kind == SymbolKind::Inline ? "inline expression"
                       : sym->kind == SymbolKind::Function ? "function"
                       : sym->context == DeclContext::Parameter ? "parameter"
                       : sym->context == DeclContext::Internal  ? "internal"
                                                                : "variable";
    diags_.error(lhs->range, std::string("cannot define an ODE for ") + what + " '" + lhs->name +
                                 "'; only state variables have ODEs")
        .note(sym->range, "'" + sym->name + "' declared here");
    return;
  }
  if (sym->type.kind != ir::TypeKind::Real) {
    if (!sym->type.isError())
      diags_.error(lhs->range, "ODE for '" + lhs->name + "' of type " + quote(sym->type) +
                                   "; ODEs need a real-valued state variable")
          .note(sym->range, "'" + sym->name + "' declared here");
    return;
  }
  if (auto it = odeSeen_.find(lhs->name); it != odeSeen_.end()) {
    diags_.error(lhs->range, "duplicate ODE for '" + lhs->name + "'")
        .note(it->second, "previous ODE is here");
    return;
  }
  odeSeen_[lhs->name] = lhs->range;
  ec.bind(lhs, *sym);
  ir::Type expected = ir::Type::real(sym->type.unit / millisecond().pow(lhs->diffOrder));
  lhs->type = expected;
  if (lhs->index)
    ec.checkInteger(lhs->index.get(), "vector index");
  if (o.rhs)
    checkConversion(diags_, expected, o.rhs.get(),
                    [&](const std::string &exp, const std::string &got) {
                      return "right-hand side of the ODE for '" + primed + "' has type '" + got +
                             "', expected '" + exp + "'";
                    });
}

void ModelChecker::checkOnReceive(OnReceiveBlock &r) {
  SourceRange pr = r.portRange.valid() ? r.portRange : r.range;
  const Symbol *sym = info_.scope->lookupLocal(r.port);
  if (!sym) {
    auto d = diags_.error(pr, "unknown input port '" + r.port + "' in onReceive");
    std::vector<std::string> names;
    for (const InputPort *p : info_.ports)
      names.push_back(p->name);
    suggestName(d, pr, r.port, names);
  } else if (sym->kind != SymbolKind::Port) {
    diags_.error(pr, "'" + r.port + "' is not an input port")
        .note(sym->range, "'" + sym->name + "' declared here");
  } else if (!static_cast<const InputPort *>(sym->decl)->isSpike) {
    diags_.error(pr, "onReceive needs a spike port; '" + r.port + "' is a continuous port")
        .note(sym->range, "'" + sym->name + "' declared here");
  } else {
    r.portDecl = static_cast<const InputPort *>(sym->decl);
    if (auto it = handlers_.find(r.port); it != handlers_.end())
      diags_.error(pr, "duplicate onReceive handler for port '" + r.port + "'")
          .note(it->second->portRange.valid() ? it->second->portRange : it->second->range,
                "previous handler is here");
    else
      handlers_[r.port] = &r;
  }
  if (r.priority) {
    ExprChecker ec = exprChecker(Region::VectorSize);
    ec.checkInteger(r.priority.get(), "priority");
    if (!r.priority->type.isError() && !evaluateConstant(r.priority.get()))
      diags_.error(r.priority->range, "priority must be a constant integer");
  }
  ExprChecker ec = exprChecker(Region::OnReceive);
  StmtChecker(ec).checkBlock(r.body);
}

void ModelChecker::checkFunction(FunctionDecl &f) {
  // Parameters live in their own scope; they may hide model names.
  Scope params(info_.scope.get());
  for (auto &p : f.params) {
    if (!p)
      continue;
    for (unsigned i = 0; i < p->names.size(); ++i) {
      const DeclaredName &dn = p->names[i];
      if (const Symbol *prev = params.lookupLocal(dn.name)) {
        diags_.error(dn.range, "redeclaration of parameter '" + dn.name + "'")
            .note(prev->range, "previous declaration is here");
        continue;
      }
      Symbol s;
      s.name = dn.name;
      s.range = dn.range;
      s.decl = p.get();
      s.index = i;
      s.type = p->resolvedType;
      s.context = DeclContext::FunctionParam;
      params.declare(std::move(s));
    }
  }
  ExprChecker ec = exprChecker(Region::Function);
  ec.scope = &params;
  ec.function = &f;
  StmtChecker(ec).checkBlock(f.body);
  const ir::Type &ret = f.resolvedReturnType;
  if (!ret.isError() && ret.kind != ir::TypeKind::Void && !StmtChecker::alwaysReturns(f.body))
    diags_.error(f.nameRange.valid() ? f.nameRange : f.range,
                 "non-void function '" + f.name + "' does not return a value on every path");
}

void ModelChecker::checkRecursion() {
  std::map<const FunctionDecl *, std::vector<const CallEdge *>> out;
  for (const CallEdge &e : calls_)
    out[e.caller].push_back(&e);
  enum Color { White, Grey, Black };
  std::map<const FunctionDecl *, Color> color;
  std::vector<const CallEdge *> path;
  std::function<void(const FunctionDecl *)> visit = [&](const FunctionDecl *f) {
    color[f] = Grey;
    for (const CallEdge *e : out[f]) {
      Color c = color[e->callee];
      if (c == Grey) {
        // Found a cycle: the path from e->callee to f, closed by e.
        size_t start = 0;
        while (start < path.size() && path[start]->caller != e->callee)
          ++start;
        std::string msg = e->callee == f
                              ? "recursive call to '" + f->name + "': recursion is not allowed"
                              : "recursive call to '" + e->callee->name +
                                    "' through other functions: recursion is not allowed";
        auto d = diags_.error(e->call->range, msg);
        for (size_t i = start; i < path.size(); ++i)
          d.note(path[i]->call->range,
                 "'" + path[i]->caller->name + "' calls '" + path[i]->callee->name + "' here");
        if (e->callee != f)
          d.note(e->call->range, "'" + f->name + "' calls '" + e->callee->name + "' here");
      } else if (c == White) {
        path.push_back(e);
        visit(e->callee);
        path.pop_back();
      }
    }
    color[f] = Black;
  };
  for (auto &m : model_.members)
    if (auto *f = dyn_cast<FunctionDecl>(m.get()))
      if (color[f] == White)
        visit(f);
}

void ModelChecker::checkInlineCycles() {
  enum Color { White, Grey, Black };
  std::map<const InlineDecl *, Color> color;
  std::vector<const InlineDecl *> stack;
  std::function<void(const InlineDecl *)> visit = [&](const InlineDecl *in) {
    color[in] = Grey;
    stack.push_back(in);
    for (const InlineDecl *dep : inlineDeps_[in]) {
      if (color[dep] == Grey) {
        auto d = diags_.error(dep->nameRange.valid() ? dep->nameRange : dep->range,
                              "inline expression '" + dep->name + "' depends on itself");
        bool on = false;
        for (const InlineDecl *s : stack) {
          on |= s == dep;
          if (on && s != dep)
            d.note(s->nameRange, "through '" + s->name + "'");
        }
      } else if (color[dep] == White) {
        visit(dep);
      }
    }
    stack.pop_back();
    color[in] = Black;
  };
  for (auto &kv : inlineDeps_)
    if (color[kv.first] == White)
      visit(kv.first);
}

void ModelChecker::checkInitCycles() {
  enum Color { White, Grey, Black };
  std::map<std::string, Color> color;
  // The path of (variable, its reference to the next one) being explored.
  std::vector<std::pair<std::string, SourceRange>> path;
  std::function<void(const std::string &)> visit = [&](const std::string &v) {
    color[v] = Grey;
    for (const auto &ref : initRefs_[v]) {
      Color c = color[ref.first];
      if (c == Grey) {
        size_t start = 0;
        while (start < path.size() && path[start].first != ref.first)
          ++start;
        auto d = diags_.error(ref.second, "initial value of '" + v + "' depends on itself");
        for (size_t i = start; i < path.size(); ++i) {
          const std::string &next = i + 1 < path.size() ? path[i + 1].first : v;
          d.note(path[i].second, "'" + path[i].first + "' refers to '" + next + "' here");
        }
        d.note(ref.second, "'" + v + "' refers to '" + ref.first + "' here");
      } else if (c == White) {
        path.push_back({v, ref.second});
        visit(ref.first);
        path.pop_back();
      }
    }
    color[v] = Black;
  };
  for (auto &kv : initRefs_)
    if (color[kv.first] == White)
      visit(kv.first);
}

void ModelChecker::run() {
  collectDeclarations();
  for (auto &m : model_.members) {
    if (auto *b = dyn_cast<DeclBlock>(m.get()))
      checkDeclBlock(*b);
    else if (auto *in = dyn_cast<InputBlock>(m.get()))
      checkPorts(*in);
  }
  checkInitCycles();
  // Kernels first: convolve() takes the kernel's unit.
  for (auto &m : model_.members)
    if (auto *eq = dyn_cast<EquationsBlock>(m.get()))
      for (auto &item : eq->items)
        if (auto *k = dyn_cast<KernelDecl>(item.get()))
          checkKernel(*k);
  for (auto &m : model_.members)
    if (auto *eq = dyn_cast<EquationsBlock>(m.get()))
      for (auto &item : eq->items) {
        if (auto *in = dyn_cast<InlineDecl>(item.get()))
          checkInline(*in);
        else if (auto *o = dyn_cast<OdeEquation>(item.get()))
          checkOde(*o);
      }
  for (auto &m : model_.members) {
    Node *n = m.get();
    if (auto *u = dyn_cast<UpdateBlock>(n)) {
      ExprChecker ec = exprChecker(Region::Update);
      StmtChecker(ec).checkBlock(u->body);
    } else if (auto *r = dyn_cast<OnReceiveBlock>(n)) {
      checkOnReceive(*r);
    } else if (auto *c = dyn_cast<OnConditionBlock>(n)) {
      ExprChecker ec = exprChecker(Region::OnCondition);
      ec.checkCondition(c->cond.get(), "condition");
      StmtChecker(ec).checkBlock(c->body);
    } else if (auto *f = dyn_cast<FunctionDecl>(n)) {
      checkFunction(*f);
    } else if (auto *s = dyn_cast<SemanticsBlock>(n)) {
      checkSemanticsBlock(ctx_, *s, /*network=*/nullptr);
    }
  }
  checkRecursion();
  checkInlineCycles();
}

} // namespace nsc::sema
