//===- SpikeDetector.cpp - Per-channel MAD threshold spike detection ------===//
#include "nsc/loop/SpikeDetector.h"

#include <algorithm>
#include <cmath>

namespace nsc::loop {

const char *polarityName(Polarity p) {
  switch (p) {
  case Polarity::Negative:
    return "negative";
  case Polarity::Positive:
    return "positive";
  case Polarity::Both:
    return "both";
  }
  return "negative";
}

bool parsePolarity(const std::string &text, Polarity &out) {
  for (Polarity p : {Polarity::Negative, Polarity::Positive, Polarity::Both})
    if (text == polarityName(p)) {
      out = p;
      return true;
    }
  return false;
}

std::string checkDetectorConfig(const DetectorConfig &c) {
  if (c.channels == 0)
    return "the number of channels must be at least 1";
  if (!std::isfinite(c.alpha) || !(c.alpha > 0))
    return "the threshold factor alpha must be a positive number";
  if (c.noiseFrames == 0 || c.noiseFrames > 4096)
    return "the noise window must be 1 to 4096 frames";
  return "";
}

double medianInPlace(std::vector<double> &values) {
  size_t n = values.size();
  if (n == 0)
    return 0;
  auto mid = values.begin() + std::ptrdiff_t(n / 2);
  std::nth_element(values.begin(), mid, values.end());
  double upper = *mid;
  if (n % 2)
    return upper;
  // The lower middle is the largest value below `mid`.
  double lower = *std::max_element(values.begin(), mid);
  return 0.5 * (lower + upper);
}

double medianAbsWithGuess(const double *data, uint64_t n, uint64_t stride, double guess,
                          std::vector<double> &scratch, std::vector<double> &band) {
  if (n == 0)
    return 0;
  const double lo = 0.9 * guess, hi = 1.1 * guess;
  scratch.resize(n);
  band.resize(n);
  uint64_t below = 0, inBand = 0;
  for (uint64_t t = 0; t < n; ++t) {
    double a = std::fabs(data[t * stride]);
    scratch[t] = a;
    below += a < lo;
    band[inBand] = a;
    inBand += (a >= lo) & (a <= hi);
  }
  // The middle ranks: k (and k - 1 for an even count), 0-based.
  const uint64_t k = n / 2, first = n % 2 ? k : k - 1;
  if (!(guess > 0) || first < below || k >= below + inBand)
    return medianInPlace(scratch);
  auto begin = band.begin(), mid = begin + std::ptrdiff_t(k - below), end = begin + std::ptrdiff_t(inBand);
  std::nth_element(begin, mid, end);
  double upper = *mid;
  if (n % 2)
    return upper;
  double lower = *std::max_element(begin, mid); // first >= below: the left part is not empty
  return 0.5 * (lower + upper);
}

MadSpikeDetector::MadSpikeDetector(const DetectorConfig &config) : config_(config) { reset(); }

void MadSpikeDetector::reset() {
  const uint32_t C = config_.channels;
  seen_ = 0;
  frames_ = 0;
  medians_.assign(size_t(C) * config_.noiseFrames, 0.0);
  theta_.assign(C, 0.0);
  sigma_.assign(C, 0.0);
  previous_.assign(C, 0.0);
  lastDetection_.assign(C, 0);
  detected_.assign(C, 0);
}

template <class Beyond>
void MadSpikeDetector::crossings(const double *frame, uint64_t samples, uint32_t c, Beyond beyond,
                                 std::vector<DetectedSpike> &out) {
  const uint32_t C = config_.channels;
  bool prevBeyond = seen_ > 0 && beyond(previous_[c]);
  for (uint64_t t = 0; t < samples; ++t) {
    const double v = frame[t * C + c];
    const bool now = beyond(v);
    if (now && !prevBeyond) {
      const uint64_t s = seen_ + t;
      if (!detected_[c] || s - lastDetection_[c] >= config_.refractorySamples) {
        out.push_back({c, s, v});
        lastDetection_[c] = s;
        detected_[c] = 1;
      }
    }
    prevBeyond = now;
  }
}

void MadSpikeDetector::detect(const double *frame, uint64_t samples, std::vector<DetectedSpike> &out) {
  if (samples == 0)
    return;
  const uint32_t C = config_.channels, M = config_.noiseFrames;
  const size_t first = out.size();
  const uint32_t window = uint32_t(std::min<uint64_t>(frames_ + 1, M));
  const size_t slot = size_t(frames_ % M);
  for (uint32_t c = 0; c < C; ++c) {
    // This frame's median |V|, then σ from the last M frames' medians.
    double *ring = &medians_[size_t(c) * M];
    const double guess = frames_ ? ring[(frames_ - 1) % M] : 0.0;
    ring[slot] = medianAbsWithGuess(frame + c, samples, C, guess, column_, band_);
    scratch_.assign(ring, ring + window);
    sigma_[c] = medianInPlace(scratch_) / 0.6745;
    const double theta = config_.alpha * sigma_[c];
    theta_[c] = theta;
    if (!(theta > 0)) {
      previous_[c] = frame[(samples - 1) * C + c];
      continue;
    }
    switch (config_.polarity) { // one loop per polarity: the test inlines
    case Polarity::Negative:
      crossings(frame, samples, c, [theta](double v) { return v < -theta; }, out);
      break;
    case Polarity::Positive:
      crossings(frame, samples, c, [theta](double v) { return v > theta; }, out);
      break;
    case Polarity::Both:
      crossings(frame, samples, c, [theta](double v) { return std::fabs(v) > theta; }, out);
      break;
    }
    previous_[c] = frame[(samples - 1) * C + c];
  }
  std::sort(out.begin() + std::ptrdiff_t(first), out.end(), [](const DetectedSpike &a, const DetectedSpike &b) {
    return a.sample != b.sample ? a.sample < b.sample : a.channel < b.channel;
  });
  seen_ += samples;
  ++frames_;
}

} // namespace nsc::loop
