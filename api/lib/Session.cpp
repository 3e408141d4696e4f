//===- Session.cpp - nsc::Session: the closed loop around a Simulation ----===//
//
// The stages are nsc_loop's (runtime/loop); this file checks the options,
// resolves the defaults against the built network, and runs one frame:
// detect -> AER -> scheduled into the input port -> model steps -> readout
// counts -> bitstream densities -> pulses -> homeostat, timing each stage.
//
//===----------------------------------------------------------------------===//
#include "Impl.h"

#include "nsc/Session.h"

#include "nsc/loop/AerEvents.h"
#include "nsc/loop/Bitstream.h"
#include "nsc/loop/FrameHomeostat.h"
#include "nsc/loop/Latency.h"
#include "nsc/loop/OptoPulse.h"
#include "nsc/loop/SpikeDetector.h"

#include <chrono>
#include <cmath>
#include <optional>

namespace nsc {

namespace detail {

struct SessionImpl {
  SessionOptions options;
  Simulation sim;
  uint32_t inputIndex = 0, readoutIndex = 0, homeostatIndex = 0;
  uint64_t inputSize = 0, readoutSize = 0;
  loop::AerMapping mapping;
  std::optional<loop::MadSpikeDetector> detector;
  loop::BitstreamConfig bitstreams;
  loop::PulseConfig pulses;
  bool homeostatOn = false;
  loop::FrameHomeostat homeostat;
  loop::LatencyLog latency;
  uint64_t frames = 0, samples = 0;
  // Scratch reused frame after frame.
  std::vector<loop::DetectedSpike> detected;
  std::vector<loop::AerEvent> events;
  std::vector<uint64_t> eventSteps, eventIds;
  std::vector<loop::OptoPulse> framePulses;

  explicit SessionImpl(Simulation s) : sim(std::move(s)) {}
  uint64_t now() const {
    if (options.clock_ns)
      return options.clock_ns();
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count());
  }
};

} // namespace detail

using detail::SessionImpl;
using detail::throwArgumentError;

namespace {

void check(const std::string &problem, const char *what) {
  if (!problem.empty())
    throwArgumentError(std::string(what) + ": " + problem);
}

/// The population named `name` (a model population), or the first/last
/// model population when `name` is empty.
uint32_t resolvePopulation(Simulation &sim, std::string &name, bool last, const char *role) {
  if (name.empty()) {
    const std::vector<PopulationInfo> &pops = sim.populations();
    for (size_t i = 0; i < pops.size(); ++i) {
      size_t k = last ? pops.size() - 1 - i : i;
      if (!pops[k].isSource) {
        name = pops[k].name;
        break;
      }
    }
    if (name.empty())
      throwArgumentError(std::string("the network has no model population to be the ") + role);
  }
  sim.variables(name); // ArgumentError for unknown names and sources
  return sim.populationIndex(name);
}

void resolveInputPort(Simulation &sim, SessionOptions &o) {
  std::vector<std::string> ports = sim.spikePorts(o.inputPopulation);
  if (!o.inputPort.empty()) {
    // The engine's message lists the ports.
    sim.scheduleSpikes(o.inputPopulation, o.inputPort, {}, {}, {o.inputWeight});
    return;
  }
  if (ports.size() == 1) {
    o.inputPort = ports[0];
    return;
  }
  std::string names;
  for (const std::string &p : ports)
    names += (names.empty() ? "'" : ", '") + p + "'";
  throwArgumentError("population '" + o.inputPopulation + "' has " +
                     (ports.empty() ? std::string("no scalar spike port to take the MEA's events")
                                    : "several spike ports (" + names + "): name the input port") );
}

void setUpHomeostat(SessionImpl &s) {
  SessionOptions &o = s.options;
  if (o.homeostatThreshold.empty()) {
    if (!o.homeostatPopulation.empty())
      throwArgumentError("the homeostat's population '" + o.homeostatPopulation +
                         "' is given without the threshold parameter it controls");
    return;
  }
  if (o.homeostatPopulation.empty())
    o.homeostatPopulation = o.readoutPopulation;
  s.homeostatIndex = resolvePopulation(s.sim, o.homeostatPopulation, false, "homeostat's population");
  bool parameter = false;
  for (const VariableInfo &v : s.sim.variables(o.homeostatPopulation))
    parameter = parameter || (v.name == o.homeostatThreshold && v.role == "parameter" && v.type == "real");
  if (!parameter)
    throwArgumentError("the homeostat's threshold '" + o.homeostatThreshold + "' is not a real parameter of population '" +
                       o.homeostatPopulation + "'");
  loop::FrameHomeostatConfig hc;
  hc.targetRate_hz = o.homeostatTarget_hz;
  hc.tau_s = o.homeostatTau_s;
  hc.thetaMin = o.homeostatThetaMin;
  hc.thetaMax = o.homeostatThetaMax;
  hc.mode = o.homeostatPlainMode ? hw::HomeostatMode::Plain : hw::HomeostatMode::Accumulator;
  // The window is one frame, whose length the data decides: the constants
  // are checked here for 10 ms and recomputed for each frame length met.
  std::string error;
  std::vector<double> theta = s.sim.get(o.homeostatPopulation, o.homeostatThreshold);
  if (!s.homeostat.init(hc, 10.0, theta, error))
    throwArgumentError("homeostat: " + error);
  s.homeostatOn = true;
}

loop::Polarity polarityOf(SpikePolarity p) {
  return p == SpikePolarity::Positive ? loop::Polarity::Positive
         : p == SpikePolarity::Both   ? loop::Polarity::Both
                                      : loop::Polarity::Negative;
}

} // namespace

