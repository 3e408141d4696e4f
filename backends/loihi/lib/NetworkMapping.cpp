//===- NetworkMapping.cpp - An nsc network to a core configuration ----------===//
//
// Per population of a recognised LIF model: the exact one-step propagators
// of its linear system (docs/loihi.md §2), their 12-bit decays, compartment
// groups and readouts; the entry point mapNetwork. Projections are in
// ProjectionMapping.cpp, the voltage scale in ScaleFitting.cpp.
//
//===----------------------------------------------------------------------===//
#include "NetworkMapper.h"

#include "RefractoryTimer.h"
#include "nsc/loihi/Mapping.h"
#include "nsc/passes/PassManager.h"

#include <algorithm>

#include <sstream>

namespace nsc::loihi::detail {

std::optional<CoreConfig> Mapper::run() {
  c_.network = net_.name;
  c_.dtMs = net_.semantics.dtMs;
  c_.seed = net_.semantics.seed;
  c_.limits = opt_.limits;
  pops_.resize(net_.populations.size());
  for (uint32_t p = 0; p < net_.populations.size(); ++p)
    if (!population(p))
      return std::nullopt;
  std::vector<RawProjection> raw;
  for (uint32_t q = 0; q < net_.projections.size(); ++q) {
    raw.emplace_back();
    if (!projection(q, raw.back()))
      return std::nullopt;
  }
  for (const std::string &text : opt_.ranges) {
    std::string err;
    auto o = passes::parseRangeOverride(text, err);
    if (!o)
      return diags_.error({}, "--range " + text + ": " + err), std::nullopt;
    bool found = false;
    for (const PopMap &pm : pops_)
      for (auto &[index, lif] : lifs_)
        found = found || (lif && &*lif == pm.lif &&
                          (mod_.models[index]->findVariable(o->name) || mod_.models[index]->findPort(o->name)));
    if (!found)
      return diags_.error({}, "--range names '" + o->name + "', which is no variable or port of a model the "
                              "Loihi target maps"), std::nullopt;
  }
  for (uint32_t p = 0; p < net_.populations.size(); ++p)
    if (pops_[p].lif && !compartments(p))
      return std::nullopt;
  for (RawProjection &r : raw)
    if (!quantize(r))
      return std::nullopt;
  if (!recorders())
    return std::nullopt;
  if (opt_.explain)
    explain(*opt_.explain);
  return std::move(c_);
}

bool Mapper::fail(SourceRange at, std::string msg) {
  diags_.error(at, std::move(msg));
  return false;
}

const LifStructure *Mapper::structureOf(uint32_t modelIndex) {
  auto it = lifs_.find(modelIndex);
  if (it != lifs_.end())
    return it->second ? &*it->second : nullptr;
  Model &m = *mod_.models[modelIndex];
  std::optional<LifStructure> s;
  if (!m.prepare.empty())
    diags_.error(m.loc, "the Loihi mapping reads models in ODE form: map the lowered module before solve-odes");
  else
    s = recogniseLif(m, diags_);
  auto &slot = lifs_[modelIndex];
  slot = std::move(s);
  return slot ? &*slot : nullptr;
}

bool Mapper::population(uint32_t p) {
  const ir::Population &pop = net_.populations[p];
  Population_ cp;
  loihi::Population &out = cp.p;
  out.name = pop.name;
  out.size = pop.size;
  auto initNamed = [&](const std::string &n) -> const Expr * {
    for (const PopulationInit &i : pop.inits)
      if (i.name == n)
        return i.value.get();
    return nullptr;
  };
  auto steps = [&](const Expr *e, int64_t dflt) {
    if (!e)
      return dflt;
    double ms = NetworkValue::eval(*e, nullptr);
    if (std::isinf(ms) && ms > 0)
      return INT64_MAX;
    auto s = runtime::timeToSteps(ms, c_.dtMs);
    return s ? *s : dflt;
  };
  switch (pop.kind) {
  case PopulationKind::PoissonGenerator:
    out.kind = loihi::Population::Kind::PoissonSource;
    out.rateHz = initNamed("rate") ? NetworkValue::eval(*initNamed("rate"), nullptr) : 0;
    out.startStep = steps(initNamed("start"), 0);
    out.stopStep = steps(initNamed("stop"), INT64_MAX);
    break;
  case PopulationKind::SpikeGenerator: {
    if (!pop.file.empty() || initNamed("neurons"))
      return fail(pop.loc, "spike_generator '" + pop.name +
                               "' with per-neuron times ('neurons' or 'file') cannot map to the Loihi target; "
                               "its spike sources emit the same times from every neuron");
    out.kind = loihi::Population::Kind::SpikeSource;
    std::vector<double> times =
        initNamed("times") ? NetworkValue::list(*initNamed("times")) : std::vector<double>{};
    runtime::SpikeSchedule sched;
    std::string err;
    if (!runtime::buildSpikeSchedule(times, c_.dtMs, sched, err))
      return fail(pop.loc, "spike_generator '" + pop.name + "': " + err);
    out.emitStep = sched.emitStep;
    out.multiplicity = sched.multiplicity;
    break;
  }
  case PopulationKind::InhomogeneousPoissonGenerator:
    return fail(pop.loc, "inhomogeneous_poisson_generator '" + pop.name +
                             "' cannot map to the Loihi target: its Poisson sources have one constant rate");
  case PopulationKind::DcGenerator:
  case PopulationKind::StepCurrentGenerator:
  case PopulationKind::SineGenerator:
  case PopulationKind::NoiseGenerator:
  case PopulationKind::SignalGenerator:
    return fail(pop.loc, std::string(populationKindName(pop.kind)) + " '" + pop.name +
                             "' cannot map: Loihi compartments receive spikes, not continuous currents "
                             "(use a bias parameter such as I_e, or a Poisson source)");
  case PopulationKind::Model: {
    const LifStructure *lif = structureOf(pop.model);
    if (!lif)
      return false;
    out.model = mod_.models[pop.model]->name;
    if (!evaluate(p, *lif))
      return false;
    break;
  }
  }
  c_.populations.push_back(std::move(out));
  return true;
}

/// One population's neurons in the network runtime's layout, with the
/// population's own initial values per variable.
struct Mapper::InitialState {
  InitialState(const Model &m, double dtMs, uint64_t n)
      : ex(m, dtMs), n(n), state(size_t(std::max(1u, ex.rowSize())) * n, eval::Value{}),
        ports(size_t(std::max(1u, ex.portSlots())) * n, 0.0), popInit(m.variables.size(), nullptr) {}

