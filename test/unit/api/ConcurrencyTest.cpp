//===- ConcurrencyTest.cpp - Simulations on several threads ---------------===//
//
// Simulations of one Model (and of several) built and run concurrently
// give the results they give alone: building is serialised inside the
// library, running shares nothing.
//
//===----------------------------------------------------------------------===//
#include "TestModels.h"

#include <nsc/nsc.h>

#include <gtest/gtest.h>

#include <thread>

namespace {

std::vector<uint64_t> spikeSteps(nsc::Simulation &sim) {
  std::vector<uint64_t> out;
  for (const nsc::Spike &s : sim.spikes())
    out.push_back(s.step * 1000003u + s.population * 1000u + s.index);
  return out;
}

TEST(ApiConcurrency, SimulationsOnSeveralThreads) {
  nsc::Model model = nsc::Compiler().compileString(nsc::test::kSmallNetwork, "small.nrn");
  nsc::Simulation alone = model.simulate();
  alone.run(100.0);
  std::vector<uint64_t> expected = spikeSteps(alone);
  ASSERT_FALSE(expected.empty());

  constexpr int kThreads = 4;
  std::vector<std::vector<uint64_t>> got(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      try {
        // Half the threads also compile their own copy of the model.
        nsc::Model m = t % 2 ? nsc::Compiler().compileString(nsc::test::kSmallNetwork, "small.nrn") : model;
        nsc::Simulation sim = m.simulate();
        for (int i = 0; i < 1000; ++i)
          sim.step();
        got[t] = spikeSteps(sim);
      } catch (const std::exception &e) {
        errors[t] = e.what();
      }
    });
  for (std::thread &th : threads)
    th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    EXPECT_EQ(got[t], expected) << "thread " << t;
  }
}

} // namespace
