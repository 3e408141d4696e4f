//===- harness_homeostat.cpp - Verilator harness of nsc_homeostat ---------===//
//
// Part of the output of `nsc --target=verilog` (from nsc's
// backends/verilog/harness/). Drives the RTL and the C++ cycle model
// (HomeostatUnitModel.h, whose arithmetic is the runtime's Homeostat.h)
// with the same seeded random stimuli and compares every output on every
// cycle. Stimuli: neuron-steps in a random order per step, random idle
// cycles, inputs offered while the unit is not ready, phases of silence,
// bursts (every neuron every step), random and low firing probabilities,
// and rare resets in the middle of a run.
//
//===----------------------------------------------------------------------===//
#include "design_config.h"

#include "HarnessCommon.h"
#include "HomeostatUnitModel.h"

#include <memory>
#include <verilated.h>

int main(int argc, char **argv) {
  harness::Options opt = harness::parse(argc, argv);
  auto ctx = std::make_unique<VerilatedContext>();
  auto top = std::make_unique<Top>(ctx.get());
  const nsc::hw::HomeostatConfig cfg = designConfig();
  nsc::hw::HomeostatUnitModel model(cfg, kN, kThetaInit);
  harness::Rng rng(opt.seed);
  harness::Vectors vec(opt, "rst in_valid in_id in_spike in_last | in_ready out_valid out_id out_theta");

  std::vector<uint32_t> order(kN);
  uint64_t step = 0;
  size_t cursor = kN; // next neuron of this step's order; kN: start a new step
  double spikeP = 0.1, idleP = 0.1;
  uint64_t phaseLeft = 0;
  uint64_t windows = 0, spikes = 0, accepted = 0;

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
      // A new phase: silence, bursts, random rate, low rate; idle density.
      switch (rng.below(5)) {
      case 0: spikeP = 0.0; break;
      case 1: spikeP = 1.0; break;
      case 2: spikeP = double(rng.below(1001)) / 1000.0; break;
      case 3: spikeP = 0.001 * double(rng.below(20)); break;
      default: spikeP = 0.5; break;
      }
      idleP = rng.chance(0.3) ? 0.0 : double(rng.below(900)) / 1000.0;
      phaseLeft = 1 + rng.below(20000);
    }
    --phaseLeft;
    nsc::hw::HomeostatUnitInputs in;
    in.rst = cycle < 2 || rng.chance(2e-6);
    if (cursor == kN) {
      for (uint32_t i = 0; i < kN; ++i)
        order[i] = i;
      for (uint32_t i = kN; i > 1; --i)
        std::swap(order[i - 1], order[rng.below(i)]);
      cursor = 0;
    }
    in.inValid = !rng.chance(idleP);
    in.inId = order[cursor];
    in.inSpike = rng.chance(spikeP);
    in.inLast = (step % cfg.window) == cfg.window - 1;
    nsc::hw::HomeostatUnitOutputs want = model.outputs();
    if (!in.inValid) {
      // An idle cycle: random values on the data inputs must not matter.
      in.inId = uint32_t(rng.below(kN));
      in.inSpike = rng.chance(0.5);
      in.inLast = rng.chance(0.5);
    }

    top->rst = in.rst;
    top->in_valid = in.inValid;
    top->in_id = in.inId;
    top->in_spike = in.inSpike;
    top->in_last = in.inLast;
    top->eval();

    // --- compare every output ---
    expect(cycle, "in_ready", top->in_ready, want.inReady);
    expect(cycle, "out_valid", top->out_valid, want.outValid);
    expect(cycle, "out_id", top->out_id, want.outId);
    expect(cycle, "out_theta", top->out_theta, uint64_t(want.outTheta) & 0xFFFF);
    if (vec.on(cycle))
      std::fprintf(vec.file(), "%d %d %s %d %d %d %d %s %s\n", in.rst, in.inValid,
                   harness::hex(in.inId, kIdBits).c_str(), in.inSpike, in.inLast, want.inReady, want.outValid,
                   harness::hex(want.outId, kIdBits).c_str(), harness::hex(uint64_t(want.outTheta) & 0xFFFF, 16).c_str());

    // --- clock edge ---
    top->clk = 1;
    top->eval();
    model.tick(in);
    top->clk = 0;
    top->eval();

    if (in.rst) {
      step = 0;
      cursor = kN;
    } else if (in.inValid && want.inReady) {
      ++accepted;
      spikes += in.inSpike;
      if (++cursor == kN) {
        windows += in.inLast;
        ++step;
      }
    }
  }
  top->final();
  std::printf("PASS %s: %" PRIu64 " cycles, %" PRIu64 " neuron-steps, %" PRIu64 " spikes, %" PRIu64
              " windows, seed %" PRIu64 "\n",
              kDesign, opt.cycles, accepted, spikes, windows, opt.seed);
  return 0;
}
