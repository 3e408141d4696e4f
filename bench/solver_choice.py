#!/usr/bin/python3
"""What `solver = auto`'s choice costs and buys for conductance-based models
(issue 15; docs/solvers.md "How auto chooses", docs/decisions.md).

1. Accuracy under synaptic input: one neuron of examples/iaf_cond_exp.nrn
   (NEST's parameters, tau_syn_exc = 0.2 ms) and one of examples/coba.nrn
   (tau_e = 5 ms, tau_i = 10 ms), each driven for 1 s by a fixed, seeded
   Poisson spike train on both ports, at dt = 0.1 ms with exp_euler (the
   old auto: the conductances frozen over each step), with auto (now: rk45
   for V_m with its own copy of the conductances) and with rk45 at
   rtol = atol = 1e-10 (the reference on the same 0.1 ms grid). Reported:
   spike counts and the largest |t - t_ref| over paired spikes.
2. Cost: examples/coba.nrn (4000 neurons, 1 s, --target=cpu) as shipped
   (`solver = exp_euler`) and with `solver = auto`: run_ms from --stats
   (best of --repeat runs), spike counts.

  python3 bench/solver_choice.py [--nsc build/tools/nsc/nsc] [--repeat 2]

Writes bench/results/solver_choice.json. Standard library only.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NEURONS = [
    # name, file, --model, excitatory weight, inhibitory weight, drive
    ("iaf_cond_exp", "iaf_cond_exp.nrn", None, "5nS", "10nS", ["--current-input", "I_stim=300pA"]),
    ("coba_neuron", "coba.nrn", "coba_neuron", "6nS", "67nS", ["--param", "I_b=100pA"]),
]
EXC_HZ, INH_HZ, SEED = 1600.0, 300.0, 1


def poisson(rng, rate_hz, end_ms):
    t, out = 0.5, []
    while True:
        t += rng.expovariate(rate_hz / 1000.0)
        if t >= end_ms:
            return sorted(set(out))
        out.append(round(t, 1))


def model_copy(src_path, settings, out_path):
    """The model of src_path alone (a network after it is cut off) with a
    model-level semantics block holding `settings` (R36: it wins)."""
    text = open(src_path).read()
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("model "))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i][0].isspace()),
               len(lines))
    body = [l for l in lines[:end]]
    body += ["", "    semantics:"] + ["        %s = %s" % kv for kv in settings.items()]
    with open(out_path, "w") as f:
        f.write("\n".join(body) + "\n")


def neuron_spikes(nsc, path, model, args, workdir):
    out = os.path.join(workdir, "spikes.csv")
    cmd = [nsc, path, "--target=interp", "--run=1s", "--quiet", "--spikes", out] + args
    if model:
        cmd += ["--model", model]
    subprocess.run(cmd, check=True, capture_output=True)
    with open(out) as f:
        return [float(r["t_ms"]) for r in csv.DictReader(f) if not r["population"].startswith("spike_input")]


def accuracy(nsc, workdir):
    rows = []
    rng = random.Random(SEED)
    for name, fname, model, w_e, w_i, drive in NEURONS:
        exc, inh = poisson(rng, EXC_HZ, 999.0), poisson(rng, INH_HZ, 999.0)
        args = drive + ["--spike-input", "exc_spikes=%s@%s" % (",".join(map(str, exc)), w_e),
                        "--spike-input", "inh_spikes=%s@%s" % (",".join(map(str, inh)), w_i)]
        runs = {}
        for tag, settings in [("exp_euler", {"solver": "exp_euler"}), ("auto", {"solver": "auto"}),
                              ("reference", {"solver": "rk45", "rk45_rtol": "1e-10", "rk45_atol": "1e-10"})]:
            path = os.path.join(workdir, "%s_%s.nrn" % (name, tag))
            model_copy(os.path.join(ROOT, "examples", fname), settings, path)
            runs[tag] = neuron_spikes(nsc, path, model, args, workdir)
        ref = runs["reference"]
        row = {"model": name, "input": {"exc_hz": EXC_HZ, "exc_weight": w_e, "inh_hz": INH_HZ,
                                        "inh_weight": w_i, "drive": " ".join(drive), "seed": SEED},
               "reference_spikes": len(ref)}
        for tag in ("exp_euler", "auto"):
            d = [abs(a - b) for a, b in zip(runs[tag], ref)]
            first = next((t for t, x in zip(ref, d) if x > 0.25), None)
            row[tag] = {"spikes": len(runs[tag]), "max_abs_dt_ms_paired": max(d) if d else None,
                        "first_ref_spike_off_by_more_than_0.25ms": first}
        rows.append(row)
    return rows


def coba_cost(nsc, workdir, repeat):
    src = open(os.path.join(ROOT, "examples", "coba.nrn")).read()
    auto = os.path.join(workdir, "coba_auto.nrn")
    with open(auto, "w") as f:
        f.write(re.sub(r"(?m)^    solver = exp_euler.*$", "    solver = auto", src))
    out = {}
    for tag, path in [("exp_euler (shipped)", os.path.join(ROOT, "examples", "coba.nrn")), ("auto", auto)]:
        best = None
        for _ in range(repeat):
            proc = subprocess.run([nsc, path, "--target=cpu", "--run=1s", "--stats", "--quiet"],
                                  capture_output=True, text=True, check=True)
            st = json.loads(proc.stdout)
            best = st if best is None or st["run_ms"] < best["run_ms"] else best
        out[tag] = {"run_ms": best["run_ms"], "spikes": best["spikes"], "mean_rate_hz": best["mean_rate_hz"]}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nsc", default=os.path.join(ROOT, "build", "tools", "nsc", "nsc"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "solver_choice.json"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        acc = accuracy(a.nsc, workdir)
        cost = coba_cost(a.nsc, workdir, a.repeat)
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = {"command": " ".join(["python3 bench/solver_choice.py"] + sys.argv[1:]),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "nsc_commit": head, "host": platform.node(), "cpus": os.cpu_count(),
            "load_average": os.getloadavg()}
    with open(a.out, "w") as f:
        json.dump({"meta": meta, "accuracy": acc, "coba_1s_cpu": cost}, f, indent=1)
        f.write("\n")
    for r in acc:
        print("%-13s reference %3d spikes | exp_euler %3d, max |dt| %s ms | auto %3d, max |dt| %s ms" % (
            r["model"], r["reference_spikes"], r["exp_euler"]["spikes"], r["exp_euler"]["max_abs_dt_ms_paired"],
            r["auto"]["spikes"], r["auto"]["max_abs_dt_ms_paired"]))
    for tag, c in cost.items():
        print("coba 1 s, %-19s run %.0f ms, %d spikes (%.2f Hz)" % (tag, c["run_ms"], c["spikes"], c["mean_rate_hz"]))
    print("wrote %s" % os.path.relpath(a.out, ROOT))


if __name__ == "__main__":
    main()
