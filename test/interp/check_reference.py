#!/usr/bin/python3
"""Reference tests of the interpreter's solvers (issue 3, "Done when" #2).

The six example neurons, driven by given spike and current inputs, are run
through `nsc --target=interp` at dt = 0.1 ms with the solver their model file
chooses, and compared with references. Run by ctest as `interp.reference`;
by hand: python3 test/interp/check_reference.py --nsc build/tools/nsc/nsc -v

HOW THE REFERENCES ARE PRODUCED

* Linear models (iaf_psc_exp, iaf_psc_alpha; solver exact): a closed form
  written here in Python, independent of nsc's propagator (numerics/ uses a
  Pade matrix exponential). Over one step of length h with constant input
  current I and a synaptic current (a + b*t)*exp(-t/tau_s) (b = 0 for an
  exponential synapse), V - E_L - R*I*(1 - exp(-t/tau_m)) is
  (V0 - E_L - p)*exp(-t/tau_m) + (p + q*t)*exp(-t/tau_s) with
  q = b/(C*k), p = (a/C - q)/k, k = 1/tau_m - 1/tau_s; when tau_s == tau_m
  (k = 0, the degenerate case) it is (V0 - E_L + a*t/C + b*t^2/(2C))*exp(-t/tau_m).
  The step rules (refractory clamp, jumps after the update, threshold at grid
  points; docs/semantics.md R5-R12) are replayed exactly as the model files
  state them, so the spike times are on the same grid.
* Nonlinear / conditionally linear models (iaf_cond_exp, izhikevich,
  hh_psc_alpha, aeif_cond_exp): nsc itself with the model's `semantics:`
  replaced by `solver = rk45, rk45_rtol = rk45_atol = 1e-10`, in two runs:
    - FINE: dt = 0.01 ms, the fine-step high-order reference. The membrane
      trace is compared at the 0.1 ms grid up to the first output spike
      (after it, a reset on the 0.01 ms grid and one on the 0.1 ms grid put
      the traces apart by a whole spike; that is time discretisation, not
      solver error); the first spike time must agree within one coarse step.
    - GRID: dt = 0.1 ms, the same discrete-time semantics as the run under
      test (threshold, reset and refractoriness at 0.1 ms grid points) with
      accurate integration inside each step: all spike times compared.
  rk45 at 1e-10 agrees with itself at 1e-11 to better than 1e-8 mV on these
  inputs (bench/solver_convergence.py measures the same at 1e-12: < 1e-12 mV),
  far below the tolerances below, so the references are exact for this test.
* Input spikes: `--spike-input PORT=t` arrives one step after round(t/dt)
  (R21, R14), so each run passes t_arr - dt and every run sees the jump at
  the same physical time t_arr.

TOLERANCES (and why)

* exact models: |V - V_ref| <= 1e-9 * max(1 mV, |V_ref|) at every step
  (1e-9 relative; observed ~1e-13: round-off of the propagator over 1000
  steps), spike times identical. The closed form must not sit within 1e-6 mV
  of V_th at a grid point, so that a round-off cannot flip a threshold test
  (the checker verifies this margin).
* numeric models: per case in NUMERIC_CASES, with the observed values and
  the reasons next to them; about 3x the observed error of the default
  solver at dt = 0.1 ms, so a 10x larger error (a real regression) fails
  while round-off and libm differences (~1e-12) cannot. The trace is
  compared up to UPSTROKE_GUARD_MS before the first spike: in the upstroke
  V_m moves tens of mV per step, so a timing error there is checked through
  the spike times instead.
* spike times: against GRID, equal count and each within the case's
  spike_tol (one step, 0.1 ms, where the solver is accurate; observed:
  equal); against FINE, the first spike within one coarse step more than
  that, since the 0.1 ms grid sees a crossing up to one step after the
  0.01 ms grid does.
"""

import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DT = 0.1
GRID_EPS = 1e-9
REF_RK45 = {"solver": "rk45", "rk45_rtol": "1e-10", "rk45_atol": "1e-10"}
EXACT_REL_TOL = 1e-9
THRESHOLD_MARGIN_MV = 1e-6
UPSTROKE_GUARD_MS = 1.0