Session::Session(const Model &model, const SessionOptions &options) {
  SessionOptions o = options;
  if (!std::isfinite(o.sampleRate_hz) || !(o.sampleRate_hz > 0))
    throwArgumentError("the sample rate must be a positive frequency (got " + std::to_string(o.sampleRate_hz) +
                       " Hz)");
  if (o.channels == 0)
    throwArgumentError("the number of channels must be at least 1");
  if (!std::isfinite(o.inputWeight))
    throwArgumentError("the input weight must be a finite number");
  if (!std::isfinite(o.tick_hz) || o.tick_hz < 0)
    throwArgumentError("the AER clock (tick rate) must be a positive frequency, or 0 for one tick per step");
  if (!std::isfinite(o.budget_us) || o.budget_us < 0)
    throwArgumentError("the latency budget must be a non-negative time (0: none)");
  loop::DetectorConfig dc;
  dc.channels = o.channels;
  dc.alpha = o.alpha;
  dc.refractorySamples = o.refractorySamples;
  dc.polarity = polarityOf(o.polarity);
  dc.noiseFrames = o.noiseFrames;
  check(loop::checkDetectorConfig(dc), "spike detection");

  auto impl = std::make_unique<SessionImpl>(model.simulate(o.network));
  SessionImpl &s = *impl;
  s.inputIndex = resolvePopulation(s.sim, o.inputPopulation, false, "input");
  s.readoutIndex = resolvePopulation(s.sim, o.readoutPopulation, true, "readout");
  s.inputSize = s.sim.populations()[s.inputIndex].size;
  s.readoutSize = s.sim.populations()[s.readoutIndex].size;
  resolveInputPort(s.sim, o);
  if (o.tick_hz == 0)
    o.tick_hz = 1000.0 / s.sim.dt_ms();
  s.mapping.sampleRate_hz = o.sampleRate_hz;
  s.mapping.tick_hz = o.tick_hz;
  s.mapping.channelMap = o.channelMap;
  check(loop::checkAerMapping(s.mapping, o.channels, s.inputSize), "channel map");

  s.bitstreams.length = o.bitstreamLength;
  s.bitstreams.halfCount = o.halfCount;
  s.bitstreams.seed = o.seed;
  s.bitstreams.population = s.readoutIndex;
  check(loop::checkBitstreamConfig(s.bitstreams), "bitstreams");
  s.pulses.maxIntensity_mw_mm2 = o.maxIntensity_mw_mm2;
  s.pulses.minDuration_ms = o.minPulse_ms;
  s.pulses.maxDuration_ms = o.maxPulse_ms;
  s.pulses.wavelength_nm = o.wavelength_nm;
  s.pulses.mode = o.pulseMode == PulseMode::Mean ? loop::PulseMode::Mean : loop::PulseMode::PerNeuron;
  check(loop::checkPulseConfig(s.pulses), "pulses");

  s.options = o;
  setUpHomeostat(s);
  s.detector.emplace(dc);
  s.latency = loop::LatencyLog(o.budget_us);
  impl_ = std::move(impl);
}

Session::Session(Session &&) noexcept = default;
Session &Session::operator=(Session &&) noexcept = default;
Session::~Session() = default;

SessionImpl *Session::impl() const {
  if (!impl_)
    throwArgumentError("use of a moved-from nsc::Session");
  return impl_.get();
}

const SessionOptions &Session::options() const { return impl()->options; }
uint64_t Session::frames() const { return impl()->frames; }
Simulation &Session::simulation() { return impl()->sim; }

FrameResult Session::processFrame(const std::vector<double> &voltages_uv) {
  uint32_t C = impl()->options.channels;
  if (voltages_uv.size() % C)
    throwArgumentError("a frame of " + std::to_string(voltages_uv.size()) + " values is not whole rows of " +
                       std::to_string(C) + " channels");
  return processFrame(voltages_uv.data(), voltages_uv.size() / C, C);
}

