//===- SolveOdesTest.cpp - solve-odes pass --------------------------------===//
#include "PassTestUtil.h"

#include "nsc/ir/IRWalk.h"

#include <cmath>
#include <map>

using namespace nsc;
using namespace nsc::test;

namespace {

const double h = 0.1; // ms, the default dt

class SolveOdesTest : public PassTest {
protected:
  SolveOdesTest() { options.explainSolvers = true; }

  /// Lowers `src` and runs the default pipeline.
  bool solve(const std::string &src, bool propagate = false) {
    options.propagateParameters = propagate;
    return lower(src) && run("default");
  }

  const ir::LocalDecl *localDecl(const std::string &name) {
    const ir::LocalDecl *found = nullptr;
    for (ir::Block *blk : ir::modelBlocks(model()))
      ir::forEachStmt(*blk, [&](ir::Stmt &s) {
        if (auto *d = ir::dyn_cast<ir::LocalDecl>(&s))
          if (model().variables[d->var].name == name)
            found = d;
      });
    return found;
  }

  /// The literal coefficients of `local` = Σ c·v, by the name of v.
  std::map<std::string, double> coefficients(const std::string &local) {
    std::map<std::string, double> out;
    const ir::LocalDecl *d = localDecl(local);
    if (!d || !d->init) {
      ADD_FAILURE() << "no local " << local << " in\n" << text();
      return out;
    }
    std::function<void(const ir::Expr &)> walk = [&](const ir::Expr &e) {
      if (auto *b = ir::dyn_cast<ir::Binary>(&e)) {
        if (b->op == ir::BinaryOp::Add) {
          walk(*b->lhs);
          walk(*b->rhs);
          return;
        }
        auto *c = ir::dyn_cast<ir::Constant>(b->lhs.get());
        auto *v = ir::dyn_cast<ir::VarRef>(b->rhs.get());
        if (b->op == ir::BinaryOp::Mul && c && v) {
          out[model().variables[v->var].name] = c->real;
          return;
        }
      }
      ADD_FAILURE() << "not a sum of literal·variable: " << ir::printExpr(e, &model());
    };
    walk(*d->init);
    return out;
  }

  /// The solver explanation line of `var` ("" when absent).
  std::string explained(const std::string &var) {
    std::istringstream in(log.str());
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("  " + var + " ", 0) == 0)
        return line;
    return "";
  }
  std::string method(const std::string &var) {
    std::istringstream in(explained(var));
    std::string name, m;
    in >> name >> m;
    return m;
  }

  bool noOdesLeft() {
    bool calls = false;
    for (ir::Block *blk : ir::modelBlocks(model()))
      ir::forEachStmt(*blk, [&](ir::Stmt &s) { calls |= ir::isa<ir::IntegrateOdes>(&s); });
    return !calls && model().odes.equations.empty();
  }
};

std::string pscExp(const std::string &tauSyn, const std::string &semantics = "") {
  return R"(
model m:
)" + semantics + R"(
    parameters:
        tau_m ms = 10 ms
        C_m pF = 250 pF
        tau_syn ms = )" +
         tauSyn + R"(
        I_e pA = 100 pA
    state:
        V mV = 0 mV
    equations:
        kernel K = exp(-t / tau_syn)
        V' = -V / tau_m + (convolve(K, ex) + I_e) / C_m
    input:
        ex pA <- spike
    update:
        integrate_odes()
)";
}

//===----------------------------------------------------------------------===//
// exact
//===----------------------------------------------------------------------===//

