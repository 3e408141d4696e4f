// cuba.cpp - hand-written CUBA (examples/cuba.nrn): the exact-integration
// step of nsc's `solver = exact`, written out by hand with nsc's
// propagators (read from the network image, so the constants are the same
// bits) in the same order of float64 operations. No transcendental call.
#include "Simulation.h"

using namespace ref;

namespace {
// The cell slots of cuba_neuron (declaration order, ir::layoutOf); the
// bench script checks them against `nsc --emit=cuda` before it runs this.
enum Slot : unsigned {
  TauM = 0, EL = 3, VTh = 4, VR = 5, VM = 7, GE = 8, GI = 9, Refr = 10, RefrSteps = 11,
  PgeRefr = 12, PgiRefr = 13, PVV = 17, MVV = 18, PVe = 19, PVi = 20, Pge = 21, Pgi = 22,
};

struct Pop {
  uint64_t n = 0;
  std::vector<double> v, ge, gi;
  std::vector<int64_t> refr;
  double vth, vr, b, pVV, mVV, pVe, pVi, pge, pgi, pgeRefr, pgiRefr;
  int64_t refrSteps;
};
/// One step of every neuron. Branch-free: both outcomes are computed and
/// one selected; the sums are nsc's operations in nsc's order. Pointer
/// parameters are __restrict so that g++ vectorises without alias checks.
void update(Pop &q, double *__restrict se, double *__restrict si, uint32_t *__restrict ce, uint32_t *__restrict ci,
            int64_t *__restrict out) {
  const uint64_t n = q.n;
  double *__restrict v = q.v.data(), *__restrict ge = q.ge.data(), *__restrict gi = q.gi.data();
  int64_t *__restrict refr = q.refr.data();
  const double pVV = q.pVV, pVe = q.pVe, pVi = q.pVi, drive = q.mVV * q.b, pge = q.pge, pgi = q.pgi;
  const double vth = q.vth, vr = q.vr;
  const int64_t refrSteps = q.refrSteps;
  for (uint64_t i = 0; i < n; ++i) {
    double vi = v[i], e = ge[i], in = gi[i];
    int64_t r = refr[i];
    double vNext = pVV * vi + pVe * e + pVi * in + drive;
    bool active = r <= 0;
    vi = active ? vNext : vi;
    r = active ? r : r - 1;
    e = pge * e;
    in = pgi * in;
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
  std::vector<Pop> pops;
  for (const Population &p : net.populations) {
    if (p.rowSize < 23 || p.ports != 2)
      die(p.name + ": not a cuba_neuron population");
    Pop q;
    q.n = p.n;
    for (uint64_t i = 0; i < p.n; ++i) {
      q.v.push_back(p.real(VM, i));
      q.ge.push_back(p.real(GE, i));
      q.gi.push_back(p.real(GI, i));
      q.refr.push_back(p.integer(Refr, i));
    }
    q.vth = uniformReal(p, VTh, "V_th");
    q.vr = uniformReal(p, VR, "V_r");
    // b = -(-E_L)/tau_m, the constant part of V_m' (nsc evaluates it each step).
    q.b = uniformReal(p, EL, "E_L") / uniformReal(p, TauM, "tau_m");
    q.pVV = uniformReal(p, PVV, "P[V,V]");
    q.mVV = uniformReal(p, MVV, "M[V,V]");
    q.pVe = uniformReal(p, PVe, "P[V,ge]");
    q.pVi = uniformReal(p, PVi, "P[V,gi]");
    q.pge = uniformReal(p, Pge, "P[ge,ge]");
    q.pgi = uniformReal(p, Pgi, "P[gi,gi]");
    q.pgeRefr = uniformReal(p, PgeRefr, "P[ge,ge] (refractory)");
    q.pgiRefr = uniformReal(p, PgiRefr, "P[gi,gi] (refractory)");
    q.refrSteps = p.integer(RefrSteps, 0);
    pops.push_back(std::move(q));
  }
  for (const Pop &q : pops)
    if (std::memcmp(&q.pge, &q.pgeRefr, 8) || std::memcmp(&q.pgi, &q.pgiRefr, 8))
      die("the refractory and the active propagators of g differ; this reference assumes they are equal");
  std::vector<int64_t> spiked; // int64 flags: one lane width with the doubles, so the loop vectorises
  return run(net, opt, [&](size_t p, uint64_t k, Ring &ring, std::vector<uint32_t> &fired) {
    Pop &q = pops[p];
    spiked.resize(q.n);
    update(q, ring.sum.data() + ring.at(k, 0), ring.sum.data() + ring.at(k, 1), ring.count.data() + ring.at(k, 0),
           ring.count.data() + ring.at(k, 1), spiked.data());
    appendFired(spiked, fired);
  }, "cuba");
}
