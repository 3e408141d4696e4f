//===- InlineFunctions.cpp - Replace user function calls by their bodies --===//
#include "nsc/passes/InlineFunctions.h"

#include "nsc/ir/IRWalk.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace nsc::passes {

using namespace ir;

namespace {

/// Same kind, unit and (for reals) precision: a value of one can stand
/// where the other was without any conversion.
bool identicalType(const Type &a, const Type &b) {
  if (a.kind != b.kind)
    return false;
  if (a.isNumeric() && !a.unit.sameAs(b.unit))
    return false;
  return a.kind != TypeKind::Real || a.precision == b.precision;
}

bool hasCallOf(const Expr &e, Builtin b) {
  bool found = false;
  forEachNode(e, [&](const Expr &n) {
    if (auto *c = dyn_cast<Call>(&n); c && c->builtin == b)
      found = true;
  });
  return found;
}

/// Cheap to evaluate again and always the same value within one statement.
bool isLeaf(const Expr &e) {
  switch (e.kind) {
  case ExprKind::Constant: return true;
  case ExprKind::VarRef: return !cast<VarRef>(&e)->index;
  case ExprKind::PortRef: return !cast<PortRef>(&e)->index;
  case ExprKind::Call: {
    auto *c = cast<Call>(&e);
    return c->args.empty() && (c->builtin == Builtin::Time || c->builtin == Builtin::Resolution);
  }
  default: return false;
  }
}

bool isRandomOrPrint(Builtin b) {
  switch (b) {
  case Builtin::RandomNormal: case Builtin::RandomUniform: case Builtin::RandomPoisson:
  case Builtin::RandomLognormal: case Builtin::RandomExponential: case Builtin::Print:
  case Builtin::Println: case Builtin::Info: case Builtin::Warning:
    return true;
  default:
    return false;
  }
}

/// What calling each function may do besides computing its value.
struct FunctionEffects {
  std::vector<bool> writes;  // assigns a variable that is not its own
  std::vector<bool> effects; // draws random numbers, prints, emits spikes
};

FunctionEffects analyzeFunctions(Model &m) {
  size_t n = m.functions.size();
  FunctionEffects fx{std::vector<bool>(n, false), std::vector<bool>(n, false)};
  std::vector<std::set<uint32_t>> callees(n);
  auto foreign = [&](VarId v) {
    return v >= m.variables.size() || (m.variables[v].role != VarRole::Local &&
                                       m.variables[v].role != VarRole::Argument);
  };
  for (uint32_t f = 0; f < n; ++f)
    forEachStmt(m.functions[f].body, [&](Stmt &s) {
      switch (s.kind) {
      case StmtKind::Assign: fx.writes[f] = fx.writes[f] || foreign(cast<Assign>(&s)->target); break;
      case StmtKind::For: fx.writes[f] = fx.writes[f] || foreign(cast<For>(&s)->var); break;
      case StmtKind::EmitSpike: fx.effects[f] = true; break;
      case StmtKind::LocalDecl: case StmtKind::If: case StmtKind::While: case StmtKind::Return:
      case StmtKind::CallStmt:
        break;
      default: fx.writes[f] = true; break; // integrate_odes and anything newer
      }
      forEachStmtExpr(s, [&](ExprPtr &slot) {
        forEachNode(*slot, [&](const Expr &e) {
          auto *c = dyn_cast<Call>(&e);
          if (!c)
            return;
          if (c->builtin == Builtin::User)
            callees[f].insert(c->function);
          else if (isRandomOrPrint(c->builtin))
            fx.effects[f] = true;
        });
      });
    });
  for (bool grew = true; grew;) {
    grew = false;
    for (uint32_t f = 0; f < n; ++f)
      for (uint32_t g : callees[f]) {
        bool w = g >= n || fx.writes[g], e = g >= n || fx.effects[g];
        if ((w && !fx.writes[f]) || (e && !fx.effects[f])) {
          fx.writes[f] = fx.writes[f] || w;
          fx.effects[f] = fx.effects[f] || e;
          grew = true;
        }
      }
  }
  return fx;
}

/// True when a node of `e` outside `target`'s subtree conflicts with
/// evaluating values of the call `target` before the statement: a call
/// that may write variables (the values read them), or, when a moved value
/// has an effect itself, anything with an effect (the order of random
/// draws and prints is part of the meaning). The own effect of target's
/// ancestors happens after target and does not count.
bool conflictOutside(const Expr &e, const Expr *target, bool movedEffect,
                     const FunctionEffects &fx, bool &found) {
  if (&e == target) {
    found = true;
    return false;
  }
  bool below = false, conflict = false;
  forEachChild(e, [&](const Expr &c) {
    bool f = false;
    conflict |= conflictOutside(c, target, movedEffect, fx, f);
    below |= f;
  });
  found |= below;
  if (conflict || below)
    return conflict;
  auto *c = dyn_cast<Call>(&e);
  if (!c)
    return false;
  if (c->builtin == Builtin::User) {
    bool known = c->function < fx.writes.size();
    return !known || fx.writes[c->function] || (movedEffect && fx.effects[c->function]);
  }
  return movedEffect && isRandomOrPrint(c->builtin);
}

bool conflictOutside(Stmt &s, const Expr *target, bool movedEffect, const FunctionEffects &fx) {
  bool conflict = false;
  forEachStmtExpr(s, [&](ExprPtr &slot) {
    bool found = false;
    conflict |= conflictOutside(*slot, target, movedEffect, fx, found);
  });
  return conflict;
}

/// Statements before which a value may be bound to a local: they evaluate
/// their operands exactly once, when they run.
bool canBindBefore(const Stmt &s) {
  switch (s.kind) {
  case StmtKind::Assign:
  case StmtKind::LocalDecl:
  case StmtKind::Return:
  case StmtKind::CallStmt:
  case StmtKind::EmitSpike:
  case StmtKind::If:
    return true;
  default:
    return false;
  }
}

class Inliner {
public:
  explicit Inliner(Model &m)
      : m_(m), fx_(analyzeFunctions(m)), inlinable_(m.functions.size(), false) {
    inlinedFrom.assign(m.functions.size(), false);
  }

