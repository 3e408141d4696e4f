//===- Run.cpp - Map, place and emulate -----------------------------------===//
#include "nsc/loihi/Run.h"

#include "nsc/loihi/Emulator.h"
#include "nsc/loihi/Mapping.h"
#include "nsc/loihi/Placement.h"
#include "nsc/runtime/Schedule.h"

#include <chrono>

namespace nsc::loihi {

bool runConfigOnLoihi(const CoreConfig &config, const LoihiRunOptions &options, LoihiRunResult &result,
                      std::string &error) {
  auto steps = runtime::timeToSteps(options.durationMs, config.dtMs);
  if (!steps || *steps < 0) {
    error = "the run duration must be a non-negative time";
    return false;
  }
  auto emu = Emulator::create(config, error);
  if (!emu || !emu->setTraceVariables(options.traceVariables, error))
    return false;
  EmulatorResult er;
  emu->run(uint64_t(*steps), er);
  er.spikes.sortCanonical();
  result.spikes = std::move(er.spikes);
  result.traces = std::move(er.traces);
  result.recorded = std::move(er.recorded);
  result.steps = er.steps;
  result.runMs = er.runMs;
  if (&result.config != &config)
    result.config = config;
  return true;
}

bool runNetworkOnLoihi(ir::Module &module, uint32_t networkIndex, const LoihiRunOptions &options,
                       LoihiRunResult &result, DiagnosticEngine &diags) {
  auto t0 = std::chrono::steady_clock::now();
  MappingOptions mo;
  mo.limits = options.limits;
  auto config = mapNetwork(module, networkIndex, mo, diags);
  if (!config)
    return false;
  PlacementError pe;
  if (!placeNetwork(*config, pe)) {
    const ir::Network &net = *module.networks[networkIndex];
    SourceRange at = pe.population && *pe.population < net.populations.size() ? net.populations[*pe.population].loc
                                                                               : net.loc;
    diags.error(at, "cannot place the network on Loihi cores: " + pe.message);
    return false;
  }
  result.mapMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  result.config = std::move(*config);
  std::string error;
  if (!runConfigOnLoihi(result.config, options, result, error)) {
    diags.error(module.networks[networkIndex]->loc, error);
    return false;
  }
  return true;
}

} // namespace nsc::loihi
