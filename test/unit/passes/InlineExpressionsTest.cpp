//===- InlineExpressionsTest.cpp - inline-expressions pass ----------------===//
#include "PassTestUtil.h"

#include "nsc/ir/Builder.h"
#include "nsc/ir/IRWalk.h"

using namespace nsc;
using namespace nsc::test;

namespace {

bool hasInlineRef(ir::Model &m) {
  bool found = false;
  ir::forEachExprNode(m, [&](const ir::Expr &e) { found |= ir::isa<ir::InlineRef>(&e); });
  return found;
}

TEST_F(PassTest, InlinesAreExpandedNestedFirst) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
    equations:
        inline a real = x * 2
        inline b real = a + 1
        recordable inline c real = b * b
        x' = -c / 1 ms
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions"));
  EXPECT_FALSE(hasInlineRef(model()));
  ASSERT_EQ(model().odes.inlines.size(), 1u) << "only the recordable inline stays";
  EXPECT_EQ(model().odes.inlines[0].name, "c");
  EXPECT_EQ(ir::printExpr(*model().odes.inlines[0].rhs, &model()),
            "(((%x * 2.0) + 1.0) * ((%x * 2.0) + 1.0))");
  EXPECT_TRUE(contains("ode %x' : 1/ms = ((-(((%x * 2.0) + 1.0) * ((%x * 2.0) + 1.0))) / 1.0 ms)"))
      << text();
}

TEST_F(PassTest, InlinesInHandlersAndConditionsAreExpanded) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
    equations:
        inline big boolean = x > 3
    output:
        spike
    update:
        if big:
            x = 0
    onCondition(big):
        emit_spike()
)"));
  ASSERT_TRUE(run("inline-expressions"));
  EXPECT_FALSE(hasInlineRef(model()));
  EXPECT_TRUE(model().odes.inlines.empty());
  EXPECT_TRUE(contains("on_condition (%x > 3.0)")) << text();
}

TEST_F(PassTest, RecordedInlineKeepsItsIdInRecorders) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 1
    equations:
        inline unused real = x + 1
        recordable inline r real = x * 3
        x' = -r / 1 ms
    update:
        integrate_odes()
network n:
    p = m[2]
    record r from p
)"));
  ASSERT_TRUE(run("inline-expressions"));
  const ir::Recorder &rec = module->networks[0]->recorders[0];
  ASSERT_EQ(rec.what.size(), 1u);
  ASSERT_EQ(rec.what[0].kind, ir::RecordItem::Kind::Inline);
  const ir::Model &m = *module->models[module->networks[0]->populations[0].model];
  ASSERT_LT(rec.what[0].id, m.odes.inlines.size());
  EXPECT_EQ(m.odes.inlines[rec.what[0].id].name, "r");
}

TEST_F(PassTest, InlineCycleIsAnInternalErrorNotAHang) {
  module = std::make_unique<ir::Module>();
  auto m = std::make_unique<ir::Model>();
  m->name = "cyclic";
  ir::Builder b(*m);
  uint32_t i = b.addInline("a", b.realType(), nullptr);
  m->odes.inlines[i].rhs = b.add(b.inlineRef(i), b.real(1));
  module->addModel(std::move(m));
  EXPECT_FALSE(run("inline-expressions"));
  EXPECT_TRUE(hasDiag(Severity::Error, "inline expression 'a' refers to itself")) << dump();
}

} // namespace
