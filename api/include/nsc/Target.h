//===- Target.h - What executes a simulation --------------------*- C++ -*-===//
#pragma once

#include "nsc/Export.h"

namespace nsc {

/// What executes the models of a simulation.
enum class Target {
  /// LLVM code generated for this machine, JIT-compiled in-process. float64
  /// results are bit-identical to the interpreter's.
  Cpu,
  /// The reference interpreter: slow, the correctness oracle.
  Interp,
};

/// "cpu" or "interp".
NSC_API const char *targetName(Target target);

/// True when `target` is part of this build of the library.
NSC_API bool targetAvailable(Target target);

} // namespace nsc
