//===- SemanticsResolutionTest.cpp - file < network < model < population --===//
#include "LoweringTestUtil.h"

using namespace nsc;
using nsc::test::LoweringTest;

static const char *kNeuron = R"(
model n:
    state:
        V mV = 0 mV
    input:
        spikes mV <- spike
    output:
        spike
    onReceive(spikes):
        V += spikes
)";

TEST_F(LoweringTest, DefaultSemantics) {
  ASSERT_TRUE(lower(kNeuron)) << dump();
  const ir::Semantics &s = model("n").semantics;
  EXPECT_EQ(s.dtMs, 0.1);
  EXPECT_EQ(s.solver, ir::Solver::Auto);
  EXPECT_EQ(s.precision, ir::Precision::f64());
  EXPECT_EQ(s.spikes, ir::SpikeMode::Event);
  EXPECT_EQ(s.seed, 0u);
}

TEST_F(LoweringTest, ModelBlockOverridesFileBlock) {
  ASSERT_TRUE(lower(R"(
semantics:
    dt = 50 us
    solver = rk4
    seed = 5
model n:
    state:
        V mV = 0 mV
    semantics:
        solver = exact
        precision = fixed(Q8.8, rounding = toward_zero, overflow = wrap)
)")) << dump();
  const ir::Model &m = model("n");
  EXPECT_DOUBLE_EQ(m.semantics.dtMs, 0.05);
  EXPECT_EQ(m.semantics.solver, ir::Solver::Exact);
  EXPECT_EQ(m.semantics.seed, 5u);
  EXPECT_EQ(m.semantics.precision,
            ir::Precision::fixed(8, 8, ir::Rounding::TowardZero, ir::Overflow::Wrap));
  // Real types in the model carry the model's precision.
  EXPECT_EQ(m.variables[0].type.precision, m.semantics.precision);
}

TEST_F(LoweringTest, PopulationSemanticsSpecializeTheModel) {
  std::string src = std::string(kNeuron) + R"(
semantics:
    seed = 42
network net:
    a = n[10]
    b = n[5]
    connect a -> b: all_to_all, weight = 1 mV, delay = 0.3 ms
    semantics for b:
        precision = float32
)";
  ASSERT_TRUE(lower(src)) << dump();
  // The file block applies to the standalone model too, so 'a' uses it.
  const ir::Network &net = *module->networks[0];
  ASSERT_EQ(net.populations.size(), 2u);
  EXPECT_EQ(module->models[net.populations[0].model]->name, "n");
  const ir::Model &spec = *module->models[net.populations[1].model];
  EXPECT_EQ(spec.name, "n.net");
  EXPECT_EQ(spec.specializationOf, "n");
  EXPECT_EQ(spec.semantics.precision, ir::Precision::f32());
  EXPECT_EQ(spec.semantics.seed, 42u);
  EXPECT_EQ(spec.variables[0].type.precision, ir::Precision::f32());
  EXPECT_EQ(net.populations[1].semantics, spec.semantics);
  EXPECT_EQ(net.projections[0].delaySteps, 3);
}

TEST_F(LoweringTest, DtOverrideBeatsEveryBlock) {
  // `nsc --dt`: above the file, network, model and population blocks; the
  // delay is converted at the new step.
  options.dtOverrideMs = 0.025;
  std::string src = std::string(kNeuron) + R"(
semantics:
    dt = 0.5 ms
network net:
    a = n[2]
    connect a -> a: all_to_all, weight = 1 mV, delay = 1 ms
    semantics:
        dt = 0.2 ms
    semantics for a:
        dt = 0.5 ms
)";
  ASSERT_TRUE(lower(src)) << dump();
  const ir::Network &net = *module->networks[0];
  EXPECT_DOUBLE_EQ(net.semantics.dtMs, 0.025);
  EXPECT_DOUBLE_EQ(net.populations[0].semantics.dtMs, 0.025);
  EXPECT_DOUBLE_EQ(model("n").semantics.dtMs, 0.025);
  EXPECT_EQ(net.projections[0].delaySteps, 40);
}

TEST_F(LoweringTest, NestmlFileStartsFromNestmlTolerances) {
  ASSERT_TRUE(addFile(kNeuron, "n.nestml"));
  program.files.back()->nestml = true; // CompilerSession sets it from the extension
  ASSERT_TRUE(lower("")) << dump();
  EXPECT_EQ(model("n").semantics.rk45Atol, 1e-6);
  EXPECT_EQ(model("n").semantics.rk45Rtol, 1e-6);
  EXPECT_EQ(model("n").semantics.solver, ir::Solver::Auto);
  EXPECT_EQ(model("n").semantics.dtMs, 0.1);
}

TEST_F(LoweringTest, BadSemanticsValuesAreReported) {
  addFile(R"(
model n:
    state:
        V mV = 0 mV
    semantics:
        precision = fixed(Q99.1)
)");
  analyzeProgram(program, diags);
  module = lowerToIR(program, diags);
  EXPECT_EQ(module, nullptr);
  EXPECT_TRUE(diags.hasErrors()) << dump();
}
