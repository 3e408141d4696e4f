//===- harness_aer.cpp - Verilator harness of the AER encoder -------------===//
//
// Part of the output of `nsc --target=verilog` (from nsc's
// backends/verilog/harness/). Drives the RTL and the C++ cycle models
// (AerEncoderModel.h) with the same seeded random stimuli and compares
// every output on every cycle. With NSC_AER_LINK the design is the encoder
// followed by the four-phase bridge, and the harness plays the receiver,
// raising and dropping ACK after random delays.
//
// Besides the cycle model, an independent check: every spike of every
// accepted frame is queued as (id, time) in ascending id order, and every
// event that leaves (a valid/ready handshake, or a rising REQ) must be the
// queue's head — nothing lost, duplicated or reordered.
//
// Stimuli: empty frames, full frames, single spikes at ids 0 and N-1,
// random densities, timestamps at 0, at the maximum and random; frames
// held while not ready; backpressure phases (always ready, never ready,
// random), rare resets.
//
//===----------------------------------------------------------------------===//
#include "design_config.h"

#include "AerEncoderModel.h"
#include "HarnessCommon.h"

#include <deque>
#include <memory>
#include <verilated.h>

int main(int argc, char **argv) {
  harness::Options opt = harness::parse(argc, argv);
  auto ctx = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<Top>(ctx.get());
  nsc::hw::AerEncoderModel enc(kN);
  const size_t words = (kN + 63) / 64;
  const uint64_t timeMask = kTimeBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << kTimeBits) - 1;
#ifdef NSC_AER_LINK
  nsc::hw::Aer4PhaseModel bridge;
  harness::Vectors vec(opt, "rst frame_valid frame_spikes frame_time aer_ack | frame_ready aer_req aer_id aer_time");
  bool ack = false;
  uint64_t ackDelay = 0;
  bool lastReq = false;
#else
  harness::Vectors vec(opt, "rst frame_valid frame_spikes frame_time ev_ready | frame_ready ev_valid ev_id ev_time");
