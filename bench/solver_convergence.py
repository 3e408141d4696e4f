#!/usr/bin/python3
"""Delta-V error study of the ODE solvers (issue 3, "a DeltaV error study").

For each example model, driven by a constant current and a few input spikes
over a short subthreshold window, every solver that applies is run with
dt = 0.1, 0.05, 0.025, 0.0125, 0.00625 ms through the reference interpreter
(`nsc --target=interp`). The error of a run is max |V_m - V_ref| over the
common sample times t = 0.1, 0.2, ..., T ms; the observed order between two
step sizes is log2(err(dt) / err(dt/2)).

The reference is the exact solver at the finest dt for linear models (its
values at grid points do not depend on dt), otherwise rk45 with
rtol = atol = 1e-12 at the finest dt. Both are cross-checked (see
`reference_check` in the JSON).

The solver and tolerances are set by writing a temporary copy of the model
file whose model-level `semantics:` block is replaced (docs/semantics.md
R36: the model's own block wins over file-level blocks); dt by `--dt`.

Input spikes: `--spike-input PORT=t` stamps a spike at round(t/dt) steps and
delivers it one step later (R21, R14). To make every dt see the jump at the
same physical time t_arr (a multiple of 0.1 ms), the script passes
t = t_arr - dt. Without this, the arrival would move with dt and every
solver would look first order.

Writes bench/results/solver_convergence.json and prints a markdown table
(the one in docs/solvers.md). Standard library only.

Usage: python3 bench/solver_convergence.py [--nsc build/tools/nsc/nsc]
"""

import argparse
import concurrent.futures
import csv
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DTS = [0.1, 0.05, 0.025, 0.0125, 0.00625]
SAMPLE_MS = 0.1
RK45_FIXED = {"rk45_rtol": "1e-6", "rk45_atol": "1e-9"}  # the R36 defaults
REF_TOL = "1e-12"
# Errors below this (mV) are round-off or the reference's own error; an
# order computed from them says nothing about the method.
FLOOR_MV = 1e-10

# Each study: the model, whether it is linear (exact applies), the solvers
# that apply (the others are rejected by solve-odes with a diagnostic), the
# window and the stimulus. Stimuli keep V_m below threshold for the whole
# window, so the error is the integration error of V_m and not a spike-time
# jump (checked: the script fails if any run spikes).
STUDIES = [
    {
        "model": "iaf_psc_alpha", "kind": "linear",
        "solvers": ["exact", "euler", "exp_euler", "rk4", "rk45"],
        "unaligned_demo": ["exact", "rk4"],
        "window_ms": 20.0,
        "current": {"I_stim": "150pA"},
        "spikes": [("exc_spikes", [2.0, 4.0], "300pA"),
                   ("inh_spikes", [9.0], "-300pA")],
    },
    {
        "model": "iaf_cond_exp", "kind": "conductance-based (conditionally linear)",
        "solvers": ["auto", "euler", "exp_euler", "rk4", "rk45"],
        "window_ms": 20.0,
        "current": {"I_stim": "150pA"},
        "spikes": [("exc_spikes", [2.0, 4.0], "3nS"),
                   ("inh_spikes", [9.0], "5nS")],
    },
    {
        "model": "hh_psc_alpha", "kind": "Hodgkin-Huxley (conditionally linear)",
        "solvers": ["auto", "euler", "exp_euler", "rk4", "rk45"],
        "window_ms": 20.0,
        "current": {"I_stim": "50pA"},
        "spikes": [("exc_spikes", [2.0, 4.0], "100pA"),
                   ("inh_spikes", [9.0], "-100pA")],
    },
    {
        "model": "aeif_cond_exp", "kind": "nonlinear (exponential)",
        "solvers": ["auto", "euler", "rk4", "rk45"],
        "window_ms": 20.0,
        "current": {"I_stim": "300pA"},
        "spikes": [("exc_spikes", [2.0, 4.0], "2nS"),
                   ("inh_spikes", [9.0], "3nS")],
    },
    {
        "model": "izhikevich", "kind": "nonlinear (quadratic)",
        "solvers": ["auto", "euler", "rk4", "rk45"],
        "window_ms": 20.0,
        "current": {"I_stim": "2pA"},
        "spikes": [("spikes", [2.0, 4.0], "3mV"), ("spikes", [9.0], "-3mV")],
    },
    {
        # examples/coba.nrn's neuron alone (--model), with a weaker drive
        # than the network's 200 pA so that it stays below threshold; the
        # file asks for exp_euler, the rows show what each solver gives.
        "model": "coba_neuron", "file": "coba",
        "kind": "conductance-based, slow synapses (conditionally linear)",
        "solvers": ["auto", "euler", "exp_euler", "rk4", "rk45"],
        "window_ms": 20.0,
        "current": {},
        "params": {"I_b": "20pA"},
        "spikes": [("exc_spikes", [2.0, 4.0], "2nS"),
                   ("inh_spikes", [9.0], "20nS")],
    },
]


