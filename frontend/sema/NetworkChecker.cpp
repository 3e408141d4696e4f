//===- NetworkChecker.cpp - Checks of `network` blocks -------------------===//
//
// The network checker: its run, constant values and populations (NetworkCheckerImpl.h).
//
//===----------------------------------------------------------------------===//
#include "NetworkCheckerImpl.h"
#include "NetworkChecker.h"
#include "BuiltinSources.h"
#include "CouplingChecker.h"
#include "SemanticsChecker.h"
#include "TypeResolver.h"

#include <algorithm>
#include <cmath>

namespace nsc::sema {

using namespace ast;

void NetworkChecker::run() {
  for (auto &m : net_.members)
    if (auto *p = dyn_cast<Population>(m.get()))
      checkPopulation(*p);
  for (auto &m : net_.members)
    if (auto *pr = dyn_cast<Projection>(m.get()); pr && !pr->name.empty())
      projections_.emplace(pr->name, pr);
  for (auto &m : net_.members) {
    if (auto *pr = dyn_cast<Projection>(m.get()))
      checkProjection(*pr);
    else if (auto *r = dyn_cast<Recorder>(m.get()))
      checkRecorder(*r);
    else if (auto *s = dyn_cast<SemanticsBlock>(m.get()))
      checkSemanticsBlock(ctx_, *s, &popRanges_);
    else if (auto *h = dyn_cast<HardwareBlock>(m.get()))
      checkHardware(*h);
  }
}

void NetworkChecker::checkHardware(HardwareBlock &h) {
  if (hardware_.populations.empty())
    for (auto &[name, info] : pops_)
      hardware_.populations[name] = {popRanges_[name], info.model != nullptr || !info.valid,
                                     (info.source && info.source->spikes) || !info.valid};
  checkHardwareBlock(ctx_, h, hardware_);
}

std::optional<ConstValue> NetworkChecker::constantOf(Expr *e, const char *what) {
  ir::Type t = ec_.checkValue(e);
  if (t.isError())
    return std::nullopt;
  auto c = evaluateConstant(e);
  if (!c)
    diags_.error(e->range, std::string(what) + " must be a constant");
  return c;
}

ir::Type NetworkChecker::checkValue(Expr *v) {
  if (auto *c = dyn_cast<Call>(v)) {
    static const std::map<std::string, unsigned> dists = {
        {"uniform", 2}, {"normal", 2}, {"lognormal", 2}, {"exponential", 1}};
    auto it = dists.find(c->callee);
    if (it != dists.end()) {
      for (NamedArg &na : c->namedArgs)
        diags_.error(na.nameRange, "named argument '" + na.name + "' is not allowed in '" +
                                       c->callee + "'");
      if (c->args.size() != it->second) {
        diags_.error(c->range, "'" + c->callee + "' expects " + std::to_string(it->second) +
                                   " argument" + (it->second == 1 ? "" : "s") + " but " +
                                   std::to_string(c->args.size()) +
                                   (c->args.size() == 1 ? " was" : " were") + " given");
        for (auto &a : c->args)
          ec_.checkValue(a.get());
        return c->type = ir::Type::error();
      }
      std::vector<std::optional<ConstValue>> vals;
      for (auto &a : c->args)
        vals.push_back(constantOf(a.get(), "distribution parameter"));
      for (auto &vv : vals)
        if (!vv)
          return c->type = ir::Type::error();
      ir::Type t = ir::Type::real(c->args[0]->type.unit);
      if (c->args.size() == 2) {
        const ir::Type &a = c->args[0]->type, &b = c->args[1]->type;
        if (!sameDimension(a, b) && !isUnitFreeLiteral(c->args[0].get()) &&
            !isUnitFreeLiteral(c->args[1].get())) {
          diags_.error(c->range, "arguments of '" + c->callee + "' have incompatible units " +
                                     quote(a) + " and " + quote(b));
          return c->type = ir::Type::error();
        }
        if (a.unit.isDimensionless())
          t.unit = b.unit;
        double lo = vals[0]->value, hi = vals[1]->in(vals[0]->unit);
        if (c->callee == "uniform" && !(lo < hi))
          diags_.error(c->range, "'uniform' needs low < high");
        if ((c->callee == "normal" || c->callee == "lognormal") && hi < 0)
          diags_.error(c->args[1]->range, "standard deviation must not be negative");
      } else if (!(vals[0]->value > 0)) {
        diags_.error(c->args[0]->range, "mean of 'exponential' must be positive");
      }
      return c->type = t;
    }
  }
  if (auto *l = dyn_cast<List>(v)) {
    ir::Type t = ec_.checkValue(l);
    if (!t.isError())
      for (auto &el : l->elements)
        if (!evaluateConstant(el.get()))
          diags_.error(el->range, "list element must be a constant");
    return t;
  }
  auto c = constantOf(v, "value");
  return c ? v->type : ir::Type::error();
}

void NetworkChecker::checkAgainst(const ir::Type &expected, Expr *v, const std::string &what) {
  if (!v || v->type.isError() || expected.isError())
    return;
  // NESTML's unit-dropping leniency is for unchanged model code; a network
  // is nsc's own syntax, so a physical value for a dimensionless setting
  // stays an error there.
  if (classifyConversion(expected, v->type) == Conversion::UnitToDimensionless) {
    diags_.error(v->range, what + " has type '" + typeStr(v->type) + "', expected '" +
                               typeStr(expected) + "'");
    return;
  }
  checkConversion(diags_, expected, v, [&](const std::string &exp, const std::string &got) {
    return what + " has type '" + got + "', expected '" + exp + "'";
  });
}

void NetworkChecker::checkPopulation(Population &p) {
  SourceRange nr = p.nameRange.valid() ? p.nameRange : p.range;
  PopInfo info;
  info.pop = &p;
  if (auto it = popRanges_.find(p.name); it != popRanges_.end()) {
    diags_.error(nr, "redeclaration of population '" + p.name + "'")
        .note(it->second, "previous declaration is here");
  } else {
    popRanges_[p.name] = nr;
  }
  SourceRange mr = p.modelRange.valid() ? p.modelRange : p.range;
  if (auto it = ctx_.models.find(p.model); it != ctx_.models.end()) {
    info.model = ctx_.infoFor(it->second);
    p.modelDecl = it->second;
    info.valid = info.model != nullptr;
    if (info.model && info.model->isSynapse) {
      diags_.error(mr, "'" + p.model + "' is a synapse model; a population needs a neuron model")
          .note(it->second->nameRange, "'" + p.model + "' declared here");
      info.valid = false;
    }
  } else if ((info.source = findSource(p.model))) {
    info.valid = true;
  } else {
    auto d = diags_.error(mr, "unknown model '" + p.model + "'");
    std::vector<std::string> names;
    for (auto &kv : ctx_.models)
      names.push_back(kv.first);
    for (const SourceInfo &s : sources())
      names.push_back(s.name);
    suggestName(d, mr, p.model, names);
    suggestImport(ctx_, d, mr, p.model);
  }
  if (p.size) {
    auto c = constantOf(p.size.get(), "population size");
    if (c && (!c->isInteger() || !c->unit.isDimensionless() || c->value < 1)) {
      diags_.error(p.size->range, "population size must be a positive integer");
    } else if (c) {
      info.size = static_cast<long long>(std::min(c->value, 9e18));
    }
  }
  std::map<std::string, SourceRange> seen;
  for (NamedArg &na : p.inits) {
    SourceRange r = na.nameRange.valid() ? na.nameRange : p.range;
    if (auto it = seen.find(na.name); it != seen.end()) {
      diags_.error(r, "'" + na.name + "' is set twice").note(it->second, "previous value is here");
      if (na.value)
        checkValue(na.value.get());
      continue;
    }
    seen[na.name] = r;
    if (!na.value)
      continue;
    ir::Type expected = ir::Type::error();
    if (info.model)
      expected = modelVariable(*info.model, na.name, r, "parameter or state variable");
    else if (info.source)
      expected = sourceParam(*info.source, na, r);
    if (info.source && isa<StringLit>(na.value.get()))
      continue; // a file name: sourceParam checked that one is wanted
    ir::Type got = checkValue(na.value.get());
    if (!got.isError())
      checkAgainst(expected, na.value.get(), "value of '" + na.name + "'");
  }
  if (info.source) {
    for (const SourceParam &sp : info.source->params)
      if (sp.required && !seen.count(sp.name))
        diags_.error(mr, "'" + p.model + "' needs a value for '" + sp.name + "'");
    checkSourceAlternatives(p, seen, mr);
  }
  pops_[p.name] = info;
}

ir::Type NetworkChecker::modelVariable(const ModelInfo &m, const std::string &name, SourceRange r,
                       const char *what) {
  const Symbol *sym = m.scope->lookupLocal(name);
  if (sym && sym->kind == SymbolKind::Variable &&
      (sym->context == DeclContext::Parameter || sym->context == DeclContext::State))
    return sym->isVector ? ir::Type::error() : sym->type;
  if (sym) {
    diags_.error(r, "'" + name + "' of model '" + m.model->name + "' cannot be set here; only " +
                        "parameters and state variables can")
        .note(sym->range, "'" + name + "' declared here");
    return ir::Type::error();
  }
  auto d = diags_.error(r, "model '" + m.model->name + "' has no " + what + " '" + name + "'");
  std::vector<std::string> names;
  for (const Symbol *s : m.scope->symbols())
    if (s->kind == SymbolKind::Variable &&
        (s->context == DeclContext::Parameter || s->context == DeclContext::State))
      names.push_back(s->name);
  suggestName(d, r, name, names);
  return ir::Type::error();
}

void NetworkChecker::checkSourceAlternatives(const Population &p, const std::map<std::string, SourceRange> &seen,
                             SourceRange mr) {
  auto alts = sourceAlternatives(p.model);
  if (alts.empty())
    return;
  std::vector<std::string> given;
  for (auto &alt : alts) {
    bool any = false;
    for (const char *name : alt)
      any = any || seen.count(name);
    if (!any)
      continue;
    for (const char *name : alt)
      if (!seen.count(name))
        diags_.error(mr, "'" + p.model + "' needs '" + name + "' together with '" + alt[0] + "'");
    given.push_back(alt[0]);
  }
  if (given.empty())
    diags_.error(mr, "'" + p.model + "' needs '" + alts[0][0] + "' or '" + alts[1][0] + "'");
  else if (given.size() > 1)
    diags_.error(seen.at(alts[1][0]), "'" + p.model + "' takes '" + alts[0][0] + "' or '" +
                                          alts[1][0] + "', not both");
  if (seen.count("neurons") && !seen.count("times"))
    diags_.error(seen.at("neurons"), "'neurons' of '" + p.model + "' needs 'times' (one time per entry)");
}

ir::Type NetworkChecker::sourceParam(const SourceInfo &s, NamedArg &na, SourceRange r) {
  for (const SourceParam &sp : s.params)
    if (na.name == sp.name) {
      if (sp.list && na.value && !isa<List>(na.value.get()))
        diags_.error(na.value->range, "'" + na.name + "' must be a list such as [1 ms, 5 ms]");
      if (sp.text) {
        if (na.value && !isa<StringLit>(na.value.get()))
          diags_.error(na.value->range, "'" + na.name + "' must be a file name in quotes");
        return ir::Type::error(); // checked here; checkValue skips it
      }
      return *sp.unit ? ir::Type::real(*units::lookupUnit(sp.unit)) : ir::Type::real();
    }
  auto d = diags_.error(r, "'" + std::string(s.name) + "' has no parameter '" + na.name + "'");
  std::vector<std::string> names;
  for (const SourceParam &sp : s.params)
    names.push_back(sp.name);
  suggestName(d, r, na.name, names);
  return ir::Type::error();
}

void checkNetwork(SemaContext &ctx, Network &network) { NetworkChecker(ctx, network).run(); }

} // namespace nsc::sema
