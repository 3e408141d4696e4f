//===- JSONTest.cpp - Machine-readable IR dump ----------------------------===//
#include "IRTestUtil.h"

#include "nsc/ir/JSON.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

using namespace nsc::ir;

TEST(IRJSON, ModelContent) {
  nsc::ir::test::LeakyModel lm;
  Module m;
  m.addModel(std::move(lm.model));
  nlohmann::json j = moduleToJSON(m);
  ASSERT_EQ(j["models"].size(), 1u);
  const auto &model = j["models"][0];
  EXPECT_EQ(model["name"], "leaky");
  EXPECT_EQ(model["kind"], "neuron");
  EXPECT_EQ(model["semantics"]["solver"], "auto");
  EXPECT_EQ(model["semantics"]["dt_ms"], 0.1);
  EXPECT_EQ(model["variables"].size(), 4u);
  EXPECT_EQ(model["variables"][2]["name"], "V");
  EXPECT_EQ(model["variables"][2]["role"], "state");
  EXPECT_EQ(model["variables"][2]["type"]["unit"], "mV");
  EXPECT_EQ(model["variables"][2]["type"]["precision"]["kind"], "f64");
  const auto &ode = model["odes"]["equations"][0];
  EXPECT_EQ(ode["var"], 2);
  EXPECT_EQ(ode["rhs"]["kind"], "binary");
  EXPECT_EQ(ode["rhs"]["op"], "/");
  EXPECT_EQ(model["on_condition"][0]["body"][1]["kind"], "emit_spike");
  EXPECT_TRUE(j["networks"].empty());
}

TEST(IRJSON, NonFiniteNumbersAreStrings) {
  Builder b;
  nlohmann::json j = exprToJSON(*b.real(HUGE_VAL));
  EXPECT_EQ(j["value"], "inf");
  // The dump is valid JSON that parses back.
  EXPECT_NO_THROW(nlohmann::json::parse(j.dump()));
}

TEST(IRJSON, FixedPrecision) {
  Type t = Type::real({}, Precision::fixed(16, 16, Rounding::Floor, Overflow::Wrap));
  nlohmann::json j = typeToJSON(t);
  EXPECT_EQ(j["precision"]["kind"], "fixed");
  EXPECT_EQ(j["precision"]["int_bits"], 16);
  EXPECT_EQ(j["precision"]["rounding"], "floor");
  EXPECT_EQ(j["precision"]["overflow"], "wrap");
}
