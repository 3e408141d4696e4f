#!/usr/bin/python3
"""The Potjans-Diesmann microcircuit at a small scale (ctest examples.microcircuit).

1. examples/microcircuit/microcircuit.nrn is `make_microcircuit.py --drive
   dc`'s output at scale 1 (the file is generated, never edited by hand);
2. at scale 0.01 (772 neurons, about 3 million synapses: full in-degrees)
   with Poisson drive and 150 ms, every population fires, at rates in a plausible band for
   this model (excitatory 0.2-40 Hz, inhibitory 1-60 Hz; the published
   full-scale rates are 0.9-7.6 Hz excitatory, 2.8-8.1 Hz inhibitory, and a
   small scale with full in-degrees runs higher, L5e most: 31 Hz here);
   not pinned counts;
3. under `mpirun -np 2` (where mpirun and MPI exist) the spike file is the
   one of one process, byte for byte (docs/mpi.md).
"""

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
GENERATOR = os.path.join(EXAMPLES, "microcircuit", "make_microcircuit.py")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_mpi_yield_when_idle="1")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--mpi", default="OFF")
    a = ap.parse_args()
    full = subprocess.run([sys.executable, GENERATOR, "--drive", "dc"], capture_output=True, text=True,
                          check=True).stdout
    if full != open(os.path.join(EXAMPLES, "microcircuit", "microcircuit.nrn")).read():
        sys.exit("FAIL: examples/microcircuit/microcircuit.nrn is not `make_microcircuit.py --drive dc`'s "
                 "output; regenerate it")
    with tempfile.TemporaryDirectory() as tmp:
        net = os.path.join(tmp, "mc.nrn")
        subprocess.run([sys.executable, GENERATOR, "--scale", "0.01", "--import",
                        os.path.join(EXAMPLES, "iaf_psc_exp.nrn"), "-o", net], check=True)
        cmd = [a.nsc, net, "--target=cpu", "--run=150ms", "--quiet"]
        p = subprocess.run(cmd + ["--stats", "--spikes=" + os.path.join(tmp, "one.csv")],
                           capture_output=True, text=True)
        if p.returncode:
            sys.exit("FAIL: %s\n%s" % (" ".join(cmd), p.stderr))
        stats = json.loads(p.stdout)
        rates = {q["name"]: q["rate_hz"] for q in stats["populations"] if not q["source"]}
        print("rates (Hz): " + ", ".join("%s %.2f" % kv for kv in rates.items()))
        for name, rate in rates.items():
            lo, hi = (0.2, 40.0) if name.endswith("e") else (1.0, 60.0)
            if not lo <= rate <= hi:
                sys.exit("FAIL: %s fires at %.2f Hz, outside [%g, %g]" % (name, rate, lo, hi))
        mpirun = shutil.which("mpirun")
        if mpirun and a.mpi.upper() in ("ON", "TRUE", "1", "YES"):
            p = subprocess.run([mpirun, "--oversubscribe", "-np", "2"] + cmd +
                               ["--spikes=" + os.path.join(tmp, "two.csv")], capture_output=True, text=True, env=ENV)
            if p.returncode:
                sys.exit("FAIL: mpirun -np 2: %s" % p.stderr)
            if not filecmp.cmp(os.path.join(tmp, "one.csv"), os.path.join(tmp, "two.csv"), shallow=False):
                sys.exit("FAIL: the spikes on 2 ranks differ from those on one process")
            print("2 ranks: the same spike file")
        else:
            print("2 ranks: not run (no mpirun or no MPI in this build)")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
