// coba.cpp - hand-written COBA (examples/coba.nrn): nsc's exponential-Euler
// step (`solver = exp_euler`: x += f(x)·expm1(a·h)/a, a = ∂f/∂x) written
// out by hand in the same order of float64 operations, with glibc's
// expm1 where nsc calls it (once per neuron and step for V_m; the factors of
// g_e and g_i are constants, computed once here as nsc would compute them).
#include "Simulation.h"

#include <cmath>

using namespace ref;

namespace {
// The cell slots of coba_neuron (declaration order, ir::layoutOf); the
// bench script checks them against `nsc --emit=cuda` before it runs this.
enum Slot : unsigned {
  Cm = 0, GL = 1, EL = 2, Ee = 3, Ei = 4, TauE = 5, TauI = 6, VTh = 7, VR = 8, Ib = 10,
  VM = 11, GE = 12, GI = 13, Refr = 14, RefrSteps = 15,
};

struct Pop {
  uint64_t n = 0;
  std::vector<double> v, ge, gi;
  std::vector<int64_t> refr;
  double cm, gL, eL, eE, eI, tauE, tauI, vth, vr, ib, fe, fi;
  int64_t refrSteps;
};

/// expm1(a·h)/a as nsc's exp_euler writes it (h when a = 0).
double eulerFactor(double a, double h) { return a == 0.0 ? h : std::expm1(a * h) / a; }
/// One step of every neuron (nsc's operations in nsc's order); pointer
/// parameters are __restrict so that g++ needs no alias checks.
void update(Pop &q, double h, double *__restrict se, double *__restrict si, uint32_t *__restrict ce,
            uint32_t *__restrict ci, int64_t *__restrict out) {
  const uint64_t n = q.n;
  double *__restrict v = q.v.data(), *__restrict ge = q.ge.data(), *__restrict gi = q.gi.data();
  int64_t *__restrict refr = q.refr.data();
  const double cm = q.cm, gL = q.gL, eL = q.eL, eE = q.eE, eI = q.eI, ib = q.ib;
  const double tauE = q.tauE, tauI = q.tauI, fe = q.fe, fi = q.fi, vth = q.vth, vr = q.vr;
  const int64_t refrSteps = q.refrSteps;
  for (uint64_t i = 0; i < n; ++i) {
    double vi = v[i], e = ge[i], in = gi[i];
    int64_t r = refr[i];
    if (r <= 0) {
      double f = (gL * (eL - vi) + (e * (eE - vi) + in * (eI - vi)) + ib) / cm;
      double a = (gL * -1.0 + (e * -1.0 + in * -1.0)) / cm;
      vi = vi + f * eulerFactor(a, h);
    } else {
      r -= 1;
    }
    e = e + (-e / tauE) * fe;
    in = in + (-in / tauI) * fi;
    e = ce[i] > 0 ? e + se[i] : e;
    in = ci[i] > 0 ? in + si[i] : in;
    bool fire = r == 0 && vi > vth;
    v[i] = fire ? vr : vi;
    refr[i] = fire ? refrSteps : r;
    ge[i] = e;
    gi[i] = in;
    out[i] = fire;
    se[i] = 0.0, si[i] = 0.0;
    ce[i] = 0, ci[i] = 0;
  }
}
} // namespace

int main(int argc, char **argv) {
  Options opt = parseArgs(argc, argv);
  Network net = readImage(opt.image);
  const double h = net.dt;
  std::vector<Pop> pops;
  for (const Population &p : net.populations) {
    if (p.rowSize < 16 || p.ports != 2)
      die(p.name + ": not a coba_neuron population");
    Pop q;
    q.n = p.n;
    for (uint64_t i = 0; i < p.n; ++i) {
      q.v.push_back(p.real(VM, i));
      q.ge.push_back(p.real(GE, i));
      q.gi.push_back(p.real(GI, i));
      q.refr.push_back(p.integer(Refr, i));
    }
    q.cm = uniformReal(p, Cm, "C_m");
    q.gL = uniformReal(p, GL, "g_L");
    q.eL = uniformReal(p, EL, "E_L");
    q.eE = uniformReal(p, Ee, "E_e");
    q.eI = uniformReal(p, Ei, "E_i");
    q.tauE = uniformReal(p, TauE, "tau_e");
    q.tauI = uniformReal(p, TauI, "tau_i");
    q.vth = uniformReal(p, VTh, "V_th");
    q.vr = uniformReal(p, VR, "V_r");
    q.ib = uniformReal(p, Ib, "I_b");
    q.fe = eulerFactor(-1.0 / q.tauE, h);
    q.fi = eulerFactor(-1.0 / q.tauI, h);
    q.refrSteps = p.integer(RefrSteps, 0);
    pops.push_back(std::move(q));
  }
  std::vector<int64_t> spiked; // int64 flags: one lane width with the doubles
  return run(net, opt, [&](size_t p, uint64_t k, Ring &ring, std::vector<uint32_t> &fired) {
    Pop &q = pops[p];
    spiked.resize(q.n);
    update(q, h, ring.sum.data() + ring.at(k, 0), ring.sum.data() + ring.at(k, 1), ring.count.data() + ring.at(k, 0),
           ring.count.data() + ring.at(k, 1), spiked.data());
    appendFired(spiked, fired);
  }, "coba");
}
