//===- Placement.cpp - Neurons to cores, cores to chips -------------------===//
#include "nsc/loihi/Placement.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_set>

namespace nsc::loihi {

namespace {

constexpr uint32_t kDelayBits = 6, kIndexBits = 10;

struct Neuron {
  uint32_t pop;
  uint64_t index;
};

uint64_t key(uint32_t pop, uint64_t i) { return (uint64_t(pop) << 40) | i; }

} // namespace

uint32_t synapseBits(const SynapseGroup &g) { return g.numWeightBits + kDelayBits + kIndexBits; }

namespace {

/// Per population and neuron (compartment populations only): the source
/// keys and memory bits of its incoming synapses, and its targets.
struct Fanout {
  std::vector<std::vector<std::vector<uint64_t>>> incoming;
  std::vector<std::vector<uint64_t>> inBits;
  std::vector<std::vector<std::vector<std::pair<uint32_t, uint64_t>>>> outgoing;
};

Fanout collectFanout(const CoreConfig &c) {
  Fanout f;
  f.incoming.resize(c.populations.size());
  f.inBits.resize(c.populations.size());
  f.outgoing.resize(c.populations.size());
  for (uint32_t p = 0; p < c.populations.size(); ++p) {
    bool comp = c.populations[p].kind == Population::Kind::Compartments;
    f.incoming[p].resize(comp ? c.populations[p].size : 0);
    f.inBits[p].assign(comp ? c.populations[p].size : 0, 0);
    f.outgoing[p].resize(comp ? c.populations[p].size : 0);
  }
  for (const SynapseGroup &s : c.synapses) {
    uint32_t tp = c.groups[s.target].population;
    bool srcComp = c.populations[s.source].kind == Population::Kind::Compartments;
    for (uint64_t i = 0; i + 1 < s.rowOffsets.size(); ++i)
      for (uint64_t at = s.rowOffsets[i]; at < s.rowOffsets[i + 1]; ++at) {
        f.incoming[tp][s.targets[at]].push_back(key(s.source, i));
        f.inBits[tp][s.targets[at]] += synapseBits(s);
        if (srcComp)
          f.outgoing[s.source][i].push_back({tp, s.targets[at]});
      }
  }
  return f;
}

/// False (with the error) when a neuron cannot fit on a core even alone.
bool everyNeuronFits(const CoreConfig &c, const Fanout &f, PlacementError &error) {
  const CoreLimits &L = c.limits;
  for (uint32_t p = 0; p < c.populations.size(); ++p) {
    const Population &pop = c.populations[p];
    if (pop.kind != Population::Kind::Compartments)
      continue;
    uint32_t comps = 1 + uint32_t(pop.dendrites.size());
    if (comps > L.compartments) {
      error = {"a neuron of '" + pop.name + "' has " + std::to_string(comps) + " compartments; a core holds " +
                   std::to_string(L.compartments),
               p, {}};
      return false;
    }
    for (uint64_t i = 0; i < pop.size; ++i) {
      std::unordered_set<uint64_t> distinct(f.incoming[p][i].begin(), f.incoming[p][i].end());
      if (distinct.size() > L.inputAxons) {
        error = {"neuron " + std::to_string(i) + " of '" + pop.name + "' receives synapses from " +
                     std::to_string(distinct.size()) + " source neurons, but a core has at most " +
                     std::to_string(L.inputAxons) + " input axons",
                 p, {}};
        return false;
      }
      if ((f.inBits[p][i] + 7) / 8 > L.synapseBytes) {
        error = {"neuron " + std::to_string(i) + " of '" + pop.name + "' needs " +
                     std::to_string((f.inBits[p][i] + 7) / 8) + " bytes of synapse memory, but a core has " +
                     std::to_string(L.synapseBytes),
                 p, {}};
        return false;
      }
    }
  }
  return true;
}

/// Neurons in order, each on the last core while it fits, at most `cap` a core.
class CoreFiller {
public:
  CoreFiller(const CoreConfig &c, const Fanout &f, uint64_t cap) : c_(c), f_(f), cap_(cap) {}

