//===- FrameHomeostat.cpp - The Q8.8 threshold rule, one window per frame -===//
#include "nsc/loop/FrameHomeostat.h"

#include <cmath>

namespace nsc::loop {

bool FrameHomeostat::init(const FrameHomeostatConfig &c, double frame_ms, const std::vector<double> &thresholds,
                          std::string &error) {
  if (c.thetaMin > c.thetaMax || c.thetaMin < -32768 || c.thetaMax > 32767) {
    error = "the homeostat's bounds must satisfy -32768 <= theta_min <= theta_max <= 32767 (Q8.8)";
    return false;
  }
  config_ = c;
  if (!retime(frame_ms, error))
    return false;
  neurons_.clear();
  for (double v : thresholds)
    neurons_.push_back(hw::homeostatInit(hw_, int64_t(std::llround(v * 256.0))));
  return true;
}

bool FrameHomeostat::retime(double frame_ms, std::string &error) {
  hw::HomeostatConfig h;
  h.thetaMin = config_.thetaMin;
  h.thetaMax = config_.thetaMax;
  h.mode = config_.mode;
  if (!hw::computeHomeostatConstants(config_.targetRate_hz, config_.tau_s, frame_ms, 1, h, error))
    return false;
  hw_ = h;
  frame_ms_ = frame_ms;
  return true;
}

void FrameHomeostat::update(const std::vector<uint32_t> &counts, std::vector<double> &thresholds) {
  thresholds.resize(neurons_.size());
  for (size_t n = 0; n < neurons_.size(); ++n) {
    // The window's count, then its last step: the rule of Homeostat.h.
    neurons_[n].count = n < counts.size() ? counts[n] : 0;
    int64_t theta = hw::homeostatStep(hw_, neurons_[n], false, true);
    thresholds[n] = double(theta) / 256.0;
  }
}

std::vector<int64_t> FrameHomeostat::theta() const {
  std::vector<int64_t> out;
  for (const hw::HomeostatNeuron &n : neurons_)
    out.push_back(hw::thetaOf(n.acc));
  return out;
}

} // namespace nsc::loop