def with_semantics(text, settings):
    """The model file text with its model-level `semantics:` block replaced
    by one holding `settings` (it wins over a file-level block, R36). The
    files hold one model; the new block goes at its end, before whatever
    follows at the top level (coba.nrn's semantics and network)."""
    lines = text.splitlines()
    starts = [i for i, l in enumerate(lines) if l.startswith("model ")]
    if len(starts) != 1:
        raise SystemExit("expected exactly one model per example file")
    end = next((i for i in range(starts[0] + 1, len(lines))
                if lines[i].strip() and not lines[i][0].isspace()), len(lines))
    body, skipping = [], False
    for line in lines[starts[0]:end]:
        if line.startswith("    semantics:"):
            skipping = True
            continue
        if skipping and (line.startswith("        ") or not line.strip()):
            continue
        skipping = False
        body.append(line)
    while body and not body[-1].strip():
        body.pop()
    block = ["", "    semantics:"] + ["        %s = %s" % kv for kv in settings.items()]
    return "\n".join(lines[:starts[0]] + body + block + [""] + lines[end:]) + "\n"


def run(nsc, study, settings, workdir, tag, align=True):
    """Runs one configuration; returns ({sample index: V_m}, [spike times]).
    align=False passes the spike times as written (arrival one step later)."""
    dt = float(settings["dt"].split()[0])
    src = open(os.path.join(ROOT, "examples", study.get("file", study["model"]) + ".nrn")).read()
    path = os.path.join(workdir, "%s_%s.nrn" % (study["model"], tag))
    with open(path, "w") as f:
        # dt by --dt (it also sets the network's step, coba.nrn).
        f.write(with_semantics(src, {k: v for k, v in settings.items() if k != "dt"}))
    trace = path[:-4] + ".trace.csv"
    spikes = path[:-4] + ".spikes.csv"
    cmd = [nsc, path, "--target=interp", "--run=%rms" % study["window_ms"], "--dt=%rms" % dt,
           "--trace", "V_m", "--trace-out", trace, "--spikes", spikes]
    for port, value in study["current"].items():
        cmd += ["--current-input", "%s=%s" % (port, value)]
    for name, value in study.get("params", {}).items():
        cmd += ["--param", "%s=%s" % (name, value)]
    if "file" in study:  # a file with a network: run its model alone
        cmd += ["--model", study["model"]]
    for port, times, weight in study["spikes"]:
        shift = dt if align else 0.0
        shifted = ",".join(repr(t - shift) for t in times)  # arrive at t (see top)
        cmd += ["--spike-input", "%s=%s@%s" % (port, shifted, weight)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd), proc.stderr))
    samples = {}
    with open(trace) as f:
        for row in csv.DictReader(f):
            x = float(row["t_ms"]) / SAMPLE_MS
            k = round(x)
            if abs(x - k) < 1e-6:
                samples[k] = float(row["V_m"])
    with open(spikes) as f:
        model_spikes = [float(r["t_ms"]) for r in csv.DictReader(f)
                        if r["population"] == study["model"]]
    return samples, model_spikes


def max_err(a, b):
    if set(a) != set(b):
        raise RuntimeError("runs sampled different times")
    return max(abs(a[k] - b[k]) for k in a)


def git_commit():
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head, bool(dirty)
    except OSError:
        return None, None


def settings_for(solver, dt, tol=None):
    s = {"solver": solver, "dt": "%r ms" % dt}
    if solver == "rk45" or tol:
        t = {"rk45_rtol": tol, "rk45_atol": tol} if tol else RK45_FIXED
        s.update(t)
    return s


