//===- NetworkRuntimeTargets.cpp - cpu and interp: the network runtime ----===//
//
// The targets that run on the shared network runtime (nsc/network): the
// reference interpreter and the cpu backend's JIT-compiled code. Both lower,
// run the pipeline, select the network (the file's or a single model's),
// build it with their kernels and write the run's outputs.
//
//===----------------------------------------------------------------------===//
#include "DistributedRun.h"
#include "Interruption.h"
#include "RunOutputs.h"
#include "TargetEntries.h"

#include "nsc/cpu/CpuBackend.h"
#include "nsc/interp/Interpreter.h"
#include "nsc/network/Simulation.h"
#include "nsc/runtime/Schedule.h"
#include "nsc/support/SystemMemory.h"
#include "nsc/targets/RunPreflight.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace nsc::targets {

namespace {

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

std::unique_ptr<network::Simulation> buildSimulation(CompilerSession &session, const RunRequest &req,
                                                     const NetworkBackend &backend, bool acceptsModel,
                                                     uint32_t *networkIndex) {
  DiagnosticEngine &diags = session.diagnostics();
  std::optional<uint32_t> index = selectRunNetwork(session, req, acceptsModel);
  if (!index)
    return nullptr;
  if (networkIndex)
    *networkIndex = *index;
  const ir::Module &mod = *session.module();
  const ir::Network &net = *mod.networks[*index];
  // Before anything is allocated: the run's length, then its memory.
  MemoryCheck check;
  std::string err;
  if (!parseDurationMs(req.duration, check.request.durationMs, err)) {
    diags.error({}, "--run: " + err);
    return nullptr;
  }
  if (!runSteps(check.request.durationMs, net.semantics.dtMs, err)) {
    diags.error({}, "--run=" + req.duration + ": " + err);
    return nullptr;
  }
  check.request.traceVariables = req.trace;
  if (!traceEverySteps(req, net.semantics.dtMs, check.request.traceEverySteps, err)) {
    diags.error({}, err);
    return nullptr;
  }
  check.request.traceOut = req.traceOut;
  check.request.compiledKernels = backend.compiles;
  check.request.threads = std::max(1u, req.threads);
  if (!req.maxMemory.empty()) {
    std::optional<uint64_t> limit = parseMemorySize(req.maxMemory, err);
    if (!limit) {
      diags.error({}, "--max-memory: " + err);
      return nullptr;
    }
    check.maxMemory = *limit;
  }
  if (req.dryRun)
    check.dryRun = &std::cout;
  if (!checkMemory(mod, *index, check, diags))
    return nullptr;
  if (req.dryRun) {
    if (!(std::cout << std::flush))
      diags.error({}, "--dry-run: cannot write to standard output");
    return nullptr;
  }
  network::BuildOptions build;
  build.kernels = backend.kernels;
  build.synapseKernels = backend.synapseKernels;
  build.threads = std::max(1u, req.threads);
  build.communicator = req.communicator;
  try {
    return network::Simulation::forNetwork(mod, *index, build, diags);
  } catch (const std::bad_alloc &) {
    diags.error(net.loc, "out of memory while building network '" + net.name +
                             "' (the estimate was within the limit; `--dry-run` shows it part by part)");
    return nullptr;
  }
}

namespace {

/// --checkpoint, --checkpoint-every and --resume of one run.
struct CheckpointPlan {
  std::string path;         // --checkpoint (empty: none)
  uint64_t everySteps = 0;  // --checkpoint-every in steps (0: only at the end)
  uint64_t written = UINT64_MAX; // the step of the last one written
};

/// Reads --checkpoint-every into steps of `dtMs`; false with `error` set.
bool checkpointInterval(const RunRequest &r, double dtMs, uint64_t &steps, std::string &error) {
  steps = 0;
  if (r.checkpointEvery.empty())
    return true;
  double ms = 0;
  if (!parseDurationMs(r.checkpointEvery, ms, error))
    return false;
  std::optional<int64_t> n = runtime::timeToSteps(ms, dtMs);
  if (!n || *n < 1) {
    char dt[64];
    std::snprintf(dt, sizeof dt, "%g", dtMs);
    error = "'" + r.checkpointEvery + "' is shorter than one step (dt = " + dt + " ms)";
    return false;
  }
  steps = uint64_t(*n);
  return true;
}

/// Whether a file can be created next to `path` (probed with a temporary
/// sibling, removed again); false with `error` set.
bool canCreate(const std::string &path, std::string &error) {
  std::string probe = path + ".tmp" + std::to_string(::getpid());
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return true;
}

/// --checkpoint and --checkpoint-every of a run of `net`, checked before the
/// run (not after hours of it); false after a diagnostic.
bool planCheckpoints(const RunRequest &r, double dtMs, const ir::Network &net, CheckpointPlan &plan,
                     DiagnosticEngine &diags) {
  std::string err;
  plan.path = r.checkpoint;
  if (!checkpointInterval(r, dtMs, plan.everySteps, err)) {
    diags.error({}, "--checkpoint-every: " + err);
    return false;
  }
  if (!plan.path.empty() && !canCreate(plan.path, err)) {
    diags.error({}, "--checkpoint: " + err);
    return false;
  }
  if ((!plan.path.empty() || !r.resume.empty()) && !net.synapseRecorders.empty()) {
    const ir::SynapseRecorder &sr = net.synapseRecorders.front();
    diags.error(sr.loc, std::string(plan.path.empty() ? "--resume" : "--checkpoint") +
                            ": checkpoints do not hold synapse recordings yet (recorder '" + sr.label +
                            "'); run this network without checkpoints");
    return false;
  }
  return true;
}

/// --stats as JSON on standard output; false when it cannot be written.
bool printRunStats(const RunRequest &r, const NetworkBackend &backend, const network::RunResult &res, double buildMs,
                   int signal, uint64_t resumedAt, const DistributedTotals *spread) {
  nlohmann::json j;
  j["target"] = r.target;
  j["compile_ms"] = r.compileMs;
  j["build_ms"] = buildMs;
  j["connect_ms"] = res.synapseMemory.buildMs; // the part of build_ms that draws and lays out synapses
  j["kernel"] = res.kernel;
  j["threads"] = std::max(1u, r.threads);
  j["run_ms"] = res.runMs;
  j["run_cpu_ms"] = res.runCpuMs;
  j["simulated_ms"] = double(res.steps) * res.spikes.dtMs;
  j["dt_ms"] = res.spikes.dtMs;
  j["steps"] = res.steps;
  if (signal)
    j["interrupted"] = InterruptGuard::name(signal);
  if (resumedAt != UINT64_MAX)
    j["resumed_at_step"] = resumedAt;
  j["neurons"] = res.neurons;
  j["synapses"] = spread ? spread->synapses : res.synapses;
  j["synapse_bytes"] = spread ? spread->synapseBytes : res.synapseMemory.bytes;
  j["bytes_per_synapse"] = spread ? (spread->synapses ? double(spread->synapseBytes) / double(spread->synapses) : 0.0)
                                  : res.synapseMemory.bytesPerSynapse();
  if (spread)
    j["distributed"] = spread->stats;
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
  std::cout << j.dump(2) << "\n" << std::flush;
  return bool(std::cout);
}

} // namespace

int runOnNetworkRuntime(CompilerSession &session, const RunRequest &req, const NetworkBackend &backend) {
  DiagnosticEngine &diags = session.diagnostics();
  auto bad = [&](const std::string &msg) {
    diags.error({}, msg);
    return 1;
  };
  const RunRequest &r = req;
  double ms = 0;
  std::string err;
  if (!parseDurationMs(r.duration, ms, err))
    return bad("--run: " + err);
  // Several MPI ranks (docs/mpi.md): rank 0 checks and writes the outputs
  // and prints; the ranks agree on every failure before a collective step.
  runtime::Communicator *comm = r.communicator;
  const bool lead = leadRank(comm), spread = rankCount(comm) > 1;
  if (spread)
    if (std::string refusal = distributedRefusal(r); !refusal.empty())
      return bad(refusal);
  if (!allRanks(comm, !lead || checkRunOutputs(r, diags)))
    return 1;
  auto buildStart = std::chrono::steady_clock::now();
  uint32_t networkIndex = 0;
  std::unique_ptr<network::Simulation> sim = endJobOnOutOfMemory(
      comm, "building the network", [&] { return buildSimulation(session, req, backend, true, &networkIndex); });
  if (!allRanks(comm, sim != nullptr))
    return req.dryRun && !diags.hasErrors() ? 0 : 1;
  double buildMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - buildStart).count();

