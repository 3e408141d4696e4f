//===- harness_detector.cpp - Verilator harness of the spike detector -----===//
//
// Part of the output of `nsc --target=verilog` (from nsc's
// backends/verilog/harness/). Drives the RTL and the C++ cycle model
// (SpikeDetectorModel.h) with the same seeded random stimuli and compares
// every output on every cycle.
//
// Stimuli, in phases: Gaussian noise of a random σ (0, a few LSB, typical,
// a quarter of full scale) with injected spike waveforms of both signs and
// random amplitudes (3σ to 12σ), uniform random samples, runs of the
// extreme values -2^(B-1) and 2^(B-1)-1; channels in a random order per
// sampling instant with in_last on the last one, the same channel twice in
// a row (the forwarding path), random idle cycles and inputs offered while
// not ready, frame_ready always / never / random (the frame backpressure),
// and rare resets in the middle of a run.
//
//===----------------------------------------------------------------------===//
#include "design_config.h"

#include "HarnessCommon.h"
#include "SpikeDetectorModel.h"

#include <cmath>
#include <memory>
#include <verilated.h>

int main(int argc, char **argv) {
  harness::Options opt = harness::parse(argc, argv);
  auto ctx = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<Top>(ctx.get());
  const nsc::hw::SpikeDetectorConfig cfg = designConfig();
  nsc::hw::SpikeDetectorUnitModel model(cfg, kChannels, kTimeBits);
  harness::Rng rng(opt.seed);
  harness::Vectors vec(opt, "rst in_valid in_channel in_sample in_last frame_ready | in_ready out_valid out_channel "
                            "out_spike out_theta frame_valid frame_spikes frame_time");
  const int64_t lo = -(int64_t(1) << (kSampleBits - 1)), hi = (int64_t(1) << (kSampleBits - 1)) - 1;
  const uint64_t sampleMask = (uint64_t(1) << kSampleBits) - 1;
  const uint64_t thetaMask = kThetaBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << kThetaBits) - 1;
  static const double kShape[8] = {-0.3, -1.0, -0.8, -0.3, 0.2, 0.35, 0.2, 0.1};

  std::vector<uint32_t> order(kChannels);
  std::vector<int> spikeAt(kChannels, -1); // position in kShape of a running waveform
  std::vector<double> spikeAmp(kChannels, 0);
  size_t cursor = kChannels;
  int kind = 0;
  double sigma = 100, spikeP = 0.001, idleP = 0.1, readyP = 1, repeatP = 0.05;
  uint64_t phaseLeft = 0, accepted = 0, spikes = 0, frames = 0;
  int64_t pendingSample = 0;
  bool havePending = false;

  auto gauss = [&]() {
    double u1 = (double(rng.next() >> 11) + 1.0) * 0x1.0p-53, u2 = double(rng.next() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  auto clampSample = [&](double v) { return std::max<int64_t>(lo, std::min<int64_t>(hi, int64_t(std::llround(v)))); };
  auto makeSample = [&](uint32_t ch) -> int64_t {
    switch (kind) {
    case 1: return int64_t(rng.below(uint64_t(hi - lo + 1))) + lo; // uniform
    case 2: return rng.chance(0.5) ? lo : hi;                      // extremes
    default: {
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
    }
    }
  };

  // Outputs are defined from the first reset on: cycle 0 applies it and is
  // not compared (the RTL's registers start unknown, the model's do not).
  auto expect = [](uint64_t cycle, const char *signal, uint64_t rtl, uint64_t model) {
    if (cycle > 0)
      harness::expect(cycle, signal, rtl, model);
  };
  top->clk = 0;
  for (uint64_t cycle = 0; cycle < opt.cycles; ++cycle) {
    // --- stimulus ---
    if (phaseLeft == 0) {
      kind = rng.chance(0.8) ? 0 : rng.chance(0.7) ? 1 : 2;
      switch (rng.below(4)) {
      case 0: sigma = 0; break;
      case 1: sigma = 1 + double(rng.below(4)); break;
      case 2: sigma = 10 + double(rng.below(300)); break;
      default: sigma = double(hi) / 4; break;
      }
      spikeP = rng.chance(0.5) ? 0.002 : 0.02;
      idleP = rng.chance(0.3) ? 0.0 : double(rng.below(900)) / 1000.0;
      readyP = rng.chance(0.4) ? 1.0 : rng.chance(0.2) ? 0.0 : double(rng.below(1000)) / 1000.0;
      repeatP = rng.chance(0.5) ? 0.0 : 0.1;
      phaseLeft = 1 + rng.below(30000);
    }
    --phaseLeft;
    nsc::hw::SpikeDetectorInputs in;
    in.rst = cycle < 2 || rng.chance(2e-6);
    if (cursor == kChannels) {
      for (uint32_t i = 0; i < kChannels; ++i)
        order[i] = i;
      for (uint32_t i = kChannels; i > 1; --i)
        std::swap(order[i - 1], order[rng.below(i)]);
      cursor = 0;
    }
    in.inValid = !rng.chance(idleP);
    in.inChannel = order[cursor];
    if (!havePending) {
      pendingSample = makeSample(in.inChannel);
      havePending = true;
    }
    in.inSample = pendingSample;
    // A repeated channel: this sample is not the instant's last, whatever
    // the cursor says; the cursor stays.
    const bool repeat = kChannels > 1 && rng.chance(repeatP);
    in.inLast = !repeat && cursor + 1 == kChannels;
    in.frameReady = rng.chance(readyP);
    const bool ready = model.inReady();
    if (!in.inValid) {
      // An idle cycle: random values on the data inputs must not matter.
      in.inChannel = uint32_t(rng.below(kChannels));
      in.inSample = clampSample(double(int64_t(rng.below(uint64_t(hi - lo + 1))) + lo));
      in.inLast = rng.chance(0.5);
    }

    top->rst = in.rst;
    top->in_valid = in.inValid;
    top->in_channel = in.inChannel;
    top->in_sample = uint64_t(in.inSample) & sampleMask;
    top->in_last = in.inLast;
    top->frame_ready = in.frameReady;
    top->eval();

    // --- compare every output ---
    expect(cycle, "in_ready", top->in_ready, ready);
    expect(cycle, "out_valid", top->out_valid, model.outValid());
    expect(cycle, "out_channel", top->out_channel, model.outChannel());
    expect(cycle, "out_spike", top->out_spike, model.outSpike());
    expect(cycle, "out_theta", top->out_theta, uint64_t(model.outTheta()) & thetaMask);
    expect(cycle, "frame_valid", top->frame_valid, model.frameValid());
    expect(cycle, "frame_time", top->frame_time, model.frameTime());
    std::vector<uint64_t> rtlFrame = harness::getPort(top->frame_spikes);
    for (size_t w = 0; w < model.frameSpikes().size(); ++w)
      expect(cycle, "frame_spikes (64-bit word)", w < rtlFrame.size() ? rtlFrame[w] : 0, model.frameSpikes()[w]);
    if (vec.on(cycle))
      std::fprintf(vec.file(), "%d %d %s %s %d %d %d %d %s %d %s %d %s %s\n", in.rst, in.inValid,
                   harness::hex(in.inChannel, kChannelBits).c_str(),
                   harness::hex(uint64_t(in.inSample) & sampleMask, kSampleBits).c_str(), in.inLast, in.frameReady,
                   ready, model.outValid(), harness::hex(model.outChannel(), kChannelBits).c_str(), model.outSpike(),
                   harness::hex(uint64_t(model.outTheta()) & thetaMask, kThetaBits).c_str(), model.frameValid(),
                   harness::hex(model.frameSpikes(), kChannels).c_str(),
                   harness::hex(model.frameTime(), kTimeBits).c_str());

    const bool frameTaken = model.frameValid() && in.frameReady;
    // --- clock edge ---
    top->clk = 1;
    top->eval();
    model.tick(in);
    top->clk = 0;
    top->eval();

    frames += frameTaken && !in.rst;
    if (model.outValid() && !in.rst)
      spikes += model.outSpike();
    if (in.rst) {
      cursor = kChannels;
      havePending = false;
    } else if (in.inValid && ready) {
      ++accepted;
      havePending = false;
      if (!repeat)
        ++cursor;
    }
  }
  top->final();
  std::printf("PASS %s: %" PRIu64 " cycles, %" PRIu64 " samples, %" PRIu64 " spikes, %" PRIu64
              " frames taken, seed %" PRIu64 "\n",
              kDesign, opt.cycles, accepted, spikes, frames, opt.seed);
  return 0;
}