# (model, scenario, duration ms, {continuous port: value}, [(port, [arrival
# times ms], weight)], extra --param). "sub" stays below threshold, so the
# whole trace is compared; "spiking" fires several times.
LINEAR_CASES = [
    ("iaf_psc_exp", "spiking", 100.0, {"I_stim": "420pA"},
     [("exc_spikes", [5.0, 12.0, 40.0], "300pA"), ("inh_spikes", [30.0, 61.0], "400pA")], {}),
    ("iaf_psc_exp", "degenerate", 100.0, {"I_stim": "420pA"},
     [("exc_spikes", [5.0, 12.0, 40.0], "300pA"), ("inh_spikes", [30.0, 61.0], "400pA")],
     {"tau_syn_exc": "10ms", "tau_syn_inh": "10ms"}),
    ("iaf_psc_alpha", "spiking", 100.0, {"I_stim": "420pA"},
     [("exc_spikes", [5.0, 12.0, 40.0], "300pA"), ("inh_spikes", [30.0, 61.0], "-400pA")], {}),
    ("iaf_psc_alpha", "degenerate", 100.0, {"I_stim": "420pA"},
     [("exc_spikes", [5.0, 12.0, 40.0], "300pA"), ("inh_spikes", [30.0, 61.0], "-400pA")],
     {"tau_syn_exc": "10ms", "tau_syn_inh": "10ms"}),
]

# Numeric cases add the tolerances: v_tol (mV, max |V - V_ref| before the
# first spike less UPSTROKE_GUARD_MS), spike_tol (a, r): spike k may differ
# from the GRID reference by a + r * t_ref ms, and min_spikes. Observed values
# (this commit, x86-64) in the comments; tolerances are about 3x observed.
#  - iaf_cond_exp (auto: g exact, V_m rk45 with its own copy of g):
#    observed 7.9e-8 / 4.5e-8 mV; spikes equal. (Before issue 15, auto gave
#    V_m exp_euler with g frozen over the step: 0.066 / 0.037 mV.)
#  - izhikevich, aeif_cond_exp (rk45, rtol 1e-6): observed <= 2.5e-8 mV; the
#    tolerance 1e-6 mV leaves room for the erratic error of a
#    tolerance-controlled method (bench/solver_convergence.py: rk45's error
#    does not fall monotonically with dt) and is still 1e-8 relative.
#    Spikes equal.
#  - hh_psc_alpha (auto: V_m and the gates rk45, synapses exact): observed
#    1.4e-7 mV subthreshold, 3.3e-6 mV in the first ms of a 1000 pA step
#    (V_m moves fast there, so 1e-5 mV); spikes equal. (Before issue 15,
#    auto gave exp_euler: 0.066 mV, 0.84 mV, spikes late by 0.5, 1.3 and
#    2.5 ms; ctest solvers.hh-fi checks the f-I curve, docs/solvers.md.)
#  - aeif_cond_exp fires only once: within the step that crosses V_peak the
#    uncapped V_m runs away and drags w to ~1.9e4 pA (docs/solvers.md), so a
#    second spike would test that artefact; the case checks the first one.
NUMERIC_CASES = [
    (("iaf_cond_exp", "sub", 60.0, {"I_stim": "150pA"},
      [("exc_spikes", [5.0, 12.0], "3nS"), ("inh_spikes", [30.0], "5nS")], {}),
     {"v_tol": 1e-6, "spike_tol": (0.1, 0.0), "min_spikes": 0}),
    (("iaf_cond_exp", "spiking", 100.0, {"I_stim": "500pA"},
      [("exc_spikes", [5.0, 12.0], "3nS"), ("inh_spikes", [30.0], "5nS")], {}),
     {"v_tol": 1e-6, "spike_tol": (0.1, 0.0), "min_spikes": 10}),
    (("izhikevich", "sub", 60.0, {"I_stim": "2pA"},
      [("spikes", [5.0, 12.0], "3mV"), ("spikes", [30.0], "-3mV")], {}),
     {"v_tol": 1e-6, "spike_tol": (0.1, 0.0), "min_spikes": 0}),
    (("izhikevich", "spiking", 100.0, {"I_stim": "10pA"},
      [("spikes", [5.0, 12.0], "3mV"), ("spikes", [30.0], "-3mV")], {}),
     {"v_tol": 1e-6, "spike_tol": (0.1, 0.0), "min_spikes": 3}),
    (("hh_psc_alpha", "sub", 60.0, {"I_stim": "50pA"},
      [("exc_spikes", [5.0, 12.0], "100pA"), ("inh_spikes", [30.0], "-100pA")], {}),
     {"v_tol": 1e-6, "spike_tol": (0.1, 0.0), "min_spikes": 0}),
    (("hh_psc_alpha", "spiking", 40.0, {"I_stim": "1000pA"},
      [("exc_spikes", [5.0, 12.0], "100pA"), ("inh_spikes", [30.0], "-100pA")], {}),
     {"v_tol": 1e-5, "spike_tol": (0.1, 0.0), "min_spikes": 3}),
    (("aeif_cond_exp", "sub", 60.0, {"I_stim": "300pA"},
      [("exc_spikes", [5.0, 12.0], "2nS"), ("inh_spikes", [30.0], "3nS")], {}),
     {"v_tol": 1e-6, "spike_tol": (0.1, 0.0), "min_spikes": 0}),
    (("aeif_cond_exp", "spiking", 20.0, {"I_stim": "800pA"},
      [("exc_spikes", [5.0, 12.0], "2nS"), ("inh_spikes", [30.0], "3nS")], {}),
     {"v_tol": 1e-6, "spike_tol": (0.1, 0.0), "min_spikes": 1}),
]

