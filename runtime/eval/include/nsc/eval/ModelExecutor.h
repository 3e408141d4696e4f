//===- ModelExecutor.h - Run one model's IR for one neuron ------*- C++ -*-===//
//
// Evaluates expressions and statements of a model (after solve-odes) on
// one neuron's row of values. Reals are float64, or float32 where their
// type says so (every result rounded to binary32, R25); integers int64.
// Fixed-point reals (R28-R31) are stored as their raw integer in Value::i
// and computed with nsc/ir/FixedPoint.h (FixedEval.cpp); start-up code
// (initial values through evalAs/store, the prepare block) computes in
// float64 and converts each stored value once, nearest-even saturating.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/ir/StateLayout.h"
#include "nsc/numerics/MatrixExponential.h"
#include "nsc/runtime/Random.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nsc::eval {

union Value {
  double r;
  int64_t i;
  bool b;
};

/// What one neuron sees while it runs (phase inputs and outputs). Its
/// values live in columns (structure of arrays, the network engine's
/// layout): slot s of this neuron is row[s * stride], port slot p is
/// portValue[p * stride]. A lone row has stride 1.
struct NeuronFrame {
  Value *row = nullptr;
  const double *portValue = nullptr;   // per port element (spike sums, continuous values)
  size_t stride = 1;
  Value &cell(size_t slot) { return row[slot * stride]; }
  double port(size_t slot) const { return portValue[slot * stride]; }
  uint64_t neuron = 0;
  uint64_t step = 0;
  double tMs = 0;
  /// Neuron-model random numbers (stream 1), created on the first draw.
  std::optional<runtime::RandomStream> rng;
  runtime::PhiloxKey rngKey{};
  bool spiked = false;
  std::vector<double> emitArgs; // emit_spike(w, d) of a synapse model
};

class ModelExecutor {
public:
  ModelExecutor(const ir::Model &model, double dtMs);

  const ir::Model &model() const { return m_; }
  /// The model's state layout (ir::layoutOf); the accessors below forward
  /// to it.
  const ir::StateLayout &layout() const { return layout_; }
  /// Values per neuron (variables, vector elements and locals).
  unsigned rowSize() const { return layout_.rowSize; }
  unsigned slotOf(ir::VarId v) const { return layout_.slot(v); }
  /// Port element slots: port p's element e is portSlot(p) + e.
  unsigned portSlots() const { return layout_.portSlots; }
  unsigned portSlot(uint32_t p) const { return layout_.portSlot(p); }

  Value eval(const ir::Expr &e, NeuronFrame &f);
  double evalReal(const ir::Expr &e, NeuronFrame &f);
  /// e's value as a value of type `to` (an integer read as a real, a real
  /// rounded to the precision of `to`): what an assignment stores.
  Value evalAs(const ir::Expr &e, const ir::Type &to, NeuronFrame &f);
  /// Runs a block; false when a `return` left it.
  bool exec(const ir::Block &b, NeuronFrame &f);
  /// A stored value of type t as a double (fixed point: raw·2^-n).
  static double asDouble(const ir::Type &t, Value v);
  /// A value of type t is a fixed-point raw integer (ir::CellEncoding::FixedRaw).
  static bool isFixed(const ir::Type &t);

  /// Writes v (a real given in float64) into the variable, in its type.
  void store(ir::VarId v, double value, NeuronFrame &f, uint64_t element = 0);

  /// Run-time warnings (IR warning() calls, loop guards) with their counts.
  std::map<std::string, uint64_t> &warnings() { return warnings_; }
  /// Set when execution hit an error (a runaway loop); the run stops.
  const std::string &fatal() const { return fatal_; }

private:
  // eval by expression kind.
  Value evalUnary(const ir::Unary &u, NeuronFrame &f);
  Value evalLogical(const ir::Binary &b, NeuronFrame &f); // and, or, comparisons
  Value evalComparison(const ir::Binary &b, NeuronFrame &f);
  Value evalIntArithmetic(const ir::Binary &b, NeuronFrame &f);
  Value evalCast(const ir::Cast &c, NeuronFrame &f);
  Value call(const ir::Call &c, NeuronFrame &f);
  Value callFunction(const ir::Call &c, NeuronFrame &f);
  double real(double v, const ir::Type &t) const;
  Value evalFixed(const ir::Expr &e, NeuronFrame &f);
  /// A float64 start-up value stored into type t (R31 for fixed point).
  Value fromDouble(const ir::Type &t, double x);
  /// v (of type `from`) as a value of type `to`: what an assignment in
  /// run-time code stores.
  Value coerce(Value v, const ir::Type &from, const ir::Type &to);
  runtime::RandomStream &rng(NeuronFrame &f);
  uint64_t elementIndex(const ir::Expr *index, uint32_t size, NeuronFrame &f);

  const ir::Model &m_;
  double dt_;
  ir::StateLayout layout_;
  std::map<std::string, uint64_t> warnings_;
  struct PropagatorMemo {
    bool valid = false;
    numerics::Matrix A, P, M;
  };
  std::map<const ir::ComputePropagator *, PropagatorMemo> propagatorMemo_;
  std::string fatal_;
  Value returned_{};
  unsigned depth_ = 0;
  /// Evaluating start-up code (initial values, prepare): float64 throughout.
  bool startup_ = false;
};

} // namespace nsc::eval
