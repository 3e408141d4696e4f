//===- SpikeDetector.h - Per-channel MAD threshold spike detection -*- C++ -*-===//
//
// Stage 1 of the closed loop (docs/closed-loop.md §1). Each channel c of a
// multi-electrode array has its own threshold from the median absolute
// deviation of its signal:
//
//     m_c(f) = median |V_c| over the samples of frame f
//     σ_c    = median(m_c(f−M+1), ..., m_c(f)) / 0.6745
//     θ_c    = α · σ_c                              (α = 5 by default)
//
// i.e. the noise estimate of a frame is the median of the per-frame medians
// of the last M frames (M = noiseFrames, the frame itself included), so it
// follows slow drift but one frame full of spikes cannot move it much, and
// the cost per frame stays one pass over the frame's samples
// (medianAbsWithGuess: the previous median narrows the selection).
//
// A spike is detected at sample t of channel c when V_c(t) is beyond the
// threshold (V < −θ for Polarity::Negative, the default: extracellular
// spikes are negative troughs; V > θ for Positive; |V| > θ for Both), the
// sample before it was not, and at least `refractorySamples` samples have
// passed since the channel's last detection. The previous sample and the
// last detection are carried across frame boundaries. A channel whose
// threshold is 0 (a dead or flat electrode) detects nothing.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::loop {

enum class Polarity { Negative, Positive, Both };

/// "negative", "positive", "both".
const char *polarityName(Polarity p);
/// Parses a polarityName; false for anything else.
bool parsePolarity(const std::string &text, Polarity &out);

struct DetectorConfig {
  uint32_t channels = 0;
  double alpha = 5.0;              // θ = α·σ
  uint32_t refractorySamples = 30; // per channel
  Polarity polarity = Polarity::Negative;
  uint32_t noiseFrames = 10;       // M: frames whose medians give σ
};

/// Checks a configuration: "" when it is usable, else what is wrong.
std::string checkDetectorConfig(const DetectorConfig &config);

/// One detection: `sample` counts from the first sample the detector saw
/// (0-based, across frames); `value` is V at that sample.
struct DetectedSpike {
  uint32_t channel = 0;
  uint64_t sample = 0;
  double value = 0;
};

/// The median of `values` (the mean of the two middle values for an even
/// count; 0 for none). Reorders `values`.
double medianInPlace(std::vector<double> &values);

/// The median of |x_t|, t < n, x_t = data[t·stride] — the same value as
/// medianInPlace — found fast when it lies within ±10% of `guess` (the
/// previous frame's): one branch-free pass counts the values below the
/// band and gathers those inside it (about a tenth of them for noise),
/// and only those are selected. Otherwise (first frame, a jump) it selects
/// among all values. `scratch` and `band` are working storage.
double medianAbsWithGuess(const double *data, uint64_t n, uint64_t stride, double guess,
                          std::vector<double> &scratch, std::vector<double> &band);

class MadSpikeDetector {
public:
  /// The configuration must pass checkDetectorConfig.
  explicit MadSpikeDetector(const DetectorConfig &config);

  /// Detects the spikes of one frame: `samples` rows of `channels` values,
  /// row-major (sample-major, as an MEA delivers them). Appends to `out`
  /// ordered by sample, then channel. An empty frame changes nothing.
  void detect(const double *frame, uint64_t samples, std::vector<DetectedSpike> &out);

  /// θ_c and σ_c in effect for the last frame (0 before the first).
  const std::vector<double> &thresholds() const { return theta_; }
  const std::vector<double> &sigmas() const { return sigma_; }
  /// Samples per channel seen so far (the next frame's first sample).
  uint64_t samplesSeen() const { return seen_; }
  const DetectorConfig &config() const { return config_; }
  /// Back to the state before the first frame.
  void reset();

private:
  /// Appends channel c's detections of the frame; `beyond(v)` tests a sample.
  template <class Beyond>
  void crossings(const double *frame, uint64_t samples, uint32_t c, Beyond beyond, std::vector<DetectedSpike> &out);

  DetectorConfig config_;
  uint64_t seen_ = 0;
  uint64_t frames_ = 0;                 // frames with samples so far
  std::vector<double> medians_;         // ring: channels × noiseFrames
  std::vector<double> theta_, sigma_;
  std::vector<double> previous_;        // last sample of each channel
  std::vector<uint64_t> lastDetection_; // per channel
  std::vector<uint8_t> detected_;       // per channel: any detection yet
  std::vector<double> column_, band_, scratch_;
};

} // namespace nsc::loop
