//===- Bitstream.cpp - Spike counts to stochastic-computing bitstreams ----===//
#include "nsc/loop/Bitstream.h"

#include "nsc/runtime/Philox.h"

#include <cmath>

namespace nsc::loop {

std::string checkBitstreamConfig(const BitstreamConfig &c) {
  if (c.length == 0 || c.length > kMaxBitstreamLength)
    return "the bitstream length must be 1 to " + std::to_string(kMaxBitstreamLength) + " bits";
  if (!std::isfinite(c.halfCount) || !(c.halfCount > 0))
    return "the half-saturation count K must be a positive number";
  return "";
}

double scProbability(uint64_t count, double halfCount) { return double(count) / (double(count) + halfCount); }

uint32_t quantiseProbability(double p) {
  if (!(p > 0))
    return 0;
  if (p >= 1)
    return 65536;
  return uint32_t(std::nearbyint(p * 65536.0));
}

namespace {

/// Calls `bit(i, value)` for the L bits in order.
template <class Fn> void generate(const BitstreamConfig &c, uint64_t frame, uint64_t neuron, double p, Fn bit) {
  const uint32_t P = quantiseProbability(p);
  const runtime::PhiloxKey key = runtime::deriveStreamKey(c.seed, c.population, kBitstreamStream);
  if (P == 0 || P == 65536) { // constant streams need no random words
    for (uint32_t i = 0; i < c.length; ++i)
      bit(i, P != 0);
    return;
  }
  for (uint32_t i = 0, block = 0; i < c.length; ++block) {
    runtime::PhiloxBlock w = runtime::philox4x32_10(runtime::makeCounter(neuron, uint16_t(block), frame), key);
    for (int h = 0; h < 8 && i < c.length; ++h, ++i) {
      uint32_t r = (w[h / 2] >> (16 * (h % 2))) & 0xFFFFu;
      bit(i, r < P);
    }
  }
}

} // namespace

std::vector<uint64_t> bitstream(const BitstreamConfig &c, uint64_t frame, uint64_t neuron, double p) {
  std::vector<uint64_t> words((c.length + 63) / 64, 0);
  generate(c, frame, neuron, p, [&](uint32_t i, bool b) {
    if (b)
      words[i / 64] |= uint64_t(1) << (i % 64);
  });
  return words;
}

uint32_t bitstreamOnes(const BitstreamConfig &c, uint64_t frame, uint64_t neuron, double p) {
  uint32_t ones = 0;
  generate(c, frame, neuron, p, [&](uint32_t, bool b) { ones += b ? 1u : 0u; });
  return ones;
}

void bitstreamDensities(const BitstreamConfig &c, uint64_t frame, const std::vector<uint32_t> &counts,
                        std::vector<double> &densities) {
  densities.resize(counts.size());
  for (size_t n = 0; n < counts.size(); ++n)
    densities[n] = double(bitstreamOnes(c, frame, n, scProbability(counts[n], c.halfCount))) / double(c.length);
}

} // namespace nsc::loop