#endif
  harness::Rng rng(opt.seed);
  std::deque<std::pair<uint32_t, uint64_t>> expected;
  std::vector<uint64_t> spikes(words, 0);
  uint64_t time = 0, frameTime = 0;
  bool frameValid = false;
  double frameP = 0.5, readyP = 1.0, density = 0.1;
  uint64_t phaseLeft = 0, frames = 0, events = 0;

  auto newFrame = [&]() {
    std::fill(spikes.begin(), spikes.end(), 0);
    auto set = [&](uint32_t i) { spikes[i / 64] |= uint64_t(1) << (i % 64); };
    switch (rng.below(6)) {
    case 0: break;                                  // empty
    case 1: for (uint32_t i = 0; i < kN; ++i) set(i); break; // full
    case 2: set(0); break;
    case 3: set(kN - 1); break;
    default:
      for (uint32_t i = 0; i < kN; ++i)
        if (rng.chance(density))
          set(i);
    }
    switch (rng.below(4)) {
    case 0: frameTime = 0; break;
    case 1: frameTime = timeMask; break;
    case 2: frameTime = rng.next() & timeMask; break;
    default: frameTime = time++ & timeMask; break;
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
    if (phaseLeft == 0) {
      frameP = rng.chance(0.2) ? 1.0 : double(rng.below(1001)) / 1000.0;
      switch (rng.below(4)) {
      case 0: readyP = 1.0; break;
      case 1: readyP = 0.0; break;
      default: readyP = double(rng.below(1001)) / 1000.0; break;
      }
      density = rng.chance(0.5) ? double(rng.below(1001)) / 1000.0 : 0.02;
      phaseLeft = 1 + rng.below(5000);
    }
    --phaseLeft;
    bool rst = cycle < 2 || rng.chance(2e-6);
    // A frame offered and not taken stays (valid/ready rule); else a new one.
    if (!frameValid) {
      frameValid = rng.chance(frameP);
      if (frameValid)
        newFrame();
    }
    bool frameReady = enc.frameReady();
#ifdef NSC_AER_LINK
    // The receiver: ACK follows REQ after a random delay (0..7 cycles, or
    // long stalls now and then).
    bool req = bridge.req();
    if (req != ack) {
      if (ackDelay == 0)
        ackDelay = 1 + (rng.chance(0.01) ? rng.below(200) : rng.below(8));
      if (--ackDelay == 0)
        ack = req;
    }
    bool evReady = bridge.inReady();
    bool evValid = enc.evValid();
#else
    bool evReady = rng.chance(readyP);
#endif
    top->rst = rst;
    top->frame_valid = frameValid;
    harness::setPort(top->frame_spikes, spikes);
    top->frame_time = frameTime;
#ifdef NSC_AER_LINK
    top->aer_ack = ack;
#else
    top->ev_ready = evReady;
#endif
    top->eval();

    expect(cycle, "frame_ready", top->frame_ready, frameReady);
#ifdef NSC_AER_LINK
    expect(cycle, "aer_req", top->aer_req, bridge.req());
    expect(cycle, "aer_id", top->aer_id, bridge.id());
    expect(cycle, "aer_time", top->aer_time, bridge.time());
    if (vec.on(cycle))
      std::fprintf(vec.file(), "%d %d %s %s %d %d %d %s %s\n", rst, frameValid, harness::hex(spikes, kN).c_str(),
                   harness::hex(frameTime, kTimeBits).c_str(), ack, frameReady, bridge.req(),
                   harness::hex(bridge.id(), kIdBits).c_str(), harness::hex(bridge.time(), kTimeBits).c_str());
    // Independent check: a rising REQ carries the next expected event.
    if (!rst && bridge.req() && !lastReq) {
      if (expected.empty())
        harness::mismatch(cycle, "event (none expected)", bridge.id(), 0);
      expect(cycle, "event id", bridge.id(), expected.front().first);
      expect(cycle, "event time", bridge.time(), expected.front().second);
      expected.pop_front();
      ++events;
    }
    lastReq = bridge.req();
#else
    expect(cycle, "ev_valid", top->ev_valid, enc.evValid());
    expect(cycle, "ev_id", top->ev_id, enc.evId());
    expect(cycle, "ev_time", top->ev_time, enc.evTime());
    if (vec.on(cycle))
      std::fprintf(vec.file(), "%d %d %s %s %d %d %d %s %s\n", rst, frameValid, harness::hex(spikes, kN).c_str(),
                   harness::hex(frameTime, kTimeBits).c_str(), evReady, frameReady, enc.evValid(),
                   harness::hex(enc.evId(), kIdBits).c_str(), harness::hex(enc.evTime(), kTimeBits).c_str());
    if (!rst && enc.evValid() && evReady) {
      if (expected.empty())
        harness::mismatch(cycle, "event (none expected)", enc.evId(), 0);
      expect(cycle, "event id", enc.evId(), expected.front().first);
      expect(cycle, "event time", enc.evTime(), expected.front().second);
      expected.pop_front();
      ++events;
    }
#endif

    top->clk = 1;
    top->eval();
#ifdef NSC_AER_LINK
    uint32_t evId = enc.evId();
    uint64_t evTime = enc.evTime();
    enc.tick(rst, frameValid, spikes, frameTime, evReady);
    bridge.tick(rst, evValid, evId, evTime, ack);
#else
    enc.tick(rst, frameValid, spikes, frameTime, evReady);
#endif
    top->clk = 0;
    top->eval();

    if (rst) {
      expected.clear();
      frameValid = false;
#ifdef NSC_AER_LINK
      lastReq = false;
#endif
    } else if (frameValid && frameReady) {
      ++frames;
      for (uint32_t i = 0; i < kN; ++i)
        if (spikes[i / 64] >> (i % 64) & 1)
          expected.push_back({i, frameTime});
      frameValid = false;
    }
  }
  top->final();
  std::printf("PASS %s: %" PRIu64 " cycles, %" PRIu64 " frames, %" PRIu64 " events, seed %" PRIu64 "\n", kDesign,
              opt.cycles, frames, events, opt.seed);
  return 0;
}
