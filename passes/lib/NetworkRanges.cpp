//===- NetworkRanges.cpp - Input and start ranges a network gives a model -===//
//
// See NetworkRanges.h. The synapses are built with the runtime's own
// builder and the network's seed, so "the largest fan-in" is the fan-in of
// the network that will run, not a statistical estimate.
//
//===----------------------------------------------------------------------===//
#include "nsc/passes/NetworkRanges.h"

#include "nsc/passes/ProjectionConnections.h"
#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/Schedule.h"

#include <cmath>

namespace nsc::passes {

using namespace ir;

unsigned poissonMultiplicityBound(double lambda, double tail) {
  if (!(lambda > 0))
    return 0;
  if (!std::isfinite(lambda) || lambda > 1e6)
    return ~0u;
  // P(n > k) = 1 - sum_{j<=k} pmf(j); summed in logs to stay finite for large lambda.
  double cdf = 0, logPmf = -lambda;
  for (unsigned k = 0; k < 100000000; ++k) {
    if (k > 0)
      logPmf += std::log(lambda) - std::log(double(k));
    cdf += std::exp(logPmf);
    // 1 - cdf loses precision near 1: past the mode, bound the tail by the
    // next term's geometric series instead.
    double next = std::exp(logPmf + std::log(lambda) - std::log(double(k + 1)));
    double ratio = lambda / double(k + 2);
    if (double(k) > lambda && ratio < 1 && next / (1 - ratio) < tail)
      return k;
    if (1 - cdf < tail && double(k) > lambda)
      return k;
  }
  return ~0u;
}

namespace {

/// A network value (constant or distribution with constant arguments) as
/// the interval of values it can take; all() when unbounded.
Interval valueRange(const Expr &e) {
  double v;
  if (evaluateConstant(e, v))
    return Interval::point(v);
  auto *c = dyn_cast<Call>(&e);
  if (c && c->builtin == Builtin::RandomUniform && c->args.size() == 2) {
    double a, b;
    if (evaluateConstant(*c->args[0], a) && evaluateConstant(*c->args[1], b))
      return Interval::of(a, b);
  }
  return Interval::all();
}

bool distributionOf(const Expr &e, runtime::Distribution &d) {
  using K = runtime::Distribution::Kind;
  double v;
  if (evaluateConstant(e, v)) {
    d = {K::Constant, v, 0};
    return true;
  }
  auto *c = dyn_cast<Call>(&e);
  if (!c || c->args.empty())
    return false;
  switch (c->builtin) {
  case Builtin::RandomUniform: d.kind = K::Uniform; break;
  case Builtin::RandomNormal: d.kind = K::Normal; break;
  case Builtin::RandomLognormal: d.kind = K::Lognormal; break;
  case Builtin::RandomExponential: d.kind = K::Exponential; break;
  default: return false;
  }
  if (!evaluateConstant(*c->args[0], d.a))
    return false;
  d.b = 0;
  return c->args.size() < 2 || evaluateConstant(*c->args[1], d.b);
}

const Expr *initNamed(const Population &pop, const std::string &name) {
  for (const PopulationInit &i : pop.inits)
    if (i.name == name)
      return i.value.get();
  return nullptr;
}

/// The most events one synapse from `src` delivers in one step, and
/// whether that bound is proven.
struct Multiplicity {
  double events = 1;
  bool proven = true;
  std::string why;
};

Multiplicity sourceMultiplicity(const Population &src, double dtMs) {
  Multiplicity m;
  switch (src.kind) {
  case PopulationKind::Model: m.why = "one spike per neuron and step (R12)"; break;
  case PopulationKind::SpikeGenerator: {
    std::vector<double> times;
    if (const Expr *t = initNamed(src, "times")) {
      if (auto *l = dyn_cast<List>(t)) {
        for (const ExprPtr &x : l->elements) {
          double v;
          if (evaluateConstant(*x, v))
            times.push_back(v);
        }
      }
    }
    if (!src.file.empty()) {
      m.proven = false;
      m.why = "spike_generator from a file: one spike per step assumed";
      break;
    }
    runtime::SpikeSchedule s;
    std::string err;
    m.events = 0;
    if (runtime::buildSpikeSchedule(times, dtMs, s, err))
      for (uint32_t k : s.multiplicity)
        m.events = std::max(m.events, double(k));
    m.why = "spike_generator multiplicity";
    break;
  }
  case PopulationKind::PoissonGenerator: {
    double rate = 0;
    if (const Expr *r = initNamed(src, "rate"))
      evaluateConstant(*r, rate);
    m.events = poissonMultiplicityBound(rate * dtMs * 1e-3);
    m.proven = false;
    m.why = "poisson_generator multiplicity <= " + std::to_string(unsigned(m.events)) +
            " (P(more) < 1e-15 per draw)";
    break;
  }
  case PopulationKind::InhomogeneousPoissonGenerator: {
    double rate = 0;
    if (auto *l = initNamed(src, "rates") ? dyn_cast<List>(initNamed(src, "rates")) : nullptr)
      for (const ExprPtr &x : l->elements) {
        double v;
        if (evaluateConstant(*x, v))
          rate = std::max(rate, v);
      }
    m.proven = false;
    if (!src.file.empty()) {
      m.why = "inhomogeneous_poisson_generator from a file: one spike per step assumed";
      break;
    }
    m.events = poissonMultiplicityBound(rate * dtMs * 1e-3);
    m.why = "inhomogeneous_poisson_generator multiplicity <= " + std::to_string(unsigned(m.events)) +
            " at its highest rate (P(more) < 1e-15 per draw)";
    break;
  }
  default: m.events = 0; break; // current sources send no spikes
  }
  return m;
}

/// The value range of a current source (0 when inactive).
Interval currentRange(const Population &src) {
  Interval r = Interval::point(0);
  if (src.kind == PopulationKind::DcGenerator) {
    if (const Expr *a = initNamed(src, "amplitude"))
      r = r.hull(valueRange(*a));
  } else if (src.kind == PopulationKind::StepCurrentGenerator) {
    const Expr *amps = initNamed(src, "amplitudes");
    if (auto *l = amps ? dyn_cast<List>(amps) : nullptr)
      for (const ExprPtr &x : l->elements)
        r = r.hull(valueRange(*x));
  } else if (src.kind == PopulationKind::SineGenerator) {
    double amp = 0, offset = 0;
    if (const Expr *a = initNamed(src, "amplitude"))
      evaluateConstant(*a, amp);
    if (const Expr *o = initNamed(src, "offset"))
      evaluateConstant(*o, offset);
    r = r.hull(Interval{offset - std::abs(amp), offset + std::abs(amp)});
  } else {
    r = Interval::all(); // noise (unbounded), signal (a file)
  }
  return r;
}


/// Synapses the rule asks for, for the compile-time budget.
double expectedSynapses(const Projection &pr) {
  double ns = double(pr.source.end - pr.source.begin), nt = double(pr.target.end - pr.target.begin);
  switch (pr.conn.rule) {
  case ConnectionRule::AllToAll: return ns * nt;
  case ConnectionRule::OneToOne: return nt;
  case ConnectionRule::FixedProbability: return ns * nt * pr.conn.probability;
  case ConnectionRule::FixedIndegree: return nt * double(pr.conn.count);
  case ConnectionRule::FixedOutdegree: return ns * double(pr.conn.count);
  case ConnectionRule::FromFile: return 0;
  case ConnectionRule::SmallWorld: return nt * double(pr.conn.count);
  case ConnectionRule::PairwiseBernoulli: return ns * nt; // at most; building costs O(ns·nt) anyway
  }
  return 0;
}

/// Per target neuron and port: the sums of positive and of negative
/// weight × multiplicity.
struct PortSums {
  std::vector<double> pos, neg;
};

} // namespace

NetworkRanges networkRanges(const Module &mod, const Model &model) {
  NetworkRanges out;
  std::optional<uint32_t> modelIndex;
  for (uint32_t i = 0; i < mod.models.size(); ++i)
    if (mod.models[i].get() == &model)
      modelIndex = i;
  if (!modelIndex)
    return out;
  constexpr double kBudget = double(uint64_t(1) << 26);
  for (const auto &netPtr : mod.networks) {
    const Network &net = *netPtr;
    double dt = net.semantics.dtMs;
    for (uint32_t p = 0; p < net.populations.size(); ++p) {
      const Population &pop = net.populations[p];
      if (pop.kind != PopulationKind::Model || pop.model != *modelIndex)
        continue;
      ++out.populations;
      for (const PopulationInit &i : pop.inits) {
        if (i.var == kNoVar || !i.value)
          continue;
        auto [it, fresh] = out.inits.emplace(i.name, valueRange(*i.value));
        if (!fresh)
          it->second = it->second.hull(valueRange(*i.value));
      }
      // Spike ports: per neuron, sums over the synapses of this population.
      std::map<uint32_t, PortSums> sums;
      std::map<uint32_t, bool> proven;
      std::map<uint32_t, std::string> why;
      std::map<uint32_t, Interval> continuous;
      auto port = [&](uint32_t k) -> PortSums & {
        PortSums &s = sums[k];
        if (s.pos.empty()) {
          s.pos.assign(pop.size, 0);
          s.neg.assign(pop.size, 0);
          proven.emplace(k, true);
        }
        return s;
      };
      auto note = [&](uint32_t k, const std::string &w) {
        std::string &s = why[k];
        if (s.find(w) == std::string::npos)
          s += (s.empty() ? "" : "; ") + w;
      };
      for (uint32_t q = 0; q < net.projections.size(); ++q) {
        const Projection &pr = net.projections[q];
        if (pr.target.population != p || pr.port >= model.ports.size())
          continue;
        const Population &src = net.populations[pr.source.population];
        const Port &tp = model.ports[pr.port];
        if (tp.kind == PortKind::Continuous) {
          Interval w = pr.weight ? valueRange(*pr.weight) : Interval::point(1);
          auto [it, fresh] = continuous.emplace(pr.port, Interval::point(0));
          it->second = add(it->second, mul(w, currentRange(src))); // sources add up (R18)
          continue;
        }
        Multiplicity mult = sourceMultiplicity(src, dt);
        runtime::ConnectionSpec spec = passes::connectionSpecOf(net, pr, q);
        runtime::ConnectResult cr;
        bool built = false;
        if (pr.conn.rule == ConnectionRule::FromFile || expectedSynapses(pr) <= kBudget) {
          std::optional<runtime::ConnectResult> r = passes::buildProjectionConnections(spec);
          built = r && r->ok();
          if (built)
            cr = std::move(*r);
        }
        uint32_t negPort = pr.negativePort ? *pr.negativePort : pr.port;
        PortSums &ps = port(pr.port);
        PortSums &ns = port(negPort);
        proven[pr.port] = proven[pr.port] && mult.proven;
        proven[negPort] = proven[negPort] && mult.proven;
        note(pr.port, mult.why);
        if (built) {
          const runtime::SynapseList &sl = cr.synapses;
          std::vector<double> w;
          runtime::Distribution dist;
          if (!sl.weight.empty())
            w = sl.weight;
          else if (!pr.weight)
            w.assign(sl.size(), 1.0);
          else if (distributionOf(*pr.weight, dist))
            w = runtime::drawPerSynapse(dist, sl, spec, runtime::Stream::Weight);
          if (w.size() == sl.size()) {
            for (size_t s = 0; s < sl.size(); ++s) {
              uint64_t t = sl.target[s];
              if (t >= pop.size)
                continue;
              double x = w[s] * mult.events;
              if (x >= 0)
                ps.pos[t] += x;
              else if (pr.negativePort)
                ns.pos[t] += -x; // the sign split delivers |w| (R5)
              else
                ps.neg[t] += x;
            }
            note(pr.port, "synapses as built");
            continue;
          }
        }
        // Not built: every target may get the largest fan-in the rule
        // allows, each synapse with the largest |weight|.
        Interval w = pr.weight ? valueRange(*pr.weight) : Interval::point(1);
        double ns_ = double(pr.source.end - pr.source.begin);
        double fanIn = pr.conn.rule == ConnectionRule::FixedIndegree || pr.conn.rule == ConnectionRule::SmallWorld
                           ? double(pr.conn.count)
                       : pr.conn.rule == ConnectionRule::OneToOne    ? 1
                       : pr.conn.allowMultapses && pr.conn.rule == ConnectionRule::FixedOutdegree
                           ? ns_ * double(pr.conn.count)
                           : ns_;
        if (pr.conn.rule == ConnectionRule::FromFile)
          fanIn = INFINITY;
        for (uint64_t t = pr.target.begin; t < pr.target.end && t < pop.size; ++t) {
          double hi = std::max(0.0, w.hi) * fanIn * mult.events, lo = std::min(0.0, w.lo) * fanIn * mult.events;
          ps.pos[t] += std::isnan(hi) ? 0 : hi;
          if (pr.negativePort)
            ns.pos[t] += std::isnan(lo) ? 0 : -lo;
          else
            ps.neg[t] += std::isnan(lo) ? 0 : lo;
        }
        note(pr.port, "fan-in bound of the connection rule");
      }
      for (auto &[k, r] : continuous) {
        VarRange &vr = out.ports[model.ports[k].name];
        vr.range = vr.why.empty() ? r : vr.range.hull(r);
        vr.kind = r.isBounded() ? RangeKind::Proven : RangeKind::Unbounded;
        vr.why = "network: current sources";
      }
      for (auto &[k, s] : sums) {
        Interval r = Interval::point(0);
        for (uint64_t t = 0; t < pop.size; ++t)
          r = r.hull(Interval::of(s.neg[t], s.pos[t]));
        VarRange &vr = out.ports[model.ports[k].name];
        bool first = vr.why.empty();
        vr.range = first ? r : vr.range.hull(r);
        RangeKind kind = proven[k] ? RangeKind::Proven : RangeKind::Assumed;
        vr.kind = first || vr.kind == RangeKind::Proven ? kind : vr.kind;
        vr.why = "network: " + (why[k].empty() ? std::string("no spikes") : why[k]);
      }
    }
  }
  return out;
}

} // namespace nsc::passes
