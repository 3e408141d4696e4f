#!/usr/bin/env python3
"""The hand-written references build and agree with nsc (ctest bench.references).

For examples/cuba.nrn and examples/coba.nrn: compiles bench/reference/NAME.cpp
with the exact flags (g++ -O3 -march=native -ffp-contract=off), runs it on the
network nsc built (network.nscimg) for a short time, and requires the same
spike count per population as `nsc --target=cpu` for the same time. No
timing is checked (bench/suite.py measures).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import references  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--examples", required=True)
    ap.add_argument("--run-ms", type=float, default=50.0)
    a = ap.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="nsc-references-") as tmp:
        for name in ("cuba", "coba"):
            path = os.path.join(a.examples, f"{name}.nrn")
            references.check_slots(a.nsc, path, name, name)
            image = references.write_image(a.nsc, path, name, os.path.join(tmp, name))
            exe = references.compile_reference(name, "exact", tmp)
            ref = json.loads(subprocess.run([exe, image, f"--run-ms={a.run_ms!r}"], check=True,
                                            capture_output=True, text=True).stdout)
            r = subprocess.run([a.nsc, path, "--target=cpu", f"--run={a.run_ms!r}ms", "--stats", "--quiet"],
                               check=True, capture_output=True, text=True, env=dict(os.environ, NSC_CACHE_DIR=tmp))
            nsc = json.loads(r.stdout)
            want = {p["name"]: p["spikes"] for p in nsc["populations"]}
            ok = want == ref["populations"] and sum(want.values()) > 0
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}, {a.run_ms:g} ms: nsc {want}, reference {ref['populations']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
