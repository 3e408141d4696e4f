//===- LoopCommand.cpp - nsc loop MODEL --mea=rec.npy: the closed loop, replayed ===//
//
// Replays a recorded MEA (.npy, samples × channels) frame by frame through
// nsc::Session (api/include/nsc/Session.h, docs/closed-loop.md) and writes
// every frame's result and the latency summary as JSON. The command is an
// application of the embedding API: what it measures is what an embedding
// closed loop gets.
//
//===----------------------------------------------------------------------===//
#include "LoopCommand.h"

#include "VerifyReport.h" // writeFileAtomically

#include "nsc/nsc.h"
#include "nsc/runtime/Npy.h"
#include "nsc/support/Units.h"
#include "nsc/targets/RunRequest.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sched.h>

namespace nsc::driver {

namespace {

struct LoopOptions {
  std::string file, mea, report;
  std::vector<std::string> includeDirs;
  std::string sampleRate, frame = "10ms", budget = "0", scale, tickRate;
  std::string channelMap, polarity = "negative", pulseMode = "per-neuron";
  std::string minPulse = "1ms", maxPulse = "10ms", wavelength = "470nm";
  std::string homeostatRate = "10Hz", homeostatTau = "10s", homeostatTheta;
  SessionOptions session;
  uint64_t frameSamples = 0;
  double scale_uv = 1.0;
  bool scaleGiven = false;
  int realtime = 0; // SCHED_FIFO priority while frames run; 0: unchanged
};

int usage(const std::string &msg) {
  std::cerr << "nsc loop: error: " << msg << "\n";
  return 2;
}

/// "25kHz", "470 nm", "0.195uV": a number with an optional unit of the
/// dimension of `unitText`, in units of `unitText`. False with `error`.
bool parseIn(const std::string &text, const char *unitText, double &value, std::string &error) {
  const char *s = text.c_str();
  char *end = nullptr;
  value = std::strtod(s, &end);
  std::string rest(end);
  rest.erase(0, rest.find_first_not_of(' '));
  if (end == s || !std::isfinite(value)) {
    error = "'" + text + "' is not a number";
    return false;
  }
  if (rest.empty())
    return true;
  units::Unit want = *units::parseUnitExpr(unitText);
  auto u = units::parseUnitExpr(rest);
  if (!u || !(u->dim == want.dim)) {
    error = "'" + text + "' is not in units of " + std::string(unitText);
    return false;
  }
  value = value * u->scale / want.scale;
  return true;
}

bool parseChannelMap(const std::string &text, std::vector<int64_t> &out, std::string &error) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char *end = nullptr;
    long long v = std::strtoll(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0') {
      error = "'" + item + "' is not a neuron index (give one per channel, -1 for an unrouted channel)";
      return false;
    }
    out.push_back(v);
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return true;
}

void addOptions(CLI::App &app, LoopOptions &o) {
  SessionOptions &s = o.session;
  app.add_option("file", o.file, "The model file (.nrn, .nestml)")->required();
  app.add_option("--mea", o.mea, "The recording: .npy, samples x channels, float32/float64 (uV) or int16 (--scale)")
      ->required();
  app.add_option("--sample-rate", o.sampleRate, "The recording's sample rate, e.g. 25kHz")->required();
  app.add_option("--network", s.network, "The network to drive when the file has several");
  app.add_option("--frame", o.frame, "Frame length (a whole number of samples; default 10ms)");
  app.add_option("--budget", o.budget, "Latency budget per frame, e.g. 1ms or 800us (default: none)");
  app.add_option("--report", o.report, "Write every frame's result and the latency summary here (JSON)");
  app.add_option("--scale", o.scale, "Voltage of one unit of the recording, e.g. 0.195uV (required for int16)");
  app.add_option("--input", s.inputPopulation, "Population the events drive (default: the first model population)");
  app.add_option("--port", s.inputPort, "Its spike port (default: its only one)");
  app.add_option("--readout", s.readoutPopulation, "Population read out (default: the last model population)");
  app.add_option("--channel-map", o.channelMap, "Input neuron of each channel, comma-separated (-1: unrouted)");
  app.add_option("--weight", s.inputWeight, "Weight of one event in the port's unit (default 1)");
  app.add_option("--tick-rate", o.tickRate, "AER clock, e.g. 1MHz (default: one tick per model step)");
  app.add_option("--alpha", s.alpha, "Threshold factor: theta = alpha * median|V| / 0.6745 (default 5)");
  app.add_option("--refractory", s.refractorySamples, "Refractory period in samples per channel (default 30)");
  app.add_option("--polarity", o.polarity, "Crossings detected: negative (default), positive, both");
  app.add_option("--noise-frames", s.noiseFrames, "Frames whose medians give sigma (default 10)");
  app.add_option("--bitstream-length", s.bitstreamLength, "Bits per stochastic-computing stream (default 1024)");
  app.add_option("--half-count", s.halfCount, "K of p = k/(k+K) (default 1)");
  app.add_option("--seed", s.seed, "Seed of the bitstreams (default 0)");
  app.add_option("--max-intensity", s.maxIntensity_mw_mm2, "Light intensity at density 1, mW/mm^2 (default 10)");
  app.add_option("--min-pulse", o.minPulse, "Pulse duration at density 0 (default 1ms)");
  app.add_option("--max-pulse", o.maxPulse, "Pulse duration at density 1 (default 10ms)");
  app.add_option("--wavelength", o.wavelength, "Wavelength of the light (default 470nm)");
  app.add_option("--pulse-mode", o.pulseMode, "per-neuron (a site per readout neuron, default) or mean (one site)");
  app.add_option("--homeostat", s.homeostatThreshold,
                 "Adapt this threshold parameter of the readout population with the Q8.8 rule each frame");
  app.add_option("--homeostat-rate", o.homeostatRate, "The homeostat's target rate (default 10Hz)");
  app.add_option("--homeostat-tau", o.homeostatTau, "The homeostat's time constant (default 10s)");
  app.add_option("--homeostat-theta", o.homeostatTheta, "The homeostat's Q8.8 bounds MIN,MAX (default 64,512)");
  app.add_option("--realtime", o.realtime,
                 "Process the frames under SCHED_FIFO with this priority (1-99), as a closed loop on a shared "
                 "machine must run; an error when the system refuses it");
  app.add_option("-I", o.includeDirs, "Add a directory to the import search path")->allow_extra_args(false);
}

/// The options that take units or words; -1 to go on, else an exit status.
int checkOptions(LoopOptions &o, CLI::App &app) {
  SessionOptions &s = o.session;
  std::string err;
  double v = 0;
  if (!parseIn(o.sampleRate, "Hz", s.sampleRate_hz, err))
    return usage("--sample-rate: " + err);
  if (!(s.sampleRate_hz > 0))
    return usage("--sample-rate: the sample rate must be positive");
  double frameMs = 0, budgetMs = 0;
  if (!targets::parseDurationMs(o.frame, frameMs, err))
    return usage("--frame: " + err);
  double samples = frameMs * 1e-3 * s.sampleRate_hz;
  if (!(samples >= 1) || std::fabs(samples - std::nearbyint(samples)) > 1e-6 * samples)
    return usage("--frame: " + o.frame + " is " + fmt::format("{:g}", samples) + " samples at " + o.sampleRate +
                 "; a frame must be a whole number of samples, at least one");
  o.frameSamples = uint64_t(std::nearbyint(samples));
  if (!targets::parseDurationMs(o.budget, budgetMs, err))
    return usage("--budget: " + err);
  s.budget_us = budgetMs * 1000.0;
  if (!o.scale.empty()) {
    if (!parseIn(o.scale, "uV", o.scale_uv, err))
      return usage("--scale: " + err);
    if (!(o.scale_uv > 0))
      return usage("--scale: the scale must be a positive voltage");
    o.scaleGiven = true;
  }
  if (!o.tickRate.empty() && (!parseIn(o.tickRate, "Hz", s.tick_hz, err) || !(s.tick_hz > 0)))
    return usage("--tick-rate: " + (err.empty() ? "the AER clock must be a positive frequency" : err));
  if (!o.channelMap.empty() && !parseChannelMap(o.channelMap, s.channelMap, err))
    return usage("--channel-map: " + err);
  if (o.polarity == "negative" || o.polarity == "positive" || o.polarity == "both")
    s.polarity = o.polarity == "negative"   ? SpikePolarity::Negative
                 : o.polarity == "positive" ? SpikePolarity::Positive
                                            : SpikePolarity::Both;
  else
    return usage("--polarity: '" + o.polarity + "' is not one of negative, positive, both");
  if (o.pulseMode == "per-neuron" || o.pulseMode == "mean")
    s.pulseMode = o.pulseMode == "mean" ? PulseMode::Mean : PulseMode::PerNeuron;
  else
    return usage("--pulse-mode: '" + o.pulseMode + "' is not one of per-neuron, mean");
  if (!targets::parseDurationMs(o.minPulse, s.minPulse_ms, err))
    return usage("--min-pulse: " + err);
  if (!targets::parseDurationMs(o.maxPulse, s.maxPulse_ms, err))
    return usage("--max-pulse: " + err);
  if (!parseIn(o.wavelength, "nm", s.wavelength_nm, err))
    return usage("--wavelength: " + err);
  // The homeostat's settings act only with --homeostat: refuse them alone.
  for (const char *name : {"--homeostat-rate", "--homeostat-tau", "--homeostat-theta"})
    if (app.count(name) && s.homeostatThreshold.empty())
      return usage(std::string(name) + " needs --homeostat=PARAMETER (the threshold it adapts)");
  if (!parseIn(o.homeostatRate, "Hz", s.homeostatTarget_hz, err))
    return usage("--homeostat-rate: " + err);
  if (!parseIn(o.homeostatTau, "s", v, err))
    return usage("--homeostat-tau: " + err);
  s.homeostatTau_s = v;
  if (app.count("--realtime") && (o.realtime < 1 || o.realtime > 99))
    return usage("--realtime: the SCHED_FIFO priority must be 1 to 99");
  if (!o.homeostatTheta.empty()) {
    long long lo = 0, hi = 0;
    char tail = 0;
    if (std::sscanf(o.homeostatTheta.c_str(), "%lld,%lld%c", &lo, &hi, &tail) != 2)
      return usage("--homeostat-theta: '" + o.homeostatTheta + "' is not MIN,MAX (Q8.8 integers, 256 = 1.0)");
    s.homeostatThetaMin = lo;
    s.homeostatThetaMax = hi;
  }
  return -1;
}

/// The recording in µV, row-major samples × channels; -1 or an exit status.
int readRecording(const LoopOptions &o, runtime::NpyArray &a, std::vector<double> &uv) {
  std::ifstream in(o.mea, std::ios::binary);
  if (!in) {
    std::cerr << "nsc loop: error: cannot open '" << o.mea << "'\n";
    return 1;
  }
  std::string err;
  if (!runtime::readNpy(in, a, err)) {
    std::cerr << "nsc loop: error: " << o.mea << ": " << err << "\n";
    return 1;
  }
  if (a.descr == "<i8" || (a.descr == "<i2" && !o.scaleGiven)) {
    std::cerr << "nsc loop: error: " << o.mea << ": "
              << (a.descr == "<i8" ? "int64 samples are not a recording format (use float32, float64 or int16)"
                                   : "an int16 recording needs --scale (the voltage of one unit, e.g. 0.195uV)")
              << "\n";
    return 1;
  }
  if (a.cols == 0) {
    std::cerr << "nsc loop: error: " << o.mea << ": the recording has no channels\n";
    return 1;
  }
  const uint64_t n = a.rows * a.cols;
  uv.resize(n);
  for (uint64_t i = 0; i < n; ++i)
    uv[i] = (a.descr == "<f8" ? a.f8[i] : a.descr == "<f4" ? double(a.f4[i]) : double(a.i2[i])) * o.scale_uv;
  return -1;
}

std::string us(double v) { return fmt::format("{:.1f}", v); }

/// An API error as `nsc loop: error: ...` lines (source diagnostics as the
/// compiler prints them).
void printError(const Error &e) {
  for (const Message &d : e.diagnostics()) {
    if (d.file.empty() && d.severity == Message::Severity::Error)
      std::cerr << "nsc loop: error: " << d.message << "\n";
    else
      std::cerr << d.text;
  }
  if (e.diagnostics().empty())
    std::cerr << "nsc loop: error: " << e.what() << "\n";
}

} // namespace

