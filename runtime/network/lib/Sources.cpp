//===- Sources.cpp - The built-in stimulus sources ------------------------===//
//
// docs/semantics.md R19-R21: each source's schedule, built from its
// arguments or its data file when the network is built, and what it
// delivers in a step — a value per neuron for current sources (read by the
// continuous projections, R18), spikes for spike sources. Everything is a
// function of the step (and, for noise and Poisson draws, of
// counter-based random streams), so sources hold no state a run changes.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include "nsc/network/NetworkValue.h"
#include "nsc/runtime/DataTable.h"
#include "nsc/runtime/PortableMath.h"
#include "nsc/runtime/Random.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nsc::network {

using namespace ir;

namespace {

/// The index of the last change step <= j, or -1.
int64_t lastChange(const std::vector<int64_t> &steps, int64_t j) {
  auto it = std::upper_bound(steps.begin(), steps.end(), j);
  return int64_t(it - steps.begin()) - 1;
}

} // namespace

double PopulationRuntime::currentAt(int64_t j, uint64_t i) const {
  switch (pop->kind) {
  case PopulationKind::DcGenerator:
    return j >= startStep && j < stopStep ? amplitude : 0.0;
  case PopulationKind::SineGenerator: {
    if (j < startStep || j >= stopStep)
      return 0.0;
    // sin(2π f t_j + φ) as sinpi(2x), x = f t_j reduced to [0, 1) first so
    // that long runs keep the phase exact to rounding.
    double cycles = frequencyHz * (double(j) * dtMs_) * 1e-3;
    cycles -= std::floor(cycles);
    return offset + amplitude * runtime::portable::sinpi(2.0 * cycles + phaseDeg / 180.0);
  }
  case PopulationKind::StepCurrentGenerator:
  case PopulationKind::SignalGenerator: {
    int64_t q = lastChange(currentSteps, j);
    return q < 0 ? 0.0 : currentValues[size_t(q) * channels + (channels == 1 ? 0 : i)];
  }
  default:
    return 0.0;
  }
}

double PopulationRuntime::noiseAt(int64_t j, const runtime::PhiloxKey &key, uint64_t connection) const {
  if (j < startStep || j >= stopStep)
    return 0.0;
  auto rs = runtime::RandomStream::perStep(key, connection, uint64_t(j) / noiseSteps);
  return noiseMean + noiseStd * rs.normal();
}

void PopulationRuntime::emitSpikes(uint64_t k, double dtMs) {
  switch (pop->kind) {
  case PopulationKind::PoissonGenerator:
  case PopulationKind::InhomogeneousPoissonGenerator: {
    double rate = rateHz;
    if (pop->kind == PopulationKind::InhomogeneousPoissonGenerator) {
      int64_t q = lastChange(currentSteps, int64_t(k));
      rate = q < 0 ? 0.0 : currentValues[size_t(q)];
    } else if (!runtime::poissonActive(k, startStep, stopStep)) {
      rate = 0;
    }
    if (rate > 0) {
      const runtime::PoissonSourceCounter counter(rate, dtMs);
      for (uint64_t i = lo; i < hi; ++i) // this rank's block (all of it on one process)
        if (uint32_t c = uint32_t(counter.count(poissonKey, i, k))) {
          fired.push_back(uint32_t(i));
          multiplicity.push_back(c);
        }
    }
    break;
  }
  case PopulationKind::SpikeGenerator: {
    if (!eventStep.empty()) {
      auto at = std::lower_bound(eventStep.begin(), eventStep.end(), k) - eventStep.begin();
      for (size_t q = size_t(at); q < eventStep.size() && eventStep[q] == k; ++q) {
        if (eventNeuron[q] < lo || eventNeuron[q] >= hi)
          continue; // another rank emits it
        fired.push_back(eventNeuron[q]);
        multiplicity.push_back(eventMultiplicity[q]);
      }
      break;
    }
    auto at = std::lower_bound(schedule.emitStep.begin(), schedule.emitStep.end(), k);
    if (at != schedule.emitStep.end() && *at == k) {
      uint32_t c = schedule.multiplicity[size_t(at - schedule.emitStep.begin())];
      for (uint64_t i = lo; i < hi; ++i) {
        fired.push_back(uint32_t(i));
        multiplicity.push_back(c);
      }
    }
    break;
  }
  default:
    break;
  }
}

