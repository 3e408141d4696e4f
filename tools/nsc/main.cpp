//===- main.cpp - The nsc command-line driver -----------------------------===//
//
//   nsc FILE... [--emit=tokens|ast|ir|ir-json] [-o OUT] [-I DIR]... [--Werror]
//       [--passes=a,b|default] [--print-after=PASS]... [--print-after-all]
//       [--log-passes] [--propagate-parameters] [--list-passes]
//   nsc FILE --target=NAME [--run=DURATION] [--emit=KIND] [-o OUT] [options]
//       [--dry-run] [--max-memory=SIZE]
//
// Targets come from the target table (nsc/targets/Target.h): the driver
// checks what a target accepts (--run, its --emit kinds, the pass options)
// and calls its entry point. With no --emit and no target, nsc checks the model (parse, sema, lowering, IR verifier)
// and prints only diagnostics. IR passes run after lowering when --passes
// (or a flag that observes passes) is given; IR printed after passes and
// the pass log go to stderr, like MLIR's, so stdout keeps the --emit output. Exit status: 0 success, 1 errors in the input,
// 2 bad command line, 3 internal error, 130 / 143 a run stopped by SIGINT / SIGTERM (its outputs written up to the
// step it stopped at; docs/checkpoints.md).
//
//===----------------------------------------------------------------------===//
#include "nsc/frontend/ASTPrinter.h"
#include "nsc/frontend/CompilerSession.h"
#include "nsc/frontend/Parser.h"
#include "nsc/ir/JSON.h"
#include "nsc/ir/Printer.h"
#include "nsc/passes/PassManager.h"
#include "nsc/targets/Target.h"

#include <CLI/CLI.hpp>

#include "Distributed.h"
#include "Subcommands.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace {

enum class Emit { Check, Tokens, Ast, Ir, IrJson, Target };

/// The front end's --emit kinds; the targets' kinds come from the table.
const std::vector<std::pair<std::string, Emit>> kFrontEndEmits = {
    {"tokens", Emit::Tokens}, {"ast", Emit::Ast}, {"ir", Emit::Ir}, {"ir-json", Emit::IrJson}};

struct Options {
  std::vector<std::string> inputs;
  std::vector<std::string> includeDirs;
  Emit emit = Emit::Check;
  std::string target;
  std::string output;
  bool werror = false;
  std::string color = "auto";
  unsigned errorLimit = 50;
  // IR passes
  std::string passes; // empty: none, unless a pass flag below asks for them
  std::vector<std::string> printAfter;
  bool printAfterAll = false;
  bool logPasses = false;
  bool propagateParameters = false;
  bool explainSolvers = false;
  bool explainQuantization = false;
  std::vector<std::string> ranges; // --range VAR=lo..hi (quantize pass, loihi mapping)
  std::string dt;                  // --dt=0.05ms: overrides every semantics block's dt
  uint32_t chips = 0;              // --chips=N (loihi placement; 0: any)
  std::string targetEmit;          // --emit of a target's kind (llvm, cuda, verilog, ...)
  nsc::targets::RunRequest runReq;

  bool runPasses() const {
    return !passes.empty() || !printAfter.empty() || printAfterAll || logPasses ||
           explainSolvers || explainQuantization;
  }

  nsc::passes::PipelineRequest pipeline() const {
    nsc::passes::PipelineRequest r;
    r.spec = passes;
    r.printAfter = printAfter;
    r.printAfterAll = printAfterAll;
    r.logPasses = logPasses;
    r.options.propagateParameters = propagateParameters;
    r.options.explainSolvers = explainSolvers;
    r.options.explainQuantization = explainQuantization;
    r.options.ranges = ranges;
    return r;
  }
};

/// Runs the requested pipeline on the lowered module. --print-after and
/// --log-passes without --passes observe the default pipeline.
bool runPasses(const Options &opts, nsc::CompilerSession &session) {
  return nsc::passes::runPipeline(*session.module(), session.diagnostics(), opts.pipeline());
}

bool useColor(const std::string &mode) {
  if (mode == "always")
    return true;
  if (mode == "never" || std::getenv("NSC_NO_COLOR"))
    return false;
  return isatty(STDERR_FILENO);
}

