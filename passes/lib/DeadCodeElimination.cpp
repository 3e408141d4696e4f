//===- DeadCodeElimination.cpp - Remove unused definitions ----------------===//
#include "nsc/passes/DeadCodeElimination.h"

#include "nsc/ir/IRWalk.h"

namespace nsc::passes {

using namespace ir;

namespace {

/// The variable a LocalDecl or Assign defines, with the expressions it
/// evaluates; kNoVar for other statements.
VarId definedBy(Stmt &s, const Expr *&value, const Expr *&index) {
  value = index = nullptr;
  if (auto *d = dyn_cast<LocalDecl>(&s)) {
    value = d->init.get();
    return d->var;
  }
  if (auto *a = dyn_cast<Assign>(&s)) {
    value = a->value.get();
    index = a->index.get();
    return a->target;
  }
  return kNoVar;
}

/// Keeps (clears dead[v] for) every variable that a statement with an
/// effect defines, and every loop variable (the loop reads it).
void keepEffectfulDefinitions(Model &m, std::vector<bool> &dead) {
  for (Block *b : modelBlocks(m))
    forEachStmt(*b, [&](Stmt &s) {
      if (auto *f = dyn_cast<For>(&s); f && f->var < dead.size())
        dead[f->var] = false;
      const Expr *value, *index;
      VarId v = definedBy(s, value, index);
      if (v < dead.size() && ((value && !isPure(*value)) || (index && !isPure(*index))))
        dead[v] = false;
    });
}

/// Reads of each variable, not counting a variable's reads in its own
/// definitions (`b = b + 1` does not keep b alive).
std::vector<unsigned> countLiveReads(Model &m) {
  std::vector<unsigned> reads = countVariableReads(m);
  for (Block *b : modelBlocks(m))
    forEachStmt(*b, [&](Stmt &s) {
      const Expr *value, *index;
      VarId v = definedBy(s, value, index);
      if (v >= reads.size())
        return;
      for (const Expr *e : {value, index})
        if (e)
          forEachNode(*e, [&](const Expr &n) {
            if (auto *r = dyn_cast<VarRef>(&n); r && r->var == v && reads[v] > 0)
              --reads[v];
          });
    });
  return reads;
}

/// Removes the LocalDecls of and assignments to dead variables.
void pruneStatements(Block &b, const std::vector<bool> &dead, unsigned &stmts) {
  Block out;
  for (StmtPtr &s : b) {
    for (Block *child : childBlocks(*s))
      pruneStatements(*child, dead, stmts);
    const Expr *value, *index;
    VarId v = definedBy(*s, value, index);
    if (v < dead.size() && dead[v]) {
      ++stmts;
      continue;
    }
    out.push_back(std::move(s));
  }
  b = std::move(out);
}

unsigned removeUnusedInlines(Module &module, uint32_t mi) {
  Model &m = *module.models[mi];
  std::vector<bool> used = inlinesRecorded(module, mi);
  forEachExprNode(m, [&](const Expr &e) {
    if (auto *r = dyn_cast<InlineRef>(&e); r && r->inlineId < used.size())
      used[r->inlineId] = true;
  });
  return removeInlines(module, mi, used);
}

} // namespace

bool DeadCodeEliminationPass::run(Module &module, PassContext &ctx) {
  unsigned vars = 0, stmts = 0, inlines = 0;
  for (uint32_t mi = 0; mi < module.models.size(); ++mi) {
    Model &m = *module.models[mi];
    // Each round removes at least one variable or inline, so this ends.
    while (true) {
      unsigned removedInlines = removeUnusedInlines(module, mi);
      inlines += removedInlines;
      std::vector<unsigned> reads = countLiveReads(m);
      std::vector<bool> external = variablesUsedByNetworks(module, mi);
      std::vector<bool> dead(m.variables.size(), false);
      bool any = false;
      for (const Variable &v : m.variables) {
        bool candidate = v.role == VarRole::Internal || v.role == VarRole::Local;
        dead[v.id] = candidate && !v.recordable && reads[v.id] == 0 && !external[v.id] &&
                     (!v.init || isPure(*v.init));
        any |= dead[v.id];
      }
      if (!any && removedInlines == 0)
        break;
      keepEffectfulDefinitions(m, dead);
      for (Block *b : modelBlocks(m))
        pruneStatements(*b, dead, stmts);
      unsigned removed = removeVariables(module, mi, dead);
      vars += removed;
      if (removed == 0 && removedInlines == 0)
        break;
    }
  }
  ctx.changed(vars, "removed", vars == 1 ? "variable" : "variables");
  ctx.changed(stmts, "removed", stmts == 1 ? "dead statement" : "dead statements");
  ctx.changed(inlines, "removed", inlines == 1 ? "inline" : "inlines");
  return true;
}

} // namespace nsc::passes
