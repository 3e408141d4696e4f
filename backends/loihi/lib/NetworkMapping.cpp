//===- NetworkMapping.cpp - An nsc network to a core configuration --------===//
//
// Per population of a recognised LIF model: the exact one-step propagators
// of its linear system (docs/loihi.md §2), their 12-bit decays, a voltage
// scale s chosen as large as the registers allow (§3), compartment groups
// and readouts. Per projection: the synapses exactly as the network runtime
// builds them (same rules, seeds and streams), quantized into 8-bit
// mantissas with a shared exponent by Lava's rule. Sources become input
// spike generators.
//
//===----------------------------------------------------------------------===//
#include "nsc/loihi/Mapping.h"

#include "LifRanges.h"
#include "LifStructure.h"
#include "MappingReport.h"
#include "NetworkValue.h"
#include "nsc/frontend/Units.h"
#include "nsc/interp/ModelExecutor.h"
#include "nsc/loihi/Emulator.h"
#include "nsc/passes/PassManager.h"
#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/Random.h"
#include "nsc/runtime/Schedule.h"
#include "nsc/passes/RangeAnalysis.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace nsc::loihi {

using namespace ir;
using network::NetworkValue;

namespace {

std::string fmtNum(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", x);
  return b;
}

std::string unitName(const units::Unit &u) {
  std::string t = units::formatUnit(u);
  return t.empty() || t == "1" ? "unit" : t;
}
std::string unitSuffix(const units::Unit &u) {
  std::string t = units::formatUnit(u);
  return t.empty() || t == "1" ? "" : " " + t;
}

/// One model population as the mapping sees it.
struct PopMap {
  const LifStructure *lif = nullptr;
  double a = 0, drive = 0, thr = 0, reset = 0;
  int64_t refr = 0;
  std::vector<double> rate, gain;    // per current
  std::vector<double> V0;            // per neuron
  std::vector<std::vector<double>> x0; // per current, per neuron
  std::vector<int64_t> count0;
  // Compartments: one group of currents per distinct rate.
  std::vector<double> groupRate;
  std::vector<size_t> groupOf;       // per current
  std::vector<double> kappa;         // dv per unit of x_j per unit of s (the charge-preserving gain)
  double alphaV = 1, PV = 1;
  uint32_t dvEff = 0;
  std::vector<uint32_t> duEff;       // per group
  double maxInput = 0;               // max |kappa f w| over incoming synapses
  double s = 0;                      // v units per model unit of V
  // Range inputs (LifRanges.h): parameter values the population sets,
  // per current and neuron the densest-input bound (positive and negative
  // parts), per port and neuron the per-step sums.
  std::map<VarId, double> params;
  std::vector<std::vector<double>> xPos, xNeg;
  std::vector<bool> currentAssumed;
  std::map<uint32_t, std::pair<std::vector<double>, std::vector<double>>> portSum;
  LifRanges ranges;
  std::string limitedBy; // what chose the scale (the report)
  size_t currents() const { return rate.size(); }
  uint32_t soma = 0;
  std::vector<uint32_t> groupCompartment; // config group per current group
};

struct RawProjection {
  uint32_t index;
  runtime::SynapseList sl;
  std::vector<double> w;
  std::vector<int64_t> d;
};

class Mapper {
public:
  Mapper(Module &m, const Network &net, const MappingOptions &o, DiagnosticEngine &d)
      : mod_(m), net_(net), opt_(o), diags_(d) {}

