//===- Emulator.cpp - Bit-accurate emulation of a core configuration ------===//
//
// One emulator step is nsc step k (Loihi time step k + 1):
//   1. every compartment group, dendrites before somas, reads its input:
//      per synapse group the summed mantissas of this step's ring slot,
//      shifted by the group's weight_exp, summed, << 6; plus, for a soma,
//      the voltages its dendrites reached in this step (ADD join);
//   2. u = wrap(decay(u, du) + input); then, unless refractory,
//      v = clip(decay(v, dv) + u + bias) and a soma spikes when
//      v > vth_mant << 6 (v = 0, refractory counter = refractory_delay);
//      a refractory compartment counts down and keeps v = 0;
//   3. input spike generators emit (Poisson counts from nsc's Philox stream 0);
//   4. spikes are recorded and sent: a spike of step k through a synapse of
//      delay d lands in the ring slot read in step k + d + 1;
//   5. traces and recorders sample.
// docs/loihi.md §1 gives each rule its source.
//
//===----------------------------------------------------------------------===//
#include "nsc/loihi/Emulator.h"

#include "nsc/runtime/Random.h"
#include "nsc/runtime/Schedule.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace nsc::loihi {

int64_t decayToward0(int64_t x, uint32_t effectiveDecay) {
  int64_t p = x * (kDecayUnity - int64_t(effectiveDecay));
  int64_t mag = (p < 0 ? -p : p) >> kDecayShift;
  return p < 0 ? -mag : mag;
}

int64_t wrapCurrent(int64_t u) {
  // Lava wraps once on each side; for inputs of any size the same result
  // is the representative of u modulo 2^24 in (-2^23, 2^23].
  const int64_t m = 2 * kMaxUV;
  int64_t r = u % m;
  if (r > kMaxUV)
    r -= m;
  else if (r <= -kMaxUV)
    r += m;
  return r;
}

int64_t clipVoltage(int64_t v) { return std::clamp<int64_t>(v, -kMaxUV + 1, kMaxUV - 1); }

int64_t effectiveBias(int32_t biasMant, uint32_t biasExp) { return int64_t(biasMant) * (int64_t(1) << biasExp); }

int64_t applyWeightExp(int64_t sum, int32_t weightExp) {
  if (weightExp >= 0)
    return sum * (int64_t(1) << weightExp);
  // Arithmetic shift: toward -inf, as numpy's right_shift on signed values.
  return sum >= 0 ? sum >> -weightExp : -((-sum + (int64_t(1) << -weightExp) - 1) >> -weightExp);
}

namespace {

struct GroupState {
  const CompartmentGroup *g;
  std::vector<int32_t> u, v;
  std::vector<uint32_t> refr;
  std::vector<int64_t> joinIn;  // dendrites' v of this step (somas)
  std::vector<int64_t> extIn;   // addActivation, for the next step
  std::vector<uint32_t> inputs; // synapse groups targeting this group
  int64_t bias = 0;
};

struct SynState {
  const SynapseGroup *s;
  std::vector<int64_t> ring; // D slots x target size: summed mantissas
};

struct PopState {
  std::vector<uint32_t> fired, mult;
  std::vector<uint32_t> outgoing; // synapse groups from this population
  runtime::PhiloxKey poissonKey{};
  uint64_t spikes = 0;
};

struct TraceItem {
  const Readout *r;
};
struct TraceSpec {
  uint32_t population;
  uint64_t begin, end, every;
  std::vector<const Readout *> items;
  runtime::TraceRecording *out;
};

} // namespace

struct Emulator::Impl {
  CoreConfig c;
  std::vector<GroupState> groups;
  std::vector<uint32_t> order; // dendrites, then somas
  std::vector<SynState> syns;
  std::vector<PopState> pops;
  unsigned D = 2;
  uint64_t step = 0;
  std::vector<std::string> traceVars;
  EmulatorResult *boundTo = nullptr;
  std::vector<TraceSpec> traces;
  std::vector<int64_t> scratch;

