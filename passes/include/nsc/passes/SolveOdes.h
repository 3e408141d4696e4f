//===- SolveOdes.h - ODE classification, solver choice, lowering -*- C++ -*-===//
//
// Replaces every `integrate_odes(...)` by plain statements that advance its
// variables by one step dt (docs/semantics.md R10), with the model's
// `solver`:
//  - exact:     the linear constant-coefficient part x' = A·x + b gets
//               x ← P·x + M·b, P = exp(A·dt), M = ∫exp(A·s)ds (numerics/).
//               Constant A: P and M are literals computed now. A that reads
//               parameters: P and M are internal variables written by a
//               ComputePropagator in the model's `prepare` block.
//  - exp_euler: each variable x with x' = a·x + b (a, b may read the other
//               variables, frozen at the start of the step) gets
//               x ← x + (a·x + b)·(e^{a·dt} − 1)/a.
//  - euler, rk4: the classic fixed-step methods over one dt.
//  - rk45:      Dormand–Prince 5(4) with error control inside the step
//               (rk45_rtol, rk45_atol), substeps adapted in a loop.
//  - auto:      per call, exact for the largest closed linear part; the rest
//               with rk45 (rk4 in fixed point), as NEST/NESTML do: what is
//               left reads variables that move within the step, which
//               exp_euler would freeze (docs/solvers.md). In a mixed system the
//               numeric part integrates its own copies of the exact
//               variables it reads, so the coupling is as accurate as the
//               integrator, and the exact variables then take their exact
//               values.
// The choice per variable and its reason go to the log with
// --explain-solvers. Afterwards the model has no ODEs left: `update:` is
// the complete step function. Run after lower-kernels.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"

namespace nsc::passes {

class SolveOdesPass : public Pass {
public:
  const char *name() const override { return "solve-odes"; }
  const char *description() const override {
    return "classify ODEs, choose solvers and lower integrate_odes to a per-step update";
  }
  bool run(ir::Module &module, PassContext &ctx) override;
};

} // namespace nsc::passes
