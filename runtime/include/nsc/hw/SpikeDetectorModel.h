//===- SpikeDetectorModel.h - MAD-threshold spike detector ------*- C++ -*-===//
//
// The spike detector of docs/verilog.md §7, bit for bit: the rule (one
// sample of one channel) and the cycle model of the generated module
// nsc_detector_POP, which the Verilator harness steps beside the RTL and
// compares on every cycle. Header-only, standard library only (the Verilog
// backend copies it next to the harness).
//
// Per channel c the state is {m, hold, warm}:
//   m     the running median of |x| in units of 2^-F sample LSB (F =
//         step_bits), tracked by a sign step: m moves toward F-scaled |x|
//         by 1 unit (2^F units while warming up) per sample;
//   hold  samples during which no spike may be reported (the warm-up after
//         reset, then the refractory period after each spike);
//   warm  set from reset until the warm-up ends (coarse step).
// For a sample x (signed, B = sample_bits):
//   a     = |x|                       (the MAD's statistic; 2^(B-1) for -2^(B-1))
//   v     = -x, x or |x|              (polarity negative, positive, both)
//   spike = hold == 0  and  v·2^(F+8) > m·G        (θ = m·2^-F·G/256 LSB)
//   m'    = m + d if a·2^F > m;  max(m - d, 0) if a·2^F < m;  m otherwise
//           (d = 2^F while warm, else 1)
//   hold' = R if spike, else max(hold - 1, 0)
//   warm' = warm and hold' != 0
// with G = round(α·256/0.6745) (Q8.8 of α/0.6745: θ = α·σ, σ = median/0.6745)
// and R the refractory period in samples. The comparison is exact (no
// rounding anywhere); out_theta reports ⌊m·G / 2^(F+8)⌋. Reset: m = 0,
// hold = warm-up W, warm = (W > 0).
//
// The unit (time-multiplexed over C channels, one sample per cycle):
//   reset    an C-cycle sweep writes the reset word to every channel's RAM
//            word (in_ready low)
//   stage 0  accepts in_valid & in_ready: channel, sample, in_last (the
//            last channel of this sampling instant); the word is read
//            (registered read, read-first)
//   stage 1  applies the rule, writes the word back (a one-entry forwarding
//            register covers a channel sampled in consecutive cycles),
//            registers out_valid/out_channel/out_spike/out_theta and ORs the
//            spike into the frame; with in_last the frame (bit c = channel
//            c) goes out on frame_valid with frame_time = instants so far
//            mod 2^TW, held until frame_ready
//   in_ready = !init_busy && !frame_valid && !(stage 1 holds a last sample)
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace nsc::hw {

enum class DetectorPolarity { Negative, Positive, Both };

/// The constants of one detector (what the Verilog gets as localparams).
struct SpikeDetectorConfig {
  unsigned sampleBits = 16; // B: signed samples in [-2^(B-1), 2^(B-1)-1]
  unsigned stepBits = 4;    // F: the median's fractional bits (step 2^-F LSB)
  int64_t gain = 0;         // G = round(α·256/0.6745)
  uint32_t refractory = 30; // R, samples
  uint32_t warmup = 2048;   // W, samples after reset without spikes (coarse step)
  DetectorPolarity polarity = DetectorPolarity::Negative;
};

/// G for a threshold of α·σ with σ = median|x| / 0.6745. False (with
/// `error`) outside (0, 100].
inline bool computeDetectorGain(double alpha, SpikeDetectorConfig &c, std::string &error) {
  if (!(alpha > 0) || !(alpha <= 100)) {
    error = "alpha must be in (0, 100]";
    return false;
  }
  c.gain = int64_t(std::nearbyint(alpha * 256.0 / 0.6745));
  if (c.gain < 1) {
    error = "alpha rounds to a gain of 0 in Q8.8";
    return false;
  }
  return true;
}

/// One channel's state (one RAM word of the unit).
struct DetectorChannel {
  int64_t m = 0;     // median estimate, units of 2^-F LSB
  uint32_t hold = 0; // samples until a spike may be reported again
  bool warm = false;
};

inline DetectorChannel detectorReset(const SpikeDetectorConfig &c) { return {0, c.warmup, c.warmup > 0}; }

/// θ in sample LSB, floor: what out_theta shows.
inline int64_t detectorTheta(const SpikeDetectorConfig &c, int64_t m) { return (m * c.gain) >> (c.stepBits + 8); }

/// Applies one sample `x` to channel state `s`; returns the spike bit.
inline bool detectorStep(const SpikeDetectorConfig &c, DetectorChannel &s, int64_t x) {
  const unsigned F = c.stepBits;
  const int64_t a = x < 0 ? -x : x;
  const int64_t v = c.polarity == DetectorPolarity::Negative ? -x : c.polarity == DetectorPolarity::Positive ? x : a;
  const bool spike = s.hold == 0 && v * (int64_t(1) << (F + 8)) > s.m * c.gain;
  const int64_t d = s.warm ? int64_t(1) << F : 1;
  const int64_t as = a * (int64_t(1) << F);
  if (as > s.m)
    s.m += d;
  else if (as < s.m)
    s.m = s.m > d ? s.m - d : 0;
#ifdef NSC_HW_WRONG_DETECTOR
  // The harness's self-test: a refractory period one sample short.
  const uint32_t r = c.refractory ? c.refractory - 1 : 0;
#else
  const uint32_t r = c.refractory;
#endif
  s.hold = spike ? r : (s.hold ? s.hold - 1 : 0);
  s.warm = s.warm && s.hold != 0;
  return spike;
}

struct SpikeDetectorInputs {
  bool rst = false, inValid = false, inLast = false, frameReady = false;
  uint32_t inChannel = 0;
  int64_t inSample = 0;
};

/// The cycle model of nsc_detector_POP (see the top of this file).
class SpikeDetectorUnitModel {
public:
  SpikeDetectorUnitModel(const SpikeDetectorConfig &c, uint32_t channels, unsigned timeBits)
      : c_(c), n_(channels), timeBits_(timeBits), ram_(channels), frameAcc_((channels + 63) / 64, 0),
        frameSpikes_(frameAcc_) {}

  // Outputs during the current cycle (registers only).
  bool inReady() const { return !initBusy_ && !frameValid_ && !(s1Valid_ && s1Last_); }
  bool outValid() const { return outValid_; }
  uint32_t outChannel() const { return outChannel_; }
  bool outSpike() const { return outSpike_; }
  int64_t outTheta() const { return outTheta_; }
  bool frameValid() const { return frameValid_; }
  const std::vector<uint64_t> &frameSpikes() const { return frameSpikes_; }
  uint64_t frameTime() const { return frameTime_; }

  /// The rising clock edge with these inputs applied.
  void tick(const SpikeDetectorInputs &in) {
    if (in.rst) {
      initBusy_ = true;
      initPtr_ = 0;
      s1Valid_ = outValid_ = fwdValid_ = outSpike_ = frameValid_ = false;
      outChannel_ = 0;
      outTheta_ = 0;
      frameCount_ = 0;
      frameTime_ = 0;
      std::fill(frameAcc_.begin(), frameAcc_.end(), 0);
      std::fill(frameSpikes_.begin(), frameSpikes_.end(), 0);
      return;
    }
    DetectorChannel read = in.inChannel < n_ ? ram_[in.inChannel] : DetectorChannel{};
    const bool accept = in.inValid && inReady();
    if (frameValid_ && in.frameReady)
      frameValid_ = false;
    bool nFwdValid = false;
    if (s1Valid_) {
      DetectorChannel s = fwdValid_ && fwdCh_ == s1Ch_ ? fwd_ : rd_;
      outTheta_ = detectorTheta(c_, s.m); // θ the sample was compared with
      bool spike = detectorStep(c_, s, s1Sample_);
      ram_[s1Ch_] = s;
      fwd_ = s;
      fwdCh_ = s1Ch_;
      nFwdValid = true;
      outChannel_ = s1Ch_;
      outSpike_ = spike;
      if (spike)
        frameAcc_[s1Ch_ / 64] |= uint64_t(1) << (s1Ch_ % 64);
      if (s1Last_) {
        frameSpikes_ = frameAcc_;
        std::fill(frameAcc_.begin(), frameAcc_.end(), 0);
        frameValid_ = true;
        frameTime_ = frameCount_;
        frameCount_ = timeBits_ >= 64 ? frameCount_ + 1 : (frameCount_ + 1) & ((uint64_t(1) << timeBits_) - 1);
      }
    }
    outValid_ = s1Valid_;
    fwdValid_ = nFwdValid;
    if (initBusy_) {
      ram_[initPtr_] = detectorReset(c_);
      if (initPtr_ + 1 == n_)
        initBusy_ = false;
      else
        ++initPtr_;
    }
    s1Valid_ = accept;
    s1Ch_ = in.inChannel;
    s1Sample_ = in.inSample;
    s1Last_ = in.inLast;
    rd_ = read;
  }

private:
  SpikeDetectorConfig c_;
  uint32_t n_;
  unsigned timeBits_;
  std::vector<DetectorChannel> ram_;
  bool initBusy_ = true;
  uint32_t initPtr_ = 0;
  bool s1Valid_ = false, s1Last_ = false;
  uint32_t s1Ch_ = 0;
  int64_t s1Sample_ = 0;
  DetectorChannel rd_;
  bool fwdValid_ = false;
  uint32_t fwdCh_ = 0;
  DetectorChannel fwd_;
  bool outValid_ = false, outSpike_ = false;
  uint32_t outChannel_ = 0;
  int64_t outTheta_ = 0;
  std::vector<uint64_t> frameAcc_, frameSpikes_;
  bool frameValid_ = false;
  uint64_t frameCount_ = 0, frameTime_ = 0;
};

} // namespace nsc::hw
