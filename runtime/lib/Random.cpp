//===- Random.cpp - Uniform sequences and derived variates ----------------===//

#include "nsc/runtime/Random.h"
#include "nsc/runtime/PortableMath.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace nsc::runtime {

double uniformFromWords(uint32_t a, uint32_t b) {
  // Both products and the sum are exact: the result has at most 53 bits.
  return (double(a >> 5) * 67108864.0 + double(b >> 6)) * 0x1p-53;
}

double boxMuller(double ua, double ub, double &z1) {
  double r = std::sqrt(-2.0 * portable::ln(1.0 - ua));
  double angle = 2.0 * ub;
  z1 = r * portable::sinpi(angle);
  return r * portable::cospi(angle);
}

RandomStream::RandomStream(PhiloxKey key, uint64_t i, uint16_t j, uint64_t k, bool perStep)
    : key_(key), i_(i), j_(j), k_(k), perStep_(perStep) {
  if (i >= kMaxCounterIndex)
    throw std::out_of_range("random stream index " + std::to_string(i) +
                            " does not fit the 48-bit counter field");
}

RandomStream RandomStream::perIndex(PhiloxKey key, uint64_t i, uint16_t j) {
  return RandomStream(key, i, j, 0, false);
}

RandomStream RandomStream::perStep(PhiloxKey key, uint64_t i, uint64_t step) {
  return RandomStream(key, i, 0, step, true);
}

RandomStream RandomStream::perStep(uint64_t seed, uint32_t p, Stream s, uint64_t i,
                                   uint64_t step) {
  if (!isPerStepStream(s))
    throw std::invalid_argument("stream " + std::to_string(uint32_t(s)) +
                                " is not a per-step stream");
  return perStep(deriveStreamKey(seed, p, s), i, step);
}

RandomStream RandomStream::perIndex(uint64_t seed, uint32_t p, Stream s, uint64_t i,
                                    uint16_t j) {
  if (isPerStepStream(s))
    throw std::invalid_argument("stream " + std::to_string(uint32_t(s)) +
                                " is a per-step stream");
  return perIndex(deriveStreamKey(seed, p, s), i, j);
}

PhiloxBlock RandomStream::blockAt(uint64_t b) const {
  if (perStep_) {
    if (b > 0xFFFFu)
      throw std::overflow_error("more than 65536 random blocks for index " +
                                std::to_string(i_) + " in step " + std::to_string(k_));
    return philox4x32_10(makeCounter(i_, uint16_t(b), k_), key_);
  }
  return philox4x32_10(makeCounter(i_, j_, b), key_);
}

double RandomStream::uniform() {
  uint64_t b = next_ >> 1;
  if (b != cachedBlock_) {
    words_ = blockAt(b);
    cachedBlock_ = b;
  }
  double u = (next_ & 1) ? uniformFromWords(words_[2], words_[3])
                         : uniformFromWords(words_[0], words_[1]);
  ++next_;
  return u;
}

double RandomStream::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double RandomStream::normal() {
  if (cache_.hasValue) {
    cache_.hasValue = false;
    return cache_.z1;
  }
  double ua = uniform();
  double ub = uniform();
  double z0 = boxMuller(ua, ub, cache_.z1);
  cache_.hasValue = true;
  return z0;
}

double RandomStream::normal(double mean, double sd) { return mean + sd * normal(); }

double RandomStream::lognormal(double mu, double sigma) {
  return portable::exp(mu + sigma * normal());
}

double RandomStream::exponential(double mean) {
  return -mean * portable::ln(1.0 - uniform());
}

namespace {
/// One inversion draw for 0 <= lambda <= 30.
uint64_t poissonInversion(double lambda, double u) {
  uint64_t x = 0;
  double p = portable::exp(-lambda);
  double F = p;
  // R35 stops at F >= 1; the extra test stops where the terms no longer
  // change F (F can level off just below 1), so the loop always ends.
  while (u > F && F < 1.0) {
    x += 1;
    p *= lambda / double(x);
    double next = F + p;
    if (next == F)
      break;
    F = next;
  }
  return x;
}
} // namespace

uint64_t RandomStream::poisson(double lambda) {
  if (!(lambda >= 0) || lambda == HUGE_VAL)
    throw std::domain_error("Poisson mean must be finite and non-negative, got " +
                            std::to_string(lambda));
  if (lambda <= 30.0)
    return poissonInversion(lambda, uniform());
  double parts = std::ceil(lambda / 30.0);
  double sub = lambda / parts;
  uint64_t total = 0;
  for (double n = 0; n < parts; n += 1.0)
    total += poissonInversion(sub, uniform());
  return total;
}

void RandomStream::resetStep(uint64_t step) {
  k_ = step;
  next_ = 0;
  cachedBlock_ = ~uint64_t(0);
  cache_.clear();
}

uint64_t poissonSourceCount(const PhiloxKey &streamKey, uint64_t neuron, uint64_t step,
                            double rateHz, double dtMs) {
  RandomStream s = RandomStream::perStep(streamKey, neuron, step);
  return s.poisson(rateHz * dtMs / 1000.0);
}

PoissonSourceCounter::PoissonSourceCounter(double rateHz, double dtMs)
    : rateHz_(rateHz), dtMs_(dtMs), lambda_(rateHz * dtMs / 1000.0),
      none_(lambda_ >= 0 && lambda_ <= 30.0 ? portable::exp(-lambda_) : -1.0) {}

uint64_t PoissonSourceCounter::count(const PhiloxKey &streamKey, uint64_t neuron, uint64_t step) const {
  if (none_ < 0) // large or invalid means: the general path
    return poissonSourceCount(streamKey, neuron, step, rateHz_, dtMs_);
  RandomStream s = RandomStream::perStep(streamKey, neuron, step);
  double u = s.uniform();
  // poissonInversion's loop starts with F = exp(-lambda) and returns 0
  // when u <= F.
  if (!(u > none_) || !(none_ < 1.0))
    return 0;
  return poissonInversion(lambda_, u);
}

} // namespace nsc::runtime
