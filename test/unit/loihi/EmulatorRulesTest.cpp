// The emulator's compartment arithmetic against vectors derived by hand and
// against the expectations of Lava's published bit-accurate LIF tests
// (lava-nc/lava tests/lava/proc/lif/test_models.py, TestLIFProcessModelsFixed
// and TestTLIFProcessModelsFixed; values restated here, not copied code).
#include "nsc/loihi/Emulator.h"

#include <gtest/gtest.h>

using namespace nsc::loihi;

namespace {

/// One population of `n` single-compartment neurons, no synapses.
CoreConfig oneGroup(uint64_t n, uint32_t duReg, uint32_t dvReg, int32_t biasMant, uint32_t biasExp,
                    uint32_t vthMant, uint32_t refractory = 0) {
  CoreConfig c;
  c.dtMs = 1;
  Population p;
  p.name = "lif";
  p.size = n;
  p.soma = 0;
  c.populations.push_back(p);
  CompartmentGroup g;
  g.name = "lif.soma";
  g.size = n;
  g.du = duReg + 1; // ds_offset = 1
  g.dv = dvReg;     // dm_offset = 0
  g.biasMant = biasMant;
  g.biasExp = biasExp;
  g.vthMant = vthMant;
  g.refractoryDelay = refractory;
  c.groups.push_back(g);
  return c;
}

std::unique_ptr<Emulator> make(const CoreConfig &c) {
  std::string error;
  auto e = Emulator::create(c, error);
  EXPECT_TRUE(e) << error;
  return e;
}

} // namespace

TEST(LoihiRules, DecayRoundsTowardZero) {
  // 1000 * (4096 - 2048) >> 12 = 500; -1001 * 2048 / 4096 = -500.5 -> -500.
  EXPECT_EQ(decayToward0(1000, 2048), 500);
  EXPECT_EQ(decayToward0(-1001, 2048), -500);
  EXPECT_EQ(decayToward0(1001, 2048), 500);
  EXPECT_EQ(decayToward0(-7, 4096), 0);  // full decay
  EXPECT_EQ(decayToward0(-7, 0), -7);    // no decay
  EXPECT_EQ(decayToward0(3, 1), 2);      // 3*4095/4096 = 2.999 -> 2
  EXPECT_EQ(decayToward0(-3, 1), -2);
}

TEST(LoihiRules, CurrentWrapsAndVoltageClips) {
  const int64_t M = int64_t(1) << 23;
  EXPECT_EQ(wrapCurrent(M), M); // Lava keeps +2^23 itself
  EXPECT_EQ(wrapCurrent(M + 1), -M + 1);
  EXPECT_EQ(wrapCurrent(-M), M);
  EXPECT_EQ(wrapCurrent(-M + 1), -M + 1);
  EXPECT_EQ(clipVoltage(M), M - 1);
  EXPECT_EQ(clipVoltage(-M), -M + 1);
  EXPECT_EQ(clipVoltage(12), 12);
}

TEST(LoihiRules, WeightExponentShiftsTheSum) {
  EXPECT_EQ(applyWeightExp(208, -2), 52);
  EXPECT_EQ(applyWeightExp(-5, -1), -3); // floor, as numpy's right_shift
  EXPECT_EQ(applyWeightExp(-4, -1), -2);
  EXPECT_EQ(applyWeightExp(-1, -8), -1);
  EXPECT_EQ(applyWeightExp(255, -8), 0);
  EXPECT_EQ(applyWeightExp(-3, 3), -24);
  EXPECT_EQ(effectiveBias(4095, 5), 4095 * 32);
  EXPECT_EQ(effectiveBias(-2, 6), -128);
}

// Lava test_bitacc_pm_no_decay: du = dv = 0, bias 2 << 6, vth 8: the
// neurons spike at the 5th and 10th time step (indices 4 and 9).
TEST(LoihiLavaVectors, NoDecayBiasDriven) {
  auto e = make(oneGroup(10, 0, 0, 2, 6, 8));
  EmulatorResult r;
  e->run(10, r);
  ASSERT_EQ(r.spikes.events.size(), 20u);
  for (auto &ev : r.spikes.events)
    EXPECT_TRUE(ev.step == 4 || ev.step == 9) << ev.step;
}

// Lava test_bitacc_pm_impulse_du: activation 128 at the first step, du =
// 2047 (+ ds_offset = 2048): u halves every step from 128 << 6.
TEST(LoihiLavaVectors, ImpulseResponseOfCurrent) {
  for (int sign : {1, -1}) { // TLIF's negative variant too
    auto e = make(oneGroup(1, 2047, 0, 0, 1, 256));
    e->addActivation(0, 0, sign * 128);
    EmulatorResult r;
    for (int j = 0; j < 8; ++j) {
      e->run(1, r);
      EXPECT_EQ(e->u(0, 0), sign * (1 << (13 - j))) << j;
    }
  }
}

