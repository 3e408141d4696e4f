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

bool placeNetwork(CoreConfig &c, PlacementError &error) {
  const CoreLimits &L = c.limits;
  c.cores.clear();
  c.chips = 0;
  // Incoming synapses per target neuron: source keys and memory bits.
  std::vector<std::vector<std::vector<uint64_t>>> incoming(c.populations.size());
  std::vector<std::vector<uint64_t>> inBits(c.populations.size());
  std::vector<std::vector<std::vector<std::pair<uint32_t, uint64_t>>>> outgoing(c.populations.size());
  for (uint32_t p = 0; p < c.populations.size(); ++p) {
    bool comp = c.populations[p].kind == Population::Kind::Compartments;
    incoming[p].resize(comp ? c.populations[p].size : 0);
    inBits[p].assign(comp ? c.populations[p].size : 0, 0);
    outgoing[p].resize(comp ? c.populations[p].size : 0);
  }
  for (const SynapseGroup &s : c.synapses) {
    uint32_t tp = c.groups[s.target].population;
    bool srcComp = c.populations[s.source].kind == Population::Kind::Compartments;
    for (uint64_t i = 0; i + 1 < s.rowOffsets.size(); ++i)
      for (uint64_t at = s.rowOffsets[i]; at < s.rowOffsets[i + 1]; ++at) {
        incoming[tp][s.targets[at]].push_back(key(s.source, i));
        inBits[tp][s.targets[at]] += synapseBits(s);
        if (srcComp)
          outgoing[s.source][i].push_back({tp, s.targets[at]});
      }
  }
  // A neuron that cannot fit even alone.
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
      std::unordered_set<uint64_t> distinct(incoming[p][i].begin(), incoming[p][i].end());
      if (distinct.size() > L.inputAxons) {
        error = {"neuron " + std::to_string(i) + " of '" + pop.name + "' receives synapses from " +
                     std::to_string(distinct.size()) + " source neurons, but a core has at most " +
                     std::to_string(L.inputAxons) + " input axons",
                 p, {}};
        return false;
      }
      if ((inBits[p][i] + 7) / 8 > L.synapseBytes) {
        error = {"neuron " + std::to_string(i) + " of '" + pop.name + "' needs " +
                     std::to_string((inBits[p][i] + 7) / 8) + " bytes of synapse memory, but a core has " +
                     std::to_string(L.synapseBytes),
                 p, {}};
        return false;
      }
    }
  }
  // Greedy fill with a per-core neuron cap, tightened until output axons fit.
  uint64_t cap = UINT64_MAX;
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::vector<CoreAssignment> cores;
    std::vector<std::vector<uint32_t>> coreOf(c.populations.size());
    std::unordered_set<uint64_t> sources;
    uint64_t bits = 0, neurons = 0;
    auto open = [&]() {
      cores.emplace_back();
      sources.clear();
      bits = 0;
      neurons = 0;
    };
    for (uint32_t p = 0; p < c.populations.size(); ++p) {
      const Population &pop = c.populations[p];
      if (pop.kind != Population::Kind::Compartments)
        continue;
      coreOf[p].resize(pop.size);
      uint32_t comps = 1 + uint32_t(pop.dendrites.size());
      for (uint64_t i = 0; i < pop.size; ++i) {
        auto fits = [&]() {
          if (cores.empty())
            return false;
          CoreAssignment &a = cores.back();
          if (a.compartments + comps > L.compartments || neurons + 1 > cap)
            return false;
          if ((bits + inBits[p][i] + 7) / 8 > L.synapseBytes)
            return false;
          size_t extra = 0;
          for (uint64_t k : incoming[p][i])
            extra += !sources.count(k);
          // (duplicates within the neuron's own list overcount: conservative)
          return sources.size() + extra <= L.inputAxons;
        };
        if (!fits())
          open();
        CoreAssignment &a = cores.back();
        if (a.ranges.empty() || a.ranges.back().population != p || a.ranges.back().end != i)
          a.ranges.push_back({p, i, i});
        a.ranges.back().end = i + 1;
        a.compartments += comps;
        a.synapses += incoming[p][i].size();
        sources.insert(incoming[p][i].begin(), incoming[p][i].end());
        a.inputAxons = uint32_t(sources.size());
        bits += inBits[p][i];
        a.synapseBytes = (bits + 7) / 8;
        ++neurons;
        coreOf[p][i] = uint32_t(cores.size() - 1);
      }
    }
    // Output axons: per neuron, one per distinct destination core.
    bool ok = true;
    for (uint32_t p = 0; p < c.populations.size(); ++p)
      for (uint64_t i = 0; i < outgoing[p].size(); ++i) {
        std::unordered_set<uint32_t> dest;
        for (auto &[tp, ti] : outgoing[p][i])
          dest.insert(coreOf[tp][ti]);
        if (dest.size() > L.outputAxons) {
          error = {"neuron " + std::to_string(i) + " of '" + c.populations[p].name + "' sends to " +
                       std::to_string(dest.size()) + " cores, but a core has at most " +
                       std::to_string(L.outputAxons) + " output axons",
                   p, {}};
          return false;
        }
        cores[coreOf[p][i]].outputAxons += uint32_t(dest.size());
      }
    uint64_t maxNeurons = 0;
    for (CoreAssignment &a : cores) {
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
