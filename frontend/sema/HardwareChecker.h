//===- HardwareChecker.h - The hardware blocks of a network ----*- C++ -*-===//
//
// Internal to nsc_sema. Checks the hardware blocks of a network
// (docs/verilog.md §1):
//   homeostasis for POP[, POP...]:
//     threshold   = NAME        required: the model parameter θ drives
//     target_rate = 10 Hz       a non-negative rate (1/time)
//     tau         = 10 s        a positive time
//     theta_min   = 64          Q8.8 integers in [-32768, 32767], min <= max
//     theta_max   = 512
//     window      = 100         steps per window, 1 .. 2^20
//     mode        = accumulator | plain
//   aer for POP[, POP...]:
//     timestamp_bits = 16       1 .. 48
//     handshake      = valid_ready | four_phase
//   detector for POP[, POP...]:  (a spike source: its channels)
//     alpha          = 5        threshold in sigmas, (0, 100]
//     refractory     = 30       samples, 0 .. 65535
//     warmup         = 2048     samples, 0 .. 2^20
//     step_bits      = 4        median step 2^-step_bits LSB, 0 .. 12
//     sample_bits    = 16       signed sample width, 2 .. 24
//     polarity       = negative | positive | both
//     sample_rate    = 20 kHz   sampling instants per second (default 1/dt);
//                               a whole number per step (checked by lowering)
// Populations must exist; homeostasis needs model populations, and a
// population has at most one block of each kind. Whether `threshold` names
// a real parameter of the model is checked by lowering, which has the IR.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SemaContext.h"

namespace nsc::sema {

struct HardwarePopulation {
  SourceRange range;
  bool isModel = false;
  bool isSpikeSource = false;
};

struct HardwareCheckState {
  std::map<std::string, HardwarePopulation> populations;
  std::map<std::string, SourceRange> homeostasisFor, aerFor, detectorFor; // population -> block range
};

void checkHardwareBlock(SemaContext &ctx, ast::HardwareBlock &block, HardwareCheckState &state);

} // namespace nsc::sema
