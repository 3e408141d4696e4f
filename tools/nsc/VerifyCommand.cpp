//===- VerifyCommand.cpp - nsc verify FILE --targets=A,B,... --------------===//
#include "VerifyCommand.h"

#include "VerifyReport.h"
#include "VerifyTolerance.h"

#include "nsc/frontend/Parser.h"
#include "nsc/runtime/SpikeMetrics.h"
#include "nsc/targets/Target.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

namespace nsc::driver {

using targets::RunRequest;
using targets::Target;
using targets::TargetRun;

namespace {

/// One entry of --targets: a runner and semantics overrides,
/// "cpu:precision=float32:solver=rk4".
struct TargetSpec {
  std::string label; // as written
  const Target *target = nullptr;
  std::vector<std::pair<std::string, std::string>> overrides; // key, value text
};

/// The settings a target may override: they change how a model computes,
/// not the time grid (dt) or the inputs (seed, spike semantics), so the
/// runs stay comparable step by step.
const std::set<std::string> kOverridable = {"precision", "solver", "rk45_rtol", "rk45_atol"};

bool parseTargets(const std::vector<std::string> &items, std::vector<TargetSpec> &out, std::string &error) {
  std::set<std::string> seen;
  for (const std::string &item : items) {
    TargetSpec spec;
    spec.label = item;
    size_t colon = item.find(':');
    std::string name = item.substr(0, colon);
    spec.target = targets::findTarget(name);
    if (!spec.target || !spec.target->verifyRun) {
      error = (spec.target ? "target '" + name + "' generates code and cannot be run to compare (runnable: "
                           : "unknown target '" + name + "' (known: ") +
              targets::targetNames([](const Target &t) { return bool(t.verifyRun); }) + ")";
      return false;
    }
    if (std::string why = spec.target->unavailable(); !why.empty()) {
      error = "target '" + name + "' is not available: " + why;
      return false;
    }
    while (colon != std::string::npos) {
      size_t next = item.find(':', colon + 1);
      std::string kv = item.substr(colon + 1, next == std::string::npos ? std::string::npos : next - colon - 1);
      colon = next;
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == kv.size()) {
        error = "'" + item + "': expected TARGET[:SETTING=VALUE]..., e.g. cpu:precision=float32";
        return false;
      }
      std::string key = kv.substr(0, eq);
      if (!kOverridable.count(key)) {
        error = "'" + item + "': '" + key +
                "' cannot be set per target (precision, solver, rk45_rtol and rk45_atol can; the runs share "
                "dt, seed and spike semantics so that they stay comparable)";
        return false;
      }
      spec.overrides.emplace_back(key, kv.substr(eq + 1));
    }
    if (!seen.insert(item).second) {
      error = "target '" + item + "' is listed twice";
      return false;
    }
    out.push_back(std::move(spec));
  }
  if (out.size() < 2) {
    error = "give at least two targets to compare, e.g. --targets=cpu,interp (the first is the reference)";
    return false;
  }
  return true;
}

/// Replaces every `key = ...` of the program's semantics blocks by one
/// file-level setting per file, parsed from "semantics:\n    key = value".
/// The override's text gets its own buffer, so a bad value is reported at
/// its line and column like any source.
bool applyOverride(CompilerSession &session, const std::string &label, const std::string &key,
                   const std::string &value) {
  auto strip = [&](ast::SemanticsBlock *b) {
    if (!b)
      return;
    auto &s = b->settings;
    s.erase(std::remove_if(s.begin(), s.end(), [&](const ast::Setting &x) { return x.key == key; }), s.end());
  };
  for (auto &file : session.program().files) {
    strip(file->semantics.get());
    for (auto &m : file->models)
      for (auto &member : m->members)
        strip(ast::dyn_cast<ast::SemanticsBlock>(member.get()));
    for (auto &n : file->networks)
      for (auto &member : n->members)
        strip(ast::dyn_cast<ast::SemanticsBlock>(member.get()));
  }
  for (auto &file : session.program().files) {
    FileId id = session.sources().addBuffer("--targets=" + label, "semantics:\n    " + key + " = " + value + "\n");
    std::unique_ptr<ast::File> parsed = parseFile(session.sources(), session.diagnostics(), id);
    if (!parsed)
      return false;
    if (!parsed->semantics || parsed->semantics->settings.size() != 1 || !parsed->models.empty() ||
        !parsed->networks.empty()) {
      session.diagnostics().error({}, "--targets=" + label + ": '" + value + "' is not a value of '" + key + "'");
      return false;
    }
    if (!file->semantics)
      file->semantics = std::make_unique<ast::SemanticsBlock>();
    file->semantics->settings.push_back(std::move(parsed->semantics->settings.front()));
  }
  return true;
}

/// Front end and overrides for one target, up to the lowered module.
bool compile(CompilerSession &session, const std::string &file, const TargetSpec &spec) {
  if (!session.addInputFile(file) || !session.parse())
    return false;
  for (auto &[key, value] : spec.overrides)
    if (!applyOverride(session, spec.label, key, value))
      return false;
  return session.lower(); // each runner runs the passes its target needs
}

/// The declared unit of a traced variable, from any model that has it.
std::optional<units::Unit> variableUnit(const ir::Module &mod, const std::string &name) {
  for (auto &m : mod.models)
    for (const ir::Variable &v : m->variables)
      if (v.name == name && (v.type.kind == ir::TypeKind::Real || v.type.kind == ir::TypeKind::Int))
        return v.type.unit;
  return std::nullopt;
}

std::string num(double v) { return verifyNumber(v); }

nlohmann::json jsonNumber(double v) {
  if (std::isfinite(v))
    return v;
  return nullptr; // JSON has no infinities; docs/verify.md says what null means
}

nlohmann::json spikeJSON(const std::string &name, const runtime::SpikeComparison &c, double dt) {
  nlohmann::json j = {{"population", name},
                      {"neurons", c.neurons},
                      {"ref_spikes", c.refSpikes},
                      {"spikes", c.testSpikes},
                      {"count_diff", c.countDiff()},
                      {"count_diff_abs", c.countDiffAbs},
                      {"count_diff_relative", jsonNumber(c.countDiffRelative())},
                      {"neurons_differing", c.neuronsDiffering},
                      {"vp_mean", c.vpMean()},
                      {"vp_max", c.vpMax},
                      {"vr_mean", c.vrMean()},
                      {"vr_max", c.vrMax},
                      {"first_divergence_ms", nullptr}};
  if (c.firstDivergenceStep) {
    j["first_divergence_ms"] = runtime::labelTimeMs(*c.firstDivergenceStep, dt);
    j["first_divergence_population"] = c.firstDivergencePopulation;
    j["first_divergence_neuron"] = c.firstDivergenceNeuron;
  }
  return j;
}

std::string divergenceText(const runtime::SpikeComparison &c, double dt) {
  if (!c.firstDivergenceStep)
    return "-";
  return fmt::format("{} ms ({}[{}])", num(runtime::labelTimeMs(*c.firstDivergenceStep, dt)),
                     c.firstDivergencePopulation, c.firstDivergenceNeuron);
}

void spikeRow(std::ostream &os, const std::string &name, const runtime::SpikeComparison &c, double dt) {
  os << fmt::format("  {:<12} {:>8} {:>9} {:>9} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9} {:>7}  {}\n", name, c.neurons,
                    c.refSpikes, c.testSpikes, c.countDiff(), num(c.countDiffRelative() * 100) + "%",
                    num(c.vpMean()), num(c.vpMax), num(c.vrMean()), num(c.vrMax), c.neuronsDiffering,
                    divergenceText(c, dt));
}

/// The command line of `nsc verify`, parsed and checked.
struct VerifyOptions {
  std::string file, output, htmlReport;
  std::vector<std::string> includeDirs;
  std::vector<TargetSpec> specs;
  VerifyTolerance tolerance;
  runtime::SpikeMetricOptions metric;
  double runMs = 0;
  double dtMs = 0; // --dt; 0: the semantics blocks' dt
  RunRequest req;
};

int usage(const std::string &msg) {
  std::cerr << "nsc verify: error: " << msg << "\n";
  return 2;
}

/// "2/ms" or "10ms" as a non-negative value in units of `unitText`; 0, or
/// the exit status of a usage error.
int parseMetricQuantity(const std::string &text, const char *unitText, const char *opt, double &value) {
  const char *s = text.c_str();
  char *end = nullptr;
  value = std::strtod(s, &end);
  std::string rest(end);
  rest.erase(0, rest.find_first_not_of(' '));
  units::Unit want = *units::parseUnitExpr(unitText);
  if (end == s || !std::isfinite(value) || value < 0)
    return usage(std::string(opt) + ": '" + text + "' is not a non-negative number");
  if (!rest.empty()) {
    if (rest[0] == '/')
      rest = "1" + rest; // "2/ms": the number is the numerator
    auto u = units::parseUnitExpr(rest);
    if (!u || !(u->dim == want.dim))
      return usage(std::string(opt) + ": '" + text + "' is not in units of " + unitText);
    value = value * u->scale / want.scale;
  }
  return 0;
}

/// Parses argv into `o`. Returns -1 to go on, else the exit status.
int parseCommandLine(int argc, char **argv, VerifyOptions &o) {
  CLI::App app{"nsc verify - run one model or network on several targets and compare them\n"
               "The first target is the reference; every other is compared with it per population and "
               "overall (docs/verify.md). Exit status: 0 within tolerance, 1 errors in the input, "
               "2 bad command line, 3 internal error, 4 a --tolerance exceeded."};
  std::string duration = "1s", vpQ = "1/ms", vrTau = "10ms", dt;
  std::vector<std::string> targets, tolerances;
  RunRequest &req = o.req;
  app.add_option("file", o.file, "The model or network file (.nrn, .nestml)")->required();
  std::string targetHelp = "Targets to run, the reference first; TARGET:SETTING=VALUE overrides a semantics "
                           "setting (precision, solver, rk45_rtol, rk45_atol) for that run, e.g. "
                           "--targets=interp,interp:precision=float32. Known:";
  for (const Target &t : targets::targetTable())
    if (t.verifyRun)
      targetHelp += " " + t.name + " (" + t.summary + (t.unavailable().empty() ? "" : "; not available here") + ")";
  app.add_option("--targets", targets, targetHelp)->required()->delimiter(',');
  app.add_option("--run", duration, "Simulate this long: 1s, 250ms, 100 (ms) (default 1s)");
  app.add_option("--dt", dt, "Time step for every target, overriding the semantics blocks' dt (0.05ms, 50us)");
  app.add_option("--network", req.network, "The network to run when the file has several");
  app.add_option("--model", req.model, "Run --n copies of this neuron model (files without a network)");
  app.add_option("--n", req.n, "Number of copies of --model (default 1)")
      ->check(CLI::Range(uint64_t(1), uint64_t(1) << 32));
  app.add_option("--param", req.params, "NAME=VALUE[unit] for --model (repeatable)");
  app.add_option("--spike-input", req.spikeInputs, "PORT=t1,t2,...[@weight] for --model (repeatable)");
  app.add_option("--current-input", req.currentInputs, "PORT=VALUE[unit] for --model (repeatable)");
  app.add_option("--trace", req.trace, "Compare these variables, sampled every step (comma-separated)")
      ->delimiter(',');
  app.add_option("--tolerance", tolerances,
                 "Limits, e.g. count=2%,vp=0.5,vr=0.1,vp_max=2,vr_max=1,diverge=20ms,trace_max=0.5mV,"
                 "trace_rms=0.1mV (repeatable; exit status 4 when exceeded)");
  app.add_option("--vp-q", vpQ, "Victor-Purpura cost of shifting a spike, per time (default 1/ms)");
  app.add_option("--vr-tau", vrTau, "van Rossum kernel time constant (default 10ms)");
  app.add_option("-o,--output", o.output, "Write the JSON report here ('-': stdout, instead of the table)");
  app.add_option("--report", o.htmlReport,
                 "Also write an HTML page with the table, spike rasters and traces (docs/verify.md)");
  app.add_option("-I", o.includeDirs, "Add a directory to the import search path")->allow_extra_args(false);
  app.add_option("--threads", req.threads, "Worker threads for the neuron updates (default 1)")
      ->check(CLI::Range(1u, 1024u));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  std::string err;
  if (!parseTargets(targets, o.specs, err))
    return usage("--targets: " + err);
  for (const std::string &t : tolerances)
    if (!o.tolerance.parse(t, err))
      return usage("--tolerance: " + err);
  if (!targets::parseDurationMs(duration, o.runMs, err))
    return usage("--run: " + err);
  if (!dt.empty() && !targets::parseTimeStepMs(dt, o.dtMs, err))
    return usage("--dt=" + dt + ": " + err);
  if (int rc = parseMetricQuantity(vpQ, "1/ms", "--vp-q", o.metric.vpQPerMs))
    return rc;
  if (int rc = parseMetricQuantity(vrTau, "ms", "--vr-tau", o.metric.vrTauMs))
    return rc;
  if (!(o.metric.vrTauMs > 0))
    return usage("--vr-tau: the time constant must be positive");
  req.duration = duration;
  return -1;
}

/// One target's compilation (which the module belongs to) and run.
struct Done {
  TargetRun run;
  std::unique_ptr<CompilerSession> session;
};

/// Compiles and runs every target in turn: overrides change the IR, and a
/// single-model run adds its network to the module, so each gets its own
/// compilation. Returns -1 when all ran, else the exit status. `what`
/// names what runs (for the report).
int runTargets(VerifyOptions &o, std::vector<Done> &runs, std::string &what, nlohmann::json &skipped) {
  std::set<std::string> shown; // diagnostics already printed for an earlier target
  for (size_t i = 0; i < o.specs.size(); ++i) {
    auto session = std::make_unique<CompilerSession>();
    DiagnosticEngine &diags = session->diagnostics();
    diags.setColors(false);
    for (const std::string &dir : o.includeDirs)
      session->addIncludeDir(dir);
    if (o.dtMs > 0)
      session->setDtOverride(o.dtMs);
    RunRequest r = o.req;
    r.target = o.specs[i].label;
    TargetRun run;
    bool compiled = compile(*session, o.file, o.specs[i]);
    if (compiled && i == 0) {
      // What runs, named before a single-model run adds its network.
      const ir::Module &mod = *session->module();
      what = !o.req.model.empty()              ? "model '" + o.req.model + "'"
             : mod.networks.empty()            ? "the file's model"
             : !o.req.network.empty()          ? "network '" + o.req.network + "'"
             : mod.networks.size() == 1        ? "network '" + mod.networks[0]->name + "'"
                                               : std::string();
    }
    bool ran = compiled && o.specs[i].target->verifyRun(*session, r, run);
    // Every target compiles the same file: its warnings are shown once;
    // what a target adds (the Loihi mapping's warnings about saturation
    // or discarded delta inputs) is shown for that target.
    for (const Diagnostic &d : diags.diagnostics())
      if (std::string text = diags.format(d); shown.insert(text).second)
        std::cerr << text;
    if (!compiled)
      return 1;
    if (!ran || diags.hasErrors()) {
      std::cerr << "nsc verify: error: the run on target '" << o.specs[i].label << "' failed\n";
      return 1;
    }
    if (!run.skipped.empty()) {
      // The target refuses a setting of this network (its diagnostics
      // say which): no comparison with it, rather than a meaningless one.
      std::cerr << "nsc verify: skipping target '" << o.specs[i].label << "': it cannot run this network as written:\n"
                << run.skipped;
      skipped.push_back({{"target", o.specs[i].label}, {"reason", run.skipped}});
      if (i == 0) {
        std::cerr << "nsc verify: error: the reference target '" << o.specs[0].label << "' was skipped\n";
        return 1;
      }
      o.specs.erase(o.specs.begin() + std::ptrdiff_t(i));
      --i;
      continue;
    }
    runs.push_back({std::move(run), std::move(session)});
  }
  if (runs.size() < 2) {
    std::cerr << "nsc verify: error: nothing left to compare: every target but the reference was skipped\n";
    return 1;
  }
  return -1;
}

/// The traced variables of one comparison: JSON entries and table rows;
/// false (a usage error in `err`) when a trace tolerance has the wrong unit.
bool compareTraces(const std::vector<runtime::TraceComparison> &traces, const ir::Module &refModule, double dt,
                   const VerifyTolerance &tol, nlohmann::json &c, std::ostringstream &table,
                   std::vector<std::string> &over, std::string &err) {
  c["traces"] = nlohmann::json::array();
  if (!traces.empty())
    table << fmt::format("  {:<12} {:<10} {:>9} {:>11} {:>11} {:>9}  {}\n", "population", "variable", "samples",
                         "max error", "rms error", "max rel", "largest at");
  for (const runtime::TraceComparison &t : traces) {
    std::optional<units::Unit> unit = variableUnit(refModule, t.variable);
    std::string u = unit && !unit->isDimensionless() ? units::formatUnit(*unit) : "";
    c["traces"].push_back({{"population", t.population},
                           {"variable", t.variable},
                           {"unit", u},
                           {"samples", t.samples},
                           {"max_abs", jsonNumber(t.maxAbs)},
                           {"rms", jsonNumber(t.rms)},
                           {"max_relative", jsonNumber(t.maxRelative)},
                           {"max_at_ms", runtime::labelTimeMs(t.maxStep, dt)},
                           {"max_at_neuron", t.maxIndex}});
    table << fmt::format("  {:<12} {:<10} {:>9} {:>11} {:>11} {:>9}  {}\n", t.population, t.variable, t.samples,
                         num(t.maxAbs) + (u.empty() ? "" : " " + u), num(t.rms) + (u.empty() ? "" : " " + u),
                         num(t.maxRelative),
                         t.maxAbs > 0 ? fmt::format("{} ms, {}[{}]", num(runtime::labelTimeMs(t.maxStep, dt)),
                                                    t.population, t.maxIndex)
                                      : "-");
    if (!tol.check(t, unit, over, err))
      return false;
  }
  return true;
}

/// Compares run i with the reference (run 0): the JSON comparison, the
/// table rows, and the limits it exceeds. Returns -1, or an exit status.
int compareWithReference(const VerifyOptions &o, const std::vector<Done> &runs, size_t i,
                         const std::vector<runtime::PopulationSpec> &popSpecs, nlohmann::json &c,
                         std::ostringstream &table, std::vector<std::string> &over) {
  const TargetRun &ref = runs[0].run, &test = runs[i].run;
  const std::string &refLabel = o.specs[0].label, &label = o.specs[i].label;
  double dt = ref.spikes.dtMs;
  for (const TargetRun::Population &p : test.populations)
    for (const runtime::PopulationSpec &s : popSpecs)
      if (p.name == s.name && p.size != s.size) {
        std::cerr << "nsc verify: error: population '" << s.name << "' has " << s.size << " neurons on '" << refLabel
                  << "' but " << p.size << " on '" << label << "'\n";
        return 1;
      }
  runtime::RecordingComparison cmp;
  std::vector<runtime::TraceComparison> traces;
  std::string err;
  if (!runtime::compareRecordings(ref.spikes, test.spikes, popSpecs, o.metric, cmp, err) ||
      (!o.req.trace.empty() && !runtime::compareTraces(ref.traces, test.traces, traces, err))) {
    std::cerr << "nsc verify: error: cannot compare '" << label << "' with '" << refLabel << "': " << err << "\n";
    return 1;
  }
  c["target"] = label;
  c["populations"] = nlohmann::json::array();
  table << "\n" << label << " against " << refLabel << ":\n";
  table << fmt::format("  {:<12} {:>8} {:>9} {:>9} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9} {:>7}  {}\n", "population",
                       "neurons", "ref", "spikes", "diff", "|dn|/ref", "vp mean", "vp max", "vr mean", "vr max",
                       "differ", "first divergence");
  for (size_t p = 0; p < popSpecs.size(); ++p) {
    c["populations"].push_back(spikeJSON(popSpecs[p].name, cmp.populations[p], dt));
    spikeRow(table, popSpecs[p].name, cmp.populations[p], dt);
    o.tolerance.check(popSpecs[p].name, cmp.populations[p], dt, over);
  }
  c["overall"] = spikeJSON("overall", cmp.overall, dt);
  if (popSpecs.size() > 1)
    spikeRow(table, "overall", cmp.overall, dt);
  o.tolerance.check("overall", cmp.overall, dt, over);
  if (!compareTraces(traces, *runs[0].session->module(), dt, o.tolerance, c, table, over, err))
    return usage(err);
  c["exceeded"] = over;
  c["within_tolerance"] = over.empty();
  return -1;
}

/// The report's header fields and the table's first lines.
nlohmann::json reportHeader(const VerifyOptions &o, const std::vector<Done> &runs, const std::string &what,
                            std::ostringstream &table) {
  double dt = runs[0].run.spikes.dtMs;
  nlohmann::json report;
  report["file"] = o.file;
  report["duration_ms"] = o.runMs;
  report["dt_ms"] = dt;
  report["steps"] = uint64_t(std::llround(o.runMs / dt));
  report["reference"] = o.specs[0].label;
  report["metrics"] = {{"vp_q_per_ms", o.metric.vpQPerMs}, {"vr_tau_ms", o.metric.vrTauMs}};
  report["tolerance"] = o.tolerance.toJSON();
  report["targets"] = nlohmann::json::array();
  for (size_t i = 0; i < runs.size(); ++i)
    report["targets"].push_back({{"target", o.specs[i].label},
                                 {"spikes", runs[i].run.spikes.events.size()},
                                 {"run_ms", runs[i].run.runMs}});
  report["comparisons"] = nlohmann::json::array();
  if (!what.empty())
    report["run"] = what;
  table << "nsc verify: " << o.file << (what.empty() ? "" : ", " + what) << ", " << num(o.runMs) << " ms ("
        << report["steps"].get<uint64_t>() << " steps of " << num(dt) << " ms); reference: " << o.specs[0].label
        << "\n"
        << "metrics: Victor-Purpura q = " << num(o.metric.vpQPerMs) << "/ms, van Rossum tau = "
        << num(o.metric.vrTauMs) << " ms (distances per neuron: mean and max)\n";
  return report;
}

/// --report: the HTML page, written whole or not at all. Returns -1, or
/// the exit status of an error.
int writeHtmlReport(const VerifyOptions &o, const std::vector<Done> &runs,
                    const std::vector<runtime::PopulationSpec> &popSpecs, const nlohmann::json &report) {
  if (o.htmlReport.empty())
    return -1;
  VerifyReportData data;
  data.report = &report;
  for (size_t i = 0; i < runs.size(); ++i) {
    data.labels.push_back(o.specs[i].label);
    data.runs.push_back(&runs[i].run);
  }
  data.populations = popSpecs;
  data.traced = o.req.trace;
  if (!writeFileAtomically(o.htmlReport, renderVerifyReport(data))) {
    std::cerr << "nsc verify: error: cannot write the report to '" << o.htmlReport << "'\n";
    return 1;
  }
  return -1;
}

} // namespace

