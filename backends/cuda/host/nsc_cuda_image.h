//===- nsc_cuda_image.h - The network image the launcher reads -*- C++ -*-===//
//
// The built network as nsc::cuda::writeNetworkImage writes it
// (backends/cuda/lib/NetworkImage.cpp documents the format): populations
// with their initial cells and sources, projections in CSR with their
// delivery strategy, recorders. Plain C++17, no CUDA: the launcher reads
// it before it opens a device.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsc_cuda {

struct ImagePop {
  std::string name, kernel;
  uint64_t kind = 0, n = 0, D = 2, ports = 0, rowSize = 0, countMask = 0, rngKey = 0;
  std::vector<uint64_t> cells;
  std::vector<double> constInput, countWeight;
  double lambda = 0, subLambda = 0, expNegSub = 0, amplitude = 0;
  uint64_t parts = 0;
  int64_t start = 0, stop = INT64_MAX;
  std::vector<uint64_t> schedStep, schedValue;
  std::vector<std::string> warnings; // the model's warning() sites: status bits 16, 17, ...
};
struct ImageProj {
  uint64_t src = 0, tgt = 0, strategy = 0, basePort = 0;
  int64_t negPort = -1;
  std::string kernel;
  std::vector<uint64_t> rowPtr;
  std::vector<uint32_t> targets, delays;
  std::vector<double> weights;
};
struct ImageRecorder {
  std::string label;
  uint64_t pop = 0, begin = 0, end = 0, every = 1;
  std::vector<std::string> names;
  std::vector<uint64_t> slots, kinds;
};
struct Image {
  double dt = 0;
  std::vector<ImagePop> pops;
  std::vector<ImageProj> projs;
  std::vector<ImageRecorder> recorders;
};

/// Reads the image at `path`; false with `error` set when it is missing,
/// truncated or not an image of this launcher's version.
bool readImage(const std::string &path, Image &img, std::string &error);

} // namespace nsc_cuda
