//===- nsc_cuda_main.cpp - The standalone driver of an nsc CUDA output ----===//
//
//   nsc_cuda_run [--steps N] [--module NAME.cu|.ptx|.cubin] [--image network.nscimg]
//                [--spikes spikes.csv] [--record-dir DIR] [--device I]
//
// Built from the output directory of `nsc FILE --target=cuda -o DIR` (see
// its README.md). Exit status: 0 success, 1 error, 2 no CUDA device.
//
//===----------------------------------------------------------------------===//
#include "nsc_cuda_launcher.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char **argv) {
  nsc_cuda::LaunchOptions o;
  o.image = "network.nscimg";
  std::string spikes = "spikes.csv", recordDir = ".";
  for (int a = 1; a < argc; ++a) {
    std::string arg = argv[a];
    auto next = [&]() -> std::string {
      if (a + 1 >= argc) {
        std::fprintf(stderr, "nsc_cuda_run: %s needs a value\n", arg.c_str());
        std::exit(1);
      }
      return argv[++a];
    };
    if (arg == "--steps")
      o.steps = std::strtoull(next().c_str(), nullptr, 10);
    else if (arg == "--module")
      o.module = next();
    else if (arg == "--image")
      o.image = next();
    else if (arg == "--spikes")
      spikes = next();
    else if (arg == "--record-dir")
      recordDir = next();
    else if (arg == "--device")
      o.device = std::atoi(next().c_str());
    else if (arg == "--include-dir")
      o.includeDir = next();
    else {
      std::fprintf(stderr, "nsc_cuda_run: unknown option '%s'\n", arg.c_str());
      return 1;
    }
  }
  if (o.module.empty()) {
    std::fprintf(stderr, "nsc_cuda_run: give --module NAME.cu (NVRTC) or NAME.ptx / NAME.cubin (nvcc)\n");
    return 1;
  }
  nsc_cuda::LaunchResult r;
  std::string error;
  nsc_cuda::LaunchStatus st = nsc_cuda::launch(o, r, error);
  if (st != nsc_cuda::kLaunchOk) {
    std::fprintf(stderr, "nsc_cuda_run: %s\n", error.c_str());
    return st == nsc_cuda::kLaunchNoDevice ? 2 : 1;
  }
  for (const std::string &w : r.warnings)
    std::fprintf(stderr, "nsc_cuda_run: warning: %s\n", w.c_str());
  if (!nsc_cuda::writeSpikesCsv(r, spikes, error)) {
    std::fprintf(stderr, "nsc_cuda_run: %s\n", error.c_str());
    return 1;
  }
  for (const nsc_cuda::TraceOutput &t : r.traces)
    if (!nsc_cuda::writeTraceCsv(r, t, recordDir + "/" + t.label + ".csv", error)) {
      std::fprintf(stderr, "nsc_cuda_run: %s\n", error.c_str());
      return 1;
    }
  std::printf("{\"device\": \"%s\", \"steps\": %llu, \"spikes\": %zu, \"compile_ms\": %.3f, \"upload_ms\": %.3f, "
              "\"run_ms\": %.3f}\n",
              r.device.c_str(), (unsigned long long)r.steps, r.spikes.size(), r.compileMs, r.uploadMs, r.runMs);
  return 0;
}