  void run() {
    std::vector<std::set<uint32_t>> callees(m_.functions.size());
    for (uint32_t f = 0; f < m_.functions.size(); ++f)
      forEachStmt(m_.functions[f].body, [&](Stmt &s) {
        forEachStmtExpr(s, [&](ExprPtr &slot) {
          forEachNode(*slot, [&](const Expr &n) {
            if (auto *c = dyn_cast<Call>(&n); c && c->builtin == Builtin::User)
              callees[f].insert(c->function);
          });
        });
      });
    std::vector<bool> recursive = findRecursive(callees);

    // Callees before callers, so a caller sees its callees' bodies inlined
    // and may become inlinable itself. Cycles are cut; their members are
    // recursive and never inlined.
    std::vector<int> state(m_.functions.size(), 0);
    std::vector<uint32_t> order;
    std::function<void(uint32_t)> visit = [&](uint32_t f) {
      state[f] = 1;
      for (uint32_t g : callees[f])
        if (g < state.size() && state[g] == 0)
          visit(g);
      order.push_back(f);
    };
    for (uint32_t f = 0; f < m_.functions.size(); ++f)
      if (state[f] == 0)
        visit(f);
    for (uint32_t f : order) {
      processBlock(m_.functions[f].body);
      inlinable_[f] = !recursive[f] && hasInlinableShape(m_.functions[f]);
    }

    std::set<Block *> functionBodies;
    for (Function &f : m_.functions)
      functionBodies.insert(&f.body);
    for (Block *b : modelBlocks(m_))
      if (!functionBodies.count(b))
        processBlock(*b);
    for (Variable &v : m_.variables) {
      processRoot(v.init);
      processRoot(v.guard);
    }
    for (OdeEquation &eq : m_.odes.equations)
      processRoot(eq.rhs);
    for (InlineExpr &in : m_.odes.inlines)
      processRoot(in.rhs);
    for (OnCondition &c : m_.onCondition)
      processRoot(c.cond);
    // In a kernel's right-hand side `t` is the time since the spike, not
    // the global time a function body means by it.
    inKernel_ = true;
    for (Kernel &k : m_.odes.kernels)
      processRoot(k.rhs);
    inKernel_ = false;
  }

