//===- NetworkProjections.cpp - Projections of a network -----------------===//
//
// Projections: populations and slices, the connection rule, weights, delays, ports, synapse models and their third factors (NetworkCheckerImpl.h).
//
//===----------------------------------------------------------------------===//
#include "NetworkCheckerImpl.h"
#include "BuiltinSources.h"
#include "CouplingChecker.h"
#include "TypeResolver.h"

#include <algorithm>
#include <cmath>

namespace nsc::sema {

using namespace ast;

const PopInfo *NetworkChecker::checkPopRef(PopulationRef &ref, long long &count) {
  count = 0;
  auto it = pops_.find(ref.name);
  if (it == pops_.end()) {
    auto d = diags_.error(ref.range, "unknown population '" + ref.name + "'");
    std::vector<std::string> names;
    for (auto &kv : pops_)
      names.push_back(kv.first);
    suggestName(d, ref.range, ref.name, names);
    return nullptr;
  }
  const PopInfo &p = it->second;
  count = p.size;
  auto index = [&](Expr *e) -> std::optional<long long> {
    if (!e)
      return std::nullopt;
    auto c = constantOf(e, "population index");
    if (!c)
      return std::nullopt;
    if (!c->isInteger() || !c->unit.isDimensionless()) {
      diags_.error(e->range, "population index must be an integer");
      return std::nullopt;
    }
    return static_cast<long long>(std::max(-9e18, std::min(c->value, 9e18)));
  };
  if (!ref.begin)
    return &p;
  auto a = index(ref.begin.get());
  if (!ref.isSlice) {
    if (a && (*a < 0 || *a >= p.size))
      diags_.error(ref.begin->range, "index " + std::to_string(*a) +
                                         " is out of range for population '" + ref.name +
                                         "' of size " + std::to_string(p.size))
          .note(popRanges_[ref.name], "'" + ref.name + "' declared here");
    count = 1;
    return &p;
  }
  auto b = ref.end ? index(ref.end.get()) : std::optional<long long>(p.size);
  if (a && b) {
    if (*a < 0 || *a >= *b || *b > p.size)
      diags_.error(ref.range, "slice [" + std::to_string(*a) + ":" + std::to_string(*b) +
                                  "] is out of range for population '" + ref.name +
                                  "' of size " + std::to_string(p.size))
          .note(popRanges_[ref.name], "'" + ref.name + "' declared here");
    else
      count = *b - *a;
  }
  return &p;
}

void NetworkChecker::checkSmallWorld(Call &rule, long long nSrc, long long nDst) {
  Expr *ka = rule.args[0].get(), *pa = rule.args[1].get();
  if (nSrc > 0 && nDst > 0 && nSrc != nDst)
    diags_.error(rule.range, "'small_world' needs source and target of equal size (" + std::to_string(nSrc) +
                                 " and " + std::to_string(nDst) + "): they form one ring");
  if (ka)
    if (auto k = constantOf(ka, "rule parameter")) {
      if (!k->isInteger() || !k->unit.isDimensionless() || k->value < 2 || std::fmod(k->value, 2) != 0)
        diags_.error(ka->range, "'small_world' needs an even positive integer k (the lattice degree)");
      else if (nSrc > 0 && k->value >= double(nSrc))
        diags_.error(ka->range, "'small_world' needs k < N, but k = " + std::to_string((long long)k->value) +
                                    " and the ring has " + std::to_string(nSrc) + " neurons");
    }
  if (pa)
    if (auto p = constantOf(pa, "rule parameter"))
      if (!p->unit.isDimensionless() || p->value < 0 || p->value > 1)
        diags_.error(pa->range, "rewiring probability must be a number in [0, 1]");
}

void NetworkChecker::checkPairwise(Call &rule) {
  NamedArg *p = nullptr;
  for (NamedArg &na : rule.namedArgs) {
    if (na.name != "p")
      continue;
    SourceRange r = na.nameRange.valid() ? na.nameRange : rule.range;
    if (p) {
      diags_.error(r, "'p' is set twice").note(p->nameRange, "previous value is here");
      continue;
    }
    p = &na;
  }
  if (!p) {
    diags_.error(rule.range, "'pairwise_bernoulli' needs the probability of a pair, e.g. "
                             "'pairwise_bernoulli(p = 0.1 * exp(-abs(i - j) / 10))'");
    return;
  }
  if (!p->value)
    return;
  Region saved = ec_.region;
  ec_.region = Region::PairProbability;
  ir::Type t = ec_.checkValue(p->value.get());
  ec_.region = saved;
  if (!t.isError() && (!t.isNumeric() || !t.unit.isDimensionless()))
    diags_.error(p->value->range, std::string("the connection probability must be a dimensionless number, but it has type ") +
                                      "'" + typeStr(t) + "'");
}

void NetworkChecker::checkRule(Projection &pr, long long nSrc, long long nDst) {
  Call *rule = pr.rule.get();
  if (!rule)
    return;
  static const std::map<std::string, unsigned> rules = {
      {"all_to_all", 0},      {"one_to_one", 0},      {"fixed_probability", 1},
      {"fixed_indegree", 1}, {"fixed_outdegree", 1}, {"from_file", 1},
      {"small_world", 2},     {"pairwise_bernoulli", 0}};
  SourceRange cr = rule->calleeRange.valid() ? rule->calleeRange : rule->range;
  auto it = rules.find(rule->callee);
  rule->type = ir::Type::voidTy();
  if (it == rules.end()) {
    auto d = diags_.error(cr, "unknown connection rule '" + rule->callee + "'");
    std::vector<std::string> names;
    for (auto &kv : rules)
      names.push_back(kv.first);
    suggestName(d, cr, rule->callee, names);
    return;
  }
  if (rule->args.size() != it->second) {
    diags_.error(rule->range, "'" + rule->callee + "' expects " + std::to_string(it->second) +
                                  " argument" + (it->second == 1 ? "" : "s") + " but " +
                                  std::to_string(rule->args.size()) +
                                  (rule->args.size() == 1 ? " was" : " were") + " given");
  } else if (it->second == 1) {
    Expr *a = rule->args[0].get();
    if (!a) {
    } else if (rule->callee == "from_file") {
      if (ec_.checkValue(a).kind != ir::TypeKind::String && !a->type.isError())
        diags_.error(a->range, "'from_file' expects a file name string");
    } else if (auto c = constantOf(a, "rule parameter")) {
      if (rule->callee == "fixed_probability") {
        if (!c->unit.isDimensionless() || c->value < 0 || c->value > 1)
          diags_.error(a->range, "connection probability must be a number in [0, 1]");
      } else if (!c->isInteger() || !c->unit.isDimensionless() || c->value < 1) {
        diags_.error(a->range, "'" + rule->callee + "' needs a positive integer");
      }
    }
  }
  if (rule->callee == "small_world" && rule->args.size() == 2)
    checkSmallWorld(*rule, nSrc, nDst);
  if (rule->callee == "one_to_one" && nSrc > 0 && nDst > 0 && nSrc != nDst)
    diags_.error(rule->range, "'one_to_one' needs source and target of equal size (" +
                                  std::to_string(nSrc) + " and " + std::to_string(nDst) + ")");
  if (rule->callee == "pairwise_bernoulli" && rule->args.empty()) // else the count was reported
    checkPairwise(*rule);
  for (NamedArg &na : rule->namedArgs) {
    SourceRange r = na.nameRange.valid() ? na.nameRange : rule->range;
    if (rule->callee == "pairwise_bernoulli" && na.name == "p")
      continue; // checkPairwise
    if (rule->callee == "small_world" && (na.name == "allow_autapses" || na.name == "allow_multapses")) {
      diags_.error(r, "'small_world' takes no '" + na.name +
                          "': its rows never hold autapses or multapses (docs/semantics.md R33)");
      continue;
    }
    if (na.name != "allow_autapses" && na.name != "allow_multapses") {
      auto d = diags_.error(r, "unknown rule option '" + na.name + "'");
      suggestName(d, r, na.name, {"allow_autapses", "allow_multapses"});
      continue;
    }
    if (na.value && ec_.checkValue(na.value.get()).kind != ir::TypeKind::Bool &&
        !na.value->type.isError())
      diags_.error(na.value->range, "'" + na.name + "' must be true or false");
  }
}

const InputPort *NetworkChecker::defaultPort(bool current, const PopInfo &dst, SourceRange where) {
  std::vector<const InputPort *> candidates;
  for (const InputPort *p : dst.model->ports)
    if (p->isSpike != current)
      candidates.push_back(p);
  if (candidates.size() == 1)
    return candidates[0];
  const char *kind = current ? "continuous" : "spike";
  if (candidates.empty()) {
    diags_.error(where, "model '" + dst.model->model->name + "' has no " + kind +
                            " input port to connect to")
        .note(dst.model->model->nameRange, "'" + dst.model->model->name + "' declared here");
    return nullptr;
  }
  if (!current) {
    bool qualified = true;
    for (const InputPort *p : candidates)
      qualified &= p->excitatory || p->inhibitory;
    if (qualified)
      return nullptr; // split by the sign of the weight
  }
  auto d = diags_.error(where, "model '" + dst.model->model->name + "' has several " + kind +
                                   " input ports; choose one with 'port = NAME'");
  for (const InputPort *p : candidates)
    d.note(p->nameRange, "'" + p->name + "' declared here");
  return nullptr;
}

void NetworkChecker::checkCurrentPort(const PopInfo &src, const InputPort &port, SourceRange at) {
  const ir::Type &t = port.resolvedType;
  static const units::Unit pA = *units::lookupUnit("pA");
  if (t.isError() || (t.isNumeric() && t.unit.dim == pA.dim))
    return;
  diags_.error(at, "'" + src.pop->model + "' produces a current ('pA'); continuous port '" + port.name +
                       "' has type '" + typeStr(t) + "'")
      .note(port.nameRange, "'" + port.name + "' declared here; a current source needs a port with a "
                            "current unit such as 'pA'");
}

void NetworkChecker::checkProjection(Projection &pr) {
  long long nSrc = 0, nDst = 0;
  const PopInfo *src = checkPopRef(pr.source, nSrc);
  const PopInfo *dst = checkPopRef(pr.target, nDst);
  checkRule(pr, nSrc, nDst);
  NamedArg *coupling = nullptr; // `gap_junction = V` or `variable = x`
  for (NamedArg &na : pr.settings)
    if (na.name == "gap_junction" || na.name == "variable") {
      if (coupling && coupling->name != na.name)
        diags_.error(na.nameRange, "'gap_junction' and 'variable' exclude each other");
      coupling = &na;
    }
  if (src && src->valid && src->model && !src->model->hasSpikeOutput && !coupling)
    diags_.error(pr.source.range, "population '" + pr.source.name + "' does not emit spikes")
        .note(src->model->model->nameRange,
              "model '" + src->model->model->name + "' has no 'output: spike'");
  bool dstOk = dst && dst->valid;
  if (dst && dst->source) {
    diags_.error(pr.target.range, "cannot connect to '" + pr.target.name +
                                      "': it is a stimulus source");
    dstOk = false;
  }
  bool current = (src && src->source && !src->source->spikes) || coupling;
  ir::Type weightType = ir::Type::error();

  std::map<std::string, NamedArg *> settings;
  static const std::vector<std::string> known = {"weight", "delay", "port", "synapse", "gap_junction",
                                                 "variable", "modulator"};
  for (NamedArg &na : pr.settings) {
    SourceRange r = na.nameRange.valid() ? na.nameRange : pr.range;
    if (std::find(known.begin(), known.end(), na.name) == known.end()) {
      auto d = diags_.error(r, "unknown connection setting '" + na.name + "'");
      suggestName(d, r, na.name, known);
      continue;
    }
    if (settings.count(na.name)) {
      diags_.error(r, "'" + na.name + "' is set twice")
          .note(settings[na.name]->nameRange, "previous value is here");
      continue;
    }
    settings[na.name] = &na;
  }

  // Target port.
  const InputPort *port = nullptr;
  if (NamedArg *pa = settings.count("port") ? settings["port"] : nullptr) {
    auto *n = dyn_cast<NameRef>(pa->value.get());
    if (!n || n->diffOrder) {
      if (pa->value)
        diags_.error(pa->value->range, "'port' must name an input port of the target model");
    } else if (dstOk && dst->model) {
      const Symbol *sym = dst->model->scope->lookupLocal(n->name);
      if (!sym || sym->kind != SymbolKind::Port) {
        auto d = diags_.error(n->range, "model '" + dst->model->model->name +
                                            "' has no input port '" + n->name + "'");
        std::vector<std::string> names;
        for (const InputPort *p : dst->model->ports)
          names.push_back(p->name);
        suggestName(d, n->range, n->name, names);
      } else {
        port = static_cast<const InputPort *>(sym->decl);
        n->resolution = NameRef::Resolution::Port;
        n->target = port;
        n->type = port->resolvedType;
        if (n->index) {
          ec_.checkValue(n->index.get());
          auto c = evaluateConstant(n->index.get());
          if (!port->vectorSize)
            diags_.error(n->index->range, "port '" + n->name + "' is not a vector");
          else if (!c || !c->isInteger() || c->value < 0)
            diags_.error(n->index->range, "port index must be a non-negative integer constant");
          else if (auto size = evaluateConstant(port->vectorSize.get());
                   size && c->value >= size->value)
            diags_.error(n->index->range, "port index out of range");
        }
        if (coupling)
          ; // checkCoupling names the port's kind
        else if (current && port->isSpike)
          diags_.error(n->range, "'" + src->pop->model + "' produces a current; port '" +
                                     n->name + "' must be a continuous port")
              .note(port->nameRange, "'" + n->name + "' declared here");
        else if (!current && !port->isSpike)
          diags_.error(n->range, "port '" + n->name +
                                     "' is a continuous port; spikes need a spike port")
              .note(port->nameRange, "'" + n->name + "' declared here");
      }
    }
  } else if (dstOk && dst->model && src && src->valid) {
    port = defaultPort(current, *dst, pr.target.range);
  }
  // signal_generator's values are numbers; the weight gives them the port's unit.
  bool signal = current && !coupling && src->pop->model == "signal_generator";
  if (current && !signal && !coupling && port && !port->isSpike) {
    NamedArg *pa = settings.count("port") ? settings["port"] : nullptr;
    checkCurrentPort(*src, *port, pa && pa->value ? pa->value->range : pr.target.range);
  }

  // Weight: in the port's declared unit, any unit when the port has none;
  // from a current source, a dimensionless gain (lowering's reading).
  NamedArg *w = settings.count("weight") ? settings["weight"] : nullptr;
  if (coupling) {
    NamedArg *pa = settings.count("port") ? settings["port"] : nullptr;
    CouplingCheck cc{coupling,
                     src && src->model ? src->model : nullptr,
                     dstOk && dst->model ? dst->model : nullptr,
                     pr.source.name,
                     pr.source.range,
                     port,
                     pa && pa->value ? pa->value->range : pr.target.range,
                     w,
                     settings.count("delay") ? settings["delay"] : nullptr,
                     settings.count("synapse") ? settings["synapse"] : nullptr};
    if (src && src->valid)
      weightType = checkCoupling(ctx_, cc);
    if (w && w->value && !checkValue(w->value.get()).isError() && !weightType.isError())
      checkAgainst(weightType, w->value.get(), "the weight of '" + coupling->name + "'");
    return;
  }
  if (w) {
    if (w->value) {
      ir::Type t = checkValue(w->value.get());
      if (!t.isError() && current && !signal)
        checkAgainst(ir::Type::real(), w->value.get(), "the gain ('weight') of a current source");
      else if (!t.isError() && port && port->type && !port->resolvedType.isError())
        checkAgainst(port->resolvedType, w->value.get(),
                     "weight for port '" + port->name + "'");
    }
  }
  if (NamedArg *dl = settings.count("delay") ? settings["delay"] : nullptr) {
    if (dl->value) {
      ir::Type t = checkValue(dl->value.get());
      if (!t.isError()) {
        checkAgainst(ir::Type::real(millisecond()), dl->value.get(), "delay");
        if (auto c = evaluateConstant(dl->value.get()); c && !(c->value > 0))
          diags_.error(dl->value->range, "delay must be positive");
      }
    }
  }
  if (NamedArg *sa = settings.count("synapse") ? settings["synapse"] : nullptr)
    checkSynapse(*sa);
  checkThirdFactor(pr, settings.count("synapse") ? settings["synapse"] : nullptr,
                   settings.count("modulator") ? settings["modulator"] : nullptr, dstOk ? dst : nullptr);
}

void NetworkChecker::checkThirdFactor(const Projection &pr, NamedArg *synapse, NamedArg *modulator, const PopInfo *dst) {
  const ModelInfo *m = synapse ? synapseModelOf(pr) : nullptr;
  const InputPort *modPort = nullptr;
  if (m)
    for (const InputPort *p : m->ports) {
      if (p->isSpike && p->name.rfind("mod", 0) == 0 && !modPort)
        modPort = p;
      if (!p->isSpike && dst && dst->model)
        checkPostRead(*m, *p, *dst->model, synapse);
    }
  if (modulator) {
    SourceRange r = modulator->nameRange.valid() ? modulator->nameRange : pr.range;
    if (!synapse) {
      diags_.error(r, "'modulator' needs a plastic projection: a synapse model with a neuromodulator port "
                      "('synapse = MODEL(...)')");
      return;
    }
    checkModulatorPopulation(*modulator);
    if (m && !modPort)
      diags_.error(r, "synapse model '" + m->model->name +
                          "' has no neuromodulator port (a spike port named 'mod...'), so 'modulator' would "
                          "drive nothing")
          .note(m->model->nameRange, "'" + m->model->name + "' declared here");
  } else if (modPort) {
    diags_.error(synapse->value ? synapse->value->range : pr.range,
                 "synapse model '" + m->model->name + "' reads a neuromodulator through port '" + modPort->name +
                     "'; name the population whose spikes drive it with 'modulator = POPULATION'")
        .note(modPort->nameRange, "'" + modPort->name + "' declared here");
  }
}

void NetworkChecker::checkModulatorPopulation(NamedArg &modulator) {
  auto *n = dyn_cast<NameRef>(modulator.value.get());
  if (!n || n->index || n->diffOrder) {
    if (modulator.value)
      diags_.error(modulator.value->range, "'modulator' must name a population whose spikes drive the "
                                           "neuromodulator");
    return;
  }
  n->resolution = NameRef::Resolution::Predefined;
  n->type = ir::Type::string();
  auto it = pops_.find(n->name);
  if (it == pops_.end()) {
    auto d = diags_.error(n->range, "unknown population '" + n->name + "'");
    std::vector<std::string> names;
    for (auto &kv : pops_)
      names.push_back(kv.first);
    suggestName(d, n->range, n->name, names);
    return;
  }
  const PopInfo &p = it->second;
  if (!p.valid)
    return;
  if ((p.source && !p.source->spikes) || (p.model && !p.model->hasSpikeOutput))
    diags_.error(n->range, "the modulator '" + n->name + "' does not emit spikes; a neuromodulator is driven "
                                                       "by the spikes of a spiking population");
}

void NetworkChecker::checkPostRead(const ModelInfo &m, const InputPort &port, const ModelInfo &post, NamedArg *synapse) {
  SourceRange r = synapse && synapse->value ? synapse->value->range : port.nameRange;
  if (port.vectorSize) {
    diags_.error(r, "synapse model '" + m.model->name + "' has the vector input '" + port.name +
                        "'; a synapse reads scalar variables of its postsynaptic neuron")
        .note(port.nameRange, "'" + port.name + "' declared here");
    return;
  }
  const Symbol *sym = post.scope->lookupLocal(port.name);
  bool readable = sym && sym->kind == SymbolKind::Variable && !sym->isVector &&
                  (sym->context == DeclContext::State || sym->context == DeclContext::Parameter);
  if (!readable) {
    auto d = diags_.error(r, "synapse model '" + m.model->name + "' reads '" + port.name +
                                 "' of its postsynaptic neuron (continuous input '" + port.name + "'), but model '" +
                                 post.model->name + "' has no scalar state variable or parameter '" + port.name +
                                 "'");
    d.note(port.nameRange, "'" + port.name + "' declared here");
    return;
  }
  const ir::Type &want = port.resolvedType, &have = sym->type;
  if (!want.isError() && !have.isError() && !want.unit.isDimensionless() && !have.unit.isDimensionless() &&
      want.unit.dim != have.unit.dim)
    diags_.error(r, "'" + port.name + "' of model '" + post.model->name + "' is in '" +
                        units::formatUnit(have.unit) + "', but input '" + port.name + "' of synapse model '" +
                        m.model->name + "' takes '" + units::formatUnit(want.unit) + "'")
        .note(port.nameRange, "'" + port.name + "' declared here");
}

void NetworkChecker::checkSynapse(NamedArg &sa) {
  Expr *v = sa.value.get();
  if (!v)
    return;
  std::string name;
  SourceRange r = v->range;
  Call *call = dyn_cast<Call>(v);
  if (call) {
    name = call->callee;
    if (call->calleeRange.valid())
      r = call->calleeRange;
  } else if (auto *n = dyn_cast<NameRef>(v)) {
    name = n->name;
  } else {
    diags_.error(v->range, "'synapse' must name a synapse model");
    return;
  }
  auto it = ctx_.models.find(name);
  if (it == ctx_.models.end()) {
    auto d = diags_.error(r, "unknown synapse model '" + name + "'");
    std::vector<std::string> names;
    for (auto &kv : ctx_.models)
      if (isSynapseModel(*kv.second))
        names.push_back(kv.first);
    suggestName(d, r, name, names);
    suggestImport(ctx_, d, r, name);
    return;
  }
  const ModelInfo *m = ctx_.infoFor(it->second);
  if (!m || !m->isSynapse) {
    diags_.error(r, "'" + name + "' is not a synapse model")
        .note(it->second->nameRange, "'" + name + "' declared here");
    return;
  }
  if (auto *n = dyn_cast<NameRef>(v)) {
    n->resolution = NameRef::Resolution::Predefined;
    n->type = ir::Type::string();
    return;
  }
  call->type = ir::Type::voidTy();
  for (auto &a : call->args) {
    diags_.error(a->range, "synapse parameters must be named, e.g. 'w = 1'");
    ec_.checkValue(a.get());
  }
  std::map<std::string, SourceRange> seen;
  for (NamedArg &na : call->namedArgs) {
    SourceRange nr = na.nameRange.valid() ? na.nameRange : call->range;
    if (seen.count(na.name)) {
      diags_.error(nr, "'" + na.name + "' is set twice").note(seen[na.name], "previous value is here");
      continue;
    }
    seen[na.name] = nr;
    ir::Type expected = modelVariable(*m, na.name, nr, "parameter or state variable");
    if (!na.value)
      continue;
    if (!checkValue(na.value.get()).isError())
      checkAgainst(expected, na.value.get(), "value of '" + na.name + "'");
  }
}

} // namespace nsc::sema
