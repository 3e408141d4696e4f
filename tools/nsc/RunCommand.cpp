//===- RunCommand.cpp - nsc FILE --target=T --run=DURATION ----------------===//
#include "RunCommand.h"

#include "nsc/support/Units.h"
#include "nsc/network/Simulation.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace nsc::driver {

namespace {

/// "12.5 mV", "12.5mV", "-3", "1e-3 nS": a number and an optional unit.
bool parseQuantity(const std::string &text, double &value, units::Unit &unit, bool &hasUnit,
                   std::string &error) {
  const char *s = text.c_str();
  char *end = nullptr;
  value = std::strtod(s, &end);
  if (end == s) {
    error = "'" + text + "' is not a number";
    return false;
  }
  std::string rest(end);
  rest.erase(0, rest.find_first_not_of(' '));
  hasUnit = !rest.empty();
  if (hasUnit) {
    auto u = units::parseUnitExpr(rest, &error);
    if (!u) {
      error = "'" + rest + "' is not a unit" + (error.empty() ? "" : ": " + error);
      return false;
    }
    unit = *u;
  }
  return true;
}

bool splitAssignment(const std::string &arg, std::string &name, std::string &value) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    return false;
  name = arg.substr(0, eq);
  value = arg.substr(eq + 1);
  return true;
}

bool durationMs(const std::string &text, double &ms, std::string &error) {
  double v;
  units::Unit u;
  bool hasUnit;
  if (!parseQuantity(text, v, u, hasUnit, error))
    return false;
  if (!hasUnit) {
    ms = v;
  } else {
    units::Unit msU = *units::lookupUnit("ms");
    if (u.dim != msU.dim) {
      error = "'" + text + "' is not a time";
      return false;
    }
    ms = v * u.scale / msU.scale;
  }
  if (!(ms >= 0) || !std::isfinite(ms)) {
    error = "the duration must be a finite, non-negative time";
    return false;
  }
  return true;
}

/// A progress bar on stderr for runs that take more than a second of wall
/// time: `[#####.....]  52%  1.3 s, about 1.2 s left`.
class ProgressBar {
public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void update(double done) {
    if (!enabled_)
      return;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (s < 1.0)
      return;
    int filled = int(done * 30);
    std::string bar(size_t(filled), '#');
    bar.resize(30, '.');
    double left = done > 0 ? s * (1 - done) / done : 0;
    std::fprintf(stderr, "\r[%s] %3d%%  %.1f s, about %.1f s left ", bar.c_str(), int(done * 100), s, left);
    shown_ = true;
  }
  void finish() {
    if (shown_)
      std::fprintf(stderr, "\r%*s\r", 70, "");
  }

private:
  bool enabled_, shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

} // namespace

bool parseDurationMs(const std::string &text, double &ms, std::string &error) {
  return durationMs(text, ms, error);
}

std::unique_ptr<network::Simulation> buildSimulation(CompilerSession &session, const RunRequest &req,
                                                     const Backend &backend) {
  DiagnosticEngine &diags = session.diagnostics();
  ir::Module &mod = *session.module();
  auto bad = [&](const std::string &msg) -> std::unique_ptr<network::Simulation> {
    diags.error({}, msg);
    return nullptr;
  };
  RunRequest r = req;
  std::string err;
  network::BuildOptions build;
  build.kernels = backend.kernels;
  build.threads = std::max(1u, r.threads);
  std::unique_ptr<network::Simulation> sim;
  if (!r.model.empty() || mod.networks.empty()) {
    if (r.model.empty()) {
      std::string names;
      for (auto &m : mod.models)
        if (m->kind == ir::ModelKind::Neuron && m->specializationOf.empty())
          names += (names.empty() ? "" : ", ") + m->name;
      if (names.find(',') == std::string::npos && !names.empty())
        r.model = names;
      else
        return bad("the input has no network; name the model to run with --model (one of: " +
                   names + ")");
    }
    network::SingleModelSetup setup;
    setup.model = r.model;
    setup.n = r.n;
    for (const std::string &p : r.params) {
      std::string name, value;
      network::SingleModelSetup::Param prm;
      if (!splitAssignment(p, name, value) ||
          !parseQuantity(value, prm.value, prm.unit, prm.hasUnit, err))
        return bad("--param '" + p + "': expected NAME=VALUE[unit]" + (err.empty() ? "" : " (" + err + ")"));
      prm.name = name;
      setup.params.push_back(prm);
    }
    for (const std::string &p : r.spikeInputs) {
      std::string port, value;
      if (!splitAssignment(p, port, value))
        return bad("--spike-input '" + p + "': expected PORT=t1,t2,...[@weight]");
      network::SingleModelSetup::SpikeInput in;
      in.port = port;
      size_t at = value.find('@');
      if (at != std::string::npos) {
        if (!parseQuantity(value.substr(at + 1), in.weight, in.weightUnit, in.hasUnit, err))
          return bad("--spike-input '" + p + "': " + err);
        value = value.substr(0, at);
      }
      size_t pos = 0;
      while (pos <= value.size()) {
        size_t comma = value.find(',', pos);
        std::string item = value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        double t;
        if (!durationMs(item, t, err))
          return bad("--spike-input '" + p + "': " + err);
        in.timesMs.push_back(t);
        if (comma == std::string::npos)
          break;
        pos = comma + 1;
      }
      setup.spikeInputs.push_back(in);
    }
    for (const std::string &p : r.currentInputs) {
      std::string port, value;
      network::SingleModelSetup::CurrentInput ci;
      if (!splitAssignment(p, port, value) || !parseQuantity(value, ci.value, ci.unit, ci.hasUnit, err))
        return bad("--current-input '" + p + "': expected PORT=VALUE[unit]" + (err.empty() ? "" : " (" + err + ")"));
      ci.port = port;
      setup.currentInputs.push_back(ci);
    }
    auto mi = mod.findModel(r.model);
    double dt = mi ? mod.models[*mi]->semantics.dtMs : 0.1;
    uint64_t seed = mi ? mod.models[*mi]->semantics.seed : 0;
    sim = network::Simulation::forModel(mod, setup, dt, seed, build, diags);
  } else {
    uint32_t index = 0;
    if (!r.network.empty()) {
      bool found = false;
      for (uint32_t i = 0; i < mod.networks.size(); ++i)
        if (mod.networks[i]->name == r.network) {
          index = i;
          found = true;
        }
      if (!found)
        return bad("--network: no network named '" + r.network + "'");
    } else if (mod.networks.size() > 1) {
      return bad("the input has several networks; choose one with --network");
    }
    if (!r.params.empty() || !r.spikeInputs.empty() || !r.currentInputs.empty())
      return bad("--param, --spike-input and --current-input apply to a single model (--model); "
                 "a network sets its own inputs");
    sim = network::Simulation::forNetwork(mod, index, build, diags);
  }
  return sim;
}