TEST_F(SolveOdesTest, ConstantLinearSystemGetsLiteralPropagator) {
  ASSERT_TRUE(solve(pscExp("2 ms"), /*propagate=*/true)) << dump();
  EXPECT_TRUE(noOdesLeft()) << text();
  EXPECT_TRUE(model().prepare.empty()) << "constant A: nothing to compute at start-up";
  EXPECT_EQ(method("V"), "exact") << log.str();
  EXPECT_EQ(method("K__X__ex"), "exact") << log.str();
  EXPECT_NE(explained("V").find("linear with constant coefficients"), std::string::npos);

  const double tm = 10, ts = 2, C = 250;
  auto V = coefficients("V.next");
  EXPECT_NEAR(V["V"], std::exp(-h / tm), 1e-15);
  // ∫_0^h e^{-s/τm} ds for the input b = I_e/C_m.
  EXPECT_NEAR(V["b.V"], -tm * std::expm1(-h / tm), 1e-15);
  // (1/C)·∫_0^h e^{-(h-s)/τm}·e^{-s/τs} ds, in GΩ (ms/pF).
  double pvk = (std::exp(-h / ts) - std::exp(-h / tm)) / (1 / tm - 1 / ts) / C;
  EXPECT_NEAR(V["K__X__ex"], pvk, 1e-14 * pvk);
  auto K = coefficients("K__X__ex.next");
  EXPECT_EQ(K.size(), 1u) << "K does not depend on V: a structural zero is left out";
  EXPECT_NEAR(K["K__X__ex"], std::exp(-h / ts), 1e-15);
  // The exact values are assigned after every one is computed.
  EXPECT_TRUE(contains("%V = %V.next")) << text();
}

TEST_F(SolveOdesTest, EqualTimeConstantsStayExactAndFinite) {
  // τm == τs: the closed form divides by zero; the propagator does not.
  ASSERT_TRUE(solve(pscExp("10 ms"), /*propagate=*/true)) << dump();
  const double tau = 10, C = 250;
  auto V = coefficients("V.next");
  double pvk = h * std::exp(-h / tau) / C;
  ASSERT_TRUE(std::isfinite(V["K__X__ex"]));
  EXPECT_NEAR(V["K__X__ex"], pvk, 1e-14 * pvk);
}

