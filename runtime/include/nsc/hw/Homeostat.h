//===- Homeostat.h - The integer homeostatic threshold rule -----*- C++ -*-===//
//
// The homeostatic threshold controller of docs/verilog.md §2, exactly as the
// network runtime (every target) and the generated Verilog compute it. It is
// header-only and depends on nothing but the C++ standard library, so the
// generated Verilator harness includes it unchanged (the Verilog backend
// copies this file next to the harness).
//
// The threshold θ is Q8.8 (256 = 1.0), held per neuron in a Q8.24
// accumulator `acc` (θ = acc >> 16, floor). Every neuron counts its spikes
// over a window of W steps; at the end of the window
//
//     Δ   = count·K − B                  (Q8.24 units)
//     acc = clip(acc + Δ,                 min·2^16, max·2^16)   accumulator mode
//     acc = clip(acc + ⌊Δ / 2^16⌋·2^16,   min·2^16, max·2^16)   plain mode
//
// with the compiler's constants K = round(2^24 · 1 s / τ) and
// B = round(r*·W·dt · 2^24 · 1 s / τ), so a rate error of 1 Hz held for τ
// moves θ by 1.0 (256 units of Q8.8). The plain mode is the textbook
// Δθ = ⌊α·(r − r*)·256⌋ (α = W·dt/τ): it drops the fraction every window.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

namespace nsc::hw {

enum class HomeostatMode { Accumulator, Plain };

/// The integer constants of one controller (what the Verilog gets as
/// localparams). Thresholds are Q8.8, acc/K/B are Q8.24.
struct HomeostatConfig {
  int64_t thetaMin = 64, thetaMax = 512;
  uint32_t window = 100; // W, steps per window
  int64_t gain = 0;      // K: Q8.24 units added per spike of a window
  int64_t bias = 0;      // B: Q8.24 units subtracted per window (the target)
  HomeostatMode mode = HomeostatMode::Accumulator;
};

/// floor(x / 2^s) for any sign. `>>` of a negative value is only defined
/// as arithmetic from C++20 on; this spells it out. Built with
/// NSC_HW_WRONG_ROUNDING (the harness's self-test), it rounds to nearest
/// instead, which the harness must catch.
inline int64_t floorShift(int64_t x, unsigned s) {
#ifdef NSC_HW_WRONG_ROUNDING
  x += int64_t(1) << (s - 1);
#endif
  int64_t q = x / (int64_t(1) << s);
  if (q * (int64_t(1) << s) != x && x < 0)
    --q;
  return q;
}

/// θ (Q8.8) of an accumulator (Q8.24): floor.
inline int64_t thetaOf(int64_t acc) { return floorShift(acc, 16); }

/// Computes K and B. False with `error` set when the configuration cannot
/// be represented (K rounds to 0, values beyond 2^40).
inline bool computeHomeostatConstants(double targetHz, double tauS, double dtMs, uint32_t window,
                                      HomeostatConfig &c, std::string &error) {
  if (!(tauS > 0) || !(dtMs > 0) || window == 0 || !(targetHz >= 0)) {
    error = "tau, dt and the window must be positive and the target rate non-negative";
    return false;
  }
  const double scale = 16777216.0 / tauS; // 2^24 · (1 s / τ)
  const double windowS = double(window) * dtMs * 1e-3;
  double k = std::nearbyint(scale), b = std::nearbyint(targetHz * windowS * scale);
  if (k < 1) {
    error = "tau is too long for a Q8.24 accumulator: one spike moves it by less than one unit "
            "(tau must be at most 2^25 s)";
    return false;
  }
  if (k > 1099511627776.0 || b > 1099511627776.0 || double(window) * k > 1099511627776.0) {
    error = "the controller's constants exceed 2^40 (tau too short or window too long)";
    return false;
  }
  c.window = window;
  c.gain = int64_t(k);
  c.bias = int64_t(b);
  return true;
}

/// One neuron's controller state.
struct HomeostatNeuron {
  int64_t acc = 0;    // Q8.24
  uint32_t count = 0; // spikes in the current window
};

inline HomeostatNeuron homeostatInit(const HomeostatConfig &c, int64_t theta) {
  if (theta < c.thetaMin)
    theta = c.thetaMin;
  if (theta > c.thetaMax)
    theta = c.thetaMax;
  return {theta * 65536, 0};
}

/// One step of one neuron: count its spike; at the window's last step apply
/// the rule. Returns the Q8.8 threshold in effect from the next step on.
inline int64_t homeostatStep(const HomeostatConfig &c, HomeostatNeuron &s, bool spiked, bool windowEnd) {
  uint32_t count = s.count + (spiked ? 1u : 0u);
  if (windowEnd) {
    int64_t delta = int64_t(count) * c.gain - c.bias;
    int64_t acc = c.mode == HomeostatMode::Accumulator ? s.acc + delta : s.acc + floorShift(delta, 16) * 65536;
    int64_t lo = c.thetaMin * 65536, hi = c.thetaMax * 65536;
    s.acc = acc < lo ? lo : acc > hi ? hi : acc;
    count = 0;
  }
  s.count = count;
  return thetaOf(s.acc);
}

} // namespace nsc::hw