  unsigned inlined = 0, locals = 0;
  /// Per function: at least one of its calls was inlined.
  std::vector<bool> inlinedFrom;

private:
  std::vector<bool> findRecursive(const std::vector<std::set<uint32_t>> &callees) {
    size_t n = callees.size();
    std::vector<bool> recursive(n, false);
    for (uint32_t f = 0; f < n; ++f) {
      std::vector<bool> seen(n, false);
      std::vector<uint32_t> work(callees[f].begin(), callees[f].end());
      while (!work.empty() && !recursive[f]) {
        uint32_t g = work.back();
        work.pop_back();
        if (g >= n || seen[g])
          continue;
        seen[g] = true;
        if (g == f)
          recursive[f] = true;
        work.insert(work.end(), callees[g].begin(), callees[g].end());
      }
    }
    return recursive;
  }

  /// Local declarations with initial values, then `return value`, nothing
  /// assigned, no call of a user function left, arguments and locals used
  /// only as scalars of their own type.
  bool hasInlinableShape(const Function &f) {
    if (f.returnType.kind == TypeKind::Void || f.body.empty())
      return false;
    auto *ret = dyn_cast<Return>(f.body.back().get());
    if (!ret || !ret->value || !identicalType(ret->value->type, f.returnType))
      return false;
    std::set<VarId> own;
    for (VarId p : f.params)
      if (p >= m_.variables.size() || m_.variables[p].vectorSize != 0 || !own.insert(p).second)
        return false;
    std::vector<const Expr *> exprs{ret->value.get()};
    for (size_t i = 0; i + 1 < f.body.size(); ++i) {
      auto *d = dyn_cast<LocalDecl>(f.body[i].get());
      if (!d || !d->init || d->var >= m_.variables.size())
        return false;
      const Variable &v = m_.variables[d->var];
      if (v.role != VarRole::Local || v.vectorSize != 0 || !identicalType(d->init->type, v.type) ||
          !own.insert(d->var).second)
        return false;
      exprs.push_back(d->init.get());
    }
    bool ok = true;
    for (const Expr *e : exprs)
      forEachNode(*e, [&](const Expr &n) {
        if (auto *c = dyn_cast<Call>(&n); c && c->builtin == Builtin::User)
          ok = false;
        auto *r = dyn_cast<VarRef>(&n);
        if (!r || r->var >= m_.variables.size())
          return;
        const Variable &v = m_.variables[r->var];
        bool scoped = v.role == VarRole::Local || v.role == VarRole::Argument;
        if (own.count(r->var) ? (r->index || !identicalType(r->type, v.type)) : scoped)
          ok = false;
      });
    return ok;
  }

  void processRoot(ExprPtr &slot) {
    if (slot)
      processTree(slot, nullptr, nullptr, false);
  }

