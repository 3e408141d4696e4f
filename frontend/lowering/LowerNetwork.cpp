//===- LowerNetwork.cpp - Networks: populations, projections, recorders ---===//
#include "ModelLowerer.h"
#include "ProgramLowering.h"

#include <fmt/format.h>

#include <cmath>

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
  Type hz = Type::real(unitNamed("Hz")), ms = msType(), pA = Type::real(unitNamed("pA"));
  switch (k) {
  case PopulationKind::PoissonGenerator:
    return {{"rate", hz, false, true}, {"start", ms, false, false}, {"stop", ms, false, false}};
  case PopulationKind::SpikeGenerator:
    return {{"times", ms, true, true}};
  case PopulationKind::DcGenerator:
    return {{"amplitude", pA, false, true}, {"start", ms, false, false}, {"stop", ms, false, false}};
  case PopulationKind::StepCurrentGenerator:
    return {{"times", ms, true, true}, {"amplitudes", pA, true, true}};
  default:
    return {};
  }
}

std::optional<PopulationKind> sourceKind(const std::string &name) {
  if (name == "poisson_generator") return PopulationKind::PoissonGenerator;
  if (name == "spike_generator") return PopulationKind::SpikeGenerator;
  if (name == "dc_generator") return PopulationKind::DcGenerator;
  if (name == "step_current_generator") return PopulationKind::StepCurrentGenerator;
  return std::nullopt;
}

bool isCurrentSource(PopulationKind k) {
  return k == PopulationKind::DcGenerator || k == PopulationKind::StepCurrentGenerator;
}

/// NESTML's split by sign: when the target's spike ports are exactly one
/// `excitatory` and one `inhibitory` port of the same weight type, a
/// projection that names no port sends w >= 0 to the first and |w| for
/// w < 0 to the second. Returns {excitatory, inhibitory}.
std::optional<std::pair<uint32_t, uint32_t>>
signSplitPorts(const Model &m, const std::vector<uint32_t> &candidates) {
  if (candidates.size() != 2)
    return std::nullopt;
  const Port &a = m.ports[candidates[0]], &b = m.ports[candidates[1]];
  if (a.kind != PortKind::Spike || a.declaredType != b.declaredType ||
      !a.type.sameAs(b.type) || a.vectorSize || b.vectorSize)
    return std::nullopt;
  if (a.excitatory && !a.inhibitory && b.inhibitory && !b.excitatory)
    return std::make_pair(candidates[0], candidates[1]);
  if (b.excitatory && !b.inhibitory && a.inhibitory && !a.excitatory)
    return std::make_pair(candidates[1], candidates[0]);
  return std::nullopt;
}

/// With a constant weight the split is decided now (a negative weight goes
/// to the inhibitory port as its magnitude); otherwise each synapse decides
/// at run time by its own weight's sign (Projection::negativePort).
void resolveSignSplit(Projection &proj, uint32_t negativePort, const Model &target) {
  double w;
  if (proj.weight && evaluateConstant(*proj.weight, w)) {
    if (w < 0) {
      auto magnitude = std::make_unique<Constant>(proj.weight->type);
      magnitude->real = -w;
      magnitude->loc = proj.weight->loc;
      proj.weight = std::move(magnitude);
      proj.port = negativePort;
      proj.portName = target.ports[negativePort].name;
    }
    return;
  }
  proj.negativePort = negativePort;
  proj.negativePortName = target.ports[negativePort].name;
}

} // namespace

