//===- Interpreter.h - The reference interpreter (--target=interp) -*- C++ -*-===//
//
// Runs a module after the default pass pipeline, in float64 (float32 where a
// model asks for it), by walking the IR (ModelExecutor). Plugged into the
// network runtime (nsc/network/Simulation.h) as a population kernel, it
// gives the full execution semantics of docs/semantics.md: networks,
// delays, sources, recorders, the counter-based random numbers. It is the
// oracle the compiled backends are tested against: slow is fine, wrong is
// not.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/network/PopulationKernel.h"

namespace nsc::interp {

/// Kernels that run each model's IR with the interpreter.
network::KernelFactory interpreterKernels();

} // namespace nsc::interp
