//===- InlineExpressions.h - Expand `inline` expressions --------*- C++ -*-===//
//
// Replaces every use of an `inline NAME TYPE = rhs` (an InlineRef) by a copy
// of its right-hand side, with the inlines it uses expanded in turn, so
// later passes (ODE classification, folding) see the whole expression.
// A `recordable` inline, or one a network recorder names, keeps its
// definition (now fully expanded) so recorders still find it; the others
// are removed once nothing refers to them. Sema rejects cyclic inlines; a
// cycle that still reaches this pass is reported as an internal error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"

namespace nsc::passes {

class InlineExpressionsPass : public Pass {
public:
  const char *name() const override { return "inline-expressions"; }
  const char *description() const override {
    return "replace uses of inline expressions by their right-hand sides";
  }
  bool run(ir::Module &module, PassContext &ctx) override;
};

} // namespace nsc::passes
