//===- FoldConstants.h - Constant folding and propagation -------*- C++ -*-===//
//
// Evaluates operations whose operands are constants: arithmetic,
// comparisons, logic, bitwise operations, select, unit conversions and
// casts. The result is exactly what a backend computes at run time:
//  - a node is folded in its own precision: f64 in double, f32 by rounding
//    each operand and the result to float; fixed-point values are left
//    alone (their rounding belongs to the quantization pass);
//  - one IEEE operation per node, no reassociation, no FMA contraction;
//  - `**` only where every IEEE implementation agrees (exponents 0, 1, 2,
//    -1, 0.5); calls of exp, sin, ... are not folded (libm results differ
//    between CPU and GPU);
//  - integer operations that would overflow, divide by zero, or whose
//    remainder sign is implementation specific are left alone.
// `if`/`while` statements with a constant condition lose their dead branch.
//
// With PassOptions::propagateParameters, reads of scalar parameters and
// internals whose initial value folds to a constant are replaced by it,
// unless a network population or synapse sets them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"

namespace nsc::passes {

class FoldConstantsPass : public Pass {
public:
  const char *name() const override { return "fold-constants"; }
  const char *description() const override {
    return "fold constant expressions (IEEE, in each node's precision); with "
           "--propagate-parameters also substitute constant parameters";
  }
  bool run(ir::Module &module, PassContext &ctx) override;
};

/// Folds the tree rooted at `slot` in place (no propagation); returns the
/// number of nodes folded. For tests and other passes.
unsigned foldConstantsInTree(ir::ExprPtr &slot);

} // namespace nsc::passes
