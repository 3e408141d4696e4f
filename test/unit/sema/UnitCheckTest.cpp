//===- UnitCheckTest.cpp - Units of expressions, ODEs and assignments -----===//
#include "SemaTestUtil.h"

using namespace nsc;
using namespace nsc::test;

namespace {

using UnitCheck = SemaTest;

TEST_F(UnitCheck, InitialiserDimensionMismatch) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        V_m mV = 10 ms
)"));
  expectError("cannot initialise 'V_m' of type 'mV' with a value of type 'ms'", 3, 18);
}

TEST_F(UnitCheck, AddDifferentDimensionsIsError) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        V mV = 0 mV
    update:
        V = V + t
)"));
  expectError("cannot add 'mV' and 'ms'", 5, 13);
  EXPECT_TRUE(hasNote("'V' declared here")) << dump();
}

TEST_F(UnitCheck, DifferentPrefixIsConvertedNotRejected) {
  ASSERT_TRUE(analyze(R"(model m:
    state:
        V mV = 0 mV
    update:
        V = V + 1 V
        if V > 500 uV:
            V = 1 V
)")) << dump();
  EXPECT_EQ(diags.warningCount(), 0u) << dump();
}

TEST_F(UnitCheck, ZeroAndInfAreUnitFree) {
  ASSERT_TRUE(analyze(R"(model m:
    state:
        V mV = 0
        W mV = -inf
    update:
        if V > 0 and W < inf:
            V = 0
)")) << dump();
  EXPECT_EQ(diags.warningCount(), 0u) << dump();
}

TEST_F(UnitCheck, ComparisonDimensionMismatch) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        V mV = 0 mV
    update:
        if V > 3 ms:
            V = 0 mV
)"));
  expectError("cannot compare 'mV' and 'ms'", 5, 12);
}

TEST_F(UnitCheck, MulDivCombineUnits) {
  ASSERT_TRUE(analyze(R"(model m:
    parameters:
        C pF = 250 pF
        I pA = 10 pA
        R MOhm = 10 MOhm
    state:
        V mV = 0 mV
    update:
        V = I * R
        V = V + I / C * 1 ms
)")) << dump();
}

TEST_F(UnitCheck, OdeUnitsPerTime) {
  ASSERT_TRUE(analyze(R"(model m:
    parameters:
        tau ms = 10 ms
        C pF = 250 pF
        I pA = 100 pA
    state:
        V mV = 0 mV
    equations:
        V' = -V / tau + I / C
)")) << dump();
  ast::OdeEquation *ode = nullptr;
  for (auto &mem : model().members)
    if (auto *eq = ast::dyn_cast<ast::EquationsBlock>(mem.get()))
      ode = ast::dyn_cast<ast::OdeEquation>(eq->items[0].get());
  ASSERT_NE(ode, nullptr);
  EXPECT_EQ(ode->lhs->resolution, ast::NameRef::Resolution::Variable);
  EXPECT_NE(ode->lhs->target, nullptr);
  units::Dimension expected = units::lookupUnit("mV")->dim / units::Dimension::time();
  EXPECT_EQ(ode->lhs->type.unit.dim, expected);
  EXPECT_EQ(ode->rhs->type.unit.dim, expected);
}

TEST_F(UnitCheck, OdeDifferentScaleAccepted) {
  ASSERT_TRUE(analyze(R"(model m:
    state:
        V mV = 0 mV
    equations:
        V' = 1 V/s
)")) << dump();
}

TEST_F(UnitCheck, OdeWrongUnit) {
  EXPECT_FALSE(analyze(R"(model m:
    parameters:
        tau ms = 10 ms
    state:
        V mV = 0 mV
    equations:
        V' = -V
)"));
  expectError("right-hand side of the ODE for 'V'' has type 'mV', expected 'mV/ms'", 7, 14);
}

TEST_F(UnitCheck, SecondOrderOdeUnits) {
  ASSERT_TRUE(analyze(R"(model m:
    parameters:
        w 1/ms = 1 / ms
    state:
        x mV = 1 mV
    equations:
        x'' = -w**2 * x
)")) << dump();
}

TEST_F(UnitCheck, PowNeedsConstantExponentLeavingWholeUnits) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        V mV = 1 mV
        k real = 2
        W mV**2 = 0 mV**2
    update:
        W = V**2
        W = V**k
        V = W**0.5
)"));
  expectError("the exponent of a physical quantity ('mV') must be a constant that leaves whole "
              "unit exponents",
              8, 16);
  EXPECT_EQ(diags.errorCount(), 1u) << dump();
}

TEST_F(UnitCheck, TranscendentalDropsUnitWithWarning) {
  // NESTML declares exp() on real and converts a physical argument with a
  // warning; the number is used in its own unit.
  EXPECT_TRUE(analyze(R"(model m:
    state:
        V mV = 1 mV
        x real = 0
    update:
        x = exp(V / 1 mV)
        x = exp(V)
)"));
  expectWarning("implicit conversion from 'mV' to dimensionless 'real' drops the unit "
                "(the value is taken in mV)",
                7, 17);
}

TEST_F(UnitCheck, DimensionlessOperandOfAddTakesTheUnit) {
  EXPECT_TRUE(analyze(R"(model m:
    state:
        w nS = 1 nS
        r real = 0.5
    update:
        w = w + r
)"));
  expectWarning("implicit conversion from dimensionless 'real' to 'nS'", 6, 17);
}

TEST_F(UnitCheck, TwoPhysicalDimensionsStillClash) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        w nS = 1 nS
        r real = 1 ms
    update:
        w = w + 1 ms
)"));
  expectWarning("implicit conversion from 'ms' to dimensionless 'real'", 4, 18);
  expectError("cannot add 'nS' and 'ms'", 6, 13);
}

TEST_F(UnitCheck, SqrtHalvesExponents) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        a mV = 0 mV
        b mV**2 = 4 mV**2
    update:
        a = sqrt(b)
        a = sqrt(a)
)"));
  expectError("cannot take the square root of 'mV'", 7, 18);
  EXPECT_EQ(diags.errorCount(), 1u) << dump();
}

TEST_F(UnitCheck, MinMaxClipArgumentsAgree) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        V mV = 0 mV
    update:
        V = clip(V, -70 mV, 0 V)
        V = max(V, 1 ms)
)"));
  expectError("arguments of 'max' have incompatible units 'mV' and 'ms'", 6, 13);
  EXPECT_EQ(diags.errorCount(), 1u) << dump();
}

