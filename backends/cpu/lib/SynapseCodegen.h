//===- SynapseCodegen.h - LLVM IR for a synapse model's code ----*- C++ -*-===//
//
// Generates, for one synapse model (after the default pass pipeline), the
// two functions of StepABI.h's synapse ABI:
//
//   uint32_t nsc_step_<symbol>_synapse(nsc_synapse_args *);   update + handlers
//   uint32_t nsc_step_<symbol>_catchup(row, from, to, synapse, rt, zeroPorts);
//
// They work on the ModelExecutor's scratch row, so the network runtime
// (ModelSynapses) keeps its storage, lazy updates and delivery, and computes
// with them, bit for bit, what the interpreter computes: the same emitters
// as neuron code (ExprCodegen, StmtCodegen, user functions), the row's cells
// as storage. What the generator cannot compile gives an llvm::Error naming
// the construct; the runtime then interprets the model and says so.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace nsc::cpu {

/// stepFunctionName(symbol) + "_synapse" and + "_catchup".
std::string synapseFunctionName(const std::string &symbol);
std::string catchUpFunctionName(const std::string &symbol);

/// The (unoptimised) module with both functions for `model`, stepping
/// with `dtMs`.
llvm::Expected<std::unique_ptr<llvm::Module>> generateSynapseFunctions(const ir::Model &model, double dtMs,
                                                                       const std::string &symbol,
                                                                       llvm::LLVMContext &ctx);

} // namespace nsc::cpu
