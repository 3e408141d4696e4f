//===- CommonSubexpressions.h - Compute repeated expressions once -*- C++ -*-===//
//
// Within the statements of the update block, the receive and condition
// handlers and the functions, an expression computed two or more times with
// no write to anything it reads in between is computed once into a new
// local (`%cse0`), declared right before the statement of its first use;
// the other uses read the local. When the first computation is the whole
// initial value of a local declaration, that local is reused instead.
//
// The floating-point result is unchanged bit for bit (docs/semantics.md
// R25-R29): only identical trees are merged — same operations, same operand
// order, same constants bit for bit, same types including precision — and
// nothing is reassociated or simplified. Only pure expressions are merged
// (no random draw, print or user function call, R33). A value is computed
// into a local only from a place where it was computed unconditionally
// (not from a `?:` arm, the right operand of `and`/`or`, or a nested block);
// a later use may be anywhere, nested blocks included. A statement that
// calls a user function (which may write state), `integrate_odes` (writes
// the state), loops (bodies run repeatedly) and unknown statements end
// what is available as the IR semantics demand.
//
// ODE right-hand sides, kernels, inline expressions, initial values,
// guards, `onCondition` conditions and the `prepare` block are not touched:
// the ODE passes want to see those as written.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"

namespace nsc::passes {

class CommonSubexpressionsPass : public Pass {
public:
  const char *name() const override { return "cse"; }
  const char *description() const override {
    return "compute repeated pure expressions of straight-line code once, into locals";
  }
  bool run(ir::Module &module, PassContext &ctx) override;
};

} // namespace nsc::passes
