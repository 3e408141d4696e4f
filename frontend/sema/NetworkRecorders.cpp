//===- NetworkRecorders.cpp - Recorders of a network ---------------------===//
//
// Recorders of neuron and synapse variables (NetworkCheckerImpl.h).
//
//===----------------------------------------------------------------------===//
#include "NetworkCheckerImpl.h"
#include "TypeResolver.h"

#include <algorithm>

namespace nsc::sema {

using namespace ast;

const ModelInfo *NetworkChecker::synapseModelOf(const Projection &pr) {
  for (const NamedArg &na : pr.settings) {
    if (na.name != "synapse" || !na.value)
      continue;
    std::string name;
    if (auto *call = dyn_cast<Call>(na.value.get()))
      name = call->callee;
    else if (auto *n = dyn_cast<NameRef>(na.value.get()))
      name = n->name;
    auto it = ctx_.models.find(name);
    const ModelInfo *m = it == ctx_.models.end() ? nullptr : ctx_.infoFor(it->second);
    return m && m->isSynapse ? m : nullptr;
  }
  return nullptr;
}

void NetworkChecker::checkSynapseRecorder(Recorder &r, const Projection &pr) {
  r.synapses = true;
  bool hasSynapse = false;
  for (const NamedArg &na : pr.settings)
    hasSynapse = hasSynapse || na.name == "synapse";
  const ModelInfo *m = synapseModelOf(pr);
  if (!hasSynapse) {
    diags_.error(r.target.range, "projection '" + pr.name +
                                     "' has static synapses, whose weights never change; only the synapses "
                                     "of a plastic projection ('synapse = MODEL(...)') can be recorded")
        .note(pr.range, "'" + pr.name + "' declared here");
    return;
  }
  if (!m)
    return; // the projection's own check reports its synapse model
  for (size_t i = 0; i < r.what.size(); ++i) {
    const std::string &what = r.what[i];
    SourceRange wr = i < r.whatRanges.size() ? r.whatRanges[i] : r.range;
    const Symbol *sym = m->scope->lookupLocal(what);
    if (sym && sym->kind == SymbolKind::Variable && !sym->isVector &&
        (sym->context == DeclContext::State || sym->context == DeclContext::Parameter ||
         sym->context == DeclContext::Internal))
      continue;
    if (what == "spikes") {
      diags_.error(wr, "synapses do not spike: record 'spikes' from a population, or a variable of "
                       "synapse model '" + m->model->name + "' from projection '" + pr.name + "'");
      continue;
    }
    auto d = diags_.error(wr, "synapse model '" + m->model->name + "' of projection '" + pr.name +
                                  "' has no state variable or parameter '" + what + "'");
    std::vector<std::string> names;
    for (const Symbol *s : m->scope->symbols())
      if (s->kind == SymbolKind::Variable && !s->isVector && s->context != DeclContext::Local &&
          s->context != DeclContext::FunctionParam)
        names.push_back(s->name);
    suggestName(d, wr, what, names);
  }
  // The slice counts neurons of the projection's target population.
  auto pit = pops_.find(pr.target.name);
  if (r.target.begin && pit != pops_.end()) {
    long long size = pit->second.size;
    auto index = [&](Expr *e) -> std::optional<long long> {
      auto c = e ? constantOf(e, "neuron index") : std::nullopt;
      if (c && (!c->isInteger() || !c->unit.isDimensionless())) {
        diags_.error(e->range, "neuron index must be an integer");
        return std::nullopt;
      }
      return c ? std::optional<long long>((long long)std::max(-9e18, std::min(c->value, 9e18))) : std::nullopt;
    };
    auto a = index(r.target.begin.get());
    auto b = !r.target.isSlice ? (a ? std::optional<long long>(*a + 1) : std::nullopt)
             : r.target.end   ? index(r.target.end.get())
                              : std::optional<long long>(size);
    if (a && b && (*a < 0 || *a >= *b || *b > size))
      diags_.error(r.target.range, "neurons [" + std::to_string(*a) + ":" + std::to_string(*b) +
                                       "] are out of range for target population '" + pr.target.name +
                                       "' of size " + std::to_string(size) + " (a slice of projection '" +
                                       pr.name + "' selects the synapses onto those neurons)");
  }
  if (r.interval) {
    auto c = constantOf(r.interval.get(), "recording interval");
    if (c && (c->unit.dim != units::Dimension::time() || !(c->value > 0)))
      diags_.error(r.interval->range, "recording interval must be a positive time, e.g. '1 ms'");
  }
}

void NetworkChecker::checkRecorderLabel(const Recorder &r) {
  std::string label = r.label;
  if (label.empty()) {
    label = r.target.name;
    for (const std::string &w : r.what)
      label += "_" + w;
  }
  auto [it, fresh] = recorderLabels_.emplace(label, r.range);
  if (!fresh)
    diags_.error(r.range, "two recorders are labelled '" + label + "' (each writes the file of its label)")
        .note(it->second, "the other is here; give one a label of its own with 'as NAME'");
}

void NetworkChecker::checkRecorder(Recorder &r) {
  checkRecorderLabel(r);
  if (!pops_.count(r.target.name)) {
    if (auto it = projections_.find(r.target.name); it != projections_.end())
      return checkSynapseRecorder(r, *it->second);
    auto d = diags_.error(r.target.range, "unknown population or projection '" + r.target.name + "'");
    std::vector<std::string> names;
    for (auto &kv : pops_)
      names.push_back(kv.first);
    for (auto &kv : projections_)
      names.push_back(kv.first);
    suggestName(d, r.target.range, r.target.name, names);
    return;
  }
  bool onlySpikes = !r.what.empty();
  for (const std::string &w : r.what)
    onlySpikes = onlySpikes && w == "spikes";
  if (onlySpikes && r.interval)
    diags_.warning(r.interval->range, "'every' has no effect on 'spikes': every spike is recorded");
  long long count = 0;
  const PopInfo *p = checkPopRef(r.target, count);
  for (size_t i = 0; i < r.what.size(); ++i) {
    const std::string &what = r.what[i];
    SourceRange wr = i < r.whatRanges.size() ? r.whatRanges[i] : r.range;
    if (!p || !p->valid)
      continue;
    if (what == "spikes") {
      if (p->source && !p->source->spikes)
        diags_.error(wr, "'" + r.target.name + "' is a current source and emits no spikes");
      else if (p->model && !p->model->hasSpikeOutput)
        diags_.error(wr, "population '" + r.target.name + "' does not emit spikes")
            .note(p->model->model->nameRange,
                  "model '" + p->model->model->name + "' has no 'output: spike'");
      continue;
    }
    if (p->source) {
      diags_.error(wr, "only 'spikes' can be recorded from stimulus source '" +
                           r.target.name + "'");
      continue;
    }
    const Symbol *sym = p->model->scope->lookupLocal(what);
    if (sym && sym->kind == SymbolKind::Variable && sym->context == DeclContext::State)
      continue;
    if (sym && sym->kind == SymbolKind::Inline) {
      if (!static_cast<const InlineDecl *>(sym->decl)->recordable)
        diags_.error(wr, "inline expression '" + what + "' is not recordable")
            .note(sym->range, "declare it as 'recordable inline' to record it");
      continue;
    }
    if (sym) {
      diags_.error(wr, "cannot record '" + what +
                           "': only state variables and recordable inline expressions can "
                           "be recorded")
          .note(sym->range, "'" + what + "' declared here");
      continue;
    }
    auto d = diags_.error(wr, "model '" + p->model->model->name +
                                  "' has no state variable or inline expression '" + what + "'");
    std::vector<std::string> names{"spikes"};
    for (const Symbol *s : p->model->scope->symbols())
      if ((s->kind == SymbolKind::Variable && s->context == DeclContext::State) ||
          s->kind == SymbolKind::Inline)
        names.push_back(s->name);
    suggestName(d, wr, what, names);
  }
  if (r.interval) {
    auto c = constantOf(r.interval.get(), "recording interval");
    if (c && (c->unit.dim != units::Dimension::time() || !(c->value > 0)))
      diags_.error(r.interval->range, "recording interval must be a positive time, e.g. '1 ms'");
  }
}

} // namespace nsc::sema