  void fill() {
    coreOf.resize(c_.populations.size());
    for (uint32_t p = 0; p < c_.populations.size(); ++p) {
      const Population &pop = c_.populations[p];
      if (pop.kind != Population::Kind::Compartments)
        continue;
      coreOf[p].resize(pop.size);
      uint32_t comps = 1 + uint32_t(pop.dendrites.size());
      for (uint64_t i = 0; i < pop.size; ++i) {
        if (!fits(p, i, comps))
          open();
        add(p, i, comps);
      }
    }
  }

  std::vector<CoreAssignment> cores;
  std::vector<std::vector<uint32_t>> coreOf; // per population and neuron

private:
  void open() {
    cores.emplace_back();
    sources_.clear();
    bits_ = 0;
    neurons_ = 0;
  }
  bool fits(uint32_t p, uint64_t i, uint32_t comps) const {
    const CoreLimits &L = c_.limits;
    if (cores.empty())
      return false;
    const CoreAssignment &a = cores.back();
    if (a.compartments + comps > L.compartments || neurons_ + 1 > cap_)
      return false;
    if ((bits_ + f_.inBits[p][i] + 7) / 8 > L.synapseBytes)
      return false;
    size_t extra = 0;
    for (uint64_t k : f_.incoming[p][i])
      extra += !sources_.count(k);
    // (duplicates within the neuron's own list overcount: conservative)
    return sources_.size() + extra <= L.inputAxons;
  }
  void add(uint32_t p, uint64_t i, uint32_t comps) {
    CoreAssignment &a = cores.back();
    if (a.ranges.empty() || a.ranges.back().population != p || a.ranges.back().end != i)
      a.ranges.push_back({p, i, i});
    a.ranges.back().end = i + 1;
    a.compartments += comps;
    a.synapses += f_.incoming[p][i].size();
    sources_.insert(f_.incoming[p][i].begin(), f_.incoming[p][i].end());
    a.inputAxons = uint32_t(sources_.size());
    bits_ += f_.inBits[p][i];
    a.synapseBytes = (bits_ + 7) / 8;
    ++neurons_;
    coreOf[p][i] = uint32_t(cores.size() - 1);
  }

