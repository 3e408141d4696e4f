//===- OptoPulse.h - Bitstream densities to optogenetic pulses ---*- C++ -*-===//
//
// Stage 5 of the closed loop (docs/closed-loop.md §5). A density d ∈ [0, 1]
// becomes one light pulse at a fixed wavelength:
//
//     intensity = d · I_max                      (mW/mm²)
//     duration  = T_min + (T_max − T_min) · d    (ms)
//
// Sites: with PulseMode::PerNeuron (the default) readout neuron n drives
// stimulation site n (an LED or a DMD region per neuron) and gets its own
// pulse; with PulseMode::Mean the rig has one light source and the pulse
// comes from the mean density of the readout population (site 0). A pulse
// of intensity 0 means the light stays off.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::loop {

enum class PulseMode { PerNeuron, Mean };

/// "per-neuron", "mean".
const char *pulseModeName(PulseMode m);
bool parsePulseMode(const std::string &text, PulseMode &out);

struct PulseConfig {
  double maxIntensity_mw_mm2 = 10.0; // I_max
  double minDuration_ms = 1.0;       // T_min
  double maxDuration_ms = 10.0;      // T_max
  double wavelength_nm = 470.0;      // ChR2's blue
  PulseMode mode = PulseMode::PerNeuron;
};

/// "" when usable (I_max ≥ 0, 0 ≤ T_min ≤ T_max, wavelength > 0, all
/// finite), else what is wrong.
std::string checkPulseConfig(const PulseConfig &config);

struct OptoPulse {
  uint32_t site = 0;
  double density = 0;
  double intensity_mw_mm2 = 0;
  double duration_ms = 0;
  double wavelength_nm = 0;
};

/// The pulse of one density (clamped to [0, 1]).
OptoPulse pulseOf(const PulseConfig &config, uint32_t site, double density);

/// The pulses of a frame: one per density (PerNeuron) or one of their mean
/// (Mean; none when `densities` is empty).
void pulsesOf(const PulseConfig &config, const std::vector<double> &densities, std::vector<OptoPulse> &out);

} // namespace nsc::loop
