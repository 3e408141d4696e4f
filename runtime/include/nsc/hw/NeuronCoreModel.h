//===- NeuronCoreModel.h - Cycle model of the fixed-point neuron core -*- C++ -*-===//
//
// What the generated nsc_core_POP module does on every clock edge
// (docs/verilog.md §6), in C++. The arithmetic of a neuron's step is
// runFxProgram (FixedProgram.h); this file adds the schedule:
//
//   reset     an N-cycle sweep writes every neuron's initial state word,
//             its initial threshold and empty input sums (nothing is ready)
//   inputs    in_valid/in_ready: (neuron, port, raw weight) events, summed
//             exactly per neuron and port for the next step (2-stage
//             read-modify-write with forwarding)
//   step      step_valid/step_ready: one start cycle, then neurons 0..N-1
//             one per cycle: stage 0 reads the state, θ and input words
//             (and clears the input words), stage 1 runs the program,
//             writes the state back and sends (id, spike, last-of-window)
//             to the homeostat
//   θ         theta_valid/theta_id/theta (Q8.8) from the homeostat are
//             converted to the format and written into the θ RAM
//   frame     after the last neuron, the step's spike bits and timestamp
//             (steps done, mod 2^TW) wait on frame_valid for the encoder;
//             the next step is accepted once it has been taken
//   overflow  sticky: some fixed-point result left the format's range
//
//===----------------------------------------------------------------------===//
#pragma once

#include "FixedProgram.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace nsc::hw {

struct NeuronCoreConfig {
  uint32_t n = 1;
  uint32_t window = 1;       // the homeostat's W (spk_last), 1 without one
  unsigned timeBits = 16;
  bool homeostat = false;    // θ comes from the homeostat (else a constant of the program)
  std::vector<int64_t> initState; // per state variable
  int64_t thetaInit = 0;     // raw, the format (homeostat only)
  int sumBits = 24;          // input accumulator width (the format's width in wrap mode)
};

struct NeuronCoreInputs {
  bool rst = false;
  bool inValid = false;
  uint32_t inId = 0, inPort = 0;
  int64_t inWeight = 0; // raw, sign-extended
  bool stepValid = false;
  bool thetaValid = false; // from the homeostat
  uint32_t thetaId = 0;
  int64_t theta = 0;       // Q8.8
  bool hsReady = true;     // the homeostat's in_ready
  bool frameReady = false; // the encoder's frame_ready
};

class NeuronCoreModel {
public:
  NeuronCoreModel(const FxProgram &p, const NeuronCoreConfig &c)
      : p_(p), c_(c), state_(size_t(c.n) * p.stateKinds.size()), theta_(c.n), sum_(size_t(c.n) * p.ports),
        recv_(size_t(c.n) * p.ports), frame_((c.n + 63) / 64), rdState_(p.stateKinds.size()), rdSum_(p.ports),
        rdRecv_(p.ports) {}

  // Outputs during the current cycle (registers only).
  bool inReady() const { return !initBusy_ && !start_ && !sweeping_; }
  /// `hsReady`: the homeostat's in_ready (true without one).
  bool stepReady(bool hsReady) const {
    return !initBusy_ && !start_ && !sweeping_ && !s1Valid_ && !frameFull_ && hsReady;
  }
  bool spkValid() const { return spkValid_; }
  uint32_t spkId() const { return spkId_; }
  bool spkSpike() const { return spkSpike_; }
  bool spkLast() const { return spkLast_; }
  bool frameValid() const { return frameFull_; }
  const std::vector<uint64_t> &frameSpikes() const { return frame_; }
  uint64_t frameTime() const { return frameTime_; }
  bool overflow() const { return overflow_; }
  /// Raw state of neuron i, variable s (for tests).
  int64_t state(uint32_t i, size_t s) const { return state_[size_t(i) * p_.stateKinds.size() + s]; }

