//===- InlineFunctionsTest.cpp - inline-functions pass --------------------===//
#include "PassTestUtil.h"

#include "nsc/ir/Builder.h"
#include "nsc/ir/IRWalk.h"

using namespace nsc;
using namespace nsc::test;

namespace {

unsigned countCalls(ir::Model &m, ir::Builtin b) {
  unsigned n = 0;
  ir::forEachExprNode(m, [&](const ir::Expr &e) {
    if (auto *c = ir::dyn_cast<ir::Call>(&e); c && c->builtin == b)
      ++n;
  });
  return n;
}

TEST_F(PassTest, SingleReturnFunctionIsInlinedAndRemoved) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        k real = 3
    state:
        x real = 0
        y real = 1
    function scaled(a real, b real) real:
        return a * k + b
    update:
        x = scaled(y, 2)
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("%x = ((%y * %k) + 2.0)")) << "leaf arguments are copied in\n" << text();
  EXPECT_FALSE(contains("function @scaled")) << text();
  EXPECT_TRUE(model().functions.empty());
  EXPECT_FALSE(model().findVariable("a")) << "argument variables go with the function";
  for (const ir::Variable &v : model().variables)
    EXPECT_NE(v.role, ir::VarRole::Argument) << v.name;
  EXPECT_NE(log.str().find("inline-functions: inlined 1 call, removed 1 function"),
            std::string::npos)
      << log.str();
}

TEST_F(PassTest, ArgumentUsedTwiceIsComputedOnceIntoALocal) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
        y real = 1
    function sq(a real) real:
        return a * a
    update:
        x = sq(y + 1) + sq(y)
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("local %sq_a : real = (%y + 1.0)\n    %x = ((%sq_a * %sq_a) + (%y * %y))"))
      << text();
  EXPECT_NE(log.str().find("inlined 2 calls, bound 1 value to a local"), std::string::npos)
      << log.str();
}

TEST_F(PassTest, FunctionLocalsAreSubstitutedOrBound) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
        y real = 1
    function f(a real, b real) real:
        once real = a - b
        twice real = a + b
        return once / (twice * twice)
    update:
        x = f(x, y)
)"));
  ASSERT_TRUE(run("inline-functions"));
  // `once` is used once: copied in; `twice` twice: a local.
  EXPECT_TRUE(
      contains("local %f_twice : real = (%x + %y)\n    %x = ((%x - %y) / (%f_twice * %f_twice))"))
      << text();
  EXPECT_TRUE(model().functions.empty());
}

TEST_F(PassTest, CalleesAreInlinedIntoCallersFirst) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    function inner(a real) real:
        return a + 1
    function outer(b real) real:
        return inner(b) * 2
    update:
        x = outer(x)
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("%x = ((%x + 1.0) * 2.0)")) << text();
  EXPECT_TRUE(model().functions.empty()) << text();
}

TEST_F(PassTest, InlinesIntoOdesInitialValuesAndConditions) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        tau ms = 10 ms
    internals:
        r real = half(4)
    state:
        V real = 1
    function half(a real) real:
        return a / 2
    equations:
        V' = -half(V) / tau
    output:
        spike
    update:
        integrate_odes()
    onCondition(half(V) > 1):
        emit_spike()
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("ode %V' : 1/ms = ((-(%V / 2.0)) / %tau)")) << text();
  EXPECT_TRUE(contains("internal %r : real = (4.0 / 2.0)")) << text();
  EXPECT_TRUE(contains("on_condition ((%V / 2.0) > 1.0)")) << text();
  EXPECT_TRUE(model().functions.empty());
}

TEST_F(PassTest, RandomArgumentIsDrawnOnceInOrder) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    function sq(a real) real:
        return a * a
    function unused_arg(a real) real:
        return 1
    update:
        x = sq(random_normal(0, 1))
        x = unused_arg(random_uniform(0, 1))
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_EQ(countCalls(model(), ir::Builtin::RandomNormal), 1u);
  EXPECT_EQ(countCalls(model(), ir::Builtin::RandomUniform), 1u)
      << "an unused random argument is still drawn\n" << text();
  EXPECT_TRUE(contains("local %sq_a : real = random_normal(0.0, 1.0)\n    %x = (%sq_a * %sq_a)"))
      << text();
  EXPECT_TRUE(contains("local %unused_arg_a : real = random_uniform(0.0, 1.0)\n    %x = 1.0"))
      << text();
}

TEST_F(PassTest, RandomArgumentNextToAnotherDrawIsNotMoved) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    function sq(a real) real:
        return a * a
    update:
        x = random_uniform(0, 1) + sq(random_normal(0, 1))
)"));
  ASSERT_TRUE(run("inline-functions"));
  // Binding the normal draw before the statement would swap the two draws.
  EXPECT_TRUE(contains("%x = (random_uniform(0.0, 1.0) + call @sq(random_normal(0.0, 1.0)))"))
      << text();
  EXPECT_TRUE(contains("function @sq")) << text();
}

