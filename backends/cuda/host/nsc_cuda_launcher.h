//===- nsc_cuda_launcher.h - Runs an nsc CUDA output on a GPU ----*- C++ -*-===//
//
// Part of the output of `nsc FILE --target=cuda -o DIR` and of nsc itself
// (`nsc FILE --target=cuda --run=...`, when nsc was built with CUDA). It
// needs only the CUDA driver API (libcuda) and, to compile NAME.cu at run
// time, NVRTC (libnvrtc); no nsc library.
//
// It reads the network image (network.nscimg, written by nsc), loads the
// kernels (NAME.cu compiled with NVRTC, or a .ptx/.cubin made by nvcc),
// copies the network to the device and runs it step by step; spikes and
// traces are recorded into device buffers and copied back in batches.
//
//===----------------------------------------------------------------------===//
#ifndef NSC_CUDA_LAUNCHER_H
#define NSC_CUDA_LAUNCHER_H

#include <cstdint>
#include <string>
#include <vector>

namespace nsc_cuda {

struct LaunchOptions {
  std::string image;        // network.nscimg
  std::string module;       // NAME.cu (NVRTC), NAME.ptx or NAME.cubin
  std::string includeDir;   // where nsc_cuda_runtime.cuh and nsc_cuda_abi.h are (NVRTC)
  uint64_t steps = 0;
  bool recordSpikes = true; // every spike of every population
  int device = 0;
};

struct SpikeEvent {
  uint64_t step;
  uint32_t population;
  uint32_t index;
  uint32_t multiplicity;
};

struct TraceOutput {
  std::string label;
  uint32_t population = 0;
  std::vector<std::string> variables;
  /// One row per sample and neuron: step, neuron, then one value per variable.
  std::vector<uint64_t> step, index;
  std::vector<double> values;
};

struct LaunchResult {
  std::string device;        // "NVIDIA H100 80GB HBM3 (sm_90)"
  double dtMs = 0;
  uint64_t steps = 0;
  std::vector<std::string> populations;
  std::vector<uint64_t> populationSize, populationSpikes;
  std::vector<bool> isSource;
  std::vector<SpikeEvent> spikes; // in (step, population, index) order
  std::vector<TraceOutput> traces;
  std::vector<std::string> warnings;
  double compileMs = 0, uploadMs = 0, runMs = 0;
};

enum LaunchStatus { kLaunchOk = 0, kLaunchError = 1, kLaunchNoDevice = 2 };

/// Runs; on failure `error` says why. kLaunchNoDevice when the machine has
/// no CUDA device or no driver ("no CUDA device: ...").
LaunchStatus launch(const LaunchOptions &options, LaunchResult &result, std::string &error);

/// Whether device `device` can be used: the driver library loads, cuInit
/// succeeds and the device exists. When not, `why` completes "no CUDA
/// device: ..." as launch() would report it. Creates no context.
bool probeDevice(int device, std::string &why);

/// CSV writers in nsc's formats (docs/running.md): spikes "t_ms,population,index",
/// traces "t_ms,population,index,VAR...".
bool writeSpikesCsv(const LaunchResult &r, const std::string &path, std::string &error);
bool writeTraceCsv(const LaunchResult &r, const TraceOutput &t, const std::string &path, std::string &error);

} // namespace nsc_cuda

#endif
