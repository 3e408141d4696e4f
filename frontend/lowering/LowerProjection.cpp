//===- LowerProjection.cpp - Network projections into the IR --------------===//
//
// A projection's connection rule, target port (or NESTML's split by sign),
// weight, delay and plastic synapse model. Sema checked names and shapes;
// what it cannot know (constants, the IR model's ports) is checked here.
//
//===----------------------------------------------------------------------===//
#include "NetworkLowerer.h"
#include "ProgramLowering.h"

#include <fmt/format.h>

namespace nsc::lowering {

using namespace nsc::ir;
namespace A = nsc::ast;

namespace {

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

void NetworkLowerer::lowerProjections() {
  for (const auto &member : ast_.members) {
    auto *pr = A::dyn_cast<A::Projection>(member.get());
    if (!pr)
      continue;
    Projection proj;
    if (lowerProjection(*pr, proj))
      network_.projections.push_back(std::move(proj));
  }
}

bool NetworkLowerer::lowerProjection(const A::Projection &pr, Projection &proj) {
  proj.name = pr.name;
  proj.loc = pr.range;
  if (!slice(pr.source, proj.source) || !slice(pr.target, proj.target))
    return false;
  const Population &src = network_.populations[proj.source.population];
  const Population &tgt = network_.populations[proj.target.population];
  if (tgt.kind != PopulationKind::Model)
    return false; // sema rejects connections into sources
  const Model &tmodel = *module_.models[tgt.model];

  if (pr.rule && !lowerConnectionRule(*pr.rule, proj.conn))
    return false;

  // Sema rejects unknown and repeated settings.
  ProjectionSettings settings;
  for (const A::NamedArg &a : pr.settings) {
    if (!a.value)
      continue;
    const A::NamedArg **slot = a.name == "weight"    ? &settings.weight
                               : a.name == "delay"   ? &settings.delay
                               : a.name == "port"    ? &settings.port
                               : a.name == "synapse" ? &settings.synapse
                               : a.name == "gap_junction" || a.name == "variable" ? &settings.coupling
                                                     : nullptr;
    if (slot && !*slot)
      *slot = &a;
  }

  if (settings.coupling)
    proj.coupling = settings.coupling->name == "gap_junction" ? Coupling::GapJunction : Coupling::Variable;
  auto ports = targetPorts(pr, settings.port, proj.coupling != Coupling::None || isCurrentSource(src.kind), tgt,
                           tmodel);
  if (!ports)
    return false;
  proj.port = ports->port;
  const Port &tport = tmodel.ports[ports->port];
  proj.portName = tport.name;
  if (settings.coupling)
    return lowerCoupling(settings, tmodel, proj);
  if (isCurrentSource(src.kind) != (tport.kind == PortKind::Continuous))
    return false; // sema matches sources to ports of their kind

  lowerWeight(settings, tport, proj, src.kind == PopulationKind::SignalGenerator);
  if (ports->negative)
    resolveSignSplit(proj, *ports->negative, tmodel);
  lowerDelay(settings.delay, proj);
  if (settings.synapse && !lowerSynapse(pr, settings, proj))
    return false;
  // `modulator = POP` (sema checked that it names a spiking population).
  for (const A::NamedArg &a : pr.settings)
    if (auto *n = a.name == "modulator" ? A::dyn_cast<A::NameRef>(a.value.get()) : nullptr)
      for (uint32_t i = 0; i < network_.populations.size(); ++i)
        if (network_.populations[i].name == n->name)
          proj.modulator = i;
  return true;
}

bool NetworkLowerer::lowerConnectionRule(const A::Call &rule, Connectivity &conn) {
  static const std::pair<const char *, ConnectionRule> rules[] = {
      {"all_to_all", ConnectionRule::AllToAll},
      {"one_to_one", ConnectionRule::OneToOne},
      {"fixed_probability", ConnectionRule::FixedProbability},
      {"fixed_indegree", ConnectionRule::FixedIndegree},
      {"fixed_outdegree", ConnectionRule::FixedOutdegree},
      {"from_file", ConnectionRule::FromFile},
      {"small_world", ConnectionRule::SmallWorld},
      {"pairwise_bernoulli", ConnectionRule::PairwiseBernoulli}};
  // Sema checked the rule's name, its argument count, and that a
  // probability is a constant in [0, 1].
  bool known = false;
  for (auto &[nm, r] : rules)
    if (rule.callee == nm) {
      conn.rule = r;
      known = true;
    }
  const unsigned args = conn.rule == ConnectionRule::SmallWorld                                         ? 2u
                        : conn.rule != ConnectionRule::AllToAll && conn.rule != ConnectionRule::OneToOne &&
                                  conn.rule != ConnectionRule::PairwiseBernoulli
                            ? 1u
                            : 0u;
  if (!known || rule.args.size() != args)
    return false;
  for (const auto &a : rule.args)
    if (!a)
      return false;
  if (conn.rule == ConnectionRule::PairwiseBernoulli)
    return lowerPairProbability(rule, conn);
  if (conn.rule == ConnectionRule::SmallWorld) {
    // Sema checked k (even, 0 < k < N) and p in [0, 1]; the rule never
    // makes autapses or multapses.
    if (auto k = constInt(rule.args[0].get(), "the lattice degree"))
      conn.count = *k;
    if (auto p = hostValues_.constantValue(rule.args[1].get(), Type::real()))
      conn.probability = *p;
    conn.allowAutapses = conn.allowMultapses = false;
  } else if (conn.rule == ConnectionRule::FixedProbability) {
    if (auto p = hostValues_.constantValue(rule.args[0].get(), Type::real()))
      conn.probability = *p;
  } else if (conn.rule == ConnectionRule::FixedIndegree || conn.rule == ConnectionRule::FixedOutdegree) {
    if (auto k = constInt(rule.args[0].get(), "the number of connections"))
      conn.count = *k;
  } else if (conn.rule == ConnectionRule::FromFile) {
    // Sema accepts any string; the file name must be literal.
    auto *s = A::dyn_cast<A::StringLit>(rule.args[0].get());
    if (!s)
      diags_.error(rule.args[0]->range, "from_file() takes a file name in quotes");
    else
      conn.path = dataPath(s->value, s->range); // as `file =`: relative to the .nrn file
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
      (a.name == "allow_autapses" ? conn.allowAutapses : conn.allowMultapses) = b->value;
    }
  }
  return true;
}

bool NetworkLowerer::lowerPairProbability(const A::Call &rule, Connectivity &conn) {
  // Sema checked one `p`, a dimensionless number over i, j and constants.
  const A::NamedArg *p = nullptr;
  for (const A::NamedArg &a : rule.namedArgs)
    if (a.name == "p" && a.value && !p)
      p = &a;
  if (!p)
    return false;
  ExprPtr e = hostValues_.exprAs(p->value.get(), Type::real(), "the connection probability");
  if (!e)
    return false;
  if (std::string why = checkPairExpression(*e); !why.empty()) {
    diags_.error(p->value->range, "a connection probability is evaluated for every pair of neurons: it cannot "
                                  "contain " + why);
    return false;
  }
  conn.pairProbability = std::move(e);
  for (const A::NamedArg &a : rule.namedArgs) {
    if (!a.value || (a.name != "allow_autapses" && a.name != "allow_multapses"))
      continue;
    auto *b = A::dyn_cast<A::BoolLit>(a.value.get());
    if (!b)
      diags_.error(a.value->range, "'" + a.name + "' must be true or false");
    else
      (a.name == "allow_autapses" ? conn.allowAutapses : conn.allowMultapses) = b->value;
  }
  return true;
}

bool NetworkLowerer::lowerCoupling(const ProjectionSettings &s, const Model &tmodel, Projection &proj) {
  // Sema checked the variable, the ports' kinds and types and the weight's
  // dimension, and refused delay and synapse.
  const Population &src = network_.populations[proj.source.population];
  if (src.kind != PopulationKind::Model || tmodel.ports[proj.port].kind != PortKind::Continuous)
    return false;
  const Model &smodel = *module_.models[src.model];
  auto *name = A::dyn_cast<A::NameRef>(s.coupling->value.get());
  if (!name)
    return false;
  proj.variableName = name->name;
  auto sv = smodel.findVariable(name->name);
  auto tv = tmodel.findVariable(name->name);
  auto sp = smodel.findPort(proj.portName);
  if (!sv || (proj.coupling == Coupling::GapJunction && (!tv || !sp)))
    return false;
  proj.sourceVar = *sv;
  proj.targetVar = tv ? *tv : kNoVar;
  proj.sourcePort = sp ? *sp : 0;
  const Port &tport = tmodel.ports[proj.port];
  Type weightType = Type::real(tport.type.unit / smodel.variables[*sv].type.unit);
  proj.weight = s.weight ? values_->exprAs(s.weight->value.get(), weightType, "the weight")
                         : values_->builder().real(1.0, weightType.unit);
  proj.delaySteps = 1; // unused: the coupling acts within the step (R18b)
  return true;
}

std::optional<NetworkLowerer::TargetPorts>
NetworkLowerer::targetPorts(const A::Projection &pr, const A::NamedArg *port, bool continuous,
                            const Population &tgt, const Model &tmodel) {
  if (port) {
    // Sema resolved the name to an input port of the matching kind.
    auto *nm = A::dyn_cast<A::NameRef>(port->value.get());
    std::optional<uint32_t> id = nm ? tmodel.findPort(nm->name) : std::nullopt;
    if (!id)
      return std::nullopt;
    return TargetPorts{*id, std::nullopt};
  }
  std::vector<uint32_t> candidates;
  for (uint32_t i = 0; i < tmodel.ports.size(); ++i)
    if ((tmodel.ports[i].kind == PortKind::Spike) != continuous)
      candidates.push_back(i);
  if (candidates.size() == 1)
    return TargetPorts{candidates[0], std::nullopt};
  if (auto split = signSplitPorts(tmodel, candidates))
    return TargetPorts{split->first, split->second};
  // Sema lets any set of excitatory/inhibitory ports through; only
  // exactly one of each, alike in type, can be split by sign.
  diags_.error(pr.target.range, fmt::format("say which input port of '{}' this projection targets with "
                                            "'port = NAME'",
                                            tgt.name));
  return std::nullopt;
}

void NetworkLowerer::lowerWeight(const ProjectionSettings &s, const Port &tport, Projection &proj, bool signal) {
  // In the port's unit for spike ports and for a signal_generator's plain
  // numbers; a dimensionless gain for current sources into continuous
  // ports. Default 1.
  Type weightType = (tport.kind == PortKind::Spike || signal) && tport.declaredType && tport.type.isNumeric()
                        ? Type::real(tport.type.unit)
                        : Type::real();
  if (s.weight && tport.kind == PortKind::Spike && !tport.declaredType) {
    ExprPtr w = values_->expr(s.weight->value.get());
    if (w->type.kind == TypeKind::Int)
      w = values_->coerceToReal(std::move(w), s.weight->value->range, "the weight");
    proj.weight = std::move(w);
  } else if (s.weight) {
    proj.weight = values_->exprAs(s.weight->value.get(), weightType, "the weight");
  } else if (!s.synapse) {
    proj.weight = values_->builder().real(1.0, weightType.unit);
  }
  if (!signal)
    scaleCurrentToPort(tport, proj);
}

void NetworkLowerer::scaleCurrentToPort(const Port &tport, Projection &proj) {
  // A current source delivers picoamperes (its amplitudes are lowered in
  // pA); a port declared in nA reads the value in its own unit, so the
  // gain carries the conversion. Sema checked that the port is a current.
  if (tport.kind != PortKind::Continuous || !tport.type.isNumeric() || !proj.weight)
    return;
  static const units::Unit pA = *units::lookupUnit("pA");
  if (tport.type.unit.dim != pA.dim)
    return;
  double factor = conversionFactor(pA, tport.type.unit), w;
  if (factor == 1.0)
    return;
  if (!evaluateConstant(*proj.weight, w)) {
    diags_.error(proj.weight->loc, "a random gain into continuous port '" + tport.name + "' (in '" +
                                       units::formatUnit(tport.type.unit) +
                                       "') is not supported; declare the port in 'pA' or use a constant gain");
    return;
  }
  SourceRange loc = proj.weight->loc;
  proj.weight = values_->builder().real(w * factor);
  proj.weight->loc = loc;
}

void NetworkLowerer::lowerDelay(const A::NamedArg *delay, Projection &proj) {
  if (!delay) {
    // Default: the shortest delay the step allows, one step.
    proj.delay = hostValues_.builder().real(dt_, msUnit());
    proj.delaySteps = 1;
    return;
  }
  // In ms and steps; shorter than one step is an error.
  proj.delay = hostValues_.exprAs(delay->value.get(), msType(), "the delay");
  double d;
  if (proj.delay->type.isError() || !evaluateConstant(*proj.delay, d)) {
    proj.delaySteps = -1;
    return;
  }
  proj.delaySteps = stepsOf(d, delay->value->range, "delay");
  if (proj.delaySteps < 1) {
    diags_.error(delay->value->range, fmt::format("delay of {} ms is shorter than one time step (dt = {} ms); "
                                                  "spikes need at least one step to arrive",
                                                  d, dt_));
    proj.delaySteps = 1;
  }
}

bool NetworkLowerer::lowerSynapse(const A::Projection &pr, const ProjectionSettings &s, Projection &proj) {
  const A::Expr *v = s.synapse->value.get();
  auto *call = A::dyn_cast<A::Call>(v);
  auto *nm = A::dyn_cast<A::NameRef>(v);
  std::string sname = call ? call->callee : nm ? nm->name : "";
  // Sema checked that it names a synapse model, that parameters are
  // named, and that each names a parameter or state variable.
  const ModelEntry *se = program_.entryFor(nullptr, sname);
  if (!se)
    return false;
  // The synapse model runs at the network's semantics like a population's
  // model (R36: defaults < model's file < network's file < network < model;
  // `semantics for` names populations only): its propagators are computed
  // for the network's dt, so it is lowered again as a specialization when
  // they differ (R37).
  Semantics ssem = semanticsOf(*se);
  if (ssem.dtMs != dt_) {
    diags_.error(v->range, fmt::format("synapse model '{}' would run at dt = {} ms, but network '{}' "
                                       "steps at dt = {} ms; a network has one time step",
                                       sname, ssem.dtMs, ast_.name, dt_));
    ssem.dtMs = dt_;
  }
  std::string specName =
      !pr.name.empty() ? pr.name : "connect" + std::to_string(network_.projections.size());
  proj.hasSynapse = true;
  proj.synapseModel = program_.modelFor(*se, ssem, ast_.name, specName);
  proj.synapseName = sname;
  const Model &smodel = *module_.models[proj.synapseModel];
  // R24: a plastic projection's transmission delay is the one its synapse
  // passes to emit_spike; `delay =` would be silently unused.
  if (s.delay)
    diags_.warning(s.delay->value->range,
                   fmt::format("'delay' has no effect on a plastic projection: synapse model '{}' "
                               "sends its spikes with the delay it passes to emit_spike "
                               "(set that parameter in '{}(...)')",
                               sname, sname));
  if (!call)
    return true;
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
  return true;
}

} // namespace nsc::lowering
