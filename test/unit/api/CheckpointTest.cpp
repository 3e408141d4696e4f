//===- CheckpointTest.cpp - saveCheckpoint / restoreCheckpoint ------------===//
//
// A simulation saved half way and restored into a fresh one goes on bit for
// bit as the one that never stopped: spikes, recorder samples, neuron
// values and plastic weights (docs/checkpoints.md).
//
//===----------------------------------------------------------------------===//
#include <nsc/nsc.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace {

/// Poisson input, recurrent STDP and a recorder: every kind of state.
const char *kPlastic = R"(import iaf_psc_exp
import stdp_synapse

semantics:
    dt = 0.1 ms
    seed = 5

network plastic:
    noise = poisson_generator[40](rate = 60 Hz)
    exc = iaf_psc_exp[40](V_m = uniform(-70 mV, -55 mV))
    connect noise -> exc: one_to_one, weight = 3000 pA, delay = 2 ms, port = exc_spikes
    connect ee: exc -> exc: fixed_indegree(8), synapse = stdp_synapse(w = 40, w_max = 100, lambda = 0.05, d = 1.5 ms), port = exc_spikes
    record V_m from exc[0:4] every 0.5 ms as vm
)";

nsc::Simulation simulate(nsc::Target target, unsigned threads = 1) {
  nsc::Compiler c;
  c.options().includeDirs.push_back(NSC_SOURCE_DIR "/examples");
  c.options().target = target;
  c.options().threads = threads;
  return c.compileString(kPlastic, "plastic.nrn").simulate("plastic");
}

std::string tempPath(const char *name) {
  return std::string(::testing::TempDir()) + "nsc-checkpoint-" + name + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

bool bitEqual(const std::vector<double> &a, const std::vector<double> &b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

void expectSameSpikes(const std::vector<nsc::Spike> &a, const std::vector<nsc::Spike> &b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].step, b[i].step) << i;
    EXPECT_EQ(a[i].population, b[i].population) << i;
    EXPECT_EQ(a[i].index, b[i].index) << i;
  }
}

void resumesBitIdentically(nsc::Target target, unsigned savingThreads, unsigned restoringThreads) {
  nsc::Simulation full = simulate(target, savingThreads);
  full.run(150.0);
  std::string path = tempPath("half");
  full.saveCheckpoint(path);
  full.run(150.0);

  nsc::Simulation resumed = simulate(target, restoringThreads);
  resumed.run(20.0); // whatever it did before is replaced
  resumed.restoreCheckpoint(path);
  EXPECT_EQ(resumed.steps(), 1500u);
  resumed.run(150.0);

  EXPECT_EQ(resumed.steps(), full.steps());
  expectSameSpikes(resumed.spikes(), full.spikes());
  EXPECT_GT(full.spikes().size(), 100u);
  EXPECT_TRUE(bitEqual(resumed.get("exc", "V_m"), full.get("exc", "V_m")));
  nsc::SynapseValues wf = full.synapses("ee", "w"), wr = resumed.synapses("ee", "w");
  EXPECT_TRUE(bitEqual(wr.values, wf.values));
  size_t moved = 0;
  for (double w : wf.values)
    moved += w != 40.0;
  EXPECT_GT(moved, 0u); // the weights did change
  nsc::Trace tf = full.trace("vm"), tr = resumed.trace("vm");
  EXPECT_TRUE(bitEqual(tr.values, tf.values));
  EXPECT_TRUE(bitEqual(tr.time_ms, tf.time_ms));
  EXPECT_EQ(resumed.stats().spikes, full.stats().spikes);
  std::remove(path.c_str());
}

TEST(ApiCheckpoint, InterpResumesBitIdentically) { resumesBitIdentically(nsc::Target::Interp, 1, 1); }
TEST(ApiCheckpoint, CpuResumesBitIdenticallyOnOtherThreadCounts) {
  if (!nsc::targetAvailable(nsc::Target::Cpu))
    GTEST_SKIP() << "cpu target not built";
  resumesBitIdentically(nsc::Target::Cpu, 2, 1);
}

TEST(ApiCheckpoint, InjectedSpikesPendingInTheBufferAreKept) {
  nsc::Simulation a = simulate(nsc::Target::Interp);
  a.run(10.0);
  a.injectSpikes("exc", "exc_spikes", {0, 1, 2}, {5000.0}, 15);
  std::string path = tempPath("inject");
  a.saveCheckpoint(path);
  a.run(10.0);
  nsc::Simulation b = simulate(nsc::Target::Interp);
  b.restoreCheckpoint(path);
  b.run(10.0);
  expectSameSpikes(b.spikes(), a.spikes());
  EXPECT_TRUE(bitEqual(b.get("exc", "V_m"), a.get("exc", "V_m")));
  std::remove(path.c_str());
}

TEST(ApiCheckpoint, MismatchIsRefusedAndNothingChanges) {
  if (!nsc::targetAvailable(nsc::Target::Cpu))
    GTEST_SKIP() << "cpu target not built";
  nsc::Simulation a = simulate(nsc::Target::Interp);
  a.run(5.0);
  std::string path = tempPath("mismatch");
  a.saveCheckpoint(path);
  nsc::Simulation b = simulate(nsc::Target::Cpu);
  b.run(1.0);
  std::vector<double> before = b.get("exc", "V_m");
  try {
    b.restoreCheckpoint(path);
    FAIL() << "expected ArgumentError";
  } catch (const nsc::ArgumentError &e) {
    EXPECT_NE(std::string(e.what()).find("written by target 'interp'; this run is on target 'cpu'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(b.steps(), 10u);
  EXPECT_TRUE(bitEqual(b.get("exc", "V_m"), before));
  std::remove(path.c_str());
}

TEST(ApiCheckpoint, CorruptAndMissingFilesAreRefused) {
  nsc::Simulation a = simulate(nsc::Target::Interp);
  a.run(5.0);
  std::string path = tempPath("corrupt");
  a.saveCheckpoint(path);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto refusedWith = [&](const std::string &content, const std::string &expected) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << content;
    }
    try {
      a.restoreCheckpoint(path);
      ADD_FAILURE() << "expected ArgumentError for " << expected;
    } catch (const nsc::ArgumentError &e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x40;
  refusedWith(flipped, "is corrupt: the checksum of its section");
  refusedWith(bytes.substr(0, bytes.size() - 7), "is truncated");
  refusedWith("hello", "is not an nsc checkpoint");
  std::remove(path.c_str());
  EXPECT_THROW(a.restoreCheckpoint(path), nsc::ArgumentError);
  EXPECT_THROW(a.saveCheckpoint("/nonexistent-dir/x.ckpt"), nsc::ArgumentError);
  EXPECT_EQ(a.steps(), 50u);
}

} // namespace