  int64_t input(uint32_t gi, uint64_t i, uint64_t k) const {
    const GroupState &gs = groups[gi];
    size_t slot = size_t(k % D);
    int64_t a = 0;
    for (uint32_t si : gs.inputs) {
      const SynState &ss = syns[si];
      a += applyWeightExp(ss.ring[slot * gs.g->size + i], ss.s->weightExp);
    }
    return a;
  }

  void stepOnce(uint64_t k, EmulatorResult &res) {
    size_t slot = size_t(k % D);
    for (PopState &ps : pops) {
      ps.fired.clear();
      ps.mult.clear();
    }
    for (uint32_t gi : order) {
      GroupState &gs = groups[gi];
      const CompartmentGroup &g = *gs.g;
      uint64_t n = g.size;
      std::vector<int64_t> &act = scratch;
      act.assign(n, 0);
      for (uint32_t si : gs.inputs) {
        SynState &ss = syns[si];
        int64_t *acc = ss.ring.data() + slot * n;
        int32_t e = ss.s->weightExp;
        for (uint64_t i = 0; i < n; ++i)
          if (acc[i]) {
            act[i] += applyWeightExp(acc[i], e);
            acc[i] = 0;
          }
      }
      const int64_t vth = int64_t(g.vthMant) << kThresholdShift;
      GroupState *parent = g.joinTo >= 0 ? &groups[size_t(g.joinTo)] : nullptr;
      PopState &pop = pops[g.population];
      for (uint64_t i = 0; i < n; ++i) {
        int64_t in = (act[i] + gs.extIn[i]) * (int64_t(1) << kActivationShift);
        gs.extIn[i] = 0;
        if (!gs.joinIn.empty()) {
          in += gs.joinIn[i];
          gs.joinIn[i] = 0;
        }
        int64_t u = wrapCurrent(decayToward0(gs.u[i], g.du) + in);
        gs.u[i] = int32_t(u);
        if (gs.refr[i] > 0) {
          --gs.refr[i];
        } else {
          int64_t v = clipVoltage(decayToward0(gs.v[i], g.dv) + u + gs.bias);
          if (g.isSoma() && v > vth) {
            v = 0;
            gs.refr[i] = g.refractoryDelay;
            pop.fired.push_back(uint32_t(i));
            pop.mult.push_back(1);
          }
          gs.v[i] = int32_t(v);
        }
        if (parent)
          parent->joinIn[i] += gs.v[i];
      }
    }
    // Input spike generators (R20, R21).
    for (uint32_t p = 0; p < c.populations.size(); ++p) {
      const Population &pd = c.populations[p];
      PopState &ps = pops[p];
      if (pd.kind == Population::Kind::PoissonSource) {
        if (runtime::poissonActive(k, pd.startStep, pd.stopStep) && pd.rateHz > 0)
          for (uint64_t i = 0; i < pd.size; ++i)
            if (uint64_t cnt = runtime::poissonSourceCount(ps.poissonKey, i, k, pd.rateHz, c.dtMs)) {
              ps.fired.push_back(uint32_t(i));
              ps.mult.push_back(uint32_t(cnt));
            }
      } else if (pd.kind == Population::Kind::SpikeSource) {
        uint32_t cnt = 0;
        for (size_t q = 0; q < pd.emitStep.size(); ++q)
          if (pd.emitStep[q] == k)
            cnt += pd.multiplicity[q];
        if (cnt)
          for (uint64_t i = 0; i < pd.size; ++i) {
            ps.fired.push_back(uint32_t(i));
            ps.mult.push_back(cnt);
          }
      }
    }
    // Record and send.
    for (uint32_t p = 0; p < pops.size(); ++p) {
      PopState &ps = pops[p];
      for (size_t q = 0; q < ps.fired.size(); ++q) {
        res.spikes.add(k, p, ps.fired[q], ps.mult[q]);
        ps.spikes += ps.mult[q];
        uint64_t src = ps.fired[q];
        int64_t m = ps.mult[q];
        for (uint32_t si : ps.outgoing) {
          SynState &ss = syns[si];
          const SynapseGroup &s = *ss.s;
          uint64_t nT = c.groups[s.target].size;
          for (uint64_t at = s.rowOffsets[src]; at < s.rowOffsets[src + 1]; ++at) {
            size_t sl = size_t((k + s.delay[at] + 1) % D);
            ss.ring[sl * nT + s.targets[at]] += int64_t(s.weightMant[at]) * m;
          }
        }
      }
    }
    sample(k);
  }

