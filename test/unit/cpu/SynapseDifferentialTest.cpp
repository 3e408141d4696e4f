//===- SynapseDifferentialTest.cpp - Compiled synapse code against the interpreter ---===//
//
// Plastic networks run with synapse models interpreted (--target=interp,
// one thread: the oracle) and compiled (--target=cpu's SynapseKernel) at 1
// and 2 threads, and interpreted at 2 threads: every synapse variable
// (getSynapseValues) and every spike must be the same bits. The rules:
// examples/stdp_synapse.nrn (lazy, native trace decays), NESTML's
// stdp_synapse (examples/nestml/), the plasticity benchmark's additive rule
// (bench/stdp_song.nrn), and rules written here whose `update:` is compiled
// for skipped steps (random draws, a counter) or runs every step (it may
// emit), with functions, an integer state and a delay computed from state.
//
//===----------------------------------------------------------------------===//
#include "nsc/cpu/CpuBackend.h"
#include "nsc/frontend/CompilerSession.h"
#include "nsc/interp/Interpreter.h"
#include "nsc/network/Simulation.h"
#include "nsc/passes/PassManager.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

using namespace nsc;

namespace {

std::string source(const std::string &rel) {
  std::ifstream in(std::string(NSC_SOURCE_DIR) + "/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Run {
  CompilerSession session;
  std::unique_ptr<network::Simulation> sim;
  network::RunResult result;
  std::string errors;

  bool build(const std::string &text, bool compiled, unsigned threads) {
    session.addIncludeDir(std::string(NSC_SOURCE_DIR) + "/examples");
    session.addInputBuffer(std::string(NSC_SOURCE_DIR) + "/examples/net.nrn", text);
    bool ok = session.lower();
    if (ok) {
      passes::PassManager pm;
      std::ostringstream log;
      passes::PassContext ctx(session.diagnostics(), log);
      ok = pm.addPipeline("default", session.diagnostics()) && pm.run(*session.module(), ctx);
    }
    if (ok) {
      network::BuildOptions opt;
      opt.kernels = compiled ? cpu::cpuKernels() : interp::interpreterKernels();
      if (compiled)
        opt.synapseKernels = cpu::cpuSynapseKernels();
      opt.threads = threads;
      sim = network::Simulation::forNetwork(*session.module(), 0, opt, session.diagnostics());
    }
    for (auto &d : session.diagnostics().diagnostics())
      errors += session.diagnostics().format(d);
    return sim && !session.diagnostics().hasErrors();
  }
};

struct Outcome {
  std::vector<runtime::SpikeRecording::Event> spikes;
  std::vector<network::SynapseValues> values; // per variable
  std::vector<std::pair<std::string, uint64_t>> warnings;
};

Outcome runFor(Run &r, uint64_t steps, uint32_t projection, const std::vector<std::string> &vars) {
  Outcome o;
  EXPECT_TRUE(r.sim->step(steps, r.result)) << r.errors;
  o.spikes = r.result.spikes.events;
  o.warnings = r.result.warnings;
  for (const std::string &v : vars) {
    network::SynapseValues s;
    std::string error;
    EXPECT_TRUE(r.sim->getSynapseValues(projection, v, s, error)) << error;
    o.values.push_back(std::move(s));
  }
  return o;
}

void expectSame(const Outcome &a, const Outcome &b, const std::vector<std::string> &vars, const std::string &what) {
  ASSERT_EQ(a.spikes.size(), b.spikes.size()) << what;
  for (size_t i = 0; i < a.spikes.size(); ++i) {
    ASSERT_EQ(a.spikes[i].step, b.spikes[i].step) << what << " spike " << i;
    ASSERT_EQ(a.spikes[i].population, b.spikes[i].population) << what << " spike " << i;
    ASSERT_EQ(a.spikes[i].index, b.spikes[i].index) << what << " spike " << i;
  }
  for (size_t v = 0; v < vars.size(); ++v) {
    const network::SynapseValues &x = a.values[v], &y = b.values[v];
    EXPECT_EQ(x.source, y.source) << what;
    EXPECT_EQ(x.target, y.target) << what;
    ASSERT_EQ(x.value.size(), y.value.size()) << what;
    EXPECT_EQ(0, std::memcmp(x.value.data(), y.value.data(), x.value.size() * sizeof(double)))
        << what << ": synapse variable '" << vars[v] << "' differs";
  }
}

/// Runs `text` four ways for `steps` (in two calls, reading values in
/// between) and compares with the interpreter on one thread. Returns the
/// oracle's outcome.
Outcome compareAll(const std::string &text, uint64_t steps, uint32_t projection, const std::vector<std::string> &vars) {
  struct Way {
    bool compiled;
    unsigned threads;
  } ways[] = {{false, 1}, {true, 1}, {true, 2}, {false, 2}};
  Outcome oracle;
  for (const Way &w : ways) {
    Run r;
    std::string what = std::string(w.compiled ? "cpu" : "interp") + ", " + std::to_string(w.threads) + " threads";
    EXPECT_TRUE(r.build(text, w.compiled, w.threads)) << what << "\n" << r.errors;
    if (!r.sim)
      return oracle;
    Outcome mid = runFor(r, steps / 3, projection, vars);
    Outcome end = runFor(r, steps - steps / 3, projection, vars);
    for (auto &[text, count] : end.warnings)
      EXPECT_EQ(text.find("runs interpreted"), std::string::npos) << what << ": " << text;
    if (!w.compiled && w.threads == 1) {
      oracle = std::move(end);
      oracle.values.insert(oracle.values.end(), mid.values.begin(), mid.values.end());
      continue;
    }
    EXPECT_EQ(oracle.warnings, end.warnings) << what;
    end.values.insert(end.values.end(), mid.values.begin(), mid.values.end());
    std::vector<std::string> both = vars;
    both.insert(both.end(), vars.begin(), vars.end());
    expectSame(oracle, end, both, what);
  }
  return oracle;
}

const char *kDrive = R"(
semantics:
    dt = 0.1 ms
    seed = 7

network net:
    noise = poisson_generator[20](rate = 400 Hz)
    pre = poisson_generator[30](rate = 300 Hz)
    post = iaf_psc_exp[10](V_m = uniform(-70 mV, -55 mV))
    connect noise -> post: fixed_indegree(5), weight = 150 pA, port = exc_spikes
)";

std::string network(const std::string &imports, const std::string &synapse) {
  return imports + kDrive + "    connect plastic: pre -> post: fixed_indegree(12), synapse = " + synapse +
         ", weight = uniform(20 pA, 80 pA), port = exc_spikes\n";
}

bool changed(const network::SynapseValues &w, double from, double to) {
  size_t n = 0;
  for (double x : w.value)
    n += x > from && x < to ? 0 : 1;
  return n > 0;
}

TEST(SynapseDifferential, StdpSynapseExample) {
  std::vector<std::string> vars = {"w", "pre_trace", "post_trace"};
  Outcome o = compareAll(network("import iaf_psc_exp\nimport stdp_synapse\n",
                                 "stdp_synapse(lambda = 0.05, d = 1.5 ms)"),
                         3000, 1, vars);
  ASSERT_EQ(o.values.size(), 6u);
  EXPECT_EQ(o.values[0].value.size(), 120u);
}

TEST(SynapseDifferential, NestmlStdpSynapse) {
  std::vector<std::string> vars = {"w", "pre_trace", "post_trace"};
  compareAll(network("import iaf_psc_exp\nimport \"nestml/stdp_synapse.nestml\"\n",
                     "stdp_synapse(lambda = 0.05, d = 1.5 ms, Wmax = 200)"),
             3000, 1, vars);
}

TEST(SynapseDifferential, BenchmarkAdditiveRule) {
  // bench/stdp_song.nrn's models, a smaller network.
  std::string text = source("bench/stdp_song.nrn");
  text = text.substr(0, text.find("semantics:"));
  text += R"(
semantics:
    dt = 0.1 ms
    seed = 3

network small:
    inputs = poisson_generator[100](rate = 15 Hz)
    neurons = song_neuron[8]
    connect plastic: inputs -> neurons: all_to_all, synapse = song_stdp_synapse(g_max = 0.05),
                weight = uniform(0, 0.05), port = spikes
)";
  Outcome o = compareAll(text, 3000, 0, {"w", "A_pre", "A_post"});
  ASSERT_FALSE(o.values.empty());
}