  void processBlock(Block &b) {
    for (size_t i = 0; i < b.size(); ++i) {
      Stmt &s = *b[i];
      Stmt *anchor = canBindBefore(s) ? &s : nullptr;
      std::vector<StmtPtr> pending;
      if (auto *cs = dyn_cast<CallStmt>(&s); cs && isa<Call>(cs->call.get())) {
        // The call of a call statement must stay a call; its arguments may
        // be inlined.
        for (ExprPtr &a : cast<Call>(cs->call.get())->args)
          if (a)
            processTree(a, anchor, &pending, false);
      } else {
        forEachStmtExpr(s, [&](ExprPtr &slot) { processTree(slot, anchor, &pending, false); });
      }
      for (Block *child : childBlocks(s))
        processBlock(*child);
      if (!pending.empty()) {
        b.insert(b.begin() + i, std::make_move_iterator(pending.begin()),
                 std::make_move_iterator(pending.end()));
        i += pending.size();
      }
    }
  }

  /// Inlines bottom-up, so arguments are final when their call is looked at.
  void processTree(ExprPtr &slot, Stmt *anchor, std::vector<StmtPtr> *pending,
                   bool conditional) {
    Expr &e = *slot;
    if (auto *s = dyn_cast<Select>(&e)) {
      processTree(s->cond, anchor, pending, conditional);
      processTree(s->thenExpr, anchor, pending, true);
      processTree(s->elseExpr, anchor, pending, true);
    } else if (auto *b = dyn_cast<Binary>(&e);
               b && (b->op == BinaryOp::And || b->op == BinaryOp::Or)) {
      processTree(b->lhs, anchor, pending, conditional);
      processTree(b->rhs, anchor, pending, true);
    } else {
      forEachChild(e, [&](ExprPtr &c) { processTree(c, anchor, pending, conditional); });
    }
    if (auto *c = dyn_cast<Call>(slot.get()); c && c->builtin == Builtin::User)
      tryInline(slot, conditional ? nullptr : anchor, pending);
  }

  VarId newLocal(const std::string &name, const Type &type, SourceRange loc) {
    Variable v;
    v.id = static_cast<VarId>(m_.variables.size());
    v.name = name;
    v.role = VarRole::Local;
    v.type = type;
    v.loc = loc;
    m_.variables.push_back(std::move(v));
    return m_.variables.back().id;
  }