UNIT_SCALE = {"pA": 1.0, "nS": 1.0, "mV": 1.0, "ms": 1.0}


def quantity(text):
    """'300pA' -> 300.0 in the model's own units (pA, nS, mV, ms)."""
    for unit, scale in UNIT_SCALE.items():
        if text.endswith(unit):
            return float(text[:-len(unit)]) * scale
    return float(text)


# ---------------------------------------------------------------- nsc runs

def with_semantics(text, settings):
    """The model file with its model-level `semantics:` block replaced (the
    model's block wins, R36). Each example file holds one model that ends
    the file, so the new block is appended at model indentation."""
    out, skipping = [], False
    for line in text.splitlines():
        if line.startswith("    semantics:"):
            skipping = True
            continue
        if skipping and (line.startswith("        ") or not line.strip()):
            continue
        skipping = False
        out.append(line)
    block = ["", "    semantics:"] + ["        %s = %s" % kv for kv in settings.items()]
    return "\n".join(out).rstrip("\n") + "\n" + "\n".join(block) + "\n"


def run_nsc(args, case, settings, tag):
    """Runs one case; settings None keeps the model file as it is (default
    solver, dt = 0.1 ms). Returns ({step index on the 0.1 grid: V_m}, spikes)."""
    model, scenario, duration, currents, spikes, params = case
    dt = DT
    path = os.path.join(ROOT, "examples", model + ".nrn")
    if settings is not None:
        dt = float(settings["dt"].split()[0])
        text = with_semantics(open(path).read(), settings)
        path = os.path.join(args.workdir, "%s_%s_%s.nrn" % (model, scenario, tag))
        with open(path, "w") as f:
            f.write(text)
    stem = os.path.join(args.workdir, "%s_%s_%s" % (model, scenario, tag))
    cmd = [args.nsc, path, "--target=interp", "--run=%rms" % duration,
           "--trace", "V_m", "--trace-out", stem + ".trace.csv",
           "--spikes", stem + ".spikes.csv"]
    for port, value in currents.items():
        cmd += ["--current-input", "%s=%s" % (port, value)]
    for port, times, weight in spikes:
        cmd += ["--spike-input", "%s=%s@%s" % (port, ",".join(repr(t - dt) for t in times), weight)]
    for name, value in params.items():
        cmd += ["--param", "%s=%s" % (name, value)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd), proc.stderr))
    trace = {}
    with open(stem + ".trace.csv") as f:
        for row in csv.DictReader(f):
            x = float(row["t_ms"]) / DT
            k = round(x)
            if abs(x - k) < 1e-6:
                trace[k] = float(row["V_m"])
    with open(stem + ".spikes.csv") as f:
        out = [float(r["t_ms"]) for r in csv.DictReader(f) if r["population"] == model]
    return trace, out


# ------------------------------------------------------ closed-form models

# Parameters as in examples/iaf_psc_exp.nrn and iaf_psc_alpha.nrn (both share
# these defaults); --param overrides are applied on top.
LIF_DEFAULTS = {"C_m": 250.0, "tau_m": 10.0, "tau_syn_exc": 2.0, "tau_syn_inh": 2.0,
                "t_ref": 2.0, "E_L": -70.0, "V_reset": -70.0, "V_th": -55.0, "I_e": 0.0}


