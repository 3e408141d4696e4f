//===- CompactSynapses.cpp - Static synapses in CSR by source -------------===//
#include "CompactSynapses.h"

#include "nsc/runtime/ConnectionRows.h"

#include <algorithm>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace nsc::network {

namespace {
bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// Asks for transparent huge pages on a large, not yet touched buffer: its
/// first touch then costs one page fault per 2 MiB instead of per 4 KiB
/// (filling 320 MB of synapse targets in random order took 80,000 faults).
/// A hint only; nothing changes where the kernel declines.
void adviseHugePages(const void *data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kPage = 4096;
  if (bytes < (size_t(8) << 20))
    return;
  uintptr_t begin = (uintptr_t(data) + kPage - 1) & ~(kPage - 1);
  uintptr_t end = (uintptr_t(data) + bytes) & ~(kPage - 1);
  if (end > begin)
    (void)madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}
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
/// Writes v at p (at most 10 bytes); returns the end.
inline __attribute__((always_inline)) uint8_t *putVarint(uint8_t *p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = uint8_t(v | 0x80);
    v >>= 7;
  }
  *p++ = uint8_t(v);
  return p;
}

inline __attribute__((always_inline)) uint64_t getVarint(const uint8_t *&p) {
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
  // count[c][s]: chunk c's synapses from source s (pass 1; below 2^32: one
  // per target); then next[c][s], the index in target_ of its next one
  // (pass 2: one random read and one random write per synapse).
  std::vector<std::vector<uint32_t>> slot(chunks);
  std::vector<std::vector<uint8_t, UninitialisedAllocator<uint8_t>>> rows(chunks);
  std::vector<uint64_t> made(chunks, 0);
  std::vector<uint8_t> tooMany(chunks, 0);
  runtime::forEachChunk(targets, chunks, [&](unsigned c, uint64_t begin, uint64_t end) {
    std::vector<uint32_t> &count = slot[c];
    auto &packed = rows[c]; // [0, used) written; the rest not yet touched
    count.assign(sources, 0);
    packed.resize(size_t(std::min(1.05 * packedRowBytes(spec) * double(end - begin) + 64, 1e12)));
    adviseHugePages(packed.data(), packed.size());
    size_t used = 0;
    runtime::RowDrawer drawer(spec);
    std::vector<uint32_t> row;
    for (uint64_t r = begin; r < end; ++r) {
      uint64_t t = spec.target.begin + r;
      const bool owned = t >= ownedBegin && t < ownedEnd;
      if (owned)
        drawer.draw(t, row);
      else
        row.clear(); // another rank's row: empty
      const size_t most = 10 * (row.size() + 1);
      if (packed.size() - used < most)
        packed.resize(std::max(packed.size() + packed.size() / 2, used + most));
      uint8_t *p = putVarint(packed.data() + used, row.size());
      int64_t prev = 0;
      for (uint32_t src : row) {
        ++count[src];
        p = putVarint(p, zigzag(int64_t(src) - prev));
        prev = src;
      }
      used = size_t(p - packed.data());
      made[c] += row.size();
      if (made[c] > spec.maxSynapses) {
        tooMany[c] = 1;
        return;
      }
    }
    // No shrink_to_fit: it would copy the rows (160 MB at 80 million
    // synapses); the untouched tail of the estimate holds no memory.
    packed.resize(used);
  });
  uint64_t n = 0;
  for (unsigned c = 0; c < chunks; ++c) {
    n += made[c];
    if (tooMany[c] || n > spec.maxSynapses)
      return "the projection has more synapses than the limit of " + std::to_string(spec.maxSynapses);
  }
  offsets_.assign(sources + 1, 0);
  std::vector<std::vector<uint64_t>> next(chunks);
  for (unsigned c = 0; c < chunks; ++c)
    next[c].resize(sources);
  for (uint64_t s = 0; s < sources; ++s) {
    uint64_t at = offsets_[s]; // the row's start, then after earlier chunks' synapses
    for (unsigned c = 0; c < chunks; ++c) {
      next[c][s] = at;
      at += slot[c][s];
    }
    offsets_[s + 1] = at;
  }
  slot = {};
  // Every element is written below: no zero fill of the largest array.
  target_.resize(n);
  adviseHugePages(target_.data(), n * sizeof(uint32_t));
  runtime::forEachChunk(targets, chunks, [&](unsigned c, uint64_t begin, uint64_t end) {
    uint64_t *__restrict cursor = next[c].data();
    uint32_t *__restrict out = target_.data();
    const uint8_t *p = rows[c].data();
    for (uint64_t r = begin; r < end; ++r) {
      uint32_t t = uint32_t(spec.target.begin + r);
      uint64_t k = getVarint(p);
      int64_t src = 0;
      for (uint64_t i = 0; i < k; ++i) {
        src += unzigzag(getVarint(p));
        out[cursor[src]++] = t;
      }
    }
    rows[c] = {};
    next[c] = {};
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
