//===- StepPacerModel.h - Sampling instants to network steps ----*- C++ -*-===//
//
// The glue of the generated chain nsc_chain_POP (docs/verilog.md §7.5):
// spike detector -> AER encoder -> neuron core. The detector hands one
// frame per sampling instant to the encoder; the core runs one step per S
// instants (S = sample_rate · dt). The pacer counts the frames handed over
// in the current window:
//
//   window open   taken != S: the detector's frame may pass to the encoder
//                 (frame_valid = det.frame_valid & open, det.frame_ready =
//                 enc.frame_ready & open)
//   step_valid    taken == S and the encoder has nothing pending (every
//                 event of the window went into the core)
//   reset         taken = S: the first step runs before any sample, so the
//                 spikes of window k (instants kS .. kS+S-1) are received
//                 in step k+1 — a delay of one step, as the projection says
//
// Its C++ form is what the harness steps beside the RTL.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace nsc::hw {

class StepPacerModel {
public:
  explicit StepPacerModel(uint32_t samplesPerStep) : s_(samplesPerStep), taken_(samplesPerStep) {}

  bool windowOpen() const { return taken_ != s_; }
  /// `encFrameReady`: the encoder holds nothing of an earlier frame.
  bool stepValid(bool encFrameReady) const { return !windowOpen() && encFrameReady; }

  /// The rising edge: `frameTaken` = a frame passed to the encoder,
  /// `stepTaken` = step_valid & step_ready.
  void tick(bool rst, bool frameTaken, bool stepTaken) {
    if (rst)
      taken_ = s_;
    else if (stepTaken)
      taken_ = 0;
    else if (frameTaken)
      ++taken_;
  }

private:
  uint32_t s_, taken_;
};

} // namespace nsc::hw