def study_model(nsc, study, workdir, pool):
    finest = DTS[-1]
    jobs = {}
    for solver in study["solvers"]:
        for dt in DTS:
            s = settings_for(solver, dt)
            if solver == "auto":  # auto picks rk45 for the nonlinear part: fixed tolerances
                s.update(RK45_FIXED)
            jobs[(solver, dt)] = pool.submit(run, nsc, study, s, workdir,
                                             "%s_%r" % (solver, dt))
    rk45_ref = pool.submit(run, nsc, study, settings_for("rk45", finest, REF_TOL),
                           workdir, "ref_rk45")
    rk45_check = pool.submit(run, nsc, study, settings_for("rk45", finest, "1e-11"),
                             workdir, "check_rk45")
    # The same solvers without the input alignment: the jump then lands at
    # t_arr + dt, an O(dt) error in the input that no solver can remove.
    demo = study.get("unaligned_demo", [])
    for solver in demo:
        for dt in DTS:
            jobs[("unaligned " + solver, dt)] = pool.submit(
                run, nsc, study, settings_for(solver, dt), workdir,
                "unaligned_%s_%r" % (solver, dt), False)
    results = {key: job.result() for key, job in jobs.items()}
    rk45_ref, rk45_check = rk45_ref.result(), rk45_check.result()

    for (solver, dt), (_, spikes) in list(results.items()) + [(("ref", 0), rk45_ref)]:
        if spikes:
            raise RuntimeError("%s %s dt=%r spiked at %r ms: the window must be "
                               "subthreshold" % (study["model"], solver, dt, spikes))

    if study["kind"] == "linear":
        ref = results[("exact", finest)][0]
        reference = {"solver": "exact", "dt_ms": finest,
                     "max_abs_diff_to_rk45_rtol_atol_1e-12_mV": max_err(ref, rk45_ref[0])}
    else:
        ref = rk45_ref[0]
        reference = {"solver": "rk45", "rk45_rtol": float(REF_TOL),
                     "rk45_atol": float(REF_TOL), "dt_ms": finest,
                     "max_abs_diff_to_rk45_rtol_atol_1e-11_mV": max_err(ref, rk45_check[0])}

    rows = []
    for solver in study["solvers"] + ["unaligned " + s for s in demo]:
        errs = [max_err(results[(solver, dt)][0], ref) for dt in DTS]
        orders = []
        for e1, e2 in zip(errs, errs[1:]):
            ok = e1 > FLOOR_MV and e2 > FLOOR_MV
            orders.append(math.log2(e1 / e2) if ok else None)
        row = {"solver": solver, "max_abs_err_mV": errs, "observed_order": orders}
        if solver in ("rk45", "auto"):  # auto: exact + rk45 at the default tolerances
            row.update({"rk45_rtol": float(RK45_FIXED["rk45_rtol"]),
                        "rk45_atol": float(RK45_FIXED["rk45_atol"])})
        rows.append(row)
    return {"model": study["model"], "kind": study["kind"],
            "window_ms": study["window_ms"],
            "stimulus": {"current_input": study["current"], "params": study.get("params", {}),
                         "spikes_arriving_at_ms": [
                             {"port": p, "times_ms": t, "weight": w}
                             for p, t, w in study["spikes"]]},
            "reference": reference, "solvers": rows}


def fmt_err(e):
    return "%.2e" % e


def fmt_order(o):
    return "—" if o is None else "%.2f" % o


def markdown(models):
    dts = " | ".join("err dt=%g" % dt for dt in DTS)
    orders = " | ".join("p%d" % (i + 1) for i in range(len(DTS) - 1))
    lines = ["| model | solver | %s | %s |" % (dts, orders),
             "|" + "---|" * (2 + 2 * len(DTS) - 1)]
    for m in models:
        for r in m["solvers"]:
            lines.append("| %s | %s | %s | %s |" % (
                m["model"], r["solver"],
                " | ".join(fmt_err(e) for e in r["max_abs_err_mV"]),
                " | ".join(fmt_order(o) for o in r["observed_order"])))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nsc", default=os.path.join(ROOT, "build", "tools", "nsc", "nsc"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                  "solver_convergence.json"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()

    started = datetime.datetime.now(datetime.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="nsc-solver-conv-") as workdir, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        models = [study_model(args.nsc, s, workdir, pool) for s in STUDIES]
    elapsed = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()

    commit, dirty = git_commit()
    doc = {
        "metadata": {
            "command": " ".join(["python3 bench/solver_convergence.py"] + sys.argv[1:]),
            "date_utc": started.isoformat(timespec="seconds"),
            "nsc_git_commit": commit,
            "nsc_worktree_dirty": dirty,
            "nsc_binary": os.path.relpath(args.nsc, ROOT),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "runtime_s": round(elapsed, 1),
            "dt_ms": DTS,
            "sample_times_ms": "multiples of %g ms in (0, window]" % SAMPLE_MS,
            "error": "max over sample times of |V_m - V_ref| in mV",
            "observed_order": "log2(err(dt_i) / err(dt_{i+1})); null when either "
                              "error is below %g mV (round-off / reference floor)"
                              % FLOOR_MV,
            "spike_input_alignment": "spike input times passed as t_arr - dt so "
                                     "the jump lands at t_arr for every dt; rows "
                                     "named 'unaligned SOLVER' pass t_arr as written "
                                     "(arrival at t_arr + dt)",
        },
        "models": models,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(markdown(models))
    for m in models:
        print("%s reference: %s" % (m["model"], json.dumps(m["reference"])))
    print("wrote %s in %.1f s" % (os.path.relpath(args.out, ROOT), elapsed))


if __name__ == "__main__":
    main()
