//===- LowerHardware.cpp - The hardware blocks into the IR ----------------===//
//
// Sema checked keys, units and ranges (HardwareChecker); here the values
// become IR numbers, and `threshold = NAME` is resolved against the IR model
// of each population: it must be a real scalar parameter, because the
// runtime rewrites it per neuron at the end of every window.
//
//===----------------------------------------------------------------------===//
#include "NetworkLowerer.h"

#include <fmt/format.h>

#include <cmath>

namespace nsc::lowering {

using namespace nsc::ir;
namespace A = nsc::ast;

void NetworkLowerer::lowerHardware() {
  Network &n = network_;
  auto value = [&](const A::Expr *e, const char *unit) -> std::optional<double> {
    Type t = unit ? Type::real(*units::lookupUnit(unit)) : Type::real();
    return hostValues_.constantValue(e, t);
  };
  auto word = [](const A::Expr *e) -> std::string {
    auto *r = A::dyn_cast<A::NameRef>(e);
    return r ? r->name : std::string();
  };
  for (const auto &member : ast_.members) {
    auto *h = A::dyn_cast<A::HardwareBlock>(member.get());
    if (!h)
      continue;
    for (size_t i = 0; i < h->populations.size(); ++i) {
      auto p = n.findPopulation(h->populations[i]);
      if (!p)
        continue; // sema reported it
      SourceRange at = h->populationRanges[i];
      if (h->blockKind == A::HardwareBlock::BlockKind::Aer) {
        AerOutput a;
        a.population = *p;
        a.loc = at;
        for (const A::Setting &s : h->settings) {
          if (s.key == "timestamp_bits") {
            if (auto v = value(s.value.get(), nullptr))
              a.timestampBits = unsigned(*v);
          } else if (s.key == "handshake") {
            a.fourPhase = word(s.value.get()) == "four_phase";
          }
        }
        n.aerOutputs.push_back(a);
        continue;
      }
      if (h->blockKind == A::HardwareBlock::BlockKind::Detector) {
        SpikeDetector d;
        d.population = *p;
        d.loc = at;
        for (const A::Setting &s : h->settings) {
          double v = 0;
          bool have = false;
          if (s.key != "polarity" && s.key != "sample_rate")
            if (auto o = value(s.value.get(), nullptr)) {
              v = *o;
              have = true;
            }
          if (s.key == "alpha" && have)
            d.alpha = v;
          else if (s.key == "refractory" && have)
            d.refractory = uint32_t(v);
          else if (s.key == "warmup" && have)
            d.warmup = uint32_t(v);
          else if (s.key == "step_bits" && have)
            d.stepBits = unsigned(v);
          else if (s.key == "sample_bits" && have)
            d.sampleBits = unsigned(v);
          else if (s.key == "sample_rate") {
            if (auto hz = value(s.value.get(), "Hz")) {
              double perStep = *hz * n.semantics.dtMs * 1e-3;
              double whole = std::nearbyint(perStep);
              if (std::fabs(perStep - whole) > 1e-9 * std::max(1.0, perStep) || whole < 1 || whole > 65536) {
                diags_.error(s.value->range,
                             fmt::format("sample_rate = {} Hz gives {} samples per step of {} ms; the detector "
                                         "needs a whole number of sampling instants per step, 1 to 65536",
                                         *hz, perStep, n.semantics.dtMs));
                continue;
              }
              d.samplesPerStep = uint32_t(whole);
            }
          } else if (s.key == "polarity")
            d.polarity = word(s.value.get()) == "positive" ? SpikeDetector::Polarity::Positive
                         : word(s.value.get()) == "both"   ? SpikeDetector::Polarity::Both
                                                           : SpikeDetector::Polarity::Negative;
        }
        n.detectors.push_back(d);
        continue;
      }
      Homeostasis hs;
      hs.population = *p;
      hs.loc = at;
      const Population &pop = n.populations[*p];
      bool ok = true;
      for (const A::Setting &s : h->settings) {
        const A::Expr *e = s.value.get();
        if (s.key == "threshold") {
          hs.thresholdName = word(e);
          if (pop.kind != PopulationKind::Model)
            continue;
          const Model &m = *module_.models[pop.model];
          auto v = m.findVariable(hs.thresholdName);
          if (!v) {
            diags_.error(e->range, fmt::format("model '{}' of population '{}' has no parameter '{}'", m.name,
                                               pop.name, hs.thresholdName))
                .note(m.loc, "model declared here");
            ok = false;
            continue;
          }
          const Variable &var = m.variables[*v];
          if (var.role != VarRole::Parameter || var.vectorSize || var.type.kind != TypeKind::Real) {
            diags_.error(e->range, fmt::format("the homeostatic threshold '{}' must be a real scalar parameter "
                                               "(it is rewritten per neuron at the end of every window)",
                                               hs.thresholdName))
                .note(var.loc, "'" + hs.thresholdName + "' declared here");
            ok = false;
            continue;
          }
          hs.threshold = *v;
        } else if (s.key == "target_rate") {
          if (auto v = value(e, "Hz"))
            hs.targetHz = *v;
        } else if (s.key == "tau") {
          if (auto v = value(e, "s"))
            hs.tauS = *v;
        } else if (s.key == "theta_min") {
          if (auto v = value(e, nullptr))
            hs.thetaMin = int64_t(*v);
        } else if (s.key == "theta_max") {
          if (auto v = value(e, nullptr))
            hs.thetaMax = int64_t(*v);
        } else if (s.key == "window") {
          if (auto v = value(e, nullptr))
            hs.window = uint32_t(*v);
        } else if (s.key == "mode") {
          hs.plain = word(e) == "plain";
        }
      }
      if (!ok || hs.threshold == kNoVar)
        continue;
      // The constants must exist in Q8.24 (Homeostat.h's limits).
      double k = std::nearbyint(16777216.0 / hs.tauS);
      double windowS = double(hs.window) * n.semantics.dtMs * 1e-3;
      double b = std::nearbyint(hs.targetHz * windowS * 16777216.0 / hs.tauS);
      const double limit = 1099511627776.0; // 2^40
      if (k < 1) {
        diags_.error(at, fmt::format("tau = {} s is too long for the Q8.24 accumulator: one spike would move "
                                     "it by less than one unit (tau must be at most 2^25 s)",
                                     hs.tauS));
        continue;
      }
      if (k * double(hs.window) > limit || b > limit) {
        diags_.error(at, fmt::format("the homeostat's constants exceed 2^40 (tau = {} s, window = {} steps); "
                                     "use a longer tau or a shorter window",
                                     hs.tauS, hs.window));
        continue;
      }
      if (b == 0 && hs.targetHz > 0)
        diags_.warning(at, fmt::format("target_rate = {} Hz rounds to 0 per window of {} steps in Q8.24; "
                                       "the controller then targets 0 Hz",
                                       hs.targetHz, hs.window));
      n.homeostats.push_back(hs);
    }
  }
}

} // namespace nsc::lowering
