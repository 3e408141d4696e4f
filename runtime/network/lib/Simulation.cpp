//===- Simulation.cpp - Building a network simulation ---------------------===//
#include "Engine.h"

namespace nsc::network {

namespace {

/// The Verilog design's interface blocks change nothing a simulation runs
/// (docs/verilog.md): said once (rank 0), not passed over.
void warnInterfaceOnlyBlocks(const ir::Network &net, const BuildOptions &options, DiagnosticEngine &diags) {
  if (options.communicator && options.communicator->rank() != 0)
    return;
  for (const ir::AerOutput &a : net.aerOutputs)
    diags.warning(a.loc, "'aer for " + net.populations[a.population].name +
                             "' describes the Verilog design's address-event output (docs/verilog.md); it has no "
                             "effect on a simulation, which records the population's spikes as they are");
  for (const ir::SpikeDetector &d : net.detectors)
    diags.warning(d.loc, "'detector for " + net.populations[d.population].name +
                             "' describes the Verilog design's spike detector (docs/verilog.md section 7); in a "
                             "simulation the source's own spikes stand in for the detected ones");
}

} // namespace

std::unique_ptr<Simulation> Simulation::forNetwork(const ir::Module &module, uint32_t networkIndex,
                                                   const BuildOptions &options, DiagnosticEngine &diags) {
  auto sim = std::make_unique<NetworkSimulation>(module, *module.networks.at(networkIndex), options, diags);
  if (!sim->build())
    return nullptr;
  warnInterfaceOnlyBlocks(*module.networks.at(networkIndex), options, diags);
  return sim;
}

} // namespace nsc::network