  double readout(const Readout &r, uint64_t i, uint64_t k) const {
    const GroupState &gs = groups[r.group];
    int64_t raw;
    if (r.source == Readout::Source::V) {
      raw = gs.v[i];
    } else {
      // What u becomes in step k + 1 before that step's own decay is what
      // the model's synaptic variable holds at t_{k+1} (docs/loihi.md §3).
      int64_t in = (input(r.group, i, k + 1) + gs.extIn[i]) * (int64_t(1) << kActivationShift);
      raw = wrapCurrent(decayToward0(gs.u[i], gs.g->du) + in);
    }
    return r.offset + double(raw) / r.scale;
  }

  void sample(uint64_t k) {
    for (TraceSpec &t : traces) {
      if ((k + 1) % t.every)
        continue;
      std::vector<double> vals(t.items.size());
      for (uint64_t i = t.begin; i < t.end; ++i) {
        for (size_t q = 0; q < t.items.size(); ++q)
          vals[q] = readout(*t.items[q], i, k);
        t.out->addRow(k, t.population, i, vals.data());
      }
    }
  }

  const Readout *findReadout(uint32_t p, const std::string &name) const {
    for (const Readout &r : c.populations[p].readouts)
      if (r.variable == name)
        return &r;
    return nullptr;
  }

  bool bind(EmulatorResult &res, std::string &error) {
    if (boundTo == &res)
      return true;
    boundTo = &res;
    traces.clear();
    std::vector<std::string> names;
    for (const Population &p : c.populations)
      names.push_back(p.name);
    res.spikes.dtMs = res.traces.dtMs = c.dtMs;
    res.spikes.populations = res.traces.populations = names;
    res.traces.variables = traceVars;
    res.spikesPerPopulation.assign(c.populations.size(), 0);
    if (!traceVars.empty()) {
      bool any = false;
      for (uint32_t p = 0; p < c.populations.size(); ++p) {
        TraceSpec spec{p, 0, c.populations[p].size, 1, {}, &res.traces};
        bool all = c.populations[p].kind == Population::Kind::Compartments;
        for (const std::string &v : traceVars) {
          const Readout *r = all ? findReadout(p, v) : nullptr;
          all = all && r;
          spec.items.push_back(r);
        }
        if (all) {
          traces.push_back(std::move(spec));
          any = true;
        }
      }
      if (!any) {
        std::string list;
        for (const std::string &n : traceVars)
          list += (list.empty() ? "'" : ", '") + n + "'";
        error = "--trace: no population of the configuration reads out " + list +
                " (readable: the membrane variable and synaptic variables with a compartment of their own)";
        return false;
      }
    }
    res.recorded.clear();
    res.recorded.reserve(c.recorders.size());
    for (const Recorder &r : c.recorders) {
      runtime::TraceRecording tr;
      tr.dtMs = c.dtMs;
      tr.populations = names;
      tr.variables = r.variables;
      res.recorded.push_back({r.label, std::move(tr)});
      TraceSpec spec{r.population, r.begin, r.end, r.every, {}, &res.recorded.back().second};
      for (const std::string &v : r.variables) {
        const Readout *ro = findReadout(r.population, v);
        if (!ro) {
          error = "recorder '" + r.label + "': '" + v + "' has no readout in population '" +
                  c.populations[r.population].name + "'";
          return false;
        }
        spec.items.push_back(ro);
      }
      traces.push_back(std::move(spec));
    }
    return true;
  }
};

Emulator::Emulator() : impl_(std::make_unique<Impl>()) {}
Emulator::~Emulator() = default;

