//===- CompactSynapses.cpp - Static synapses in CSR by source -------------===//
#include "CompactSynapses.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace nsc::network {

namespace {
bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
} // namespace

void CompactSynapses::build(uint64_t sources, const std::vector<uint64_t> &source,
                            const std::vector<uint64_t> &target, const std::vector<double> &weight,
                            const std::vector<uint32_t> &delaySteps) {
  size_t n = source.size();
  offsets_.assign(sources + 1, 0);
  for (uint64_t s : source)
    ++offsets_[s + 1];
  for (uint64_t i = 0; i < sources; ++i)
    offsets_[i + 1] += offsets_[i];
  // Where each synapse of the list goes (stable counting sort).
  std::vector<uint64_t> fill(offsets_.begin(), offsets_.end() - 1), at(n);
  for (size_t s = 0; s < n; ++s)
    at[s] = fill[source[s]]++;
  fill.clear();
  fill.shrink_to_fit();

  target_.resize(n);
  for (size_t s = 0; s < n; ++s)
    target_[at[s]] = uint32_t(target[s]);

  bool allSame = true, allFloat = true;
  for (size_t s = 0; s < n; ++s) {
    allSame = allSame && sameBits(weight[s], weight[0]);
    allFloat = allFloat && sameBits(double(float(weight[s])), weight[s]);
  }
  if (n == 0 || allSame) {
    weightKind_ = WeightKind::Constant;
    constantWeight_ = n ? weight[0] : 0.0;
  } else if (allFloat) {
    weightKind_ = WeightKind::Float32;
    w32_.resize(n);
    for (size_t s = 0; s < n; ++s)
      w32_[at[s]] = float(weight[s]);
  } else {
    weightKind_ = WeightKind::Float64;
    w64_.resize(n);
    for (size_t s = 0; s < n; ++s)
      w64_[at[s]] = weight[s];
  }

  uint32_t lo = UINT32_MAX, hi = 0;
  for (uint32_t d : delaySteps) {
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  maxDelay_ = n ? hi : 1;
  if (n == 0 || lo == hi) {
    delayKind_ = DelayKind::Constant;
    constantDelay_ = n ? hi : 1;
  } else if (hi <= UINT8_MAX) {
    delayKind_ = DelayKind::U8;
    d8_.resize(n);
    for (size_t s = 0; s < n; ++s)
      d8_[at[s]] = uint8_t(delaySteps[s]);
  } else if (hi <= UINT16_MAX) {
    delayKind_ = DelayKind::U16;
    d16_.resize(n);
    for (size_t s = 0; s < n; ++s)
      d16_[at[s]] = uint16_t(delaySteps[s]);
  } else {
    delayKind_ = DelayKind::U32;
    d32_.resize(n);
    for (size_t s = 0; s < n; ++s)
      d32_[at[s]] = delaySteps[s];
  }
}

uint64_t CompactSynapses::bytes() const {
  return offsets_.size() * sizeof(uint64_t) + target_.size() * sizeof(uint32_t) + w32_.size() * sizeof(float) +
         w64_.size() * sizeof(double) + d8_.size() + d16_.size() * 2 + d32_.size() * 4;
}

std::string CompactSynapses::layout() const {
  const char *w = weightKind_ == WeightKind::Constant ? "constant weight"
                  : weightKind_ == WeightKind::Float32 ? "float weight"
                                                       : "double weight";
  const char *d = delayKind_ == DelayKind::Constant ? "constant delay"
                  : delayKind_ == DelayKind::U8     ? "uint8 delay"
                  : delayKind_ == DelayKind::U16    ? "uint16 delay"
                                                    : "uint32 delay";
  return std::string("uint32 target, ") + w + ", " + d;
}

} // namespace nsc::network
