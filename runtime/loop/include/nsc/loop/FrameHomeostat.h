//===- FrameHomeostat.h - The Q8.8 threshold rule, one window per frame -*- C++ -*-===//
//
// Stage 6 of the closed loop (optional; docs/closed-loop.md §6). The
// homeostatic threshold controller of the generated Verilog
// (nsc/hw/Homeostat.h, docs/verilog.md §2) applied with a window of one
// frame: after every frame each neuron of the controlled population adds
// Δ = k·K_h − B_h (Q8.24) to its accumulator, clipped to
// [θ_min, θ_max]·2^16, and its threshold parameter becomes θ/256 in the
// parameter's unit (θ = acc >> 16, Q8.8). K_h and B_h are the compiler's
// constants for (target rate, τ) with the frame as the window:
// computeHomeostatConstants(r*, τ, frame_ms, 1).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/hw/Homeostat.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::loop {

struct FrameHomeostatConfig {
  double targetRate_hz = 10;
  double tau_s = 10;
  int64_t thetaMin = 64, thetaMax = 512; // Q8.8
  hw::HomeostatMode mode = hw::HomeostatMode::Accumulator;
};

class FrameHomeostat {
public:
  /// Sets the controller up for frames of `frame_ms`, starting from the
  /// current threshold values (parameter units; θ = round(value·256),
  /// clipped). False with `error` set when the constants cannot be made.
  bool init(const FrameHomeostatConfig &config, double frame_ms, const std::vector<double> &thresholds,
            std::string &error);
  /// Recomputes K_h and B_h for frames of `frame_ms` (a frame of another
  /// length), keeping every accumulator. False with `error` set as init.
  bool retime(double frame_ms, std::string &error);
  double frame_ms() const { return frame_ms_; }
  /// One window: `counts[n]` spikes of neuron n in the frame. Writes the
  /// new threshold values (θ/256) to `thresholds`.
  void update(const std::vector<uint32_t> &counts, std::vector<double> &thresholds);
  /// Q8.8 thresholds now.
  std::vector<int64_t> theta() const;
  const hw::HomeostatConfig &constants() const { return hw_; }

private:
  hw::HomeostatConfig hw_;
  FrameHomeostatConfig config_;
  double frame_ms_ = 0;
  std::vector<hw::HomeostatNeuron> neurons_;
};

} // namespace nsc::loop