  // --run is the end time of the run: a resumed run does what is left.
  std::optional<int64_t> totalSteps = runtime::timeToSteps(ms, sim->dtMs());
  if (!totalSteps || *totalSteps < 0)
    return bad("--run: the run duration must be a non-negative time");
  CheckpointPlan plan;
  if (!planCheckpoints(r, sim->dtMs(), *session.module()->networks[networkIndex], plan, diags))
    return 1;
  if (std::string e = checkWeightsOutput(r, *session.module()->networks[networkIndex]); !e.empty())
    return bad(e);
  network::RunResult res;
  uint64_t resumedAt = UINT64_MAX;
  if (!r.resume.empty()) {
    if (!sim->restoreCheckpoint(r.resume, r.target, r.trace, res, err))
      return bad("--resume: " + err);
    resumedAt = sim->currentStep();
    if (resumedAt > uint64_t(*totalSteps)) {
      char t[64];
      std::snprintf(t, sizeof t, "%.10g", double(resumedAt) * sim->dtMs());
      return bad("--resume: checkpoint '" + r.resume + "' is at t = " + t + " ms, past the end of --run=" +
                 r.duration);
    }
  }
  auto saveCheckpoint = [&]() {
    if (plan.written == sim->currentStep())
      return true;
    std::string e;
    if (!sim->saveCheckpoint(plan.path, r.target, res, e)) {
      diags.error({}, "--checkpoint: " + e);
      return false;
    }
    plan.written = sim->currentStep();
    return true;
  };

