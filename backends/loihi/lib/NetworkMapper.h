//===- NetworkMapper.h - The state of one network's mapping ----*- C++ -*-===//
//
// Internal to backends/loihi: the Mapper that turns one nsc network into a
// core configuration (mapNetwork in Mapping.h). Its steps live in one file
// each: NetworkMapping.cpp (populations, compartments, recorders, the entry
// point), ProjectionMapping.cpp (synapses and Lava weight quantization),
// ScaleFitting.cpp (ranges and the voltage scale) and MappingExplain.cpp
// (the --explain-quantization report).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/loihi/Mapping.h"
#include "LifRanges.h"
#include "LifStructure.h"
#include "MappingReport.h"
#include "nsc/network/NetworkValue.h"
#include "nsc/support/Units.h"
#include "nsc/eval/ModelExecutor.h"
#include "nsc/loihi/Emulator.h"
#include "nsc/passes/PassManager.h"
#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/Random.h"
#include "nsc/runtime/Schedule.h"
#include "nsc/passes/RangeAnalysis.h"
#include <cmath>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace nsc::loihi::detail {

using namespace ir;
using network::NetworkValue;


inline std::string fmtNum(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", x);
  return b;
}

inline std::string unitName(const units::Unit &u) {
  std::string t = units::formatUnit(u);
  return t.empty() || t == "1" ? "unit" : t;
}
inline std::string unitSuffix(const units::Unit &u) {
  std::string t = units::formatUnit(u);
  return t.empty() || t == "1" ? "" : " " + t;
}

/// One model population as the mapping sees it.
struct PopMap {
  const LifStructure *lif = nullptr;
  double a = 0, drive = 0, thr = 0, reset = 0;
  int64_t refr = 0;
  std::vector<double> rate, gain;    // per current
  std::vector<double> V0;            // per neuron
  std::vector<std::vector<double>> x0; // per current, per neuron
  std::vector<int64_t> count0;
  // Compartments: one group of currents per distinct rate.
  std::vector<double> groupRate;
  std::vector<size_t> groupOf;       // per current
  std::vector<double> kappa;         // dv per unit of x_j per unit of s (the charge-preserving gain)
  double alphaV = 1, PV = 1;
  uint32_t dvEff = 0;
  std::vector<uint32_t> duEff;       // per group
  double maxInput = 0;               // max |kappa f w| over incoming synapses
  double s = 0;                      // v units per model unit of V
  // Range inputs (LifRanges.h): parameter values the population sets,
  // per current and neuron the densest-input bound (positive and negative
  // parts), per port and neuron the per-step sums.
  std::map<VarId, double> params;
  std::vector<std::vector<double>> xPos, xNeg;
  std::vector<bool> currentAssumed;
  std::map<uint32_t, std::pair<std::vector<double>, std::vector<double>>> portSum;
  LifRanges ranges;
  std::string limitedBy; // what chose the scale (the report)
  size_t currents() const { return rate.size(); }
  // Port inputs (per lif->portInputs): the constant factor folded into
  // the weights; delta inputs onto V share one memoryless group.
  std::vector<double> inputFactor;
  int deltaGroup = -1;
  BoundedVar deltaRange; // the per-step jumps of V, for the delta group's u
  bool deltaAssumed = false; // a Poisson source drives a delta input
  std::vector<double> timer0; // per neuron: initial value of a refractory timer
  size_t groupOfInput(const LifStructure::PortInput &in) const {
    return in.toVoltage() ? size_t(deltaGroup) : groupOf[in.current];
  }
  /// Delta inputs keep their jump exactly (1 per unit of s).
  double kappaOfInput(const LifStructure::PortInput &in) const { return in.toVoltage() ? 1.0 : kappa[in.current]; }
  uint32_t soma = 0;
  std::vector<uint32_t> groupCompartment; // config group per current group
};

struct RawProjection {
  uint32_t index;
  runtime::SynapseList sl;
  std::vector<double> w;
  std::vector<int64_t> d;
};

class Mapper {
public:
  Mapper(Module &m, const Network &net, const MappingOptions &o, DiagnosticEngine &d)
      : mod_(m), net_(net), opt_(o), diags_(d) {}

  std::optional<CoreConfig> run();

private:
  bool fail(SourceRange at, std::string msg);

  const LifStructure *structureOf(uint32_t modelIndex);

  bool population(uint32_t p);
  struct Population_ {
    loihi::Population p;
  };

  /// Initial state as the network runtime sets it (Engine.cpp: initOrder,
  /// population arguments, stream 2 for random ones), then every value the
  /// mapping needs, per neuron.
  bool evaluate(uint32_t p, const LifStructure &lif);
  // evaluate's steps, in order (NetworkMapping.cpp).
  struct InitialState;
  void initialise(uint32_t p, const Model &m, InitialState &s);
  void recordPopulationParameters(const Model &m, InitialState &s, PopMap &pm);
  /// The leak, threshold, reset, drive, current and refractory registers:
  /// one finite value per population, and one a Loihi compartment can hold.
  bool registerValues(uint32_t p, const LifStructure &lif, InitialState &s);
  bool uniformValue(uint32_t p, const Expr &e, const char *what, InitialState &s, double &out);
  void readInitialState(const Model &m, const LifStructure &lif, InitialState &s, PopMap &pm);
  /// Initial refractory steps of a NESTML 8 timer (RefractoryTimer.h).
  bool initialTimerSteps(uint32_t p, const LifStructure &lif);
  /// Current groups by decay rate, exact propagators and 12-bit decays.
  void fitDecays(PopMap &pm);

  static std::string printExprSafe(const Expr &e, const Model &m);

  bool projection(uint32_t q, RawProjection &r);

  static uint32_t portOf(const Projection &pr, double w);

  /// Voltage scale, registers and groups of a model population (§3).
  bool compartments(uint32_t p);

  /// Ranges of V and the synaptic variables of population p (LifRanges.h).
  bool rangesOf(uint32_t p);

  /// Lowers the scale s until the ranges of V (in v) and of the synaptic
  /// variables (in u, summed per compartment and into the soma) fit 24
  /// bits, but not below the scale at which the largest weight keeps its 8
  /// bits (weight_exp 0) unless a --range asks for it; what still does not
  /// fit gets a diagnostic: a warning for v (it saturates) and for assumed
  /// ranges, an error for a proven range in u (it wraps). docs/loihi.md §3.
  bool fitRanges(uint32_t p, double theta, double &s);

  /// Lava's weight rule (weightutils: determine the exponent from the
  /// largest magnitude, clip to 8 bits by sign mode, drop the LSB in mixed
  /// mode), applied to the real-valued activations r (docs/loihi.md §3).
  bool quantize(RawProjection &r);
  static int64_t applyWeight(int64_t m, int exp);

  bool recorders();

  Module &mod_;
  const Network &net_;
  const MappingOptions &opt_;
  DiagnosticEngine &diags_;
  CoreConfig c_;
  std::vector<PopMap> pops_;
  std::map<uint32_t, std::optional<LifStructure>> lifs_;
  struct WeightStats {
    uint32_t group = 0;
    std::string unit;
    double maxAbs = 0, maxRel = 0, lsb = 0;
  };
  std::vector<WeightStats> weightStats_;

  void explain(std::ostream &os);
};

} // namespace nsc::loihi::detail
