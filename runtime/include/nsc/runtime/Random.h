//===- Random.h - Uniform sequences and derived variates (R34, R35) -*- C++ -*-===//
//
// A RandomStream is the sequence U_0, U_1, ... of one (key, i, j) — the
// build-time streams, block index in k — or one (key, i, k) — the per-step
// streams, block index in j (docs/semantics.md R33, R34). Block b gives
// U_2b from words (0, 1) and U_2b+1 from words (2, 3). Each variate consumes
// uniforms in call order, so two backends that make the same calls on the
// same stream get the same values bit for bit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Philox.h"

#include <cstdint>

namespace nsc::runtime {

/// U = ((a >> 5)·2^26 + (b >> 6))·2^-53 (R34): 53 random bits in [0, 1).
double uniformFromWords(uint32_t a, uint32_t b);

/// Box–Muller on two uniforms (R35): r = sqrt(-2·ln(1 - ua)),
/// z0 = r·cospi(2·ub), z1 = r·sinpi(2·ub). Returns z0, stores z1.
double boxMuller(double ua, double ub, double &z1);

/// The z1 of R35 that a `random_normal` keeps for the next normal draw of
/// the same neuron in the same step; cleared at the end of the step.
struct NormalCache {
  bool hasValue = false;
  double z1 = 0;
  void clear() { hasValue = false; }
};

class RandomStream {
public:
  /// Build-time stream (key, i, j): the block index is k (streams 2–5).
  static RandomStream perIndex(PhiloxKey key, uint64_t i, uint16_t j);
  /// Per-step stream (key, i, step): the block index is j (streams 0, 1, 6).
  static RandomStream perStep(PhiloxKey key, uint64_t i, uint64_t step);
  /// Convenience: key K(p, s) from the network seed (R33, R38), then the
  /// stream of neuron/synapse i in `step`. s must be a per-step stream.
  static RandomStream perStep(uint64_t seed, uint32_t p, Stream s, uint64_t i, uint64_t step);
  /// Convenience: key K(p, s), stream (i, j). s must be a build-time stream.
  static RandomStream perIndex(uint64_t seed, uint32_t p, Stream s, uint64_t i, uint16_t j);

  /// Next uniform U in [0, 1). Throws std::overflow_error when a per-step
  /// stream needs more than 2^16 blocks (2^17 uniforms) in one step.
  double uniform();
  /// lo + (hi - lo)·U.
  double uniform(double lo, double hi);
  /// Standard normal: the cached z1 if there is one, else Box–Muller on the
  /// next two uniforms, caching z1 (R35).
  double normal();
  /// mean + sd·z.
  double normal(double mean, double sd);
  /// exp(mu + sigma·z).
  double lognormal(double mu, double sigma);
  /// -mean·ln(1 - U).
  double exponential(double mean);
  /// Poisson(lambda) by inversion, one uniform per draw; lambda > 30 is the
  /// sum of ceil(lambda/30) draws of lambda/ceil(lambda/30) (R35). Throws
  /// std::domain_error unless 0 <= lambda < inf.
  uint64_t poisson(double lambda);

  /// Moves a per-step stream to `step` (block 0, cache cleared), so one
  /// object per neuron can be reused step after step.
  void resetStep(uint64_t step);

  /// Uniforms consumed so far (the index of the next U).
  uint64_t position() const { return next_; }
  NormalCache &normalCache() { return cache_; }
  const PhiloxKey &key() const { return key_; }
  uint64_t index() const { return i_; }

private:
  RandomStream(PhiloxKey key, uint64_t i, uint16_t j, uint64_t k, bool perStep);
  PhiloxBlock blockAt(uint64_t b) const;

  PhiloxKey key_;
  uint64_t i_;
  uint16_t j_;    // fixed j of a build-time stream
  uint64_t k_;    // fixed k (the step) of a per-step stream
  bool perStep_;
  uint64_t next_ = 0;
  uint64_t cachedBlock_ = ~uint64_t(0);
  PhiloxBlock words_{};
  NormalCache cache_;
};

/// One Poisson draw for R20's source: the count of neuron i of a
/// poisson_generator in step k, n ~ Poisson(lambda) from stream 0 with
/// lambda = rateHz * dtMs / 1000 (evaluated in that order). The caller
/// checks that the neuron is active (Schedule.h).
uint64_t poissonSourceCount(const PhiloxKey &streamKey, uint64_t neuron, uint64_t step,
                            double rateHz, double dtMs);

/// The same draws for many neurons of one step: exp(-lambda) is computed
/// once, and a draw below it (no spike, the common case) ends there. Equal
/// to poissonSourceCount for every neuron.
class PoissonSourceCounter {
public:
  PoissonSourceCounter(double rateHz, double dtMs);
  uint64_t count(const PhiloxKey &streamKey, uint64_t neuron, uint64_t step) const;

private:
  double rateHz_, dtMs_, lambda_, none_; // none_ = exp(-lambda): the probability of no spike
};

} // namespace nsc::runtime
