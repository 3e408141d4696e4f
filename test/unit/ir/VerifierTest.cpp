//===- VerifierTest.cpp - Each broken invariant is caught -----------------===//
#include "IRTestUtil.h"

#include "nsc/ir/Verifier.h"

#include <gtest/gtest.h>

using namespace nsc::ir;
using nsc::ir::test::LeakyModel;
using nsc::ir::test::unit;

namespace {

/// Runs the verifier and expects exactly one violation mentioning `needle`.
void expectViolation(const Model &m, const std::string &needle) {
  std::vector<std::string> errors;
  EXPECT_FALSE(verifyModel(m, &errors));
  ASSERT_EQ(errors.size(), 1u) << (errors.empty() ? "" : errors[0]);
  EXPECT_NE(errors[0].find(needle), std::string::npos) << errors[0];
}

} // namespace

TEST(IRVerifier, WellFormedModelPasses) {
  LeakyModel lm;
  std::vector<std::string> errors;
  EXPECT_TRUE(verifyModel(*lm.model, &errors)) << (errors.empty() ? "" : errors[0]);
}

TEST(IRVerifier, AddOfDifferentUnits) {
  LeakyModel lm;
  Builder b(*lm.model);
  // mV + V without a conversion: the operands disagree in unit.
  lm.model->update.push_back(b.assign(lm.V, std::make_unique<Binary>(
      Type::real(unit("mV")), BinaryOp::Add, b.var(lm.V), b.real(1, unit("V")))));
  expectViolation(*lm.model, "same unit");
}

TEST(IRVerifier, ConvertedAddPasses) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(
      b.assign(lm.V, b.add(b.var(lm.V), b.convert(b.real(1, unit("V")), unit("mV")))));
  EXPECT_TRUE(verifyModel(*lm.model, nullptr));
}

TEST(IRVerifier, WrongConversionFactor) {
  LeakyModel lm;
  Builder b(*lm.model);
  auto bad = std::make_unique<UnitConvert>(Type::real(unit("mV")), b.real(1, unit("V")), 100.0);
  lm.model->update.push_back(b.assign(lm.V, std::move(bad)));
  expectViolation(*lm.model, "conversion factor");
}

TEST(IRVerifier, AssignmentTypeMismatch) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(b.assign(lm.V, b.real(1, unit("ms"))));
  expectViolation(*lm.model, "value assigned to 'V'");
}

TEST(IRVerifier, AssignmentToParameter) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(b.assign(lm.tau, b.real(1, unit("ms"))));
  expectViolation(*lm.model, "assignment to parameter 'tau'");
}

TEST(IRVerifier, VariableIdOutOfRange) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(b.assign(99, b.real(1)));
  expectViolation(*lm.model, "variable id 99 out of range");
}

TEST(IRVerifier, NonBooleanCondition) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(b.ifStmt(b.var(lm.V), {}));
  expectViolation(*lm.model, "condition of if");
}

TEST(IRVerifier, ReturnOutsideFunction) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(b.ret());
  expectViolation(*lm.model, "return outside a function");
}

TEST(IRVerifier, ReturnTypeOfFunction) {
  LeakyModel lm;
  Builder b(*lm.model);
  VarId a = b.addVariable("a", VarRole::Argument, Type::real(unit("mV")));
  uint32_t f = b.addFunction("f", {a}, Type::real(unit("mV")));
  lm.model->functions[f].body.push_back(b.ret(b.real(1, unit("ms"))));
  expectViolation(*lm.model, "value returned from 'f'");
}

TEST(IRVerifier, CallArgumentCount) {
  LeakyModel lm;
  Builder b(*lm.model);
  VarId a = b.addVariable("a", VarRole::Argument, Type::real(unit("mV")));
  uint32_t f = b.addFunction("f", {a}, Type::real(unit("mV")));
  lm.model->functions[f].body.push_back(b.ret(b.var(a)));
  lm.model->update.push_back(b.assign(lm.V, b.callFunction(f, {})));
  expectViolation(*lm.model, "with 0 arguments, expected 1");
}