// Lava test_bitacc_pm_impulse_dv: du = 0 (effective 1 through ds_offset),
// dv = 2048: v = 8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295.
TEST(LoihiLavaVectors, ImpulseResponseOfVoltage) {
  const int32_t expected[] = {8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295};
  for (int sign : {1, -1}) {
    auto e = make(oneGroup(1, 0, 2048, 0, 1, 256));
    e->addActivation(0, 0, sign * 128);
    EmulatorResult r;
    for (int j = 0; j < 8; ++j) {
      e->run(1, r);
      EXPECT_EQ(e->v(0, 0), sign * expected[j]) << j;
    }
    EXPECT_TRUE(r.spikes.events.empty());
  }
}

// Lava test_bitacc_pm_scaling_of_bias: one step gives v = 4095 << 5.
TEST(LoihiLavaVectors, BiasScaling) {
  auto e = make(oneGroup(1, 0, 0, 4095, 5, 131071));
  EmulatorResult r;
  e->run(1, r);
  EXPECT_EQ(e->v(0, 0), 4095 * 32);
}

// By hand: bias 100 (no decays, threshold 3 << 6 = 192), refractory 2.
// v: 100, 200 > 192 -> spike (step 1), v = 0 held for 2 steps (u keeps
// integrating its input), then 100, 200 -> spike at step 5.
TEST(LoihiHandVectors, RefractoryHoldsVoltageAtZero) {
  CoreConfig c = oneGroup(1, 4095, 0, 100, 0, 3, 2); // du effective 4096: u is this step's input
  auto e = make(c);
  EmulatorResult r;
  const int32_t v[] = {100, 0, 0, 0, 100, 0, 0, 0};
  for (int k = 0; k < 8; ++k) {
    if (k == 2)
      e->addActivation(0, 0, 1000); // input of step 2 (refractory): u = 64000, v stays 0
    e->run(1, r);
    EXPECT_EQ(e->v(0, 0), v[k]) << k;
    if (k == 2)
      EXPECT_EQ(e->u(0, 0), 64000);
  }
  ASSERT_EQ(r.spikes.events.size(), 2u);
  EXPECT_EQ(r.spikes.events[0].step, 1u);
  EXPECT_EQ(r.spikes.events[1].step, 5u);
}

// By hand: a dendrite (dv effective 4096: v = u) joined ADD into a soma
// whose u has no memory (du effective 4096). Activation 10 -> dendrite u =
// v = 640 in the step it arrives; soma u = 640; soma v = 640 (dv = 0).
// Next step: dendrite u = 640 * 2048/4096 = 320, soma v = 640 + 320.
TEST(LoihiHandVectors, DendriteJoinsSomaByAdd) {
  CoreConfig c;
  c.dtMs = 1;
  Population p;
  p.name = "n";
  p.size = 1;
  p.soma = 0;
  p.dendrites = {1};
  c.populations.push_back(p);
  CompartmentGroup soma;
  soma.name = "n.soma";
  soma.size = 1;
  soma.du = 4096;
  soma.dsOffset = 1;
  soma.dv = 0;
  soma.vthMant = 100000;
  CompartmentGroup dend = soma;
  dend.name = "n.dend0";
  dend.du = 2048;
  dend.dv = 4096;
  dend.dmOffset = 1;
  dend.joinTo = 0;
  c.groups = {soma, dend};
  auto e = make(c);
  e->addActivation(1, 0, 10);
  EmulatorResult r;
  e->run(1, r);
  EXPECT_EQ(e->u(1, 0), 640);
  EXPECT_EQ(e->v(1, 0), 640);
  EXPECT_EQ(e->u(0, 0), 640);
  EXPECT_EQ(e->v(0, 0), 640);
  e->run(1, r);
  EXPECT_EQ(e->v(1, 0), 320);
  EXPECT_EQ(e->v(0, 0), 960);
}

// By hand: a spike emitted in step k through a synapse of delay d is in the
// target's input of step k + d + 1 (docs/loihi.md §1, arrival).
TEST(LoihiHandVectors, DelayedArrival) {
  CoreConfig c;
  c.dtMs = 1;
  Population src;
  src.name = "src";
  src.size = 1;
  src.kind = Population::Kind::SpikeSource;
  src.emitStep = {2};
  src.multiplicity = {1};
  Population dst;
  dst.name = "dst";
  dst.size = 1;
  dst.soma = 0;
  c.populations = {src, dst};
  CompartmentGroup g;
  g.name = "dst.soma";
  g.population = 1;
  g.size = 1;
  g.du = 4096;
  g.dv = 0;
  g.vthMant = 100000;
  c.groups = {g};
  SynapseGroup s;
  s.source = 0;
  s.target = 0;
  s.weightExp = 1;
  s.rowOffsets = {0, 1};
  s.targets = {0};
  s.weightMant = {-3};
  s.delay = {4};
  c.synapses = {s};
  auto e = make(c);
  EmulatorResult r;
  e->run(7, r); // steps 0..6: nothing yet
  EXPECT_EQ(e->u(0, 0), 0);
  e->run(1, r); // step 7 = 2 + 4 + 1
  EXPECT_EQ(e->u(0, 0), -3 * 2 * 64);
  ASSERT_EQ(r.spikes.events.size(), 1u);
  EXPECT_EQ(r.spikes.events[0].population, 0u);
  EXPECT_EQ(r.spikes.events[0].step, 2u);
}
