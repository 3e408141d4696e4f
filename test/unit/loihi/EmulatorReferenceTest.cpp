// Random parameter sets and input spike trains: the emulator against an
// independent, deliberately naive implementation of the same rules
// (docs/loihi.md §1) written here from the rule text: per-neuron structs, a
// list of pending deliveries instead of ring buffers, truncating division
// for the decays, floor division for negative weight exponents, Lava's
// two-sided wrap spelled out. Spike times and u, v of every compartment
// must agree at every step.
#include "nsc/loihi/Emulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

using namespace nsc::loihi;

namespace {

struct RefCompartment {
  int64_t u = 0, v = 0, refr = 0;
};

struct Reference {
  const CoreConfig &c;
  std::vector<std::vector<RefCompartment>> state; // [group][neuron]
  // arrival step -> (group, neuron, synapse group) -> summed mantissas
  std::map<uint64_t, std::map<std::tuple<uint32_t, uint64_t, uint32_t>, int64_t>> pending;
  std::vector<std::pair<uint64_t, uint64_t>> spikes; // (step, neuron) of population 1
  std::map<std::pair<uint32_t, uint64_t>, int64_t> external;

  explicit Reference(const CoreConfig &cfg) : c(cfg) {
    for (const CompartmentGroup &g : c.groups) {
      std::vector<RefCompartment> s(g.size);
      for (uint64_t i = 0; i < g.size; ++i) {
        s[i].u = g.u0.empty() ? 0 : g.u0[i];
        s[i].v = g.v0.empty() ? 0 : g.v0[i];
        s[i].refr = g.refractory0.empty() ? 0 : g.refractory0[i];
      }
      state.push_back(s);
    }
  }

  static int64_t decay(int64_t x, int64_t d) { return x * (4096 - d) / 4096; } // C++ '/' truncates
  static int64_t floorShift(int64_t s, int e) {
    if (e >= 0)
      return s * (int64_t(1) << e);
    return int64_t(std::floor(double(s) / std::ldexp(1.0, -e)));
  }
  static int64_t lavaWrap(int64_t x) {
    const int64_t M = int64_t(1) << 23;
    int64_t w = x > M ? x - 2 * M : x;
    return w <= -M ? x + 2 * M : w;
  }

