//===- NetworkChecker.cpp - Checks of `network` blocks --------------------===//
#include "NetworkChecker.h"
#include "BuiltinSources.h"
#include "ConstEval.h"
#include "CouplingChecker.h"
#include "ExprChecker.h"
#include "HardwareChecker.h"
#include "SemanticsChecker.h"
#include "TypeResolver.h"

#include <algorithm>
#include <cmath>

namespace nsc::sema {

using namespace ast;

static std::string quote(const ir::Type &t) { return "'" + typeStr(t) + "'"; }

namespace {

struct PopInfo {
  Population *pop = nullptr;
  const ModelInfo *model = nullptr;
  const SourceInfo *source = nullptr;
  long long size = 1;
  bool valid = false; // model or source known
};

class NetworkChecker {
public:
  NetworkChecker(SemaContext &ctx, Network &net)
      : ctx_(ctx), diags_(ctx.diags), net_(net), ec_(ctx, nullptr) {
    ec_.region = Region::Network;
  }

  void run() {
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

  void checkHardware(HardwareBlock &h) {
    if (hardware_.populations.empty())
      for (auto &[name, info] : pops_)
        hardware_.populations[name] = {popRanges_[name], info.model != nullptr || !info.valid,
                                       (info.source && info.source->spikes) || !info.valid};
    checkHardwareBlock(ctx_, h, hardware_);
  }

private:
  // --- values -----------------------------------------------------------

  std::optional<ConstValue> constantOf(Expr *e, const char *what) {
    ir::Type t = ec_.checkValue(e);
    if (t.isError())
      return std::nullopt;
    auto c = evaluateConstant(e);
    if (!c)
      diags_.error(e->range, std::string(what) + " must be a constant");
    return c;
  }

  /// A constant, a list of constants or a distribution; returns its
  /// (element) type or Error.
  ir::Type checkValue(Expr *v) {
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

  void checkAgainst(const ir::Type &expected, Expr *v, const std::string &what) {
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

  // --- populations --------------------------------------------------------

  void checkPopulation(Population &p) {
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

  /// The type of parameter/state `name` of a model; Error after a diagnostic.
  ir::Type modelVariable(const ModelInfo &m, const std::string &name, SourceRange r,
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

  /// A source that takes its data inline or from a file needs one of the
  /// two (spike_generator: `times` or `file`); `neurons` needs `times`.
  void checkSourceAlternatives(const Population &p, const std::map<std::string, SourceRange> &seen,
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

  ir::Type sourceParam(const SourceInfo &s, NamedArg &na, SourceRange r) {
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

  // --- projections ----------------------------------------------------------

  /// Checks a population reference; returns its info and the number of
  /// neurons selected (0 when unknown).
  const PopInfo *checkPopRef(PopulationRef &ref, long long &count) {
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

  /// small_world(k, p): a ring of equal-sized source and target slices, k
  /// even in (0, N), p in [0, 1] (docs/semantics.md R33).
  void checkSmallWorld(Call &rule, long long nSrc, long long nDst) {
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

  /// pairwise_bernoulli(p = EXPR): one `p`, a dimensionless number over the
  /// pair indices i and j, constants and math builtins (docs/semantics.md R33).
  void checkPairwise(Call &rule) {
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

  void checkRule(Projection &pr, long long nSrc, long long nDst) {
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

  const InputPort *defaultPort(bool current, const PopInfo &dst, SourceRange where) {
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

  /// A current source delivers picoamperes: the continuous port must hold
  /// a current (a voltage or dimensionless port would silently take the
  /// number in its own unit).
  void checkCurrentPort(const PopInfo &src, const InputPort &port, SourceRange at) {
    const ir::Type &t = port.resolvedType;
    static const units::Unit pA = *units::lookupUnit("pA");
    if (t.isError() || (t.isNumeric() && t.unit.dim == pA.dim))
      return;
    diags_.error(at, "'" + src.pop->model + "' produces a current ('pA'); continuous port '" + port.name +
                         "' has type '" + typeStr(t) + "'")
        .note(port.nameRange, "'" + port.name + "' declared here; a current source needs a port with a "
                              "current unit such as 'pA'");
  }

  void checkProjection(Projection &pr) {
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

  /// Third factors of a plastic projection (docs/plasticity.md): a synapse
  /// model's continuous input port reads the postsynaptic neuron's variable
  /// of the same name; its spike port named `mod...` takes the spikes of
  /// the population named by `modulator = POP`.
  void checkThirdFactor(const Projection &pr, NamedArg *synapse, NamedArg *modulator, const PopInfo *dst) {
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

  void checkModulatorPopulation(NamedArg &modulator) {
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

  /// A synapse model's continuous port `x` reads variable `x` of the
  /// postsynaptic neuron (NESTML's post-port convention).
  void checkPostRead(const ModelInfo &m, const InputPort &port, const ModelInfo &post, NamedArg *synapse) {
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

  void checkSynapse(NamedArg &sa) {
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

  // --- recorders ----------------------------------------------------------

  /// The synapse model a projection names (`synapse = stdp_synapse(...)`), or null.
  const ModelInfo *synapseModelOf(const Projection &pr) {
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

  /// `record w from ee[a:b] every T`: variables of a plastic projection's
  /// synapses; the slice selects the synapses onto target neurons a..b-1.
  void checkSynapseRecorder(Recorder &r, const Projection &pr) {
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

  /// Each recorder writes the file named by its label: two with one label
  /// would overwrite each other.
  void checkRecorderLabel(const Recorder &r) {
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

  void checkRecorder(Recorder &r) {
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

  SemaContext &ctx_;
  DiagnosticEngine &diags_;
  Network &net_;
  ExprChecker ec_;
  std::map<std::string, SourceRange> popRanges_;
  std::map<std::string, PopInfo> pops_;
  std::map<std::string, const Projection *> projections_; // by `connect NAME:`
  std::map<std::string, SourceRange> recorderLabels_;
  HardwareCheckState hardware_;
};

} // namespace


void checkNetwork(SemaContext &ctx, Network &network) { NetworkChecker(ctx, network).run(); }

} // namespace nsc::sema
