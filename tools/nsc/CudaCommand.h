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

struct CudaRequest {
  RunRequest run;        // --run, --network, --model, --n, inputs, outputs
  std::string outputDir; // -o
  bool print = false;    // --emit=cuda
};

/// Returns the exit status: 0, 1 after diagnostics, 2 when --run found no
/// CUDA device.
int runCudaCommand(CompilerSession &session, const CudaRequest &req);

/// Whether this nsc was built with the CUDA runner (CUDA headers found).
bool cudaRunnerBuilt();

} // namespace nsc::driver
