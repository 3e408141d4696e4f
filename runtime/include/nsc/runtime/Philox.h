//===- Philox.h - Philox-4x32-10 and nsc's key/counter layout ---*- C++ -*-===//
//
// The counter-based generator every random number of nsc comes from
// (docs/semantics.md R32, R33). A draw is a pure function of (key, counter),
// so any backend, thread or process computes the same numbers without
// sharing state.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>

namespace nsc::runtime {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;
using PhiloxBlock = std::array<uint32_t, 4>;

/// Philox-4x32 with ten rounds (R32): the four output words in order.
PhiloxBlock philox4x32_10(PhiloxCounter counter, PhiloxKey key);

/// The streams of R33; the value is the stream number s.
enum class Stream : uint32_t {
  PoissonSource = 0,  // per step: population, neuron, block in step, step
  NeuronRandom = 1,   // per step: `random_*` in neuron models
  InitialValue = 2,   // population, neuron, VarId, block
  Connectivity = 3,   // projection, row owner, 0, block
  Weight = 4,         // projection, row owner, 0, block
  Delay = 5,          // projection, row owner, 0, block
  SynapseRandom = 6,  // per step: projection, synapse index, block in step, step
  SynapseInitialValue = 7, // projection, synapse index, VarId, block (synapse-model arguments)
  NoiseSource = 8,    // per interval: population, neuron, block, noise interval (noise_generator)
};

/// True for the streams whose draws are indexed by (i, step) with the block
/// in j (R33 table: streams 0, 1, 6 and 8).
bool isPerStepStream(Stream s);

/// K(p, s) of R33: the first two words of Philox with key
/// (seed_lo32, seed_hi32) on counter (p, s, 0, 0). The seed is the
/// network's seed as a 64-bit two's-complement value.
PhiloxKey deriveStreamKey(uint64_t seed, uint32_t p, uint32_t s);
inline PhiloxKey deriveStreamKey(uint64_t seed, uint32_t p, Stream s) {
  return deriveStreamKey(seed, p, static_cast<uint32_t>(s));
}

/// Largest neuron/row index + 1 that fits the counter (R33: i < 2^48).
constexpr uint64_t kMaxCounterIndex = uint64_t(1) << 48;

/// The counter of R33: (i_lo32, i_hi16 | j << 16, k_lo32, k_hi32). Bits of
/// i above 48 are dropped; callers check i < kMaxCounterIndex.
PhiloxCounter makeCounter(uint64_t i, uint16_t j, uint64_t k);

} // namespace nsc::runtime
