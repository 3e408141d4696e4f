//===- StateLayoutTest.cpp - Slots, port slots and cell encodings ---------===//
#include "IRTestUtil.h"

#include "nsc/ir/StateLayout.h"

#include <gtest/gtest.h>

using namespace nsc::ir;
using nsc::ir::test::unit;

namespace {

/// The leaky integrator of IRTestUtil.h (tau, E_L, V, count; port spikes)
/// grown into a model with every kind of cell: vector variables, a bool, a
/// float32 and a fixed-point variable, a local and an argument, and scalar,
/// vector and continuous ports.
struct MixedModel : nsc::ir::test::LeakyModel {
  VarId w, refractory, V_f32, I_fx, trace, tmp, arg;
  uint32_t dendrites, current;

  MixedModel() {
    Builder b(*model);
    w = b.addVariable("w", VarRole::State, Type::real(unit("nS")), nullptr, 3);
    refractory = b.addVariable("refractory", VarRole::State, Type::boolean(), b.boolean(false));
    V_f32 = b.addVariable("V_f32", VarRole::Internal, Type::real(unit("mV")));
    I_fx = b.addVariable("I_fx", VarRole::State, Type::real(unit("pA")));
    // Per-variable precisions, as the quantize pass leaves them (the
    // builder gives every real the model's precision).
    model->variables[V_f32].type.precision = Precision::f32();
    model->variables[I_fx].type.precision = Precision::fixed(16, 16);
    trace = b.addVariable("trace", VarRole::State, Type::integer(), nullptr, 2);
    tmp = b.addVariable("tmp", VarRole::Local, Type::real());
    arg = b.addVariable("x", VarRole::Argument, Type::integer());
    dendrites = b.addPort("dendrites", PortKind::Spike, Type::real(unit("pA")), 4);
    current = b.addPort("I_ext", PortKind::Continuous, Type::real(unit("pA")));
  }
};

} // namespace

TEST(StateLayout, VariableSlotsInIROrderWithVectorElements) {
  MixedModel mm;
  StateLayout l = layoutOf(*mm.model);
  ASSERT_EQ(l.vars.size(), mm.model->variables.size());
  // tau, E_L, V, count: one slot each.
  EXPECT_EQ(l.slot(mm.tau), 0u);
  EXPECT_EQ(l.slot(mm.E_L), 1u);
  EXPECT_EQ(l.slot(mm.V), 2u);
  EXPECT_EQ(l.slot(mm.count), 3u);
  // w[3]: slots 4, 5, 6; the next variable follows its last element.
  EXPECT_EQ(l.slot(mm.w), 4u);
  EXPECT_EQ(l.elements(mm.w), 3u);
  EXPECT_EQ(l.elements(mm.V), 1u);
  EXPECT_EQ(l.slot(mm.refractory), 7u);
  EXPECT_EQ(l.slot(mm.V_f32), 8u);
  EXPECT_EQ(l.slot(mm.I_fx), 9u);
  EXPECT_EQ(l.slot(mm.trace), 10u);
  EXPECT_EQ(l.elements(mm.trace), 2u);
  // Locals and arguments own slots too (the interpreter's scratch cells).
  EXPECT_EQ(l.slot(mm.tmp), 12u);
  EXPECT_EQ(l.slot(mm.arg), 13u);
  EXPECT_EQ(l.rowSize, 14u);
  // Slots tile [0, rowSize) without gaps or overlaps.
  unsigned next = 0;
  for (const Variable &v : mm.model->variables) {
    EXPECT_EQ(l.slot(v.id), next) << v.name;
    EXPECT_EQ(l.elements(v.id), v.vectorSize ? v.vectorSize : 1u) << v.name;
    next += l.elements(v.id);
  }
  EXPECT_EQ(next, l.rowSize);
}

