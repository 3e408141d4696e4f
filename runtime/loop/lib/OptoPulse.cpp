//===- OptoPulse.cpp - Bitstream densities to optogenetic pulses ----------===//
#include "nsc/loop/OptoPulse.h"

#include <algorithm>
#include <cmath>

namespace nsc::loop {

const char *pulseModeName(PulseMode m) { return m == PulseMode::Mean ? "mean" : "per-neuron"; }

bool parsePulseMode(const std::string &text, PulseMode &out) {
  for (PulseMode m : {PulseMode::PerNeuron, PulseMode::Mean})
    if (text == pulseModeName(m)) {
      out = m;
      return true;
    }
  return false;
}

std::string checkPulseConfig(const PulseConfig &c) {
  auto finite = [](double v) { return std::isfinite(v); };
  if (!finite(c.maxIntensity_mw_mm2) || c.maxIntensity_mw_mm2 < 0)
    return "the maximum light intensity must be a non-negative number (mW/mm^2)";
  if (!finite(c.minDuration_ms) || !finite(c.maxDuration_ms) || c.minDuration_ms < 0 ||
      c.maxDuration_ms < c.minDuration_ms)
    return "pulse durations must satisfy 0 <= T_min <= T_max";
  if (!finite(c.wavelength_nm) || !(c.wavelength_nm > 0))
    return "the wavelength must be a positive length (nm)";
  return "";
}

OptoPulse pulseOf(const PulseConfig &c, uint32_t site, double density) {
  double d = std::clamp(density, 0.0, 1.0);
  OptoPulse p;
  p.site = site;
  p.density = d;
  p.intensity_mw_mm2 = d * c.maxIntensity_mw_mm2;
  p.duration_ms = c.minDuration_ms + (c.maxDuration_ms - c.minDuration_ms) * d;
  p.wavelength_nm = c.wavelength_nm;
  return p;
}

void pulsesOf(const PulseConfig &c, const std::vector<double> &densities, std::vector<OptoPulse> &out) {
  out.clear();
  if (c.mode == PulseMode::PerNeuron) {
    out.reserve(densities.size());
    for (size_t n = 0; n < densities.size(); ++n)
      out.push_back(pulseOf(c, uint32_t(n), densities[n]));
    return;
  }
  if (densities.empty())
    return;
  double sum = 0;
  for (double d : densities)
    sum += d;
  out.push_back(pulseOf(c, 0, sum / double(densities.size())));
}

} // namespace nsc::loop
