#!/usr/bin/env python3
"""The neuron core's done-when check (ctest verilog.core_spike_counts).

    check_spike_counts.py --nsc NSC --input FILE --population POP --work DIR --run-ms T

1. `nsc FILE --target=cpu --run=T --spikes cpu.csv`: the fixed-point network
   on the cpu target, every spike of every population (the Poisson drive
   included).
2. `nsc FILE --target=verilog -o DIR`; verify/nsc_top_POP/run.sh builds and
   checks the top level (lint, a short random run, Icarus, Yosys).
3. The drive's spikes become the core's input events: a spike of source
   neuron j emitted in step s reaches target neuron j (one_to_one) in step
   s + delay on the projection's port with its raw weight
   (verify/nsc_top_POP/inputs.txt says which).
4. The Verilator harness replays those events for the run's T/dt steps,
   comparing the RTL with the C++ models on every cycle, and counts the
   address-events leaving the encoder per neuron.
5. Pass when every neuron's count equals its spike count on the cpu target.
"""
import argparse
import collections
import csv
import os
import shutil
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--population", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--run-ms", type=float, default=50.0)
    a = ap.parse_args()
    missing = [t for t in ("verilator", "iverilog", "vvp", "yosys") if shutil.which(t) is None]
    if missing:
        print("FAIL: missing HDL tools: " + ", ".join(missing) + " (run scripts/install-deps)")
        return 1
    if os.path.isdir(a.work):
        shutil.rmtree(a.work)
    os.makedirs(a.work)
    cpu_csv = os.path.join(a.work, "cpu.csv")
    run = subprocess.run([a.nsc, a.input, "--target=cpu", "--run=%gms" % a.run_ms, "--spikes", cpu_csv, "--quiet"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print("FAIL: the cpu run exited %d\n%s" % (run.returncode, run.stderr))
        return 1
    hw = os.path.join(a.work, "hw")
    gen = subprocess.run([a.nsc, a.input, "--target=verilog", "-o", hw], capture_output=True, text=True)
    if gen.returncode != 0:
        print("FAIL: nsc --target=verilog exited %d\n%s" % (gen.returncode, gen.stderr))
        return 1
    top = "nsc_top_" + a.population
    vdir = os.path.join(hw, "verify", top)
    chk = subprocess.run([os.path.join(vdir, "run.sh"), "20000", "1", "20000"], capture_output=True, text=True)
    if chk.returncode != 0:
        print(chk.stdout + chk.stderr)
        print("FAIL: run.sh exited %d" % chk.returncode)
        return 1

    dt = None
    projections = []
    for line in open(os.path.join(vdir, "inputs.txt")):
        f = line.split()
        if line.startswith("# dt_ms"):
            dt = float(f[2])
        elif f and not line.startswith("#"):
            projections.append((f[0], f[1], int(f[2]), int(f[3]), int(f[4])))
    steps = int(round(a.run_ms / dt))
    spikes = collections.defaultdict(list)  # population -> [(step emitted, index)]
    with open(cpu_csv) as fh:
        for row in csv.DictReader(fh):
            spikes[row["population"]].append((int(round(float(row["t_ms"]) / dt)) - 1, int(row["index"])))
    events = []
    for source, rule, port, w, delay in projections:
        if rule != "one_to_one":
            print("FAIL: this check feeds one_to_one projections only ('%s' is %s)" % (source, rule))
            return 1
        for step, idx in spikes[source]:
            if step + delay < steps:
                events.append((step + delay, idx, port, w))
    events.sort()
    stim = os.path.join(a.work, "stimulus.txt")
    with open(stim, "w") as fh:
        for e in events:
            fh.write("%d %d %d %d\n" % e)
    counts_file = os.path.join(a.work, "counts.txt")
    rep = subprocess.run([os.path.join(vdir, "obj", "V" + top), "--stimulus", stim, "--steps", str(steps),
                          "--counts", counts_file], capture_output=True, text=True)
    print(rep.stdout + rep.stderr)
    if rep.returncode != 0:
        print("FAIL: the stimulus replay exited %d" % rep.returncode)
        return 1
    hw_counts = {}
    for line in open(counts_file):
        i, c = line.split()
        hw_counts[int(i)] = int(c)
    cpu_counts = collections.Counter(idx for step, idx in spikes[a.population] if step < steps)
    bad = [(i, cpu_counts.get(i, 0), c) for i, c in sorted(hw_counts.items()) if cpu_counts.get(i, 0) != c]
    total_cpu, total_hw = sum(cpu_counts.values()), sum(hw_counts.values())
    print("%d steps, %d input events; spikes: cpu %d, core + encoder %d; neurons differing: %d of %d"
          % (steps, len(events), total_cpu, total_hw, len(bad), len(hw_counts)))
    for i, c, h in bad[:10]:
        print("  neuron %d: cpu %d, core %d" % (i, c, h))
    if bad or total_cpu == 0:
        print("FAIL: spike counts differ" if bad else "FAIL: no spikes at all (the check would prove nothing)")
        return 1
    print("OK: per-neuron spike counts of the core + encoder equal the cpu target's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
