//===- harness_chain.cpp - Verilator harness of the detector chain --------===//
//
// Part of the output of `nsc --target=verilog` (from nsc's
// backends/verilog/harness/). Drives nsc_chain_POP (spike detector -> AER
// encoder -> step pacer -> neuron core -> homeostat -> AER encoder) and the
// C++ models (SpikeDetectorModel.h, AerEncoderModel.h, StepPacerModel.h,
// NeuronCoreModel.h + FixedProgram.h, HomeostatUnitModel.h) with the same
// stimuli and compares every output — the internal handshakes included —
// on every cycle.
//
// Stimuli, in phases: Gaussian noise of a random σ with injected spike
// waveforms (both signs, 3σ to 12σ; bursts on every channel at once),
// uniform random samples and the extremes; channels in a random order per
// sampling instant, idle cycles, inputs offered while not ready; on the
// output side random backpressure (or a receiver acknowledging after random
// delays); rare resets.
//
//===----------------------------------------------------------------------===//
#include "design_config.h"

#include "AerEncoderModel.h"
#include "HarnessCommon.h"
#include "HomeostatUnitModel.h"
#include "NeuronCoreModel.h"
#include "SpikeDetectorModel.h"
#include "StepPacerModel.h"

#include <cmath>
#include <memory>
#include <verilated.h>

