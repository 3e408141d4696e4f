//===- Bitstream.h - Spike counts to stochastic-computing bitstreams -*- C++ -*-===//
//
// Stage 4 of the closed loop (docs/closed-loop.md §4). Neuron n of the
// readout population fired k_n spikes in the frame; its rate is encoded
// as a stochastic-computing (SC) number
//
//     p_n = k_n / (k_n + K)             (K > 0, the half-saturation count)
//
// and as a unipolar bitstream of L bits (1024 by default) made the way an
// SC stochastic number generator does: p is quantised to P = round(p·2^16)
// and bit i is 1 when the 16-bit random word r_i < P. The words come from
// Philox-4x32-10: block j of neuron n in frame f is
// philox(counter(n, j, f), K(readout, 16)) — the counter layout of
// docs/semantics.md R33 with the key of stream 16 (outside the network's
// streams 0–7), so a bitstream is a pure function of (seed, population,
// frame, neuron) and independent of thread counts and of everything else
// the session draws. Each block gives 8 words (low half first). The
// density d_n = ones / L estimates p_n: E[d] = P/2^16, Var[d] ≤ 1/(4L).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::loop {

/// The Philox stream number of the bitstreams (R33 uses 0–7).
constexpr uint32_t kBitstreamStream = 16;
/// Most bits per bitstream: 2^16 blocks of 8 words.
constexpr uint32_t kMaxBitstreamLength = uint32_t(1) << 19;

struct BitstreamConfig {
  uint32_t length = 1024;  // L
  double halfCount = 1.0;  // K
  uint64_t seed = 0;
  uint32_t population = 0; // the readout population's index (the key's p)
};

/// "" when usable, else what is wrong.
std::string checkBitstreamConfig(const BitstreamConfig &config);

/// p = k / (k + K).
double scProbability(uint64_t count, double halfCount);
/// P = round(p · 2^16), in [0, 65536].
uint32_t quantiseProbability(double p);

/// The L bits of neuron `neuron` in frame `frame` for probability p,
/// packed 64 per word, bit i in word i/64 at position i%64.
std::vector<uint64_t> bitstream(const BitstreamConfig &config, uint64_t frame, uint64_t neuron, double p);
/// The number of ones of that bitstream (without keeping its bits).
uint32_t bitstreamOnes(const BitstreamConfig &config, uint64_t frame, uint64_t neuron, double p);

/// Densities of every neuron: counts[n] spikes -> ones / L.
void bitstreamDensities(const BitstreamConfig &config, uint64_t frame, const std::vector<uint32_t> &counts,
                        std::vector<double> &densities);

} // namespace nsc::loop