  std::optional<CoreConfig> run() {
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

private:
  bool fail(SourceRange at, std::string msg) {
    diags_.error(at, std::move(msg));
    return false;
  }

  const LifStructure *structureOf(uint32_t modelIndex) {
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

  bool population(uint32_t p) {
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
    case PopulationKind::DcGenerator:
    case PopulationKind::StepCurrentGenerator:
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
  struct Population_ {
    loihi::Population p;
  };

  /// Initial state as the network runtime sets it (Engine.cpp: initOrder,
  /// population arguments, stream 2 for random ones), then every value the
  /// mapping needs, per neuron.
  bool evaluate(uint32_t p, const LifStructure &lif) {
    const ir::Population &pop = net_.populations[p];
    const Model &m = *mod_.models[pop.model];
    PopMap &pm = pops_[p];
    pm.lif = &lif;
    uint64_t n = pop.size;
    interp::ModelExecutor ex(m, c_.dtMs);
    unsigned rows = std::max(1u, ex.rowSize());
    std::vector<interp::Value> state(size_t(rows) * n, interp::Value{});
    std::vector<double> ports(size_t(std::max(1u, ex.portSlots())) * n, 0.0);
    std::vector<VarId> order = m.initOrder;
    if (order.empty())
      for (const Variable &v : m.variables)
        order.push_back(v.id);
    std::vector<const PopulationInit *> popInit(m.variables.size(), nullptr);
    for (const PopulationInit &pi : pop.inits)
      if (pi.var < popInit.size())
        popInit[pi.var] = &pi;
    auto frame = [&](uint64_t i) {
      interp::NeuronFrame f;
      f.row = state.data() + i;
      f.stride = n;
      f.portValue = ports.data() + i;
      f.neuron = i;
      return f;
    };
    for (uint64_t i = 0; i < n; ++i) {
      interp::NeuronFrame f = frame(i);
      for (VarId v : order) {
        const Variable &var = m.variables[v];
        if (var.role == VarRole::Local || var.role == VarRole::Argument || var.vectorSize)
          continue;
        if (popInit[v]) {
          const Expr &e = *popInit[v]->value;
          double value;
          if (NetworkValue::isRandom(e)) {
            auto rs = runtime::RandomStream::perIndex(net_.semantics.seed, p, runtime::Stream::InitialValue, i,
                                                      uint16_t(v));
            value = NetworkValue::eval(e, &rs);
          } else {
            value = NetworkValue::eval(e, nullptr);
          }
          ex.store(v, value, f);
        } else if (var.init) {
          f.cell(ex.slotOf(v)) = ex.evalAs(*var.init, var.type, f);
        }
      }
    }
    // Parameters the population sets, for the range analysis (one value
    // per population; a parameter that differs keeps its default there).
    for (VarId v = 0; v < m.variables.size(); ++v) {
      const Variable &var = m.variables[v];
      if (!popInit[v] || var.role != VarRole::Parameter || var.vectorSize || n == 0)
        continue;
      double first = interp::ModelExecutor::asDouble(var.type, frame(0).cell(ex.slotOf(v)));
      bool same = true;
      for (uint64_t i = 1; i < n && same; ++i)
        same = interp::ModelExecutor::asDouble(var.type, frame(i).cell(ex.slotOf(v))) == first;
      if (same && std::isfinite(first))
        pm.params[v] = first;
    }
    // Register values must be one per population: compare every neuron's.
    auto uniform = [&](const Expr &e, const char *what, double &out) {
      for (uint64_t i = 0; i < n; ++i) {
        interp::NeuronFrame f = frame(i);
        double x = ex.evalReal(e, f);
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
    };
    if (n == 0)
      return true;
    if (!uniform(*lif.leak, "leak", pm.a) || !uniform(*lif.threshold, "threshold", pm.thr) ||
        !uniform(*lif.reset, "reset", pm.reset))
      return false;
    if (lif.drive && !uniform(*lif.drive, "constant drive", pm.drive))
      return false;
    for (const LifStructure::Current &cur : lif.currents) {
      double r = 0, g = 0;
      if (!uniform(*cur.rate, "decay rate", r) || !uniform(*cur.gain, "input gain", g))
        return false;
      if (!(r < 0))
        return fail(cur.rate->loc, "synaptic variable '" + m.variables[cur.var].name +
                                       "' does not decay (rate " + fmtNum(r) + "/ms): a Loihi current must");
      pm.rate.push_back(r);
      pm.gain.push_back(g);
    }
    if (lif.counterReset) {
      double r = 0;
      if (!uniform(*lif.counterReset, "refractory count", r))
        return false;
      pm.refr = int64_t(r);
      if (pm.refr < 0 || pm.refr > int64_t(kMaxRefractoryDelay))
        return fail(lif.counterReset->loc, "refractory count of " + std::to_string(pm.refr) +
                                               " steps does not fit Loihi's refractory delay (0.." +
                                               std::to_string(kMaxRefractoryDelay) + " steps)");
    }
    if (pm.a > 0)
      return fail(lif.leak->loc, "membrane variable '" + m.variables[lif.V].name +
                                     "' grows on its own (leak coefficient " + fmtNum(pm.a) +
                                     "/ms > 0): a Loihi voltage decays");
    if (!(pm.thr > pm.reset))
      return fail(lif.threshold->loc, "threshold " + fmtNum(pm.thr) + " is not above the reset value " +
                                          fmtNum(pm.reset) + ": Loihi resets v to 0 below a positive threshold");
    pm.x0.assign(lif.currents.size(), std::vector<double>(n, 0.0));
    for (uint64_t i = 0; i < n; ++i) {
      interp::NeuronFrame f = frame(i);
      pm.V0.push_back(interp::ModelExecutor::asDouble(m.variables[lif.V].type, f.cell(ex.slotOf(lif.V))));
      for (size_t j = 0; j < lif.currents.size(); ++j)
        pm.x0[j][i] = interp::ModelExecutor::asDouble(m.variables[lif.currents[j].var].type,
                                                      f.cell(ex.slotOf(lif.currents[j].var)));
      pm.count0.push_back(lif.counter != kNoVar ? f.cell(ex.slotOf(lif.counter)).i : 0);
    }
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
    return true;
  }

  static std::string printExprSafe(const Expr &e, const Model &m);

  bool projection(uint32_t q, RawProjection &r) {
    const Projection &pr = net_.projections[q];
    r.index = q;
    const ir::Population &tgt = net_.populations[pr.target.population];
    const ir::Population &src = net_.populations[pr.source.population];
    if (pr.hasSynapse)
      return fail(pr.loc, "plastic synapses ('" + pr.synapseName + "') cannot map to the Loihi target: its "
                                                                     "synapse groups have fixed weights");
    if (src.kind == PopulationKind::DcGenerator || src.kind == PopulationKind::StepCurrentGenerator)
      return fail(pr.loc, "current source projection cannot map");
    if (tgt.kind != PopulationKind::Model)
      return fail(pr.loc, "a projection must target a model population");
    const Model &tm = *mod_.models[tgt.model];
    if (tm.ports[pr.port].kind == PortKind::Continuous)
      return fail(pr.loc, "projection into continuous input '" + tm.ports[pr.port].name +
                              "' cannot map: Loihi compartments receive spikes, not continuous currents");
    runtime::ConnectionSpec spec;
    using R = runtime::ConnectRule;
    switch (pr.conn.rule) {
    case ConnectionRule::AllToAll: spec.rule = R::AllToAll; break;
    case ConnectionRule::OneToOne: spec.rule = R::OneToOne; break;
    case ConnectionRule::FixedProbability: spec.rule = R::FixedProbability; break;
    case ConnectionRule::FixedIndegree: spec.rule = R::FixedIndegree; break;
    case ConnectionRule::FixedOutdegree: spec.rule = R::FixedOutdegree; break;
    case ConnectionRule::FromFile: spec.rule = R::FromFile; break;
    }
    spec.source = {pr.source.population, pr.source.begin, pr.source.end};
    spec.target = {pr.target.population, pr.target.begin, pr.target.end};
    spec.probability = pr.conn.probability;
    spec.count = pr.conn.count;
    spec.path = pr.conn.path;
    spec.allowAutapses = pr.conn.allowAutapses;
    spec.allowMultapses = pr.conn.allowMultapses;
    spec.seed = net_.semantics.seed;
    spec.projection = q;
    runtime::ConnectResult cr;
    if (spec.rule == R::FromFile) {
      std::ifstream in(spec.path);
      if (!in)
        return fail(pr.loc, "cannot open connection file '" + spec.path + "'");
      cr = runtime::connectFromCsv(in, spec.path, spec);
    } else {
      cr = runtime::buildConnections(spec);
    }
    if (!cr.ok())
      return fail(pr.loc, "cannot build projection: " + cr.error);
    r.sl = std::move(cr.synapses);
    r.w = !r.sl.weight.empty() ? std::move(r.sl.weight)
          : pr.weight ? runtime::drawPerSynapse(NetworkValue::distribution(*pr.weight), r.sl, spec,
                                                runtime::Stream::Weight)
                      : std::vector<double>(r.sl.size(), 1.0);
    std::vector<double> dms;
    if (!r.sl.delay.empty())
      dms = std::move(r.sl.delay);
    else if (pr.delay && NetworkValue::isRandom(*pr.delay))
      dms = runtime::drawPerSynapse(NetworkValue::distribution(*pr.delay), r.sl, spec, runtime::Stream::Delay);
    r.d.resize(r.sl.size());
    for (size_t s = 0; s < r.sl.size(); ++s) {
      r.d[s] = dms.empty() ? std::max<int64_t>(1, pr.delaySteps) : runtime::drawnDelaySteps(dms[s], c_.dtMs);
      if (r.d[s] > int64_t(kMaxDelay))
        return fail(pr.delay ? pr.delay->loc : pr.loc,
                    "a delay of " + std::to_string(r.d[s]) + " steps (" + fmtNum(double(r.d[s]) * c_.dtMs) +
                        " ms) exceeds Loihi's synaptic delay of at most " + std::to_string(kMaxDelay) + " steps");
    }
    // Largest input per current, for the scale (§3), and the densest
    // input per neuron for the range analysis (LifRanges.h).
    PopMap &pm = pops_[pr.target.population];
    if (!pm.lif)
      return true;
    uint64_t nt = tgt.size;
    double mult = 1, gap = 1;
    bool assumed = false;
    switch (src.kind) {
    case PopulationKind::Model:
      gap = double(pops_[pr.source.population].refr + 1);
      break;
    case PopulationKind::SpikeGenerator:
      for (uint32_t k : c_.populations[pr.source.population].multiplicity)
        mult = std::max(mult, double(k));
      break;
    case PopulationKind::PoissonGenerator:
      // Per target neuron below: the sum of its sources' counts is
      // Poisson(n_in λ), bounded once (not k per source).
      mult = 0;
      assumed = true;
      break;
    default: break;
    }
    if (pm.xPos.empty()) {
      pm.xPos.assign(pm.rate.size(), std::vector<double>(nt, 0.0));
      pm.xNeg = pm.xPos;
      pm.currentAssumed.assign(pm.rate.size(), false);
    }
    struct PoissonIn { double n = 0, pos = 0, neg = 0; };
    std::map<std::pair<size_t, uint64_t>, PoissonIn> poissonIn;   // (current, neuron)
    std::map<std::pair<uint32_t, uint64_t>, PoissonIn> poissonPort; // (port, neuron)
    for (size_t s = 0; s < r.sl.size(); ++s) {
      uint32_t port = portOf(pr, r.w[s]);
      auto &ps = pm.portSum[port];
      if (ps.first.empty())
        ps = {std::vector<double>(nt, 0.0), std::vector<double>(nt, 0.0)};
      uint64_t t = r.sl.target[s];
      double wv = pr.negativePort && r.w[s] < 0 ? -r.w[s] : r.w[s];
      if (assumed) {
        auto &pw = poissonPort[{port, t}];
        pw.n += 1;
        (wv > 0 ? pw.pos : pw.neg) = wv > 0 ? std::max(pw.pos, wv) : std::min(pw.neg, wv);
      } else {
        (wv > 0 ? ps.first : ps.second)[t] += wv * mult;
      }
      for (const LifStructure::PortInput &in : pm.lif->portInputs)
        if (in.port == port) {
          pm.maxInput = std::max(pm.maxInput, std::fabs(pm.kappa[in.current] * in.factor * r.w[s]));
          double P = std::exp(pm.rate[in.current] * c_.dtMs);
          double x = in.factor * wv * (assumed ? 1.0 : mult) / (1 - std::pow(P, gap));
          if (assumed) {
            auto &pw = poissonIn[{in.current, t}];
            pw.n += 1;
            (x > 0 ? pw.pos : pw.neg) = x > 0 ? std::max(pw.pos, x) : std::min(pw.neg, x);
          } else {
            (x > 0 ? pm.xPos : pm.xNeg)[in.current][t] += x;
          }
          pm.currentAssumed[in.current] = pm.currentAssumed[in.current] || assumed;
        }
    }
    double lambda = assumed ? c_.populations[pr.source.population].rateHz * c_.dtMs / 1000.0 : 0;
    for (auto &[key, pw] : poissonIn) {
      double k = poissonCountBound(pw.n * lambda);
      pm.xPos[key.first][key.second] += k * pw.pos;
      pm.xNeg[key.first][key.second] += k * pw.neg;
    }
    for (auto &[key, pw] : poissonPort) {
      double k = poissonCountBound(pw.n * lambda);
      pm.portSum[key.first].first[key.second] += k * pw.pos;
      pm.portSum[key.first].second[key.second] += k * pw.neg;
    }
    return true;
  }

  static uint32_t portOf(const Projection &pr, double w) {
    return pr.negativePort && w < 0 ? *pr.negativePort : pr.port;
  }

  /// Voltage scale, registers and groups of a model population (§3).
  bool compartments(uint32_t p) {
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

  /// Ranges of V and the synaptic variables of population p (LifRanges.h).
  bool rangesOf(uint32_t p) {
    PopMap &pm = pops_[p];
    const ir::Population &pop = net_.populations[p];
    LifRangeInputs in;
    in.model = mod_.models[pop.model].get();
    in.parameterValues = pm.params;
    for (size_t j = 0; j < pm.rate.size(); ++j) {
      passes::Interval b = passes::Interval::point(0);
      for (uint64_t i = 0; i < pop.size; ++i) {
        double lo = std::min(0.0, pm.x0[j][i]) + (pm.xNeg.empty() ? 0 : pm.xNeg[j][i]);
        double hi = std::max(0.0, pm.x0[j][i]) + (pm.xPos.empty() ? 0 : pm.xPos[j][i]);
        b = b.hull(passes::Interval::of(lo, hi));
      }
      in.currentBounds.push_back(b);
      in.currentAssumed.push_back(!pm.currentAssumed.empty() && pm.currentAssumed[j]);
    }
    const Model &m = *mod_.models[pop.model];
    for (auto &[port, sums] : pm.portSum) {
      passes::Interval b = passes::Interval::point(0);
      for (uint64_t i = 0; i < pop.size; ++i)
        b = b.hull(passes::Interval::of(sums.second[i], sums.first[i]));
      in.portSums[m.ports[port].name] = b;
    }
    for (double v : pm.V0)
      in.initialV = in.initialV.hull(passes::Interval::point(v));
    in.userRanges = opt_.ranges;
    auto r = analyseLifRanges(in, *pm.lif, diags_);
    if (!r)
      return false;
    pm.ranges = std::move(*r);
    return true;
  }

  /// Lowers the scale s until the ranges of V (in v) and of the synaptic
  /// variables (in u, summed per compartment and into the soma) fit 24
  /// bits, but not below the scale at which the largest weight keeps its 8
  /// bits (weight_exp 0) unless a --range asks for it; what still does not
  /// fit gets a diagnostic: a warning for v (it saturates) and for assumed
  /// ranges, an error for a proven range in u (it wraps). docs/loihi.md §3.
  bool fitRanges(uint32_t p, double theta, double &s) {
    PopMap &pm = pops_[p];
    const ir::Population &pop = net_.populations[p];
    const double full = double(kMaxUV - 1);
    double floor = std::max(64.0 / theta, pm.maxInput > 0 ? 255.0 * 64 / pm.maxInput : 0.0);
    floor = std::min(floor, s);
    pm.limitedBy = "the threshold, bias and weight registers";
    std::string vUnit = pm.ranges.V.unit;
    struct Need { const BoundedVar *var; std::string reg; double mag; bool forced; };
    std::vector<Need> needs;
    const BoundedVar &V = pm.ranges.V;
    if (!V.range.isBounded()) {
      diags_.warning(pop.loc, "no finite range found for '" + V.name + "' of '" + pop.name + "' (" + V.range.str() +
                                  "): v saturates outside the range the voltage scale leaves")
          .note(pop.loc, "give the range with --range " + V.name + "=LO..HI");
    } else {
      needs.push_back({&V, "voltage register v", std::max(std::fabs(V.range.lo - pm.reset), std::fabs(V.range.hi - pm.reset)),
                       V.kind == passes::RangeKind::Override});
    }
    size_t groups = pm.groupRate.size();
    std::vector<double> uMag(groups, 0.0);
    double somaMag = 0;
    for (size_t j = 0; j < pm.currents(); ++j) {
      double m = std::fabs(pm.kappa[j]) * pm.ranges.currents[j].range.magnitude();
      uMag[pm.groupOf[j]] += m;
      somaMag += m;
    }
    // One need per compartment group, named after the current that
    // contributes most; assumed when any of its currents is.
    for (size_t g = 0; g < groups; ++g) {
      size_t best = SIZE_MAX;
      double bestMag = -1;
      bool assumedAny = false;
      for (size_t j = 0; j < pm.currents(); ++j)
        if (pm.groupOf[j] == g) {
          double m = std::fabs(pm.kappa[j]) * pm.ranges.currents[j].range.magnitude();
          assumedAny = assumedAny || pm.ranges.currents[j].kind == passes::RangeKind::Assumed;
          if (m > bestMag)
            bestMag = m, best = j;
        }
      double need = std::max(uMag[g], groups > 1 ? somaMag : 0.0);
      if (best == SIZE_MAX || !std::isfinite(need) || need == 0)
        continue;
      const BoundedVar &x = pm.ranges.currents[best];
      if (assumedAny && x.kind != passes::RangeKind::Assumed)
        for (size_t j = 0; j < pm.currents(); ++j)
          if (pm.groupOf[j] == g && pm.ranges.currents[j].kind == passes::RangeKind::Assumed)
            best = j;
      needs.push_back({&pm.ranges.currents[best], "current register u", need,
                       pm.ranges.currents[best].kind == passes::RangeKind::Override});
    }
    for (const Need &n : needs) {
      double sn = n.mag > 0 ? full / n.mag : INFINITY;
      if (sn >= s)
        continue;
      double lowest = n.forced ? 64.0 / theta : floor;
      s = std::max(sn, lowest);
      pm.limitedBy = "the range of '" + n.var->name + "' in " + n.reg;
    }
    for (const Need &n : needs) {
      if (n.mag * s <= full)
        continue;
      const BoundedVar &b = *n.var;
      bool isV = &b == &V;
      double perLsb = isV ? 1 / s : 0;
      if (!isV)
        for (size_t j = 0; j < pm.currents(); ++j)
          if (&pm.ranges.currents[j] == &b)
            perLsb = 1 / (s * std::fabs(pm.kappa[j]));
      double off = isV ? pm.reset : 0;
      std::string holds = passes::Interval::of(off - full * perLsb, off + full * perLsb).str();
      std::string u = b.unit.empty() ? "" : " " + b.unit;
      std::string msg = "range of '" + b.name + "' " + b.range.str() + u + " (" + passes::rangeKindName(b.kind) + ": " +
                        b.why + ") does not fit Loihi's 24-bit " + n.reg + " of '" + pop.name + "': at the scale " +
                        fmtNum(s) + " per " + (vUnit.empty() ? "unit" : vUnit) +
                        (s == floor ? " (the smallest that keeps 8-bit weights)" : "") + " it holds " + holds + u;
      if (!isV && b.kind != passes::RangeKind::Assumed) {
        diags_.error(pop.loc, msg + "; values outside it would wrap")
            .note(pop.loc, "give a narrower range with --range " + b.name + "=LO..HI if the network cannot reach it");
        return false;
      }
      diags_.warning(pop.loc, msg + "; values outside it will " + (isV ? "saturate" : "wrap"))
          .note(pop.loc, "give the range with --range " + b.name + "=LO..HI if it is narrower");
    }
    return true;
  }

  /// Lava's weight rule (weightutils: determine the exponent from the
  /// largest magnitude, clip to 8 bits by sign mode, drop the LSB in mixed
  /// mode), applied to the real-valued activations r (docs/loihi.md §3).
  bool quantize(RawProjection &r) {
    const Projection &pr = net_.projections[r.index];
    PopMap &pm = pops_[pr.target.population];
    const Model &tm = *mod_.models[net_.populations[pr.target.population].model];
    size_t groups = pm.groupRate.size();
    std::string projName = pr.name.empty() ? net_.populations[pr.source.population].name + " -> " +
                                                 net_.populations[pr.target.population].name
                                           : pr.name;
    uint64_t nSrc = net_.populations[pr.source.population].size;
    for (size_t g = 0; g < groups; ++g) {
      std::vector<double> act(r.sl.size(), 0.0);
      double maxW = 0, minW = 0;
      bool any = false;
      for (size_t s = 0; s < r.sl.size(); ++s) {
        uint32_t port = portOf(pr, r.w[s]);
        double w = pr.negativePort && r.w[s] < 0 ? -r.w[s] : r.w[s];
        for (const LifStructure::PortInput &in : pm.lif->portInputs)
          if (in.port == port && pm.groupOf[in.current] == g)
            act[s] += pm.s * pm.kappa[in.current] * in.factor * w / 64.0;
        maxW = std::max(maxW, act[s]);
        minW = std::min(minW, act[s]);
        any = any || act[s] != 0;
      }
      if (!any)
        continue;
      SynapseGroup sg;
      sg.name = projName + (groups > 1 ? " (" + c_.groups[pm.groupCompartment[g]].name + ")" : "");
      sg.source = pr.source.population;
      sg.target = pm.groupCompartment[g];
      bool mixed = maxW > 0 && minW < 0;
      sg.signMode = mixed ? "mixed" : maxW > 0 ? "excitatory" : "inhibitory";
      double scale = mixed ? std::min(127 / maxW, -128 / minW) : maxW > 0 ? 255 / maxW : -255 / minW;
      int scaleBits = int(std::floor(std::log2(scale))) + (mixed ? 1 : 0);
      int exp = -scaleBits;
      if (exp > kMaxWeightExp)
        return fail(pr.weight ? pr.weight->loc : pr.loc,
                    "weights of projection '" + projName + "' are too large for Loihi: they need weight_exp " +
                        std::to_string(exp) + " > " + std::to_string(kMaxWeightExp) +
                        " at the voltage scale of '" + net_.populations[pr.target.population].name + "'");
      exp = std::max(exp, kMinWeightExp);
      sg.weightExp = exp;
      WeightStats ws;
      ws.group = uint32_t(c_.synapses.size());
      ws.unit = unitSuffix(tm.ports[pr.port].type.unit);
      // CSR by source neuron (row owners may be targets).
      std::vector<std::vector<size_t>> bySource(nSrc);
      for (size_t s = 0; s < r.sl.size(); ++s)
        if (act[s] != 0)
          bySource[r.sl.source[s]].push_back(s);
      sg.rowOffsets.push_back(0);
      for (uint64_t i = 0; i < nSrc; ++i) {
        for (size_t s : bySource[i]) {
          double m = std::round(std::ldexp(act[s], -exp));
          m = mixed ? std::clamp(m, -256.0, 255.0) : maxW > 0 ? std::clamp(m, 0.0, 255.0) : std::clamp(m, -255.0, 0.0);
          int64_t mant = int64_t(m);
          if (mixed)
            mant = (mant >> 1) * 2; // num_weight_bits 8 in mixed mode: 7 magnitude bits
          if (applyWeightExp(mant, exp) == 0) {
            const Port &port = tm.ports[portOf(pr, r.w[s])];
            return fail(pr.weight ? pr.weight->loc : pr.loc,
                        "weight " + fmtNum(r.w[s]) + unitSuffix(port.type.unit) +
                            " of projection '" + projName + "' quantizes to zero on Loihi (8-bit mantissa, " +
                            "weight_exp " + std::to_string(exp) + ", voltage scale " + fmtNum(pm.s) + " per " +
                            unitName(tm.variables[pm.lif->V].type.unit) + ")");
          }
          {
            double w = std::fabs(pr.negativePort && r.w[s] < 0 ? -r.w[s] : r.w[s]);
            double rel = std::fabs(double(applyWeightExp(mant, exp)) - act[s]) / std::fabs(act[s]);
            ws.maxAbs = std::max(ws.maxAbs, rel * w);
            ws.maxRel = std::max(ws.maxRel, rel);
            ws.lsb = std::max(ws.lsb, std::ldexp(1.0, exp) * w / std::fabs(act[s]));
          }
          sg.targets.push_back(uint32_t(r.sl.target[s] - 0));
          sg.weightMant.push_back(int16_t(mant));
          sg.delay.push_back(uint8_t(r.d[s]));
        }
        sg.rowOffsets.push_back(sg.targets.size());
      }
      c_.synapses.push_back(std::move(sg));
      weightStats_.push_back(ws);
    }
    return true;
  }
  static int64_t applyWeight(int64_t m, int exp) {
    return exp >= 0 ? m * (int64_t(1) << exp) : (m >= 0 ? m >> -exp : -((-m + (int64_t(1) << -exp) - 1) >> -exp));
  }

  bool recorders() {
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

  Module &mod_;
  const Network &net_;
  const MappingOptions &opt_;
  DiagnosticEngine &diags_;
  CoreConfig c_;
  std::vector<PopMap> pops_;
  std::map<uint32_t, std::optional<LifStructure>> lifs_;
  struct WeightStats {
    uint32_t group = 0;
    std::string unit;
    double maxAbs = 0, maxRel = 0, lsb = 0;
  };
  std::vector<WeightStats> weightStats_;

  void explain(std::ostream &os);
};

} // namespace

} // namespace nsc::loihi

#include "nsc/ir/Printer.h"

namespace nsc::loihi {
namespace {
std::string Mapper::printExprSafe(const Expr &e, const Model &m) { return printExpr(e, &m); }

/// The rows of the quantization report (MappingReport.h).
void Mapper::explain(std::ostream &os) {
  auto withUnit = [](double x, const std::string &u) { return fmtNum(x) + (u.empty() ? "" : " " + u); };
  auto rangeText = [](const passes::Interval &r, const std::string &u) { return r.str() + (u.empty() ? "" : " " + u); };
  auto tau = [&](double keep) { return keep < 1 && keep > 0 ? -c_.dtMs / std::log(keep) : INFINITY; };
  std::vector<ReportBlock> blocks;
  const double full = double(kMaxUV - 1);
  for (uint32_t p = 0; p < pops_.size(); ++p) {
    PopMap &pm = pops_[p];
    if (!pm.lif || net_.populations[p].size == 0)
      continue;
    const std::string &vu = pm.ranges.V.unit;
    const CompartmentGroup &soma = c_.groups[pm.soma];
    std::vector<ReportBlock> local(1 + pm.groupRate.size());
    ReportBlock &b = local[0];
    b.title = "compartment group '" + soma.name + "': voltage scale " + fmtNum(pm.s) + " per " +
              (vu.empty() ? "unit" : vu) + " (limited by " + pm.limitedBy + ")";
    const BoundedVar &V = pm.ranges.V;
    double vMag = std::max(std::fabs(V.range.lo - pm.reset), std::fabs(V.range.hi - pm.reset));
    if (!std::isfinite(vMag))
      vMag = full / pm.s;
    b.rows.push_back({"v (" + V.name + ")", "24-bit", withUnit(1 / pm.s, vu),
                      rangeText(passes::Interval::of(pm.reset - full / pm.s, pm.reset + full / pm.s), vu),
                      rangeText(V.range, vu) + " " + passes::rangeKindName(V.kind), withUnit(1 / pm.s, vu) + " (decay toward 0)"});
    double bias = pm.s * (pm.PV < 1 ? ((pm.a < 0 ? -pm.drive / pm.a : pm.reset) - pm.reset) * (1 - pm.alphaV)
                                    : pm.drive * c_.dtMs);
    double biasQ = double(effectiveBias(soma.biasMant, soma.biasExp));
    b.rows.push_back({"dv", std::to_string(soma.dv) + " (+" + std::to_string(soma.dmOffset) + ")",
                      "", "0..4095", "P_V " + fmtNum(pm.PV) + " -> " + fmtNum(pm.alphaV),
                      withUnit(std::fabs(pm.alphaV - pm.PV) * vMag, vu) + " (tau " + fmtNum(tau(pm.PV)) + " -> " +
                          fmtNum(tau(pm.alphaV)) + " ms)"});
    b.rows.push_back({"vth_mant", std::to_string(soma.vthMant) + " << 6", withUnit(64 / pm.s, vu), "0..131071",
                      "V_th - V_reset " + withUnit(pm.thr - pm.reset, vu), "0 (exact)"});
    b.rows.push_back({"bias_mant/exp", std::to_string(soma.biasMant) + " << " + std::to_string(soma.biasExp),
                      withUnit(std::ldexp(1.0, int(soma.biasExp)) / pm.s, vu), "-4096..4095 << 0..7",
                      fmtNum(bias) + " LSB/step", withUnit(std::fabs(bias - biasQ) / pm.s, vu)});
    b.rows.push_back({"refractory_delay", std::to_string(soma.refractoryDelay), "", "0..63", "", "0 (exact)"});
    for (size_t j = 0; j < pm.currents(); ++j) {
      const BoundedVar &x = pm.ranges.currents[j];
      double lsb = 1 / (pm.s * std::fabs(pm.kappa[j]));
      double P = std::exp(pm.rate[j] * c_.dtMs);
      double alphaU = 1 - pm.duEff[pm.groupOf[j]] / 4096.0;
      const CompartmentGroup &g = c_.groups[pm.groupCompartment[pm.groupOf[j]]];
      ReportBlock *target = &local[0];
      if (pm.groupCompartment[pm.groupOf[j]] != pm.soma) {
        target = &local[1 + pm.groupOf[j]];
        if (target->title.empty()) {
          target->title = "compartment group '" + g.name + "' (dendrite joined ADD into '" + soma.name + "')";
          target->rows.push_back({"dv", "4095 (+1)", "", "0..4095", "v = u", "0 (exact)"});
        }
      }
      target->rows.push_back({"u (" + x.name + ")", "24-bit", withUnit(lsb, x.unit),
                              rangeText(passes::Interval::of(-full * lsb, full * lsb), x.unit),
                              rangeText(x.range, x.unit) + " " + passes::rangeKindName(x.kind),
                              withUnit(lsb, x.unit) + " (decay toward 0)"});
      target->rows.push_back({"du", std::to_string(g.du - g.dsOffset) + " (+" + std::to_string(g.dsOffset) + ")", "",
                              "0..4095", "P " + fmtNum(P) + " -> " + fmtNum(alphaU),
                              withUnit(std::fabs(alphaU - P) * x.range.magnitude(), x.unit) + " (tau " +
                                  fmtNum(tau(P)) + " -> " + fmtNum(tau(alphaU)) + " ms)"});
      target->notes.push_back("'" + x.name + "': " + x.why + "; gain " + fmtNum(pm.kappa[j]) +
                              " (charge-preserving) per " + (vu.empty() ? "unit" : vu));
    }
    local[0].notes.push_back("'" + V.name + "': " + V.why);
    for (ReportBlock &l : local)
      if (!l.title.empty())
        blocks.push_back(std::move(l));
  }
  for (const WeightStats &w : weightStats_) {
    const SynapseGroup &sg = c_.synapses[w.group];
    ReportBlock b;
    b.title = "synapse group '" + sg.name + "' (" + std::to_string(sg.size()) + " synapses, " + sg.signMode + ")";
    b.rows.push_back({"weight_mant", std::to_string(sg.numWeightBits) + "-bit", withUnit(w.lsb, w.unit.empty() ? "" : w.unit.substr(1)),
                      sg.signMode == "mixed" ? "-256..254 (even)" : sg.signMode == "excitatory" ? "0..255" : "-255..0",
                      "", withUnit(w.maxAbs, w.unit.empty() ? "" : w.unit.substr(1)) + " per spike (" +
                              fmtNum(100 * w.maxRel) + "%)"});
    b.rows.push_back({"weight_exp", std::to_string(sg.weightExp), "", "-8..7", "", ""});
    blocks.push_back(std::move(b));
  }
  printMappingReport("quantization of network '" + net_.name + "' for Loihi (24-bit u and v, 12-bit decays, dt " +
                         fmtNum(c_.dtMs) + " ms):",
                     blocks, os);
}
} // namespace

std::optional<CoreConfig> mapNetwork(Module &module, uint32_t networkIndex, const MappingOptions &options,
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
  return Mapper(module, *module.networks[networkIndex], options, diags).run();
}

} // namespace nsc::loihi