TEST(StateLayout, PortSlots) {
  MixedModel mm;
  StateLayout l = layoutOf(*mm.model);
  ASSERT_EQ(l.ports.size(), 3u);
  EXPECT_EQ(l.portSlot(mm.spikes), 0u);
  EXPECT_EQ(l.portElements(mm.spikes), 1u);
  EXPECT_EQ(l.portSlot(mm.dendrites), 1u); // elements at 1..4
  EXPECT_EQ(l.portElements(mm.dendrites), 4u);
  EXPECT_EQ(l.portSlot(mm.current), 5u);
  EXPECT_EQ(l.portSlots, 6u);
}

TEST(StateLayout, CellEncodings) {
  MixedModel mm;
  StateLayout l = layoutOf(*mm.model);
  EXPECT_EQ(l.encoding(mm.V), CellEncoding::Real64);
  EXPECT_EQ(l.encoding(mm.w), CellEncoding::Real64);
  EXPECT_EQ(l.encoding(mm.count), CellEncoding::Int64);
  EXPECT_EQ(l.encoding(mm.trace), CellEncoding::Int64);
  EXPECT_EQ(l.encoding(mm.arg), CellEncoding::Int64);
  EXPECT_EQ(l.encoding(mm.refractory), CellEncoding::Bool);
  // float32 values are held widened in a double cell.
  EXPECT_EQ(l.encoding(mm.V_f32), CellEncoding::Real64);
  EXPECT_FALSE(l.isFixedRaw(mm.V_f32));
  // Fixed point: the raw integer, with its format.
  EXPECT_EQ(l.encoding(mm.I_fx), CellEncoding::FixedRaw);
  EXPECT_TRUE(l.isFixedRaw(mm.I_fx));
  EXPECT_EQ(l.vars[mm.I_fx].fixed, Precision::fixed(16, 16));
  EXPECT_STREQ(cellEncodingName(l.encoding(mm.I_fx)), "fixed_raw");
}

TEST(StateLayout, FixedModelPrecisionAndEmptyModel) {
  // A model whose semantics say fixed(Q8.8): every real is a raw Q8.8 cell,
  // integers and booleans keep their encodings.
  Model m;
  m.semantics.precision = Precision::fixed(8, 8, Rounding::Floor, Overflow::Wrap);
  Builder b(m);
  VarId v = b.addVariable("v", VarRole::State, b.realType(unit("mV")));
  VarId n = b.addVariable("n", VarRole::State, b.intType());
  VarId s = b.addVariable("s", VarRole::State, b.boolType());
  StateLayout l = layoutOf(m);
  EXPECT_EQ(l.encoding(v), CellEncoding::FixedRaw);
  EXPECT_EQ(l.vars[v].fixed, Precision::fixed(8, 8, Rounding::Floor, Overflow::Wrap));
  EXPECT_EQ(l.encoding(n), CellEncoding::Int64);
  EXPECT_EQ(l.encoding(s), CellEncoding::Bool);
  EXPECT_EQ(l.rowSize, 3u);
  EXPECT_EQ(l.portSlots, 0u);

  StateLayout empty = layoutOf(Model{});
  EXPECT_EQ(empty.rowSize, 0u);
  EXPECT_EQ(empty.portSlots, 0u);
  EXPECT_TRUE(empty.vars.empty());
  EXPECT_TRUE(empty.ports.empty());
}

TEST(StateLayout, EncodingOfTypes) {
  EXPECT_EQ(cellEncodingOf(Type::real()), CellEncoding::Real64);
  EXPECT_EQ(cellEncodingOf(Type::real({}, Precision::f32())), CellEncoding::Real64);
  EXPECT_EQ(cellEncodingOf(Type::real({}, Precision::fixed(4, 12))), CellEncoding::FixedRaw);
  EXPECT_EQ(cellEncodingOf(Type::integer()), CellEncoding::Int64);
  EXPECT_EQ(cellEncodingOf(Type::boolean()), CellEncoding::Bool);
}