int run(const Options &opts) {
  nsc::CompilerSession session;
  nsc::DiagnosticEngine &diags = session.diagnostics();
  diags.setWarningsAsErrors(opts.werror);
  diags.setErrorLimit(opts.errorLimit);
  diags.setColors(useColor(opts.color));
  for (const std::string &dir : opts.includeDirs)
    session.addIncludeDir(dir);
  if (!opts.dt.empty()) {
    double ms = 0;
    std::string error;
    nsc::targets::parseTimeStepMs(opts.dt, ms, error); // checked in checkTargetOptions
    session.setDtOverride(ms);
  }

  auto finish = [&](bool ok) {
    diags.flush(std::cerr);
    return ok && !diags.hasErrors() ? 0 : 1;
  };

  bool ok = true;
  for (const std::string &in : opts.inputs)
    ok &= session.addInputFile(in);
  if (!ok)
    return finish(false);
  if (const nsc::targets::Target *target = nsc::targets::findTarget(opts.target)) {
    nsc::targets::Invocation inv;
    inv.run = opts.runReq;
    inv.run.target = target->name;
    inv.output = opts.output;
    inv.emit = opts.targetEmit;
    inv.pipeline = opts.pipeline();
    inv.chips = opts.chips;
    int rc = target->main(session, inv);
    diags.flush(std::cerr);
    return rc == 0 && diags.hasErrors() ? 1 : rc;
  }

  std::ostringstream out;
  switch (opts.emit) {
  case Emit::Tokens:
    for (nsc::FileId f : session.inputs())
      nsc::dumpTokens(session.sources(), diags, f, out);
    break;
  case Emit::Ast:
    if (!session.parse())
      return finish(false);
    nsc::printAST(session.program(), out);
    break;
  case Emit::Check:
    return finish(session.lower() && (!opts.runPasses() || runPasses(opts, session)));
  case Emit::Ir:
    if (!session.lower() || (opts.runPasses() && !runPasses(opts, session)))
      return finish(false);
    nsc::ir::printModule(*session.module(), out);
    break;
  case Emit::Target: // handled above, by the target's entry point
    break;
  case Emit::IrJson:
    if (!session.lower() || (opts.runPasses() && !runPasses(opts, session)))
      return finish(false);
    out << nsc::ir::moduleToJSON(*session.module()).dump(2) << "\n";
    break;
  }
  ok = !diags.hasErrors() && nsc::targets::writeOutput(opts.output, out.str(), diags);
  return finish(ok);
}