TEST(IRVerifier, DerivativeOrderBeyondOde) {
  LeakyModel lm;
  Builder b(*lm.model);
  // count has no ODE: count' is meaningless.
  lm.model->update.push_back(b.assign(lm.V, b.mul(b.derivative(lm.count, 1), b.real(1, *nsc::units::parseUnitExpr("mV*ms")))));
  expectViolation(*lm.model, "derivative of 'count', which has no ODE");
  LeakyModel lm2;
  Builder b2(*lm2.model);
  ExprPtr ms2 = b2.mul(b2.real(1, unit("ms")), b2.real(1, unit("ms")));
  lm2.model->update.push_back(b2.assign(lm2.V, b2.mul(b2.derivative(lm2.V, 2), std::move(ms2))));
  expectViolation(*lm2.model, "order 2 of 'V', whose ODE has order 1");
}

TEST(IRVerifier, OdeRhsUnit) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->odes.equations[0].rhs = b.var(lm.V); // mV, not mV/ms
  expectViolation(*lm.model, "right-hand side of the ODE for 'V'");
}

TEST(IRVerifier, OdeForParameterAndDuplicateOde) {
  LeakyModel lm;
  Builder b(*lm.model);
  b.addOde(lm.V, 1, b.div(b.var(lm.V), b.var(lm.tau)));
  expectViolation(*lm.model, "two ODEs for 'V'");
  LeakyModel lm2;
  Builder b2(*lm2.model);
  b2.addOde(lm2.E_L, 1, b2.div(b2.var(lm2.E_L), b2.var(lm2.tau)));
  expectViolation(*lm2.model, "not a state variable");
}

TEST(IRVerifier, EmitSpikeWithoutOutput) {
  LeakyModel lm;
  lm.model->outputSpike = false;
  expectViolation(*lm.model, "emit_spike");
}

TEST(IRVerifier, SynapseEmitsWithoutOutput) {
  // Synapse models always transmit spikes; sema lets them omit the output.
  LeakyModel lm;
  lm.model->outputSpike = false;
  lm.model->kind = ModelKind::Synapse;
  std::vector<std::string> errors;
  EXPECT_TRUE(verifyModel(*lm.model, &errors)) << (errors.empty() ? "" : errors[0]);
}

TEST(IRVerifier, IntegrateOdesOfVariableWithoutOde) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(b.integrateOdes({lm.count}));
  expectViolation(*lm.model, "integrate_odes names 'count'");
}

TEST(IRVerifier, InvalidCasts) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(
      b.assign(lm.V, b.cast(CastKind::IntToReal, b.var(lm.V), Type::real(unit("mV")))));
  expectViolation(*lm.model, "invalid int_to_real");
}

TEST(IRVerifier, SelectArmsDisagree) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(
      b.assign(lm.V, b.select(b.boolean(true), b.var(lm.V), b.real(1, unit("V")))));
  expectViolation(*lm.model, "else arm of select");
}

TEST(IRVerifier, LocalDeclOfState) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(b.localDecl(lm.V));
  expectViolation(*lm.model, "local declaration of non-local variable 'V'");
}

TEST(IRVerifier, OnReceiveForContinuousPort) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->onReceive[0].port = b.addPort("I", PortKind::Continuous, Type::real(unit("pA")));
  expectViolation(*lm.model, "continuous port 'I'");
}

TEST(IRVerifier, NetworkInvariants) {
  LeakyModel lm;
  Module m;
  m.addModel(std::move(lm.model));
  auto net = std::make_unique<Network>();
  net->name = "n";
  Population p;
  p.name = "a";
  p.size = 10;
  net->populations.push_back(std::move(p));
  Projection pr;
  pr.source = {0, 0, 10};
  pr.target = {0, 5, 11}; // past the end
  pr.delaySteps = 0;      // shorter than one step
  pr.port = 0;
  net->projections.push_back(std::move(pr));
  m.networks.push_back(std::move(net));
  std::vector<std::string> errors;
  EXPECT_FALSE(verifyModule(m, &errors));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("slice [5:11]"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("delay of 0 steps"), std::string::npos) << errors[1];
}

TEST(IRVerifier, ReportsThroughDiagnostics) {
  LeakyModel lm;
  Builder b(*lm.model);
  lm.model->update.push_back(b.ret());
  Module m;
  m.addModel(std::move(lm.model));
  nsc::SourceManager sm;
  nsc::DiagnosticEngine diags(sm);
  EXPECT_FALSE(verifyModule(m, diags));
  ASSERT_EQ(diags.errorCount(), 1u);
  EXPECT_NE(diags.diagnostics()[0].message.find("IR verifier: in model 'leaky'"), std::string::npos);
}