  void tick(const NeuronCoreInputs &in) {
    if (in.rst) {
      initBusy_ = true;
      initPtr_ = 0;
      start_ = sweeping_ = s1Valid_ = a1Valid_ = fwdValid_ = false;
      spkValid_ = spkSpike_ = spkLast_ = false;
      spkId_ = 0;
      frameFull_ = false;
      std::fill(frame_.begin(), frame_.end(), 0);
      frameTime_ = stamp_ = 0;
      win_ = 0;
      overflow_ = false;
      return;
    }
    const size_t S = p_.stateKinds.size(), P = p_.ports;
    const uint64_t sumMask = c_.sumBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << c_.sumBits) - 1;
    auto wrapSum = [&](int64_t v) {
      uint64_t u = uint64_t(v) & sumMask;
      if (c_.sumBits < 64 && (u >> (c_.sumBits - 1)))
        u |= ~sumMask;
      return int64_t(u);
    };
    // Values read at this edge (read-first: before this edge's writes).
    const bool acceptIn = in.inValid && inReady();
    const bool acceptStep = in.stepValid && stepReady(in.hsReady);
    const bool frameTaken = frameFull_ && in.frameReady;
    if (frameTaken)
      frameFull_ = false;
    const uint32_t ra = sweeping_ ? sweepPtr_ : in.inId;
    std::vector<int64_t> rSum(P), rStateW(S);
    std::vector<bool> rRecv(P);
    int64_t rTheta = 0;
    if (ra < c_.n) {
      for (size_t q = 0; q < P; ++q) {
        rSum[q] = sum_[size_t(ra) * P + q];
        rRecv[q] = recv_[size_t(ra) * P + q];
      }
      for (size_t s = 0; s < S; ++s)
        rStateW[s] = state_[size_t(ra) * S + s];
      rTheta = theta_[ra];
    }

    // --- stage 1 of a step: run the program, write back ---
    bool nSpkValid = false;
    if (s1Valid_) {
      FxNeuronStep st;
      st.state = rdState_.data();
      st.theta = rdTheta_;
      st.portSum = rdSum_.data();
      std::unique_ptr<bool[]> recvArr(new bool[P + 1]());
      for (size_t q = 0; q < P; ++q)
        recvArr[q] = rdRecv_[q];
      st.portRecv = recvArr.get();
      std::vector<int64_t> next(S);
      bool ovf = false;
      bool spike = runFxProgram(p_, st, next.data(), ovf, scratch_);
      for (size_t s = 0; s < S; ++s)
        state_[size_t(s1Id_) * S + s] = next[s];
      overflow_ = overflow_ || ovf;
      nSpkValid = true;
      spkId_ = s1Id_;
      spkSpike_ = spike;
      spkLast_ = win_ == c_.window - 1;
      // The frame fills by shifting in from the top: neuron i ends in bit i.
      shiftFrameIn(spike);
      if (s1Id_ == c_.n - 1) {
        frameFull_ = true;
        frameTime_ = (stamp_ + 1) & timeMask();
        stamp_ = (stamp_ + 1) & timeMask();
        win_ = win_ + 1 == c_.window ? 0 : win_ + 1;
      }
    }
    spkValid_ = nSpkValid;

    // --- θ write-back from the homeostat ---
    if (c_.homeostat && in.thetaValid && in.thetaId < c_.n)
      theta_[in.thetaId] = thetaToFormat(in.theta, p_.format);

    // --- input accumulation, stage 1 ---
    bool nFwdValid = false;
    if (a1Valid_) {
      int64_t cur = (fwdValid_ && fwdId_ == a1Id_ && fwdPort_ == a1Port_) ? fwdSum_ : a1RdSum_;
      int64_t v = wrapSum(cur + a1Weight_);
      if (a1Port_ < P) {
        sum_[size_t(a1Id_) * P + a1Port_] = v;
        recv_[size_t(a1Id_) * P + a1Port_] = true;
      }
      fwdId_ = a1Id_;
      fwdPort_ = a1Port_;
      fwdSum_ = v;
      nFwdValid = true;
    }
    fwdValid_ = nFwdValid;