  /// Replaces the call in `slot` by the function's body; `anchor` is the
  /// statement before which locals may be declared (null where none may).
  void tryInline(ExprPtr &slot, Stmt *anchor, std::vector<StmtPtr> *pending) {
    auto &call = *cast<Call>(slot.get());
    uint32_t fi = call.function;
    if (fi >= m_.functions.size() || !inlinable_[fi])
      return;
    const Function &f = m_.functions[fi];
    if (call.args.size() != f.params.size() || !identicalType(call.type, f.returnType))
      return;
    for (size_t i = 0; i < call.args.size(); ++i)
      if (!call.args[i] || hasCallOf(*call.args[i], Builtin::User) ||
          !identicalType(call.args[i]->type, m_.variables[f.params[i]].type))
        return;
    const Expr *result = cast<Return>(f.body.back().get())->value.get();
    if (inKernel_ && hasCallOf(*result, Builtin::Time))
      return;

    // Bindings: the arguments, then the function's locals in order.
    size_t nParams = f.params.size();
    std::vector<VarId> vars(f.params.begin(), f.params.end());
    std::vector<const Expr *> values;
    for (const ExprPtr &a : call.args)
      values.push_back(a.get());
    for (size_t i = 0; i + 1 < f.body.size(); ++i) {
      auto *d = cast<LocalDecl>(f.body[i].get());
      if (inKernel_ && hasCallOf(*d->init, Builtin::Time))
        return;
      vars.push_back(d->var);
      values.push_back(d->init.get());
    }
    size_t n = vars.size();
    std::map<VarId, size_t> index;
    for (size_t k = 0; k < n; ++k)
      index[vars[k]] = k;
    auto countRefs = [&](const Expr &e) {
      std::vector<unsigned> refs(n, 0);
      forEachNode(e, [&](const Expr &x) {
        if (auto *r = dyn_cast<VarRef>(&x))
          if (auto it = index.find(r->var); it != index.end())
            ++refs[it->second];
      });
      return refs;
    };
    std::vector<std::vector<unsigned>> refsIn(n);
    for (size_t k = nParams; k < n; ++k)
      refsIn[k] = countRefs(*values[k]);
    std::vector<unsigned> resultRefs = countRefs(*result);

    // How often each value would be evaluated if copied into the result
    // (saturating at 2: only "more than once" matters). A value is bound
    // to a local when it has an effect, or when it would be computed more
    // than once and is not a leaf.
    std::vector<bool> bind(n, false);
    std::vector<unsigned> uses(n, 0);
    bool needBinding = false, movedEffect = false;
    for (size_t k = n; k-- > 0;) {
      unsigned u = resultRefs[k];
      for (size_t j = k + 1; j < n; ++j)
        if (j >= nParams)
          u += refsIn[j][k] * (bind[j] ? 1u : uses[j]);
      uses[k] = std::min(u, 2u);
      bool pure = isPure(*values[k]);
      bind[k] = !pure || (!isLeaf(*values[k]) && uses[k] > 1);
      needBinding |= bind[k];
      movedEffect |= !pure;
    }
    if (needBinding &&
        (!anchor || !pending || conflictOutside(*anchor, &call, movedEffect, fx_)))
      return;

    // Commit. Copies of the function's own values are made before any new
    // variable is added (adding one may move m_.variables).
    std::vector<ExprPtr> replacement(n);
    auto substitute = [&](ExprPtr tree) {
      rewritePostOrder(tree, [&](ExprPtr &s) {
        if (auto *r = dyn_cast<VarRef>(s.get()); r && !r->index)
          if (auto it = index.find(r->var); it != index.end() && replacement[it->second])
            s = replacement[it->second]->clone();
      });
      return tree;
    };
    std::string fname = f.name;
    SourceRange callLoc = call.loc;
    ExprPtr body = result->clone();
    std::vector<ExprPtr> inits(n);
    for (size_t k = 0; k < n; ++k)
      inits[k] = k < nParams ? std::move(call.args[k]) : values[k]->clone();
    for (size_t k = 0; k < n; ++k) {
      ExprPtr value = k < nParams ? std::move(inits[k]) : substitute(std::move(inits[k]));
      if (!bind[k]) {
        replacement[k] = std::move(value);
        continue;
      }
      Type type = m_.variables[vars[k]].type;
      std::string name = fname + "_" + m_.variables[vars[k]].name;
      VarId fresh = newLocal(name, type, callLoc);
      auto decl = std::make_unique<LocalDecl>();
      decl->var = fresh;
      decl->init = std::move(value);
      decl->loc = anchor->loc;
      pending->push_back(std::move(decl));
      replacement[k] = std::make_unique<VarRef>(type, fresh);
      ++locals;
    }
    ExprPtr out = substitute(std::move(body));
    out->loc = callLoc;
    slot = std::move(out); // the call node dies here
    ++inlined;
    inlinedFrom[fi] = true;
  }

