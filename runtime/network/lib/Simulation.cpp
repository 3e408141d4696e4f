//===- Simulation.cpp - Building a network simulation ---------------------===//
#include "Engine.h"

namespace nsc::network {

std::unique_ptr<Simulation> Simulation::forNetwork(const ir::Module &module, uint32_t networkIndex,
                                                   const BuildOptions &options, DiagnosticEngine &diags) {
  auto sim = std::make_unique<NetworkSimulation>(module, *module.networks.at(networkIndex), options, diags);
  if (!sim->build())
    return nullptr;
  return sim;
}

} // namespace nsc::network
