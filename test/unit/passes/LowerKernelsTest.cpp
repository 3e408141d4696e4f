//===- LowerKernelsTest.cpp - lower-kernels pass --------------------------===//
#include "PassTestUtil.h"

#include "nsc/ir/Builder.h"
#include "nsc/ir/IRWalk.h"

#include <climits>

using namespace nsc;
using namespace nsc::test;

namespace {

class LowerKernelsTest : public PassTest {
protected:
  /// The right-hand side of the ODE of `var`, printed; "<none>" if it has none.
  std::string rhsOf(const std::string &var) {
    auto v = model().findVariable(var);
    if (!v)
      return "<no variable " + var + ">";
    const ir::OdeEquation *eq = model().odes.equationFor(*v);
    return eq && eq->rhs ? ir::printExpr(*eq->rhs, &model()) : "<none>";
  }
  std::string unitOf(const std::string &var) {
    auto v = model().findVariable(var);
    return v ? ir::printType(model().variables[*v].type) : "<no variable " + var + ">";
  }
  /// The statements of the kernel-jump handlers of `port`, printed.
  std::vector<std::string> jumpsOf(const std::string &port) {
    std::vector<std::string> out;
    auto p = model().findPort(port);
    for (const ir::OnReceive &r : model().onReceive)
      if (p && r.port == *p && r.priority == INT64_MAX)
        for (const ir::StmtPtr &s : r.body) {
          auto *a = ir::dyn_cast<ir::Assign>(s.get());
          out.push_back(a ? "%" + model().variables[a->target].name + " = " +
                                ir::printExpr(*a->value, &model())
                          : "<not an assignment>");
        }
    return out;
  }
  unsigned errorCount() const {
    unsigned n = 0;
    for (const Diagnostic &d : diags.diagnostics())
      n += d.severity == Severity::Error;
    return n;
  }
  bool noConvolutionsLeft() {
    bool found = false;
    ir::forEachExprNode(model(), [&](const ir::Expr &e) {
      auto *c = ir::dyn_cast<ir::Call>(&e);
      found |= c && (c->builtin == ir::Builtin::Convolve || c->builtin == ir::Builtin::Delta);
    });
    return !found && model().odes.kernels.empty();
  }
};

const char *kPrelude = R"(
model m:
    parameters:
        tau ms = 2 ms
    state:
        V mV = 0 mV
)";

TEST_F(LowerKernelsTest, ExponentialKernelIsOneDecayingState) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel K = exp(-t / tau)
        V' = -V / 10 ms + convolve(K, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
    onReceive(ex):
        V += 0 mV
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(noConvolutionsLeft()) << text();
  EXPECT_EQ(unitOf("K__X__ex"), "pA");
  EXPECT_EQ(rhsOf("K__X__ex"), "(((-1.0) / %tau) * %K__X__ex)");
  EXPECT_EQ(rhsOf("V"), "(((-%V) / 10.0 ms) + (%K__X__ex / 1.0 pF))");
  EXPECT_EQ(jumpsOf("ex"), std::vector<std::string>{"%K__X__ex = (%K__X__ex + @ex)"});
  // The jumps run before the user's handler of the same port (R7).
  ASSERT_EQ(model().onReceive.size(), 2u);
  EXPECT_EQ(model().onReceive[0].priority, INT64_MAX);
  EXPECT_EQ(model().onReceive[1].priority, 0);
  EXPECT_NE(log.str().find("replaced 1 convolution"), std::string::npos) << log.str();
}