  Model &m_;
  FunctionEffects fx_;
  std::vector<bool> inlinable_;
  bool inKernel_ = false;
};

/// Every function called from `e`.
void markCalls(const Expr &e, std::vector<bool> &called) {
  forEachNode(e, [&](const Expr &n) {
    if (auto *c = dyn_cast<Call>(&n); c && c->builtin == Builtin::User && c->function < called.size())
      called[c->function] = true;
  });
}

void markCallsInBlock(Block &b, std::vector<bool> &called) {
  forEachStmt(b, [&](Stmt &s) { forEachStmtExpr(s, [&](ExprPtr &e) { markCalls(*e, called); }); });
}

/// Removes the functions that had calls inlined and that nothing outside
/// removed functions calls any more; returns how many.
unsigned removeInlinedFunctions(Module &module, uint32_t mi, const std::vector<bool> &inlinedFrom) {
  Model &m = *module.models[mi];
  size_t n = m.functions.size();
  std::set<Block *> bodies;
  for (Function &f : m.functions)
    bodies.insert(&f.body);
  std::vector<bool> keep(n);
  for (size_t f = 0; f < n; ++f)
    keep[f] = !inlinedFrom[f];
  // Calls from outside functions keep their callee.
  std::vector<bool> called(n, false);
  for (Variable &v : m.variables)
    for (ExprPtr *e : {&v.init, &v.guard})
      if (*e)
        markCalls(**e, called);
  for (OdeEquation &eq : m.odes.equations)
    if (eq.rhs)
      markCalls(*eq.rhs, called);
  for (Kernel &k : m.odes.kernels)
    if (k.rhs)
      markCalls(*k.rhs, called);
  for (InlineExpr &in : m.odes.inlines)
    if (in.rhs)
      markCalls(*in.rhs, called);
  for (OnCondition &c : m.onCondition)
    if (c.cond)
      markCalls(*c.cond, called);
  for (Block *b : modelBlocks(m))
    if (!bodies.count(b))
      markCallsInBlock(*b, called);
  for (size_t f = 0; f < n; ++f)
    keep[f] = keep[f] || called[f];
  // Kept functions keep their callees.
  for (bool grew = true; grew;) {
    grew = false;
    std::vector<bool> fromKept(n, false);
    for (size_t f = 0; f < n; ++f)
      if (keep[f])
        markCallsInBlock(m.functions[f].body, fromKept);
    for (size_t f = 0; f < n; ++f)
      if (fromKept[f] && !keep[f])
        grew = keep[f] = true;
  }

  if (std::all_of(keep.begin(), keep.end(), [](bool k) { return k; }))
    return 0;
  std::vector<bool> removeVar(m.variables.size(), false);
  std::vector<uint32_t> newIndex(n, UINT32_MAX);
  std::vector<Function> kept;
  for (size_t f = 0; f < n; ++f) {
    Function &fn = m.functions[f];
    if (keep[f]) {
      newIndex[f] = static_cast<uint32_t>(kept.size());
      kept.push_back(std::move(fn));
      continue;
    }
    auto mark = [&](VarId v) {
      if (v < removeVar.size())
        removeVar[v] = true;
    };
    for (VarId p : fn.params)
      mark(p);
    forEachStmt(fn.body, [&](Stmt &s) {
      if (auto *d = dyn_cast<LocalDecl>(&s))
        mark(d->var);
      else if (auto *l = dyn_cast<For>(&s))
        mark(l->var);
    });
  }
  unsigned removed = static_cast<unsigned>(n - kept.size());
  m.functions = std::move(kept);
  forEachRootExpr(m, [&](ExprPtr &root) {
    rewritePostOrder(root, [&](ExprPtr &e) {
      if (auto *c = dyn_cast<Call>(e.get()); c && c->builtin == Builtin::User && c->function < n)
        c->function = newIndex[c->function];
    });
  });
  removeVariables(module, mi, removeVar);
  return removed;
}

} // namespace

bool InlineFunctionsPass::run(Module &module, PassContext &ctx) {
  unsigned inlined = 0, locals = 0, removed = 0;
  for (uint32_t mi = 0; mi < module.models.size(); ++mi) {
    Model &m = *module.models[mi];
    if (m.functions.empty())
      continue;
    Inliner inliner(m);
    inliner.run();
    inlined += inliner.inlined;
    locals += inliner.locals;
    removed += removeInlinedFunctions(module, mi, inliner.inlinedFrom);
  }
  ctx.changed(inlined, "inlined", inlined == 1 ? "call" : "calls");
  ctx.changed(locals, "bound", locals == 1 ? "value to a local" : "values to locals");
  ctx.changed(removed, "removed", removed == 1 ? "function" : "functions");
  return true;
}

} // namespace nsc::passes
