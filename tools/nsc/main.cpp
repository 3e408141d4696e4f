//===- main.cpp - The nsc command-line driver -----------------------------===//
//
//   nsc FILE... [--emit=tokens|ast|ir|ir-json] [-o OUT] [-I DIR]... [--Werror]
//       [--passes=a,b|default] [--print-after=PASS]... [--print-after-all]
//       [--log-passes] [--propagate-parameters] [--list-passes]
//   nsc FILE --target=cpu --emit=llvm|asm|obj [-o OUT]
//   nsc FILE --target=cpu|interp --run=DURATION [run options, RunCommand.h]
//
// With no --emit, nsc checks the model (parse, sema, lowering, IR verifier)
// and prints only diagnostics. IR passes run after lowering when --passes
// (or a flag that observes passes) is given; IR printed after passes and
// the pass log go to stderr, like MLIR's, so stdout keeps the --emit output. Exit status: 0 success, 1 errors in the input,
// 2 bad command line.
//
//===----------------------------------------------------------------------===//
#include "nsc/frontend/ASTPrinter.h"
#include "nsc/frontend/CompilerSession.h"
#include "nsc/frontend/Parser.h"
#include "nsc/cpu/CpuBackend.h"
#include "nsc/interp/Interpreter.h"
#include "nsc/ir/JSON.h"
#include "nsc/ir/Printer.h"
#include "nsc/passes/PassManager.h"

#include <CLI/CLI.hpp>

#include "CudaCommand.h"
#include "RunCommand.h"
#include "VerilogCommand.h"
#ifdef NSC_HAVE_LOIHI
#include "LoihiCommand.h"
#endif
#include "Subcommands.h"

#include <chrono>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

#ifdef NSC_HAVE_LOIHI
#define NSC_LOIHI_BUILT true
#else
#define NSC_LOIHI_BUILT false
#endif

namespace {

enum class Emit { Check, Tokens, Ast, Ir, IrJson, LLVM, Asm, Obj, Verilog, Cuda };

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
  uint32_t chips = 0;              // --chips=N (loihi placement; 0: any)
  nsc::driver::RunRequest runReq;

  bool runPasses() const {
    return !passes.empty() || !printAfter.empty() || printAfterAll || logPasses ||
           explainSolvers || explainQuantization;
  }
};

/// Runs the requested pipeline on the lowered module. --print-after and
/// --log-passes without --passes observe the default pipeline.
bool runPasses(const Options &opts, nsc::CompilerSession &session) {
  nsc::DiagnosticEngine &diags = session.diagnostics();
  nsc::passes::PassManager pm;
  bool ok = pm.addPipeline(opts.passes.empty() ? "default" : opts.passes, diags);
  for (const std::string &p : opts.printAfter)
    ok &= pm.addPrintAfter(p, diags);
  if (!ok)
    return false;
  pm.setPrintAfterAll(opts.printAfterAll);
  pm.setPrintStream(&std::cerr);
  pm.setLogPasses(opts.logPasses);
  nsc::passes::PassOptions po;
  po.propagateParameters = opts.propagateParameters;
  po.explainSolvers = opts.explainSolvers;
  po.explainQuantization = opts.explainQuantization;
  po.ranges = opts.ranges;
  nsc::passes::PassContext ctx(diags, std::cerr, po);
  return pm.run(*session.module(), ctx);
}

bool useColor(const std::string &mode) {
  if (mode == "always")
    return true;
  if (mode == "never" || std::getenv("NSC_NO_COLOR"))
    return false;
  return isatty(STDERR_FILENO);
}

/// Writes `text` to -o OUT or stdout. False (with a diagnostic) on I/O error.
bool writeOutput(const Options &opts, const std::string &text, nsc::DiagnosticEngine &diags) {
  if (opts.output.empty() || opts.output == "-") {
    std::cout << text;
    std::cout.flush();
    return bool(std::cout);
  }
  std::ofstream out(opts.output, std::ios::binary);
  out << text;
  if (!out) {
    diags.error({}, "cannot write output file '" + opts.output + "'");
    return false;
  }
  return true;
}

