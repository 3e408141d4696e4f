//===- harness_core.cpp - Verilator harness of the neuron core top level --===//
//
// Part of the output of `nsc --target=verilog` (from nsc's
// backends/verilog/harness/). Drives nsc_top_POP (neuron core -> homeostat
// -> AER encoder) and the C++ models (NeuronCoreModel.h running the
// FxProgram of FixedProgram.h, HomeostatUnitModel.h, AerEncoderModel.h)
// with the same stimuli and compares every output on every cycle.
//
// Random mode (default): input events with edge weights (0, ±1 LSB, the
// format's extremes) and random ones, bursts to one neuron, events offered
// while not ready, steps started at random, random backpressure on the AER
// side (or a receiver acknowledging after random delays), rare resets.
//
// Stimulus mode (--stimulus FILE --steps S --counts OUT): FILE has lines
// "step neuron port weight_raw"; the events of step k are fed before step k
// starts; after S steps every event that left the encoder is counted per
// neuron and written to OUT ("neuron count" lines). The RTL is still
// compared with the models on every cycle.
//
//===----------------------------------------------------------------------===//
#include "design_config.h"

#include "AerEncoderModel.h"
#include "HarnessCommon.h"
#include "HomeostatUnitModel.h"
#include "NeuronCoreModel.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <verilated.h>

namespace {
struct Event {
  uint64_t step;
  uint32_t id, port;
  int64_t w;
};
} // namespace

int main(int argc, char **argv) {
  // Own options first (stimulus mode), the rest to the common parser.
  std::string stimulus, countsOut;
  uint64_t steps = 0;
  std::vector<char *> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--stimulus" || a == "--counts" || a == "--steps") && i + 1 < argc) {
      std::string v = argv[++i];
      if (a == "--stimulus")
        stimulus = v;
      else if (a == "--counts")
        countsOut = v;
      else
        steps = std::strtoull(v.c_str(), nullptr, 0);
    } else {
      rest.push_back(argv[i]);
    }
  }
  harness::Options opt = harness::parse(int(rest.size()), rest.data());
  std::vector<Event> events;
  if (!stimulus.empty()) {
    std::ifstream in(stimulus);
    if (!in) {
      std::fprintf(stderr, "harness: cannot read %s\n", stimulus.c_str());
      return 2;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#')
        continue;
      std::istringstream ls(line);
      Event e;
      if (!(ls >> e.step >> e.id >> e.port >> e.w) || e.id >= kN || e.port >= kPorts) {
        std::fprintf(stderr, "harness: bad stimulus line '%s'\n", line.c_str());
        return 2;
      }
      events.push_back(e);
    }
    opt.cycles = ~uint64_t(0);
    std::stable_sort(events.begin(), events.end(), [](const Event &a, const Event &b) { return a.step < b.step; });
  }

  auto ctx = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<Top>(ctx.get());
  const nsc::hw::FxProgram prog = designProgram();
  nsc::hw::NeuronCoreModel core(prog, coreConfig());
  nsc::hw::HomeostatUnitModel hs(designConfig(), kN, kThetaInit);
  nsc::hw::AerEncoderModel enc(kN);
#ifdef NSC_AER_LINK
  nsc::hw::Aer4PhaseModel bridge;
  bool ack = false, lastReq = false;
  uint64_t ackDelay = 0;