TEST_F(SolveOdesTest, AlphaChainMatchesClosedForm) {
  ASSERT_TRUE(solve(R"(
model m:
    state:
        V mV = 0 mV
    equations:
        kernel K = (e / 2 ms) * t * exp(-t / 2 ms)
        V' = -V / 10 ms + convolve(K, ex) / 250 pF
    input:
        ex pA <- spike
    update:
        integrate_odes()
)")) << dump();
  const double tm = 10, ts = 2, C = 250, a = 1 / tm, b = 1 / ts, d = a - b;
  auto z1 = coefficients("K__X__ex__d1.next");
  EXPECT_NEAR(z1["K__X__ex"], h * std::exp(-h / ts), 1e-16);
  EXPECT_NEAR(z1["K__X__ex__d1"], std::exp(-h / ts), 1e-15);
  auto V = coefficients("V.next");
  // V' = -a·V + (e·b/C)·z1, z1(s) = s·e^{-bs}·z0 + e^{-bs}·z1.
  double c = std::exp(1.0) * b / C;
  double fromZ1 = c * (std::exp(-b * h) - std::exp(-a * h)) / d;
  double fromZ0 = c * std::exp(-a * h) * (std::exp(d * h) * (d * h - 1) + 1) / (d * d);
  EXPECT_NEAR(V["K__X__ex__d1"], fromZ1, 1e-13 * fromZ1);
  EXPECT_NEAR(V["K__X__ex"], fromZ0, 1e-12 * fromZ0);
}

TEST_F(SolveOdesTest, SecondOrderOdeIsAFirstOrderPair) {
  // x'' = -ω²·x − γ·x': x' becomes a state variable (starting at 0).
  ASSERT_TRUE(solve(R"(
model m:
    state:
        x mV = 1 mV
    equations:
        x'' = -x / (2 ms)**2 - 0.1 * x' / 1 ms
    update:
        integrate_odes()
)")) << dump();
  ASSERT_TRUE(model().findVariable("x'"));
  EXPECT_EQ(method("x"), "exact") << log.str();
  EXPECT_EQ(method("x'"), "exact") << log.str();
  // exp(A·h) = e^{μh}·(cos(νh)·I + sin(νh)/ν·(A − μI)), A = [[0, 1], [−w2, −g]].
  const double w2 = 0.25, g = 0.1, mu = -g / 2, nu = std::sqrt(w2 - g * g / 4);
  const double e = std::exp(mu * h), co = std::cos(nu * h), si = std::sin(nu * h) / nu;
  auto x = coefficients("x.next");
  auto dx = coefficients("x'.next");
  EXPECT_NEAR(x["x"], e * (co - mu * si), 1e-15);
  EXPECT_NEAR(x["x'"], e * si, 1e-15);
  EXPECT_NEAR(dx["x"], e * (-w2 * si), 1e-15);
  EXPECT_NEAR(dx["x'"], e * (co + (-g - mu) * si), 1e-15);
}

TEST_F(SolveOdesTest, ParameterDependentSystemComputesPropagatorAtStartUp) {
  ASSERT_TRUE(solve(pscExp("2 ms"))) << dump();
  EXPECT_NE(explained("V").find("propagator computed at start-up: it depends on parameters"),
            std::string::npos)
      << log.str();
  ASSERT_EQ(model().prepare.size(), 1u) << text();
  auto *cp = ir::dyn_cast<ir::ComputePropagator>(model().prepare[0].get());
  ASSERT_NE(cp, nullptr);
  EXPECT_EQ(cp->size, 2u);
  EXPECT_EQ(cp->dtMs, h);
  ASSERT_EQ(cp->matrix.size(), 4u);
  // Rows and columns: V, K__X__ex. A[0,0] = -1/τm reads the parameter.
  EXPECT_EQ(ir::printExpr(*cp->matrix[0], &model()), "((-1.0) / %tau_m)");
  EXPECT_EQ(cp->propagator[2], ir::kNoVar) << "P[K,V] is a structural zero";
  ASSERT_NE(cp->propagator[0], ir::kNoVar);
  const ir::Variable &p = model().variables[cp->propagator[0]];
  EXPECT_EQ(p.name, "P[V,V]");
  EXPECT_EQ(p.role, ir::VarRole::Internal);
  ASSERT_NE(cp->inputGain[0], ir::kNoVar) << "V has an input: M[V,V] is needed";
  EXPECT_EQ(cp->inputGain[3], ir::kNoVar) << "K has no input";
  EXPECT_TRUE(contains("(%P[V,V] * %V)")) << text();
}

TEST_F(SolveOdesTest, ExplicitExactOnNonlinearModelNamesTheTerm) {
  ASSERT_TRUE(lower(R"(
model m:
    semantics:
        solver = exact
    state:
        V mV = -70 mV
        w pA = 0 pA
    equations:
        V' = (-(V + 70 mV) + 2 mV * exp((V + 50 mV) / 2 mV)) / 10 ms - w / 200 pF
        w' = -w / 100 ms
    update:
        integrate_odes()
)"));
  EXPECT_FALSE(run("default"));
  EXPECT_TRUE(hasDiag(Severity::Error, "solver 'exact' cannot integrate 'V': exp() of 'V'"))
      << dump();
  EXPECT_NE(dump().find("note: integrated here"), std::string::npos) << dump();
  EXPECT_NE(dump().find("note: choose another solver"), std::string::npos) << dump();
}

TEST_F(SolveOdesTest, TimeDependentRightHandSideIsNotExact) {
  ASSERT_TRUE(solve(R"(
model m:
    state:
        y mV = 0 mV
    equations:
        y' = -y / 10 ms + sin(t / 1 ms) * 1 mV / ms
    update:
        integrate_odes()
)")) << dump();
  // exp_euler would hold t at the start of the step: rk45.
  EXPECT_EQ(method("y"), "rk45") << log.str();
  EXPECT_NE(explained("y").find("not exact (the right-hand side depends on the time t); not exp_euler (the "
                                "right-hand side depends on the time t, which it would hold"),
            std::string::npos)
      << log.str();
}

//===----------------------------------------------------------------------===//
// exp_euler and the numeric solvers
//===----------------------------------------------------------------------===//

const char *kCondExp = R"(
model m:
%s
    parameters:
        tau_g ms = 5 ms
    state:
        V mV = -70 mV
        g nS = 0 nS
    equations:
        V' = -(V + 70 mV) / 10 ms + g * (0 mV - V) / 250 pF
        g' = -g / tau_g
    update:
        integrate_odes()
)";

std::string withSemantics(const char *src, const std::string &lines) {
  std::string s = src;
  return s.replace(s.find("%s"), 2, lines.empty() ? "" : "    semantics:\n" + lines);
}

TEST_F(SolveOdesTest, AutoPicksRk45ForConductanceBased) {
  // V is linear in itself, but exp_euler would freeze g, which decays
  // within the step: rk45 for V (with its own copy of g), g exact.
  ASSERT_TRUE(solve(withSemantics(kCondExp, ""))) << dump();
  EXPECT_TRUE(noOdesLeft()) << text();
  EXPECT_EQ(method("V"), "rk45") << log.str();
  EXPECT_NE(explained("V").find("not exact (product of 'g' and 'V'); not exp_euler: coupled to 'g', which "
                                "changes within the step"),
            std::string::npos)
      << log.str();
  EXPECT_EQ(method("g"), "exact") << log.str();
  EXPECT_TRUE(localDecl("y.g")) << text();
}

TEST_F(SolveOdesTest, ExplicitExpEulerForConductanceBased) {
  ASSERT_TRUE(solve(withSemantics(kCondExp, "        solver = exp_euler\n"))) << dump();
  EXPECT_TRUE(noOdesLeft()) << text();
  EXPECT_EQ(method("V"), "exp_euler") << log.str();
  EXPECT_NE(explained("V").find("requested by the model"), std::string::npos) << log.str();
  // x ← x + f·(e^{a·dt} − 1)/a, with a = ∂f/∂x read at the start of the step.
  EXPECT_TRUE(contains("expm1((%a.V * 0.1 ms))")) << text();
  EXPECT_TRUE(localDecl("f.V"));
}

TEST_F(SolveOdesTest, AutoStaysExactWithoutCoupling) {
  // A linear system needs no numeric integrator.
  ASSERT_TRUE(solve(R"(
model m:
    state:
        V mV = -70 mV
    equations:
        V' = -(V + 70 mV) / 10 ms
    update:
        integrate_odes()
)")) << dump();
  EXPECT_EQ(method("V"), "exact") << log.str();
}

TEST_F(SolveOdesTest, ExplicitExpEulerOnNonConditionallyLinearErrors) {
  ASSERT_TRUE(lower(R"(
model m:
    semantics:
        solver = exp_euler
    state:
        V mV = -70 mV
    equations:
        V' = (V + 70 mV) * (V + 60 mV) / (1 mV * 10 ms)
    update:
        integrate_odes()
)"));
  EXPECT_FALSE(run("default"));
  EXPECT_TRUE(hasDiag(Severity::Error, "solver 'exp_euler' cannot integrate 'V': product of 'V' and 'V'"))
      << dump();
}

const char *kAdex = R"(
model m:
%s
    state:
        V mV = -70 mV
        w pA = 0 pA
        I_syn pA = 0 pA
    equations:
        V' = (-(V + 70 mV) + 2 mV * exp((V + 50 mV) / 2 mV)) / 10 ms + (I_syn - w) / 200 pF
        w' = (2 nS * (V + 70 mV) - w) / 100 ms
        I_syn' = -I_syn / 2 ms
    update:
        integrate_odes()
)";

TEST_F(SolveOdesTest, AutoPicksRk45ForAdexAndCouplesTheExactPart) {
  ASSERT_TRUE(solve(withSemantics(kAdex, ""))) << dump();
  EXPECT_TRUE(noOdesLeft()) << text();
  EXPECT_EQ(method("V"), "rk45") << log.str();
  EXPECT_NE(explained("V").find("not exact (exp() of 'V'); not exp_euler (exp() of 'V')"),
            std::string::npos)
      << log.str();
  EXPECT_EQ(method("w"), "rk45") << log.str();
  EXPECT_NE(explained("w").find("it depends on 'V', which cannot be solved exactly"),
            std::string::npos)
      << log.str();
  EXPECT_EQ(method("I_syn"), "exact") << log.str();
  EXPECT_NE(explained("I_syn").find("also integrated with rk45 inside the step"), std::string::npos)
      << log.str();
  // The numeric part carries its own copy of I_syn; I_syn itself takes the
  // exact value.
  EXPECT_TRUE(localDecl("y.I_syn")) << text();
  EXPECT_TRUE(contains("%I_syn = %I_syn.next")) << text();
  EXPECT_TRUE(contains("%V = %y.V")) << text();
  // Error control inside the step, with its caps.
  EXPECT_TRUE(contains("while (%rk45.remaining > 0.0 ms)")) << text();
  EXPECT_TRUE(contains("(%rk45.substeps >= 10000)")) << text();
  EXPECT_TRUE(contains("(%rk45.substep <= 1.0000000000000001e-11 ms)")) << text();
  EXPECT_TRUE(contains("rk45: more than 10000 substeps in one step")) << text();
  EXPECT_TRUE(contains("rk45: the error tolerance cannot be met even with the smallest substep"))
      << text();
  // Tolerances from the semantics.
  EXPECT_TRUE(contains("(1e-09 mV + (1e-06 * max(abs(%y.V), abs(%y5.V))))")) << text();
}

TEST_F(SolveOdesTest, AutoPicksRk45ForIzhikevich) {
  ASSERT_TRUE(solve(R"(
model m:
    state:
        V mV = -65 mV
        U mV = 0 mV
    equations:
        V' = (0.04 * V * V / mV + 5 * V + 140 mV - U) / ms
        U' = 0.02 * (0.2 * V - U) / ms
    update:
        integrate_odes()
)")) << dump();
  EXPECT_EQ(method("V"), "rk45") << log.str();
  EXPECT_EQ(method("U"), "rk45") << log.str();
  EXPECT_NE(explained("V").find("product of 'V' and 'V'"), std::string::npos) << log.str();
}

TEST_F(SolveOdesTest, RequestedFixedStepSolvers) {
  ASSERT_TRUE(solve(withSemantics(kAdex, "        solver = rk4\n"))) << dump();
  EXPECT_EQ(method("V"), "rk4") << log.str();
  EXPECT_EQ(method("I_syn"), "rk4") << log.str();
  EXPECT_NE(explained("I_syn").find("requested by the model"), std::string::npos) << log.str();
  EXPECT_TRUE(localDecl("k4.V")) << text();
  EXPECT_FALSE(contains("while")) << text();
}

TEST_F(SolveOdesTest, RequestedEuler) {
  ASSERT_TRUE(solve(withSemantics(kAdex, "        solver = euler\n"))) << dump();
  EXPECT_EQ(method("w"), "euler") << log.str();
  EXPECT_TRUE(localDecl("k1.w")) << text();
  EXPECT_FALSE(localDecl("k2.w")) << text();
}

TEST_F(SolveOdesTest, Rk45InFixedPointIsAnError) {
  ASSERT_TRUE(lower(withSemantics(kAdex, "        precision = fixed(Q16.16)\n        solver = rk45\n")));
  EXPECT_FALSE(run("default"));
  EXPECT_TRUE(hasDiag(Severity::Error, "solver 'rk45' (adaptive) is not defined in fixed point"))
      << dump();
}

TEST_F(SolveOdesTest, ExpEulerInFixedPointIsAnError) {
  ASSERT_TRUE(
      lower(withSemantics(kCondExp, "        precision = fixed(Q16.16)\n        solver = exp_euler\n")));
  EXPECT_FALSE(run("default"));
  EXPECT_TRUE(hasDiag(Severity::Error, "solver 'exp_euler' is not defined in fixed point")) << dump();
}

TEST_F(SolveOdesTest, AutoInFixedPointUsesRk4) {
  // The default pipeline without its last pass: quantize then rejects the
  // rk4 stages' exp() of V (R31), which is not what this test is about.
  ASSERT_TRUE(lower(withSemantics(kAdex, "        precision = fixed(Q16.16)\n")) &&
              run("inline-expressions,lower-kernels,fold-constants,solve-odes,dce"))
      << dump();
  EXPECT_EQ(method("V"), "rk4") << log.str();
  EXPECT_EQ(method("I_syn"), "exact") << log.str();
  ASSERT_TRUE(run("quantize") == false);
  EXPECT_TRUE(hasDiag(Severity::Error, "exp() of 'V' has no fixed-point definition")) << dump();
}

TEST_F(SolveOdesTest, AutoInFixedPointDoesNotUseExpEuler) {
  // Conditionally linear, but exp_euler is not defined in fixed point.
  ASSERT_TRUE(solve(withSemantics(kCondExp, "        precision = fixed(Q16.16)\n"))) << dump();
  EXPECT_EQ(method("V"), "rk4") << log.str();
  EXPECT_EQ(method("g"), "exact") << log.str();
}

//===----------------------------------------------------------------------===//
// integrate_odes calls
//===----------------------------------------------------------------------===//

TEST_F(SolveOdesTest, NamedCallAdvancesOnlyItsVariables) {
  ASSERT_TRUE(solve(R"(
model m:
    state:
        V mV = 0 mV
        W mV = 1 mV
        r integer = 0
    equations:
        V' = (W - V) / 10 ms
        W' = -W / 5 ms
    update:
        if r > 0:
            integrate_odes(W)
        else:
            integrate_odes()
)")) << dump();
  EXPECT_TRUE(noOdesLeft()) << text();
  // Two explanations, one per call; the named call holds V fixed.
  std::string l = log.str();
  size_t first = l.find("solvers for model 'm'"), second = l.find("solvers for model 'm'", first + 1);
  ASSERT_NE(second, std::string::npos) << l;
  EXPECT_EQ(l.substr(first, second - first).find("  V "), std::string::npos) << l;
  auto *iff = ir::dyn_cast<ir::If>(model().update.back().get());
  ASSERT_NE(iff, nullptr) << text();
  for (const ir::StmtPtr &s : iff->thenBody)
    if (auto *a = ir::dyn_cast<ir::Assign>(s.get()))
      EXPECT_NE(model().variables[a->target].name, "V") << text();
}

TEST_F(SolveOdesTest, OdesWithoutIntegrateOdesWarn) {
  ASSERT_TRUE(solve(R"(
model m:
    state:
        V mV = 0 mV
    equations:
        V' = -V / 10 ms
    update:
        V += 1 mV
)")) << dump();
  EXPECT_TRUE(hasDiag(Severity::Warning,
                      "model 'm' has ODEs but its 'update:' block never calls integrate_odes(); "
                      "its ODE variables stay constant"))
      << dump();
  EXPECT_TRUE(model().odes.equations.empty());
}

TEST_F(SolveOdesTest, KernelsMustBeLoweredFirst) {
  ASSERT_TRUE(lower(pscExp("2 ms")));
  EXPECT_FALSE(run("inline-expressions,solve-odes"));
  EXPECT_TRUE(hasDiag(Severity::Error, "solve-odes needs the kernels lowered first")) << dump();
}

} // namespace
