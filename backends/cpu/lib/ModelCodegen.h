//===- ModelCodegen.h - LLVM IR for a neuron model's step -------*- C++ -*-===//
//
// Generates, for one neuron model (after the default pass pipeline: no ODEs,
// no kernels, no inlines left), the step function of StepABI.h:
//
//   extern "C" uint32_t nsc_step_<symbol>(const nsc_step_args *args);
//
// It computes, bit for bit, what the reference interpreter
// (backends/interp, ModelExecutor) computes for every neuron of the range:
// the same operations in the same order and types (float32 results rounded
// after every real operation, R25), no fast-math flags, no contraction, the
// same C library functions for elementary functions (called `nobuiltin`, so
// LLVM cannot replace pow(x, 2.0) by x*x or fold them differently), the same
// integer wrapping, division-by-zero, shift and conversion rules.
//
// Shape of the generated code (for the vectorizer):
//   - the exported entry reads the column pointers out of the args and calls
//     an internal, noinline loop function taking one `noalias` pointer per
//     column it uses;
//   - per neuron the loop loads every used cell into an alloca, runs the
//     blocks on the allocas, and stores every written cell back
//     unconditionally at the end (so SROA turns branches into selects and
//     the loop vectorizer can run), writes spiked[i] unconditionally and
//     OR-reduces a non-finite flag over the real State variables;
//   - locals and function arguments are allocas; user functions become
//     internal LLVM functions (non-recursive ones always inlined) that take
//     pointers to the variables they reach.
//
// `prepare` (compute_propagator) is not compiled here: the runtime runs it
// with the interpreter. Anything the generator cannot compile (fixed-point
// precision, synapse models, emit_spike with arguments, constructs the
// passes should have removed) gives an llvm::Error naming the construct.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace nsc::cpu {

/// "nsc_step_" + symbol: the exported name of a model's step function.
std::string stepFunctionName(const std::string &symbol);

/// Generates the (unoptimised) module holding `nsc_step_<symbol>` for
/// `model`, stepping with `dtMs` (the network's dt: the value of
/// resolution() and the divisor of steps()). The module has no target
/// triple or data layout yet; Jit.h's optimizeModule sets them.
/// `uniform` (by VarId, may be empty): parameters and internals with one
/// value for the whole population; those the step never writes are read
/// once per call from nsc_step_args::uniforms, so the loop neither loads
/// their columns nor keeps them in registers per neuron.
llvm::Expected<std::unique_ptr<llvm::Module>>
generateStepFunction(const ir::Model &model, double dtMs, const std::string &symbol,
                     llvm::LLVMContext &ctx, const std::vector<bool> &uniform = {});

} // namespace nsc::cpu
