//===- NetworkRanges.h - Input and start ranges a network gives a model -*- C++ -*-===//
//
// What the range analysis of one model can learn from the networks of the
// module that instantiate it (docs/quantization.md, "Port ranges from the
// network"):
//
//  - per spike port, the per-step input sum a neuron can receive: for every
//    neuron of every population of the model, the sum over the synapses
//    into the port of weight × the most events one synapse can deliver in
//    one step (1 for a model source, R12; the largest multiplicity of a
//    spike_generator, R21; a Poisson bound for poisson_generator, R20),
//    positive and negative weights summed apart. The synapses and weights
//    are built exactly as the runtime builds them (nsc/runtime/
//    Connectivity.h, the network's seed, R33), so the bound holds for the
//    network as it runs: Proven. A Poisson source makes it Assumed: its
//    multiplicity is unbounded, nsc takes the smallest k with
//    P(n > k) < 1e-15 per draw;
//  - per continuous port, the sum of gain × the source's value range
//    (dc/step-current amplitudes and 0): Proven;
//  - per variable that a population sets (`V_m = uniform(-60 mV, -50 mV)`,
//    `I_e = 200 pA`): the hull of the values it can take (constants and
//    uniform bounds; other distributions are unbounded).
//
// A port no projection reaches is absent (the analysis then uses its
// default and says so). Projections too large to build at compile time
// (more than 2^26 synapses) or read from a file that cannot be opened fall
// back to a bound from the connection rule alone (fan-in ≤ source size,
// or the indegree): Proven but loose.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/passes/RangeAnalysis.h"

#include <map>
#include <string>

namespace nsc::passes {

struct NetworkRanges {
  /// By port name: the per-step input range (spike) or value range
  /// (continuous), in the port's unit, with its kind and a phrase saying
  /// where it comes from.
  std::map<std::string, VarRange> ports;
  /// By variable name: the hull of the values populations give it.
  std::map<std::string, Interval> inits;
  /// Number of populations of the model found in the module's networks.
  unsigned populations = 0;
};

/// Ranges for `model` (which must be one of mod.models) from every network
/// population whose model it is.
NetworkRanges networkRanges(const ir::Module &mod, const ir::Model &model);

/// The smallest k with P(n > k) < tail for n ~ Poisson(lambda).
unsigned poissonMultiplicityBound(double lambda, double tail = 1e-15);

} // namespace nsc::passes