// Not a pure decay: `update:` (a counter, stream-6 draws) is compiled for
// the skipped steps; handlers call functions, draw, compute their delay
// from state and count in an integer.
const char *kGenericRule = R"(
model busy_synapse:
    parameters:
        tau ms = 15 ms
        base_d ms = 1 ms
        eta real = 0.3
    state:
        w real = 1
        x real = 0
        y real = 0
        age real = 0
        noise real = 0
        events integer = 0
    equations:
        x' = -x / tau
        y' = -y / (2 * tau)
    input:
        pre_spikes <- spike
        post_spikes <- spike
    output:
        spike
    function bounded(v real, hi real) real:
        if v > hi:
            return hi
        return max(v, 0)
    function jitter() real:
        return random_uniform(0, 0.5)
    onReceive(post_spikes):
        y += 1
        w = bounded(w + eta * x * (1 + noise), 100)
    onReceive(pre_spikes):
        x += 1
        events += 1
        w = bounded(w - eta * 0.5 * y, 100)
        emit_spike(w, base_d + jitter() * 1 ms + (events % 3) * 0.1 ms)
    update:
        integrate_odes()
        age += 1
        noise = random_normal(0, 0.1)
)";

TEST(SynapseDifferential, CompiledCatchUpAndFunctions) {
  std::vector<std::string> vars = {"w", "x", "y", "age", "noise", "events"};
  Outcome o = compareAll(network(std::string("import iaf_psc_exp\n") + kGenericRule, "busy_synapse"), 2400, 1,
                         vars);
  ASSERT_FALSE(o.values.empty());
  for (double age : o.values[3].value)
    EXPECT_EQ(age, 2400.0);
  EXPECT_TRUE(changed(o.values[0], 19.99, 80.01)); // the rule moved weights out of the initial range
}

// `update:` may emit: every synapse runs every step (the non-lazy path).
TEST(SynapseDifferential, EagerRuleEveryStep) {
  std::string rule = kGenericRule;
  rule.replace(rule.find("busy_synapse"), 12, "eager_synapse");
  rule += "        if w < -1:\n            emit_spike(w, 1 ms)\n";
  std::vector<std::string> vars = {"w", "x", "y", "age", "noise", "events"};
  compareAll(network("import iaf_psc_exp\n" + rule, "eager_synapse"), 1200, 1, vars);
}

} // namespace