int loopMain(int argc, char **argv) {
  CLI::App app{"nsc loop - replay an MEA recording through the closed loop: spike detection, AER events, the "
               "model, stochastic-computing bitstreams, optogenetic pulses (docs/closed-loop.md). Exit status: 0 "
               "done, 1 errors in the input, 2 bad command line, 3 internal error."};
  LoopOptions o;
  addOptions(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (int rc = checkOptions(o, app); rc >= 0)
    return rc;
  runtime::NpyArray array;
  std::vector<double> uv;
  if (int rc = readRecording(o, array, uv); rc >= 0)
    return rc;
  o.session.channels = uint32_t(array.cols);

  std::unique_ptr<Session> session;
  try {
    CompilerOptions copt;
    copt.includeDirs = o.includeDirs;
    Model model = Compiler(copt).compileFile(o.file);
    for (const Message &w : model.warnings())
      std::cerr << w.text;
    session = std::make_unique<Session>(model, o.session);
  } catch (const CompileError &e) {
    std::cerr << e.what();
    return 1;
  } catch (const Error &e) {
    printError(e);
    return 1;
  }

  // Real-time priority for the frames only: building and writing are not
  // part of the loop.
  sched_param normal{};
  int normalPolicy = sched_getscheduler(0);
  sched_getparam(0, &normal);
  if (o.realtime) {
    sched_param fifo{};
    fifo.sched_priority = o.realtime;
    if (sched_setscheduler(0, SCHED_FIFO, &fifo) != 0) {
      std::cerr << "nsc loop: error: --realtime: the system refused SCHED_FIFO priority " << o.realtime << ": "
                << std::strerror(errno) << " (it needs CAP_SYS_NICE or an rtprio limit; run without --realtime)\n";
      return 1;
    }
  }
  const SessionOptions &so = session->options();
  std::string frames = "[";
  uint64_t detected = 0, events = 0, modelSpikes = 0, readoutSpikes = 0, frameCount = 0;
  try {
    for (uint64_t row = 0; row < array.rows; row += o.frameSamples) {
      uint64_t n = std::min(o.frameSamples, array.rows - row);
      FrameResult r = session->processFrame(uv.data() + row * array.cols, n, uint32_t(array.cols));
      detected += r.detected.size();
      events += r.events.size();
      modelSpikes += r.modelSpikes.size();
      for (uint32_t k : r.readoutCounts)
        readoutSpikes += k;
      ++frameCount;
      if (!o.report.empty())
        frames += (frameCount > 1 ? ",\n" : "\n") + r.toJson();
    }
  } catch (const Error &e) {
    printError(e);
    return 1;
  }
  frames += "\n]";
  if (o.realtime)
    sched_setscheduler(0, normalPolicy, &normal);
  LatencySummary lat = session->latency();

  const double frameMs = double(o.frameSamples) * 1000.0 / so.sampleRate_hz;
  std::cout << fmt::format("nsc loop: {}, {} channels at {:g} Hz, {} frames of {:g} ms ({} samples)\n", o.file,
                           so.channels, so.sampleRate_hz, frameCount, frameMs, o.frameSamples);
  const Simulation &sim = session->simulation();
  std::cout << fmt::format("input {}.{} ({} events of weight {:g}), readout {} ({} neurons, {} pulses)\n",
                           so.inputPopulation, so.inputPort, events, so.inputWeight, so.readoutPopulation,
                           sim.populations()[sim.populationIndex(so.readoutPopulation)].size, o.pulseMode);
  std::cout << fmt::format("detected {} spikes; model spikes {} (readout {})\n", detected, modelSpikes, readoutSpikes);
  std::cout << fmt::format("latency per frame (us)  {:>9} {:>9} {:>9}\n", "p50", "p99", "max");
  for (const StageSummary &st : lat.stages)
    std::cout << fmt::format("  {:<20}  {:>9} {:>9} {:>9}\n", st.stage, us(st.p50_us), us(st.p99_us), us(st.max_us));
  if (o.realtime)
    std::cout << fmt::format("scheduling: SCHED_FIFO priority {}\n", o.realtime);
  if (lat.budget_us > 0)
    std::cout << fmt::format("budget {} us: {} of {} frames over\n", us(lat.budget_us), lat.violations, lat.frames);
  else
    std::cout << "budget: none (--budget)\n";

  if (!o.report.empty()) {
    nlohmann::json head;
    head["file"] = o.file;
    head["mea"] = o.mea;
    head["network"] = so.network;
    head["sample_rate_hz"] = so.sampleRate_hz;
    head["channels"] = so.channels;
    head["frame_samples"] = o.frameSamples;
    head["frame_ms"] = frameMs;
    head["scheduling"] = o.realtime ? fmt::format("SCHED_FIFO priority {}", o.realtime) : "default";
    head["dt_ms"] = session->simulation().dt_ms();
    head["input"] = {{"population", so.inputPopulation}, {"port", so.inputPort}, {"weight", so.inputWeight},
                     {"channel_map", so.channelMap},      {"tick_hz", so.tick_hz}};
    head["readout"] = so.readoutPopulation;
    head["detector"] = {{"alpha", so.alpha},
                        {"refractory_samples", so.refractorySamples},
                        {"polarity", o.polarity},
                        {"noise_frames", so.noiseFrames}};
    head["bitstream"] = {{"length", so.bitstreamLength}, {"half_count", so.halfCount}, {"seed", so.seed}};
    head["pulse"] = {{"max_intensity_mw_mm2", so.maxIntensity_mw_mm2}, {"min_ms", so.minPulse_ms},
                     {"max_ms", so.maxPulse_ms}, {"wavelength_nm", so.wavelength_nm}, {"mode", o.pulseMode}};
    if (!so.homeostatThreshold.empty())
      head["homeostat"] = {{"population", so.homeostatPopulation}, {"threshold", so.homeostatThreshold},
                           {"target_hz", so.homeostatTarget_hz}, {"tau_s", so.homeostatTau_s},
                           {"theta_min", so.homeostatThetaMin},   {"theta_max", so.homeostatThetaMax}};
    nlohmann::json pops = nlohmann::json::array();
    for (const PopulationInfo &p : session->simulation().populations())
      pops.push_back(p.name);
    head["populations"] = pops;
    head["totals"] = {{"frames", frameCount},          {"detected", detected},
                      {"events", events},              {"model_spikes", modelSpikes},
                      {"readout_spikes", readoutSpikes}};
    std::string text = head.dump(1);
    text.pop_back(); // the closing brace: frames and latency follow
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
      text.pop_back();
    text += ",\n \"latency\": " + latencySummaryJson(lat) + ",\n \"frames\": " + frames + "\n}\n";
    if (!writeFileAtomically(o.report, text)) {
      std::cerr << "nsc loop: error: cannot write the report to '" << o.report << "'\n";
      return 1;
    }
    std::cout << "report: " << o.report << "\n";
  }
  return 0;
}

} // namespace nsc::driver
