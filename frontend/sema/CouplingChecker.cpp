//===- CouplingChecker.cpp - Gap junctions and variable projections -------===//
#include "CouplingChecker.h"
#include "Scope.h"

namespace nsc::sema {

using namespace ast;

namespace {

/// The real scalar state variable `name` of `m`, or null after an error.
const Symbol *stateVariable(DiagnosticEngine &diags, const ModelInfo &m, const std::string &name, SourceRange at,
                            const std::string &what) {
  const Symbol *sym = m.scope->lookupLocal(name);
  if (!sym || sym->kind != SymbolKind::Variable || sym->context != DeclContext::State) {
    diags.error(at, what + ": model '" + m.model->name + "' has no state variable '" + name + "'");
    return nullptr;
  }
  if (sym->isVector || sym->type.kind != ir::TypeKind::Real) {
    diags.error(at, what + ": '" + name + "' of model '" + m.model->name + "' must be a real scalar")
        .note(sym->range, "'" + name + "' declared here");
    return nullptr;
  }
  return sym;
}

} // namespace

ir::Type checkCoupling(SemaContext &ctx, const CouplingCheck &c) {
  DiagnosticEngine &diags = ctx.diags;
  const bool gap = c.setting->name == "gap_junction";
  const std::string what = gap ? "a gap junction" : "a variable projection";
  SourceRange at = c.setting->value ? c.setting->value->range : c.setting->nameRange;
  auto *name = c.setting->value ? dyn_cast<NameRef>(c.setting->value.get()) : nullptr;
  if (!name || name->diffOrder || name->index) {
    diags.error(at, "'" + c.setting->name + "' must name a state variable of the source model");
    return ir::Type::error();
  }
  if (c.delay)
    diags.error(c.delay->nameRange, what + " acts within the step (docs/semantics.md R18b); 'delay' is not allowed");
  if (c.synapse)
    diags.error(c.synapse->nameRange, what + " has no synapse model; 'synapse' is not allowed");
  if (!c.source) {
    diags.error(c.sourceRange, what + " reads a variable of a model population; '" + c.sourceName +
                                   "' is a stimulus source");
    return ir::Type::error();
  }
  const Symbol *sv = stateVariable(diags, *c.source, name->name, at, what);
  if (!sv || !c.target || !c.port)
    return ir::Type::error();
  if (c.port->isSpike) {
    diags.error(c.portRange, what + " feeds a continuous port; '" + c.port->name + "' is a spike port")
        .note(c.port->nameRange, "'" + c.port->name + "' declared here");
    return ir::Type::error();
  }
  if (gap) {
    const Symbol *tv = stateVariable(diags, *c.target, name->name, at, what);
    if (!tv)
      return ir::Type::error();
    if (tv->type.unit.dim != sv->type.unit.dim) {
      diags.error(at, "a gap junction couples '" + name->name + "' in '" + typeStr(sv->type) + "' to '" +
                          name->name + "' in '" + typeStr(tv->type) + "'; the dimensions must agree");
      return ir::Type::error();
    }
    if (c.source != c.target) {
      // Current flows into both cells: the source model needs the port too.
      const Symbol *sp = c.source->scope->lookupLocal(c.port->name);
      auto *srcPort = sp && sp->kind == SymbolKind::Port ? static_cast<const InputPort *>(sp->decl) : nullptr;
      if (!srcPort || srcPort->isSpike || !srcPort->resolvedType.sameAs(c.port->resolvedType)) {
        diags.error(c.portRange, "a gap junction feeds both cells: model '" + c.source->model->name +
                                     "' needs a continuous port '" + c.port->name + "' of type '" +
                                     typeStr(c.port->resolvedType) + "' too");
        return ir::Type::error();
      }
    }
  }
  if (c.port->resolvedType.isError())
    return ir::Type::error();
  return ir::Type::real(c.port->resolvedType.unit / sv->type.unit);
}

} // namespace nsc::sema
