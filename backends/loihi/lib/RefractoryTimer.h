//===- RefractoryTimer.h - A NESTML 8 refractory timer in whole steps -*- C++ -*-===//
//
// NESTML 8 models count refractoriness as a time left (`refr_t' = -1`,
// `refr_t -= resolution()`), Loihi as a number of steps. The number of
// steps the float model holds its voltage is decided by floating-point
// rounding when the period is a whole number of steps (2 ms - 20 x 0.1 ms
// is -6e-16, not 0), so it is not computed from the period: the model's own
// solved update (the solver and operations cpu and interp run) is executed
// for one neuron until the timer reaches 0.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/support/Diagnostics.h"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace nsc::loihi {

/// For each start value of `timer`, the number of steps in which the
/// model's update finds the timer positive (the steps its refractory branch
/// runs), capped at `cap + 1`. `odeModel` is in ODE form; `parameters` the
/// population's uniform parameter values. Nullopt after a diagnostic (a
/// model the solver rejects).
std::optional<std::vector<int64_t>> timerHoldSteps(const ir::Model &odeModel,
                                                   const std::map<ir::VarId, double> &parameters,
                                                   ir::VarId timer, const std::vector<double> &starts,
                                                   double dtMs, int64_t cap, DiagnosticEngine &diags);

} // namespace nsc::loihi