/// Resolves --emit and --target against the target table and checks that
/// the target takes what the command line asks (--run, its --emit kind,
/// the pass options). Returns an exit status to stop with, or -1 to go on.
int checkTargetOptions(Options &opts, const std::string &emit,
                       const std::map<std::string, const nsc::targets::Target *> &emitOwner) {
  auto usage = [](const std::string &msg) {
    std::cerr << "nsc: error: " << msg << "\n";
    return 2;
  };
  if (auto it = std::find_if(kFrontEndEmits.begin(), kFrontEndEmits.end(), [&](const auto &e) { return e.first == emit; });
      it != kFrontEndEmits.end())
    opts.emit = it->second;
  if (auto it = emitOwner.find(emit); it != emitOwner.end()) {
    // --emit=llvm alone means the cpu target, --emit=cuda the cuda target, ...
    const nsc::targets::Target &owner = *it->second;
    if (opts.target.empty())
      opts.target = owner.name;
    if (opts.target != owner.name)
      return usage("--emit=" + emit + " is the " + owner.name + " target's output; it does not combine with --target=" +
                   opts.target);
    opts.emit = Emit::Target;
    opts.targetEmit = emit;
  }
  // Options one target owns (the table's ownOptions) are refused elsewhere.
  std::vector<std::string> given;
  if (opts.chips)
    given.push_back("--chips");
  const nsc::targets::RunRequest &rr = opts.runReq;
  for (auto [option, value] : {std::pair{"--checkpoint", &rr.checkpoint}, {"--checkpoint-every", &rr.checkpointEvery},
                               {"--resume", &rr.resume}, {"--weights", &rr.weightsOut}})
    if (!value->empty())
      given.push_back(option);

  if (opts.runReq.dryRun)
    given.push_back("--dry-run");
  if (!opts.runReq.maxMemory.empty())
    given.push_back("--max-memory");
  for (const std::string &option : given) {
    auto owns = [&](const nsc::targets::Target &t) {
      return std::find(t.ownOptions.begin(), t.ownOptions.end(), option) != t.ownOptions.end();
    };
    const nsc::targets::Target *chosen = nsc::targets::findTarget(opts.target);
    if (!chosen || !owns(*chosen))
      return usage(option + " applies to --target=" + nsc::targets::targetNames(owns) +
                   (opts.target.empty() ? "" : ", not --target=" + opts.target));
  }
  if (!rr.traceEvery.empty() && (!rr.checkpoint.empty() || !rr.resume.empty()))
    return usage("--trace-every does not combine with --checkpoint or --resume yet (a checkpoint does not record "
                 "the interval)");
  if (!rr.checkpointEvery.empty() && rr.checkpoint.empty())
    return usage("--checkpoint-every needs --checkpoint=FILE (where to save)");
  if (!rr.weightsOut.empty() && rr.duration.empty())
    return usage("--weights needs --run=DURATION (the weights are written at the end of the run)");
  if ((!rr.checkpoint.empty() || !rr.resume.empty()) && rr.duration.empty())
    return usage(std::string(rr.resume.empty() ? "--checkpoint" : "--resume") +
                 " needs --run=DURATION (the end time of the run)");

  if ((opts.runReq.dryRun || !opts.runReq.maxMemory.empty()) && opts.runReq.duration.empty())
    return usage(std::string(opts.runReq.dryRun ? "--dry-run" : "--max-memory") +
                 " applies to a run: give --run=DURATION");
  if (opts.target.empty()) {
    if (!opts.runReq.duration.empty())
      return usage("--run needs a target that executes: --target=" +
                   nsc::targets::targetNames([](const nsc::targets::Target &t) { return t.executes; }));
    return -1;
  }
  const nsc::targets::Target &target = *nsc::targets::findTarget(opts.target);
  if (opts.emit != Emit::Check && opts.emit != Emit::Target)
    return usage("--emit=" + emit + " prints the front end's output; it does not combine with --target=" +
                 target.name);
  if (!opts.runReq.duration.empty() && !target.executes)
    return usage("--run needs a target that executes: --target=" +
                 nsc::targets::targetNames([](const nsc::targets::Target &t) { return t.executes; }) +
                 " (--target=" + target.name + " generates code)");
  if (!target.runsPipeline && (!opts.passes.empty() || !opts.printAfter.empty() || opts.printAfterAll ||
                               opts.logPasses || opts.explainSolvers || opts.propagateParameters))
    return usage("--passes, --print-after, --print-after-all, --log-passes, --explain-solvers and "
                 "--propagate-parameters do not apply to --target=" + target.name +
                 ": it maps the model in ODE form itself");
  return -1;
}

/// --dt: a positive time with its unit, and an output it can change
/// (false after printing the error; exit status 2).
bool checkTimeStepOption(const Options &opts, const std::string &emit) {
  if (opts.dt.empty())
    return true;
  double ms = 0;
  std::string error;
  if (!nsc::targets::parseTimeStepMs(opts.dt, ms, error)) {
    std::cerr << "nsc: error: --dt=" << opts.dt << ": " << error << "\n";
    return false;
  }
  if (opts.emit == Emit::Tokens || opts.emit == Emit::Ast) {
    std::cerr << "nsc: error: --dt acts on the lowered IR and on runs; --emit=" << emit
              << " prints the source's " << emit << ", which --dt does not change\n";
    return false;
  }
  return true;
}

} // namespace

/// --list-passes: like --version, handled while parsing, so no input file
/// is required.
static void addListPassesFlag(CLI::App &app) {
  app.add_flag_callback(
      "--list-passes",
      [] {
        std::cout << "IR passes (nsc --passes=a,b,...):\n";
        nsc::passes::listPasses(std::cout);
        throw CLI::Success();
      },
      "List the IR passes and exit");
}

