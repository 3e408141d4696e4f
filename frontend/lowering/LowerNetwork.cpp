//===- LowerNetwork.cpp - Networks: semantics, populations, recorders -----===//
//
// NetworkLowerer's driver and the member kinds other than projections
// (LowerProjection.cpp) and hardware blocks (LowerHardware.cpp).
//
//===----------------------------------------------------------------------===//
#include "NetworkLowerer.h"
#include "ProgramLowering.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

namespace nsc::lowering {

using namespace nsc::ir;
namespace A = nsc::ast;

namespace {

struct SourceParam {
  const char *name;
  Type type;     // canonical type (Hz, ms, pA), or element type of a list
  bool list;
  bool required;
};

units::Unit unitNamed(const char *n) { return *units::lookupUnit(n); }

/// The parameters each built-in source accepts, in canonical units.
std::vector<SourceParam> sourceParams(PopulationKind k) {
  Type hz = Type::real(unitNamed("Hz")), ms = msType(), pA = Type::real(unitNamed("pA")), num = Type::real();
  switch (k) {
  case PopulationKind::PoissonGenerator:
    return {{"rate", hz, false, true}, {"start", ms, false, false}, {"stop", ms, false, false}};
  case PopulationKind::InhomogeneousPoissonGenerator:
    return {{"times", ms, true, false}, {"rates", hz, true, false}};
  case PopulationKind::SpikeGenerator:
    return {{"times", ms, true, false}, {"neurons", num, true, false}};
  case PopulationKind::DcGenerator:
    return {{"amplitude", pA, false, true}, {"start", ms, false, false}, {"stop", ms, false, false}};
  case PopulationKind::StepCurrentGenerator:
    return {{"times", ms, true, true}, {"amplitudes", pA, true, true}};
  case PopulationKind::SineGenerator:
    return {{"amplitude", pA, false, true}, {"frequency", hz, false, true}, {"phase", num, false, false},
            {"offset", pA, false, false},   {"start", ms, false, false},      {"stop", ms, false, false}};
  case PopulationKind::NoiseGenerator:
    return {{"mean", pA, false, false}, {"std", pA, false, true}, {"dt", ms, false, false},
            {"start", ms, false, false}, {"stop", ms, false, false}};
  default:
    return {};
  }
}

std::optional<PopulationKind> sourceKind(const std::string &name) {
  for (PopulationKind k :
       {PopulationKind::PoissonGenerator, PopulationKind::SpikeGenerator, PopulationKind::DcGenerator,
        PopulationKind::StepCurrentGenerator, PopulationKind::SineGenerator, PopulationKind::NoiseGenerator,
        PopulationKind::SignalGenerator, PopulationKind::InhomogeneousPoissonGenerator})
    if (name == populationKindName(k))
      return k;
  return std::nullopt;
}

} // namespace

void ProgramLowering::lowerNetwork(const A::Network &net, const SemanticsOverrides &fileOverrides) {
  module_.networks.push_back(NetworkLowerer(*this, module_, diags_, net, fileOverrides).run());
}

NetworkLowerer::NetworkLowerer(ProgramLowering &program, Module &module, DiagnosticEngine &diags,
                               const A::Network &net, const SemanticsOverrides &fileOverrides)
    : program_(program), module_(module), diags_(diags), ast_(net), fileOverrides_(fileOverrides),
      out_(std::make_unique<Network>()), network_(*out_),
      hostValues_(nullptr, Semantics{}, diags, /*networkContext=*/true) {}

std::unique_ptr<Network> NetworkLowerer::run() {
  network_.name = ast_.name;
  network_.docstring = ast_.docstring;
  network_.loc = ast_.nameRange.valid() ? ast_.nameRange : ast_.range;
  lowerSemanticsBlocks();
  lowerPopulations();
  lowerProjections();
  lowerRecorders();
  lowerHardware();
  return std::move(out_);
}

//===----------------------------------------------------------------------===//
// Semantics blocks
//===----------------------------------------------------------------------===//

void NetworkLowerer::lowerSemanticsBlocks() {
  // Network-wide semantics, and the `semantics for POP:` blocks.
  for (const auto &member : ast_.members)
    if (auto *s = A::dyn_cast<A::SemanticsBlock>(member.get())) {
      SemanticsOverrides o = readSemantics(s, diags_);
      if (s->populations.empty()) {
        networkOverrides_.mergeFrom(o);
      } else {
        populationBlocks_.push_back({s, o});
      }
    }
  fileOverrides_.applyTo(network_.semantics);
  networkOverrides_.applyTo(network_.semantics);
  program_.applyCommandLine(network_.semantics);
  dt_ = network_.semantics.dtMs;
  values_.emplace(nullptr, network_.semantics, diags_, /*networkContext=*/true);
}

Semantics NetworkLowerer::semanticsOf(const ModelEntry &entry) const {
  Semantics sem;
  entry.fileOverrides.applyTo(sem);
  fileOverrides_.applyTo(sem);
  networkOverrides_.applyTo(sem);
  entry.modelOverrides.applyTo(sem);
  program_.applyCommandLine(sem);
  return sem;
}

//===----------------------------------------------------------------------===//
// Populations
//===----------------------------------------------------------------------===//

void NetworkLowerer::lowerPopulations() {
  for (const auto &member : ast_.members) {
    auto *p = A::dyn_cast<A::Population>(member.get());
    if (!p)
      continue;
    Population pop;
    pop.name = p->name;
    pop.modelName = p->model;
    pop.loc = p->nameRange.valid() ? p->nameRange : p->range;
    if (p->size) {
      // Sema requires a positive integer; constInt adds the 1e15 cap.
      auto s = constInt(p->size.get(), "a population size");
      pop.size = s && *s ? *s : 1;
    }
    if (auto k = sourceKind(p->model))
      lowerSource(*p, *k, pop);
    else if (!lowerModelPopulation(*p, pop))
      continue;
    network_.populations.push_back(std::move(pop));
  }
  checkSemanticsForSources();
}

std::string NetworkLowerer::dataPath(const std::string &written, SourceRange at) const {
  // Relative to the directory of the file that declares the network, so an
  // example runs from anywhere; source text without a file: the working
  // directory.
  namespace fs = std::filesystem;
  fs::path p(written);
  if (p.is_absolute() || !at.begin.valid())
    return written;
  fs::path declaring(diags_.sourceManager().path(at.begin.file));
  if (!declaring.has_parent_path() || !fs::exists(declaring))
    return written;
  return (declaring.parent_path() / p).lexically_normal().string();
}

void NetworkLowerer::lowerSource(const A::Population &p, PopulationKind kind, Population &pop) {
  pop.kind = kind;
  pop.semantics = network_.semantics;
  // Sema checked the parameter names, that lists are lists and that the
  // required parameters are given.
  auto params = sourceParams(kind);
  for (const A::NamedArg &a : p.inits) {
    if (!a.value)
      continue;
    if (auto *file = a.name == "file" ? A::dyn_cast<A::StringLit>(a.value.get()) : nullptr) {
      pop.file = dataPath(file->value, a.value->range);
      continue;
    }
    size_t i = 0;
    while (i < params.size() && a.name != params[i].name)
      ++i;
    if (i == params.size())
      continue;
    SourceRange r = a.nameRange.valid() ? a.nameRange : a.value->range;
    PopulationInit init;
    init.name = a.name;
    init.loc = r;
    const std::string what = fmt::format("parameter '{}' of '{}'", a.name, p.model);
    if (params[i].list) {
      auto *l = A::dyn_cast<A::List>(a.value.get());
      if (!l)
        continue;
      std::vector<ExprPtr> elems;
      for (const auto &x : l->elements)
        elems.push_back(hostValues_.exprAs(x.get(), params[i].type, what));
      init.value = hostValues_.builder().list(params[i].type, std::move(elems));
      init.value->loc = a.value->range;
    } else {
      init.value = hostValues_.exprAs(a.value.get(), params[i].type, what);
    }
    pop.inits.push_back(std::move(init));
  }
}

bool NetworkLowerer::lowerModelPopulation(const A::Population &p, Population &pop) {
  const ModelEntry *entry = program_.entryFor(p.modelDecl, p.model);
  if (!entry)
    return false; // sema reports unknown models
  // defaults < model's file < network's file < network < model < population
  Semantics sem = semanticsOf(*entry);
  for (auto &[blk, o] : populationBlocks_)
    for (const std::string &name : blk->populations)
      if (name == p.name)
        o.applyTo(sem);
  program_.applyCommandLine(sem);
  // R38: the network's seed keys every population's streams, so a model's
  // own `seed` cannot act here; said once per model, not passed over.
  if (entry->modelOverrides.seed && *entry->modelOverrides.seed != network_.semantics.seed &&
      seedReported_.insert(entry).second)
    diags_.warning(pop.loc, fmt::format("model '{}' sets 'seed = {}' in its own semantics block, which does not "
                                        "act in network '{}': every population's random streams are keyed by "
                                        "the network's seed ({}, docs/semantics.md R38); set 'seed' in the "
                                        "network's semantics block",
                                        p.model, *entry->modelOverrides.seed, ast_.name, network_.semantics.seed));
  if (sem.dtMs != dt_) {
    diags_.error(pop.loc, fmt::format("population '{}' would run at dt = {} ms, but network '{}' "
                                      "steps at dt = {} ms; a network has one time step",
                                      p.name, sem.dtMs, ast_.name, dt_));
    sem.dtMs = dt_;
  }
  pop.kind = PopulationKind::Model;
  pop.semantics = sem;
  pop.model = program_.modelFor(*entry, sem, ast_.name, p.name);
  const Model &model = *module_.models[pop.model];
  pop.modelName = model.name;
  ModelLowerer popValues(nullptr, sem, diags_, /*networkContext=*/true);
  for (const A::NamedArg &a : p.inits) {
    if (!a.value)
      continue;
    SourceRange r = a.nameRange.valid() ? a.nameRange : a.value->range;
    // Sema allows only parameters and state variables here.
    auto v = model.findVariable(a.name);
    if (!v)
      continue;
    PopulationInit init;
    init.name = a.name;
    init.var = *v;
    init.loc = r;
    init.value = popValues.exprAs(a.value.get(), model.variables[*v].type,
                                  fmt::format("the initial value of '{}'", a.name));
    pop.inits.push_back(std::move(init));
  }
  return true;
}

void NetworkLowerer::checkSemanticsForSources() {
  for (auto &[blk, o] : populationBlocks_)
    for (size_t i = 0; i < blk->populations.size(); ++i) {
      // Sema reports unknown populations; that a block for a source does
      // nothing is only known here.
      auto idx = network_.findPopulation(blk->populations[i]);
      if (idx && network_.populations[*idx].kind != PopulationKind::Model)
        diags_.error(i < blk->populationRanges.size() ? blk->populationRanges[i] : blk->range,
                     "semantics for source population '" + blk->populations[i] +
                         "' have no effect; they apply to model populations");
    }
}

//===----------------------------------------------------------------------===//
// Recorders
//===----------------------------------------------------------------------===//

void NetworkLowerer::lowerRecorders() {
  for (const auto &member : ast_.members) {
    auto *rec = A::dyn_cast<A::Recorder>(member.get());
    if (!rec)
      continue;
    if (rec->synapses) {
      SynapseRecorder r;
      if (lowerSynapseRecorder(*rec, r))
        network_.synapseRecorders.push_back(std::move(r));
      continue;
    }
    Recorder r;
    if (lowerRecorder(*rec, r))
      network_.recorders.push_back(std::move(r));
  }
}

bool NetworkLowerer::recordInterval(const A::Recorder &rec, double &ms, uint64_t &stepsOut) {
  // Sema checked that the interval is a positive time constant.
  ExprPtr iv = hostValues_.exprAs(rec.interval.get(), msType(), "the recording interval");
  if (iv->type.isError() || !evaluateConstant(*iv, ms) || !(ms > 0))
    return false;
  int64_t steps = stepsOf(ms, rec.interval->range, "recording interval");
  if (steps < 1) {
    diags_.error(rec.interval->range,
                 fmt::format("recording interval of {} ms is shorter than one time step "
                             "(dt = {} ms)",
                             ms, dt_));
    return false;
  }
  stepsOut = static_cast<uint64_t>(steps);
  return true;
}

bool NetworkLowerer::lowerSynapseRecorder(const A::Recorder &rec, SynapseRecorder &r) {
  // Sema checked the projection (named, plastic), the variables and the slice.
  r.loc = rec.range;
  std::optional<uint32_t> q;
  for (uint32_t i = 0; i < network_.projections.size(); ++i)
    if (network_.projections[i].name == rec.target.name)
      q = i;
  if (!q || !network_.projections[*q].hasSynapse)
    return false;
  r.projection = *q;
  const Projection &pr = network_.projections[*q];
  // The slice's bounds count neurons of the target population.
  auto bound = [&](const A::ExprPtr &e) -> std::optional<uint64_t> {
    return e ? constInt(e.get(), "a slice bound") : std::nullopt;
  };
  uint64_t size = network_.populations[pr.target.population].size;
  r.targetBegin = 0;
  r.targetEnd = size;
  if (rec.target.begin) {
    std::optional<uint64_t> b = bound(rec.target.begin);
    std::optional<uint64_t> e = !rec.target.isSlice ? (b ? std::optional<uint64_t>(*b + 1) : std::nullopt)
                                : rec.target.end    ? bound(rec.target.end)
                                                    : std::optional<uint64_t>(size);
    if (!b || !e || *b >= *e || *e > size)
      return false;
    r.targetBegin = *b;
    r.targetEnd = *e;
  }
  r.variables = rec.what;
  if (rec.interval && !recordInterval(rec, r.intervalMs, r.intervalSteps))
    return false;
  if (!rec.label.empty()) {
    r.label = rec.label;
  } else {
    r.label = pr.name;
    for (const std::string &w : rec.what)
      r.label += "_" + w;
  }
  return true;
}

bool NetworkLowerer::lowerRecorder(const A::Recorder &rec, Recorder &r) {
  r.loc = rec.range;
  if (!slice(rec.target, r.target))
    return false;
  const Population &pop = network_.populations[r.target.population];
  const Model *model = pop.kind == PopulationKind::Model ? module_.models[pop.model].get() : nullptr;
  // Sema checked that each item is spikes, a state variable or a
  // recordable inline, and that sources record only spikes.
  bool ok = true;
  for (const std::string &w : rec.what) {
    RecordItem item;
    item.name = w;
    if (w == "spikes") {
      item.kind = RecordItem::Kind::Spikes;
    } else if (auto v = model ? model->findVariable(w) : std::nullopt) {
      item.kind = RecordItem::Kind::Variable;
      item.id = *v;
    } else if (auto in = model ? model->findInline(w) : std::nullopt) {
      item.kind = RecordItem::Kind::Inline;
      item.id = *in;
    } else {
      ok = false;
      continue;
    }
    r.what.push_back(item);
  }
  if (!ok)
    return false;
  if (rec.interval && !recordInterval(rec, r.intervalMs, r.intervalSteps))
    return false;
  if (!rec.label.empty()) {
    r.label = rec.label;
  } else {
    r.label = pop.name;
    for (const std::string &w : rec.what)
      r.label += "_" + w;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Values shared by the member kinds
//===----------------------------------------------------------------------===//

std::optional<uint64_t> NetworkLowerer::constInt(const A::Expr *e, const char *what) {
  auto v = hostValues_.constantValue(e, Type::integer());
  if (!v || *v < 0 || std::trunc(*v) != *v || *v > 1e15) {
    diags_.error(e->range, std::string(what) + " must be a non-negative integer constant");
    return std::nullopt;
  }
  return static_cast<uint64_t>(*v);
}

bool NetworkLowerer::slice(const A::PopulationRef &ref, PopulationSlice &s) {
  auto idx = network_.findPopulation(ref.name);
  if (!idx)
    return false; // sema reports unknown populations
  s.population = *idx;
  uint64_t size = network_.populations[*idx].size;
  s.begin = 0;
  s.end = size;
  if (ref.begin || ref.end) {
    std::optional<uint64_t> b = ref.begin ? constInt(ref.begin.get(), "a slice bound")
                                          : std::optional<uint64_t>(0);
    std::optional<uint64_t> e;
    if (!ref.isSlice)
      e = b ? std::optional<uint64_t>(*b + 1) : std::nullopt;
    else
      e = ref.end ? constInt(ref.end.get(), "a slice bound") : std::optional<uint64_t>(size);
    // Sema checked that indices and slices lie inside the population.
    if (!b || !e || *b >= *e || *e > size)
      return false;
    s.begin = *b;
    s.end = *e;
  }
  return true;
}

int64_t NetworkLowerer::stepsOf(double ms, SourceRange r, const std::string &what) {
  double ratio = ms / dt_;
  int64_t steps = static_cast<int64_t>(std::llround(ratio));
  // Ties round away from zero (std::llround); below one step the caller
  // reports an error instead of a rounding warning.
  if (steps >= 1 &&
      std::fabs(ratio - static_cast<double>(steps)) > 1e-9 * std::max(1.0, std::fabs(ratio)))
    diags_.warning(r, fmt::format("{} of {} ms is not a multiple of dt = {} ms; rounded to {} "
                                  "step{}",
                                  what, ms, dt_, steps, steps == 1 ? "" : "s"));
  return steps;
}

} // namespace nsc::lowering