int run(const Options &opts) {
  nsc::CompilerSession session;
  nsc::DiagnosticEngine &diags = session.diagnostics();
  diags.setWarningsAsErrors(opts.werror);
  diags.setErrorLimit(opts.errorLimit);
  diags.setColors(useColor(opts.color));
  for (const std::string &dir : opts.includeDirs)
    session.addIncludeDir(dir);

  auto finish = [&](bool ok) {
    diags.flush(std::cerr);
    return ok && !diags.hasErrors() ? 0 : 1;
  };

  bool ok = true;
  for (const std::string &in : opts.inputs)
    ok &= session.addInputFile(in);
  if (!ok)
    return finish(false);
  if (opts.target == "cuda") // CudaCommand.cpp
    return finish(nsc::driver::runCudaCommand(session, {opts.runReq, opts.output, opts.emit == Emit::Cuda}) == 0);
  if (opts.target == "verilog") // VerilogCommand.cpp
    return finish(nsc::driver::runVerilogCommand(
                      session, {opts.runReq.network, opts.output, opts.emit == Emit::Verilog}) == 0);
#ifdef NSC_HAVE_LOIHI
  if (opts.target == "loihi") // LoihiCommand.cpp
    return finish(nsc::driver::runLoihiCommand(session, opts.runReq, opts.output,
                                               {opts.ranges, opts.explainQuantization, opts.chips}) == 0);
#endif

  if (!opts.runReq.duration.empty()) {
    // Execution always runs the default pipeline (or --passes).
    auto t0 = std::chrono::steady_clock::now();
    Options o = opts;
    if (o.passes.empty())
      o.passes = "default";
    if (!session.lower() || !runPasses(o, session))
      return finish(false);
    nsc::driver::RunRequest req = opts.runReq;
    req.target = opts.target;
    req.compileMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    diags.flush(std::cerr);
    nsc::driver::Backend backend;
    nsc::cpu::CompileStats cpuStats;
    if (opts.target == "cpu") {
      backend.kernels = nsc::cpu::cpuKernels(&cpuStats);
      backend.addStats = [&cpuStats, &req](nlohmann::json &j) {
        j["codegen_ms"] = cpuStats.codegenMs;
        j["jit_ms"] = cpuStats.jitMs;
        // Source file to runnable machine code: front end, passes,
        // code generation, optimisation and JIT (or cache load).
        j["model_to_code_ms"] = req.compileMs + cpuStats.codegenMs + cpuStats.jitMs;
        j["cache"] = {{"compiled", cpuStats.compiled},
                      {"memory_hits", cpuStats.memoryHits},
                      {"disk_hits", cpuStats.diskHits},
                      {"directory", cpuStats.cacheDirectory}};
      };
    } else {
      backend.kernels = nsc::interp::interpreterKernels();
    }
    int rc = nsc::driver::runModule(session, req, backend);
    return finish(rc == 0);
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
  case Emit::LLVM:
  case Emit::Asm:
  case Emit::Obj: {
    // Machine code always comes from the default pipeline (or --passes).
    Options o = opts;
    if (o.passes.empty())
      o.passes = "default";
    if (!session.lower() || !runPasses(o, session))
      return finish(false);
    std::string text, error;
    auto kind = opts.emit == Emit::LLVM  ? nsc::cpu::EmitKind::LLVMIR
                : opts.emit == Emit::Asm ? nsc::cpu::EmitKind::Assembly
                                         : nsc::cpu::EmitKind::Object;
    if (!nsc::cpu::emitModule(*session.module(), kind, text, error)) {
      diags.error({}, "--emit: " + error);
      return finish(false);
    }
    out << text;
    break;
  }
  case Emit::Verilog: // handled above (VerilogCommand.cpp)
  case Emit::Cuda:    // handled above (CudaCommand.cpp)
    break;
  case Emit::IrJson:
    if (!session.lower() || (opts.runPasses() && !runPasses(opts, session)))
      return finish(false);
    out << nsc::ir::moduleToJSON(*session.module()).dump(2) << "\n";
    break;
  }
  ok = !diags.hasErrors() && writeOutput(opts, out.str(), diags);
  return finish(ok);
}

} // namespace