int main(int argc, char **argv) {
  nsc::driver::ProcessGroup group; // mpirun (docs/mpi.md); finalises MPI on return
  if (int status; !group.start(&argc, &argv, status) || group.refusesSubcommand(argc, argv, status))
    return status;
  if (int status; nsc::driver::dispatchSubcommand(argc, argv, status))
    return status; // `nsc verify ...` and the other subcommands (Subcommands.cpp)
  CLI::App app{"nsc - a compiler for spiking neural network models\n"
               "Checks .nrn and NESTML (.nestml) model files, prints their "
               "tokens, AST or typed IR (optionally after IR passes, --passes), "
               "compiles them for a target (--target; see the list below) and runs them (--run=...)."};
  app.footer(nsc::driver::subcommandHelp());
  app.set_version_flag("--version", std::string("nsc ") + NSC_VERSION);
  Options opts;
  addListPassesFlag(app);
  app.add_option("files", opts.inputs, "Model and network files (.nrn, .nestml)")
      ->required();
  // Front-end outputs, then every kind a target of the table emits.
  std::vector<std::string> emitKinds;
  for (const auto &[kind, what] : kFrontEndEmits)
    emitKinds.push_back(kind);
  std::map<std::string, const nsc::targets::Target *> emitOwner;
  std::string emitHelp = "What to print: tokens, ast, ir, ir-json";
  std::vector<std::string> targetNames;
  std::string targetHelp = "Where to run or what to generate:";
  for (const nsc::targets::Target &t : nsc::targets::targetTable()) {
    targetNames.push_back(t.name);
    targetHelp += " " + t.name + " (" + t.summary + ");";
    for (const std::string &k : t.emits) {
      emitKinds.push_back(k);
      emitOwner[k] = &t;
      emitHelp += ", " + k + " (--target=" + t.name + ")";
    }
  }
  targetHelp.back() = '.';
  emitHelp += " (default: check only)";
  std::string emit;
  app.add_option("--emit", emit, emitHelp)->check(CLI::IsMember(emitKinds));
  app.add_option("--target", opts.target, targetHelp)->check(CLI::IsMember(targetNames));
  nsc::targets::RunRequest &rr = opts.runReq;
  auto *runGroup = app.add_option_group(
      "Running (--target=" +
      nsc::targets::targetNames([](const nsc::targets::Target &t) { return t.executes; }) + ")");
  runGroup->add_option("--run", rr.duration, "Simulate this long: 1s, 250ms, 100 (ms)");
  runGroup->add_option("--model", rr.model, "Run --n copies of this neuron model (files without a network)");
  runGroup->add_option("--network", rr.network, "The network to run when a file has several");
  runGroup->add_option("--n", rr.n, "Number of copies of --model (default 1)")->check(CLI::Range(uint64_t(1), uint64_t(1) << 32));
  runGroup->add_option("--param", rr.params, "NAME=VALUE[unit]: set a parameter or initial state of --model (repeatable)");
  runGroup->add_option("--spike-input", rr.spikeInputs, "PORT=t1,t2,...[@weight]: spikes into a port (times in ms or with units; repeatable)");
  runGroup->add_option("--current-input", rr.currentInputs, "PORT=VALUE[unit]: a constant input on a continuous port (repeatable)");
  runGroup->add_option("--spikes", rr.spikesOut, "Write all spikes (t_ms,population,index) to FILE.csv/.json/.npy/.h5");
  runGroup->add_option("--trace", rr.trace,
                       "Sample these variables (comma-separated), of every model population that has them or of "
                       "the neurons given: V_m[exc], V_m[exc[3]], V_m[exc[0:10]]")
      ->delimiter(',');
  runGroup->add_option("--trace-every", rr.traceEvery, "--trace samples every DURATION (1ms; default every step)");
  runGroup->add_option("--trace-out", rr.traceOut, "Where --trace goes: FILE.csv/.json/.npy/.h5 (default trace.csv)");
  runGroup->add_option("--record-dir", rr.recordDir,
                       "Write one file per `record` statement of the network here (spikes, variables, synapses)");
  runGroup->add_option("--record-format", rr.recordFormat, "The format of the --record-dir files: csv (default), json, npy")
      ->check(CLI::IsMember({"csv", "json", "npy"}));
  runGroup->add_option("--weights", rr.weightsOut,
                       "At the end of the run, write the plastic synapses' weights to FILE.npy (one per synapse), or "
                       "sources, targets and every synapse variable to FILE.npz");
  runGroup->add_flag("--stats", rr.stats, "Print run statistics as JSON on stdout");
  runGroup->add_option("--threads", rr.threads, "Worker threads for the neuron updates (default 1)")
      ->check(CLI::Range(1u, 1024u));
  runGroup->add_flag("--quiet", rr.quiet,
                     "No progress bar (shown on a terminal for runs over a second) and no one-line run summary "
                     "(stderr)");
  runGroup->add_option("--checkpoint", rr.checkpoint,
                       "Save the complete state to FILE at the end of the run, when SIGINT/SIGTERM stop it, and "
                       "every --checkpoint-every (docs/checkpoints.md)");
  runGroup->add_option("--checkpoint-every", rr.checkpointEvery,
                       "With --checkpoint: also save every DURATION of simulated time (100ms, 1s)");
  runGroup->add_option("--resume", rr.resume,
                       "Continue from a checkpoint FILE up to --run (the end time): the outputs are those of the "
                       "uninterrupted run");

  runGroup->add_flag("--dry-run", rr.dryRun,
                     "Print the run's memory estimate, part by part, and exit without building (docs/running.md)");
  runGroup->add_option("--max-memory", rr.maxMemory,
                       "Refuse a run whose estimate exceeds SIZE (8G, 512M; default: the memory available, "
                       "ulimit -v and the cgroup's limit included)");
  app.add_option("--dt", opts.dt,
                 "Time step for every model and network, overriding the semantics blocks' dt (0.05ms, 50us; "
                 "delays and intervals are rounded to it, docs/semantics.md R3)");
  app.add_option("-o,--output", opts.output, "Write the output here instead of stdout");
  app.add_option("-I", opts.includeDirs, "Add a directory to the import search path")
      ->allow_extra_args(false);
  app.add_flag("--Werror", opts.werror, "Treat warnings as errors");
  app.add_option("--color", opts.color, "Colour diagnostics: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--error-limit", opts.errorLimit,
                 "Stop reporting after this many errors (0: no limit)");
  app.add_option("--passes", opts.passes,
                 "Run these IR passes after lowering, in order (comma-separated; "
                 "'default' is the default pipeline; see --list-passes)");
  app.add_option("--print-after", opts.printAfter,
                 "Print the IR to stderr after this pass (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--print-after-all", opts.printAfterAll,
               "Print the IR to stderr after every pass");
  app.add_flag("--log-passes", opts.logPasses,
               "Print one line per pass to stderr saying what it changed");
  app.add_flag("--propagate-parameters", opts.propagateParameters,
               "fold-constants: substitute parameters that have constant values "
               "(default: parameters stay runtime values)");
  app.add_flag("--explain-solvers", opts.explainSolvers,
               "solve-odes: print the solver chosen for each ODE variable and why (stderr)");
  app.add_option("--chips", opts.chips, "loihi: place on at most N chips of 128 cores (error if it does not fit)")
      ->check(CLI::Range(1u, 1u << 20));
  app.add_flag("--explain-quantization", opts.explainQuantization,
               "quantize: print each fixed-point variable's format, range and error bound (stderr)");
  app.add_option("--range", opts.ranges, "quantize: range of a variable or port, VAR=LO..HI (e.g. "
                                         "V_m=-80mV..-40mV; repeatable)")
      ->take_all();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (int rc = checkTargetOptions(opts, emit, emitOwner); rc >= 0)
    return rc;
  if (!checkTimeStepOption(opts, emit)) // after checkTargetOptions: it sets opts.emit
    return 2;
  if (int rc = group.checkRun(opts.target, !opts.runReq.duration.empty()); rc >= 0)
    return rc;
  opts.runReq.communicator = group.communicator();
  try {
    return run(opts);
  } catch (const std::bad_alloc &) {
    // The runs check their memory first and name what they were building;
    // this is what is left (a huge --emit output, the front end).
    std::cerr << "nsc: error: out of memory\n";
    return 1;
  } catch (const std::filesystem::filesystem_error &e) {
    std::cerr << "nsc: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception &e) {
    // A bug in nsc, never the user's fault: say so instead of aborting.
    std::cerr << "nsc: internal error: " << e.what() << "\n";
    return 3;
  }
}