  network::RunOptions opt;
  opt.durationMs = double(uint64_t(*totalSteps) - sim->currentStep()) * sim->dtMs();
  opt.traceVariables = r.trace;
  if (!traceEverySteps(r, sim->dtMs(), opt.traceEverySteps, err))
    return bad(err);
  ProgressBar bar(lead && !r.quiet && isatty(STDERR_FILENO));
  opt.progress = [&](double done) { bar.update(done); };
  if (!plan.path.empty() && plan.everySteps) {
    opt.periodicSteps = plan.everySteps;
    opt.periodic = saveCheckpoint;
  }
  bool ok;
  int signal = 0;
  {
    // SIGINT/SIGTERM stop the run between steps; the guard stays while the
    // checkpoint and the outputs are written (Interruption.h).
    InterruptGuard interrupts;
    opt.stop = interrupts.flag();
    try {
      ok = endJobOnOutOfMemory(comm, "running", [&] { return sim->run(opt, res); });
    } catch (const std::bad_alloc &) {
      bar.finish();
      return bad("out of memory while running (at step " + std::to_string(sim->currentStep()) +
                 "; recorded spikes and samples are kept in memory until the run ends)");
    }
    bar.finish();
    signal = interrupts.signal();
    for (auto &[w, count] : res.warnings)
      std::cerr << "nsc: warning: " << (spread ? "[rank " + std::to_string(comm->rank()) + "] " : "") << w
                << (count > 1 ? " (" + std::to_string(count) + " times)" : "") << "\n";
    if (ok && !plan.path.empty())
      ok = saveCheckpoint();
    if (signal && lead) {
      char t[64];
      std::snprintf(t, sizeof t, "%.10g", double(res.steps) * sim->dtMs());
      std::cerr << "nsc: interrupted by " << InterruptGuard::name(signal) << ": stopped after step " << res.steps
                << " of " << *totalSteps << " (t = " << t << " ms); the outputs hold the run up to there"
                << (plan.written == res.steps ? "; checkpoint '" + plan.path + "' written" : std::string())
                << "\n";
    }
    // A run that failed writes no output file (a partial one would look
    // like a result); an interrupted one writes what it ran (docs/running.md).
    size_t files = 0;
    std::optional<DistributedTotals> totals;
    if (spread) // collective: before rank 0 writes anything
      totals = gatherRankShares(*comm, res, buildMs);
    if (spread && !lead) // the spikes are rank 0's to write, the figures its to print
      return signal ? InterruptGuard::exitStatus(signal) : ok && !diags.hasErrors() ? 0 : 1;
    if (ok) {
      res.spikes.sortCanonical();
      RunRecordings rec;
      rec.spikes = &res.spikes;
      rec.trace = &res.traces;
      rec.network = session.module()->networks[networkIndex].get();
      rec.variables = &res.recorded;
      rec.synapses = &res.synapsesRecorded;
      std::vector<runtime::NpzArray> weights;
      if (!r.weightsOut.empty()) {
        if (std::string e = collectWeights(r, *session.module(), *rec.network, *sim, weights); !e.empty())
          ok = bad(e) == 0;
        rec.weights = &weights;
      }
      if (!ok)
        ;
      else if (std::string e = writeRunFiles(r, rec, &files); !e.empty())
        ok = bad(e) == 0;
    }
    if (r.stats && !printRunStats(r, backend, res, buildMs, signal, resumedAt, totals ? &*totals : nullptr))
      ok = bad("--stats: cannot write to standard output") == 0;
    if (ok) {
      double seconds = double(res.steps) * sim->dtMs() / 1000.0;
      uint64_t modelSpikes = 0;
      for (const network::PopulationStats &p : res.populations)
        modelSpikes += p.isSource ? 0 : p.spikes;
      printRunSummary(r, {res.neurons, totals ? totals->synapses : res.synapses, modelSpikes,
                          double(res.steps) * sim->dtMs(), res.runMs,
                          seconds > 0 && res.neurons ? double(modelSpikes) / double(res.neurons) / seconds : 0.0,
                          files});
    }
  }
  if (signal)
    return InterruptGuard::exitStatus(signal);
  return ok && !diags.hasErrors() ? 0 : 1;
}

NetworkBackend interpBackend() { return {interp::interpreterKernels(), nullptr}; }

