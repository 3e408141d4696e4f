//===- Schedule.h - Times to steps for delays and sources -------*- C++ -*-===//
//
// The step arithmetic of docs/semantics.md that the interpreter and the
// backends share: R3 (a time becomes round(x/dt) steps, ties away from
// zero), R13 (delays, at least one step), R20 (when a poisson_generator is
// active) and R21 (spike_generator times become emission steps with a
// multiplicity).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nsc::runtime {

/// R3: n = round(ms / dtMs), ties away from zero. Empty when the quotient
/// is not finite or does not fit in int64.
std::optional<int64_t> timeToSteps(double ms, double dtMs);

/// R3's warning test: true when ms is not within 1e-9 (relative) of a
/// multiple of dtMs.
bool isOffGrid(double ms, double dtMs);

/// R13 for a delay drawn per synapse: round(ms/dt) clamped to at least one
/// step. Not-a-number and negative draws give one step; draws beyond int64
/// give INT64_MAX steps (the spike never arrives within a run).
int64_t drawnDelaySteps(double ms, double dtMs);

/// R20: a poisson_generator neuron is active in step k when
/// start <= t_k and t_{k+1} <= stop, with start and stop in steps
/// (stopStep = INT64_MAX for no stop).
inline bool poissonActive(uint64_t step, int64_t startStep, int64_t stopStep) {
  int64_t k = int64_t(step);
  return startStep <= k && (stopStep == INT64_MAX || k < stopStep);
}

/// R21: the spikes of one spike_generator neuron, as (emission step,
/// multiplicity) in increasing step order: a time t is stamped t_m,
/// m = round(t/dt), emitted in step m - 1; equal steps merge.
struct SpikeSchedule {
  std::vector<uint64_t> emitStep;
  std::vector<uint32_t> multiplicity;
};

/// Builds R21's schedule from times in ms (any order). On m < 1 or a
/// non-finite time, returns false and sets error ("spike time 0.02 ms is
/// before the end of the first step (dt = 0.1 ms)").
bool buildSpikeSchedule(const std::vector<double> &timesMs, double dtMs, SpikeSchedule &out,
                        std::string &error);

} // namespace nsc::runtime