int runModule(CompilerSession &session, const RunRequest &req, const Backend &backend) {
  DiagnosticEngine &diags = session.diagnostics();
  auto bad = [&](const std::string &msg) {
    diags.error({}, msg);
    return 1;
  };
  const RunRequest &r = req;
  double ms = 0;
  std::string err;
  if (!durationMs(r.duration, ms, err))
    return bad("--run: " + err);
  auto buildStart = std::chrono::steady_clock::now();
  std::unique_ptr<network::Simulation> sim = buildSimulation(session, req, backend);
  if (!sim)
    return 1;
  unsigned threads = std::max(1u, r.threads);
  double buildMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - buildStart).count();

  network::RunOptions opt;
  opt.durationMs = ms;
  opt.traceVariables = r.trace;
  ProgressBar bar(!r.quiet && isatty(STDERR_FILENO));
  opt.progress = [&](double done) { bar.update(done); };
  network::RunResult res;
  bool ok = sim->run(opt, res);
  bar.finish();
  for (auto &[w, count] : res.warnings)
    std::cerr << "nsc: warning: " << w << (count > 1 ? " (" + std::to_string(count) + " times)" : "")
              << "\n";
  res.spikes.sortCanonical();
  if (!r.spikesOut.empty()) {
    std::string e = runtime::writeSpikes(res.spikes, r.spikesOut);
    if (!e.empty())
      return bad("--spikes: " + e);
  }
  if (!r.trace.empty()) {
    std::string path = r.traceOut.empty() ? "trace.csv" : r.traceOut;
    std::string e = runtime::writeTraces(res.traces, path);
    if (!e.empty())
      return bad("--trace-out: " + e);
  }
  if (!r.recordDir.empty()) {
    std::filesystem::create_directories(r.recordDir);
    for (auto &[label, tr] : res.recorded) {
      std::string e = runtime::writeTraces(tr, r.recordDir + "/" + label + ".csv");
      if (!e.empty())
        return bad("--record-dir: " + e);
    }
  }
  if (r.stats) {
    nlohmann::json j;
    j["target"] = r.target;
    j["compile_ms"] = r.compileMs;
    j["build_ms"] = buildMs;
    j["kernel"] = res.kernel;
    j["threads"] = threads;
    j["run_ms"] = res.runMs;
    j["simulated_ms"] = double(res.steps) * res.spikes.dtMs;
    j["dt_ms"] = res.spikes.dtMs;
    j["steps"] = res.steps;
    j["neurons"] = res.neurons;
    j["synapses"] = res.synapses;
    j["synapse_bytes"] = res.synapseMemory.bytes;
    j["bytes_per_synapse"] = res.synapseMemory.bytesPerSynapse();
    j["spikes"] = res.spikeCount;
    uint64_t modelSpikes = 0;
    nlohmann::json pops = nlohmann::json::array();
    double seconds = double(res.steps) * res.spikes.dtMs / 1000.0;
    for (auto &p : res.populations) {
      double rate = seconds > 0 && p.size ? double(p.spikes) / double(p.size) / seconds : 0.0;
      pops.push_back({{"name", p.name}, {"size", p.size}, {"spikes", p.spikes},
                      {"rate_hz", rate}, {"source", p.isSource}});
      if (!p.isSource)
        modelSpikes += p.spikes;
    }
    j["mean_rate_hz"] = seconds > 0 && res.neurons ? double(modelSpikes) / double(res.neurons) / seconds : 0.0;
    j["populations"] = pops;
    if (backend.addStats)
      backend.addStats(j);
    std::cout << j.dump(2) << "\n";
  }
  return ok && !diags.hasErrors() ? 0 : 1;
}

} // namespace nsc::driver