void ProgramLowering::lowerNetwork(const A::Network &net, const SemanticsOverrides &fileOv) {
  auto out = std::make_unique<Network>();
  Network &n = *out;
  n.name = net.name;
  n.docstring = net.docstring;
  n.loc = net.nameRange.valid() ? net.nameRange : net.range;

  // Network-wide semantics, and the `semantics for POP:` blocks.
  SemanticsOverrides netOv;
  std::vector<std::pair<const A::SemanticsBlock *, SemanticsOverrides>> popBlocks;
  for (const auto &member : net.members)
    if (auto *s = A::dyn_cast<A::SemanticsBlock>(member.get())) {
      SemanticsOverrides o = readSemantics(s, diags_);
      if (s->populations.empty()) {
        netOv.mergeFrom(o);
      } else {
        popBlocks.push_back({s, o});
      }
    }
  fileOv.applyTo(n.semantics);
  netOv.applyTo(n.semantics);
  const double dt = n.semantics.dtMs;
  ModelLowerer values(nullptr, n.semantics, diags_, /*networkContext=*/true);
  // Values of a network are host-side quantities: float64 regardless of the
  // populations' arithmetic.
  ModelLowerer hostValues(nullptr, Semantics{}, diags_, /*networkContext=*/true);

  auto constInt = [&](const A::Expr *e, const char *what) -> std::optional<uint64_t> {
    auto v = hostValues.constantValue(e, Type::integer());
    if (!v || *v < 0 || std::trunc(*v) != *v || *v > 1e15) {
      diags_.error(e->range, std::string(what) + " must be a non-negative integer constant");
      return std::nullopt;
    }
    return static_cast<uint64_t>(*v);
  };

  // --- populations --------------------------------------------------------
  for (const auto &member : net.members) {
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
    if (auto k = sourceKind(p->model)) {
      pop.kind = *k;
      pop.semantics = n.semantics;
      // Sema checked the parameter names, that lists are lists and that the
      // required parameters are given.
      auto params = sourceParams(*k);
      for (const A::NamedArg &a : p->inits) {
        if (!a.value)
          continue;
        size_t i = 0;
        while (i < params.size() && a.name != params[i].name)
          ++i;
        if (i == params.size())
          continue;
        SourceRange r = a.nameRange.valid() ? a.nameRange : a.value->range;
        PopulationInit init;
        init.name = a.name;
        init.loc = r;
        const std::string what = fmt::format("parameter '{}' of '{}'", a.name, p->model);
        if (params[i].list) {
          auto *l = A::dyn_cast<A::List>(a.value.get());
          if (!l)
            continue;
          std::vector<ExprPtr> elems;
          for (const auto &x : l->elements)
            elems.push_back(hostValues.exprAs(x.get(), params[i].type, what));
          init.value = hostValues.builder().list(params[i].type, std::move(elems));
          init.value->loc = a.value->range;
        } else {
          init.value = hostValues.exprAs(a.value.get(), params[i].type, what);
        }
        pop.inits.push_back(std::move(init));
      }
      n.populations.push_back(std::move(pop));
      continue;
    }

    const ModelEntry *entry = entryFor(p->modelDecl, p->model);
    if (!entry)
      continue; // sema reports unknown models
    // defaults < model's file < network's file < network < model < population
    Semantics sem;
    entry->fileOverrides.applyTo(sem);
    fileOv.applyTo(sem);
    netOv.applyTo(sem);
    entry->modelOverrides.applyTo(sem);
    for (auto &[blk, o] : popBlocks)
      for (const std::string &name : blk->populations)
        if (name == p->name)
          o.applyTo(sem);
    if (sem.dtMs != dt) {
      diags_.error(pop.loc, fmt::format("population '{}' would run at dt = {} ms, but network '{}' "
                                        "steps at dt = {} ms; a network has one time step",
                                        p->name, sem.dtMs, net.name, dt));
      sem.dtMs = dt;
    }
    pop.kind = PopulationKind::Model;
    pop.semantics = sem;
    pop.model = modelFor(*entry, sem, net.name, p->name);
    const Model &model = *module_.models[pop.model];
    pop.modelName = model.name;
    ModelLowerer popValues(nullptr, sem, diags_, /*networkContext=*/true);
    for (const A::NamedArg &a : p->inits) {
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
    n.populations.push_back(std::move(pop));
  }
  for (auto &[blk, o] : popBlocks)
    for (size_t i = 0; i < blk->populations.size(); ++i) {
      // Sema reports unknown populations; that a block for a source does
      // nothing is only known here.
      auto idx = n.findPopulation(blk->populations[i]);
      if (idx && n.populations[*idx].kind != PopulationKind::Model)
        diags_.error(i < blk->populationRanges.size() ? blk->populationRanges[i] : blk->range,
                     "semantics for source population '" + blk->populations[i] +
                         "' have no effect; they apply to model populations");
    }

  // --- slices -----------------------------------------------------------------
  auto slice = [&](const A::PopulationRef &ref, PopulationSlice &s) -> bool {
    auto idx = n.findPopulation(ref.name);
    if (!idx)
      return false; // sema reports unknown populations
    s.population = *idx;
    uint64_t size = n.populations[*idx].size;
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
  };

  auto stepsOf = [&](double ms, SourceRange r, const std::string &what) -> int64_t {
    double ratio = ms / dt;
    int64_t steps = static_cast<int64_t>(std::llround(ratio));
    // Ties round away from zero (std::llround); below one step the caller
    // reports an error instead of a rounding warning.
    if (steps >= 1 &&
        std::fabs(ratio - static_cast<double>(steps)) > 1e-9 * std::max(1.0, std::fabs(ratio)))
      diags_.warning(r, fmt::format("{} of {} ms is not a multiple of dt = {} ms; rounded to {} "
                                    "step{}",
                                    what, ms, dt, steps, steps == 1 ? "" : "s"));
    return steps;
  };

  // --- projections --------------------------------------------------------------
  for (const auto &member : net.members) {
    auto *pr = A::dyn_cast<A::Projection>(member.get());
    if (!pr)
      continue;
    Projection proj;
    proj.name = pr->name;
    proj.loc = pr->range;
    if (!slice(pr->source, proj.source) || !slice(pr->target, proj.target))
      continue;
    const Population &src = n.populations[proj.source.population];
    const Population &tgt = n.populations[proj.target.population];
    if (tgt.kind != PopulationKind::Model)
      continue; // sema rejects connections into sources
    const Model &tmodel = *module_.models[tgt.model];

    // Connection rule.
    if (pr->rule) {
      const A::Call &rule = *pr->rule;
      static const std::pair<const char *, ConnectionRule> rules[] = {
          {"all_to_all", ConnectionRule::AllToAll},
          {"one_to_one", ConnectionRule::OneToOne},
          {"fixed_probability", ConnectionRule::FixedProbability},
          {"fixed_indegree", ConnectionRule::FixedIndegree},
          {"fixed_outdegree", ConnectionRule::FixedOutdegree},
          {"from_file", ConnectionRule::FromFile}};
      // Sema checked the rule's name, its argument count, and that a
      // probability is a constant in [0, 1].
      bool known = false;
      for (auto &[nm, r] : rules)
        if (rule.callee == nm) {
          proj.conn.rule = r;
          known = true;
        }
      const bool takesArg = proj.conn.rule != ConnectionRule::AllToAll &&
                            proj.conn.rule != ConnectionRule::OneToOne;
      if (!known || rule.args.size() != (takesArg ? 1u : 0u) || (takesArg && !rule.args[0]))
        continue;
      if (proj.conn.rule == ConnectionRule::FixedProbability) {
        if (auto p = hostValues.constantValue(rule.args[0].get(), Type::real()))
          proj.conn.probability = *p;
      } else if (proj.conn.rule == ConnectionRule::FixedIndegree ||
                 proj.conn.rule == ConnectionRule::FixedOutdegree) {
        if (auto k = constInt(rule.args[0].get(), "the number of connections"))
          proj.conn.count = *k;
      } else if (proj.conn.rule == ConnectionRule::FromFile) {
        // Sema accepts any string; the file name must be literal.
        auto *s = A::dyn_cast<A::StringLit>(rule.args[0].get());
        if (!s)
          diags_.error(rule.args[0]->range, "from_file() takes a file name in quotes");
        else
          proj.conn.path = s->value;
      }
      // Sema checked one_to_one sizes and the option names; an option's
      // value must be a literal, which sema does not require.
      for (const A::NamedArg &a : rule.namedArgs) {
        if (!a.value || (a.name != "allow_autapses" && a.name != "allow_multapses"))
          continue;
        auto *b = A::dyn_cast<A::BoolLit>(a.value.get());
        if (!b) {
          diags_.error(a.value->range, "'" + a.name + "' must be true or false");
        } else {
          (a.name == "allow_autapses" ? proj.conn.allowAutapses : proj.conn.allowMultapses) = b->value;
        }
      }
    }

    // Settings.
    // Sema rejects unknown and repeated settings.
    const A::NamedArg *weight = nullptr, *delay = nullptr, *port = nullptr, *synapse = nullptr;
    for (const A::NamedArg &a : pr->settings) {
      if (!a.value)
        continue;
      const A::NamedArg **slot = a.name == "weight"    ? &weight
                                 : a.name == "delay"   ? &delay
                                 : a.name == "port"    ? &port
                                 : a.name == "synapse" ? &synapse
                                                       : nullptr;
      if (slot && !*slot)
        *slot = &a;
    }

    // Target port.
    std::optional<uint32_t> portId, negativePort;
    if (port) {
      // Sema resolved the name to an input port of the matching kind.
      auto *nm = A::dyn_cast<A::NameRef>(port->value.get());
      portId = nm ? tmodel.findPort(nm->name) : std::nullopt;
      if (!portId)
        continue;
    } else {
      std::vector<uint32_t> candidates;
      for (uint32_t i = 0; i < tmodel.ports.size(); ++i)
        if ((tmodel.ports[i].kind == PortKind::Spike) != isCurrentSource(src.kind))
          candidates.push_back(i);
      if (candidates.size() == 1) {
        portId = candidates[0];
      } else if (auto split = signSplitPorts(tmodel, candidates)) {
        portId = split->first;
        negativePort = split->second;
      } else {
        // Sema lets any set of excitatory/inhibitory ports through; only
        // exactly one of each, alike in type, can be split by sign.
        diags_.error(pr->target.range,
                     fmt::format("say which input port of '{}' this projection targets with "
                                 "'port = NAME'",
                                 tgt.name));
        continue;
      }
    }
    proj.port = *portId;
    const Port &tport = tmodel.ports[*portId];
    proj.portName = tport.name;
    if (isCurrentSource(src.kind) != (tport.kind == PortKind::Continuous))
      continue; // sema matches sources to ports of their kind

    // Weight: in the port's unit for spike ports; a dimensionless gain for
    // current sources into continuous ports. Default 1.
    Type weightType = tport.kind == PortKind::Spike && tport.declaredType && tport.type.isNumeric()
                          ? Type::real(tport.type.unit)
                          : Type::real();
    if (weight && tport.kind == PortKind::Spike && !tport.declaredType) {
      ExprPtr w = values.expr(weight->value.get());
      if (w->type.kind == TypeKind::Int)
        w = values.coerceToReal(std::move(w), weight->value->range, "the weight");
      proj.weight = std::move(w);
    } else if (weight) {
      proj.weight = values.exprAs(weight->value.get(), weightType, "the weight");
    }
    else if (!synapse)
      proj.weight = values.builder().real(1.0, weightType.unit);

    if (negativePort)
      resolveSignSplit(proj, *negativePort, tmodel);

    // Delay in ms and steps; shorter than one step is an error.
    if (delay) {
      proj.delay = hostValues.exprAs(delay->value.get(), msType(), "the delay");
      double d;
      if (!proj.delay->type.isError() && evaluateConstant(*proj.delay, d)) {
        proj.delaySteps = stepsOf(d, delay->value->range, "delay");
        if (proj.delaySteps < 1) {
          diags_.error(delay->value->range,
                       fmt::format("delay of {} ms is shorter than one time step (dt = {} ms); "
                                   "spikes need at least one step to arrive",
                                   d, dt));
          proj.delaySteps = 1;
        }
      } else {
        proj.delaySteps = -1;
      }
    } else {
      // Default: the shortest delay the step allows, one step.
      proj.delay = hostValues.builder().real(dt, msUnit());
      proj.delaySteps = 1;
    }

    // Plastic synapse model.
    if (synapse) {
      const A::Expr *v = synapse->value.get();
      auto *call = A::dyn_cast<A::Call>(v);
      auto *nm = A::dyn_cast<A::NameRef>(v);
      std::string sname = call ? call->callee : nm ? nm->name : "";
      // Sema checked that it names a synapse model, that parameters are
      // named, and that each names a parameter or state variable.
      const ModelEntry *se = entryFor(nullptr, sname);
      if (!se)
        continue;
      // The synapse model runs at the network's semantics like a
      // population's model (R36: defaults < model's file < network's file <
      // network < model; `semantics for` names populations only): its
      // propagators are computed for the network's dt, so it is lowered
      // again as a specialization when they differ (R37).
      Semantics ssem;
      se->fileOverrides.applyTo(ssem);
      fileOv.applyTo(ssem);
      netOv.applyTo(ssem);
      se->modelOverrides.applyTo(ssem);
      if (ssem.dtMs != dt) {
        diags_.error(v->range, fmt::format("synapse model '{}' would run at dt = {} ms, but network '{}' "
                                           "steps at dt = {} ms; a network has one time step",
                                           sname, ssem.dtMs, net.name, dt));
        ssem.dtMs = dt;
      }
      std::string specName = !pr->name.empty() ? pr->name : "connect" + std::to_string(n.projections.size());
      proj.hasSynapse = true;
      proj.synapseModel = modelFor(*se, ssem, net.name, specName);
      proj.synapseName = sname;
      const Model &smodel = *module_.models[proj.synapseModel];
      // R24: a plastic projection's transmission delay is the one its
      // synapse passes to emit_spike; `delay =` would be silently unused.
      if (delay)
        diags_.warning(delay->value->range,
                       fmt::format("'delay' has no effect on a plastic projection: synapse model '{}' "
                                   "sends its spikes with the delay it passes to emit_spike "
                                   "(set that parameter in '{}(...)')",
                                   sname, sname));
      if (call) {
        ModelLowerer synValues(nullptr, smodel.semantics, diags_, /*networkContext=*/true);
        for (const A::NamedArg &a : call->namedArgs) {
          if (!a.value)
            continue;
          SourceRange r = a.nameRange.valid() ? a.nameRange : a.value->range;
          auto var = smodel.findVariable(a.name);
          if (!var)
            continue;
          PopulationInit init;
          init.name = a.name;
          init.var = *var;
          init.loc = r;
          init.value = synValues.exprAs(a.value.get(), smodel.variables[*var].type,
                                        "the value of '" + a.name + "'");
          proj.synapseParams.push_back(std::move(init));
        }
      }
    }
    n.projections.push_back(std::move(proj));
  }

  // --- recorders ------------------------------------------------------------------
  for (const auto &member : net.members) {
    auto *rec = A::dyn_cast<A::Recorder>(member.get());
    if (!rec)
      continue;
    Recorder r;
    r.loc = rec->range;
    if (!slice(rec->target, r.target))
      continue;
    const Population &pop = n.populations[r.target.population];
    const Model *model = pop.kind == PopulationKind::Model ? module_.models[pop.model].get() : nullptr;
    // Sema checked that each item is spikes, a state variable or a
    // recordable inline, and that sources record only spikes.
    bool ok = true;
    for (const std::string &w : rec->what) {
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
      continue;
    if (rec->interval) {
      // Sema checked that the interval is a positive time constant.
      ExprPtr iv = hostValues.exprAs(rec->interval.get(), msType(), "the recording interval");
      double ms;
      if (iv->type.isError() || !evaluateConstant(*iv, ms) || !(ms > 0))
        continue;
      int64_t steps = stepsOf(ms, rec->interval->range, "recording interval");
      if (steps < 1) {
        diags_.error(rec->interval->range,
                     fmt::format("recording interval of {} ms is shorter than one time step "
                                 "(dt = {} ms)",
                                 ms, dt));
        continue;
      }
      r.intervalMs = ms;
      r.intervalSteps = static_cast<uint64_t>(steps);
    }
    if (!rec->label.empty()) {
      r.label = rec->label;
    } else {
      r.label = pop.name;
      for (const std::string &w : rec->what)
        r.label += "_" + w;
    }
    n.recorders.push_back(std::move(r));
  }
  lowerHardware(net, n);
  module_.networks.push_back(std::move(out));
}

} // namespace nsc::lowering