int main(int argc, char **argv) {
  harness::Options opt = harness::parse(argc, argv);
  auto ctx = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<Top>(ctx.get());
  const nsc::hw::FxProgram prog = designProgram();
  nsc::hw::SpikeDetectorUnitModel det(detectorConfig(), kChannels, kDetTimeBits);
  nsc::hw::AerEncoderModel src(kChannels);
  nsc::hw::StepPacerModel pacer(kSamplesPerStep);
  nsc::hw::NeuronCoreModel core(prog, coreConfig());
  nsc::hw::HomeostatUnitModel hs(designConfig(), kN, kThetaInit);
  nsc::hw::AerEncoderModel enc(kN);
#ifdef NSC_AER_LINK
  nsc::hw::Aer4PhaseModel bridge;
  bool ack = false;
  uint64_t ackDelay = 0;
#endif
  harness::Rng rng(opt.seed);
  harness::Vectors vec(opt, "rst in_valid in_channel in_sample in_last ev_ready|aer_ack | in_ready det_valid "
                            "det_channel det_spike det_theta src_ev_valid src_ev_ready src_ev_id src_ev_time "
                            "step_start spk_valid spk_id spk_spike spk_last theta_valid theta_id theta "
                            "ev_valid|aer_req ev_id|aer_id ev_time|aer_time overflow");
  const int64_t lo = -(int64_t(1) << (kSampleBits - 1)), hi = (int64_t(1) << (kSampleBits - 1)) - 1;
  const uint64_t sampleMask = (uint64_t(1) << kSampleBits) - 1;
  const uint64_t thetaMask = kThetaBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << kThetaBits) - 1;
  static const double kShape[8] = {-0.3, -1.0, -0.8, -0.3, 0.2, 0.35, 0.2, 0.1};

  std::vector<uint32_t> order(kChannels);
  std::vector<int> spikeAt(kChannels, -1);
  std::vector<double> spikeAmp(kChannels, 0);
  size_t cursor = kChannels;
  int kind = 0;
  double sigma = 100, spikeP = 0.001, idleP = 0.1, readyP = 1;
  uint64_t phaseLeft = 0, samples = 0, detected = 0, events = 0, steps = 0, spikes = 0, evOut = 0;
  int64_t pending = 0;
  bool havePending = false;

  auto gauss = [&]() {
    double u1 = (double(rng.next() >> 11) + 1.0) * 0x1.0p-53, u2 = double(rng.next() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  auto clampSample = [&](double v) { return std::max<int64_t>(lo, std::min<int64_t>(hi, int64_t(std::llround(v)))); };
  auto makeSample = [&](uint32_t ch) -> int64_t {
    if (kind == 1)
      return int64_t(rng.below(uint64_t(hi - lo + 1))) + lo;
    if (kind == 2)
      return rng.chance(0.5) ? lo : hi;
    double v = sigma * gauss();
    if (spikeAt[ch] < 0 && rng.chance(spikeP)) {
      spikeAt[ch] = 0;
      spikeAmp[ch] = (rng.chance(0.8) ? 1 : -1) * sigma * (3.0 + 9.0 * double(rng.below(1001)) / 1000.0);
    }
    if (spikeAt[ch] >= 0) {
      v += spikeAmp[ch] * kShape[spikeAt[ch]];
      if (++spikeAt[ch] == 8)
        spikeAt[ch] = -1;
    }
    return clampSample(v);
  };

  uint64_t cycle = 0;
  auto expect = [&](const char *signal, uint64_t rtl, uint64_t model) {
    if (cycle > 0)
      harness::expect(cycle, signal, rtl, model);
  };
  top->clk = 0;
  for (; cycle < opt.cycles; ++cycle) {
    if (phaseLeft == 0) {
      kind = rng.chance(0.85) ? 0 : rng.chance(0.7) ? 1 : 2;
      switch (rng.below(3)) {
      case 0: sigma = 1 + double(rng.below(4)); break;
      case 1: sigma = 10 + double(rng.below(300)); break;
      default: sigma = double(hi) / 8; break;
      }
      spikeP = rng.chance(0.5) ? 0.002 : 0.05;
      idleP = rng.chance(0.4) ? 0.0 : double(rng.below(700)) / 1000.0;
      readyP = rng.chance(0.5) ? 1.0 : rng.chance(0.2) ? 0.0 : double(rng.below(1000)) / 1000.0;
      phaseLeft = 1 + rng.below(50000);
    }
    --phaseLeft;
    const bool rst = cycle < 2 || rng.chance(1e-6);
    if (cursor == kChannels) {
      for (uint32_t i = 0; i < kChannels; ++i)
        order[i] = i;
      for (uint32_t i = kChannels; i > 1; --i)
        std::swap(order[i - 1], order[rng.below(i)]);
      cursor = 0;
    }
    nsc::hw::SpikeDetectorInputs di;
    di.rst = rst;
    di.inValid = !rng.chance(idleP);
    di.inChannel = order[cursor];
    if (!havePending) {
      pending = makeSample(di.inChannel);
      havePending = true;
    }
    di.inSample = pending;
    di.inLast = cursor + 1 == kChannels;
    if (!di.inValid) {
      di.inChannel = uint32_t(rng.below(kChannels));
      di.inSample = clampSample(double(int64_t(rng.below(uint64_t(hi - lo + 1))) + lo));
      di.inLast = rng.chance(0.5);
    }
#ifdef NSC_AER_LINK
    const bool req = bridge.req();
    if (req != ack) {
      if (ackDelay == 0)
        ackDelay = 1 + (rng.chance(0.01) ? rng.below(200) : rng.below(8));
      if (--ackDelay == 0)
        ack = req;
    }
    const bool evReady = bridge.inReady();
#else
    const bool evReady = rng.chance(readyP);
#endif

    // --- every model's outputs this cycle (before the edge) ---
    const nsc::hw::HomeostatUnitOutputs ho = hs.outputs();
    const bool mInReady = det.inReady();
    const bool mDetValid = det.outValid(), mDetSpike = det.outSpike();
    const uint32_t mDetCh = det.outChannel();
    const uint64_t mDetTheta = uint64_t(det.outTheta()) & thetaMask;
    const bool open = pacer.windowOpen();
    const bool srcFrameValid = det.frameValid() && open;
    const bool srcFrameReady = src.frameReady();
    const bool detFrameReady = srcFrameReady && open;
    const std::vector<uint64_t> detFrame = det.frameSpikes();
    const uint64_t detFrameTime = det.frameTime();
    const bool srcEvValid = src.evValid();
    const uint32_t srcEvId = src.evId();
    const uint64_t srcEvTime = src.evTime();
    const bool coreInReady = core.inReady();
    const bool stepValid = pacer.stepValid(srcFrameReady);
    const bool stepReady = core.stepReady(ho.inReady);
    const bool stepStart = stepValid && stepReady;
    const bool mSpkValid = core.spkValid(), mSpkSpike = core.spkSpike(), mSpkLast = core.spkLast();
    const uint32_t mSpkId = core.spkId();
    const bool coreFrameValid = core.frameValid();
    const std::vector<uint64_t> coreFrame = core.frameSpikes();
    const uint64_t coreFrameTime = core.frameTime();
    const bool encFrameReady = enc.frameReady();
    const bool encEvValid = enc.evValid();
    const uint32_t encEvId = enc.evId();
    const uint64_t encEvTime = enc.evTime();
    const bool ovf = core.overflow();

    top->rst = rst;
    top->in_valid = di.inValid;
    top->in_channel = di.inChannel;
    top->in_sample = uint64_t(di.inSample) & sampleMask;
    top->in_last = di.inLast;
#ifdef NSC_AER_LINK
    top->aer_ack = ack;
#else
    top->ev_ready = evReady;
#endif
    top->eval();

    expect("in_ready", top->in_ready, mInReady);
    expect("det_valid", top->det_valid, mDetValid);
    expect("det_channel", top->det_channel, mDetCh);
    expect("det_spike", top->det_spike, mDetSpike);
    expect("det_theta", top->det_theta, mDetTheta);
    expect("src_ev_valid", top->src_ev_valid, srcEvValid);
    expect("src_ev_ready", top->src_ev_ready, coreInReady);
    expect("src_ev_id", top->src_ev_id, srcEvId);
    expect("src_ev_time", top->src_ev_time, srcEvTime);
    expect("step_start", top->step_start, stepStart);
    expect("spk_valid", top->spk_valid, mSpkValid);
    expect("spk_id", top->spk_id, mSpkId);
    expect("spk_spike", top->spk_spike, mSpkSpike);
    expect("spk_last", top->spk_last, mSpkLast);
    expect("theta_valid", top->theta_valid, ho.outValid);
    expect("theta_id", top->theta_id, ho.outId);
    expect("theta", top->theta, uint64_t(ho.outTheta) & 0xFFFF);
    expect("overflow", top->overflow, ovf);
#ifdef NSC_AER_LINK
    const bool oValid = bridge.req();
    const uint32_t oId = bridge.id();
    const uint64_t oTime = bridge.time();
    expect("aer_req", top->aer_req, oValid);
    expect("aer_id", top->aer_id, oId);
    expect("aer_time", top->aer_time, oTime);
    const int handshake = ack;
#else
    const bool oValid = encEvValid;
    const uint32_t oId = encEvId;
    const uint64_t oTime = encEvTime;
    expect("ev_valid", top->ev_valid, oValid);
    expect("ev_id", top->ev_id, oId);
    expect("ev_time", top->ev_time, oTime);
    const int handshake = evReady;
#endif
    if (vec.on(cycle))
      std::fprintf(vec.file(), "%d %d %s %s %d %d %d %d %s %d %s %d %d %s %s %d %d %s %d %d %d %s %s %d %s %s %d\n",
                   rst, di.inValid, harness::hex(di.inChannel, kChannelBits).c_str(),
                   harness::hex(uint64_t(di.inSample) & sampleMask, kSampleBits).c_str(), di.inLast, handshake,
                   mInReady, mDetValid, harness::hex(mDetCh, kChannelBits).c_str(), mDetSpike,
                   harness::hex(mDetTheta, kThetaBits).c_str(), srcEvValid, coreInReady,
                   harness::hex(srcEvId, kSrcIdBits).c_str(), harness::hex(srcEvTime, kDetTimeBits).c_str(),
                   stepStart, mSpkValid, harness::hex(mSpkId, kIdBits).c_str(), mSpkSpike, mSpkLast, ho.outValid,
                   harness::hex(ho.outId, kIdBits).c_str(), harness::hex(uint64_t(ho.outTheta) & 0xFFFF, 16).c_str(),
                   oValid, harness::hex(oId, kEvIdBits).c_str(), harness::hex(oTime, kTimeBits).c_str(), ovf);

    // --- clock edge ---
    top->clk = 1;
    top->eval();
    di.frameReady = detFrameReady;
    det.tick(di);
    src.tick(rst, srcFrameValid, detFrame, detFrameTime, coreInReady);
    pacer.tick(rst, srcFrameValid && srcFrameReady, stepStart);
    nsc::hw::NeuronCoreInputs ci;
    ci.rst = rst;
    ci.inValid = srcEvValid;
    ci.inId = srcEvId;
    ci.inPort = kChainPort;
    ci.inWeight = kChainWeight;
    ci.stepValid = stepValid;
    ci.thetaValid = ho.outValid;
    ci.thetaId = ho.outId;
    ci.theta = ho.outTheta;
    ci.hsReady = ho.inReady;
    ci.frameReady = encFrameReady;
    core.tick(ci);
    nsc::hw::HomeostatUnitInputs hi;
    hi.rst = rst;
    hi.inValid = mSpkValid;
    hi.inId = mSpkId;
    hi.inSpike = mSpkSpike;
    hi.inLast = mSpkLast;
    hs.tick(hi);
    enc.tick(rst, coreFrameValid, coreFrame, coreFrameTime, evReady);
#ifdef NSC_AER_LINK
    bridge.tick(rst, encEvValid, encEvId, encEvTime, ack);
#endif
    const bool leaves = !rst && encEvValid && evReady; // an event leaves the core's encoder
    top->clk = 0;
    top->eval();

    if (rst) {
      cursor = kChannels;
      havePending = false;
      continue;
    }
    evOut += leaves;
    if (di.inValid && mInReady) {
      ++samples;
      havePending = false;
      ++cursor;
    }
    detected += mDetValid && mDetSpike;
    events += srcEvValid && coreInReady;
    steps += stepStart;
    spikes += mSpkValid && mSpkSpike;
  }
  top->final();
  std::printf("PASS %s: %" PRIu64 " cycles, %" PRIu64 " samples, %" PRIu64 " detected spikes, %" PRIu64
              " input events, %" PRIu64 " steps, %" PRIu64 " neuron spikes, %" PRIu64
              " address-events out, overflow %d, seed %" PRIu64 "\n",
              kDesign, cycle, samples, detected, events, steps, spikes, evOut, int(core.overflow()), opt.seed);
  return 0;
}