#endif
  harness::Rng rng(opt.seed);
  harness::Vectors vec(opt, "rst in_valid in_id in_port in_weight step_valid ev_ready|aer_ack | in_ready step_ready "
                            "spk_valid spk_id spk_spike spk_last theta_valid theta_id theta ev_valid|aer_req ev_id "
                            "ev_time overflow");
  const nsc::hw::FxFormat F = prog.format;
  const uint64_t wMask = F.width() >= 64 ? ~uint64_t(0) : (uint64_t(1) << F.width()) - 1;
  double inP = 0.5, stepP = 0.05, readyP = 1.0;
  uint64_t phaseLeft = 0, stepsDone = 0, accepted = 0, spikes = 0, evOut = 0, cycle = 0;
  uint64_t burstId = 0;
  bool burst = false;
  std::vector<uint64_t> counts(kN, 0);
  size_t nextEvent = 0;
  uint64_t stimStep = 0;     // the step whose events are being fed
  bool stepIssued = false;   // stimulus mode: step stimStep was started
  uint64_t eventsThisStep = 0;

  auto expect = [&](const char *signal, uint64_t rtl, uint64_t model) {
    if (cycle > 0)
      harness::expect(cycle, signal, rtl, model);
  };
  auto randomWeight = [&]() -> int64_t {
    switch (rng.below(8)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return F.maxRaw();
    case 4: return F.minRaw();
    case 5: return int64_t(rng.below(64)) - 32;
    default: {
      uint64_t u = rng.next() & wMask;
      if (F.width() < 64 && (u >> (F.width() - 1)))
        u |= ~wMask;
      return int64_t(u);
    }
    }
  };

  top->clk = 0;
  for (; cycle < opt.cycles; ++cycle) {
    const bool stim = !stimulus.empty();
    if (!stim && phaseLeft == 0) {
      inP = rng.chance(0.2) ? 1.0 : double(rng.below(1001)) / 1000.0;
      stepP = rng.chance(0.3) ? 1.0 : double(rng.below(200)) / 1000.0;
      switch (rng.below(4)) {
      case 0: readyP = 1.0; break;
      case 1: readyP = 0.0; break;
      default: readyP = double(rng.below(1001)) / 1000.0; break;
      }
      burst = rng.chance(0.2);
      burstId = rng.below(kN);
      phaseLeft = 1 + rng.below(5000);
    }
    if (!stim)
      --phaseLeft;
    const bool rst = cycle < 2 || (!stim && rng.chance(2e-6));
    // --- stimulus ---
    bool inValid = false, stepValid = false;
    uint32_t inId = uint32_t(rng.below(uint64_t(1) << kIdBits)), inPort = uint32_t(rng.below(uint64_t(1) << kPortBits));
    int64_t inWeight = randomWeight();
    if (stim) {
#ifdef NSC_AER_LINK
      const bool aerIdle = enc.frameReady() && bridge.inReady() && !bridge.req();
#else
      const bool aerIdle = enc.frameReady();
#endif
      if (stimStep >= steps && core.stepReady(hs.outputs().inReady) && aerIdle)
        break; // every step done, the last frame's events out
      if (nextEvent < events.size() && events[nextEvent].step == stimStep && cycle >= 2) {
        inValid = true;
        inId = events[nextEvent].id;
        inPort = events[nextEvent].port;
        inWeight = events[nextEvent].w;
      } else if (stimStep < steps && cycle >= 2) {
        stepValid = true;
      }
    } else {
      inValid = rng.chance(inP) && eventsThisStep < 30000;
      if (inValid) {
        inId = burst ? uint32_t(burstId) : uint32_t(rng.below(kN));
        inPort = uint32_t(rng.below(kPorts));
      }
      stepValid = rng.chance(stepP);
    }
#ifdef NSC_AER_LINK
    bool req = bridge.req();
    if (req != ack) {
      if (ackDelay == 0)
        ackDelay = 1 + (rng.chance(0.01) ? rng.below(200) : rng.below(stim ? 2 : 8));
      if (--ackDelay == 0)
        ack = req;
    }
    const bool evReady = bridge.inReady();
#else
    const bool evReady = stim ? true : rng.chance(readyP);
#endif
    // --- the models' outputs this cycle ---
    const nsc::hw::HomeostatUnitOutputs ho = hs.outputs();
    const bool mInReady = core.inReady(), mStepReady = core.stepReady(ho.inReady);
    const bool mSpkValid = core.spkValid(), mSpkSpike = core.spkSpike(), mSpkLast = core.spkLast();
    const uint32_t mSpkId = core.spkId();
    const bool mFrameValid = core.frameValid();
    const std::vector<uint64_t> mFrame = core.frameSpikes();
    const uint64_t mFrameTime = core.frameTime();
    const bool mFrameReady = enc.frameReady();
    const bool mEvValid = enc.evValid();
    const uint32_t mEvId = enc.evId();
    const uint64_t mEvTime = enc.evTime();

    top->rst = rst;
    top->in_valid = inValid;
    top->in_id = inId;
    top->in_port = inPort;
    top->in_weight = uint32_t(uint64_t(inWeight) & wMask);
    top->step_valid = stepValid;
#ifdef NSC_AER_LINK
    top->aer_ack = ack;
#else
    top->ev_ready = evReady;
#endif
    top->eval();

    expect("in_ready", top->in_ready, mInReady);
    expect("step_ready", top->step_ready, mStepReady);
    expect("spk_valid", top->spk_valid, mSpkValid);
    expect("spk_id", top->spk_id, mSpkId);
    expect("spk_spike", top->spk_spike, mSpkSpike);
    expect("spk_last", top->spk_last, mSpkLast);
    expect("theta_valid", top->theta_valid, ho.outValid);
    expect("theta_id", top->theta_id, ho.outId);
    expect("theta", top->theta, uint64_t(ho.outTheta) & 0xFFFF);
    expect("overflow", top->overflow, core.overflow());
#ifdef NSC_AER_LINK
    const bool oValid = bridge.req();
    const uint32_t oId = bridge.id();
    const uint64_t oTime = bridge.time();
    expect("aer_req", top->aer_req, oValid);
    expect("aer_id", top->aer_id, oId);
    expect("aer_time", top->aer_time, oTime);
    const bool leaves = !rst && oValid && !lastReq; // a rising REQ is one event
    lastReq = oValid;
    const int handshake = ack;
#else
    const bool oValid = mEvValid;
    const uint32_t oId = mEvId;
    const uint64_t oTime = mEvTime;
    expect("ev_valid", top->ev_valid, oValid);
    expect("ev_id", top->ev_id, oId);
    expect("ev_time", top->ev_time, oTime);
    const bool leaves = !rst && oValid && evReady;
    const int handshake = evReady;
#endif
    if (leaves) {
      ++evOut;
      if (oId < kN)
        ++counts[oId];
    }
    if (vec.on(cycle))
      std::fprintf(vec.file(), "%d %d %s %s %s %d %d %d %d %d %s %d %d %d %s %s %d %s %s %d\n", rst, inValid,
                   harness::hex(inId, kIdBits).c_str(), harness::hex(inPort, kPortBits).c_str(),
                   harness::hex(uint64_t(inWeight) & wMask, unsigned(F.width())).c_str(), stepValid, handshake,
                   mInReady, mStepReady, mSpkValid, harness::hex(mSpkId, kIdBits).c_str(), mSpkSpike, mSpkLast,
                   ho.outValid, harness::hex(ho.outId, kIdBits).c_str(),
                   harness::hex(uint64_t(ho.outTheta) & 0xFFFF, 16).c_str(), oValid,
                   harness::hex(oId, kEvIdBits).c_str(), harness::hex(oTime, kTimeBits).c_str(), core.overflow());

    // --- clock edge ---
    top->clk = 1;
    top->eval();
    nsc::hw::NeuronCoreInputs ci;
    ci.rst = rst;
    ci.inValid = inValid;
    ci.inId = inId;
    ci.inPort = inPort;
    ci.inWeight = inWeight;
    ci.stepValid = stepValid;
    ci.thetaValid = ho.outValid;
    ci.thetaId = ho.outId;
    ci.theta = ho.outTheta;
    ci.hsReady = ho.inReady;
    ci.frameReady = mFrameReady;
    core.tick(ci);
    nsc::hw::HomeostatUnitInputs hi;
    hi.rst = rst;
    hi.inValid = mSpkValid;
    hi.inId = mSpkId;
    hi.inSpike = mSpkSpike;
    hi.inLast = mSpkLast;
    hs.tick(hi);
    enc.tick(rst, mFrameValid, mFrame, mFrameTime, evReady);
#ifdef NSC_AER_LINK
    bridge.tick(rst, mEvValid, mEvId, mEvTime, ack);
#endif
    top->clk = 0;
    top->eval();

    if (rst) {
      eventsThisStep = 0;
      continue;
    }
    if (inValid && mInReady) {
      ++accepted;
      ++eventsThisStep;
      if (stim)
        ++nextEvent;
    }
    if (stepValid && mStepReady) {
      ++stepsDone;
      eventsThisStep = 0;
      if (stim)
        ++stimStep;
    }
    if (mSpkValid)
      spikes += mSpkSpike;
  }
  top->final();
  if (!countsOut.empty()) {
    std::ofstream out(countsOut);
    for (uint32_t i = 0; i < kN; ++i)
      out << i << ' ' << counts[i] << '\n';
  }
  std::printf("PASS %s: %" PRIu64 " cycles, %" PRIu64 " input events, %" PRIu64 " steps, %" PRIu64
              " spikes, %" PRIu64 " address-events, overflow %d, seed %" PRIu64 "\n",
              kDesign, cycle, accepted, stepsDone, spikes, evOut, int(core.overflow()), opt.seed);
  return 0;
}
