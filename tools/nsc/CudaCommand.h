//===- CudaCommand.h - nsc FILE --target=cuda -------------------*- C++ -*-===//
//
//   nsc FILE --emit=cuda [--network NAME]          prints the generated .cu
//   nsc FILE --target=cuda -o DIR [run options]    writes the .cu, the fixed
//       runtime files, the host driver, the network image and a README
//   nsc FILE --target=cuda --run=DURATION [...]    compiles with NVRTC and
//       runs on the GPU (only in builds that found CUDA; docs/cuda.md)
//
//===----------------------------------------------------------------------===//
#pragma once

#include "RunCommand.h"

#include "nsc/frontend/CompilerSession.h"

#include <string>

namespace nsc::driver {

struct TargetRun; // VerifyCommand.h

struct CudaRequest {
  RunRequest run;        // --run, --network, --model, --n, inputs, outputs
  std::string outputDir; // -o
  bool print = false;    // --emit=cuda
  /// nsc verify: run in a temporary directory and return the spikes here
  /// instead of writing output files.
  TargetRun *verifyOut = nullptr;
};

/// Returns the exit status: 0, 1 after diagnostics, 2 when --run found no
/// CUDA device.
int runCudaCommand(CompilerSession &session, const CudaRequest &req);

/// Whether this nsc was built with the CUDA runner (CUDA headers found).
bool cudaRunnerBuilt();

/// Why `nsc verify --targets=...,cuda` cannot run here, completing
/// "target 'cuda' is not available: ..."; empty when the runner is built
/// and a CUDA device answers.
std::string cudaUnavailable();

/// nsc verify's cuda runner: the default pipeline, emission and network
/// image in a temporary directory, NVRTC and the launcher; spikes only
/// (--trace is rejected with a diagnostic for now).
bool runCudaForVerify(CompilerSession &session, const RunRequest &req, TargetRun &out);

} // namespace nsc::driver
