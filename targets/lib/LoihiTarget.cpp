//===- LoihiTarget.cpp - --target=loihi and `nsc run net.json` ------------===//
//
//   nsc FILE --target=loihi -o net.json [--stats] [--chips=N] [--range V=LO..HI]
//       [--explain-quantization]   map + place, write the configuration,
//       print the placement utilisation (stderr; --stats: JSON on stdout)
//   nsc FILE --target=loihi --run=DURATION [--spikes=F --trace=V --trace-out=F
//       --record-dir=D --stats] [-o net.json]        map, place and emulate
//   nsc run net.json [--run=DURATION] [outputs]      emulate a saved configuration
//
//===----------------------------------------------------------------------===//
#include "RunOutputs.h"
#include "TargetEntries.h"

#include "nsc/loihi/Mapping.h"
#include "nsc/loihi/Placement.h"
#include "nsc/loihi/Run.h"
#include "nsc/network/TraceSelection.h"
#include "nsc/targets/RunPreflight.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

namespace nsc::targets {

namespace {

/// The emulator samples whole variables every step: --trace selections
/// and --trace-every are refused, not ignored. Returns an error or "".
std::string unsupportedTraceOptions(const RunRequest &r) {
  network::TraceSelection selection;
  std::string error;
  if (network::parseTraceSelection(r.trace, selection, error) && !selection.neurons.empty())
    return "--trace: selections of neurons ('" + selection.neurons.front().text +
           "') are not supported by the Loihi emulator yet; trace whole variables (--trace=" +
           selection.variables.front() + ") or run on --target=cpu";
  if (!r.traceEvery.empty())
    return "--trace-every is not supported by the Loihi emulator yet (it samples every step)";
  return {};
}

/// --spikes, --trace-out, --record-dir (all or nothing) and --stats of a
/// finished run; `network`: the IR network it ran (its `record spikes`
/// statements), null for a saved configuration. Returns an error or "".
std::string writeOutputs(const RunRequest &r, const loihi::LoihiRunResult &res, const ir::Network *network,
                         nlohmann::json *stats) {
  RunRecordings rec;
  rec.spikes = &res.spikes;
  rec.trace = &res.traces;
  rec.network = network;
  rec.variables = &res.recorded;
  size_t files = 0;
  if (std::string e = writeRunFiles(r, rec, &files); !e.empty())
    return e;
  {
    const loihi::CoreConfig &c = res.config;
    RunSummary sum;
    sum.simulatedMs = double(res.steps) * c.dtMs;
    sum.wallMs = res.runMs;
    sum.files = files;
    for (const loihi::Population &pp : c.populations)
      if (pp.kind == loihi::Population::Kind::Compartments)
        sum.neurons += pp.size;
    for (auto &s : c.synapses)
      sum.synapses += s.size();
    for (auto &e : res.spikes.events)
      sum.spikes += c.populations[e.population].kind == loihi::Population::Kind::Compartments;
    sum.meanRateHz = sum.simulatedMs > 0 && sum.neurons
                         ? double(sum.spikes) / double(sum.neurons) / (sum.simulatedMs / 1000.0)
                         : 0.0;
    printRunSummary(r, sum);
  }
  if (stats) {
    nlohmann::json &j = *stats;
    const loihi::CoreConfig &c = res.config;
    double seconds = double(res.steps) * c.dtMs / 1000.0;
    std::vector<uint64_t> count(c.populations.size(), 0);
    for (auto &e : res.spikes.events)
      ++count[e.population];
    uint64_t total = 0, modelSpikes = 0, neurons = 0;
    nlohmann::json pops = nlohmann::json::array();
    for (size_t p = 0; p < c.populations.size(); ++p) {
      const loihi::Population &pp = c.populations[p];
      bool source = pp.kind != loihi::Population::Kind::Compartments;
      double rate = seconds > 0 && pp.size ? double(count[p]) / double(pp.size) / seconds : 0.0;
      pops.push_back({{"name", pp.name}, {"size", pp.size}, {"spikes", count[p]}, {"rate_hz", rate}, {"source", source}});
      total += count[p];
      if (!source) {
        modelSpikes += count[p];
        neurons += pp.size;
      }
    }
    uint64_t synapses = 0;
    for (auto &s : c.synapses)
      synapses += s.size();
    j["target"] = "loihi";
    j["run_ms"] = res.runMs;
    j["simulated_ms"] = seconds * 1000.0;
    j["dt_ms"] = c.dtMs;
    j["steps"] = res.steps;
    j["neurons"] = neurons;
    j["synapses"] = synapses;
    j["spikes"] = total;
    j["mean_rate_hz"] = seconds > 0 && neurons ? double(modelSpikes) / double(neurons) / seconds : 0.0;
    j["populations"] = pops;
    j["placement"] = loihi::utilisationJson(c);
  }
  return {};
}

} // namespace

int loihiMain(CompilerSession &session, const Invocation &inv) {
  const RunRequest &req = inv.run;
  const std::string &output = inv.output;
  DiagnosticEngine &diags = session.diagnostics();
  auto bad = [&](const std::string &msg) {
    diags.error({}, msg);
    return 1;
  };
  if (!req.model.empty() || !req.params.empty() || !req.spikeInputs.empty() || !req.currentInputs.empty())
    return bad("--model, --param, --spike-input and --current-input are not available with --target=loihi: it "
               "maps a network");
  auto t0 = std::chrono::steady_clock::now();
  if (!session.lower())
    return 1;
  ir::Module &mod = *session.module();
  std::optional<uint32_t> selected = selectRunNetwork(session, req, false);
  if (!selected)
    return 1;
  uint32_t index = *selected;
  std::string err;
  loihi::LoihiRunResult res;
  loihi::MappingOptions mo;
  mo.ranges = inv.pipeline.options.ranges;
  mo.explain = inv.pipeline.options.explainQuantization ? &std::cerr : nullptr;
  mo.limits.maxChips = inv.chips;
  auto config = loihi::mapNetwork(mod, index, mo, diags);
  if (!config || !refuseSynapseRecorders(*mod.networks[index], "loihi", diags))
    return 1;
  loihi::PlacementError pe;
  if (!loihi::placeNetwork(*config, pe)) {
    const ir::Network &net = *mod.networks[index];
    SourceRange at = pe.population ? net.populations[*pe.population].loc : net.loc;
    diags.error(at, "cannot place the network on Loihi cores: " + pe.message);
    return 1;
  }
  double mapMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  res.config = std::move(*config);
  if (!req.quiet)
    loihi::printUtilisation(res.config, std::cerr);
  if (!output.empty() && output != "-") {
    if (!loihi::writeConfig(res.config, output, err))
      return bad(err);
  } else if (req.duration.empty()) {
    std::cout << loihi::toJson(res.config).dump(1) << "\n";
  }
  nlohmann::json stats;
  if (!req.duration.empty()) {
    loihi::LoihiRunOptions opt;
    if (!parseDurationMs(req.duration, opt.durationMs, err))
      return bad("--run: " + err);
    if (!runSteps(opt.durationMs, res.config.dtMs, err))
      return bad("--run=" + req.duration + ": " + err);
    if (!checkRunOutputs(req, diags))
      return 1;
    if (std::string e = unsupportedTraceOptions(req); !e.empty())
      return bad(e);
    opt.traceVariables = req.trace;
    if (!loihi::runConfigOnLoihi(res.config, opt, res, err))
      return bad(err);
    if (std::string e = writeOutputs(req, res, mod.networks[index].get(), req.stats ? &stats : nullptr); !e.empty())
      return bad(e);
  } else if (req.stats) {
    stats["target"] = "loihi";
    stats["placement"] = loihi::utilisationJson(res.config);
  }
  if (req.stats) {
    stats["map_ms"] = mapMs;
    if (!(std::cout << stats.dump(2) << "\n" << std::flush))
      return bad("--stats: cannot write to standard output");
  }
  return diags.hasErrors() ? 1 : 0;
}

bool verifyOnLoihi(CompilerSession &session, const RunRequest &req, TargetRun &out) {
  // The mapping takes the lowered module in ODE form and runs its own passes.
  std::optional<uint32_t> index = selectRunNetwork(session, req, false);
  if (!index)
    return false;
  DiagnosticEngine &diags = session.diagnostics();
  {
    // Settings the target refuses (homeostasis, fixed point): skip it
    // with the reason rather than compare a run that ignored them.
    DiagnosticEngine refused(session.sources());
    refused.setColors(false);
    if (!loihi::checkLoihiSettings(*session.module(), *index, refused)) {
      for (const Diagnostic &d : refused.diagnostics())
        out.skipped += refused.format(d);
      return true;
    }
  }
  loihi::LoihiRunOptions opt;
  std::string err;
  if (!parseDurationMs(req.duration, opt.durationMs, err)) {
    diags.error({}, "--run: " + err);
    return false;
  }
  opt.traceVariables = req.trace;
  loihi::LoihiRunResult res;
  ir::Module &mod = *session.module();
  if (!loihi::runNetworkOnLoihi(mod, *index, opt, res, diags))
    return false;
  for (const ir::Population &p : mod.networks[*index]->populations)
    out.populations.push_back({p.name, p.size, p.kind != ir::PopulationKind::Model});
  out.spikes = std::move(res.spikes);
  out.traces = std::move(res.traces);
  out.runMs = res.runMs;
  return true;
}

int loihiRunConfigMain(int argc, char **argv) {
  CLI::App app{"nsc run - emulate a saved Loihi core configuration (nsc FILE --target=loihi -o net.json)"};
  std::string path;
  RunRequest r;
  r.duration = "1s";
  app.add_option("config", path, "The configuration (JSON)")->required();
  app.add_option("--run", r.duration, "Simulate this long: 1s, 250ms, 100 (ms) (default 1s)");
  app.add_option("--spikes", r.spikesOut, "Write all spikes (t_ms,population,index) to FILE.csv/.json/.npy/.h5");
  app.add_option("--trace", r.trace, "Sample these variables every step (comma-separated)")->delimiter(',');
  app.add_option("--trace-out", r.traceOut, "Where --trace goes (default trace.csv)");
  app.add_option("--record-dir", r.recordDir,
                 "Write the configuration's recorders of variables here, one file per recorder");
  app.add_option("--record-format", r.recordFormat, "The format of the --record-dir files: csv (default), json, npy")
      ->check(CLI::IsMember({"csv", "json", "npy"}));
  app.add_flag("--stats", r.stats, "Print run statistics as JSON on stdout");
  app.add_flag("--quiet", r.quiet, "No one-line run summary on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  loihi::LoihiRunResult res;
  std::string err;
  if (!loihi::readConfig(path, res.config, err)) {
    std::cerr << "nsc: error: " << err << "\n";
    return 1;
  }
  loihi::LoihiRunOptions opt;
  if (!parseDurationMs(r.duration, opt.durationMs, err)) {
    std::cerr << "nsc: error: --run: " << err << "\n";
    return 2;
  }
  if (!runSteps(opt.durationMs, res.config.dtMs, err)) {
    std::cerr << "nsc: error: --run=" << r.duration << ": " << err << "\n";
    return 1;
  }
  {
    SourceManager sources;
    DiagnosticEngine outputs(sources);
    bool writable = checkRunOutputs(r, outputs);
    outputs.flush(std::cerr);
    if (!writable)
      return 1;
  }
  if (std::string e = unsupportedTraceOptions(r); !e.empty()) {
    std::cerr << "nsc: error: " << e << "\n";
    return 1;
  }
  opt.traceVariables = r.trace;
  nlohmann::json stats;
  if (!loihi::runConfigOnLoihi(res.config, opt, res, err) ||
      !(err = writeOutputs(r, res, nullptr, r.stats ? &stats : nullptr)).empty()) {
    std::cerr << "nsc: error: " << err << "\n";
    return 1;
  }
  if (r.stats && !(std::cout << stats.dump(2) << "\n" << std::flush)) {
    std::cerr << "nsc: error: --stats: cannot write to standard output\n";
    return 1;
  }
  return 0;
}

} // namespace nsc::targets
