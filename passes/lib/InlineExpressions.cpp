//===- InlineExpressions.cpp - Expand `inline` expressions ----------------===//
#include "nsc/passes/InlineExpressions.h"

#include "nsc/ir/IRWalk.h"

namespace nsc::passes {

using namespace ir;

namespace {

class Expander {
public:
  Expander(Model &m, PassContext &ctx) : m_(m), ctx_(ctx), state_(m.odes.inlines.size(), New) {}

  /// Expands the inline's own rhs (and, first, those it uses).
  bool expandInline(uint32_t id) {
    if (state_[id] == Done)
      return true;
    InlineExpr &in = m_.odes.inlines[id];
    if (state_[id] == Active) {
      ctx_.diags().error(in.loc, "internal error: inline expression '" + in.name +
                                     "' refers to itself; cannot expand it");
      return false;
    }
    state_[id] = Active;
    bool ok = !in.rhs || expandTree(in.rhs);
    state_[id] = Done;
    return ok;
  }

  /// Replaces every InlineRef in the tree by the (expanded) rhs.
  bool expandTree(ExprPtr &root) {
    bool ok = true;
    rewritePostOrder(root, [&](ExprPtr &slot) {
      auto *ref = dyn_cast<InlineRef>(slot.get());
      if (!ok || !ref)
        return;
      if (ref->inlineId >= m_.odes.inlines.size() || !expandInline(ref->inlineId) ||
          !m_.odes.inlines[ref->inlineId].rhs) {
        ok = false;
        return;
      }
      ExprPtr copy = m_.odes.inlines[ref->inlineId].rhs->clone();
      // The use's type is the inline's declared type, which lowering gave
      // the rhs too; keep the use's (it is what the context was checked with).
      copy->type = slot->type;
      slot = std::move(copy);
      ++expanded;
    });
    return ok;
  }

  unsigned expanded = 0;

private:
  enum State { New, Active, Done };
  Model &m_;
  PassContext &ctx_;
  std::vector<State> state_;
};

} // namespace

bool InlineExpressionsPass::run(Module &module, PassContext &ctx) {
  unsigned expanded = 0, removed = 0;
  for (uint32_t mi = 0; mi < module.models.size(); ++mi) {
    Model &m = *module.models[mi];
    if (m.odes.inlines.empty())
      continue;
    Expander ex(m, ctx);
    for (uint32_t i = 0; i < m.odes.inlines.size(); ++i)
      if (!ex.expandInline(i))
        return false;
    bool ok = true;
    forEachRootExpr(
        m, [&](ExprPtr &root) { ok = ok && ex.expandTree(root); }, /*skipInlines=*/true);
    if (!ok)
      return false;
    expanded += ex.expanded;

    // No InlineRef is left anywhere, so only recorders hold inline ids.
    removed += removeInlines(module, mi, inlinesRecorded(module, mi));
  }
  ctx.changed(expanded, "expanded", expanded == 1 ? "use" : "uses");
  ctx.changed(removed, "removed", removed == 1 ? "inline definition" : "inline definitions");
  return true;
}

} // namespace nsc::passes