bool NetworkSimulation::buildSource(PopulationRuntime &ps) {
  const Population &pop = *ps.pop;
  const uint64_t seed = net_.semantics.seed;
  const std::string what = std::string(populationKindName(pop.kind)) + " '" + pop.name + "'";
  ps.dtMs_ = dt_;
  auto initNamed = [&](const std::string &name) -> const Expr * {
    for (const PopulationInit &i : pop.inits)
      if (i.name == name)
        return i.value.get();
    return nullptr;
  };
  auto value = [&](const char *name, double dflt) {
    const Expr *e = initNamed(name);
    return e ? NetworkValue::eval(*e, nullptr) : dflt;
  };
  auto list = [&](const char *name) {
    const Expr *e = initNamed(name);
    return e ? NetworkValue::list(*e) : std::vector<double>{};
  };
  auto steps = [&](const char *name, int64_t dflt) {
    const Expr *e = initNamed(name);
    if (!e)
      return dflt;
    double ms = NetworkValue::eval(*e, nullptr);
    if (std::isinf(ms) && ms > 0)
      return INT64_MAX;
    auto s = runtime::timeToSteps(ms, dt_);
    return s ? *s : dflt;
  };
  // Change times of a piecewise-constant schedule, strictly increasing in steps.
  auto changeSteps = [&](const std::vector<double> &times) {
    ps.currentSteps.clear();
    for (double t : times) {
      auto s = runtime::timeToSteps(t, dt_);
      if (!s || (!ps.currentSteps.empty() && *s <= ps.currentSteps.back()))
        return fail(pop.loc, what + ": times must be strictly increasing after rounding to steps");
      ps.currentSteps.push_back(*s);
    }
    return true;
  };
  runtime::DataTable table;
  if (!pop.file.empty()) {
    std::string error;
    if (!runtime::readDataTable(pop.file, table, error))
      return fail(pop.loc, what + ": " + error);
  }
  auto columns = [&](uint64_t want, const char *layout) {
    if (table.cols == want)
      return true;
    return fail(pop.loc, what + ": '" + pop.file + "' has " + std::to_string(table.cols) +
                             " columns; it needs " + layout);
  };
  auto column = [&](uint64_t c) {
    std::vector<double> v(table.rows);
    for (uint64_t r = 0; r < table.rows; ++r)
      v[r] = table.at(r, c);
    return v;
  };

  switch (pop.kind) {
  case PopulationKind::Model:
    break;
  case PopulationKind::PoissonGenerator:
    ps.rateHz = value("rate", 0);
    ps.startStep = steps("start", 0);
    ps.stopStep = steps("stop", INT64_MAX);
    ps.poissonKey = runtime::deriveStreamKey(seed, ps.index, runtime::Stream::PoissonSource);
    break;
  case PopulationKind::InhomogeneousPoissonGenerator: {
    std::vector<double> times = list("times");
    ps.currentValues = list("rates");
    if (!pop.file.empty()) {
      if (!columns(2, "two: time (ms), rate (Hz)"))
        return false;
      times = column(0);
      ps.currentValues = column(1);
    }
    if (times.size() != ps.currentValues.size())
      return fail(pop.loc, what + " needs as many rates as times");
    for (double r : ps.currentValues)
      if (!(r >= 0) || std::isinf(r))
        return fail(pop.loc, what + ": a rate of " + fmtNumber(r) + " Hz is not a finite rate >= 0");
    if (!changeSteps(times))
      return false;
    ps.poissonKey = runtime::deriveStreamKey(seed, ps.index, runtime::Stream::PoissonSource);
    break;
  }
  case PopulationKind::SpikeGenerator: {
    std::vector<double> times = list("times"), neurons = list("neurons");
    bool perNeuron = initNamed("neurons") || !pop.file.empty();
    if (!pop.file.empty()) {
      if (!columns(2, "two: neuron index, time (ms)"))
        return false;
      neurons = column(0);
      times = column(1);
    }
    std::string err;
    if (!perNeuron) {
      if (!runtime::buildSpikeSchedule(times, dt_, ps.schedule, err))
        return fail(pop.loc, what + ": " + err);
      break;
    }
    if (neurons.size() != times.size())
      return fail(pop.loc, what + " needs one neuron index per time ('neurons' has " +
                               std::to_string(neurons.size()) + ", 'times' " + std::to_string(times.size()) + ")");
    std::vector<std::pair<uint64_t, uint32_t>> events; // (emission step, neuron)
    for (size_t e = 0; e < times.size(); ++e) {
      double nv = neurons[e];
      if (!(nv >= 0) || nv != std::floor(nv) || nv >= double(ps.n))
        return fail(pop.loc, what + ": neuron index " + fmtNumber(nv) + " is not an integer in [0, " +
                                 std::to_string(ps.n) + ")");
      runtime::SpikeSchedule one;
      if (!runtime::buildSpikeSchedule({times[e]}, dt_, one, err))
        return fail(pop.loc, what + ": " + err);
      events.emplace_back(one.emitStep[0], uint32_t(nv));
    }
    std::sort(events.begin(), events.end());
    for (auto &[step, neuron] : events) {
      if (!ps.eventStep.empty() && ps.eventStep.back() == step && ps.eventNeuron.back() == neuron) {
        ++ps.eventMultiplicity.back();
        continue;
      }
      ps.eventStep.push_back(step);
      ps.eventNeuron.push_back(neuron);
      ps.eventMultiplicity.push_back(1);
    }
    break;
  }
  case PopulationKind::DcGenerator:
    ps.amplitude = value("amplitude", 0);
    ps.startStep = steps("start", 0);
    ps.stopStep = steps("stop", INT64_MAX);
    break;
  case PopulationKind::StepCurrentGenerator: {
    std::vector<double> times = list("times");
    ps.currentValues = list("amplitudes");
    if (times.size() != ps.currentValues.size())
      return fail(pop.loc, what + " needs as many amplitudes as times");
    if (!changeSteps(times))
      return false;
    break;
  }
  case PopulationKind::SineGenerator:
    ps.amplitude = value("amplitude", 0);
    ps.frequencyHz = value("frequency", 0);
    ps.phaseDeg = value("phase", 0);
    ps.offset = value("offset", 0);
    ps.startStep = steps("start", 0);
    ps.stopStep = steps("stop", INT64_MAX);
    if (!std::isfinite(ps.frequencyHz) || ps.frequencyHz < 0)
      return fail(pop.loc, what + ": the frequency must be finite and >= 0");
    break;
  case PopulationKind::NoiseGenerator: {
    ps.noiseMean = value("mean", 0);
    ps.noiseStd = value("std", 0);
    ps.startStep = steps("start", 0);
    ps.stopStep = steps("stop", INT64_MAX);
    if (!(ps.noiseStd >= 0) || std::isinf(ps.noiseStd))
      return fail(pop.loc, what + ": 'std' must be finite and >= 0");
    double noiseDt = value("dt", dt_);
    auto s = runtime::timeToSteps(noiseDt, dt_);
    if (!s || *s < 1 || runtime::isOffGrid(noiseDt, dt_))
      return fail(pop.loc, what + ": its dt (" + fmtNumber(noiseDt) +
                               " ms) must be a positive multiple of the network's dt (" + fmtNumber(dt_) + " ms)");
    ps.noiseSteps = uint64_t(*s);
    break;
  }
  case PopulationKind::SignalGenerator: {
    if (table.cols < 2 || (table.cols != 2 && table.cols != ps.n + 1))
      return columns(ps.n == 1 ? 2 : uint64_t(-1), ("time (ms) and one value column, or time and " +
                                                    std::to_string(ps.n) + " value columns (one per neuron)")
                                                       .c_str());
    ps.channels = table.cols - 1;
    if (!changeSteps(column(0)))
      return false;
    ps.currentValues.clear();
    for (uint64_t r = 0; r < table.rows; ++r)
      for (uint64_t c = 1; c < table.cols; ++c)
        ps.currentValues.push_back(table.at(r, c));
    break;
  }
  }
  return true;
}

std::string NetworkSimulation::fmtNumber(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

} // namespace nsc::network
