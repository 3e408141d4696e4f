//===- main.cpp - Embedding nsc: compile at start-up, step in a loop ------===//
//
// What a closed-loop application (a brain-computer interface, a robot
// controller) does with nsc: compile a network model when it starts, then
// advance it one time step at a time inside its own loop, where every step
// has a latency budget. This program measures that latency.
//
//   nsc-embed [MODEL.nrn] [--steps N] [--target cpu|interp] [--threads N]
//             [--network NAME]
//
// Default model: the CUBA network installed with nsc (cuba.nrn), 10000
// steps (1 s of simulated time at dt = 0.1 ms). Exit status 0 on success,
// 1 when nsc reports an error, 2 for a bad command line.
//
//===----------------------------------------------------------------------===//
#include <nsc/nsc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#ifndef NSC_EXAMPLES_DIR
#define NSC_EXAMPLES_DIR "."
#endif

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string model = NSC_EXAMPLES_DIR "/cuba.nrn";
  std::string network;
  unsigned long steps = 10000;
  unsigned threads = 1;
  nsc::Target target = nsc::Target::Cpu;
};

int usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s [MODEL.nrn] [--steps N] [--target cpu|interp] [--threads N] [--network NAME]\n",
               argv0);
  return 2;
}

bool parseArgs(int argc, char **argv, Args &a) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *name) -> const char * {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "nsc-embed: %s needs a value\n", name);
        return nullptr;
      }
      return argv[++i];
    };
    auto number = [&](const char *name, unsigned long &out) {
      const char *v = value(name);
      char *end = nullptr;
      if (!v)
        return false;
      out = std::strtoul(v, &end, 10);
      if (*v == '\0' || *end != '\0' || out == 0) {
        std::fprintf(stderr, "nsc-embed: %s needs a positive integer\n", name);
        return false;
      }
      return true;
    };
    if (arg == "--steps") {
      if (!number("--steps", a.steps))
        return false;
    } else if (arg == "--threads") {
      unsigned long t;
      if (!number("--threads", t))
        return false;
      a.threads = unsigned(t);
    } else if (arg == "--target") {
      const char *v = value("--target");
      if (!v)
        return false;
      if (std::string(v) == "cpu")
        a.target = nsc::Target::Cpu;
      else if (std::string(v) == "interp")
        a.target = nsc::Target::Interp;
      else {
        std::fprintf(stderr, "nsc-embed: --target is cpu or interp\n");
        return false;
      }
    } else if (arg == "--network") {
      const char *v = value("--network");
      if (!v)
        return false;
      a.network = v;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "nsc-embed: unknown option '%s'\n", arg.c_str());
      return false;
    } else {
      a.model = arg;
    }
  }
  return true;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

/// Nearest-rank percentile of sorted samples.
double percentile(const std::vector<double> &sorted, double p) {
  size_t rank = size_t(std::ceil(p / 100.0 * double(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

int run(const Args &args) {
  nsc::CompilerOptions options;
  options.target = args.target;
  options.threads = args.threads;
  nsc::Compiler compiler(options);

  // Start-up: compile the model, build the network (the cpu target
  // generates and JIT-compiles code here, or loads it from its cache).
  auto t0 = Clock::now();
  nsc::Model model = compiler.compileFile(args.model);
  auto t1 = Clock::now();
  nsc::Simulation sim = model.simulate(args.network);
  auto t2 = Clock::now();
  for (const nsc::Message &w : model.warnings())
    std::cerr << w.text;

  nsc::Stats st = sim.stats();
  std::printf("nsc %s embedding example\n", nsc::version());
  std::printf("model:    %s\n", args.model.c_str());
  std::printf("network:  %llu neurons in %zu populations, %llu synapses (%.2f bytes/synapse)\n",
              (unsigned long long)st.neurons, sim.populations().size(), (unsigned long long)st.synapses,
              st.bytesPerSynapse);
  std::printf("compile:  %.1f ms (parse, check, lower, passes)\n", ms(t1 - t0));
  std::printf("build:    %.1f ms (network", ms(t2 - t1));
  if (args.target == nsc::Target::Cpu)
    std::printf("; codegen %.1f ms, JIT %.1f ms; %u compiled, %u from the memory cache, %u from the disk cache",
                st.codegen_ms, st.jit_ms, st.modelsCompiled, st.memoryCacheHits, st.diskCacheHits);
  std::printf(")\n");
  std::printf("start-up: %.1f ms from source to a runnable network\n", ms(t2 - t0));

  // The loop: one step per iteration, timed on its own. Spikes are
  // counted and cleared every step, as a long-running application would
  // consume them, so memory stays bounded.
  std::vector<double> latencyUs;
  latencyUs.reserve(args.steps);
  uint64_t modelSpikes = 0;
  std::vector<bool> isSource;
  for (const nsc::PopulationInfo &p : sim.populations())
    isSource.push_back(p.isSource);
  auto loopStart = Clock::now();
  for (unsigned long i = 0; i < args.steps; ++i) {
    auto a = Clock::now();
    sim.step();
    auto b = Clock::now();
    latencyUs.push_back(std::chrono::duration<double, std::micro>(b - a).count());
    for (const nsc::Spike &s : sim.spikes())
      modelSpikes += isSource[s.population] ? 0 : 1;
    sim.clearSpikes();
  }
  double loopMs = ms(Clock::now() - loopStart);

  std::vector<double> sorted = latencyUs;
  std::sort(sorted.begin(), sorted.end());
  double mean = 0;
  for (double x : latencyUs)
    mean += x;
  mean /= double(latencyUs.size());
  st = sim.stats();
  std::printf("stepping: %lu steps of %.3g ms (%.1f ms simulated) on %s, %u thread%s\n", args.steps, sim.dt_ms(),
              sim.time_ms(), nsc::targetName(args.target), args.threads, args.threads == 1 ? "" : "s");
  std::printf("per-step latency (us): min %.1f  median %.1f  p99 %.1f  max %.1f  mean %.1f\n", sorted.front(),
              percentile(sorted, 50), percentile(sorted, 99), sorted.back(), mean);
  std::printf("spikes:   %llu (mean rate %.2f Hz)\n", (unsigned long long)modelSpikes, st.meanRate_hz);
  std::printf("loop:     %.1f ms wall for %.1f ms simulated (%.3f x real time)\n", loopMs, sim.time_ms(),
              sim.time_ms() > 0 ? loopMs / sim.time_ms() : 0.0);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Args args;
  if (!parseArgs(argc, argv, args))
    return usage(argv[0]);
  try {
    return run(args);
  } catch (const nsc::Error &e) {
    // Compile errors print as the command line prints them:
    // file:line:col: error: ..., the source line and a caret.
    std::cerr << e.what() << "\n";
    return 1;
  }
}
