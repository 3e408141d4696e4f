//===- LowerKernels.h - kernel + convolve to state variables ----*- C++ -*-===//
//
// Every `convolve(K, port)` becomes state variables with linear ODEs that
// jump when a spike arrives (docs/semantics.md R7, R10):
//  - a kernel written as a function of t that is a sum of terms
//    c·t^p·exp(a·t) (exponential, alpha, beta, ... kernels) gets, per
//    distinct rate a, a chain z_0..z_P with z_0' = a·z_0,
//    z_j' = a·z_j + z_{j−1}; a spike of weight w adds w to z_0, so that
//    z_j = w·t^j/j!·e^{a·t} and the convolution is Σ c·p!·z_p;
//  - a kernel given as an ODE system (`kernel g' = ...` with initial values
//    in `state:`) gets a copy of its variables per port; a spike adds
//    w·(initial value) to each;
//  - `delta(t)` makes the variable whose ODE contains the convolution jump
//    by (its coefficient)·w, and is removed from the right-hand side.
// The jumps run in an on_receive handler of the highest priority, so they
// follow `update:` and precede every user handler (R7). Named
// `integrate_odes(...)` calls also advance the new variables (R10).
//
// Run after inline-expressions (convolutions hide in inlines).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"

namespace nsc::passes {

class LowerKernelsPass : public Pass {
public:
  const char *name() const override { return "lower-kernels"; }
  const char *description() const override {
    return "turn kernel + convolve into state variables with jumps on spike arrival";
  }
  bool run(ir::Module &module, PassContext &ctx) override;
};

} // namespace nsc::passes
