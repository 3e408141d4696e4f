//===- Impl.h - What the API's handles point to -----------------*- C++ -*-===//
//
// The pimpl structs behind nsc::Model and nsc::Simulation, and the helpers
// that turn the compiler's DiagnosticEngine contents into the API's
// Message values. Internal to libnsc: nothing here is installed.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/Compiler.h"
#include "nsc/Error.h"
#include "nsc/Model.h"
#include "nsc/Simulation.h"

#include "nsc/frontend/CompilerSession.h"
#include "nsc/network/Simulation.h"
#include "nsc/targets/Target.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace nsc::detail {

struct ModelImpl {
  /// Owns the sources (diagnostics point into them), the compile-time
  /// diagnostics and the IR module simulations are built from.
  std::unique_ptr<CompilerSession> session;
  CompilerOptions options;
  double compileMs = 0;
  std::vector<Message> warnings;
  /// Networks the source declared; simulateModel appends single-model
  /// networks to the module after these.
  size_t sourceNetworks = 0;
};

struct SimulationImpl {
  /// Keeps the module, the sources and the kernels' model IR alive.
  std::shared_ptr<ModelImpl> model;
  /// This simulation's own diagnostics (run-time errors), so simulations
  /// on different threads never share one engine.
  std::unique_ptr<DiagnosticEngine> diags;
  /// The target's kernels and its compile figures (target table).
  targets::NetworkBackend backend;
  std::unique_ptr<network::Simulation> sim;
  const ir::Network *network = nullptr;
  network::RunResult result;
  std::vector<PopulationInfo> populations;
  std::vector<Spike> spikes;
  double buildMs = 0;
  unsigned threads = 1;

  /// Spikes scheduled for later steps (scheduleSpikes), by step; within a
  /// step in the order they were scheduled.
  struct ScheduledSpike {
    uint32_t population = 0;
    std::string port;
    uint64_t index = 0;
    double weight = 0;
  };
  std::multimap<uint64_t, ScheduledSpike> scheduled;

  /// Advances `n` steps, delivering the scheduled spikes of each step
  /// right before it (the engine runs uninterrupted between them).
  bool advance(uint64_t n);

  /// Moves the spikes the engine collected since the last call into
  /// `spikes`, in canonical order.
  void takeSpikes();
  /// Throws SimulationError with every diagnostic reported so far (or
  /// `fallback` when the engine reported none), and clears them.
  [[noreturn]] void throwRunError(const std::string &fallback);
  /// A model population's index, or ArgumentError.
  uint32_t modelPopulation(const std::string &name) const;
};

/// One API Message per diagnostic of `diags` from index `from` on.
std::vector<Message> convertDiagnostics(const DiagnosticEngine &diags, size_t from = 0);

/// Throws ArgumentError with one location-less error diagnostic.
[[noreturn]] void throwArgumentError(const std::string &message);

/// Serializes building simulations: JIT compilation and the module changes
/// of simulateModel are not safe to run concurrently.
std::mutex &buildMutex();

} // namespace nsc::detail