  eval::NeuronFrame frame(uint64_t i) {
    eval::NeuronFrame f;
    f.row = state.data() + i;
    f.stride = n;
    f.portValue = ports.data() + i;
    f.neuron = i;
    return f;
  }

  eval::ModelExecutor ex;
  uint64_t n;
  std::vector<eval::Value> state;
  std::vector<double> ports;
  std::vector<const PopulationInit *> popInit; // by VarId
};

bool Mapper::evaluate(uint32_t p, const LifStructure &lif) {
  const ir::Population &pop = net_.populations[p];
  const Model &m = *mod_.models[pop.model];
  PopMap &pm = pops_[p];
  pm.lif = &lif;
  InitialState s(m, c_.dtMs, pop.size);
  initialise(p, m, s);
  recordPopulationParameters(m, s, pm);
  if (s.n == 0)
    return true;
  if (!registerValues(p, lif, s))
    return false;
  readInitialState(m, lif, s, pm);
  if (!initialTimerSteps(p, lif))
    return false;
  fitDecays(pm);
  return true;
}

void Mapper::initialise(uint32_t p, const Model &m, InitialState &s) {
  const ir::Population &pop = net_.populations[p];
  std::vector<VarId> order = m.initOrder;
  if (order.empty())
    for (const Variable &v : m.variables)
      order.push_back(v.id);
  for (const PopulationInit &pi : pop.inits)
    if (pi.var < s.popInit.size())
      s.popInit[pi.var] = &pi;
  for (uint64_t i = 0; i < s.n; ++i) {
    eval::NeuronFrame f = s.frame(i);
    for (VarId v : order) {
      const Variable &var = m.variables[v];
      if (var.role == VarRole::Local || var.role == VarRole::Argument || var.vectorSize)
        continue;
      if (s.popInit[v]) {
        const Expr &e = *s.popInit[v]->value;
        double value;
        if (NetworkValue::isRandom(e)) {
          auto rs = runtime::RandomStream::perIndex(net_.semantics.seed, p, runtime::Stream::InitialValue, i,
                                                    uint16_t(v));
          value = NetworkValue::eval(e, &rs);
        } else {
          value = NetworkValue::eval(e, nullptr);
        }
        s.ex.store(v, value, f);
      } else if (var.init) {
        f.cell(s.ex.slotOf(v)) = s.ex.evalAs(*var.init, var.type, f);
      }
    }
  }
}

void Mapper::recordPopulationParameters(const Model &m, InitialState &s, PopMap &pm) {
  // Parameters the population sets, for the range analysis (one value
  // per population; a parameter that differs keeps its default there).
  for (VarId v = 0; v < m.variables.size(); ++v) {
    const Variable &var = m.variables[v];
    if (!s.popInit[v] || var.role != VarRole::Parameter || var.vectorSize || s.n == 0)
      continue;
    double first = eval::ModelExecutor::asDouble(var.type, s.frame(0).cell(s.ex.slotOf(v)));
    bool same = true;
    for (uint64_t i = 1; i < s.n && same; ++i)
      same = eval::ModelExecutor::asDouble(var.type, s.frame(i).cell(s.ex.slotOf(v))) == first;
    if (same && std::isfinite(first))
      pm.params[v] = first;
  }
}

/// The IR printer's text as the source spells it (no % and @ sigils).
static std::string withoutSigils(const std::string &t) {
  std::string out;
  for (char ch : t)
    if (ch != '%' && ch != '@')
      out += ch;
  return out;
}

bool Mapper::uniformValue(uint32_t p, const Expr &e, const char *what, InitialState &s, double &out) {
  // Register values must be one per population: compare every neuron's.
  const ir::Population &pop = net_.populations[p];
  const Model &m = *mod_.models[pop.model];
  for (uint64_t i = 0; i < s.n; ++i) {
    eval::NeuronFrame f = s.frame(i);
    double x = s.ex.evalReal(e, f);
    if (i == 0) {
      out = x;
    } else if (x != out) {
      return fail(e.loc, std::string(what) + " '" + printExprSafe(e, m) + "' differs between neurons of '" +
                             pop.name + "' (" + fmtNum(out) + " and " + fmtNum(x) +
                             "): a compartment group has one register value");
    }
    if (!std::isfinite(x))
      return fail(e.loc, std::string(what) + " '" + printExprSafe(e, m) + "' is not finite in '" + pop.name + "'");
  }
  return true;
}

bool Mapper::registerValues(uint32_t p, const LifStructure &lif, InitialState &s) {
  const Model &m = *mod_.models[net_.populations[p].model];
  PopMap &pm = pops_[p];
  if (!uniformValue(p, *lif.leak, "leak", s, pm.a) || !uniformValue(p, *lif.threshold, "threshold", s, pm.thr) ||
      !uniformValue(p, *lif.reset, "reset", s, pm.reset))
    return false;
  if (lif.drive && !uniformValue(p, *lif.drive, "constant drive", s, pm.drive))
    return false;
  for (const LifStructure::Current &cur : lif.currents) {
    double r = 0, g = 0;
    if (!uniformValue(p, *cur.rate, "decay rate", s, r) || !uniformValue(p, *cur.gain, "input gain", s, g))
      return false;
    if (!(r < 0))
      return fail(cur.rate->loc, "synaptic variable '" + m.variables[cur.var].name +
                                     "' does not decay (rate " + fmtNum(r) + "/ms): a Loihi current must");
    pm.rate.push_back(r);
    pm.gain.push_back(g);
  }
  for (const LifStructure::PortInput &in : lif.portInputs) {
    // NESTML 8's `spikes * pA * s`: the constants become part of the weight.
    double f = in.factor, x = 0;
    for (const Expr *e : in.scale) {
      if (!uniformValue(p, *e, "weight factor", s, x))
        return false;
      f *= x;
    }
    for (const Expr *e : in.divisors) {
      if (!uniformValue(p, *e, "weight divisor", s, x))
        return false;
      if (x == 0)
        return fail(e->loc, "weight divisor '" + withoutSigils(printExprSafe(*e, m)) + "' is 0");
      f /= x;
    }
    pm.inputFactor.push_back(f);
  }
  if (lif.counterReset) {
    double r = 0;
    if (!uniformValue(p, *lif.counterReset, lif.timer ? "refractory period" : "refractory count", s, r))
      return false;
    if (lif.timer) {
      auto steps = timerHoldSteps(m, pm.params, lif.counter, {r}, c_.dtMs, kMaxRefractoryDelay, diags_);
      if (!steps)
        return false;
      pm.refr = (*steps)[0];
      if (pm.refr > int64_t(kMaxRefractoryDelay))
        return fail(lif.counterReset->loc, "refractory period of " + fmtNum(r) + unitSuffix(m.variables[lif.counter].type.unit) +
                                               " holds the voltage for more than " +
                                               std::to_string(kMaxRefractoryDelay) + " steps of " + fmtNum(c_.dtMs) +
                                               " ms: Loihi's refractory delay is 0.." +
                                               std::to_string(kMaxRefractoryDelay) + " steps");
    } else {
      pm.refr = int64_t(r);
    }
    if (pm.refr < 0 || pm.refr > int64_t(kMaxRefractoryDelay))
      return fail(lif.counterReset->loc, "refractory count of " + std::to_string(pm.refr) +
                                             " steps does not fit Loihi's refractory delay (0.." +
                                             std::to_string(kMaxRefractoryDelay) + " steps)");
  }
  for (const LifStructure::PortInput &in : lif.portInputs)
    if (in.toVoltage() && pm.refr > 0) {
      SourceRange at = in.loc.valid() ? in.loc : m.odes.equationFor(lif.V)->loc; // a lowered delta kernel
      diags_.warning(at, "spikes on '" + m.ports[in.port].name + "' jump '" + m.variables[lif.V].name +
                                 "' directly: on Loihi those that arrive while the neuron is refractory are "
                                 "discarded (its voltage is held at the reset), while the float model adds "
                                 "them to the held voltage")
          .note(net_.populations[p].loc, "'" + net_.populations[p].name + "' is refractory for " +
                                             std::to_string(pm.refr) + " steps after each spike");
      break;
    }
  if (pm.a > 0)
    return fail(lif.leak->loc, "membrane variable '" + m.variables[lif.V].name +
                                   "' grows on its own (leak coefficient " + fmtNum(pm.a) +
                                   "/ms > 0): a Loihi voltage decays");
  if (!(pm.thr > pm.reset))
    return fail(lif.threshold->loc, "threshold " + fmtNum(pm.thr) + " is not above the reset value " +
                                        fmtNum(pm.reset) + ": Loihi resets v to 0 below a positive threshold");
  return true;
}

void Mapper::readInitialState(const Model &m, const LifStructure &lif, InitialState &s, PopMap &pm) {
  pm.x0.assign(lif.currents.size(), std::vector<double>(s.n, 0.0));
  for (uint64_t i = 0; i < s.n; ++i) {
    eval::NeuronFrame f = s.frame(i);
    pm.V0.push_back(eval::ModelExecutor::asDouble(m.variables[lif.V].type, f.cell(s.ex.slotOf(lif.V))));
    for (size_t j = 0; j < lif.currents.size(); ++j)
      pm.x0[j][i] = eval::ModelExecutor::asDouble(m.variables[lif.currents[j].var].type,
                                                    f.cell(s.ex.slotOf(lif.currents[j].var)));
    if (lif.timer)
      pm.timer0.push_back(eval::ModelExecutor::asDouble(m.variables[lif.counter].type,
                                                         f.cell(s.ex.slotOf(lif.counter))));
    pm.count0.push_back(lif.counter != kNoVar && !lif.timer ? f.cell(s.ex.slotOf(lif.counter)).i : 0);
  }
}

bool Mapper::initialTimerSteps(uint32_t p, const LifStructure &lif) {
  // Each neuron's initial time left, in the steps the float model holds V.
  PopMap &pm = pops_[p];
  if (!lif.timer || pm.timer0.empty())
    return true;
  std::vector<double> starts = pm.timer0;
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  const Model &m = *mod_.models[net_.populations[p].model];
  auto steps = timerHoldSteps(m, pm.params, lif.counter, starts, c_.dtMs, kMaxRefractoryDelay, diags_);
  if (!steps)
    return false;
  for (size_t i = 0; i < pm.timer0.size(); ++i) {
    size_t k = size_t(std::lower_bound(starts.begin(), starts.end(), pm.timer0[i]) - starts.begin());
    pm.count0[i] = std::min<int64_t>((*steps)[k], kMaxRefractoryDelay);
  }
  return true;
}

void Mapper::fitDecays(PopMap &pm) {
  // Group currents by decay rate; exact propagators; 12-bit decays.
  const double h = c_.dtMs;
  pm.PV = std::exp(pm.a * h);
  pm.dvEff = uint32_t(std::min<double>(kMaxDecay, std::llround(4096.0 * (1 - pm.PV))));
  pm.alphaV = 1 - pm.dvEff / 4096.0;
  for (size_t j = 0; j < pm.rate.size(); ++j) {
    size_t g = 0;
    while (g < pm.groupRate.size() && pm.groupRate[g] != pm.rate[j])
      ++g;
    if (g == pm.groupRate.size()) {
      pm.groupRate.push_back(pm.rate[j]);
      double P = std::exp(pm.rate[j] * h);
      pm.duEff.push_back(uint32_t(std::clamp<long long>(std::llround(4096.0 * (1 - P)), 1, 4096)));
    }
    pm.groupOf.push_back(g);
  }
  // Delta synapses: a memoryless group (du 4096: u holds one step's input)
  // whose input v adds in the step it arrives.
  for (const LifStructure::PortInput &in : pm.lif->portInputs)
    if (in.toVoltage() && pm.deltaGroup < 0) {
      pm.deltaGroup = int(pm.groupRate.size());
      pm.groupRate.push_back(-INFINITY);
      pm.duEff.push_back(4096);
    }
  for (size_t j = 0; j < pm.rate.size(); ++j) {
    double lam = pm.rate[j], P = std::exp(lam * h);
    // Exact coefficient of x_j(t_k) in V(t_{k+1}) for V' = aV + c x, x' = lam x.
    double pvx = lam != pm.a ? pm.gain[j] * (P - pm.PV) / (lam - pm.a) : pm.gain[j] * h * pm.PV;
    double alphaU = 1 - pm.duEff[pm.groupOf[j]] / 4096.0;
    // Charge-preserving gain: the quantized decays keep the total
    // voltage response of a unit jump (docs/loihi.md §3). A jump J into u
    // adds J/((1-alphaU)(1-alphaV)) to the sum of v over time; the float
    // model's jump X adds pvx X/((1-P)(1-PV)) to the sum of V, so
    // J = s pvx X (1-alphaU)(1-alphaV)/((1-P)(1-PV)).
    double gu = alphaU < 1 && P < 1 ? (1 - alphaU) / (1 - P) : 1.0;
    double gv = pm.alphaV < 1 && pm.PV < 1 ? (1 - pm.alphaV) / (1 - pm.PV) : 1.0;
    pm.kappa.push_back(pvx * gu * gv);
  }
}

/// Voltage scale, registers and groups of a model population (§3).
bool Mapper::compartments(uint32_t p) {
  PopMap &pm = pops_[p];
  const ir::Population &pop = net_.populations[p];
  loihi::Population &out = c_.populations[p];
  const Model &m = *mod_.models[pop.model];
  const std::string &vName = m.variables[pm.lif->V].name;
  double theta = pm.thr - pm.reset;
  double E = pm.a < 0 ? -pm.drive / pm.a : pm.reset;
  // Per-step drive towards E in v units per unit s, equilibrium kept with
  // the quantized decay.
  double beta = pm.PV < 1 ? (E - pm.reset) * (1 - pm.alphaV) : pm.drive * c_.dtMs;
  // The largest scale the threshold, bias and weight registers allow.
  double s = double(kMaxVthMant) * 64 / theta;
  if (beta != 0)
    s = std::min(s, double(kMaxBiasMant) * 128 / std::fabs(beta));
  if (pm.maxInput > 0)
    s = std::min(s, 255.0 * 128 * 64 / pm.maxInput);
  if (!rangesOf(p) || !fitRanges(p, theta, s))
    return false;
  uint32_t vth = uint32_t(std::floor(s * theta / 64));
  if (vth < 1)
    return fail(pop.loc, "population '" + pop.name + "' cannot be scaled onto 24-bit voltages");
  s = vth * 64.0 / theta; // the threshold is exact
  pm.s = s;
  // Bias: the smallest exponent whose mantissa fits 13 bits.
  double biasReal = s * beta;
  uint32_t bexp = 0;
  while (bexp < kMaxBiasExp && std::fabs(std::round(biasReal / std::ldexp(1.0, int(bexp)))) > kMaxBiasMant)
    ++bexp;
  int32_t bmant = int32_t(std::clamp<double>(std::round(biasReal / std::ldexp(1.0, int(bexp))), kMinBiasMant,
                                             kMaxBiasMant));
  uint64_t n = pop.size;
  CompartmentGroup soma;
  soma.name = pop.name + ".soma";
  soma.population = p;
  soma.size = n;
  soma.dsOffset = 1;
  soma.du = pm.groupRate.size() == 1 ? pm.duEff[0] : 4096;
  soma.dmOffset = 0;
  soma.dv = pm.dvEff;
  soma.vthMant = vth;
  soma.biasMant = bmant;
  soma.biasExp = bexp;
  soma.refractoryDelay = uint32_t(pm.refr);
  for (uint64_t i = 0; i < n; ++i) {
    double v = std::round(s * (pm.V0[i] - pm.reset));
    soma.v0.push_back(int32_t(std::clamp<double>(v, -double(kMaxUV) + 1, double(kMaxUV) - 1)));
    soma.refractory0.push_back(uint32_t(std::clamp<int64_t>(pm.count0[i], 0, kMaxRefractoryDelay)));
  }
  pm.soma = uint32_t(c_.groups.size());
  out.soma = int32_t(pm.soma);
  out.readouts.push_back({vName, pm.soma, Readout::Source::V, s, pm.reset});
  c_.groups.push_back(soma);
  // Initial u of a group: decay(u0) equals the scaled initial currents.
  auto initialU = [&](size_t g, uint32_t duEff, std::vector<int32_t> &u0) {
    double alphaU = 1 - duEff / 4096.0;
    bool any = false;
    u0.assign(n, 0);
    for (uint64_t i = 0; i < n && alphaU > 0; ++i) {
      double sum = 0;
      for (size_t j = 0; j < pm.groupOf.size(); ++j)
        if (pm.groupOf[j] == g)
          sum += s * pm.kappa[j] * pm.x0[j][i];
      u0[i] = int32_t(std::clamp<double>(std::round(sum / alphaU), -double(kMaxUV) + 1, double(kMaxUV)));
      any = any || u0[i];
    }
    if (!any)
      u0.clear();
  };
  if (pm.groupRate.size() == 1) {
    pm.groupCompartment = {pm.soma};
    initialU(0, pm.duEff[0], c_.groups[pm.soma].u0);
  } else {
    for (size_t g = 0; g < pm.groupRate.size(); ++g) {
      CompartmentGroup d;
      d.name = pop.name + ".dend" + std::to_string(g);
      d.population = p;
      d.size = n;
      d.dsOffset = 1;
      d.du = pm.duEff[g];
      d.dmOffset = 1;
      d.dv = 4096; // v follows u
      d.joinTo = int32_t(pm.soma);
      initialU(g, d.du, d.u0);
      pm.groupCompartment.push_back(uint32_t(c_.groups.size()));
      out.dendrites.push_back(uint32_t(c_.groups.size()));
      c_.groups.push_back(std::move(d));
    }
  }
  for (size_t j = 0; j < pm.groupOf.size(); ++j) {
    size_t g = pm.groupOf[j];
    unsigned shared = 0;
    for (size_t k = 0; k < pm.groupOf.size(); ++k)
      shared += pm.groupOf[k] == g;
    if (shared == 1 && pm.kappa[j] != 0)
      out.readouts.push_back({m.variables[pm.lif->currents[j].var].name, pm.groupCompartment[g],
                              Readout::Source::NextU, s * pm.kappa[j], 0.0});
  }
  return true;
}

bool Mapper::recorders() {
  for (const ir::Recorder &r : net_.recorders) {
    loihi::Recorder out;
    out.label = r.label;
    out.population = r.target.population;
    out.begin = r.target.begin;
    out.end = r.target.end;
    out.every = std::max<uint64_t>(1, r.intervalSteps);
    for (const RecordItem &it : r.what) {
      if (it.kind == RecordItem::Kind::Spikes)
        continue;
      const loihi::Population &p = c_.populations[r.target.population];
      bool found = false;
      std::string readable;
      for (const Readout &ro : p.readouts) {
        found = found || ro.variable == it.name;
        readable += (readable.empty() ? "'" : ", '") + ro.variable + "'";
      }
      if (!found)
        return fail(r.loc, "recorded variable '" + it.name + "' has no readout on the Loihi target (readable in '" +
                               p.name + "': " + readable + ")");
      out.variables.push_back(it.name);
    }
    if (!out.variables.empty())
      c_.recorders.push_back(std::move(out));
  }
  return true;
}

} // namespace nsc::loihi::detail

namespace nsc::loihi {

std::optional<CoreConfig> mapNetwork(ir::Module &module, uint32_t networkIndex, const MappingOptions &options,
                                     DiagnosticEngine &diags) {
  if (networkIndex >= module.networks.size()) {
    diags.error({}, "no network to map to the Loihi target");
    return std::nullopt;
  }
  bool solved = false;
  for (auto &m : module.models)
    solved = solved || !m->prepare.empty();
  if (!solved) {
    passes::PassManager pm;
    std::ostringstream log;
    passes::PassContext ctx(diags, log);
    if (!pm.addPipeline("inline-expressions,lower-kernels,fold-constants", diags) || !pm.run(module, ctx))
      return std::nullopt;
  }
  if (!checkLoihiSettings(module, networkIndex, diags))
    return std::nullopt;
  return detail::Mapper(module, *module.networks[networkIndex], options, diags).run();
}

} // namespace nsc::loihi