def membrane_step(v, h, p, i_const, syn):
    """V after h ms from v under constant current i_const plus the synaptic
    currents syn = [(a, b, tau_s)], each (a + b*t)*exp(-t/tau_s)."""
    tau_m, c = p["tau_m"], p["C_m"]
    em = math.exp(-h / tau_m)
    r = tau_m / c
    homogeneous = v - p["E_L"]
    out = p["E_L"] + r * i_const * (1.0 - em)
    for a, b, tau_s in syn:
        k = 1.0 / tau_m - 1.0 / tau_s
        # relative test: the degenerate tau_s == tau_m needs the resonant form
        if abs(k) * tau_m < 1e-12:
            out += (a * h / c + b * h * h / (2.0 * c)) * em
        else:
            q = b / (c * k)
            pp = (a / c - q) / k
            homogeneous -= pp
            out += (pp + q * h) * math.exp(-h / tau_s)
    return out + homogeneous * em


def closed_form(case):
    """Replays the model's step function with exact integration; returns
    ({step index: V_m}, spike times, smallest |V - V_th| at a test)."""
    model, _, duration, currents, spikes, params = case
    p = dict(LIF_DEFAULTS)
    p.update({k: quantity(v) for k, v in params.items()})
    alpha = model == "iaf_psc_alpha"
    i_const = p["I_e"] + quantity(currents.get("I_stim", "0"))
    n_steps = int(round(duration / DT))
    refr_steps = int(math.floor(p["t_ref"] / DT + 0.5))
    arrivals = {}  # step k -> [(port, weight)]: jump after update in step k
    for port, times, weight in spikes:
        for t in times:
            arrivals.setdefault(int(round(t / DT)) - 1, []).append((port, quantity(weight)))
    # synapses: port -> [a, b] with current (a + b*t)*exp(-t/tau)
    syn = {"exc_spikes": [0.0, 0.0], "inh_spikes": [0.0, 0.0]}
    tau = {"exc_spikes": p["tau_syn_exc"], "inh_spikes": p["tau_syn_inh"]}
    # iaf_psc_exp subtracts the inhibitory magnitude (I_syn_exc - I_syn_inh);
    # iaf_psc_alpha adds its (negative) current.
    sign = {"exc_spikes": 1.0, "inh_spikes": 1.0 if alpha else -1.0}
    v, refr, trace, out, margin = p["E_L"], 0, {}, [], float("inf")
    for k in range(n_steps):
        terms = [(sign[s] * ab[0], sign[s] * ab[1], tau[s]) for s, ab in syn.items()]
        if alpha:
            v = membrane_step(v, DT, p, i_const, terms)
            if refr > 0:
                refr -= 1
                v = p["V_reset"]
        elif refr > 0:
            refr -= 1
        else:
            v = membrane_step(v, DT, p, i_const, terms)
        for s, ab in syn.items():
            a, b = ab
            ab[0], ab[1] = (a + b * DT) * math.exp(-DT / tau[s]), b * math.exp(-DT / tau[s])
        for port, w in arrivals.get(k, []):
            if alpha:
                syn[port][1] += w * math.e / tau[port]  # K(0) = 0, K'(0) = e/tau
            else:
                syn[port][0] += w
        if refr == 0:
            margin = min(margin, abs(v - p["V_th"]))
            if v >= p["V_th"]:
                refr, v = refr_steps, p["V_reset"]
                out.append((k + 1) * DT)
        trace[k + 1] = v
    return trace, out, margin


# ------------------------------------------------------------------ checks

class Checker:
    def __init__(self, verbose):
        self.failures, self.verbose = [], verbose

    def expect(self, ok, label, detail):
        if not ok:
            self.failures.append("%s: %s" % (label, detail))
        if self.verbose or not ok:
            print("%s %s: %s" % ("ok  " if ok else "FAIL", label, detail))


def first_spike(*lists):
    return min([l[0] for l in lists if l] or [float("inf")])


def compare_trace(trace, ref, until_ms):
    """Max |V - V_ref| over the common 0.1 ms samples strictly before until_ms."""
    keys = [k for k in ref if k * DT < until_ms - GRID_EPS]
    missing = [k for k in keys if k not in trace]
    if missing:
        return float("inf"), keys
    return max([abs(trace[k] - ref[k]) for k in keys] or [0.0]), keys


