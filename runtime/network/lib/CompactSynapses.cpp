//===- CompactSynapses.cpp - Static synapses in CSR by source -------------===//
#include "CompactSynapses.h"

#include "nsc/runtime/ConnectionRows.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace nsc::network {

namespace {
bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
} // namespace

void CompactSynapses::build(uint64_t sources, const std::vector<uint32_t> &source,
                            const std::vector<uint32_t> &target, const std::vector<double> &weight,
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
    target_[at[s]] = target[s];

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

namespace {

// A chunk's rows between the two passes, as LEB128 varints: per row its
// length, then each source as the zigzag difference to the previous one
// (about 2 bytes a synapse at the usual sparsities, against 4 for a list).
void putVarint(std::vector<uint8_t> &out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v | 0x80));
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

uint64_t getVarint(const uint8_t *&p) {
  uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    uint8_t b = *p++;
    v |= uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80))
      return v;
  }
}

} // namespace

double CompactSynapses::packedRowBytes(const runtime::ConnectionSpec &s) {
  auto varintBytes = [](double v) {
    double bytes = 1;
    for (; v >= 128; v /= 128)
      ++bytes;
    return bytes;
  };
  double m = double(s.source.size());
  switch (s.rule) {
  case runtime::ConnectRule::FixedProbability:
    return 1 + s.probability * m * (s.probability > 0 ? varintBytes(2 / s.probability) : 0);
  case runtime::ConnectRule::FixedIndegree:
  case runtime::ConnectRule::SmallWorld: return 1 + double(s.count) * varintBytes(2 * m);
  case runtime::ConnectRule::AllToAll: return varintBytes(m) + m;
  default: return 1 + varintBytes(2 * double(s.target.end));
  }
}

namespace {

uint64_t zigzag(int64_t d) { return (uint64_t(d) << 1) ^ uint64_t(d >> 63); }
int64_t unzigzag(uint64_t z) { return int64_t(z >> 1) ^ -int64_t(z & 1); }

} // namespace

std::string CompactSynapses::buildFromRows(const runtime::ConnectionSpec &spec, uint64_t sources, double weight,
                                          uint32_t delaySteps, unsigned threads, uint64_t ownedBegin,
                                          uint64_t ownedEnd) {
  uint64_t targets = spec.target.size();
  unsigned chunks = unsigned(std::min<uint64_t>(runtime::connectionBuildThreads(threads), std::max<uint64_t>(1, targets)));
  // slot[c][s]: chunk c's synapses from source s (pass 1), then the place
  // of its next one inside row s (pass 2). Below 2^32: one per target.
  std::vector<std::vector<uint32_t>> slot(chunks);
  std::vector<std::vector<uint8_t>> rows(chunks);
  std::vector<uint64_t> made(chunks, 0);
  std::vector<uint8_t> tooMany(chunks, 0);
  runtime::forEachChunk(targets, chunks, [&](unsigned c, uint64_t begin, uint64_t end) {
    std::vector<uint32_t> &count = slot[c];
    std::vector<uint8_t> &packed = rows[c];
    count.assign(sources, 0);
    packed.reserve(size_t(std::min(1.05 * packedRowBytes(spec) * double(end - begin) + 64, 1e12)));
    runtime::RowDrawer drawer(spec);
    std::vector<uint32_t> row;
    for (uint64_t r = begin; r < end; ++r) {
      uint64_t t = spec.target.begin + r;
      if (t < ownedBegin || t >= ownedEnd) {
        putVarint(packed, 0); // another rank's row
        continue;
      }
      drawer.draw(t, row);
      putVarint(packed, row.size());
      int64_t prev = 0;
      for (uint32_t src : row) {
        ++count[src];
        putVarint(packed, zigzag(int64_t(src) - prev));
        prev = src;
      }
      made[c] += row.size();
      if (made[c] > spec.maxSynapses) {
        tooMany[c] = 1;
        return;
      }
    }
    packed.shrink_to_fit();
  });
  uint64_t n = 0;
  for (unsigned c = 0; c < chunks; ++c) {
    n += made[c];
    if (tooMany[c] || n > spec.maxSynapses)
      return "the projection has more synapses than the limit of " + std::to_string(spec.maxSynapses);
  }
  offsets_.assign(sources + 1, 0);
  for (uint64_t s = 0; s < sources; ++s) {
    uint64_t before = 0; // the row's synapses from earlier chunks
    for (unsigned c = 0; c < chunks; ++c) {
      uint32_t k = slot[c][s];
      slot[c][s] = uint32_t(before);
      before += k;
    }
    offsets_[s + 1] = offsets_[s] + before;
  }
  target_.assign(n, 0);
  runtime::forEachChunk(targets, chunks, [&](unsigned c, uint64_t begin, uint64_t end) {
    std::vector<uint32_t> &next = slot[c];
    const uint8_t *p = rows[c].data();
    for (uint64_t r = begin; r < end; ++r) {
      uint32_t t = uint32_t(spec.target.begin + r);
      uint64_t k = getVarint(p);
      int64_t src = 0;
      for (uint64_t i = 0; i < k; ++i) {
        src += unzigzag(getVarint(p));
        target_[offsets_[src] + next[src]++] = t;
      }
    }
    rows[c] = {};
  });
  weightKind_ = WeightKind::Constant;
  constantWeight_ = n ? weight : 0.0;
  delayKind_ = DelayKind::Constant;
  constantDelay_ = maxDelay_ = n ? delaySteps : 1;
  w32_.clear();
  w64_.clear();
  d8_.clear();
  d16_.clear();
  d32_.clear();
  return {};
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
