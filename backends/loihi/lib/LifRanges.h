//===- LifRanges.h - Value ranges of a mapped LIF population ----*- C++ -*-===//
//
// The ranges the Loihi mapping sizes its 24-bit u and v registers with
// (docs/loihi.md §3): the quantize pass's RangeAnalysis run on a solved
// copy of the population's model, with
//   - each synaptic variable bounded from the network: per neuron, the sum
//     over its incoming synapses of |factor · w| · (most events per step) /
//     (1 − P^gap), where gap is the fewest steps between two events of the
//     source (refractory count + 1 for a model neuron with a refractory
//     counter, 1 otherwise) and P the variable's one-step decay: the value
//     a train of the densest possible input converges to. Proven, except
//     with a Poisson source (its count per step is unbounded; the bound
//     takes the smallest k with P(n > k) < 1e-12): Assumed;
//   - the spike ports' per-step sums as RangeOptions::portRanges;
//   - the population's parameter values in place of the defaults;
//   - `--range VAR=lo..hi` overrides (Override; they replace the above);
// and the membrane variable's range joined with the population's initial
// values (sound for the recognised structure: the step is a monotone
// contraction, so the hull of an invariant interval and a start interval is
// invariant).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "LifStructure.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"
#include "nsc/passes/RangeAnalysis.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nsc::loihi {

struct BoundedVar {
  std::string name, unit; // unit text ("mV"), empty when dimensionless
  passes::Interval range;
  passes::RangeKind kind = passes::RangeKind::Proven;
  std::string why;
};

struct LifRangeInputs {
  const ir::Model *model = nullptr;                 // ODE form
  std::map<ir::VarId, double> parameterValues;      // the population's, where it sets them
  std::vector<passes::Interval> currentBounds;      // per LifStructure current, from the network
  std::vector<bool> currentAssumed;                 // a Poisson source contributes
  std::map<std::string, passes::Interval> portSums; // per-step sums by port name
  passes::Interval initialV;                        // hull of the neurons' initial V
  std::vector<std::string> userRanges;              // --range texts
};

struct LifRanges {
  BoundedVar V;
  std::vector<BoundedVar> currents; // per LifStructure current
};

/// nullopt after an error (a bad --range, a model the solver rejects).
std::optional<LifRanges> analyseLifRanges(const LifRangeInputs &in, const LifStructure &lif,
                                          DiagnosticEngine &diags);

/// The smallest k with P(n > k) < tail for n ~ Poisson(lambda).
unsigned poissonCountBound(double lambda, double tail = 1e-12);

} // namespace nsc::loihi
