//===- CpuBackend.h - Compiled models for the network runtime ---*- C++ -*-===//
//
// --target=cpu: each model of a network becomes one LLVM step function
// (ModelCodegen), optimised for this machine and JIT-compiled in-process
// (Jit), with compiled objects cached in memory and on disk. The kernels
// plug into the network runtime (nsc/network/Simulation.h), so a network
// runs exactly as in the interpreter, bit for bit in float64.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/network/PopulationKernel.h"
#include "nsc/network/SynapseKernel.h"

#include <cstdint>
#include <string>

namespace nsc::cpu {

/// What compiling took, for --stats and the embedding API.
struct CompileStats {
  double codegenMs = 0;  // IR -> LLVM IR
  double jitMs = 0;      // optimise + compile + load (or load from a cache)
  unsigned models = 0;
  unsigned synapseModels = 0; // of `models`: synapse models compiled (SynapseKernel)
  unsigned compiled = 0, memoryHits = 0, diskHits = 0;
  std::string cacheDirectory;
};

/// Kernels that run each model as JIT-compiled code. `stats` (optional)
/// accumulates compile figures and must outlive the factory's use.
network::KernelFactory cpuKernels(CompileStats *stats = nullptr);

/// Kernels that run each synapse model's code (update, onReceive handlers,
/// functions, emit_spike(w, d)) as JIT-compiled code on the interpreter's
/// scratch row; a model it cannot compile gives null and the reason.
network::SynapseKernelFactory cpuSynapseKernels(CompileStats *stats = nullptr);

/// --emit=llvm|asm|obj: the optimised module of every neuron model of
/// `module` used by a network (or all neuron models), as LLVM IR text,
/// assembly text or an object file's bytes. False with `error` set on failure.
enum class EmitKind { LLVMIR, Assembly, Object };
bool emitModule(const ir::Module &module, EmitKind kind, std::string &out, std::string &error);

} // namespace nsc::cpu
