//===- PassManagerTest.cpp - Pipelines, verification, printing, logging ---===//
#include "PassTestUtil.h"

#include "nsc/ir/Builder.h"

using namespace nsc;
using namespace nsc::test;

namespace {

const char *kModel = R"(
model m:
    parameters:
        a real = 2
    state:
        x real = 1 + 2
    equations:
        inline s real = x * a
        x' = -s / 1 ms
    update:
        integrate_odes()
)";

/// A pass that breaks a type invariant, to see the verifier catch it.
class BreakIRPass : public passes::Pass {
public:
  const char *name() const override { return "break-ir"; }
  const char *description() const override { return "test only"; }
  bool run(ir::Module &m, passes::PassContext &) override {
    m.models[0]->odes.equations[0].rhs->type = ir::Type::boolean();
    return true;
  }
};

class FailPass : public passes::Pass {
public:
  const char *name() const override { return "fail"; }
  const char *description() const override { return "test only"; }
  bool run(ir::Module &, passes::PassContext &ctx) override {
    ctx.diags().error({}, "fail pass failed");
    return false;
  }
};

TEST_F(PassTest, UnknownPassNameListsKnownPasses) {
  ASSERT_TRUE(lower(kModel));
  passes::PassManager pm;
  EXPECT_FALSE(pm.addPipeline("fold-constants,frobnicate", diags));
  EXPECT_EQ(pm.size(), 0u);
  ASSERT_TRUE(hasDiag(Severity::Error, "unknown pass 'frobnicate'"));
  const Diagnostic &d = diags.diagnostics().back();
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_NE(d.notes[0].message.find("inline-expressions, lower-kernels, solve-odes, fold-constants, dce"), std::string::npos);
}

TEST_F(PassTest, EmptyPassNameIsAnError) {
  passes::PassManager pm;
  EXPECT_FALSE(pm.addPipeline("dce,,dce", diags));
  EXPECT_TRUE(hasDiag(Severity::Error, "empty pass name"));
}

TEST_F(PassTest, DefaultExpandsToDefaultPipeline) {
  passes::PassManager pm;
  ASSERT_TRUE(pm.addPipeline("default, dce", diags));
  std::vector<std::string> expected = passes::defaultPipeline();
  expected.push_back("dce");
  EXPECT_EQ(pm.passNames(), expected);
}

TEST_F(PassTest, EveryRegisteredPassIsFoundByName) {
  for (const passes::PassInfo &p : passes::registeredPasses()) {
    ASSERT_NE(passes::findPass(p.name), nullptr);
    EXPECT_EQ(p.create()->name(), p.name);
  }
  EXPECT_EQ(passes::findPass("nope"), nullptr);
}

TEST_F(PassTest, PrintAfterNamedPassOnly) {
  ASSERT_TRUE(lower(kModel));
  passes::PassManager pm;
  ASSERT_TRUE(pm.addPipeline("inline-expressions,fold-constants", diags));
  ASSERT_TRUE(pm.addPrintAfter("inline-expressions", diags));
  pm.setPrintStream(&printed);
  passes::PassContext ctx(diags, log);
  ASSERT_TRUE(pm.run(*module, ctx));
  std::string out = printed.str();
  EXPECT_EQ(out.find("// -----// IR after inline-expressions //----- //\nmodel @m"), 0u) << out;
  EXPECT_EQ(out.find("IR after fold-constants"), std::string::npos);
  // Printed before folding: the inline is expanded, 1 + 2 not yet folded.
  EXPECT_NE(out.find("(%x * %a)"), std::string::npos) << out;
}

TEST_F(PassTest, PrintAfterUnknownPassIsAnError) {
  passes::PassManager pm;
  EXPECT_FALSE(pm.addPrintAfter("fold", diags));
  EXPECT_TRUE(hasDiag(Severity::Error, "unknown pass 'fold' in --print-after"));
}

TEST_F(PassTest, PrintAfterAllPrintsEveryPass) {
  ASSERT_TRUE(lower(kModel));
  passes::PassManager pm;
  ASSERT_TRUE(pm.addPipeline("default", diags));
  pm.setPrintAfterAll(true);
  pm.setPrintStream(&printed);
  passes::PassContext ctx(diags, log);
  ASSERT_TRUE(pm.run(*module, ctx));
  for (const std::string &n : passes::defaultPipeline())
    EXPECT_NE(printed.str().find("// -----// IR after " + n + " //----- //"), std::string::npos);
}

TEST_F(PassTest, LogSaysWhatEachPassChanged) {
  ASSERT_TRUE(lower(kModel));
  ASSERT_TRUE(run("inline-expressions,fold-constants,dce,dce"));
  EXPECT_NE(log.str().find("inline-expressions: expanded 1 use, removed 1 inline definition\n"),
            std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find("dce: no changes\n"), std::string::npos) << log.str();
}

TEST_F(PassTest, VerifierFailureAfterPassIsAnInternalError) {
  ASSERT_TRUE(lower(kModel));
  passes::PassManager pm;
  pm.addPass(std::make_unique<BreakIRPass>());
  ASSERT_TRUE(pm.addPipeline("dce", diags));
  pm.setLogPasses(true);
  passes::PassContext ctx(diags, log);
  EXPECT_FALSE(pm.run(*module, ctx));
  EXPECT_TRUE(hasDiag(Severity::Error, "IR verifier failed after pass 'break-ir'")) << dump();
  EXPECT_EQ(log.str().find("dce:"), std::string::npos) << "the pipeline stops at the failure";
}

TEST_F(PassTest, FailingPassStopsThePipeline) {
  ASSERT_TRUE(lower(kModel));
  passes::PassManager pm;
  pm.addPass(std::make_unique<FailPass>());
  ASSERT_TRUE(pm.addPipeline("dce", diags));
  pm.setLogPasses(true);
  passes::PassContext ctx(diags, log);
  EXPECT_FALSE(pm.run(*module, ctx));
  EXPECT_EQ(log.str(), "fail: no changes\n");
}

} // namespace
