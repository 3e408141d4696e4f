#!/usr/bin/python3
"""Distributed runs give the files of one process (ctest mpi.ranks).

Runs examples/cuba.nrn on one process, then under `mpirun --oversubscribe
-np 2` and `-np 3` with --threads=1 and 2 (and test/mpi/inputs/mixed.nrn on
cpu and interp: sources, random delays, uneven blocks), and compares the spike files, --trace files and --record-dir files byte
for byte (docs/mpi.md, docs/semantics.md R40). Checks --stats' per-rank
figures against the single-process totals. Exits 77 (skipped, with the
reason) when mpirun is absent or this build has no MPI.

Usage: check_ranks.py --nsc BUILD/tools/nsc/nsc --mpi ON|OFF
"""

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
MIXED = os.path.join(ROOT, "test", "mpi", "inputs", "mixed.nrn")

# CI runs as root; Open MPI refuses that unless told.
# More ranks than cores: ranks waiting in the exchange yield the core.
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_mpi_yield_when_idle="1")


def run(cmd, expect=0):
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=120)
    if p.returncode != expect:
        sys.exit("FAIL: exit %d (expected %d): %s\n%s%s" % (p.returncode, expect, " ".join(cmd),
                                                           p.stdout, p.stderr))
    return p


def outputs(nsc, net, target, folder, extra):
    os.makedirs(folder)
    return [nsc, net, "-I", EXAMPLES, "--target=" + target, "--quiet",
            "--spikes=" + os.path.join(folder, "spikes.csv"),
            "--record-dir=" + os.path.join(folder, "rec")] + extra


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only:
        return "files differ: %s vs %s" % (cmp.left_only, cmp.right_only)
    for name in sorted(os.listdir(a)):
        pa, pb = os.path.join(a, name), os.path.join(b, name)
        if os.path.isdir(pa):
            if (e := same_tree(pa, pb)):
                return e
        elif not filecmp.cmp(pa, pb, shallow=False):
            return "%s differs" % os.path.relpath(pb)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--mpi", default="ON")
    args = ap.parse_args()
    mpirun = shutil.which("mpirun")
    if not mpirun:
        print("SKIPPED: mpirun is not installed (scripts/install-deps installs openmpi-bin)")
        return 77
    if args.mpi.upper() not in ("ON", "TRUE", "1", "YES"):
        print("SKIPPED: this build has no MPI (CMake did not find it; scripts/install-deps installs "
              "libopenmpi-dev)")
        return 77
    cuba = os.path.join(EXAMPLES, "cuba.nrn")
    cases = [
        # (network, target, run, extra options, (ranks, threads)...)
        (cuba, "cpu", "100ms", ["--trace=V_m[exc[0:7]],g_i[inh[790:800]]"], [(2, 1), (2, 2), (3, 1)]),  # 3x2: the mixed case
        (MIXED, "cpu", "100ms", ["--trace=V_m[inh]", "--trace-every=0.5ms"], [(3, 2)]),
        (MIXED, "interp", "60ms", [], [(2, 1)]),
    ]
    stats = {}
    with tempfile.TemporaryDirectory() as tmp:
        for c, (net, target, duration, trace, layouts) in enumerate(cases):
            name = os.path.basename(net)
            base = os.path.join(tmp, "%d-base" % c)
            extra = ["--run=" + duration, "--stats", "--trace-out=" + os.path.join(base, "trace.csv")] + trace
            t0 = time.time()
            stats[(c, 1)] = json.loads(run(outputs(args.nsc, net, target, base, extra)).stdout)
            spikes = sum(1 for _ in open(os.path.join(base, "spikes.csv"))) - 1
            if spikes < 50:
                sys.exit("FAIL: %s: only %d spikes on one process: the comparison would prove little" %
                         (name, spikes))
            for ranks, threads in layouts:
                out = os.path.join(tmp, "%d-%dx%d" % (c, ranks, threads))
                extra = ["--run=" + duration, "--threads=%d" % threads, "--stats",
                         "--trace-out=" + os.path.join(out, "trace.csv")] + trace
                p = run([mpirun, "--oversubscribe", "-np", str(ranks)] + outputs(args.nsc, net, target, out, extra))
                stats[(c, ranks)] = json.loads(p.stdout)
                if (e := same_tree(base, out)):
                    sys.exit("FAIL: %s on %s, %d ranks x %d threads: %s" % (name, target, ranks, threads, e))
            print("%s on %s: %d spikes, files identical on 1 and %s ranks x threads (%.1f s)" %
                  (name, target, spikes, ", ".join("%dx%d" % l for l in layouts), time.time() - t0))

    # --stats: rank 0 prints the totals and each rank's share.
    one, two = stats[(0, 1)], stats[(0, 2)]
    d = two["distributed"]
    checks = [
        (two["synapses"] == one["synapses"], "synapse total %s vs %s" % (two["synapses"], one["synapses"])),
        (two["spikes"] == one["spikes"], "spike count %s vs %s" % (two["spikes"], one["spikes"])),
        (len(d["ranks"]) == 2, "%d rank entries" % len(d["ranks"])),
        (sum(r["neurons"] for r in d["ranks"]) == 4000, "neurons per rank %s" % [r["neurons"] for r in d["ranks"]]),
        (sum(r["synapses"] for r in d["ranks"]) == one["synapses"], "synapses per rank"),
        (d["window_steps"] == 1 and d["exchanges"] == 1000, "window %s, %s exchanges" % (d["window_steps"], d["exchanges"])),
        (stats[(1, 3)]["distributed"]["window_steps"] == 5, "mixed.nrn's window (0.5 ms minimum delay)"),
        (d["load_imbalance"] >= 1.0, "load imbalance %s" % d["load_imbalance"]),
        (all(r["peak_rss_bytes"] > 0 and r["build_ms"] > 0 for r in d["ranks"]), "per-rank memory/build time"),
        (d["mpi"].startswith("MPI ("), "mpi %r" % d["mpi"]),
        ("distributed" not in one, "one process has no per-rank figures"),
    ]
    for ok, what in checks:
        if not ok:
            sys.exit("FAIL: --stats on 2 ranks: " + what + "\n" + json.dumps(two, indent=1))
    print("--stats on 2 ranks: totals as on one process; load imbalance %.2f, exchange share %.2f" %
          (d["load_imbalance"], d["exchange_share"]))
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
