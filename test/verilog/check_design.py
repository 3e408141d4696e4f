#!/usr/bin/env python3
"""One HDL check of a design nsc generates (ctest verilog.*).

    check_design.py --nsc NSC --input FILE --top MODULE --work DIR
                    [--cycles N] [--vector-cycles M] [--seed S] [--expect-mismatch]
                    [--synth full|coarse]

Generates FILE with `nsc --target=verilog -o DIR`, then runs the design's
verify/MODULE/run.sh: verilator --lint-only -Wall, the Verilator harness
(N random cycles, every output against the C++ model on every cycle), the
replay of the first M cycles under Icarus Verilog, Yosys synthesis with
check -assert and no latches (--synth coarse stops before gate mapping:
NSC_SYNTH=coarse in run.sh). With --expect-mismatch the harness is built
with the reference model's floor turned into round-to-nearest
(NSC_WRONG_ROUNDING; for the spike detector a refractory period one sample
short) and the check passes only if the harness then FAILS
with a mismatch. A missing verilator/iverilog/yosys fails the test (it
is not skipped): scripts/install-deps installs them.
"""
import argparse
import os
import shutil
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--top", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cycles", type=int, default=1000000)
    ap.add_argument("--vector-cycles", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--expect-mismatch", action="store_true")
    ap.add_argument("--synth", choices=("full", "coarse"), default="full",
                    help="Yosys depth: full gate mapping, or coarse (stops before it; CI)")
    a = ap.parse_args()

    missing = [t for t in ("verilator", "iverilog", "vvp", "yosys") if shutil.which(t) is None]
    if missing:
        print("FAIL: missing HDL tools: " + ", ".join(missing) + " (run scripts/install-deps)")
        return 1
    if os.path.isdir(a.work):
        shutil.rmtree(a.work)
    gen = subprocess.run([a.nsc, a.input, "--target=verilog", "-o", a.work], capture_output=True, text=True)
    if gen.returncode != 0:
        print("FAIL: nsc --target=verilog exited %d\n%s" % (gen.returncode, gen.stderr))
        return 1
    script = os.path.join(a.work, "verify", a.top, "run.sh")
    if not os.path.exists(script):
        print("FAIL: nsc generated no design '%s'" % a.top)
        return 1
    env = dict(os.environ)
    env["NSC_SYNTH"] = a.synth
    if a.expect_mismatch:
        env["NSC_WRONG_ROUNDING"] = "1"
    run = subprocess.run([script, str(a.cycles), str(a.seed), str(a.vector_cycles)], capture_output=True,
                         text=True, env=env)
    out = run.stdout + run.stderr
    print(out)
    if a.expect_mismatch:
        if run.returncode == 1 and "MISMATCH" in out:
            print("OK: the harness caught the wrong rounding in the reference model")
            return 0
        print("FAIL: the harness did not fail with a wrong rounding mode (exit %d)" % run.returncode)
        return 1
    if run.returncode != 0:
        print("FAIL: run.sh exited %d" % run.returncode)
        return 1
    for needed in ("lint: clean", "PASS " + a.top + ":", "replayed under Icarus", "yosys (%s synth): no latches" % a.synth):
        if needed not in out:
            print("FAIL: expected '%s' in the output" % needed)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
