//===- NameResolutionTest.cpp - Scopes, predefined names, units as values -===//
#include "SemaTestUtil.h"

using namespace nsc;
using namespace nsc::test;

namespace {

using NameResolution = SemaTest;

TEST_F(NameResolution, DeclaredNameShadowsUnit) {
  // `d` and `m` are variables here, not day/metre.
  ASSERT_TRUE(analyze(R"(model m1:
    state:
        m real = 0.5
        d ms = 1 ms
    update:
        m = m * 2
        d = d + 1 ms
)")) << dump();
  ast::NameRef *m = findName(model(), "m");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->resolution, ast::NameRef::Resolution::Variable);
  EXPECT_EQ(m->type.kind, ir::TypeKind::Real);
  EXPECT_TRUE(m->type.unit.isDimensionless());
  ast::NameRef *d = findName(model(), "d");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->resolution, ast::NameRef::Resolution::Variable);
  ASSERT_TRUE(ast::isa<ast::VarDecl>(d->target));
  EXPECT_EQ(ast::cast<ast::VarDecl>(d->target)->names[0].name, "d");
}

TEST_F(NameResolution, UndeclaredUnitNameIsAUnitValue) {
  ASSERT_TRUE(analyze(R"(model m1:
    state:
        x 1/ms = 1 / ms
        V mV = -inf * mV
)")) << dump();
  ast::NameRef *ms = findName(model(), "ms");
  ASSERT_NE(ms, nullptr);
  EXPECT_EQ(ms->resolution, ast::NameRef::Resolution::Unit);
  EXPECT_EQ(ms->type.unit.dim, units::Dimension::time());
}

TEST_F(NameResolution, PredefinedTimeAndEuler) {
  ASSERT_TRUE(analyze(R"(model m1:
    parameters:
        tau ms = 2 ms
    equations:
        kernel K = (e / tau) * t * exp(-t / tau)
)")) << dump();
  ast::NameRef *t = findName(model(), "t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->resolution, ast::NameRef::Resolution::Predefined);
  EXPECT_EQ(t->type.unit.dim, units::Dimension::time());
  ast::NameRef *e = findName(model(), "e");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->resolution, ast::NameRef::Resolution::Predefined);
}

TEST_F(NameResolution, DeclaredTShadowsPredefinedTime) {
  ASSERT_TRUE(analyze(R"(model m1:
    state:
        t integer = 0
    update:
        t += 1
)")) << dump();
  ast::NameRef *t = findName(model(), "t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->resolution, ast::NameRef::Resolution::Variable);
  EXPECT_EQ(t->type.kind, ir::TypeKind::Int);
}

TEST_F(NameResolution, UndeclaredVariableWithSuggestion) {
  EXPECT_FALSE(analyze(R"(model m1:
    state:
        V_m mV = 0 mV
    update:
        V_m = V_n
)"));
  expectError("use of undeclared variable 'V_n'", 5, 15);
  EXPECT_TRUE(hasNote("did you mean 'V_m'?")) << dump();
}

TEST_F(NameResolution, DuplicateDeclarationNotesPrevious) {
  EXPECT_FALSE(analyze(R"(model m1:
    parameters:
        tau ms = 1 ms
    state:
        tau mV = 0 mV
)"));
  expectError("redeclaration of 'tau'", 5, 9);
  EXPECT_TRUE(hasNote("previous declaration is here"));
}

TEST_F(NameResolution, LocalsAreBlockScoped) {
  EXPECT_FALSE(analyze(R"(model m1:
    state:
        x real = 0
    update:
        if x > 0:
            y real = 1
        x = y
)"));
  expectError("use of undeclared variable 'y'", 7, 13);
}

TEST_F(NameResolution, LocalHidesModelNameWithAWarning) {
  // NESTML's scoping: the local hides the state variable in its block.
  EXPECT_TRUE(analyze(R"(model m1:
    state:
        x real = 0
    update:
        x real = 1
        x += 1
)")) << dump();
  expectWarning("local variable 'x' hides the state variable 'x' until the end of its block", 5, 9);
}

TEST_F(NameResolution, LocalRedeclarationOfLocal) {
  EXPECT_FALSE(analyze(R"(model m1:
    update:
        x real = 1
        if true:
            x real = 2
)"));
  expectError("redeclaration of 'x'", 5, 13);
}

TEST_F(NameResolution, FunctionParametersMayHideModelNames) {
  ASSERT_TRUE(analyze(R"(model m1:
    state:
        V mV = 0 mV
    function f(V mV) mV:
        return V * 2
    update:
        V = f(V)
)")) << dump();
}

TEST_F(NameResolution, InitialValueMayUseLaterDeclaration) {
  // Dependency order, not declaration order (NESTML).
  EXPECT_TRUE(analyze(R"(model m1:
    state:
        a real = b
        b real = 1
)")) << dump();
}

TEST_F(NameResolution, InitialValuesAcrossBlocksInAnyOrder) {
  // state, parameters and internals may refer to each other; only cycles fail.
  EXPECT_FALSE(analyze(R"(model m1:
    state:
        V mV = V0 + dV
    parameters:
        V0 mV = -70 mV
        p mV = V
    internals:
        dV mV = 2 * V0
        x real = y
        y real = x
)"));
  expectError("initial value of 'y' depends on itself", 10, 18);
  EXPECT_TRUE(hasNote("'x' refers to 'y' here")) << dump();
  EXPECT_EQ(diags.errorCount(), 1u) << dump();
}

TEST_F(NameResolution, NumberWithUnknownUnit) {
  EXPECT_FALSE(analyze(R"(model m1:
    state:
        V mV = 10 mv
)"));
  expectError("unknown unit 'mv'", 3, 19);
  EXPECT_TRUE(hasNote("did you mean 'mV'?")) << dump();
}

TEST_F(NameResolution, UnknownUnitInType) {
  EXPECT_FALSE(analyze(R"(model m1:
    state:
        V mv = 10 mV
)"));
  expectError("unknown unit 'mv'", 3, 11);
  EXPECT_TRUE(hasNote("did you mean 'mV'?")) << dump();
}

} // namespace
