//===- AerEvents.h - MEA detections to address-events ------------*- C++ -*-===//
//
// Stage 2 of the closed loop (docs/closed-loop.md §2). A detection on
// channel c at sample s (counted from the start of the recording) becomes
// the address-event (id, τ) with
//
//     τ  = ⌊ s · f_hw / f_s ⌋      (t_s = s / f_s, the sample's time)
//     id = map[c], or c when there is no channel map
//
// — the event of the generated Verilog AER encoder (docs/verilog.md §3):
// `ev_id` a neuron address, `ev_time` a timestamp in ticks of the hardware
// clock f_hw (the encoder's field keeps the low timestamp_bits bits; here
// τ is a full 64-bit count). A channel mapped to −1 is not routed: its
// detections make no events. Events are ordered by (τ, id), as the encoder
// emits them (one frame per timestamp, ascending ids).
//
// The model reads an event in the step that contains its time:
// step = ⌊τ / (f_hw · dt)⌋ (stepOfTick), exact when f_hw · dt is a whole
// number of ticks (the default f_hw = 1/dt gives step = τ).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/loop/SpikeDetector.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::loop {

/// One address-event: neuron address `id`, timestamp `tick` (f_hw ticks).
struct AerEvent {
  uint32_t id = 0;
  uint64_t tick = 0;
  bool operator==(const AerEvent &o) const { return id == o.id && tick == o.tick; }
};

struct AerMapping {
  double sampleRate_hz = 0; // f_s
  double tick_hz = 0;       // f_hw
  /// Channel c -> neuron id; -1: not routed. Empty: id = c.
  std::vector<int64_t> channelMap;
};

/// "" when usable for `channels` channels and a target population of
/// `neurons`, else what is wrong (rates must be positive and finite, the
/// map must have one entry per channel, each -1 or below `neurons`; without
/// a map every channel number must be below `neurons`).
std::string checkAerMapping(const AerMapping &mapping, uint32_t channels, uint64_t neurons);

/// τ = ⌊ sample · f_hw / f_s ⌋.
uint64_t tickOfSample(uint64_t sample, double sampleRate_hz, double tick_hz);

/// The model step that reads an event of tick `tick`: ⌊τ / (f_hw·dt)⌋,
/// with f_hw·dt taken as a whole number when it is one to 1e-9.
uint64_t stepOfTick(uint64_t tick, double tick_hz, double dt_ms);

/// Appends the events of `spikes` (ordered by sample, then channel) to
/// `out`, ordered by (τ, id).
void encodeAer(const std::vector<DetectedSpike> &spikes, const AerMapping &mapping, std::vector<AerEvent> &out);

} // namespace nsc::loop
