"""Writes gap_pair_brian2.csv, the Brian2 reference of test_coupling.py's
gap-junction pair (docs/semantics.md R18b). Run once with Debian's Brian2
(apt-get install python3-brian; 2.5.1 made the checked-in file):

    /usr/bin/python3 test/python/data/make_gap_pair_brian2.py

Two LIF cells (C = 250 pF, tau = 10 ms, E_L = V_reset = -70 mV,
V_th = -55 mV), cell 0 driven by 500 pA, coupled by one 5 nS gap junction
as a Brian2 summed variable (updated before the state update: the scheme
of R18b), exact integration, dt = 0.1 ms, 200 ms. Rows: time at the end of
each step (ms), V of cell 0 and cell 1 (mV) after that step."""

import pathlib

from brian2 import (NeuronGroup, Synapses, StateMonitor, Network, defaultclock, prefs,
                    ms, mV, pA, pF, nS)

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms

C_m, tau_m, E_L, V_th, V_reset = 250 * pF, 10 * ms, -70 * mV, -55 * mV, -70 * mV
cells = NeuronGroup(2, """dv/dt = -(v - E_L)/tau_m + (I_e + I_gap)/C_m : volt
                          I_e : amp
                          I_gap : amp""",
                    threshold="v >= V_th", reset="v = V_reset", method="exact")
cells.v = E_L
cells.I_e = [500, 0] * pA
gap = Synapses(cells, cells, """w : siemens
                                I_gap_post = w * (v_pre - v_post) : amp (summed)""")
gap.connect(i=[0, 1], j=[1, 0])  # one junction: current both ways
gap.w = 5 * nS
mon = StateMonitor(cells, "v", record=True, when="end")
net = Network(cells, gap, mon)
net.run(200 * ms)

out = pathlib.Path(__file__).with_name("gap_pair_brian2.csv")
with open(out, "w") as f:
    f.write("t_ms,v0_mV,v1_mV\n")
    for k in range(len(mon.t)):
        f.write(f"{(k + 1) * 0.1:.1f},{mon.v[0][k] / mV:.17g},{mon.v[1][k] / mV:.17g}\n")
print(f"wrote {out} ({len(mon.t)} rows)")