TEST_F(UnitCheck, DimensionlessToPhysicalIsWarning) {
  EXPECT_TRUE(analyze(R"(model m:
    state:
        V mV = -70
)")) << dump();
  expectWarning("implicit conversion from dimensionless 'integer' to 'mV'", 3, 16);
}

TEST_F(UnitCheck, IntegerToRealImplicit) {
  ASSERT_TRUE(analyze(R"(model m:
    state:
        x real = 1
        n integer = 2
    update:
        x = n
)")) << dump();
  EXPECT_EQ(diags.warningCount(), 0u);
}

TEST_F(UnitCheck, RealToIntegerIsErrorUnlessRounded) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        x real = 1.5
        n integer = 0
    update:
        n = round(x)
        n = x
)"));
  expectError("implicit conversion from 'real' to 'integer' is not allowed", 7, 13);
  EXPECT_EQ(diags.errorCount(), 1u) << dump();
}

TEST_F(UnitCheck, IntegerDivisionOfLiteralsWarns) {
  EXPECT_TRUE(analyze(R"(model m:
    state:
        x real = 1 / 2
        y real = 4 / 2
)")) << dump();
  expectWarning("integer division yields 0", 3, 18);
  EXPECT_EQ(diags.warningCount(), 1u) << dump();
}

TEST_F(UnitCheck, CompoundAssignmentUnits) {
  EXPECT_FALSE(analyze(R"(model m:
    state:
        V mV = 0 mV
    update:
        V += 1 mV
        V *= 2
        V += 1 ms
        V *= 2 mV
)"));
  expectError("cannot add 'ms' to 'V' of type 'mV'", 7, 14);
  expectError("'*=' would change the unit of 'V'", 8, 14);
}

TEST_F(UnitCheck, NumericResultAnnotations) {
  ASSERT_TRUE(analyze(R"(model m:
    state:
        V mV = 0 mV
        n integer = 0
    update:
        n = n + 1
        V = V * 2.5
)")) << dump();
  bool sawInt = false;
  forEachExprInModel(model(), [&](ast::Expr *e) {
    EXPECT_FALSE(e->type.isError()) << "unannotated expression";
    if (auto *b = ast::dyn_cast<ast::Binary>(e); b && b->op == ast::BinaryOp::Add)
      sawInt = b->type.kind == ir::TypeKind::Int;
  });
  EXPECT_TRUE(sawInt);
}

} // namespace

namespace {

TEST_F(UnitCheck, DerivativeInitialValuesInState) {
  // NESTML's ODE-form alpha kernel: the state block declares g and g'.
  ASSERT_TRUE(analyze(R"(model m:
    parameters:
        tau ms = 2 ms
    state:
        g nS = 0 nS
        g' nS/ms = e * nS / tau
    equations:
        kernel g'' = -2 * g' / tau - g / tau**2
        inline I pA = convolve(g, spikes) * mV
    input:
        spikes <- spike
)")) << dump();
  ast::NameRef *gp = nullptr;
  forEachExprInModel(model(), [&](ast::Expr *e) {
    if (auto *n = ast::dyn_cast<ast::NameRef>(e); n && n->name == "g" && n->diffOrder == 1)
      gp = n;
  });
  ASSERT_NE(gp, nullptr);
  EXPECT_EQ(gp->resolution, ast::NameRef::Resolution::Variable);
  ASSERT_TRUE(ast::isa<ast::VarDecl>(gp->target));
  EXPECT_EQ(ast::cast<ast::VarDecl>(gp->target)->names[gp->targetIndex].name, "g'");
}

} // namespace
