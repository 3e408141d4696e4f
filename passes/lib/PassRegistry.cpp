//===- PassRegistry.cpp - Every pass nsc knows, by name -------------------===//
//
// An explicit table rather than static registration objects: the order is
// the one --list-passes shows, and nothing depends on link order.
//
//===----------------------------------------------------------------------===//
#include "nsc/passes/CommonSubexpressions.h"
#include "nsc/passes/DeadCodeElimination.h"
#include "nsc/passes/FoldConstants.h"
#include "nsc/passes/InlineExpressions.h"
#include "nsc/passes/InlineFunctions.h"
#include "nsc/passes/LowerKernels.h"
#include "nsc/passes/Quantize.h"
#include "nsc/passes/SolveOdes.h"
#include "nsc/passes/PassManager.h"

namespace nsc::passes {

template <class P> static PassInfo entry() {
  P probe;
  return {probe.name(), probe.description(), [] { return std::make_unique<P>(); }};
}

const std::vector<PassInfo> &registeredPasses() {
  static const std::vector<PassInfo> passes = {
      entry<InlineExpressionsPass>(),
      entry<LowerKernelsPass>(),
      entry<SolveOdesPass>(),
      entry<FoldConstantsPass>(),
      entry<DeadCodeEliminationPass>(),
      entry<InlineFunctionsPass>(),
      entry<CommonSubexpressionsPass>(),
      entry<QuantizePass>(),
  };
  return passes;
}

const PassInfo *findPass(const std::string &name) {
  for (const PassInfo &p : registeredPasses())
    if (p.name == name)
      return &p;
  return nullptr;
}

std::vector<std::string> defaultPipeline() {
  // Inlining first exposes convolutions to kernel lowering and constants to
  // folding; folding before solve-odes lets constant systems get literal
  // propagators; folding (with parameter propagation on) and the solver
  // leave dead internals and locals for DCE. quantize comes last: it checks
  // fixed-point models in their final form (and leaves float models alone).
  return {"inline-expressions", "lower-kernels", "fold-constants", "solve-odes", "dce", "quantize"};
}

} // namespace nsc::passes