TEST_F(LowerKernelsTest, AlphaKernelIsAChainOfTwo) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel K = (e / tau) * t * exp(-t / tau)
        inline I pA = convolve(K, ex)
        V' = -V / 10 ms + I / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(noConvolutionsLeft()) << text();
  // z0' = a·z0, z1' = a·z1 + z0: z1 = w·t·e^{at}, in pA·ms.
  EXPECT_EQ(unitOf("K__X__ex"), "pA");
  EXPECT_EQ(unitOf("K__X__ex__d1"), "fC");
  EXPECT_EQ(rhsOf("K__X__ex"), "(((-1.0) / %tau) * %K__X__ex)");
  EXPECT_EQ(rhsOf("K__X__ex__d1"), "((((-1.0) / %tau) * %K__X__ex__d1) + %K__X__ex)");
  EXPECT_EQ(rhsOf("V"),
            "(((-%V) / 10.0 ms) + (((2.718281828459045 / %tau) * %K__X__ex__d1) / 1.0 pF))");
  // Only the head of the chain jumps.
  EXPECT_EQ(jumpsOf("ex"), std::vector<std::string>{"%K__X__ex = (%K__X__ex + @ex)"});
}

TEST_F(LowerKernelsTest, PowerOfTGetsFactorial) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel K = t**2 * exp(-t / tau) / 1 ms**2
        V' = -V / 10 ms + convolve(K, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels"));
  EXPECT_EQ(unitOf("K__X__ex__d2"), "us*pC"); // pA·ms²
  // t²·e^{at} = 2!·z2.
  EXPECT_NE(rhsOf("V").find("(2.0 * %K__X__ex__d2)"), std::string::npos) << rhsOf("V");
}

TEST_F(LowerKernelsTest, BetaKernelIsOneChainPerRate) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel K = exp(-t / 5 ms) - exp(-t / tau)
        V' = -V / 10 ms + convolve(K, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(noConvolutionsLeft()) << text();
  EXPECT_EQ(rhsOf("K__X__ex__0"), "(((-1.0) / 5.0 ms) * %K__X__ex__0)");
  EXPECT_EQ(rhsOf("K__X__ex__1"), "(((-1.0) / %tau) * %K__X__ex__1)");
  EXPECT_EQ(rhsOf("V"),
            "(((-%V) / 10.0 ms) + ((%K__X__ex__0 + ((-1.0) * %K__X__ex__1)) / 1.0 pF))");
  EXPECT_EQ(jumpsOf("ex"), (std::vector<std::string>{"%K__X__ex__0 = (%K__X__ex__0 + @ex)",
                                                     "%K__X__ex__1 = (%K__X__ex__1 + @ex)"}));
}

TEST_F(LowerKernelsTest, KernelWithTwoPortsGetsTwoCopies) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel K = exp(-t / tau)
        V' = -V / 10 ms + (convolve(K, ex) - convolve(K, inh) + convolve(K, ex)) / 1 pF
    input:
        ex pA <- spike
        inh pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels"));
  // The same (kernel, port) twice is one state.
  EXPECT_EQ(rhsOf("V"),
            "(((-%V) / 10.0 ms) + (((%K__X__ex - %K__X__inh) + %K__X__ex) / 1.0 pF))");
  EXPECT_EQ(jumpsOf("ex"), std::vector<std::string>{"%K__X__ex = (%K__X__ex + @ex)"});
  EXPECT_EQ(jumpsOf("inh"), std::vector<std::string>{"%K__X__inh = (%K__X__inh + @inh)"});
  EXPECT_NE(log.str().find("added 2 kernel state variables"), std::string::npos) << log.str();
}

TEST_F(LowerKernelsTest, VectorPortElementsAreSeparateStates) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel K = exp(-t / tau)
        V' = -V / 10 ms + (convolve(K, rec[0]) + convolve(K, rec[1])) / 1 pF
    input:
        rec[2] pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels"));
  EXPECT_EQ(jumpsOf("rec"),
            (std::vector<std::string>{"%K__X__rec[0] = (%K__X__rec[0] + @rec[0])",
                                      "%K__X__rec[1] = (%K__X__rec[1] + @rec[1])"}));
}

