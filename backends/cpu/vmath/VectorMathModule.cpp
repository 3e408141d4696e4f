//===- VectorMathModule.cpp - nsc's vector math as an LLVM IR module ------===//
//
// Not part of any library: the build compiles this file with clang to LLVM
// IR (backends/cpu/CMakeLists.txt) and embeds the text; the cpu backend links
// the functions a model calls into its module, internal and always-inline,
// so the loop vectoriser sees straight-line arithmetic instead of a call.
// Same header, same operations, same bits as the interpreter's.
//
//===----------------------------------------------------------------------===//
#define NSC_VM_FN extern "C"
#include "nsc/runtime/VectorMath.h"
