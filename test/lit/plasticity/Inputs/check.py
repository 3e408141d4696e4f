"""Checks the plasticity examples (examples/plasticity) against their closed
forms and expected outcomes: check.py RULE WEIGHTS.npz [SPIKES.csv].
Prints 'RULE: ok' and the figures, or what is wrong (exit 1)."""
import csv
import math
import sys

import numpy as np

DT = 0.1  # ms, the examples' step


def spikes(path):
    """population -> [(step, index)]: a spike stamped t_{k+1} is of step k."""
    out = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            k = round(float(row["t_ms"]) / DT) - 1
            out.setdefault(row["population"], []).append((k, int(row["index"])))
    return out


def steps(sp, pop):
    return [k for k, _ in sp.get(pop, [])]


def close(got, want, rel, what):
    if not abs(got - want) <= rel * max(abs(want), 1e-300):
        sys.exit(f"{what}: got {got!r}, closed form {want!r} (relative difference "
                 f"{abs(got - want) / max(abs(want), 1e-300):.3g} > {rel})")


def fail(msg):
    sys.exit(msg)


def bi_poo(w, sp):
    # All-to-all pair rule: each post spike adds A+ e^(-dt/tau) for every
    # earlier pre spike; each pre spike subtracts A- e^(-dt/tau) for every
    # post spike at or before it (same step: post first, R24).
    Ap, Am, tau = 0.005, 0.00525, 20.0
    pre, post = steps(sp, "pre"), steps(sp, "post")
    ref = 0.5
    events = sorted([(k, 0) for k in post] + [(k, 1) for k in pre])
    for k, kind in events:
        if kind == 0:
            ref += Ap * sum(math.exp(-(k - j) * DT / tau) for j in pre if j < k)
        else:
            ref -= Am * sum(math.exp(-(k - j) * DT / tau) for j in post if j <= k)
    close(w["w"][0], ref, 1e-12, "bi_poo: w")
    # The four pairs (+10, -10, +5, -20 ms) give, to e^-50:
    pairs = 0.5 + Ap * math.exp(-10 / tau) - Am * math.exp(-10 / tau) + Ap * math.exp(-5 / tau) - Am * math.exp(-20 / tau)
    close(w["w"][0], pairs, 1e-12, "bi_poo: w against the four pairs")
    print(f"bi_poo: ok w = {w['w'][0]:.15g} (closed form {ref:.15g})")


def triplet_reference(pre, post):
    tp, tx, tm, ty = 16.8, 101.0, 33.7, 125.0
    a2p, a3p, a2m, a3m = 5e-10, 6.2e-3, 7e-3, 0.0
    w, r1, r2, o1, o2, last = 0.5, 0.0, 0.0, 0.0, 0.0, 0
    for k, kind in sorted([(k, 0) for k in post] + [(k, 1) for k in pre]):
        h = (k - last) * DT
        last = k
        r1 *= math.exp(-h / tp); r2 *= math.exp(-h / tx); o1 *= math.exp(-h / tm); o2 *= math.exp(-h / ty)
        if kind == 0:
            w = min(w + r1 * (a2p + a3p * o2), 1.0); o1 += 1; o2 += 1
        else:
            w = max(w - o1 * (a2m + a3m * r2), 0.0); r1 += 1; r2 += 1
    return w


def triplet(w, sp):
    slow = triplet_reference(steps(sp, "slow_pre"), steps(sp, "slow_post"))
    fast = triplet_reference(steps(sp, "fast_pre"), steps(sp, "fast_post"))
    close(w["slow/w"][0], slow, 1e-12, "triplet: slow w")
    close(w["fast/w"][0], fast, 1e-12, "triplet: fast w")
    if not (w["slow/w"][0] < 0.5 < w["fast/w"][0]):
        fail(f"triplet: post-pre pairs should depress at 5 Hz and potentiate at 50 Hz: {w['slow/w'][0]}, {w['fast/w'][0]}")
    print(f"triplet: ok slow dw = {w['slow/w'][0] - 0.5:.6g}, fast dw = {w['fast/w'][0] - 0.5:.6g}")


def bcm_reference(pre, post, T_steps):
    eta, kappa, tx, ty, tth = 1e-9, 0.0333333333333, 50.0, 50.0, 200.0
    ex, ey, eth = math.exp(-DT / tx), math.exp(-DT / ty), math.exp(-DT / tth)
    c = (1 / tth) * (ey - eth) / (1 / tth - 1 / ty)  # y -> y_bar over one step
    pre, post = set(pre), set(post)
    x = y = yb = 0.0
    w = 0.5
    for k in range(T_steps):
        w = min(max(w + eta * x * y * (y - kappa * yb * yb) * DT, 0.0), 1.0)
        x, y, yb = x * ex, y * ey, yb * eth + y * c
        if k in post:
            y += 1000 / ty
        if k in pre:
            x += 1000 / tx
    return w


def bcm(w, sp):
    T = 30000
    fast = bcm_reference(steps(sp, "pre"), steps(sp, "fast"), T)
    slow = bcm_reference(steps(sp, "pre"), steps(sp, "slow"), T)
    close(w["to_fast/w"][0], fast, 1e-9, "bcm: w onto the fast neuron")
    close(w["to_slow/w"][0], slow, 1e-9, "bcm: w onto the slow neuron")
    if not (w["to_fast/w"][0] < 0.5 < w["to_slow/w"][0]):
        fail("bcm: the fast neuron's synapse should depress and the slow one's potentiate")
    print(f"bcm: ok fast dw = {w['to_fast/w'][0] - 0.5:.6g}, slow dw = {w['to_slow/w'][0] - 0.5:.6g}")


def rstdp(w, sp, rewarded="rewarded/w", others="others/w", w0=1.0):
    dr = w[rewarded][0] - w0
    do = w[others] - w0
    if not dr > 0.3 * w0:
        fail(f"rstdp: the rewarded synapse should grow: dw = {dr}")
    if not np.max(np.abs(do)) < dr / 3:
        fail(f"rstdp: the other synapses should hardly change: max |dw| = {np.max(np.abs(do))}, rewarded {dr}")
    print(f"rstdp: ok rewarded dw = {dr:.4g}, others max |dw| = {np.max(np.abs(do)):.4g}, mean {np.mean(do):.3g}")


def voltage(w, sp):
    da = w["to_active/w"] - 20.0
    dr = w["to_resting/w"] - 20.0
    if not np.all(dr == 0):
        fail(f"voltage: synapses onto the resting neuron changed: {dr}")
    if not np.all(da > 0):
        fail(f"voltage: synapses onto the active neuron should grow: {da}")
    print(f"voltage: ok active mean dw = {np.mean(da):.4g}, resting unchanged")


def metabolic(w, sp):
    fed = w["to_fed/w"][0] - 0.5
    starved = w["to_starved/w"][0] - 0.5
    if not (fed > 0 and 0.1 * fed < starved < 0.3 * fed):
        fail(f"metabolic: the starved neuron's synapse should learn about a fifth as fast: {starved} vs {fed}")
    print(f"metabolic: ok fed dw = {fed:.4g}, starved dw = {starved:.4g} (ratio {starved / fed:.3f})")


if __name__ == "__main__":
    rule, wpath = sys.argv[1], sys.argv[2]
    sp = spikes(sys.argv[3]) if len(sys.argv) > 3 else {}
    w = np.load(wpath)
    if rule == "nestml_neuromodulated":
        rstdp(w, sp, w0=1.0)
    else:
        globals()[rule](w, sp)
