//===- DeadCodeElimination.h - Remove unused definitions --------*- C++ -*-===//
//
// Removes what can never influence the model's behaviour or what a user can
// observe:
//  - internals that nothing reads and that are not recordable;
//  - locals that nothing reads (and are not recordable): their declaration
//    and every assignment to them, provided the values assigned have no
//    effect (no random draw, print or user function call);
//  - inline expressions that nothing refers to, are not recordable and no
//    recorder names.
// It repeats until nothing more goes (a removed local may have been the
// only reader of another). It never removes parameters (the model's
// interface) nor state variables (NESTML lets every state variable be
// recorded), nor anything a network sets or records.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"

namespace nsc::passes {

class DeadCodeEliminationPass : public Pass {
public:
  const char *name() const override { return "dce"; }
  const char *description() const override {
    return "remove unused internals, locals, dead local assignments and inlines";
  }
  bool run(ir::Module &module, PassContext &ctx) override;
};

} // namespace nsc::passes