int main(int argc, char **argv) {
  if (int status; nsc::driver::dispatchSubcommand(argc, argv, status))
    return status; // `nsc verify ...` and the other subcommands (Subcommands.cpp)
  CLI::App app{"nsc - a compiler for spiking neural network models\n"
               "Checks .nrn and NESTML (.nestml) model files, prints their "
               "tokens, AST or typed IR (optionally after IR passes, --passes), "
               "compiles them to machine code (--target=cpu; --emit=llvm|asm|obj), "
               "CUDA source (--target=cuda), a Loihi-style core configuration (--target=loihi) "
               "or Verilog (--target=verilog), and runs them (--target=cpu|interp|loihi|cuda --run=...)."};
  app.footer(nsc::driver::subcommandHelp());
  app.set_version_flag("--version", std::string("nsc ") + NSC_VERSION);
  Options opts;
  // Like --version: handled while parsing, so no input file is required.
  app.add_flag_callback(
      "--list-passes",
      [] {
        std::cout << "IR passes (nsc --passes=a,b,...):\n";
        nsc::passes::listPasses(std::cout);
        throw CLI::Success();
      },
      "List the IR passes and exit");
  app.add_option("files", opts.inputs, "Model and network files (.nrn, .nestml)")
      ->required();
  const std::map<std::string, Emit> emits = {{"tokens", Emit::Tokens},
                                             {"ast", Emit::Ast},
                                             {"ir", Emit::Ir},
                                             {"ir-json", Emit::IrJson},
                                             {"llvm", Emit::LLVM},
                                             {"asm", Emit::Asm},
                                             {"obj", Emit::Obj},
                                             {"verilog", Emit::Verilog},
                                             {"cuda", Emit::Cuda}};
  std::string emit;
  app.add_option("--emit", emit,
                 "What to print: tokens, ast, ir, ir-json; with --target=cpu: llvm (optimised LLVM IR), "
                 "asm (assembly), obj (an object file, needs -o); verilog (the hardware modules, --target=verilog) "
                 "(default: check only)")
      ->check(CLI::IsMember({"tokens", "ast", "ir", "ir-json", "llvm", "asm", "obj", "verilog", "cuda"}));
  app.add_option("--target", opts.target,
                 "Where to run or what to generate: interp (the reference interpreter), "
                 "cpu (LLVM, JIT-compiled in-process), verilog (the network's hardware blocks: -o DIR gets .v files, "
                 "harnesses, testbenches; docs/verilog.md); cuda (CUDA source + driver: -o DIR, --emit=cuda; docs/cuda.md); loihi (a Loihi-style core configuration: -o net.json, or --run in the bit-accurate "
                 "emulator; docs/loihi.md)")
      ->check(CLI::IsMember({"interp", "cpu", "cuda", "loihi", "verilog"}));
  nsc::driver::RunRequest &rr = opts.runReq;
  auto *runGroup = app.add_option_group("Running (--target=interp|cpu|loihi|cuda)");
  runGroup->add_option("--run", rr.duration, "Simulate this long: 1s, 250ms, 100 (ms)");
  runGroup->add_option("--model", rr.model, "Run --n copies of this neuron model (files without a network)");
  runGroup->add_option("--network", rr.network, "The network to run when a file has several");
  runGroup->add_option("--n", rr.n, "Number of copies of --model (default 1)")->check(CLI::Range(uint64_t(1), uint64_t(1) << 32));
  runGroup->add_option("--param", rr.params, "NAME=VALUE[unit]: set a parameter or initial state of --model (repeatable)");
  runGroup->add_option("--spike-input", rr.spikeInputs, "PORT=t1,t2,...[@weight]: spikes into a port (times in ms or with units; repeatable)");
  runGroup->add_option("--current-input", rr.currentInputs, "PORT=VALUE[unit]: a constant input on a continuous port (repeatable)");
  runGroup->add_option("--spikes", rr.spikesOut, "Write all spikes (t_ms,population,index) to FILE.csv/.json/.npy");
  runGroup->add_option("--trace", rr.trace, "Sample these variables every step (comma-separated)")->delimiter(',');
  runGroup->add_option("--trace-out", rr.traceOut, "Where --trace goes: FILE.csv/.json/.npy (default trace.csv)");
  runGroup->add_option("--record-dir", rr.recordDir, "Write the network's own recorders here, one CSV per recorder");
  runGroup->add_flag("--stats", rr.stats, "Print run statistics as JSON on stdout");
  runGroup->add_option("--threads", rr.threads, "Worker threads for the neuron updates (default 1)")
      ->check(CLI::Range(1u, 1024u));
  runGroup->add_flag("--quiet", rr.quiet, "No progress bar (it is shown on a terminal for runs over a second)");
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
  if (!emit.empty())
    opts.emit = emits.at(emit);
  if (opts.emit == Emit::Cuda || opts.target == "cuda") { // CudaCommand.cpp checks its own options
    opts.target = "cuda";
    return run(opts);
  }
  if (opts.emit == Emit::Verilog && opts.target.empty())
    opts.target = "verilog"; // --emit=verilog alone means the verilog backend
  if ((opts.emit == Emit::Verilog) != (opts.target == "verilog") && opts.emit != Emit::Check) {
    std::cerr << "nsc: error: --emit=verilog goes with --target=verilog (and --target=verilog with no other --emit)\n";
    return 2;
  }
  bool machineCode = opts.emit == Emit::LLVM || opts.emit == Emit::Asm || opts.emit == Emit::Obj;
  if (machineCode && opts.target.empty())
    opts.target = "cpu"; // --emit=llvm alone means the cpu backend
  bool executes = opts.target == "interp" || opts.target == "cpu";
  bool loihi = opts.target == "loihi" && NSC_LOIHI_BUILT; // maps, and emulates with --run
  if (!opts.runReq.duration.empty() && !executes && !loihi) {
    std::cerr << "nsc: error: --run needs a target that executes: --target=cpu or --target=interp"
              << (opts.target.empty() ? "" : " (--target=" + opts.target + " is not part of this build)")
              << "\n";
    return 2;
  }
  if (machineCode && (opts.target != "cpu" || !opts.runReq.duration.empty())) {
    std::cerr << "nsc: error: --emit=llvm|asm|obj is the cpu target's output; it does not combine with "
              << (opts.runReq.duration.empty() ? "--target=" + opts.target : std::string("--run")) << "\n";
    return 2;
  }
  if (opts.emit == Emit::Obj && (opts.output.empty() || opts.output == "-")) {
    std::cerr << "nsc: error: --emit=obj writes a binary object: give -o FILE.o\n";
    return 2;
  }
  if (executes && opts.runReq.duration.empty() && !machineCode) {
    std::cerr << "nsc: error: --target=" << opts.target << " runs a model: give --run=DURATION"
              << (opts.target == "cpu" ? " (or --emit=llvm|asm|obj to see the generated code)" : "") << "\n";
    return 2;
  }
  if (!opts.target.empty() && !executes && opts.target != "verilog" && !loihi) {
    // Code generators arrive with the backend issues; say so plainly
    // rather than pretending to compile.
    std::cerr << "nsc: error: code generation for --target=" << opts.target
              << " is not part of this build; available: --target=cpu, --target=interp\n";
    return 1;
  }
  try {
    return run(opts);
  } catch (const std::exception &e) {
    // A bug in nsc, never the user's fault: say so instead of aborting.
    std::cerr << "nsc: internal error: " << e.what() << "\n";
    return 3;
  }
}
