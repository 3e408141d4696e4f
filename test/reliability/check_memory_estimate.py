#!/usr/bin/env python3
"""The memory estimate against the measured peak (ctest reliability.memory-estimate).

CUBA (examples/cuba.nrn) scaled to a few sizes where the network, not the
compiler, takes most of the memory, and a traced single-model run where the
samples and the .npy table written from them do: `nsc --dry-run` prints the estimate and
the memory the process already holds; the real run's peak resident set
(wait4's ru_maxrss) must lie within a factor of 1.5 of their sum. Not a
timing test: it checks the estimator's byte counts against the engine's
allocations, so a layout change in one and not the other fails here.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}
FACTOR = 1.5


def size(text):
    value, unit = text.split()
    return float(value) * UNITS[unit]


def run(cmd):
    """Runs cmd; returns (exit status, stdout, stderr, peak RSS in bytes)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read().decode(), err.read().decode(), usage.ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--examples", required=True)
    ap.add_argument("--sizes", default="12000,24000", help="total neurons of the scaled CUBA networks")
    ap.add_argument("--target", default="interp")
    args = ap.parse_args()
    source = open(os.path.join(args.examples, "cuba.nrn")).read()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for total in [int(s) for s in args.sizes.split(",")]:
            exc, inh = total * 4 // 5, total // 5
            text = source.replace("cuba_neuron[3200]", f"cuba_neuron[{exc}]").replace(
                "cuba_neuron[800]", f"cuba_neuron[{inh}]")
            path = os.path.join(tmp, f"cuba_{total}.nrn")
            with open(path, "w") as f:
                f.write(text)
            cases.append((f"cuba, {total} neurons", [path, "--run=5ms"]))
        # Samples dominate: --trace kept in memory, then the .npy table built to write it.
        cases.append(("1000 traced neurons, 300 ms, .npy",
                      [os.path.join(args.examples, "iaf_psc_exp.nrn"), "--n", "1000", "--run=300ms",
                       "--trace", "V_m", "--trace-out", os.path.join(tmp, "trace.npy")]))
        for label, case in cases:
            base = [args.nsc] + case + [f"--target={args.target}", "--quiet"]
            rc, out, err, _ = run(base + ["--dry-run"])
            if rc != 0:
                print(f"FAIL {label}: --dry-run exited {rc}\n{out}{err}")
                failures += 1
                continue
            est = size(re.search(r"^  total +([0-9.]+ \w+)", out, re.M).group(1))
            now = size(re.search(r"^this process now: ([0-9.]+ \w+) resident", out, re.M).group(1))
            rc, out2, err2, peak = run(base)
            if rc != 0:
                print(f"FAIL {label}: the run exited {rc}\n{err2}")
                failures += 1
                continue
            predicted = est + now
            ratio = predicted / peak
            ok = 1 / FACTOR <= ratio <= FACTOR
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {label}: estimate {est / 2**20:.1f} MiB + "
                  f"{now / 2**20:.1f} MiB already resident = {predicted / 2**20:.1f} MiB; "
                  f"measured peak {peak / 2**20:.1f} MiB; ratio {ratio:.2f} (allowed {1 / FACTOR:.2f}..{FACTOR})")
            if not ok:
                print(out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