TEST_F(LowerKernelsTest, NamedIntegrateOdesAdvancesKernelStates) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
        W mV = 0 mV
    equations:
        kernel K = exp(-t / tau)
        V' = -V / 10 ms + convolve(K, ex) / 1 pF
        W' = -W / 10 ms
    input:
        ex pA <- spike
    update:
        integrate_odes(V)
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels"));
  // R10: the named call gets the kernel state; the call naming nothing
  // advances everything anyway.
  EXPECT_TRUE(contains("integrate_odes(%V, %K__X__ex)")) << text();
  EXPECT_TRUE(contains("integrate_odes(all)")) << text();
}

TEST_F(LowerKernelsTest, DeltaKernelMakesTheOdeVariableJump) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel D = delta(t)
        V' = -V / 10 ms + convolve(D, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels")) << dump();
  EXPECT_TRUE(noConvolutionsLeft()) << text();
  EXPECT_EQ(rhsOf("V"), "((-%V) / 10.0 ms)");
  // No state for the delta kernel; V jumps by coefficient·w = w / 1 pF.
  EXPECT_FALSE(model().findVariable("D__X__ex"));
  EXPECT_EQ(jumpsOf("ex"), std::vector<std::string>{
                               "%V = (%V + (((1.0 / 1.0 pF) * @ex) * 1.0 ms))"});
}

TEST_F(LowerKernelsTest, DeltaKernelOnAPortWithoutUnitJumpsByTheWeightNumber) {
  // NESTML 8 style: the port reads as a spike train (1/s), its weights are
  // plain numbers.
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel D = delta(t)
        V' = -V / 10 ms + convolve(D, spikes) * 1 mV / ms
    input:
        spikes <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels")) << dump();
  EXPECT_EQ(jumpsOf("spikes"),
            std::vector<std::string>{
                "%V = (%V + ((((1.0 * 1.0 mV) / 1.0 ms) * reinterpret_unit<real>(@spikes)) * 1.0 ms))"});
}

TEST_F(LowerKernelsTest, ScaledDeltaKernelScalesTheJump) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel D = 3 * delta(t)
        V' = -V / 10 ms + 2 * convolve(D, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels")) << dump();
  EXPECT_TRUE(noConvolutionsLeft()) << text();
  EXPECT_EQ(rhsOf("V"), "((-%V) / 10.0 ms)");
  ASSERT_EQ(jumpsOf("ex").size(), 1u) << text();
  EXPECT_NE(jumpsOf("ex")[0].find("(3.0 * @ex)"), std::string::npos) << jumpsOf("ex")[0];
  EXPECT_NE(jumpsOf("ex")[0].find("(2.0 * 1.0) / 1.0 pF"), std::string::npos) << jumpsOf("ex")[0];
}

TEST_F(LowerKernelsTest, OdeKernelGetsACopyPerPortThatJumpsByItsInitialValue) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
        g real = 1
    equations:
        kernel g' = -g / tau
        V' = -V / 10 ms + (convolve(g, ex) + convolve(g, inh)) / 1 pF
    input:
        ex pA <- spike
        inh pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels")) << dump();
  EXPECT_TRUE(noConvolutionsLeft()) << text();
  EXPECT_EQ(rhsOf("g__X__ex"), "((-%g__X__ex) / %tau)");
  EXPECT_EQ(rhsOf("g__X__inh"), "((-%g__X__inh) / %tau)");
  ASSERT_EQ(jumpsOf("ex").size(), 1u) << text();
  EXPECT_NE(jumpsOf("ex")[0].find("%g__X__ex = (%g__X__ex + "), std::string::npos);
  EXPECT_NE(jumpsOf("ex")[0].find("@ex"), std::string::npos);
  EXPECT_NE(jumpsOf("ex")[0].find("* 1.0"), std::string::npos) << jumpsOf("ex")[0];
  EXPECT_NE(rhsOf("V").find("%g__X__ex"), std::string::npos) << rhsOf("V");
  EXPECT_NE(rhsOf("V").find("%g__X__inh"), std::string::npos) << rhsOf("V");
}