  void step(uint64_t k) {
    std::vector<uint64_t> fired;
    std::vector<int64_t> joinIn(c.groups[0].size, 0);
    // dendrite groups (index >= 1) first, soma is group 0
    for (uint32_t gi : {1u, 2u, 0u}) {
      if (gi >= c.groups.size())
        continue;
      const CompartmentGroup &g = c.groups[gi];
      for (uint64_t i = 0; i < g.size; ++i) {
        int64_t a = 0;
        for (auto &[key, sum] : pending[k])
          if (std::get<0>(key) == gi && std::get<1>(key) == i)
            a += floorShift(sum, c.synapses[std::get<2>(key)].weightExp);
        a += external[{gi, i}];
        external[{gi, i}] = 0;
        RefCompartment &s = state[gi][i];
        s.u = lavaWrap(decay(s.u, g.du) + a * 64 + (gi == 0 ? joinIn[i] : 0));
        if (s.refr > 0) {
          s.refr -= 1;
        } else {
          int64_t v = decay(s.v, g.dv) + s.u + int64_t(g.biasMant) * (1 << g.biasExp);
          v = std::max<int64_t>(std::min<int64_t>(v, (1 << 23) - 1), -(1 << 23) + 1);
          if (gi == 0 && v > int64_t(g.vthMant) * 64) {
            v = 0;
            s.refr = g.refractoryDelay;
            fired.push_back(i);
          }
          s.v = v;
        }
        if (gi != 0)
          joinIn[i] += s.v;
      }
    }
    pending.erase(k);
    auto send = [&](uint32_t pop, uint64_t src, int64_t mult) {
      for (uint32_t si = 0; si < c.synapses.size(); ++si) {
        const SynapseGroup &sg = c.synapses[si];
        if (sg.source != pop)
          continue;
        for (uint64_t q = sg.rowOffsets[src]; q < sg.rowOffsets[src + 1]; ++q)
          pending[k + sg.delay[q] + 1][{sg.target, sg.targets[q], si}] += sg.weightMant[q] * mult;
      }
    };
    const Population &src = c.populations[0];
    for (size_t q = 0; q < src.emitStep.size(); ++q)
      if (src.emitStep[q] == k)
        for (uint64_t i = 0; i < src.size; ++i)
          send(0, i, src.multiplicity[q]);
    for (uint64_t i : fired) {
      spikes.push_back({k, i});
      send(1, i, 1);
    }
  }
};

CoreConfig randomConfig(std::mt19937_64 &rng, unsigned dendrites) {
  auto uni = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  CoreConfig c;
  c.dtMs = 0.1;
  Population src;
  src.name = "input";
  src.kind = Population::Kind::SpikeSource;
  src.size = uint64_t(uni(1, 6));
  for (uint64_t s = 0; s < 150; ++s)
    if (uni(0, 3) == 0) {
      src.emitStep.push_back(s);
      src.multiplicity.push_back(uint32_t(uni(1, 3)));
    }
  Population pop;
  pop.name = "lif";
  pop.size = uint64_t(uni(1, 12));
  pop.soma = 0;
  for (unsigned d = 0; d < dendrites; ++d)
    pop.dendrites.push_back(d + 1);
  c.populations = {src, pop};
  CompartmentGroup soma;
  soma.name = "lif.soma";
  soma.population = 1;
  soma.size = pop.size;
  soma.dsOffset = 1;
  soma.du = dendrites ? 4096 : uint32_t(uni(1, 4096));
  soma.dmOffset = uint32_t(uni(0, 1));
  soma.dv = uint32_t(uni(soma.dmOffset, 4095 + soma.dmOffset));
  soma.vthMant = uint32_t(uni(0, 3000));
  soma.biasMant = int32_t(uni(-4096, 4095));
  soma.biasExp = uint32_t(uni(0, 7));
  soma.refractoryDelay = uint32_t(uni(0, 8));
  for (uint64_t i = 0; i < pop.size; ++i) {
    soma.u0.push_back(dendrites ? 0 : int32_t(uni(-(1 << 20), 1 << 20)));
    soma.v0.push_back(int32_t(uni(-(1 << 18), 1 << 18)));
    soma.refractory0.push_back(uint32_t(uni(0, 3)));
  }
  c.groups.push_back(soma);
  for (unsigned d = 0; d < dendrites; ++d) {
    CompartmentGroup g;
    g.name = "lif.dend" + std::to_string(d);
    g.population = 1;
    g.size = pop.size;
    g.du = uint32_t(uni(1, 4096));
    g.dv = 4096;
    g.dmOffset = 1;
    g.joinTo = 0;
    c.groups.push_back(g);
  }
  // Input synapses into each group that takes synapses, and recurrent ones.
  for (uint32_t srcPop : {0u, 1u})
    for (uint32_t tg = dendrites ? 1 : 0; tg < c.groups.size(); ++tg) {
      SynapseGroup s;
      s.name = "s" + std::to_string(c.synapses.size());
      s.source = srcPop;
      s.target = tg;
      s.weightExp = int32_t(uni(-8, 7));
      uint64_t nSrc = c.populations[srcPop].size;
      s.rowOffsets.push_back(0);
      for (uint64_t i = 0; i < nSrc; ++i) {
        for (uint64_t t = 0; t < pop.size; ++t)
          if (uni(0, 2) == 0) {
            s.targets.push_back(uint32_t(t));
            s.weightMant.push_back(int16_t(uni(-256, 255)));
            s.delay.push_back(uint8_t(uni(0, srcPop == 0 ? 62 : 6)));
          }
        s.rowOffsets.push_back(s.targets.size());
      }
      c.synapses.push_back(s);
    }
  return c;
}

} // namespace

TEST(LoihiEmulatorReference, RandomParametersAndInputsMatchStepForStep) {
  std::mt19937_64 rng(20240501);
  uint64_t totalSpikes = 0;
  for (int trial = 0; trial < 60; ++trial) {
    unsigned dendrites = unsigned(trial % 3);
    CoreConfig c = randomConfig(rng, dendrites);
    std::string error;
    auto emu = Emulator::create(c, error);
    ASSERT_TRUE(emu) << error;
    Reference ref(c);
    EmulatorResult res;
    for (uint64_t k = 0; k < 200; ++k) {
      if (k % 17 == 3) { // external activations as in Lava's VecSend tests
        emu->addActivation(0, 0, int64_t(k) * 3 - 200);
        ref.external[{0, 0}] += int64_t(k) * 3 - 200;
      }
      emu->run(1, res);
      ref.step(k);
      for (uint32_t g = 0; g < c.groups.size(); ++g)
        for (uint64_t i = 0; i < c.groups[g].size; ++i) {
          ASSERT_EQ(emu->u(g, i), ref.state[g][i].u) << "trial " << trial << " step " << k << " group " << g;
          ASSERT_EQ(emu->v(g, i), ref.state[g][i].v) << "trial " << trial << " step " << k << " group " << g;
        }
    }
    std::vector<std::pair<uint64_t, uint64_t>> got;
    for (auto &e : res.spikes.events)
      if (e.population == 1)
        got.push_back({e.step, e.index});
    EXPECT_EQ(got, ref.spikes) << "trial " << trial;
    totalSpikes += got.size();
  }
  // The trials must exercise spiking, not just subthreshold decay.
  EXPECT_GT(totalSpikes, 500u);
}
