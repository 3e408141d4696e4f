//===- TargetTest.cpp - cpu and interp agree through the API; threads -----===//
#include "TestModels.h"

#include <nsc/nsc.h>

#include <gtest/gtest.h>

namespace {

struct Outcome {
  std::vector<nsc::Spike> spikes;
  std::vector<double> v;
  nsc::Stats stats;
};

Outcome runSmall(nsc::Target target, unsigned threads, double ms) {
  nsc::CompilerOptions o;
  o.target = target;
  o.threads = threads;
  nsc::Simulation sim = nsc::Compiler(o).compileString(nsc::test::kSmallNetwork, "small.nrn").simulate();
  sim.set("exc", "I_e", 12.0);
  sim.run(ms);
  return {sim.spikes(), sim.get("exc", "V_m"), sim.stats()};
}

void expectSame(const Outcome &a, const Outcome &b) {
  ASSERT_EQ(a.spikes.size(), b.spikes.size());
  for (size_t i = 0; i < a.spikes.size(); ++i) {
    EXPECT_EQ(a.spikes[i].step, b.spikes[i].step) << i;
    EXPECT_EQ(a.spikes[i].population, b.spikes[i].population) << i;
    EXPECT_EQ(a.spikes[i].index, b.spikes[i].index) << i;
  }
  // float64 results are bit-identical across targets and thread counts.
  EXPECT_EQ(a.v, b.v);
}

TEST(ApiTargets, CpuMatchesTheInterpreterBitForBit) {
  Outcome interp = runSmall(nsc::Target::Interp, 1, 200.0);
  Outcome cpu = runSmall(nsc::Target::Cpu, 1, 200.0);
  ASSERT_GT(interp.spikes.size(), 100u);
  expectSame(interp, cpu);
  EXPECT_EQ(interp.stats.target, "interp");
  EXPECT_EQ(cpu.stats.target, "cpu");
  // The model was JIT-compiled or found in a cache.
  EXPECT_EQ(cpu.stats.modelsCompiled + cpu.stats.memoryCacheHits + cpu.stats.diskCacheHits, 1u);
}

TEST(ApiTargets, ThreadsDoNotChangeResults) {
  Outcome one = runSmall(nsc::Target::Cpu, 1, 100.0);
  Outcome two = runSmall(nsc::Target::Cpu, 2, 100.0);
  EXPECT_EQ(two.stats.threads, 2u);
  expectSame(one, two);
}

TEST(ApiTargets, CpuStepLoop) {
  nsc::Compiler compiler; // the default target is cpu
  EXPECT_EQ(compiler.options().target, nsc::Target::Cpu);
  nsc::Simulation sim = compiler.compileFile(NSC_SOURCE_DIR "/examples/cuba.nrn").simulate();
  for (int i = 0; i < 200; ++i)
    sim.step();
  EXPECT_EQ(sim.steps(), 200u);
  EXPECT_EQ(sim.stats().neurons, 4000u);
  EXPECT_GT(sim.stats().spikes, 0u);
}

} // namespace
