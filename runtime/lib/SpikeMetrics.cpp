//===- SpikeMetrics.cpp - Distances between spike trains and traces -------===//
#include "nsc/runtime/SpikeMetrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

namespace nsc::runtime {

double victorPurpuraDistance(const std::vector<double> &a, const std::vector<double> &b, double q) {
  if (a.empty() || b.empty())
    return double(a.size() + b.size());
  // prev[j] / cur[j]: the cost of turning a[0..i) into b[0..j).
  std::vector<double> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = double(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = double(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      double dt = std::fabs(a[i - 1] - b[j - 1]);
      // q = inf with dt = 0 would be inf·0 = NaN: coincident spikes are free.
      double shift = dt == 0 ? 0.0 : q * dt;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + shift});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

/// Σ_i Σ_j exp(-|x_i - y_j| / tau) for sorted x, y in O(n + m): for each
/// x_i, the y at or before it accumulate in a running sum decayed to x_i,
/// those after it in a second, backward pass. Every exponent is <= 0, so
/// nothing overflows.
static double kernelSum(const std::vector<double> &x, const std::vector<double> &y, double tau) {
  double total = 0;
  double run = 0, at = 0;
  size_t j = 0;
  for (double xi : x) {
    for (; j < y.size() && y[j] <= xi; ++j) {
      run = run * std::exp(-(y[j] - at) / tau) + 1.0;
      at = y[j];
    }
    if (j > 0)
      total += run * std::exp(-(xi - at) / tau);
  }
  run = 0;
  at = 0;
  size_t k = y.size();
  for (size_t i = x.size(); i-- > 0;) {
    for (; k > 0 && y[k - 1] > x[i]; --k) {
      run = run * std::exp(-(at - y[k - 1]) / tau) + 1.0;
      at = y[k - 1];
    }
    if (k < y.size())
      total += run * std::exp(-(at - x[i]) / tau);
  }
  return total;
}

double vanRossumDistance(const std::vector<double> &a, const std::vector<double> &b, double tau) {
  if (a == b)
    return 0.0; // exactly, not the rounding noise of the three sums below
  double d2 = 0.5 * (kernelSum(a, a, tau) + kernelSum(b, b, tau) - 2.0 * kernelSum(a, b, tau));
  return std::sqrt(std::max(0.0, d2));
}

std::optional<uint64_t> firstDivergenceStep(const std::vector<uint64_t> &ref, const std::vector<uint64_t> &test) {
  size_t n = std::min(ref.size(), test.size());
  for (size_t i = 0; i < n; ++i)
    if (ref[i] != test[i])
      return std::min(ref[i], test[i]);
  if (ref.size() > n)
    return ref[n];
  if (test.size() > n)
    return test[n];
  return std::nullopt;
}

double SpikeComparison::countDiffRelative() const {
  if (refSpikes == 0)
    return countDiffAbs == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return double(countDiffAbs) / double(refSpikes);
}

void SpikeComparison::merge(const SpikeComparison &o, uint64_t neuronOffset) {
  neurons += o.neurons;
  refSpikes += o.refSpikes;
  testSpikes += o.testSpikes;
  countDiffAbs += o.countDiffAbs;
  neuronsDiffering += o.neuronsDiffering;
  vpSum += o.vpSum;
  vrSum += o.vrSum;
  vpMax = std::max(vpMax, o.vpMax);
  vrMax = std::max(vrMax, o.vrMax);
  if (o.firstDivergenceStep && (!firstDivergenceStep || *o.firstDivergenceStep < *firstDivergenceStep)) {
    firstDivergenceStep = o.firstDivergenceStep;
    firstDivergenceNeuron = o.firstDivergenceNeuron + neuronOffset;
    firstDivergencePopulation = o.firstDivergencePopulation;
  }
}

SpikeComparison compareTrains(const std::vector<uint64_t> &refSteps, const std::vector<uint64_t> &testSteps,
                              double dtMs, const SpikeMetricOptions &options) {
  SpikeComparison c;
  c.neurons = 1;
  c.refSpikes = refSteps.size();
  c.testSpikes = testSteps.size();
  c.countDiffAbs = refSteps.size() > testSteps.size() ? refSteps.size() - testSteps.size()
                                                      : testSteps.size() - refSteps.size();
  c.firstDivergenceStep = firstDivergenceStep(refSteps, testSteps);
  if (!c.firstDivergenceStep)
    return c;
  c.neuronsDiffering = 1;
  auto times = [dtMs](const std::vector<uint64_t> &steps) {
    std::vector<double> t;
    t.reserve(steps.size());
    for (uint64_t s : steps)
      t.push_back(double(s + 1) * dtMs); // the label time t_{k+1}
    return t;
  };
  std::vector<double> a = times(refSteps), b = times(testSteps);
  c.vpSum = c.vpMax = victorPurpuraDistance(a, b, options.vpQPerMs);
  c.vrSum = c.vrMax = vanRossumDistance(a, b, options.vrTauMs);
  return c;
}

namespace {

/// (neuron, step) of one population's events, sorted.
std::vector<std::pair<uint64_t, uint64_t>> eventsOf(const SpikeRecording &rec, uint32_t population) {
  std::vector<std::pair<uint64_t, uint64_t>> ev;
  for (const SpikeRecording::Event &e : rec.events)
    if (e.population == population)
      ev.emplace_back(e.index, e.step);
  std::sort(ev.begin(), ev.end());
  return ev;
}

std::optional<uint32_t> indexOf(const std::vector<std::string> &names, const std::string &name) {
  for (uint32_t i = 0; i < names.size(); ++i)
    if (names[i] == name)
      return i;
  return std::nullopt;
}

} // namespace

bool compareRecordings(const SpikeRecording &ref, const SpikeRecording &test,
                       const std::vector<PopulationSpec> &specs, const SpikeMetricOptions &options,
                       RecordingComparison &out, std::string &error) {
  out = RecordingComparison();
  if (ref.dtMs != test.dtMs) {
    error = "the runs have different time steps (" + std::to_string(ref.dtMs) + " ms and " +
            std::to_string(test.dtMs) + " ms)";
    return false;
  }
  for (const PopulationSpec &spec : specs) {
    auto ri = indexOf(ref.populations, spec.name), ti = indexOf(test.populations, spec.name);
    if (!ri || !ti) {
      error = "population '" + spec.name + "' is missing from the " + (ri ? "second" : "first") + " run";
      return false;
    }
    auto a = eventsOf(ref, *ri), b = eventsOf(test, *ti);
    if ((!a.empty() && a.back().first >= spec.size) || (!b.empty() && b.back().first >= spec.size)) {
      error = "a spike of population '" + spec.name + "' names a neuron beyond its size " +
              std::to_string(spec.size);
      return false;
    }
    SpikeComparison pop;
    size_t i = 0, j = 0;
    std::vector<uint64_t> ra, tb;
    while (i < a.size() || j < b.size()) {
      uint64_t neuron = std::min(i < a.size() ? a[i].first : UINT64_MAX, j < b.size() ? b[j].first : UINT64_MAX);
      ra.clear();
      tb.clear();
      for (; i < a.size() && a[i].first == neuron; ++i)
        ra.push_back(a[i].second);
      for (; j < b.size() && b[j].first == neuron; ++j)
        tb.push_back(b[j].second);
      SpikeComparison c = compareTrains(ra, tb, ref.dtMs, options);
      c.firstDivergencePopulation = spec.name;
      pop.merge(c, neuron);
    }
    pop.neurons = spec.size; // the silent neurons contribute zeros
    out.overall.merge(pop);
    out.populations.push_back(pop);
  }
  return true;
}

void TraceComparison::merge(const TraceComparison &o) {
  if (o.maxAbs > maxAbs || (std::isnan(o.maxAbs) && !std::isnan(maxAbs))) {
    maxAbs = o.maxAbs;
    maxStep = o.maxStep;
    maxIndex = o.maxIndex;
  }
  samples += o.samples;
  sumSquares += o.sumSquares;
  refMaxAbs = std::max(refMaxAbs, o.refMaxAbs);
  rms = samples ? std::sqrt(sumSquares / double(samples)) : 0.0;
  maxRelative = refMaxAbs > 0 ? maxAbs / refMaxAbs
                : maxAbs == 0 ? 0.0
                              : std::numeric_limits<double>::infinity();
}

namespace {

struct RowKey {
  uint64_t step;
  uint32_t population;
  uint64_t index;
  bool operator==(const RowKey &o) const {
    return step == o.step && population == o.population && index == o.index;
  }
};
struct RowKeyHash {
  size_t operator()(const RowKey &k) const {
    uint64_t h = k.step * 0x9E3779B97F4A7C15ull ^ (k.index + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull;
    return size_t(h ^ (uint64_t(k.population) << 48) ^ (h >> 31));
  }
};

/// |a - b| where NaN on one side only, or infinities of opposite signs, are
/// an infinite error and NaN on both sides is none.
double absError(double a, double b) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb)
    return na && nb ? 0.0 : std::numeric_limits<double>::infinity();
  if (a == b)
    return 0.0; // also equal infinities
  return std::fabs(a - b);
}

} // namespace

bool compareTraces(const TraceRecording &ref, const TraceRecording &test, std::vector<TraceComparison> &out,
                   std::string &error) {
  out.clear();
  if (ref.rows() != test.rows()) {
    error = "the runs sampled different numbers of trace rows (" + std::to_string(ref.rows()) + " and " +
            std::to_string(test.rows()) + ")";
    return false;
  }
  std::vector<size_t> column(ref.variables.size());
  for (size_t v = 0; v < ref.variables.size(); ++v) {
    auto c = indexOf(test.variables, ref.variables[v]);
    if (!c) {
      error = "variable '" + ref.variables[v] + "' is not traced in the second run";
      return false;
    }
    column[v] = *c;
  }
  // The test run's population index for each of the reference's.
  std::vector<std::optional<uint32_t>> popMap(ref.populations.size());
  for (size_t p = 0; p < ref.populations.size(); ++p)
    popMap[p] = indexOf(test.populations, ref.populations[p]);
  // Targets that sample in the same order (the network runtime's, and any
  // that follows it) match row for row; only otherwise is a hash index of
  // the test rows built (tens of millions of rows for a traced network).
  bool aligned = true;
  for (size_t r = 0; r < ref.rows() && aligned; ++r) {
    uint32_t p = ref.population[r];
    aligned = p < popMap.size() && popMap[p] && test.step[r] == ref.step[r] && test.population[r] == *popMap[p] &&
              test.index[r] == ref.index[r];
  }
  std::unordered_map<RowKey, size_t, RowKeyHash> rows;
  if (!aligned) {
    rows.reserve(test.rows());
    for (size_t r = 0; r < test.rows(); ++r)
      rows.emplace(RowKey{test.step[r], test.population[r], test.index[r]}, r);
  }

  // One comparison per (population, variable), in the reference's order.
  std::vector<TraceComparison> acc(ref.populations.size() * ref.variables.size());
  std::vector<bool> seen(ref.populations.size(), false);
  size_t nv = ref.variables.size(), tv = test.variables.size();
  for (size_t r = 0; r < ref.rows(); ++r) {
    uint32_t p = ref.population[r];
    size_t row = r;
    if (!aligned) {
      auto it = p < popMap.size() && popMap[p] ? rows.find(RowKey{ref.step[r], *popMap[p], ref.index[r]}) : rows.end();
      row = it == rows.end() ? SIZE_MAX : it->second;
    }
    if (row == SIZE_MAX) {
      std::string pop = p < ref.populations.size() ? ref.populations[p] : std::to_string(p);
      error = "the second run has no trace sample of " + pop + "[" + std::to_string(ref.index[r]) +
              "] at step " + std::to_string(ref.step[r]);
      return false;
    }
    seen[p] = true;
    for (size_t v = 0; v < nv; ++v) {
      double a = ref.values[r * nv + v], b = test.values[row * tv + column[v]];
      double e = absError(a, b);
      TraceComparison &t = acc[p * nv + v];
      ++t.samples;
      t.sumSquares += e * e;
      if (e > t.maxAbs || (t.samples == 1 && e == t.maxAbs)) {
        t.maxAbs = e;
        t.maxStep = ref.step[r];
        t.maxIndex = ref.index[r];
      }
      if (!std::isnan(a))
        t.refMaxAbs = std::max(t.refMaxAbs, std::fabs(a));
    }
  }
  for (size_t p = 0; p < ref.populations.size(); ++p) {
    if (!seen[p])
      continue;
    for (size_t v = 0; v < nv; ++v) {
      TraceComparison t = acc[p * nv + v];
      t.population = ref.populations[p];
      t.variable = ref.variables[v];
      TraceComparison finished;
      finished.population = t.population;
      finished.variable = t.variable;
      finished.maxStep = t.maxStep;
      finished.maxIndex = t.maxIndex;
      finished.merge(t);
      out.push_back(finished);
    }
  }
  return true;
}

} // namespace nsc::runtime
