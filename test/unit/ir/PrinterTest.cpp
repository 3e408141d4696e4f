//===- PrinterTest.cpp - Text form of the IR ------------------------------===//
#include "IRTestUtil.h"

#include "nsc/ir/Printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace nsc::ir;
using nsc::ir::test::unit;

TEST(IRPrinter, RealsAlwaysLookReal) {
  EXPECT_EQ(formatReal(250), "250.0");
  EXPECT_EQ(formatReal(0.1), "0.1");
  EXPECT_EQ(formatReal(-0.0), "-0.0");
  EXPECT_EQ(formatReal(1e-6), "1e-06");
  EXPECT_EQ(formatReal(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(formatReal(HUGE_VAL), "inf");
}

TEST(IRPrinter, Types) {
  Precision f64 = Precision::f64();
  EXPECT_EQ(printType(Type::real(unit("mV")), &f64), "mV");
  EXPECT_EQ(printType(Type::real(), &f64), "real");
  EXPECT_EQ(printType(Type::integer(), &f64), "int");
  EXPECT_EQ(printType(Type::boolean(), &f64), "bool");
  EXPECT_EQ(printType(Type::real(unit("mV"), Precision::f32()), &f64), "mV:f32");
  EXPECT_EQ(printType(Type::real(unit("mV"), Precision::fixed(8, 8, Rounding::TowardZero, Overflow::Wrap)), &f64),
            "mV:fixed<Q8.8, toward_zero, wrap>");
}

TEST(IRPrinter, Semantics) {
  Semantics s;
  s.solver = Solver::ExpEuler;
  s.seed = 7;
  EXPECT_EQ(printSemantics(s), "{dt = 0.1 ms, solver = exp_euler, precision = f64, spikes = event, "
                               "seed = 7, rk45_rtol = 1e-06, rk45_atol = 1e-09}");
}

TEST(IRPrinter, ModelText) {
  nsc::ir::test::LeakyModel lm;
  std::string text;
  {
    std::ostringstream os;
    printModel(*lm.model, os);
    text = os.str();
  }
  const char *expected =
      "model @leaky (neuron) semantics {dt = 0.1 ms, solver = auto, precision = f64, spikes = "
      "event, seed = 0, rk45_rtol = 1e-06, rk45_atol = 1e-09} {\n"
      "  param %tau : ms = 10.0 ms\n"
      "  param %E_L : mV = -70.0 mV\n"
      "  state %V : mV = %E_L\n"
      "  state %count : int = 0\n"
      "  input @spikes : spike<mV>\n"
      "  output spike\n"
      "  ode %V' : mV/ms = ((-(%V - %E_L)) / %tau)\n"
      "  update {\n"
      "    integrate_odes(all)\n"
      "  }\n"
      "  on_receive @spikes priority 0 {\n"
      "    %V = (%V + @spikes)\n"
      "  }\n"
      "  on_condition (%V > -50.0 mV) {\n"
      "    %count = (%count + 1)\n"
      "    emit_spike()\n"
      "  }\n"
      "}\n";
  EXPECT_EQ(text, expected);
}

TEST(IRPrinter, ConversionsAndStatementsAreExplicit) {
  Model m;
  m.name = "m";
  Builder b(m);
  VarId x = b.addVariable("x", VarRole::State, Type::real(unit("mV")));
  VarId i = b.addVariable("i", VarRole::Local, Type::integer());
  VarId vi = b.addVariable("i", VarRole::Local, Type::integer());
  ExprPtr conv = b.coerce(b.real(1, unit("V")), Type::real(unit("mV")));
  EXPECT_EQ(printExpr(*conv, &m), "convert<V -> mV, 1000.0>(1.0 V)");
  Block body;
  body.push_back(b.localDecl(i, b.integer(0)));
  Block loop;
  loop.push_back(b.assign(x, b.add(b.var(x), b.intToReal(b.var(vi)))));
  body.push_back(b.forStmt(i, b.integer(1), b.integer(3), b.integer(1), std::move(loop)));
  m.update = std::move(body);
  std::ostringstream os;
  printModel(m, os);
  // Two locals named 'i': their ids disambiguate them.
  EXPECT_NE(os.str().find("    local %i.1 : int = 0\n"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("    for %i.1 = 1 to 3 step 1 {\n"), std::string::npos) << os.str();
  EXPECT_NE(os.str().find("%x = (%x + int_to_real(%i.2))"), std::string::npos) << os.str();
}

TEST(IRPrinter, Deterministic) {
  nsc::ir::test::LeakyModel a, b;
  Module ma, mb;
  ma.addModel(std::move(a.model));
  mb.addModel(std::move(b.model));
  EXPECT_EQ(printModuleToString(ma), printModuleToString(mb));
}
