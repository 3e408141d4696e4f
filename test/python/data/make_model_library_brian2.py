"""Writes model_library_brian2.json, the Brian2 reference of
test_model_library.py (the model library, models/). Run once with Debian's
Brian2 (apt-get install python3-brian; 2.5.1 made the checked-in file):

    /usr/bin/python3 test/python/data/make_model_library_brian2.py

Each model is written here from its paper (not from nsc's file), integrated
with RK4 at dt = 0.01 ms (ten times finer than the nsc runs it is compared
with), driven by a constant current from t = 0:

* the six Izhikevich (2003) classes, I = 10 (pA at R_in = 1 GOhm), 500 ms;
* hh_cond_exp_traub (Traub-Miles, NEST's defaults), I_e = 200 and 500 pA, 500 ms;
* aeif_cond_alpha (Brette & Gerstner 2005, NEST's defaults), I_e = 800 pA (rheobase is about 620 pA), 1 s.

For each: the spike times (ms)."""

import json
import pathlib

from brian2 import (NeuronGroup, SpikeMonitor, Network, defaultclock, prefs, ms, mV, pA, pF, nS, volt)

prefs.codegen.target = "numpy"
defaultclock.dt = 0.01 * ms
out = {}


def run(group, duration):
    mon = SpikeMonitor(group)
    Network(group, mon).run(duration)
    trains = mon.spike_trains()
    return [[round(float(t / ms), 4) for t in trains[i]] for i in range(len(group))]


IZH = {"rs": (0.02, 0.2, -65, 8), "ib": (0.02, 0.2, -55, 4), "ch": (0.02, 0.2, -50, 2),
       "fs": (0.1, 0.2, -65, 2), "lts": (0.02, 0.25, -65, 2), "tc": (0.02, 0.25, -65, 0.05)}
for name, (a_, b_, c_, d_) in IZH.items():
    g = NeuronGroup(1, """dv/dt = (0.04 * v**2 / mV + 5 * v + 140 * mV - u + 10 * mV) / ms : volt
                          du/dt = a_ / ms * (b_ * v - u) : volt""",
                    threshold="v >= 30 * mV", reset="v = c_ * mV; u += d_ * mV", method="rk4",
                    namespace={"a_": a_, "b_": b_, "c_": c_, "d_": d_})
    g.v = -65 * mV
    g.u = b_ * -65 * mV
    out["izhikevich_" + name] = run(g, 500 * ms)[0]

traub = NeuronGroup(2, """
    dv/dt = (-g_Na * m**3 * h * (v - E_Na) - g_K * n**4 * (v - E_K) - g_L * (v - E_L) + I_e) / C_m : volt
    dm/dt = alpha_m * (1 - m) - beta_m * m : 1
    dh/dt = alpha_h * (1 - h) - beta_h * h : 1
    dn/dt = alpha_n * (1 - n) - beta_n * n : 1
    alpha_m = 0.32 * (13 * mV - v + V_T) / mV / (exp((13 * mV - v + V_T) / (4 * mV)) - 1) / ms : Hz
    beta_m = 0.28 * (v - V_T - 40 * mV) / mV / (exp((v - V_T - 40 * mV) / (5 * mV)) - 1) / ms : Hz
    alpha_h = 0.128 * exp((17 * mV - v + V_T) / (18 * mV)) / ms : Hz
    beta_h = 4 / (1 + exp((40 * mV - v + V_T) / (5 * mV))) / ms : Hz
    alpha_n = 0.032 * (15 * mV - v + V_T) / mV / (exp((15 * mV - v + V_T) / (5 * mV)) - 1) / ms : Hz
    beta_n = 0.5 * exp((10 * mV - v + V_T) / (40 * mV)) / ms : Hz
    I_e : amp""", threshold="v > V_T + 30 * mV", refractory="v > V_T + 30 * mV", method="rk4",
    namespace=dict(g_Na=20000 * nS, g_K=6000 * nS, g_L=10 * nS, E_Na=50 * mV, E_K=-90 * mV,
                   E_L=-60 * mV, V_T=-63 * mV, C_m=200 * pF))
traub.v = -60 * mV
# gates at their steady state at -60 mV (u = V - V_T = 3 mV), as the nsc model starts
import math
u = 3.0
am = 0.32 * (13 - u) / (math.exp((13 - u) / 4) - 1); bm = 0.28 * (u - 40) / (math.exp((u - 40) / 5) - 1)
ah = 0.128 * math.exp((17 - u) / 18); bh = 4 / (1 + math.exp((40 - u) / 5))
an = 0.032 * (15 - u) / (math.exp((15 - u) / 5) - 1); bn = 0.5 * math.exp((10 - u) / 40)
traub.m, traub.h, traub.n = am / (am + bm), ah / (ah + bh), an / (an + bn)
traub.I_e = [200, 500] * pA
t200, t500 = run(traub, 500 * ms)
out["hh_cond_exp_traub_200pA"], out["hh_cond_exp_traub_500pA"] = t200, t500

adex = NeuronGroup(1, """
    dv/dt = (-g_L * (vb - E_L) + g_L * Delta_T * exp((vb - V_th) / Delta_T) - w + I_e) / C_m : volt
    dw/dt = (a * (vb - E_L) - w) / tau_w : amp
    vb = clip(v, -1 * volt, V_peak) : volt""",
    threshold="v >= V_peak", reset="v = V_reset; w += b", method="rk4",
    namespace=dict(C_m=281 * pF, g_L=30 * nS, E_L=-70.6 * mV, V_th=-50.4 * mV, Delta_T=2 * mV,
                   V_peak=0 * mV, V_reset=-60 * mV, a=4 * nS, b=80.5 * pA, tau_w=144 * ms, I_e=800 * pA))
adex.v = -70.6 * mV
out["aeif_cond_alpha_800pA"] = run(adex, 1000 * ms)[0]

path = pathlib.Path(__file__).with_name("model_library_brian2.json")
path.write_text(json.dumps(out, indent=1) + "\n")
print({k: len(v) for k, v in out.items()})