int verifyMain(int argc, char **argv) {
  VerifyOptions o;
  if (int rc = parseCommandLine(argc, argv, o); rc >= 0)
    return rc;
  std::vector<Done> runs;
  std::string what;
  nlohmann::json skipped = nlohmann::json::array();
  if (int rc = runTargets(o, runs, what, skipped); rc >= 0)
    return rc;

  // Compare every target with the reference.
  std::vector<runtime::PopulationSpec> popSpecs;
  for (const TargetRun::Population &p : runs[0].run.populations)
    if (!p.isSource)
      popSpecs.push_back({p.name, p.size});
  std::ostringstream table;
  nlohmann::json report = reportHeader(o, runs, what, table);
  report["skipped"] = skipped;
  for (const nlohmann::json &sk : skipped)
    table << "skipped: " << sk["target"].get<std::string>() << " (it refuses a setting of this network; see above)\n";
  bool exceeded = false;
  for (size_t i = 1; i < runs.size(); ++i) {
    nlohmann::json c;
    std::vector<std::string> over;
    if (int rc = compareWithReference(o, runs, i, popSpecs, c, table, over); rc >= 0)
      return rc;
    report["comparisons"].push_back(c);
    if (!o.tolerance.empty()) {
      if (over.empty()) {
        table << "  within tolerance\n";
      } else {
        exceeded = true;
        for (const std::string &x : over)
          table << "  tolerance exceeded: " << x << "\n";
      }
    }
  }
  report["within_tolerance"] = !exceeded;
  if (o.output == "-") {
    std::cout << report.dump(2) << "\n";
  } else {
    std::cout << table.str();
    if (!o.output.empty()) {
      std::ofstream out(o.output);
      out << report.dump(2) << "\n";
      if (!out) {
        std::cerr << "nsc verify: error: cannot write the report to '" << o.output << "'\n";
        return 1;
      }
    }
  }
  if (int rc = writeHtmlReport(o, runs, popSpecs, report); rc >= 0)
    return rc;
  return exceeded ? 4 : 0;
}

} // namespace nsc::driver
