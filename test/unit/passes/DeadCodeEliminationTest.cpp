//===- DeadCodeEliminationTest.cpp - dce pass -----------------------------===//
#include "PassTestUtil.h"

using namespace nsc;
using namespace nsc::test;

namespace {

TEST_F(PassTest, UnusedInternalsAndLocalsGo) {
  ASSERT_TRUE(lower(R"(
model m:
    internals:
        unused real = 3
        used real = 4
        recordable kept real = 5
    parameters:
        p real = 1
    state:
        x real = 0
    update:
        a real = 2
        b real = a * 2
        b = b + 1
        x = used
)"));
  ASSERT_TRUE(run("dce"));
  EXPECT_FALSE(contains("%unused")) << text();
  EXPECT_FALSE(contains("%a ")) << text();
  EXPECT_FALSE(contains("%b ")) << text();
  EXPECT_TRUE(contains("internal %used")) << text();
  EXPECT_TRUE(contains("internal %kept")) << "recordable internals stay\n" << text();
  EXPECT_TRUE(contains("param %p")) << "parameters are the interface\n" << text();
  EXPECT_TRUE(contains("state %x")) << text();
  EXPECT_TRUE(contains("%x = %used")) << "references are renumbered\n" << text();
  EXPECT_NE(log.str().find("dce: removed 3 variables, removed 3 dead statements"),
            std::string::npos)
      << log.str();
}

TEST_F(PassTest, EffectfulDefinitionsStay) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    update:
        r real = random_uniform(0, 1)
        s real = 1
        x = 1
)"));
  ASSERT_TRUE(run("dce"));
  EXPECT_TRUE(contains("%r")) << "dropping a draw would shift the random stream\n" << text();
  EXPECT_FALSE(contains("%s")) << text();
}

TEST_F(PassTest, LoopVariablesStay) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    update:
        i integer = 0
        for i in 1 ... 3:
            x = x + 1
)"));
  ASSERT_TRUE(run("dce"));
  EXPECT_TRUE(contains("for %i")) << text();
}

TEST_F(PassTest, NetworkReferencesAreRenumbered) {
  ASSERT_TRUE(lower(R"(
model m:
    internals:
        dead real = 1
    parameters:
        p real = 1
    state:
        x real = 0
    update:
        x = x + p
network n:
    a = m[3](p = 2, x = 1)
    record x from a
)"));
  ASSERT_TRUE(run("dce"));
  const ir::Network &n = *module->networks[0];
  const ir::Model &m = *module->models[n.populations[0].model];
  EXPECT_FALSE(m.findVariable("dead"));
  for (const ir::PopulationInit &init : n.populations[0].inits)
    EXPECT_EQ(m.variables.at(init.var).name, init.name);
  const ir::RecordItem &item = n.recorders[0].what[0];
  EXPECT_EQ(m.variables.at(item.id).name, "x");
  for (ir::VarId v : m.initOrder)
    EXPECT_LT(v, m.variables.size());
}

TEST_F(PassTest, UnreferencedInlinesGoRecordableOnesStay) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
    equations:
        inline used real = x * 2
        inline unused real = x * 3
        recordable inline rec real = x * 4
        x' = -used / 1 ms
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("dce"));
  EXPECT_FALSE(contains("@unused")) << text();
  EXPECT_TRUE(contains("inline @used")) << text();
  EXPECT_TRUE(contains("inline @rec")) << text();
  EXPECT_TRUE(contains("-@used")) << "inline refs are renumbered\n" << text();
}

TEST_F(PassTest, DefaultPipelineOnExampleVerifies) {
  options.propagateParameters = true;
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        tau ms = 10 ms
        E mV = -70 mV
    state:
        V mV = E
    internals:
        decay real = exp(-1 ms / tau)
    equations:
        inline drive mV/ms = (E - V) / tau
        V' = drive
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("default"));
  // Parameters folded, so the exact propagator is a literal (exp(-0.01)).
  EXPECT_TRUE(contains("local %V.next : mV = ((0.990049833749168 * %V)")) << text();
  EXPECT_FALSE(contains("ode %V'")) << text();
  EXPECT_FALSE(contains("%decay")) << text();
}

} // namespace
