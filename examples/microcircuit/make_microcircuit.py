#!/usr/bin/python3
"""Writes the Potjans & Diesmann (2014) cortical microcircuit as a .nrn file.

    make_microcircuit.py [--scale S] [--drive poisson|dc] [--import FILE] [-o FILE]

The model of one cortical column under 1 mm^2 of surface: 77,169
current-based LIF neurons (iaf_psc_exp) in 8 populations (excitatory and
inhibitory cells of layers 2/3, 4, 5 and 6), connected by the layer- and
type-specific probabilities of the paper's Table 5, driven by Poisson
background input (or the equivalent DC current).

`--scale S` multiplies every population size by S and keeps the in-degrees
of full scale (each neuron gets as many synapses from each population as
at full scale; at small S they come from fewer neurons, with multapses), so
the mean input, and to first order the rates, stay those of full scale.
examples/microcircuit/microcircuit.nrn is this script's output at scale 1
with `--drive dc` (with Poisson drive, the 77,169 background generators
emit 1.3 billion spikes per simulated second, and nsc records every source
spike: 28 GiB, `--dry-run` shows it). ctest `examples.microcircuit` checks
that the file is current and runs a small scale with Poisson drive.

The parameters are the paper's (Potjans TC, Diesmann M (2014) The
cell-type specific cortical microcircuit: relating structure and activity
in a full-scale spiking network model. Cerebral Cortex 24(3):785-806,
doi:10.1093/cercor/bhs358), Tables 4 and 5:
  - neurons: C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms, t_ref 2 ms,
    E_L = V_reset = -65 mV, V_th = -50 mV; initial V_m ~ N(-58 mV, 10 mV);
  - synapses: PSP amplitude 0.15 mV (the PSC amplitude that gives it is
    computed below, 87.8 pA), weights ~ N(w, 0.1 w), inhibitory weights -4 w,
    L4e -> L2/3e doubled; delays ~ N(1.5 ms, 0.75 ms) excitatory and
    N(0.75 ms, 0.375 ms) inhibitory (rounded to steps, at least one step,
    semantics.md R13);
  - numbers of synapses K = ln(1 - p) / ln(1 - 1/(N_pre N_post)) per pair of
    populations (the paper's formula for random connectivity with
    multapses), drawn here as in-degrees K / N_post (fixed_indegree);
  - background: K_ext Poisson inputs of 8 Hz per neuron, weight w, delay
    1.5 ms (one poisson_generator per neuron at K_ext * 8 Hz), or with
    `--drive dc` the mean current K_ext * 8 Hz * w * tau_syn as I_e.
"""

import argparse
import math
import sys

POPULATIONS = ["L23e", "L23i", "L4e", "L4i", "L5e", "L5i", "L6e", "L6i"]
SIZES = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]
# Connection probabilities: row = target, column = source (Table 5).
P = [
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443],
]
C_M, TAU_M, TAU_SYN = 250.0, 10.0, 0.5  # pF, ms, ms
PSP_MV = 0.15
G = -4.0
BG_RATE_HZ = 8.0
DELAY_MS = {"e": 1.5, "i": 0.75}


def psc_for_psp(psp_mv):
    """PSC amplitude (pA) whose PSP on the resting LIF neuron peaks at psp_mv."""
    tm, ts = TAU_M, TAU_SYN
    t_peak = math.log(ts / tm) * tm * ts / (ts - tm)
    # V(t) = J/C * tm*ts/(tm-ts) * (exp(-t/tm) - exp(-t/ts)); pA/pF*ms = mV
    per_pa = 1.0 / C_M * tm * ts / (tm - ts) * (math.exp(-t_peak / tm) - math.exp(-t_peak / ts))
    return psp_mv / per_pa


def in_degree(p, n_pre, n_post):
    """The paper's synapse count for probability p, per target neuron."""
    if p == 0:
        return 0
    total = math.log(1.0 - p) / math.log(1.0 - 1.0 / (n_pre * n_post))
    return int(round(total / n_post))


def generate(scale, drive, neuron_file):
    w = psc_for_psp(PSP_MV)
    sizes = [max(1, int(round(n * scale))) for n in SIZES]
    out = []
    out.append("# Potjans & Diesmann (2014) cortical microcircuit, scale %g, %s background." % (scale, drive))
    out.append("# Written by examples/microcircuit/make_microcircuit.py (its docstring gives the")
    out.append("# parameters and their source); regenerate instead of editing.")
    out.append('import "%s"' % neuron_file)
    out.append("")
    out.append("semantics:")
    out.append("    dt = 0.1 ms")
    out.append("    seed = 2014")
    out.append("")
    out.append("network microcircuit:")
    for name, n, k_ext in zip(POPULATIONS, sizes, K_EXT):
        extra = ""
        if drive == "dc":
            extra = ", I_e = %.6g pA" % (k_ext * BG_RATE_HZ * w * TAU_SYN * 1e-3)
        out.append("    %s = iaf_psc_exp[%d](C_m = 250 pF, tau_m = 10 ms, tau_syn_exc = 0.5 ms, "
                   "tau_syn_inh = 0.5 ms, t_ref = 2 ms, E_L = -65 mV, V_reset = -65 mV, V_th = -50 mV, "
                   "V_m = normal(-58 mV, 10 mV)%s)" % (name, n, extra))
    if drive == "poisson":
        out.append("")
        out.append("    # background: K_ext independent 8 Hz inputs per neuron, summed into one train each")
        for name, n, k_ext in zip(POPULATIONS, sizes, K_EXT):
            out.append("    bg_%s = poisson_generator[%d](rate = %g Hz)" % (name, n, k_ext * BG_RATE_HZ))
        for name in POPULATIONS:
            out.append("    connect bg_%s -> %s: one_to_one, weight = %.6g pA, delay = 1.5 ms, port = exc_spikes"
                       % (name, name, w))
    out.append("")
    out.append("    # recurrent connections (in-degrees of full scale; weights split by sign into the ports)")
    for t, target in enumerate(POPULATIONS):
        for s, source in enumerate(POPULATIONS):
            k = in_degree(P[t][s], SIZES[s], SIZES[t])
            if k == 0:
                continue
            kind = source[-1]
            mean = w * (G if kind == "i" else 1.0) * (2.0 if (source, target) == ("L4e", "L23e") else 1.0)
            d = DELAY_MS[kind]
            out.append("    connect %s -> %s: fixed_indegree(%d), weight = normal(%.6g pA, %.6g pA), "
                       "delay = normal(%g ms, %g ms)" % (source, target, k, mean, abs(mean) * 0.1, d, d / 2))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--drive", choices=["poisson", "dc"], default="poisson")
    ap.add_argument("--import", dest="neuron_file", default="../iaf_psc_exp.nrn",
                    help="the iaf_psc_exp model file, relative to the output (default: ../iaf_psc_exp.nrn)")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    if not 0 < a.scale <= 1:
        sys.exit("make_microcircuit.py: --scale must be in (0, 1]")
    text = generate(a.scale, a.drive, a.neuron_file)
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
