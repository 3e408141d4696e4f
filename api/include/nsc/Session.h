//===- Session.h - The closed loop: MEA frames in, light pulses out -*- C++ -*-===//
//
//   nsc::Model model = nsc::Compiler().compileFile("examples/closed_loop.nrn");
//   nsc::SessionOptions o;
//   o.network = "closed_loop";
//   o.sampleRate_hz = 25000;                  // the MEA's
//   o.channels = 60;
//   o.budget_us = 1000;                       // 1 ms per frame
//   nsc::Session session(model, o);           // builds (JIT-compiles) the network
//   for (;;) {
//     std::vector<double> frame = mea.read(); // samples × channels, µV, row-major
//     nsc::FrameResult r = session.processFrame(frame);
//     for (const nsc::LightPulse &p : r.pulses) led.fire(p.site, p.intensity_mw_mm2, p.duration_ms);
//   }
//   nsc::LatencySummary s = session.latency(); // p50/p99/max per stage
//
// One processFrame per frame runs the stages of docs/closed-loop.md:
//   1. detect   MAD threshold per channel: σ_c = median|V_c| / 0.6745
//               (median of the last noiseFrames frames' medians), θ_c = α·σ_c,
//               negative-going crossings, a refractory period per channel;
//   2. aer      detections -> address-events (id, τ), τ = ⌊t_s·f_hw⌋, id from
//               the channel map, ordered by (τ, id); scheduled into the input
//               population's spike port at the step containing τ;
//   3. model    the network runs the frame's duration (the model's clock
//               follows the recording's: sample s is at s/f_s);
//   4. bitstream per readout neuron p = k/(k+K) over the frame, L Bernoulli
//               bits from Philox keyed by (seed, frame, neuron), density = ones/L;
//   5. pulse    intensity d·I_max, duration T_min + (T_max − T_min)·d, fixed
//               wavelength, one per readout neuron (or one of their mean);
//   6. homeostat (optional) the Q8.8 rule of the generated Verilog with a
//               window of one frame on a threshold parameter.
// and times each stage (µs). Results are deterministic for a seed (all but
// the latencies). An empty frame (no samples) returns an empty result and
// changes nothing. Errors: ArgumentError for a bad configuration or frame
// (unknown names, sample rate ≤ 0, a channel map out of range, a frame of
// the wrong width or with a non-finite voltage), SimulationError when the
// model fails while running.
//
// The session owns its Simulation (simulation()): values may be read and
// set between frames; the session clears the simulation's spike list after
// every frame to keep memory bounded. A Session is used from one thread at
// a time; distinct sessions may run on different threads.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/Error.h"
#include "nsc/Export.h"
#include "nsc/Model.h"
#include "nsc/Simulation.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nsc {

namespace detail {
struct SessionImpl;
}

enum class SpikePolarity { Negative, Positive, Both };
enum class PulseMode { PerNeuron, Mean };

struct SessionOptions {
  /// The network to build ("" when the source has one).
  std::string network;
  /// The MEA: samples per second (> 0) and channels per frame (>= 1).
  double sampleRate_hz = 0;
  uint32_t channels = 0;

  /// Where events go: a model population and one of its scalar spike ports.
  /// Empty: the first model population, and its only spike port.
  std::string inputPopulation, inputPort;
  /// Channel c drives input neuron channelMap[c] (-1: not routed). Empty:
  /// channel c drives neuron c.
  std::vector<int64_t> channelMap;
  /// Weight of one event, in the port's unit.
  double inputWeight = 1.0;
  /// AER clock f_hw; 0: one tick per model step (1/dt).
  double tick_hz = 0;
  /// The population whose spikes become bitstreams and pulses. Empty: the
  /// last model population.
  std::string readoutPopulation;

  // Detection (stage 1).
  double alpha = 5.0;
  uint32_t refractorySamples = 30;
  SpikePolarity polarity = SpikePolarity::Negative;
  uint32_t noiseFrames = 10;

  // Bitstreams (stage 4).
  uint32_t bitstreamLength = 1024; // L
  double halfCount = 1.0;          // K
  uint64_t seed = 0;

