//===- hh_reference.cpp - Hodgkin-Huxley f-I reference, independent of nsc ===//
//
// The equations of examples/hh_psc_alpha.nrn (the classic Hodgkin & Huxley
// squid axon in the modern sign convention, C_m = 100 pF, NEST's
// hh_psc_alpha parameters), written here from the formulas in that file's
// header, integrated with the classic fourth-order Runge-Kutta method at a
// fixed step (default 1 us), driven by a constant current and no synaptic
// input (the synaptic currents stay 0).
//
// Spikes follow the model's rule at the reference's own step: a spike in the
// first step whose end state has V_m > 0 mV and V_m below its value at the
// start of the step (the peak of the action potential has passed), not
// within t_ref = 2 ms of the previous spike; it is stamped at the end of
// that step (docs/semantics.md R12). At 1 us this locates the peak to 1 us.
//
//   hh_reference [--dt-ms H] [--duration-ms T] CURRENT_PA...
//
// prints one line per current: "I_pA n t_1 t_2 ... t_n" (spike times in ms,
// 6 decimals). Used by test/solvers/check_hh_fi.py and bench/hh_fi.py.
//
//===----------------------------------------------------------------------===//
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

// Parameters (examples/hh_psc_alpha.nrn): pF, nS, mV, ms; currents in pA,
// so dV/dt = I / C_m is in mV/ms.
constexpr double kCm = 100.0, kGNa = 12000.0, kGK = 3600.0, kGL = 30.0;
constexpr double kENa = 50.0, kEK = -77.0, kEL = -54.402;
constexpr double kTRef = 2.0, kVInit = -65.0;

/// x / (1 - exp(-x)), 1 at x = 0 (the rate functions' removable singularity).
double ratio(double x) { return std::fabs(x) < 1e-6 ? 1.0 + x / 2.0 : x / -std::expm1(-x); }

// Rate functions, 1/ms, V in mV.
double alphaN(double v) { return 0.1 * ratio((v + 55.0) / 10.0); }
double betaN(double v) { return 0.125 * std::exp(-(v + 65.0) / 80.0); }
double alphaM(double v) { return 1.0 * ratio((v + 40.0) / 10.0); }
double betaM(double v) { return 4.0 * std::exp(-(v + 65.0) / 18.0); }
double alphaH(double v) { return 0.07 * std::exp(-(v + 65.0) / 20.0); }
double betaH(double v) { return 1.0 / (1.0 + std::exp(-(v + 35.0) / 10.0)); }

struct State {
  double v, m, h, n;
};

State derivative(const State &s, double iPa) {
  double iNa = kGNa * s.m * s.m * s.m * s.h * (s.v - kENa);
  double iK = kGK * s.n * s.n * s.n * s.n * (s.v - kEK);
  double iL = kGL * (s.v - kEL);
  return {(-iNa - iK - iL + iPa) / kCm,
          alphaM(s.v) * (1.0 - s.m) - betaM(s.v) * s.m,
          alphaH(s.v) * (1.0 - s.h) - betaH(s.v) * s.h,
          alphaN(s.v) * (1.0 - s.n) - betaN(s.v) * s.n};
}

State axpy(const State &x, double a, const State &k) {
  return {x.v + a * k.v, x.m + a * k.m, x.h + a * k.h, x.n + a * k.n};
}

State rk4(const State &s, double h, double iPa) {
  State k1 = derivative(s, iPa);
  State k2 = derivative(axpy(s, h / 2, k1), iPa);
  State k3 = derivative(axpy(s, h / 2, k2), iPa);
  State k4 = derivative(axpy(s, h, k3), iPa);
  return {s.v + h / 6 * (k1.v + 2 * k2.v + 2 * k3.v + k4.v),
          s.m + h / 6 * (k1.m + 2 * k2.m + 2 * k3.m + k4.m),
          s.h + h / 6 * (k1.h + 2 * k2.h + 2 * k3.h + k4.h),
          s.n + h / 6 * (k1.n + 2 * k2.n + 2 * k3.n + k4.n)};
}

std::vector<double> spikeTimes(double iPa, double h, double durationMs) {
  auto steady = [](double a, double b) { return a / (a + b); };
  State s{kVInit, steady(alphaM(kVInit), betaM(kVInit)), steady(alphaH(kVInit), betaH(kVInit)),
          steady(alphaN(kVInit), betaN(kVInit))};
  const long steps = std::lround(durationMs / h);
  const long refrSteps = std::lround(kTRef / h);
  long refr = 0;
  std::vector<double> out;
  for (long k = 0; k < steps; ++k) {
    double vPrev = s.v;
    s = rk4(s, h, iPa);
    if (refr > 0)
      --refr;
    if (refr == 0 && s.v > 0.0 && s.v < vPrev) {
      refr = refrSteps;
      out.push_back(double(k + 1) * h);
    }
  }
  return out;
}

} // namespace

int main(int argc, char **argv) {
  double h = 0.001, duration = 1000.0;
  std::vector<double> currents;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--dt-ms") && i + 1 < argc)
      h = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--duration-ms") && i + 1 < argc)
      duration = std::atof(argv[++i]);
    else
      currents.push_back(std::atof(argv[i]));
  }
  if (currents.empty() || !(h > 0) || !(duration > 0)) {
    std::fprintf(stderr, "usage: hh_reference [--dt-ms H] [--duration-ms T] CURRENT_PA...\n");
    return 2;
  }
  for (double i : currents) {
    std::vector<double> t = spikeTimes(i, h, duration);
    std::printf("%g %zu", i, t.size());
    for (double x : t)
      std::printf(" %.6f", x);
    std::printf("\n");
  }
  return 0;
}