def check_linear(args, chk, case):
    label = "%s/%s" % (case[0], case[1])
    trace, spikes = run_nsc(args, case, None, "model")
    ref, ref_spikes, margin = closed_form(case)
    chk.expect(margin > THRESHOLD_MARGIN_MV, label + " reference margin",
               "closest approach to V_th %.3g mV (must exceed %g)" % (margin, THRESHOLD_MARGIN_MV))
    chk.expect(set(trace) == set(ref), label + " samples",
               "%d samples, reference %d" % (len(trace), len(ref)))
    worst = max(abs(trace[k] - ref[k]) / max(1.0, abs(ref[k])) for k in ref if k in trace)
    chk.expect(worst <= EXACT_REL_TOL, label + " V_m vs closed form",
               "max relative error %.3g (tolerance %g)" % (worst, EXACT_REL_TOL))
    chk.expect(len(spikes) == len(ref_spikes) >= 2
               and all(abs(a - b) < GRID_EPS for a, b in zip(spikes, ref_spikes)),
               label + " spike times", "nsc %s, closed form %s" % (spikes, ref_spikes))


def check_numeric(args, chk, case, tol):
    label = "%s/%s" % (case[0], case[1])
    trace, spikes = run_nsc(args, case, None, "model")
    fine, fine_spikes = run_nsc(args, case, dict(REF_RK45, dt="0.01 ms"), "fine")
    grid, grid_spikes = run_nsc(args, case, dict(REF_RK45, dt="0.1 ms"), "grid")
    until = first_spike(spikes, fine_spikes, grid_spikes)
    if tol["min_spikes"] == 0:
        chk.expect(until == float("inf"), label + " subthreshold",
                   "spikes: model %s, fine %s" % (spikes, fine_spikes))
    else:
        chk.expect(len(grid_spikes) >= tol["min_spikes"], label + " spiking",
                   "reference spikes %s (at least %d)" % (grid_spikes, tol["min_spikes"]))
        until -= UPSTROKE_GUARD_MS
    err, keys = compare_trace(trace, fine, until)
    chk.expect(err <= tol["v_tol"] and len(keys) >= 10, label + " V_m vs rk45 1e-10 dt=0.01",
               "max |dV| %.3g mV over %d samples before %.1f ms (tolerance %g mV)"
               % (err, len(keys), min(until, case[2] + DT), tol["v_tol"]))
    err_grid, _ = compare_trace(trace, grid, until)
    chk.expect(err_grid <= tol["v_tol"], label + " V_m vs rk45 1e-10 dt=0.1",
               "max |dV| %.3g mV (tolerance %g mV)" % (err_grid, tol["v_tol"]))
    a, r = tol["spike_tol"]
    same = len(spikes) == len(grid_spikes) and all(
        abs(t - t_ref) <= a + r * t_ref + GRID_EPS for t, t_ref in zip(spikes, grid_spikes))
    chk.expect(same, label + " spike times vs rk45 1e-10 dt=0.1",
               "model %s, reference %s (tolerance %g ms + %g * t)" % (spikes, grid_spikes, a, r))
    if fine_spikes or spikes:
        # the 0.1 ms grid sees a crossing up to one coarse step after the fine one
        ok = bool(spikes and fine_spikes) and \
            abs(spikes[0] - fine_spikes[0]) <= DT + a + r * fine_spikes[0] + GRID_EPS
        chk.expect(ok, label + " first spike vs rk45 1e-10 dt=0.01",
                   "model %s, fine reference %s" % (spikes[:1], fine_spikes[:1]))


def main():
    ap = argparse.ArgumentParser(description="interpreter vs reference solutions")
    ap.add_argument("--nsc", required=True, help="path of the nsc binary")
    ap.add_argument("--keep", help="keep the generated files in this directory")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    args.nsc = os.path.abspath(args.nsc)
    chk = Checker(args.verbose)
    with tempfile.TemporaryDirectory(prefix="nsc-interp-ref-") as tmp:
        args.workdir = args.keep or tmp
        os.makedirs(args.workdir, exist_ok=True)
        for case in LINEAR_CASES:
            check_linear(args, chk, case)
        for case, tol in NUMERIC_CASES:
            check_numeric(args, chk, case, tol)
    if chk.failures:
        print("%d check(s) failed" % len(chk.failures))
        return 1
    print("all reference checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