  // Pulses (stage 5).
  double maxIntensity_mw_mm2 = 10.0;
  double minPulse_ms = 1.0, maxPulse_ms = 10.0;
  double wavelength_nm = 470.0;
  PulseMode pulseMode = PulseMode::PerNeuron;

  // Homeostat (stage 6), off unless `homeostatThreshold` names a real
  // parameter of `homeostatPopulation` (empty: the readout population).
  std::string homeostatPopulation, homeostatThreshold;
  double homeostatTarget_hz = 10.0, homeostatTau_s = 10.0;
  int64_t homeostatThetaMin = 64, homeostatThetaMax = 512; // Q8.8
  bool homeostatPlainMode = false; // the textbook rule instead of the accumulator

  /// Per-frame budget of the whole pipeline in µs; 0: none.
  double budget_us = 0;
  /// The clock the stages are timed with, in ns (monotonic). Empty:
  /// std::chrono::steady_clock. Tests inject a fake one.
  std::function<uint64_t()> clock_ns;
};

struct DetectedSpike {
  uint32_t channel = 0;
  uint64_t sample = 0; // since the session began
  double value_uv = 0; // V at the detection
};

struct LightPulse {
  uint32_t site = 0;
  double density = 0;
  double intensity_mw_mm2 = 0;
  double duration_ms = 0;
  double wavelength_nm = 0;
  double start_ms = 0; // model time at the end of the frame
};

struct StageLatency {
  double detect_us = 0, aer_us = 0, model_us = 0, bitstream_us = 0, pulse_us = 0, homeostat_us = 0, total_us = 0;
};

/// What one frame did.
struct NSC_API FrameResult {
  uint64_t frame = 0;       // index of the frame (empty frames do not count)
  uint64_t firstSample = 0; // since the session began
  uint64_t samples = 0;
  uint64_t firstStep = 0;   // the model steps simulated: [firstStep, endStep)
  uint64_t endStep = 0;
  double dt_ms = 0;
  std::vector<double> thresholds_uv; // θ_c per channel
  std::vector<DetectedSpike> detected;
  std::vector<AerEvent> events;
  /// Spikes of the model populations in the frame's steps (canonical
  /// order; Spike::population indexes Simulation::populations()).
  std::vector<Spike> modelSpikes;
  std::vector<uint32_t> readoutCounts; // k_n
  std::vector<double> densities;       // d_n
  std::vector<LightPulse> pulses;
  std::vector<double> homeostatThresholds; // new threshold values; empty when off
  StageLatency latency;
  bool overBudget = false;

  /// JSON (docs/closed-loop.md §8); indent < 0: one line.
  std::string toJson(int indent = -1) const;
  /// Parses toJson's output; ArgumentError for anything else.
  static FrameResult fromJson(const std::string &json);
};

struct StageSummary {
  std::string stage; // detect, aer, model, bitstream, pulse, homeostat, total
  double p50_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
};

struct LatencySummary {
  uint64_t frames = 0;
  double budget_us = 0;
  uint64_t violations = 0; // frames whose total exceeded the budget
  std::vector<StageSummary> stages;
};

class NSC_API Session {
public:
  /// Builds the network and checks every option (ArgumentError naming the
  /// wrong one; SimulationError when the network cannot be built).
  Session(const Model &model, const SessionOptions &options);
  Session(Session &&) noexcept;
  Session &operator=(Session &&) noexcept;
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  /// One frame: `samples` rows of `channels` voltages (µV), row-major.
  FrameResult processFrame(const double *voltages_uv, uint64_t samples, uint32_t channels);
  /// The same with the rows concatenated (size a multiple of channels).
  FrameResult processFrame(const std::vector<double> &voltages_uv);

  /// Per-stage latency over the frames so far.
  LatencySummary latency() const;
  /// The options with every default resolved (populations, port, tick rate).
  const SessionOptions &options() const;
  /// Non-empty frames processed.
  uint64_t frames() const;
  Simulation &simulation();

private:
  detail::SessionImpl *impl() const;
  std::unique_ptr<detail::SessionImpl> impl_;
};

/// JSON of a latency summary (the "latency" object of `nsc loop`'s report).
NSC_API std::string latencySummaryJson(const LatencySummary &summary, int indent = -1);

} // namespace nsc
