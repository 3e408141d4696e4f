//===- AerEvents.cpp - MEA detections to address-events -------------------===//
#include "nsc/loop/AerEvents.h"

#include <algorithm>
#include <cmath>

namespace nsc::loop {

std::string checkAerMapping(const AerMapping &m, uint32_t channels, uint64_t neurons) {
  if (!std::isfinite(m.sampleRate_hz) || !(m.sampleRate_hz > 0))
    return "the sample rate must be a positive frequency";
  if (!std::isfinite(m.tick_hz) || !(m.tick_hz > 0))
    return "the AER clock (tick rate) must be a positive frequency";
  if (m.channelMap.empty()) {
    if (channels > neurons)
      return "without a channel map channel c drives neuron c, but there are " + std::to_string(channels) +
             " channels and only " + std::to_string(neurons) + " input neurons";
    return "";
  }
  if (m.channelMap.size() != channels)
    return "the channel map has " + std::to_string(m.channelMap.size()) + " entries for " +
           std::to_string(channels) + " channels";
  for (size_t c = 0; c < m.channelMap.size(); ++c) {
    int64_t id = m.channelMap[c];
    if (id < -1 || (id >= 0 && uint64_t(id) >= neurons))
      return "the channel map sends channel " + std::to_string(c) + " to neuron " + std::to_string(id) +
             ", out of range for the " + std::to_string(neurons) + " input neurons (-1 leaves a channel unrouted)";
  }
  return "";
}

uint64_t tickOfSample(uint64_t sample, double sampleRate_hz, double tick_hz) {
  // The product is exact below 2^53, and IEEE division then rounds an
  // exact integer quotient to itself, so whole ticks never drop by one.
  return uint64_t(std::floor(double(sample) * tick_hz / sampleRate_hz));
}

uint64_t stepOfTick(uint64_t tick, double tick_hz, double dt_ms) {
  double ticksPerStep = tick_hz * dt_ms * 1e-3;
  double whole = std::nearbyint(ticksPerStep);
  if (whole >= 1 && std::fabs(ticksPerStep - whole) <= 1e-9 * whole)
    return tick / uint64_t(whole);
  return uint64_t(std::floor(double(tick) / ticksPerStep));
}

void encodeAer(const std::vector<DetectedSpike> &spikes, const AerMapping &m, std::vector<AerEvent> &out) {
  const size_t first = out.size();
  for (const DetectedSpike &s : spikes) {
    int64_t id = m.channelMap.empty() ? int64_t(s.channel) : m.channelMap[s.channel];
    if (id < 0)
      continue;
    out.push_back({uint32_t(id), tickOfSample(s.sample, m.sampleRate_hz, m.tick_hz)});
  }
  // Ticks grow with samples, but a channel map reorders ids within a tick.
  std::stable_sort(out.begin() + std::ptrdiff_t(first), out.end(), [](const AerEvent &a, const AerEvent &b) {
    return a.tick != b.tick ? a.tick < b.tick : a.id < b.id;
  });
}

} // namespace nsc::loop
