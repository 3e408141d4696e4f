//===- Philox.cpp - Philox-4x32-10 (R32) and stream keys (R33) ------------===//

#include "nsc/runtime/Philox.h"

namespace nsc::runtime {

namespace {
constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

inline void mulHiLo(uint32_t a, uint32_t b, uint32_t &hi, uint32_t &lo) {
  uint64_t p = uint64_t(a) * uint64_t(b);
  hi = uint32_t(p >> 32);
  lo = uint32_t(p);
}
} // namespace

PhiloxBlock philox4x32_10(PhiloxCounter c, PhiloxKey k) {
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulHiLo(kM0, c[0], hi0, lo0);
    mulHiLo(kM1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    // The bump after the last round is unused; bumping every round keeps
    // the loop uniform.
    k[0] += kW0;
    k[1] += kW1;
  }
  return c;
}

bool isPerStepStream(Stream s) {
  return s == Stream::PoissonSource || s == Stream::NeuronRandom ||
         s == Stream::SynapseRandom || s == Stream::NoiseSource;
}

PhiloxKey deriveStreamKey(uint64_t seed, uint32_t p, uint32_t s) {
  PhiloxBlock out = philox4x32_10({p, s, 0, 0}, {uint32_t(seed), uint32_t(seed >> 32)});
  return {out[0], out[1]};
}

PhiloxCounter makeCounter(uint64_t i, uint16_t j, uint64_t k) {
  return {uint32_t(i), uint32_t((i >> 32) & 0xFFFFu) | (uint32_t(j) << 16),
          uint32_t(k), uint32_t(k >> 32)};
}

} // namespace nsc::runtime
