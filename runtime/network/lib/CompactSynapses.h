//===- CompactSynapses.h - Static synapses in CSR by source -----*- C++ -*-===//
//
// One projection's static synapses, grouped by source neuron (CSR) in the
// reference order of docs/semantics.md R17, each field in the smallest type
// that holds every value exactly:
//   target  uint32 (a population has fewer than 2^32 neurons)
//   weight  nothing when all are equal; float when every weight is a
//           binary32 value (the float64 sum is then unchanged); else double
//   delay   nothing when all are equal; else uint8/uint16/uint32 steps
// A weight keeps its sign; with a split port (R15) a negative weight
// delivers |w| to the negative port at spike time, as the reference does.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Connectivity.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nsc::network {

/// An allocator whose resize() leaves new elements uninitialised (the
/// caller writes every one): no zero fill of hundreds of megabytes.
template <class T> struct UninitialisedAllocator : std::allocator<T> {
  template <class U> struct rebind {
    using other = UninitialisedAllocator<U>;
  };
  UninitialisedAllocator() = default;
  template <class U> UninitialisedAllocator(const UninitialisedAllocator<U> &) {}
  template <class U, class... Args> void construct(U *p, Args &&...args) {
    if constexpr (sizeof...(Args) == 0)
      ::new (static_cast<void *>(p)) U;
    else
      ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
  }
};

class CompactSynapses {
public:
  enum class WeightKind { Constant, Float32, Float64 };
  enum class DelayKind { Constant, U8, U16, U32 };

  /// From synapses in list order (source, target, weight, delay in steps).
  /// Sorting by source is stable, so rows keep the list's order.
  void build(uint64_t sources, const std::vector<uint32_t> &source, const std::vector<uint32_t> &target,
             const std::vector<double> &weight, const std::vector<uint32_t> &delaySteps);

  /// The rows of a target-owned rule (runtime::rowsOwnedByTarget) drawn
  /// straight into the CSR with one weight and one delay, on `threads`
  /// threads over contiguous target ranges: each draws its rows once,
  /// counting per source and keeping them packed (varint differences, about
  /// 2 bytes a synapse), then places them; no synapse list is held. The arrays
  /// equal build()'s on the list of the same rows, for any thread count.
  /// Only the rows of targets in [ownedBegin, ownedEnd) (indices in the
  /// target population) are drawn: an MPI rank builds the synapses onto the
  /// neurons it updates, the same rows as a full build (R33).
  /// Returns an error (the synapse limit) or empty.
  std::string buildFromRows(const runtime::ConnectionSpec &spec, uint64_t sources, double weight,
                            uint32_t delaySteps, unsigned threads, uint64_t ownedBegin = 0,
                            uint64_t ownedEnd = UINT64_MAX);
  /// The bytes buildFromRows expects one packed row of `spec` to take.
  static double packedRowBytes(const runtime::ConnectionSpec &spec);

  uint64_t size() const { return target_.size(); }
  uint64_t rowBegin(uint64_t s) const { return offsets_[s]; }
  uint64_t rowEnd(uint64_t s) const { return offsets_[s + 1]; }
  uint32_t target(uint64_t at) const { return target_[at]; }
  double weight(uint64_t at) const {
    switch (weightKind_) {
    case WeightKind::Constant: return constantWeight_;
    case WeightKind::Float32: return double(w32_[at]);
    default: return w64_[at];
    }
  }
  uint32_t delay(uint64_t at) const {
    switch (delayKind_) {
    case DelayKind::Constant: return constantDelay_;
    case DelayKind::U8: return d8_[at];
    case DelayKind::U16: return d16_[at];
    default: return d32_[at];
    }
  }
  uint32_t maxDelay() const { return maxDelay_; }
  WeightKind weightKind() const { return weightKind_; }
  DelayKind delayKind() const { return delayKind_; }
  double constantWeight() const { return constantWeight_; }
  uint32_t constantDelay() const { return constantDelay_; }
  const uint32_t *targets() const { return target_.data(); }
  const float *weights32() const { return w32_.data(); }
  const double *weights64() const { return w64_.data(); }
  /// Bytes held (row offsets, targets, weights, delays).
  uint64_t bytes() const;
  /// "uint32 target, float weight, constant delay" for reports.
  std::string layout() const;

private:
  std::vector<uint64_t> offsets_;
  std::vector<uint32_t, UninitialisedAllocator<uint32_t>> target_;
  WeightKind weightKind_ = WeightKind::Constant;
  double constantWeight_ = 0;
  std::vector<float> w32_;
  std::vector<double> w64_;
  DelayKind delayKind_ = DelayKind::Constant;
  uint32_t constantDelay_ = 1, maxDelay_ = 1;
  std::vector<uint8_t> d8_;
  std::vector<uint16_t> d16_;
  std::vector<uint32_t> d32_;
};

} // namespace nsc::network
