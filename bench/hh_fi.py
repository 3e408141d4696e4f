#!/usr/bin/python3
"""Hodgkin-Huxley f-I curve of examples/hh_psc_alpha.nrn against an
independent 1 us RK4 reference (issue 15, "Done when" #1).

For each constant current I (default 0.15 to 2 nA in 50 pA steps) the
example model runs for 1 s with its defaults (dt = 0.1 ms, solver = auto)
through `nsc --target=interp --current-input I_stim=I`, and the reference
program test/solvers/hh_reference.cpp (the same equations, written without
nsc, classic RK4 at 1 us; built as build/test/hh_reference) gives the
reference spike train. The check: equal spike counts and every spike time
within 0.25 ms of the reference's.

  python3 bench/hh_fi.py                        # full sweep, writes bench/results/hh_fi.json
  python3 bench/hh_fi.py --compare exp_euler    # also the model with solver = exp_euler (the old auto)
  python3 bench/hh_fi.py --currents 150,650,2000 --check   # ctest solvers.hh-fi: no JSON, exit 1 on a mismatch

Standard library only.
"""

import argparse
import concurrent.futures
import csv
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "examples", "hh_psc_alpha.nrn")
TIME_TOL_MS = 0.25
DURATION_MS = 1000.0


def reference(exe, currents):
    """{current_pA: [spike times, ms]} from the 1 us RK4 program."""
    out = subprocess.run([exe, "--dt-ms", "0.001", "--duration-ms", repr(DURATION_MS)] +
                         [repr(float(i)) for i in currents], capture_output=True, text=True, check=True).stdout
    result = {}
    for line, i in zip(out.splitlines(), currents):
        fields = line.split()
        n = int(fields[1])
        result[i] = [float(x) for x in fields[2:2 + n]]
    return result


def nsc_spikes(nsc, model, current, workdir, tag):
    path = os.path.join(workdir, "spikes_%s_%g.csv" % (tag, current))
    cmd = [nsc, model, "--target=interp", "--run=%gms" % DURATION_MS, "--quiet",
           "--current-input", "I_stim=%gpA" % current, "--spikes", path]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd), proc.stderr))
    with open(path) as f:
        return [float(r["t_ms"]) for r in csv.DictReader(f)]


def compare(ref, got):
    """(matches, max |dt| over paired spikes or None)."""
    diffs = [abs(a - b) for a, b in zip(ref, got)]
    worst = max(diffs) if diffs else None
    return len(ref) == len(got) and (worst is None or worst <= TIME_TOL_MS), worst


def with_solver(solver, workdir):
    """A copy of the example with a model-level `semantics:` block (the
    model ends the file)."""
    path = os.path.join(workdir, "hh_psc_alpha_%s.nrn" % solver)
    with open(MODEL) as f, open(path, "w") as g:
        g.write(f.read().rstrip("\n") + "\n\n    semantics:\n        solver = %s\n" % solver)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nsc", default=os.path.join(ROOT, "build", "tools", "nsc", "nsc"))
    ap.add_argument("--reference", default=os.path.join(ROOT, "build", "test", "hh_reference"),
                    help="the built test/solvers/hh_reference.cpp")
    ap.add_argument("--currents", default=",".join(str(150 + 50 * k) for k in range(38)),
                    help="comma-separated currents in pA")
    ap.add_argument("--compare", action="append", default=[],
                    help="also run the model with this solver (repeatable)")
    ap.add_argument("--check", action="store_true", help="exit 1 unless every current matches; write no JSON")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "hh_fi.json"))
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    currents = [float(x) for x in a.currents.split(",")]
    ref = reference(a.reference, currents)
    rows = []
    with tempfile.TemporaryDirectory() as workdir, \
            concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        variants = [("auto", MODEL)] + [(s, with_solver(s, workdir)) for s in a.compare]
        futures = {(tag, i): pool.submit(nsc_spikes, a.nsc, path, i, workdir, tag)
                   for tag, path in variants for i in currents}
        for i in currents:
            row = {"current_pA": i, "reference_spikes": len(ref[i])}
            for tag, _ in variants:
                got = futures[(tag, i)].result()
                ok, worst = compare(ref[i], got)
                row[tag] = {"spikes": len(got), "max_abs_dt_ms": worst, "match": ok}
            rows.append(row)
    bad = [r for r in rows if not r["auto"]["match"]]
    tags = [t for t, _ in variants]
    print("| I (pA) | reference | " + " | ".join("%s: spikes, max dt (ms)" % t for t in tags) + " |")
    print("|---|---|" + "---|" * len(tags))
    for r in rows:
        cells = ["%d%s, %s" % (r[t]["spikes"], "" if r[t]["match"] else " ✗",
                               "—" if r[t]["max_abs_dt_ms"] is None else "%.3f" % r[t]["max_abs_dt_ms"])
                 for t in tags]
        print("| %g | %d | %s |" % (r["current_pA"], r["reference_spikes"], " | ".join(cells)))
    print("%d of %d currents match (equal count, every spike within %g ms)" %
          (len(rows) - len(bad), len(rows), TIME_TOL_MS))
    if a.check:
        return 1 if bad else 0
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = {"command": " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "nsc_commit": head, "host": platform.node(), "duration_ms": DURATION_MS,
            "dt_ms": 0.1, "reference": "test/solvers/hh_reference.cpp, classic RK4 at 0.001 ms",
            "time_tolerance_ms": TIME_TOL_MS}
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
        f.write("\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
