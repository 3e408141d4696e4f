//===- LifStructure.h - Recognising a current-based LIF in the IR -*- C++ -*-===//
//
// What the mapping needs to know about a model, found from the structure of
// its IR in ODE form (after inline-expressions, lower-kernels,
// fold-constants; before solve-odes), never from names. The expressions
// point into the model; the mapping evaluates them per neuron.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"

#include <optional>
#include <vector>

namespace nsc::loihi {

struct LifStructure {
  ir::VarId V = ir::kNoVar;              // the membrane variable
  ir::ExprPtr leak;                      // coefficient a of V in V' (1/ms)
  ir::ExprPtr drive;                     // constant part b of V' (unit of V / ms); null for 0
  struct Current {
    ir::VarId var = ir::kNoVar;
    ir::ExprPtr rate;                    // lambda in x' = lambda * x (1/ms)
    ir::ExprPtr gain;                    // coefficient c of x in V'
  };
  std::vector<Current> currents;
  /// A spike port adds `factor * port` to currents[current], or, for
  /// current == kToVoltage, jumps V by it (a delta synapse). `factor` is
  /// the product of the unit conversions around the port; `scale` the
  /// constant expressions it is multiplied by (NESTML 8's `* pA * s`),
  /// divisors the ones it is divided by: the mapping evaluates them per
  /// population and folds them into the weights.
  static constexpr size_t kToVoltage = SIZE_MAX;
  struct PortInput {
    uint32_t port = 0;
    size_t current = 0;
    double factor = 1;
    std::vector<const ir::Expr *> scale, divisors;
    SourceRange loc; // the handler's statement
    bool toVoltage() const { return current == kToVoltage; }
  };
  std::vector<PortInput> portInputs;
  std::vector<uint32_t> continuousPorts; // read by V' (must stay unconnected)
  const ir::Expr *threshold = nullptr;   // V > threshold (or >=)
  bool inclusive = false;                // `>=`
  const ir::Expr *reset = nullptr;       // V = reset in the spike block
  ir::VarId counter = ir::kNoVar;        // refractory counter, or none
  const ir::Expr *counterReset = nullptr; // counter = ... in the spike block
  /// The counter is a real-valued timer (NESTML 8's `refr_t`: the time left,
  /// `refr_t <= 0 ms` in the spike condition) rather than an integer step
  /// count. It runs down either by its ODE (`refr_t' = -1`, integrated in
  /// the refractory branch: timerRate is the right-hand side, per ms) or by
  /// a statement there (`refr_t -= resolution()`: timerDecrement).
  bool timer = false;
  const ir::Expr *timerRate = nullptr;
  const ir::Expr *timerDecrement = nullptr;

  const Current *currentFor(ir::VarId v) const {
    for (const Current &c : currents)
      if (c.var == v)
        return &c;
    return nullptr;
  }
};

/// The structure of `model`, or nullopt after a diagnostic at the construct
/// that prevents mapping it to a Loihi compartment.
std::optional<LifStructure> recogniseLif(ir::Model &model, DiagnosticEngine &diags);

} // namespace nsc::loihi