FrameResult Session::processFrame(const double *v, uint64_t samples, uint32_t channels) {
  SessionImpl &s = *impl();
  const SessionOptions &o = s.options;
  FrameResult r;
  r.frame = s.frames;
  r.firstSample = s.samples;
  r.dt_ms = s.sim.dt_ms();
  r.firstStep = r.endStep = s.sim.steps();
  if (samples == 0)
    return r; // nothing arrived: nothing runs, nothing is counted
  if (channels != o.channels)
    throwArgumentError("a frame of " + std::to_string(channels) + " channels for a session of " +
                       std::to_string(o.channels));
  for (uint64_t i = 0; i < samples * channels; ++i)
    if (!std::isfinite(v[i]))
      throwArgumentError("the frame holds a non-finite voltage at sample " + std::to_string(i / channels) +
                         ", channel " + std::to_string(i % channels));
  loop::StageTimes t{};
  auto stage = [&](loop::Stage st, uint64_t &mark) {
    uint64_t n = s.now();
    t[unsigned(st)] = double(n - mark) * 1e-3;
    mark = n;
  };
  const uint64_t start = s.now();
  uint64_t mark = start;

  // 1. Detection.
  s.detected.clear();
  s.detector->detect(v, samples, s.detected);
  stage(loop::Stage::Detect, mark);

  // 2. AER, scheduled at the steps that contain the events' times.
  s.events.clear();
  loop::encodeAer(s.detected, s.mapping, s.events);
  s.eventSteps.clear();
  s.eventIds.clear();
  for (const loop::AerEvent &e : s.events) {
    s.eventSteps.push_back(std::max(r.firstStep, loop::stepOfTick(e.tick, o.tick_hz, r.dt_ms)));
    s.eventIds.push_back(e.id);
  }
  s.sim.scheduleSpikes(o.inputPopulation, o.inputPort, s.eventSteps, s.eventIds, {o.inputWeight});
  stage(loop::Stage::Aer, mark);

  // 3. The model runs to the end of the frame's time.
  s.samples += samples;
  r.samples = samples;
  r.endStep = std::max(r.firstStep, loop::stepOfTick(s.samples, o.sampleRate_hz, r.dt_ms));
  s.sim.step(r.endStep - r.firstStep);
  r.modelSpikes = s.sim.spikesSince(r.firstStep);
  s.sim.clearSpikes();
  const std::vector<PopulationInfo> &pops = s.sim.populations();
  r.modelSpikes.erase(std::remove_if(r.modelSpikes.begin(), r.modelSpikes.end(),
                                     [&](const Spike &x) { return pops[x.population].isSource; }),
                      r.modelSpikes.end());
  r.readoutCounts.assign(s.readoutSize, 0);
  for (const Spike &x : r.modelSpikes)
    if (x.population == s.readoutIndex)
      ++r.readoutCounts[x.index];
  stage(loop::Stage::Model, mark);

  // 4. Bitstreams.
  loop::bitstreamDensities(s.bitstreams, s.frames, r.readoutCounts, r.densities);
  stage(loop::Stage::Bitstream, mark);

  // 5. Pulses, starting when the frame's model time ends.
  loop::pulsesOf(s.pulses, r.densities, s.framePulses);
  const double endMs = double(r.endStep) * r.dt_ms;
  for (const loop::OptoPulse &p : s.framePulses)
    r.pulses.push_back({p.site, p.density, p.intensity_mw_mm2, p.duration_ms, p.wavelength_nm, endMs});
  stage(loop::Stage::Pulse, mark);

  // 6. Homeostat.
  const double frameMs = double(r.endStep - r.firstStep) * r.dt_ms;
  if (s.homeostatOn && frameMs > 0) {
    std::string error;
    if (frameMs != s.homeostat.frame_ms() && !s.homeostat.retime(frameMs, error))
      throwArgumentError("homeostat: frames of " + std::to_string(frameMs) + " ms: " + error);
    std::vector<uint32_t> counts(pops[s.homeostatIndex].size, 0);
    for (const Spike &x : r.modelSpikes)
      if (x.population == s.homeostatIndex)
        ++counts[x.index];
    s.homeostat.update(counts, r.homeostatThresholds);
    s.sim.set(o.homeostatPopulation, o.homeostatThreshold, r.homeostatThresholds);
  }
  stage(loop::Stage::Homeostat, mark);

  r.thresholds_uv = s.detector->thresholds();
  r.detected.reserve(s.detected.size());
  for (const loop::DetectedSpike &d : s.detected)
    r.detected.push_back({d.channel, d.sample, d.value});
  r.events.reserve(s.events.size());
  for (const loop::AerEvent &e : s.events)
    r.events.push_back({e.id, e.tick});
  t[unsigned(loop::Stage::Total)] = double(s.now() - start) * 1e-3;
  r.latency = {t[0], t[1], t[2], t[3], t[4], t[5], t[6]};
  r.overBudget = s.latency.add(t);
  ++s.frames;
  return r;
}

LatencySummary Session::latency() const {
  const SessionImpl &s = *impl();
  LatencySummary out;
  out.frames = s.latency.frames();
  out.budget_us = s.latency.budget_us();
  out.violations = s.latency.violations();
  for (unsigned k = 0; k < loop::kStages; ++k) {
    loop::StageSummary x = s.latency.summary(loop::Stage(k));
    out.stages.push_back({loop::stageName(loop::Stage(k)), x.p50_us, x.p99_us, x.max_us, x.mean_us});
  }
  return out;
}

} // namespace nsc
