//===- Jit.h - Optimise, compile, cache and load generated code -*- C++ -*-===//
//
// The cpu backend's code path after code generation:
//   optimise (PassBuilder O3 with the host TargetMachine, so the loop and SLP
//   vectorizers know the vector width) -> compile to an object
//   -> load it into an ORC LLJIT in this process.
// Compiled objects are cached in memory (per JitEngine) and on disk, keyed
// by a hash of the unoptimised module's text, the target triple, CPU name
// and features, the optimisation level and the nsc version, so a second run
// of an unchanged model compiles nothing (it loads the cached object).
// The cache directory is $NSC_CACHE_DIR, else $XDG_CACHE_HOME/nsc, else
// ~/.cache/nsc; a cache that cannot be written is silently skipped (the run
// still works), a corrupt entry is recompiled.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace nsc::cpu {

/// The host's TargetMachine (triple, CPU name and features of this machine,
/// CodeGenOptLevel::Aggressive, no FP contraction, no fast-math).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine();

/// Runs the O3 pipeline on `module` with `tm` (the module's data layout and
/// triple are set from tm first).
void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm);

enum class OutputKind { Object, Assembly };
/// Writes `module` (already optimised) as an object file or assembly text.
llvm::Error emitModule(llvm::Module &module, llvm::TargetMachine &tm, OutputKind kind,
                       llvm::raw_pwrite_stream &out);

/// Where a compile came from, for --stats and tests.
enum class CacheOutcome { Compiled, MemoryHit, DiskHit };

class JitEngine {
public:
  /// An LLJIT for the host with the process's symbols and nsc's support
  /// routines (StepABI.h) resolvable from generated code.
  static llvm::Expected<std::unique_ptr<JitEngine>> create();
  ~JitEngine();

  /// Optimises, compiles (or finds in a cache) and loads `module`, returning
  /// how it was obtained. The symbols it defines can then be looked up.
  /// Adding a module whose key was already added to this engine is a
  /// MemoryHit and loads nothing new.
  llvm::Expected<CacheOutcome> addModule(std::unique_ptr<llvm::Module> module,
                                         std::unique_ptr<llvm::LLVMContext> context);
  /// The address of a symbol defined by an added module.
  llvm::Expected<void *> lookup(llvm::StringRef name);

  /// The cache directory in use ("" when disk caching is off).
  const std::string &cacheDirectory() const;

private:
  JitEngine();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace nsc::cpu
