//===- AerEncoderModel.h - Cycle model of the AER encoder -------*- C++ -*-===//
//
// What the generated nsc_aer_encoder (and the optional four-phase bridge
// nsc_aer_4phase) do on every clock edge (docs/verilog.md §3), in C++. The
// Verilator harness steps these models beside the RTL and compares every
// output on every cycle.
//
// Encoder: a frame (N spike bits + timestamp) is taken when frame_valid and
// frame_ready (= no spike of the previous frame still pending); then one
// event per set bit, lowest neuron id first, each with the frame's
// timestamp, is offered on ev_valid/ev_id/ev_time; an event leaves when
// ev_ready is high. One event per cycle; a frame without spikes costs one
// cycle.
//
// Bridge: events of the valid/ready stream go out over a four-phase
// REQ/ACK handshake: the id and time are registered one cycle before REQ
// rises and held until ACK (seen through a two-flop synchroniser) has
// risen and REQ has fallen again; the next event is taken once the
// synchronised ACK is low.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nsc::hw {

class AerEncoderModel {
public:
  explicit AerEncoderModel(uint32_t n) : n_(n), pending_((n + 63) / 64, 0) {}

  bool frameReady() const { return !any(); }
  bool evValid() const { return any(); }
  /// The lowest pending id (0 when nothing is pending).
  uint32_t evId() const {
    for (size_t w = 0; w < pending_.size(); ++w)
      if (pending_[w])
        return uint32_t(w * 64 + unsigned(__builtin_ctzll(pending_[w])));
    return 0;
  }
  uint64_t evTime() const { return time_; }

  /// The rising edge. `spikes` holds bit i of the frame in word i/64.
  void tick(bool rst, bool frameValid, const std::vector<uint64_t> &spikes, uint64_t frameTime, bool evReady) {
    if (rst) {
      std::fill(pending_.begin(), pending_.end(), 0);
      time_ = 0;
      return;
    }
    if (frameValid && frameReady()) {
      for (size_t w = 0; w < pending_.size(); ++w)
        pending_[w] = w < spikes.size() ? spikes[w] : 0;
      if (n_ % 64)
        pending_.back() &= (uint64_t(1) << (n_ % 64)) - 1;
      time_ = frameTime;
    } else if (evValid() && evReady) {
      uint32_t id = evId();
      pending_[id / 64] &= ~(uint64_t(1) << (id % 64));
    }
  }

private:
  bool any() const {
    for (uint64_t w : pending_)
      if (w)
        return true;
    return false;
  }
  uint32_t n_;
  std::vector<uint64_t> pending_;
  uint64_t time_ = 0;
};

class Aer4PhaseModel {
public:
  enum State { Idle = 0, Setup = 1, WaitAckHigh = 2, WaitAckLow = 3 };

  bool inReady() const { return state_ == Idle; }
  bool req() const { return req_; }
  uint32_t id() const { return id_; }
  uint64_t time() const { return time_; }

  void tick(bool rst, bool inValid, uint32_t inId, uint64_t inTime, bool ack) {
    if (rst) {
      state_ = Idle;
      req_ = false;
      ackS1_ = ackS2_ = false;
      id_ = 0;
      time_ = 0;
      return;
    }
    bool ackSync = ackS2_;
    ackS2_ = ackS1_;
    ackS1_ = ack;
    switch (state_) {
    case Idle:
      if (inValid) {
        id_ = inId;
        time_ = inTime;
        state_ = Setup;
      }
      break;
    case Setup:
      req_ = true;
      state_ = WaitAckHigh;
      break;
    case WaitAckHigh:
      if (ackSync) {
        req_ = false;
        state_ = WaitAckLow;
      }
      break;
    case WaitAckLow:
      if (!ackSync)
        state_ = Idle;
      break;
    }
  }

private:
  State state_ = Idle;
  bool req_ = false, ackS1_ = false, ackS2_ = false;
  uint32_t id_ = 0;
  uint64_t time_ = 0;
};

} // namespace nsc::hw
