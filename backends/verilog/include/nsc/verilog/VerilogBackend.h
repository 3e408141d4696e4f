//===- VerilogBackend.h - Verilog-2005 for the hardware blocks --*- C++ -*-===//
//
// The Verilog backend turns a network's hardware blocks (`homeostasis for
// POP:` and `aer for POP:`, docs/verilog.md) into synthesizable
// Verilog-2005 modules, each with everything needed to prove it: a
// Verilator harness that runs the RTL against the C++ cycle models of
// runtime/include/nsc/hw/ on every cycle, an Icarus Verilog testbench that
// replays the harness's vectors, and a README. Every width and constant is
// computed here from the network (population size, window, τ, dt, ...).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/hw/FixedProgram.h"
#include "nsc/hw/Homeostat.h"
#include "nsc/hw/NeuronCoreModel.h"
#include "nsc/hw/SpikeDetectorModel.h"
#include "nsc/ir/IR.h"

#include <string>
#include <vector>

namespace nsc::verilog {

/// Bits of an unsigned value range [0, maxValue] (at least 1).
unsigned unsignedBits(uint64_t maxValue);
/// Bits of a two's-complement value range [lo, hi] (at least 1).
unsigned signedBits(int64_t lo, int64_t hi);

/// One homeostatic threshold controller for a population (time-multiplexed
/// over its neurons, one neuron-step per cycle).
struct HomeostatDesign {
  std::string module;     // Verilog module name
  std::string population; // for comments
  uint32_t n = 1;
  hw::HomeostatConfig config;
  int64_t thetaInit = 256; // Q8.8, clipped to the bounds
  double targetHz = 10, tauS = 10, dtMs = 0.1;

  // Widths derived from the above (computeWidths).
  unsigned idBits = 1, countBits = 1, accBits = 1, calcBits = 1;
  void computeWidths();
};

/// One AER encoder for a population's spikes, optionally with the
/// four-phase bridge.
struct AerDesign {
  std::string module;     // the encoder; the bridge is module + "_4phase", the pair module + "_link"
  std::string population;
  uint32_t n = 1;
  unsigned idBits = 1;
  unsigned timeBits = 16;
  bool fourPhase = false;
};

/// The MAD-threshold spike detector of a spike source population
/// (docs/verilog.md §7): time-multiplexed over its channels, one sample per
/// cycle, spike frames out for the population's AER encoder.
struct DetectorDesign {
  std::string module;     // nsc_detector_POP
  std::string population;
  uint32_t channels = 1;
  hw::SpikeDetectorConfig config;
  double alpha = 5;       // for comments
  unsigned timeBits = 16; // frame_time: the population's aer timestamp_bits, else 16
  uint32_t samplesPerStep = 1; // sampling instants per network step (a chain's pacer)

  // Widths derived from the above (computeWidths).
  unsigned channelBits = 1, medianBits = 1, holdBits = 1, gainBits = 1, productBits = 1, thetaBits = 1;
  void computeWidths();
};

/// The fixed-point neuron core of a population (docs/verilog.md §6): the
/// model's step as an FxProgram, time-multiplexed one neuron per cycle, and
/// the generated top level wiring it to the population's homeostat and AER
/// encoder.
struct CoreDesign {
  std::string module; // nsc_core_POP; the top level is nsc_top_POP
  std::string population;
  uint32_t n = 1;
  unsigned idBits = 1, portBits = 1;
  hw::FxProgram program;
  hw::NeuronCoreConfig config;
  std::vector<std::string> stateNames; // per stored state variable
  std::vector<std::string> portNames;  // per model port
  int homeostat = -1, encoder = -1;    // indices into Designs
  /// The projections into the population (for stimulus files).
  struct Input {
    std::string source, rule;
    uint32_t port = 0;
    int64_t weightRaw = 0; // in the port's format
    int64_t delay = 1;
  };
  std::vector<Input> inputs;
  std::string top() const { return "nsc_top_" + population; }
};

/// The generated chain of a core population driven by a detector's
/// channels (docs/verilog.md §7.5): detector -> AER encoder -> step pacer
/// -> nsc_top_POP (neuron core -> homeostat -> AER encoder). Channel c is
/// neuron c (a one_to_one projection, one step of delay).
struct ChainDesign {
  std::string module; // nsc_chain_POP
  int detector = -1, sourceEncoder = -1, core = -1; // indices into Designs
  uint32_t port = 0;                                // the core's input port
  int64_t weightRaw = 0;                            // in the port's format
  uint32_t samplesPerStep = 1;
  unsigned pacerBits = 1;
};

/// The hardware of one network.
struct Designs {
  std::string network;
  std::vector<HomeostatDesign> homeostats;
  std::vector<AerDesign> encoders;
  std::vector<CoreDesign> cores;
  std::vector<DetectorDesign> detectors;
  std::vector<ChainDesign> chains;
  bool empty() const { return homeostats.empty() && encoders.empty() && detectors.empty(); }
};

/// Builds the neuron core of population `popIndex` (a fixed-point model)
/// from its IR after the default pipeline. False after diagnostics at the
/// constructs that have no hardware mapping.
bool buildCore(const ir::Module &m, const ir::Network &net, uint32_t popIndex, const HomeostatDesign *homeostat,
               CoreDesign &out, DiagnosticEngine &diags);

/// Collects the designs of `net` (its IR hardware blocks). False after
/// reporting errors (a population too large for the hardware, ...).
bool collectDesigns(const ir::Module &m, const ir::Network &net, Designs &out, DiagnosticEngine &diags);

// --- Verilog text --------------------------------------------------------
std::string emitHomeostat(const HomeostatDesign &d);
std::string emitAerEncoder(const AerDesign &d);
std::string emitAer4Phase(const AerDesign &d);
/// Encoder + bridge in one module (what the four-phase harness tests).
std::string emitAerLink(const AerDesign &d);
std::string emitDetector(const DetectorDesign &d);
std::string emitCore(const CoreDesign &c);
/// core -> homeostat -> encoder (+ bridge).
std::string emitCoreTop(const CoreDesign &c, const HomeostatDesign &h, const AerDesign &a);
/// detector -> encoder -> pacer -> core top level.
std::string emitChain(const ChainDesign &ch, const DetectorDesign &d, const AerDesign &src, const CoreDesign &c,
                      const AerDesign &out);
/// Every module of the designs, one after the other (--emit=verilog).
std::string emitAll(const Designs &ds);

// --- verification and output directory ----------------------------------
/// One generated file: a path relative to the output directory and its text.
struct OutputFile {
  std::string path;
  std::string text;
};

/// Every file of `nsc --target=verilog -o DIR`: the .v files, per design a
/// Verilator harness (C++) with its reference-model headers, an Icarus
/// testbench, a Makefile-free run script, and a README.
std::vector<OutputFile> outputFiles(const Designs &ds);

/// The reference-model headers the harnesses include, by file name
/// ("Homeostat.h", ...), embedded at build time from runtime/include/nsc/hw.
const std::vector<OutputFile> &referenceHeaders();

} // namespace nsc::verilog
