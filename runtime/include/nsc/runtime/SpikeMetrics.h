//===- SpikeMetrics.h - Distances between spike trains and traces -*- C++ -*-===//
//
// How far one run of a network is from another (`nsc verify`, backend
// against backend): per neuron, then per population and overall.
//
//   * spike-count difference: n_test - n_ref, its absolute value summed over
//     neurons, and relative to the reference count;
//   * Victor–Purpura distance D_VP[q] (Victor & Purpura 1996): the cheapest
//     way to turn one train into the other when inserting or deleting a
//     spike costs 1 and moving one by Δt costs q·|Δt|. q is in 1/ms; the
//     default 1/ms makes a shift of one 0.1 ms step cost 0.1, and spikes
//     more than 2/q = 2 ms apart count as different spikes. O(n·m) dynamic
//     programming over the two trains.
//   * van Rossum distance D_R[tau] (van Rossum 2001): each train is
//     convolved with the causal kernel exp(-t/tau) (height 1), and
//         D_R^2 = (1/tau) ∫ (f(t) - g(t))^2 dt,
//     so one extra spike is sqrt(1/2) and identical trains are 0. Computed
//     exactly from the closed form
//         D_R^2 = 1/2 [Σ_ij e^{-|a_i-a_j|/tau} + Σ_ij e^{-|b_i-b_j|/tau}
//                      - 2 Σ_ij e^{-|a_i-b_j|/tau}]
//     in O(n + m) with running sums over the sorted trains (no sampling,
//     no truncation of the kernel). Default tau = 10 ms.
//   * first divergence: the first step at which the two trains differ (the
//     earlier of the two spikes where the sorted step lists first differ,
//     or the first extra spike).
//   * traces: maximum and root-mean-square absolute error over matching
//     samples, and the maximum error relative to the reference's largest
//     magnitude.
//
// Spike trains are the emission steps of one neuron, sorted; their times
// are the label times t_{k+1} = (k+1)·dt of Recording.h. The library
// depends on nothing of the compiler.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Recording.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nsc::runtime {

/// Victor–Purpura distance of two sorted spike-time lists (ms), cost q
/// (1/ms) per ms of shift. q = 0 gives |n - m|; q = inf gives n + m minus
/// twice the number of coincident spikes.
double victorPurpuraDistance(const std::vector<double> &a, const std::vector<double> &b, double qPerMs);

/// van Rossum distance of two sorted spike-time lists (ms) with time
/// constant tauMs > 0, normalised as above (one lone spike: sqrt(1/2)).
double vanRossumDistance(const std::vector<double> &a, const std::vector<double> &b, double tauMs);

/// The first step where the sorted step lists differ; empty when equal.
std::optional<uint64_t> firstDivergenceStep(const std::vector<uint64_t> &ref, const std::vector<uint64_t> &test);

struct SpikeMetricOptions {
  double vpQPerMs = 1.0;  // Victor–Purpura cost of shifting by 1 ms
  double vrTauMs = 10.0;  // van Rossum kernel time constant
};

/// One neuron, or one population or the whole network aggregated over its
/// neurons (a neuron that never fires in either run contributes zeros).
struct SpikeComparison {
  uint64_t neurons = 0;
  uint64_t refSpikes = 0, testSpikes = 0;
  /// Σ over neurons of |n_test - n_ref|: how many spikes are missing or extra.
  uint64_t countDiffAbs = 0;
  /// neurons whose trains differ at all.
  uint64_t neuronsDiffering = 0;
  double vpSum = 0, vpMax = 0, vrSum = 0, vrMax = 0;
  /// Earliest first divergence over the neurons, and which neuron.
  std::optional<uint64_t> firstDivergenceStep;
  uint64_t firstDivergenceNeuron = 0;
  std::string firstDivergencePopulation;

  /// n_test - n_ref of the totals.
  int64_t countDiff() const { return int64_t(testSpikes) - int64_t(refSpikes); }
  /// countDiffAbs relative to the reference's spikes (0 when both are 0;
  /// infinite when only the test run fires).
  double countDiffRelative() const;
  double vpMean() const { return neurons ? vpSum / double(neurons) : 0.0; }
  double vrMean() const { return neurons ? vrSum / double(neurons) : 0.0; }
  /// Folds another neuron or group into this one.
  void merge(const SpikeComparison &o, uint64_t neuronOffset = 0);
};

/// Compares one neuron's trains (sorted steps of the same dt).
SpikeComparison compareTrains(const std::vector<uint64_t> &refSteps, const std::vector<uint64_t> &testSteps,
                              double dtMs, const SpikeMetricOptions &options);

/// A population both recordings should have, by name, and its size.
struct PopulationSpec {
  std::string name;
  uint64_t size = 0;
};

struct RecordingComparison {
  std::vector<SpikeComparison> populations; // as in the specs
  SpikeComparison overall;                  // every population of the specs
};

/// Compares the spikes of every population in `specs`, matched by name
/// (declaration indices may differ between the recordings). False with
/// `error` set when the recordings' dt differ, a population is missing,
/// or a spike names a neuron beyond its population's size.
bool compareRecordings(const SpikeRecording &ref, const SpikeRecording &test,
                       const std::vector<PopulationSpec> &specs, const SpikeMetricOptions &options,
                       RecordingComparison &out, std::string &error);

/// Absolute (and relative) error between two sampled traces of one variable.
struct TraceComparison {
  std::string population, variable;
  uint64_t samples = 0;
  double maxAbs = 0, rms = 0;
  /// maxAbs / max |ref| over the samples (0 when the reference is all 0
  /// and so is the error, infinite when only the error is non-zero).
  double maxRelative = 0;
  double refMaxAbs = 0;
  /// Where maxAbs occurs.
  uint64_t maxStep = 0, maxIndex = 0;
  double sumSquares = 0; // for merging
  void merge(const TraceComparison &o);
};

/// Compares the traces of every (population, variable) that `ref` holds,
/// matching rows by (step, population name, neuron index). A NaN on one
/// side only counts as an infinite error. False with `error` set when the
/// row sets differ (a sample missing on one side) or `test` lacks a
/// variable of `ref`.
bool compareTraces(const TraceRecording &ref, const TraceRecording &test, std::vector<TraceComparison> &out,
                   std::string &error);

} // namespace nsc::runtime