TEST_F(LowerKernelsTest, OdeKernelWithUnitOnPortWithoutUnit) {
  // The copy keeps g's unit (nS) and holds w·g; the port's weights are numbers.
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
        g nS = 1 nS
    equations:
        kernel g' = -g / tau
        V' = -V / 10 ms + convolve(g, ex) * 1 mV / 1 pF
    input:
        ex <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels")) << dump();
  EXPECT_EQ(unitOf("g__X__ex"), "nS");
  EXPECT_EQ(jumpsOf("ex"), std::vector<std::string>{
                               "%g__X__ex = (%g__X__ex + (reinterpret_unit<real>(@ex) * 1.0 nS))"});
}

TEST_F(LowerKernelsTest, OdeKernelWithUnitOnPortWithUnit) {
  // unit(g)·unit(w) = nS·mV: the value is the copy times 1 mV.
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
        g nS = 1 nS
    equations:
        kernel g' = -g / tau
        V' = -V / 10 ms + convolve(g, ex) / 1 pF
    input:
        ex mV <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels")) << dump();
  EXPECT_NE(rhsOf("V").find("(%g__X__ex * 1.0 mV)"), std::string::npos) << rhsOf("V");
}

TEST_F(LowerKernelsTest, SecondOrderOdeKernelCopiesItsDerivative) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
        a real = 0
        a' 1/ms = 1 / ms
    equations:
        kernel a'' = -2 * a' / tau - a / tau**2
        V' = -V / 10 ms + convolve(a, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels")) << dump();
  EXPECT_EQ(rhsOf("a__X__ex"), "%a'__X__ex");
  EXPECT_NE(rhsOf("a'__X__ex").find("%a'__X__ex"), std::string::npos) << rhsOf("a'__X__ex");
  EXPECT_NE(rhsOf("a'__X__ex").find("%a__X__ex"), std::string::npos) << rhsOf("a'__X__ex");
  // a jumps by w·0, a' by w·(1/ms).
  EXPECT_EQ(jumpsOf("ex").size(), 2u) << text();
}

TEST_F(LowerKernelsTest, OdeKernelGroupSharesCopies) {
  // g reads h: convolving both with one port gives one copy of each.
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
        g real = 0
        h real = 1
    equations:
        kernel g' = -g / tau + h / 1 ms, h' = -h / 3 ms
        V' = -V / 10 ms + (convolve(g, ex) + convolve(h, ex)) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  ASSERT_TRUE(run("inline-expressions,lower-kernels")) << dump();
  EXPECT_NE(rhsOf("g__X__ex").find("%h__X__ex"), std::string::npos) << rhsOf("g__X__ex");
  EXPECT_EQ(jumpsOf("ex").size(), 2u) << text();
}

TEST_F(LowerKernelsTest, KernelThatIsNotExponentialPolynomialIsAnError) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel K = sin(t / tau)
        V' = -V / 10 ms + convolve(K, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  EXPECT_FALSE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(hasDiag(Severity::Error,
                      "kernel 'K' is not a sum of terms c*t**n*exp(a*t): it has sin() of t"))
      << dump();
  EXPECT_NE(dump().find("note: write the kernel as a linear ODE instead: kernel K' = ..."),
            std::string::npos)
      << dump();
}

struct FailureCase {
  const char *kernel, *why;
};

class KernelFailureTest : public LowerKernelsTest,
                          public ::testing::WithParamInterface<FailureCase> {};

