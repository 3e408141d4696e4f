//===- HomeostatUnitModel.h - Cycle model of the homeostat unit -*- C++ -*-===//
//
// What the generated Verilog module nsc_homeostat does on every clock edge
// (docs/verilog.md §2.4), in C++: the Verilator harness steps this model
// beside the RTL and compares every output on every cycle. The arithmetic
// is nsc::hw::homeostatStep (Homeostat.h), the same function the network
// runtime applies; this file adds only the pipeline:
//
//   reset        starts an N-cycle sweep writing θ_init·2^16 and count 0 to
//                every neuron's RAM word; in_ready is low meanwhile
//   stage 0      accepts (in_valid & in_ready) one neuron's step: id, spike,
//                last-step-of-window; its RAM word is read (registered read)
//   stage 1      applies the rule, writes the word back; the word written in
//                the previous cycle is forwarded if stage 0 read the same id
//   outputs      registered: out_valid, out_id, out_theta two cycles after
//                the input was accepted
//
//===----------------------------------------------------------------------===//
#pragma once

#include "Homeostat.h"

#include <vector>

namespace nsc::hw {

struct HomeostatUnitInputs {
  bool rst = false, inValid = false, inSpike = false, inLast = false;
  uint32_t inId = 0;
};

struct HomeostatUnitOutputs {
  bool inReady = false, outValid = false;
  uint32_t outId = 0;
  int64_t outTheta = 0; // Q8.8, signed
};

class HomeostatUnitModel {
public:
  HomeostatUnitModel(const HomeostatConfig &c, uint32_t n, int64_t thetaInit)
      : c_(c), n_(n), init_(homeostatInit(c, thetaInit)), ram_(n) {}

  /// The outputs during the current cycle (they depend on registers only).
  HomeostatUnitOutputs outputs() const { return {!initBusy_, outValid_, outId_, outTheta_}; }

  /// The rising clock edge with these inputs applied.
  void tick(const HomeostatUnitInputs &in) {
    if (in.rst) {
      initBusy_ = true;
      initPtr_ = 0;
      s1Valid_ = outValid_ = fwdValid_ = false;
      outId_ = 0;
      outTheta_ = 0;
      return;
    }
    // Stage 0 reads the RAM before this edge's writes (read-first).
    HomeostatNeuron read = in.inId < n_ ? ram_[in.inId] : HomeostatNeuron{};
    bool accept = in.inValid && !initBusy_;
    // Stage 1.
    bool nFwdValid = false;
    if (s1Valid_) {
      HomeostatNeuron s = fwdValid_ && fwdId_ == s1Id_ ? fwd_ : rd_;
      outTheta_ = homeostatStep(c_, s, s1Spike_, s1Last_);
      ram_[s1Id_] = s;
      fwd_ = s;
      fwdId_ = s1Id_;
      nFwdValid = true;
      outId_ = s1Id_;
    }
    outValid_ = s1Valid_;
    fwdValid_ = nFwdValid;
    if (initBusy_) {
      ram_[initPtr_] = init_;
      if (initPtr_ + 1 == n_)
        initBusy_ = false;
      else
        ++initPtr_;
    }
    s1Valid_ = accept;
    s1Id_ = in.inId;
    s1Spike_ = in.inSpike;
    s1Last_ = in.inLast;
    rd_ = read;
  }

private:
  HomeostatConfig c_;
  uint32_t n_;
  HomeostatNeuron init_;
  std::vector<HomeostatNeuron> ram_;
  bool initBusy_ = true;
  uint32_t initPtr_ = 0;
  bool s1Valid_ = false, s1Spike_ = false, s1Last_ = false;
  uint32_t s1Id_ = 0;
  HomeostatNeuron rd_;
  bool fwdValid_ = false;
  uint32_t fwdId_ = 0;
  HomeostatNeuron fwd_;
  bool outValid_ = false;
  uint32_t outId_ = 0;
  int64_t outTheta_ = 0;
};

} // namespace nsc::hw