  const CoreConfig &c_;
  const Fanout &f_;
  uint64_t cap_;
  std::unordered_set<uint64_t> sources_; // of the last core
  uint64_t bits_ = 0, neurons_ = 0;      // of the last core
};

/// Output axons: per neuron, one per distinct destination core. False
/// (with the error) when one neuron alone needs more than a core has.
bool addOutputAxons(const CoreConfig &c, const Fanout &f, CoreFiller &filled, PlacementError &error) {
  const CoreLimits &L = c.limits;
  for (uint32_t p = 0; p < c.populations.size(); ++p)
    for (uint64_t i = 0; i < f.outgoing[p].size(); ++i) {
      std::unordered_set<uint32_t> dest;
      for (auto &[tp, ti] : f.outgoing[p][i])
        dest.insert(filled.coreOf[tp][ti]);
      if (dest.size() > L.outputAxons) {
        error = {"neuron " + std::to_string(i) + " of '" + c.populations[p].name + "' sends to " +
                     std::to_string(dest.size()) + " cores, but a core has at most " +
                     std::to_string(L.outputAxons) + " output axons",
                 p, {}};
        return false;
      }
      filled.cores[filled.coreOf[p][i]].outputAxons += uint32_t(dest.size());
    }
  return true;
}

/// Numbers the cores chip by chip into c; false (with the error) past maxChips.
bool assignChips(CoreConfig &c, std::vector<CoreAssignment> cores, PlacementError &error) {
  const CoreLimits &L = c.limits;
  for (size_t k = 0; k < cores.size(); ++k) {
    cores[k].chip = uint32_t(k / L.coresPerChip);
    cores[k].core = uint32_t(k % L.coresPerChip);
  }
  c.chips = uint32_t((cores.size() + L.coresPerChip - 1) / L.coresPerChip);
  if (L.maxChips && c.chips > L.maxChips) {
    error = {"the network needs " + std::to_string(cores.size()) + " cores on " + std::to_string(c.chips) +
                 " chips, but only " + std::to_string(L.maxChips) + " chip" + (L.maxChips == 1 ? "" : "s") +
                 " of " + std::to_string(L.coresPerChip) + " cores are available",
             {}, {}};
    return false;
  }
  c.cores = std::move(cores);
  return true;
}

} // namespace

bool placeNetwork(CoreConfig &c, PlacementError &error) {
  const CoreLimits &L = c.limits;
  c.cores.clear();
  c.chips = 0;
  Fanout fanout = collectFanout(c);
  if (!everyNeuronFits(c, fanout, error))
    return false;
  // Greedy fill with a per-core neuron cap, tightened until output axons fit.
  uint64_t cap = UINT64_MAX;
  for (int attempt = 0; attempt < 64; ++attempt) {
    CoreFiller filled(c, fanout, cap);
    filled.fill();
    if (!addOutputAxons(c, fanout, filled, error))
      return false;
    bool ok = true;
    uint64_t maxNeurons = 0;
    for (CoreAssignment &a : filled.cores) {
      uint64_t n = 0;
      for (auto &r : a.ranges)
        n += r.end - r.begin;
      maxNeurons = std::max(maxNeurons, n);
      ok = ok && a.outputAxons <= L.outputAxons;
    }
    if (!ok) {
      if (maxNeurons <= 1)
        break;
      cap = std::max<uint64_t>(1, maxNeurons * 9 / 10);
      continue;
    }
    return assignChips(c, std::move(filled.cores), error);
  }
  error = {"no assignment of neurons to cores keeps every core within " + std::to_string(L.outputAxons) +
               " output axons",
           {}, {}};
  return false;
}

namespace {
struct Stat {
  double max = 0, mean = 0;
};
template <class F> Stat stat(const CoreConfig &c, F f) {
  Stat s;
  for (const CoreAssignment &a : c.cores) {
    double x = double(f(a));
    s.max = std::max(s.max, x);
    s.mean += x;
  }
  if (!c.cores.empty())
    s.mean /= double(c.cores.size());
  return s;
}
} // namespace

nlohmann::json utilisationJson(const CoreConfig &c) {
  auto both = [](Stat s, double limit) {
    return nlohmann::json{{"max", s.max}, {"mean", s.mean}, {"limit", limit}};
  };
  uint64_t neurons = 0, compartments = 0, synapses = 0;
  for (const CoreAssignment &a : c.cores) {
    for (auto &r : a.ranges)
      neurons += r.end - r.begin;
    compartments += a.compartments;
    synapses += a.synapses;
  }
  return {{"cores", c.cores.size()},
          {"chips", c.chips},
          {"neurons", neurons},
          {"compartments", compartments},
          {"synapses", synapses},
          {"compartments_per_core", both(stat(c, [](auto &a) { return a.compartments; }), c.limits.compartments)},
          {"input_axons_per_core", both(stat(c, [](auto &a) { return a.inputAxons; }), c.limits.inputAxons)},
          {"output_axons_per_core", both(stat(c, [](auto &a) { return a.outputAxons; }), c.limits.outputAxons)},
          {"synapse_bytes_per_core",
           both(stat(c, [](auto &a) { return a.synapseBytes; }), double(c.limits.synapseBytes))}};
}

void printUtilisation(const CoreConfig &c, std::ostream &out) {
  nlohmann::json j = utilisationJson(c);
  char line[160];
  std::snprintf(line, sizeof line, "placement: %zu cores on %u chip%s, %llu neurons, %llu compartments, %llu synapses\n",
                c.cores.size(), c.chips, c.chips == 1 ? "" : "s", (unsigned long long)j["neurons"].get<uint64_t>(),
                (unsigned long long)j["compartments"].get<uint64_t>(), (unsigned long long)j["synapses"].get<uint64_t>());
  out << line;
  auto row = [&](const char *what, const char *key) {
    const nlohmann::json &s = j[key];
    double lim = s["limit"].get<double>();
    std::snprintf(line, sizeof line, "  %-22s max %9.0f (%5.1f%%)  mean %11.1f (%5.1f%%)  of %.0f\n", what,
                  s["max"].get<double>(), 100 * s["max"].get<double>() / lim, s["mean"].get<double>(),
                  100 * s["mean"].get<double>() / lim, lim);
    out << line;
  };
  row("compartments/core", "compartments_per_core");
  row("input axons/core", "input_axons_per_core");
  row("output axons/core", "output_axons_per_core");
  row("synapse bytes/core", "synapse_bytes_per_core");
}

} // namespace nsc::loihi
