//===- MemoryTest.cpp - Networks too big for memory: refused, not bad_alloc ===//
//
// simulate() estimates the network's memory before building it and throws
// SimulationError (the estimate, the limit, the largest part) when it does
// not fit CompilerOptions::maxMemoryBytes or the memory available; a run
// longer than the step counter holds is an ArgumentError.
//
//===----------------------------------------------------------------------===//
#include <nsc/nsc.h>

#include <gtest/gtest.h>

namespace {

nsc::Model cuba(uint64_t maxMemory) {
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  o.maxMemoryBytes = maxMemory;
  return nsc::Compiler(o).compileFile(NSC_SOURCE_DIR "/examples/cuba.nrn");
}

TEST(ApiMemory, NetworkOverTheLimitIsRefusedWithTheEstimate) {
  nsc::Model m = cuba(1 << 20); // 1 MiB: CUBA's synapses alone take more
  try {
    m.simulate();
    FAIL() << "expected nsc::SimulationError";
  } catch (const nsc::SimulationError &e) {
    std::string what = e.what();
    EXPECT_NE(what.find("the network needs about"), std::string::npos) << what;
    EXPECT_NE(what.find("more than the 1.00 MiB available (--max-memory)"), std::string::npos) << what;
    EXPECT_NE(what.find("the largest part is projection exc -> exc"), std::string::npos) << what;
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].line, 94u); // the projection's line in cuba.nrn
  }
}

TEST(ApiMemory, SingleModelOverTheLimitIsRefused) {
  nsc::CompilerOptions o;
  o.target = nsc::Target::Interp;
  o.maxMemoryBytes = uint64_t(8) << 30;
  nsc::Model m = nsc::Compiler(o).compileFile(NSC_SOURCE_DIR "/examples/iaf_psc_exp.nrn");
  try {
    m.simulateModel("iaf_psc_exp", 4000000000ull);
    FAIL() << "expected nsc::SimulationError";
  } catch (const nsc::SimulationError &e) {
    EXPECT_NE(std::string(e.what()).find("the largest part is population 'iaf_psc_exp'"), std::string::npos)
        << e.what();
  }
}

TEST(ApiMemory, NetworkWithinTheLimitRuns) {
  nsc::Simulation sim = cuba(uint64_t(4) << 30).simulate();
  sim.run(1.0);
  EXPECT_EQ(sim.steps(), 10u);
}

TEST(ApiMemory, DurationBeyondTheStepCounterIsAnArgumentError) {
  nsc::Simulation sim = cuba(0).simulate();
  EXPECT_THROW(sim.run(1e300), nsc::ArgumentError);
}

} // namespace