std::unique_ptr<Emulator> Emulator::create(const CoreConfig &config, std::string &error) {
  error = validate(config);
  if (!error.empty())
    return nullptr;
  std::unique_ptr<Emulator> e(new Emulator());
  Impl &m = *e->impl_;
  m.c = config;
  const CoreConfig &c = m.c;
  m.pops.resize(c.populations.size());
  for (uint32_t p = 0; p < c.populations.size(); ++p)
    m.pops[p].poissonKey = runtime::deriveStreamKey(c.seed, p, runtime::Stream::PoissonSource);
  m.groups.resize(c.groups.size());
  for (uint32_t gi = 0; gi < c.groups.size(); ++gi) {
    const CompartmentGroup &g = c.groups[gi];
    GroupState &gs = m.groups[gi];
    gs.g = &g;
    gs.u = g.u0.empty() ? std::vector<int32_t>(g.size, 0) : g.u0;
    gs.v = g.v0.empty() ? std::vector<int32_t>(g.size, 0) : g.v0;
    gs.refr = g.refractory0.empty() ? std::vector<uint32_t>(g.size, 0) : g.refractory0;
    gs.extIn.assign(g.size, 0);
    gs.bias = effectiveBias(g.biasMant, g.biasExp);
  }
  for (const CompartmentGroup &g : c.groups)
    if (g.joinTo >= 0)
      m.groups[size_t(g.joinTo)].joinIn.assign(c.groups[size_t(g.joinTo)].size, 0);
  for (uint32_t gi = 0; gi < c.groups.size(); ++gi)
    if (!c.groups[gi].isSoma())
      m.order.push_back(gi);
  for (uint32_t gi = 0; gi < c.groups.size(); ++gi)
    if (c.groups[gi].isSoma())
      m.order.push_back(gi);
  unsigned maxDelay = 0;
  for (const SynapseGroup &s : c.synapses)
    for (uint8_t d : s.delay)
      maxDelay = std::max<unsigned>(maxDelay, d);
  m.D = maxDelay + 2;
  m.syns.resize(c.synapses.size());
  for (uint32_t si = 0; si < c.synapses.size(); ++si) {
    const SynapseGroup &s = c.synapses[si];
    m.syns[si].s = &s;
    m.syns[si].ring.assign(size_t(m.D) * c.groups[s.target].size, 0);
    m.groups[s.target].inputs.push_back(si);
    m.pops[s.source].outgoing.push_back(si);
  }
  for (const Recorder &r : c.recorders)
    for (const std::string &v : r.variables)
      if (!m.findReadout(r.population, v)) {
        error = "recorder '" + r.label + "': population '" + c.populations[r.population].name +
                "' has no readout of '" + v + "'";
        return nullptr;
      }
  return e;
}

bool Emulator::setTraceVariables(const std::vector<std::string> &variables, std::string &error) {
  impl_->traceVars = variables;
  impl_->boundTo = nullptr;
  for (const std::string &v : variables) {
    bool found = false;
    for (uint32_t p = 0; p < impl_->c.populations.size(); ++p)
      found = found || impl_->findReadout(p, v);
    if (!found) {
      error = "--trace: no population of the configuration reads out '" + v + "'";
      return false;
    }
  }
  return true;
}

void Emulator::run(uint64_t steps, EmulatorResult &res) {
  auto t0 = std::chrono::steady_clock::now();
  std::string error;
  if (!impl_->bind(res, error))
    throw std::runtime_error(error); // setTraceVariables and validate() rule this out
  for (uint64_t s = 0; s < steps; ++s)
    impl_->stepOnce(impl_->step++, res);
  res.steps = impl_->step;
  for (size_t p = 0; p < impl_->pops.size(); ++p)
    res.spikesPerPopulation[p] = impl_->pops[p].spikes;
  res.runMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

uint64_t Emulator::currentStep() const { return impl_->step; }
int32_t Emulator::u(uint32_t g, uint64_t i) const { return impl_->groups.at(g).u.at(i); }
int32_t Emulator::v(uint32_t g, uint64_t i) const { return impl_->groups.at(g).v.at(i); }
uint32_t Emulator::refractoryCounter(uint32_t g, uint64_t i) const { return impl_->groups.at(g).refr.at(i); }
void Emulator::addActivation(uint32_t g, uint64_t i, int64_t a) { impl_->groups.at(g).extIn.at(i) += a; }
const CoreConfig &Emulator::config() const { return impl_->c; }

} // namespace nsc::loihi