TEST_P(KernelFailureTest, NamesTheOffendingTerm) {
  ASSERT_TRUE(lower(std::string(kPrelude) + "    equations:\n        kernel K = " +
                    GetParam().kernel + R"(
        V' = -V / 10 ms + convolve(K, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  EXPECT_FALSE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(hasDiag(Severity::Error, std::string("it has ") + GetParam().why)) << dump();
}

INSTANTIATE_TEST_SUITE_P(
    LowerKernels, KernelFailureTest,
    ::testing::Values(FailureCase{"1 / (t / tau + 1)", "division by an expression of t"},
                      FailureCase{"exp(-(t / tau)**2)",
                                  "exp() of an expression that is not linear in t"},
                      FailureCase{"(t / tau)**0.5 * exp(-t / tau)", "operator '**' on t"},
                      FailureCase{"t > 1 ms ? 1.0 : 0.0", "an expression of t"}),
    // Named by index: ctest's test discovery cannot handle the byte dump
    // gtest prints for a struct parameter.
    [](const ::testing::TestParamInfo<FailureCase> &info) {
      return "case" + std::to_string(info.index);
    });

TEST_F(LowerKernelsTest, DeltaMixedWithOtherTermsIsAnError) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel D = delta(t) + exp(-t / tau)
        V' = -V / 10 ms + (convolve(D, ex) + convolve(D, ex) + convolve(D, inh)) / 1 pF
    input:
        ex pA <- spike
        inh pA <- spike
    update:
        integrate_odes()
)"));
  EXPECT_FALSE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(hasDiag(Severity::Error, "kernel 'D' mixes delta(t) with other terms")) << dump();
  EXPECT_EQ(errorCount(), 1u) << "one report per kernel, however often it is used\n" << dump();
}

TEST_F(LowerKernelsTest, DeltaKernelRestrictions) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
        x mV = 0 mV
    equations:
        kernel D = delta(t)
        V' = -V / 10 ms + convolve(D, ex) * convolve(D, ex) / (1 pF * 1 pA)
        x'' = -x / tau**2 + convolve(D, ex) / (1 pF * 1 ms)
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  EXPECT_FALSE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(hasDiag(Severity::Error,
                      "a delta-kernel convolution must enter the ODE of 'V' linearly"))
      << dump();
  EXPECT_TRUE(hasDiag(Severity::Error, "a delta kernel can only drive a first-order ODE")) << dump();
}

TEST_F(LowerKernelsTest, OdeKernelWithoutInitialValueIsAnError) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
    equations:
        kernel g' = -g / tau
        V' = -V / 10 ms + convolve(g, ex) / 1 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)"));
  EXPECT_FALSE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(hasDiag(Severity::Error, "kernel 'g' needs an initial value for 'g' in 'state:'"))
      << dump();
}

TEST_F(LowerKernelsTest, VectorPortNeedsConstantIndex) {
  ASSERT_TRUE(lower(std::string(kPrelude) + R"(
        n integer = 1
    equations:
        kernel K = exp(-t / tau)
        V' = -V / 10 ms + convolve(K, rec[n]) / 1 pF
    input:
        rec[2] pA <- spike
    update:
        integrate_odes()
)"));
  EXPECT_FALSE(run("inline-expressions,lower-kernels"));
  EXPECT_TRUE(hasDiag(Severity::Error,
                      "convolve() with a vector port needs a constant element index"))
      << dump();
}

} // namespace

namespace {

TEST_F(LowerKernelsTest, MalformedConvolutionInHandBuiltIrIsReported) {
  // Sema only lets kernels and spike ports into convolve(); the verifier
  // also accepts a variable as the first argument. The pass must report it,
  // not read it as a kernel.
  module = std::make_unique<ir::Module>();
  auto m = std::make_unique<ir::Model>();
  m->name = "m";
  ir::Builder b(*m);
  units::Unit pA = *units::lookupUnit("pA");
  ir::VarId g = b.addVariable("g", ir::VarRole::State, b.realType(pA), b.real(0, pA));
  b.addKernel("K", 0, b.real(1.0));
  uint32_t p = b.addPort("ex", ir::PortKind::Spike, b.realType(pA));
  std::vector<ir::ExprPtr> args;
  args.push_back(b.var(g));
  args.push_back(b.port(p));
  ir::ExprPtr conv = b.call(ir::Builtin::Convolve, std::move(args), b.realType(pA));
  b.addOde(g, 1, b.div(std::move(conv), b.real(1.0, ir::msUnit())));
  module->addModel(std::move(m));
  EXPECT_FALSE(run("lower-kernels"));
  EXPECT_TRUE(hasDiag(Severity::Error, "convolve() needs a kernel and a spike port")) << dump();
}

} // namespace
