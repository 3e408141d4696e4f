//===- Compiler.h - Compiling model sources into an nsc::Model --*- C++ -*-===//
//
//   nsc::Compiler compiler;                       // target cpu, 1 thread
//   nsc::Model model = compiler.compileFile("examples/cuba.nrn");
//   nsc::Simulation sim = model.simulate();        // the file's network
//
// A Compiler is a small value holding options; compiling runs the same
// front end (parse, imports, units, sema, lowering, IR verifier) and the
// same pass pipeline as the `nsc` command line, so a model compiles and
// runs identically from both. Failures throw nsc::CompileError carrying
// every diagnostic (see Error.h); warnings do not throw and are kept in
// Model::warnings().
//
// Code generation for the cpu target happens when a simulation is built
// (Model::simulate): models are JIT-compiled then, with the compiled code
// cached in memory and on disk (~/.cache/nsc or $NSC_CACHE_DIR), so a
// second simulation of an unchanged model compiles nothing.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/Export.h"
#include "nsc/Model.h"
#include "nsc/Target.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nsc {

/// The library's version, "MAJOR.MINOR.PATCH".
NSC_API const char *version();

struct CompilerOptions {
  /// Directories searched for `import`s after the importing file's own
  /// folder (the command line's -I).
  std::vector<std::string> includeDirs;
  /// What simulations of the compiled model run on.
  Target target = Target::Cpu;
  /// Worker threads that share the neuron updates of each step (>= 1).
  unsigned threads = 1;
  /// The IR pass pipeline, as `nsc --passes=`: a comma-separated list of
  /// pass names, or empty for the default pipeline. Executing needs the
  /// ODEs solved: a custom pipeline must include solve-odes.
  std::string passes;
  /// Substitute parameters that have constant values (`nsc
  /// --propagate-parameters`). Faster code, but Simulation::set() can then
  /// no longer change those parameters' effect.
  bool propagateParameters = false;
  /// The time step of every model and network in ms (`nsc --dt`), set
  /// after all `semantics:` blocks merged (docs/semantics.md R36); 0: the
  /// blocks' own dt. Must be finite and positive when set.
  double dtMs = 0;
  /// Treat warnings as errors (`nsc --Werror`).
  bool warningsAsErrors = false;
  /// simulate()/simulateModel() refuse (SimulationError naming the
  /// estimate and its largest part) a network whose estimated memory
  /// exceeds this many bytes; 0: the memory this process may still use
  /// (MemAvailable, ulimit -v/-d, the cgroup's memory.max), as `nsc
  /// --max-memory` (docs/reliability.md).
  uint64_t maxMemoryBytes = 0;
};

class NSC_API Compiler {
public:
  Compiler() = default;
  explicit Compiler(CompilerOptions options) : options_(std::move(options)) {}

  CompilerOptions &options() { return options_; }
  const CompilerOptions &options() const { return options_; }

  /// Compiles a .nrn or .nestml file and, transitively, what it imports.
  /// Throws CompileError when the file cannot be read or is rejected, and
  /// ArgumentError for invalid options (unknown pass, threads == 0, a target
  /// missing from this build).
  Model compileFile(const std::string &path) const;

  /// Compiles source text held in memory. `name` is the file name used in
  /// diagnostics; relative imports are resolved against its folder (the
  /// current directory for a bare name) and then the include directories.
  Model compileString(const std::string &source, const std::string &name = "input.nrn") const;

private:
  CompilerOptions options_;
};

} // namespace nsc
