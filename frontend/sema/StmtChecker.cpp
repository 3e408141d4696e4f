//===- StmtChecker.cpp - Statements and local declarations ----------------===//
#include "StmtChecker.h"
#include "ConstEval.h"
#include "TypeResolver.h"

namespace nsc::sema {

using namespace ast;

static std::string quote(const ir::Type &t) { return "'" + typeStr(t) + "'"; }

static const char *contextName(DeclContext c) {
  switch (c) {
  case DeclContext::State: return "state variable";
  case DeclContext::Parameter: return "parameter";
  case DeclContext::Internal: return "internal";
  default: return "variable";
  }
}

/// A local declaration may hide a parameter, state variable or internal of
/// the model (not another local or a function parameter).
static bool hidesModelVariable(const VarDecl &decl, const Symbol &prev, const Scope &scope) {
  if (decl.context != DeclContext::Local || prev.kind != SymbolKind::Variable ||
      scope.lookupLocal(prev.name) == &prev)
    return false;
  return prev.context == DeclContext::State || prev.context == DeclContext::Parameter ||
         prev.context == DeclContext::Internal;
}

void declareVariables(DiagnosticEngine &diags, Scope &scope, VarDecl &decl, unsigned *order) {
  for (unsigned i = 0; i < decl.names.size(); ++i) {
    const DeclaredName &dn = decl.names[i];
    if (dn.name.empty())
      continue;
    if (const Symbol *prev = scope.lookup(dn.name)) {
      if (hidesModelVariable(decl, *prev, scope)) {
        // NESTML's scoping: the local hides the model variable until the end
        // of its block (docs/language.md §3.1).
        diags.warning(dn.range, "local variable '" + dn.name + "' hides the " + contextName(prev->context) +
                                    " '" + dn.name + "' until the end of its block")
            .note(prev->range, "'" + dn.name + "' declared here");
      } else {
        diags.error(dn.range, "redeclaration of '" + dn.name + "'")
            .note(prev->range, "previous declaration is here");
        continue;
      }
    }
    Symbol s;
    s.kind = SymbolKind::Variable;
    s.name = dn.name;
    s.range = dn.range;
    s.decl = &decl;
    s.index = i;
    s.type = decl.resolvedType;
    s.context = decl.context;
    s.isVector = dn.vectorSize != nullptr;
    s.order = order ? (*order)++ : 0;
    scope.declare(std::move(s));
  }
}

bool StmtChecker::alwaysReturns(const Block &block) {
  for (const StmtPtr &s : block) {
    if (isa<Return>(s.get()))
      return true;
    if (auto *i = dyn_cast<If>(s.get())) {
      bool hasElse = false, all = !i->branches.empty();
      for (const IfBranch &b : i->branches) {
        hasElse |= b.cond == nullptr;
        all &= alwaysReturns(b.body);
      }
      if (hasElse && all)
        return true;
    }
  }
  return false;
}

void StmtChecker::checkBlock(Block &block) {
  Scope inner(ec_.scope);
  const Scope *saved = ec_.scope;
  ec_.scope = &inner;
  for (StmtPtr &s : block)
    if (s)
      checkStmt(s.get(), inner);
  ec_.scope = saved;
}

void StmtChecker::checkStmt(Stmt *s, Scope &scope) {
  switch (s->kind) {
  case NodeKind::VarDecl:
    checkLocalDecl(cast<VarDecl>(s), scope);
    return;
  case NodeKind::Assign:
    checkAssign(cast<Assign>(s));
    return;
  case NodeKind::ExprStmt: {
    auto *e = cast<ExprStmt>(s);
    if (!e->expr)
      return;
    ec_.check(e->expr.get());
    if (!isa<Call>(e->expr.get()))
      diags_.warning(e->expr->range, "expression result unused");
    return;
  }
  case NodeKind::If:
    for (IfBranch &b : cast<If>(s)->branches) {
      if (b.cond)
        ec_.checkCondition(b.cond.get(), "condition");
      checkBlock(b.body);
    }
    return;
  case NodeKind::For:
    checkFor(cast<For>(s));
    return;
  case NodeKind::While: {
    auto *w = cast<While>(s);
    ec_.checkCondition(w->cond.get(), "condition");
    checkBlock(w->body);
    return;
  }
  case NodeKind::Return:
    checkReturn(cast<Return>(s));
    return;
  default:
    return;
  }
}

void StmtChecker::checkLocalDecl(VarDecl *d, Scope &scope) {
  d->context = DeclContext::Local;
  d->resolvedType = d->type ? resolveType(d->type.get(), diags_) : ir::Type::error();
  if (!d->type && !d->names.empty())
    diags_.error(d->names[0].range, "declaration of '" + d->names[0].name + "' has no type");
  Region saved = ec_.region;
  for (DeclaredName &dn : d->names)
    if (dn.vectorSize) {
      ec_.region = Region::VectorSize;
      ec_.checkInteger(dn.vectorSize.get(), "vector size");
      ec_.region = saved;
    }
  if (d->init) {
    ec_.checkValue(d->init.get());
    std::string name = d->names.empty() ? "" : d->names[0].name;
    checkConversion(diags_, d->resolvedType, d->init.get(),
                    [&](const std::string &expected, const std::string &got) {
                      return "cannot initialise '" + name + "' of type '" + expected +
                             "' with a value of type '" + got + "'";
                    });
  }
  declareVariables(diags_, scope, *d);
  if (d->guard)
    ec_.checkCondition(d->guard.get(), "guard");
}

void StmtChecker::checkAssign(Assign *a) {
  NameRef *t = a->target.get();
  if (a->value)
    ec_.checkValue(a->value.get());
  if (!t)
    return;
  const Symbol *sym = nullptr;
  if (t->diffOrder > 0) {
    sym = ec_.lookup(t->name + std::string(t->diffOrder, '\''));
    if (!sym) {
      diags_.error(t->range, "cannot assign to the derivative '" + t->name +
                                 std::string(t->diffOrder, '\'') + "'")
          .note(t->range, "declare '" + t->name + std::string(t->diffOrder, '\'') +
                              "' in the state block to give the derivative a state");
      return;
    }
  } else {
    sym = ec_.lookup(t->name);
  }
  if (!sym) {
    ec_.reportUndeclared(t->name, t->range, "variable");
    return;
  }
  auto refuse = [&](const std::string &what) {
    diags_.error(t->range, "cannot assign to " + what + " '" + sym->name + "'")
        .note(sym->range, "'" + sym->name + "' declared here");
  };
  switch (sym->kind) {
  case SymbolKind::Port: refuse("input port"); return;
  case SymbolKind::Kernel: refuse("kernel"); return;
  case SymbolKind::Inline: refuse("inline expression"); return;
  case SymbolKind::Function: refuse("function"); return;
  case SymbolKind::Variable: break;
  }
  if (sym->context == DeclContext::Parameter) {
    diags_.error(t->range, "cannot assign to parameter '" + sym->name + "'")
        .note(sym->range, "'" + sym->name +
                              "' declared here; parameters are only set by their initial value");
    return;
  }
  if (sym->context == DeclContext::Internal) {
    diags_.error(t->range, "cannot assign to internal '" + sym->name +
                               "' outside the internals block")
        .note(sym->range, "'" + sym->name + "' declared here");
    return;
  }
  ir::Type target = ec_.check(t);
  if (target.isError() || !a->value || a->value->type.isError())
    return;
  const ir::Type &v = a->value->type;
  std::string tname = t->name + std::string(t->diffOrder, '\'');
  switch (a->op) {
  case AssignOp::Set:
  case AssignOp::Add:
  case AssignOp::Sub:
    if (a->op != AssignOp::Set && !target.isNumeric()) {
      diags_.error(a->opRange.valid() ? a->opRange : a->range,
                   "compound assignment to non-numeric variable '" + tname + "' of type " +
                       quote(target));
      return;
    }
    checkConversion(diags_, target, a->value.get(),
                    [&](const std::string &expected, const std::string &got) {
                      if (a->op == AssignOp::Add)
                        return "cannot add '" + got + "' to '" + tname + "' of type '" +
                               expected + "'";
                      if (a->op == AssignOp::Sub)
                        return "cannot subtract '" + got + "' from '" + tname + "' of type '" +
                               expected + "'";
                      return "cannot assign a value of type '" + got + "' to '" + tname +
                             "' of type '" + expected + "'";
                    });
    return;
  case AssignOp::Mul:
  case AssignOp::Div: {
    const char *op = a->op == AssignOp::Mul ? "*=" : "/=";
    if (!target.isNumeric() || !v.isNumeric()) {
      diags_.error(a->range, std::string("invalid operands to '") + op + "' (" + quote(target) +
                                 " and " + quote(v) + ")");
      return;
    }
    if (!v.unit.isDimensionless()) {
      diags_.error(a->value->range, std::string("'") + op + "' would change the unit of '" +
                                        tname + "' (" + quote(target) +
                                        "); the value must be dimensionless, not " + quote(v));
      return;
    }
    if (target.kind == ir::TypeKind::Int && v.kind == ir::TypeKind::Real)
      diags_.error(a->value->range, "implicit conversion from 'real' to 'integer' is not allowed")
          .note(a->value->range, "use round(), floor() or ceil() to convert explicitly");
    return;
  }
  }
}

void StmtChecker::checkFor(For *f) {
  // NESTML rule: the loop variable is declared before the loop.
  const Symbol *sym = f->var.empty() ? nullptr : ec_.lookup(f->var);
  ir::Type varType = ir::Type::error();
  if (!sym) {
    auto d = diags_.error(f->varRange, "use of undeclared loop variable '" + f->var + "'");
    std::vector<std::string> names;
    if (ec_.scope)
      ec_.scope->collectNames(names);
    if (auto close = closestName(f->var, names))
      d.note(f->varRange, "did you mean '" + *close + "'?");
    else
      d.note(f->varRange, "declare it before the loop, e.g. '" + f->var + " integer = 0'");
  } else if (sym->kind != SymbolKind::Variable || sym->isVector || !sym->type.isNumeric()) {
    diags_.error(f->varRange, "loop variable '" + f->var + "' must be a numeric scalar variable")
        .note(sym->range, "'" + sym->name + "' declared here");
  } else if (sym->context == DeclContext::Parameter || sym->context == DeclContext::Internal) {
    diags_.error(f->varRange, std::string("cannot use ") +
                                  (sym->context == DeclContext::Parameter ? "parameter" : "internal") +
                                  " '" + f->var + "' as a loop variable")
        .note(sym->range, "'" + sym->name + "' declared here");
  } else {
    f->varDecl = static_cast<const VarDecl *>(sym->decl);
    varType = sym->type;
  }
  for (Expr *bound : {f->from.get(), f->to.get(), f->step.get()}) {
    if (!bound)
      continue;
    ec_.checkValue(bound);
    checkConversion(diags_, varType, bound,
                    [&](const std::string &expected, const std::string &got) {
                      return "loop bound of type '" + got + "' does not match loop variable '" +
                             f->var + "' of type '" + expected + "'";
                    });
  }
  if (f->step)
    if (auto c = evaluateConstant(f->step.get()); c && c->value == 0)
      diags_.error(f->step->range, "loop step must not be zero");
  checkBlock(f->body);
}

void StmtChecker::checkReturn(Return *r) {
  const FunctionDecl *fn = ec_.function;
  if (r->value)
    ec_.checkValue(r->value.get());
  if (!fn) {
    if (r->value)
      diags_.error(r->value->range, "'return' with a value outside a function");
    return;
  }
  const ir::Type &ret = fn->resolvedReturnType;
  if (ret.kind == ir::TypeKind::Void) {
    if (r->value)
      diags_.error(r->value->range, "void function '" + fn->name + "' cannot return a value")
          .note(fn->nameRange, "'" + fn->name + "' declared here");
    return;
  }
  if (!r->value) {
    if (!ret.isError())
      diags_.error(r->range, "non-void function '" + fn->name + "' must return a value of type " +
                                 quote(ret))
          .note(fn->nameRange, "'" + fn->name + "' declared here");
    return;
  }
  checkConversion(diags_, ret, r->value.get(),
                  [&](const std::string &expected, const std::string &got) {
                    return "cannot return a value of type '" + got + "' from function '" +
                           fn->name + "' returning '" + expected + "'";
                  });
}

} // namespace nsc::sema