    // --- stage 0 of a step: read and clear the inputs ---
    bool nS1Valid = false;
    if (sweeping_) {
      for (size_t q = 0; q < P; ++q) {
        sum_[size_t(sweepPtr_) * P + q] = 0;
        recv_[size_t(sweepPtr_) * P + q] = false;
      }
      rdState_ = rStateW;
      rdTheta_ = rTheta;
      rdSum_ = rSum;
      for (size_t q = 0; q < P; ++q)
        rdRecv_[q] = rRecv[q];
      nS1Valid = true;
      s1Id_ = sweepPtr_;
      if (sweepPtr_ == c_.n - 1)
        sweeping_ = false;
      else
        ++sweepPtr_;
    } else if (start_) {
      start_ = false;
      sweeping_ = true;
      sweepPtr_ = 0;
    }
    s1Valid_ = nS1Valid;

    // --- input accumulation, stage 0 ---
    a1Valid_ = acceptIn;
    if (acceptIn) {
      a1Id_ = in.inId;
      a1Port_ = in.inPort;
      a1Weight_ = in.inWeight;
      a1RdSum_ = in.inPort < P ? rSum[in.inPort] : 0;
    }

    if (acceptStep)
      start_ = true;

    // --- reset sweep ---
    if (initBusy_) {
      for (size_t s = 0; s < S; ++s)
        state_[size_t(initPtr_) * S + s] = c_.initState[s];
      theta_[initPtr_] = c_.thetaInit;
      for (size_t q = 0; q < P; ++q) {
        sum_[size_t(initPtr_) * P + q] = 0;
        recv_[size_t(initPtr_) * P + q] = false;
      }
      if (initPtr_ == c_.n - 1)
        initBusy_ = false;
      else
        ++initPtr_;
    }
  }

private:
  uint64_t timeMask() const { return c_.timeBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << c_.timeBits) - 1; }
  void shiftFrameIn(bool bit) {
    // frame >>= 1 with `bit` entering at position n-1.
    for (size_t w = 0; w < frame_.size(); ++w) {
      uint64_t carry = w + 1 < frame_.size() ? (frame_[w + 1] & 1) : 0;
      frame_[w] = (frame_[w] >> 1) | (carry << 63);
    }
    const uint32_t top = c_.n - 1;
    uint64_t &wd = frame_[top / 64];
    wd = (wd & ~(uint64_t(1) << (top % 64))) | (uint64_t(bit) << (top % 64));
  }

  const FxProgram &p_;
  NeuronCoreConfig c_;

  std::vector<int64_t> state_, theta_, sum_;
  std::vector<bool> recv_;
  std::vector<uint64_t> frame_;
  std::vector<int64_t> rdState_;
  int64_t rdTheta_ = 0;
  std::vector<int64_t> rdSum_;
  std::vector<bool> rdRecv_;
  std::vector<int64_t> scratch_;
  bool initBusy_ = true, start_ = false, sweeping_ = false, s1Valid_ = false;
  uint32_t initPtr_ = 0, sweepPtr_ = 0, s1Id_ = 0;
  bool spkValid_ = false, spkSpike_ = false, spkLast_ = false;
  uint32_t spkId_ = 0;
  bool frameFull_ = false;
  uint64_t frameTime_ = 0, stamp_ = 0;
  uint32_t win_ = 0;
  bool overflow_ = false;
  bool a1Valid_ = false, fwdValid_ = false;
  uint32_t a1Id_ = 0, a1Port_ = 0, fwdId_ = 0, fwdPort_ = 0;
  int64_t a1Weight_ = 0, a1RdSum_ = 0, fwdSum_ = 0;
};

} // namespace nsc::hw