NetworkBackend cpuBackend() {
  // The stats live as long as either the kernels or the stats callback.
  auto stats = std::make_shared<cpu::CompileStats>();
  NetworkBackend b;
  network::KernelFactory inner = cpu::cpuKernels(stats.get());
  b.kernels = [stats, inner](auto &&...args) { return inner(std::forward<decltype(args)>(args)...); };
  network::SynapseKernelFactory synapses = cpu::cpuSynapseKernels(stats.get());
  b.synapseKernels = [stats, synapses](auto &&...args) { return synapses(std::forward<decltype(args)>(args)...); };
  b.compiles = true;
  b.addStats = [stats](nlohmann::json &j) {
    j["codegen_ms"] = stats->codegenMs;
    j["jit_ms"] = stats->jitMs;
    j["compiled_synapse_models"] = stats->synapseModels;
    j["cache"] = {{"compiled", stats->compiled},
                  {"memory_hits", stats->memoryHits},
                  {"disk_hits", stats->diskHits},
                  {"directory", stats->cacheDirectory}};
  };
  return b;
}

namespace {

/// --run on cpu or interp: lower, the pipeline, the run.
int runTarget(CompilerSession &session, const Invocation &inv, const NetworkBackend &backend) {
  auto t0 = std::chrono::steady_clock::now();
  if (!session.lower() || !passes::runPipeline(*session.module(), session.diagnostics(), inv.pipeline))
    return 1;
  RunRequest req = inv.run;
  req.compileMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  session.diagnostics().flush(std::cerr);
  return runOnNetworkRuntime(session, req, backend);
}

int usage(const std::string &message) {
  std::cerr << "nsc: error: " << message << "\n";
  return 2;
}

} // namespace

int interpMain(CompilerSession &session, const Invocation &inv) {
  if (inv.run.duration.empty())
    return usage("--target=interp runs a model: give --run=DURATION");
  return runTarget(session, inv, interpBackend());
}

int cpuMain(CompilerSession &session, const Invocation &inv) {
  bool machineCode = !inv.emit.empty();
  if (machineCode && !inv.run.duration.empty())
    return usage("--emit=llvm|asm|obj is the cpu target's output; it does not combine with --run");
  if (!machineCode && inv.run.duration.empty())
    return usage("--target=cpu runs a model: give --run=DURATION (or --emit=llvm|asm|obj to see the generated code)");
  if (inv.emit == "obj" && (inv.output.empty() || inv.output == "-"))
    return usage("--emit=obj writes a binary object: give -o FILE.o");
  if (!machineCode) {
    NetworkBackend backend = cpuBackend();
    // Source file to runnable machine code: front end, passes, code
    // generation, optimisation and JIT (or cache load).
    backend.addStats = [addStats = backend.addStats](nlohmann::json &j) {
      addStats(j);
      j["model_to_code_ms"] =
          j["compile_ms"].get<double>() + j["codegen_ms"].get<double>() + j["jit_ms"].get<double>();
    };
    return runTarget(session, inv, backend);
  }
  // Machine code always comes from the pipeline (default or --passes).
  if (!session.lower() || !passes::runPipeline(*session.module(), session.diagnostics(), inv.pipeline))
    return 1;
  std::string text, error;
  auto kind = inv.emit == "llvm" ? cpu::EmitKind::LLVMIR
              : inv.emit == "asm" ? cpu::EmitKind::Assembly
                                  : cpu::EmitKind::Object;
  if (!cpu::emitModule(*session.module(), kind, text, error)) {
    session.diagnostics().error({}, "--emit: " + error);
    return 1;
  }
  return writeOutput(inv.output, text, session.diagnostics()) ? 0 : 1;
}

bool verifyOnNetworkRuntime(CompilerSession &session, const RunRequest &req, const NetworkBackend &backend,
                            TargetRun &out) {
  if (!passes::runPipeline(*session.module(), session.diagnostics()))
    return false;
  std::unique_ptr<network::Simulation> sim = buildSimulation(session, req, backend, true);
  if (!sim)
    return false;
  network::RunOptions opt;
  std::string err;
  if (!parseDurationMs(req.duration, opt.durationMs, err)) {
    session.diagnostics().error({}, "--run: " + err);
    return false;
  }
  opt.traceVariables = req.trace;
  network::RunResult res;
  bool ok = sim->run(opt, res);
  for (auto &[w, count] : res.warnings)
    std::cerr << "nsc: warning: [" << req.target << "] " << w
              << (count > 1 ? " (" + std::to_string(count) + " times)" : "") << "\n";
  for (const network::PopulationStats &p : res.populations)
    out.populations.push_back({p.name, p.size, p.isSource});
  out.spikes = std::move(res.spikes);
  out.traces = std::move(res.traces);
  out.runMs = res.runMs;
  return ok;
}

} // namespace nsc::targets
