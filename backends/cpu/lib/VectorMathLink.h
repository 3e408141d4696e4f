//===- VectorMathLink.h - Link nsc's vector math into a model module -*- C++ -*-===//
//
// Generated code calls nsc_vm_exp, nsc_vm_log, ... (runtime/include/nsc/
// runtime/VectorMath.h). linkVectorMath adds the definitions of those it
// calls, from the LLVM IR the build compiled from that header, with internal
// linkage and alwaysinline, so that they are inlined into the neuron loop
// and vectorised with it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace nsc::cpu {

/// The embedded IR (cmake/EmbedFiles.cmake): one entry, nsc_vector_math.ll.
const std::vector<std::pair<std::string, std::string>> &vectorMathIR();

/// True for the names of the library's public functions.
bool isVectorMathFunction(llvm::StringRef name);

/// Defines every nsc_vm_* function `module` declares.
llvm::Error linkVectorMath(llvm::Module &module);

} // namespace nsc::cpu