TEST_F(PassTest, ConditionalCallIsNotHoisted) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        p real = 1
    state:
        x real = 0
    function sq(a real) real:
        return a * a
    update:
        x = p > 0 ? sq(x + 1) : 0
        while sq(x + 1) < 10:
            x = x + 1
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("%x = select((%p > 0.0), call @sq((%x + 1.0)), 0.0)")) << text();
  EXPECT_TRUE(contains("while (call @sq((%x + 1.0)) < 10.0)")) << text();
  EXPECT_NE(log.str().find("inline-functions: no changes"), std::string::npos) << log.str();
}

TEST_F(PassTest, ConditionalCallWithLeafArgumentsIsInlinedInPlace) {
  ASSERT_TRUE(lower(R"(
model m:
    parameters:
        p real = 1
    state:
        x real = 0
    function sq(a real) real:
        return a * a
    update:
        x = p > 0 ? sq(x) : 0
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("%x = select((%p > 0.0), (%x * %x), 0.0)")) << text();
}

TEST_F(PassTest, FunctionsWithStatementsOrWritesStay) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    function bump(a real) real:
        x = x + a
        return x
    function branchy(a real) real:
        if a > 0:
            return a
        return -a
    update:
        x = bump(1) + branchy(x)
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("%x = (call @bump(1.0) + call @branchy(%x))")) << text();
  EXPECT_EQ(model().functions.size(), 2u);
}

TEST_F(PassTest, CallWhoseArgumentCallsAWritingFunctionStays) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    function bump() real:
        x = x + 1
        return x
    function sq(a real) real:
        return a * a
    update:
        x = sq(bump())
        x = x + sq(x + 1) + bump()
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("%x = call @sq(call @bump())")) << text();
  // Binding x + 1 before the statement is fine only if nothing in it writes
  // x; bump() does.
  EXPECT_TRUE(contains("%x = ((%x + call @sq((%x + 1.0))) + call @bump())")) << text();
}

TEST_F(PassTest, UncalledFunctionsAreKept) {
  ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    function never(a real) real:
        return a
    update:
        x = 1
)"));
  ASSERT_TRUE(run("inline-functions"));
  EXPECT_TRUE(contains("function @never")) << "only functions whose calls were inlined go";
}

/// Lowers a model with f and g, then makes them call each other (sema
/// rejects recursion, so only a buggy earlier pass could produce it).
class RecursionTest : public PassTest {
protected:
  void build(bool direct) {
    ASSERT_TRUE(lower(R"(
model m:
    state:
        x real = 0
    function f(a real) real:
        return a + 1
    function g(b real) real:
        return b * 2
    update:
        x = f(x) + g(x)
)"));
    ir::Model &m = model();
    ir::Builder b(m);
    uint32_t f = *m.findFunction("f"), g = *m.findFunction("g");
    auto &fret = *ir::cast<ir::Return>(m.functions[f].body.back().get());
    auto &gret = *ir::cast<ir::Return>(m.functions[g].body.back().get());
    std::vector<ir::ExprPtr> args;
    args.push_back(b.var(m.functions[f].params[0]));
    fret.value = b.add(b.callFunction(direct ? f : g, std::move(args)), b.real(1));
    if (!direct) {
      std::vector<ir::ExprPtr> gargs;
      gargs.push_back(b.var(m.functions[g].params[0]));
      gret.value = b.mul(b.callFunction(f, std::move(gargs)), b.real(2));
    }
    ASSERT_TRUE(ir::verifyModule(*module, nullptr));
  }
};

TEST_F(RecursionTest, DirectRecursionIsLeftAlone) {
  build(/*direct=*/true);
  ASSERT_TRUE(run("inline-functions")) << dump();
  EXPECT_TRUE(contains("return (call @f(%a) + 1.0)")) << text();
  EXPECT_TRUE(contains("%x = (call @f(%x) + (%x * 2.0))")) << "g is not recursive\n" << text();
  EXPECT_EQ(model().functions.size(), 1u) << text();
}

TEST_F(RecursionTest, IndirectRecursionIsLeftAlone) {
  build(/*direct=*/false);
  ASSERT_TRUE(run("inline-functions")) << dump();
  EXPECT_TRUE(contains("%x = (call @f(%x) + call @g(%x))")) << text();
  EXPECT_EQ(model().functions.size(), 2u);
}

TEST_F(PassTest, InlinedCodeMatchesTheFunctionBodyExactly) {
  // No operation is added, dropped or reordered: the inlined tree is the
  // return expression with the argument substituted, node for node.
  ASSERT_TRUE(lower(R"(
model m:
    semantics:
        precision = float32
    state:
        x real = 0.5
    function f(a real) real:
        return (a + 1e-8) - 1e-8 + exp(a) * 3
    update:
        x = f(x)
)"));
  std::string body = ir::printExpr(
      *ir::cast<ir::Return>(model().functions[0].body.back().get())->value, &model());
  ASSERT_TRUE(run("inline-functions"));
  std::string expected = body;
  for (size_t at; (at = expected.find("%a")) != std::string::npos;)
    expected.replace(at, 2, "%x");
  EXPECT_TRUE(contains("%x = " + expected)) << expected << "\n" << text();
}

} // namespace
