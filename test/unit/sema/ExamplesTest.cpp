//===- ExamplesTest.cpp - Every example model passes sema -----------------===//
#include "SemaTestUtil.h"

using namespace nsc;
using namespace nsc::test;

namespace {

class Examples : public SemaTest, public ::testing::WithParamInterface<const char *> {};

TEST_P(Examples, AnalyseWithoutErrors) {
  std::string src = readSourceFile(GetParam());
  ASSERT_FALSE(src.empty()) << GetParam();
  ASSERT_TRUE(analyze(src)) << dump();
  EXPECT_EQ(diags.warningCount(), 0u) << dump();
  // Every expression of every model is annotated.
  for (auto &m : program.files.back()->models)
    forEachExprInModel(*m, [&](ast::Expr *e) {
      EXPECT_FALSE(e->type.isError()) << GetParam() << ":" << e->range.begin.line << ":"
                                      << e->range.begin.col;
      if (auto *n = ast::dyn_cast<ast::NameRef>(e))
        EXPECT_NE(n->resolution, ast::NameRef::Resolution::Unresolved)
            << GetParam() << ": " << n->name;
    });
}

INSTANTIATE_TEST_SUITE_P(Sema, Examples,
                         ::testing::Values("examples/iaf_psc_exp.nrn", "examples/iaf_psc_alpha.nrn",
                                           "examples/iaf_cond_exp.nrn", "examples/izhikevich.nrn",
                                           "examples/hh_psc_alpha.nrn",
                                           "examples/aeif_cond_exp.nrn",
                                           "examples/stdp_synapse.nrn", "examples/cuba.nrn",
                                           "examples/nestml/iaf_psc_exp_neuron.nestml",
                                           "examples/nestml/stdp_synapse.nestml"));

} // namespace
