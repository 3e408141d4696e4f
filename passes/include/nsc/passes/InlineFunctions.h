//===- InlineFunctions.h - Replace user function calls by their bodies -*- C++ -*-===//
//
// Replaces a call of a user function whose body is "local declarations, then
// `return expr`" by that expression, with the arguments and locals
// substituted, so later passes (ODE classification, folding, CSE) see the
// whole computation. Everything else a call does is kept exactly:
//  - each argument and each local of the function is evaluated once, in the
//    same order relative to every random draw and print (R33: random calls
//    consume the stream in execution order); a value is copied into the
//    expression only when it is pure and either a leaf (constant, variable,
//    port) or used at most once;
//  - otherwise the value is bound to a fresh local declared right before
//    the statement holding the call. That is done only where the call is
//    evaluated unconditionally by an assignment, declaration, return,
//    call statement, emit_spike or `if` condition, and nothing else in that
//    statement conflicts (a call of a function that writes variables; when
//    a moved value draws or prints, any other draw or print); elsewhere (loop
//    bounds, `while` conditions, `?:` arms, initial values, ODEs) the call
//    is inlined only when no binding is needed;
//  - floating-point operations are neither added, removed nor reordered.
// A function that assigns anything, has other statements, calls a function
// that is not inlined, or is recursive (directly or through others) is left
// alone, as are calls whose arguments call user functions (a function may
// write state, so moving its call would reorder writes and reads).
// Callees are inlined into their callers first. A function whose calls were
// all inlined, and that nothing else calls, is removed with its arguments
// and locals.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"

namespace nsc::passes {

class InlineFunctionsPass : public Pass {
public:
  const char *name() const override { return "inline-functions"; }
  const char *description() const override {
    return "replace calls of single-expression user functions by their bodies";
  }
  bool run(ir::Module &module, PassContext &ctx) override;
};

} // namespace nsc::passes
