//===- Placement.h - Neurons to cores, cores to chips -----------*- C++ -*-===//
//
// Assigns every neuron (with all its compartments) to a core so that no
// core exceeds config.limits: compartments, input axons (distinct source
// neurons with a synapse into the core), output axons (distinct
// destination cores per neuron), synapse memory (synapses x bits per
// synapse at the group's weight width, delay and index bits). Greedy in
// declaration order, tightened until output axons fit; cores fill chips of
// limits.coresPerChip. docs/loihi.md §4.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/loihi/CoreConfig.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace nsc::loihi {

/// Why a network cannot be placed: the message, and the population (or
/// projection: synapse group index) it is about when there is one.
struct PlacementError {
  std::string message;
  std::optional<uint32_t> population;
  std::optional<uint32_t> synapseGroup;
};

/// Fills config.cores and config.chips. False (error set) when it cannot.
bool placeNetwork(CoreConfig &config, PlacementError &error);

/// Bits one synapse of `group` takes in synapse memory.
uint32_t synapseBits(const SynapseGroup &group);

/// The utilisation report: cores, chips, per-core compartments, axons and
/// synapse memory (max and mean), as text and as JSON (--stats).
void printUtilisation(const CoreConfig &config, std::ostream &out);
nlohmann::json utilisationJson(const CoreConfig &config);

} // namespace nsc::loihi
