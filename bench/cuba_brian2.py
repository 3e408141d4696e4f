#!/usr/bin/python3
"""CUBA in nsc's reference interpreter against Brian2 cpp_standalone.

    /usr/bin/python3 bench/cuba_brian2.py [--duration-ms 1000] [--seeds 3]

Kept so the command quoted in README.md keeps working; the logic is now in
bench/cpu_vs_brian2.py, and this is exactly

    bench/cpu_vs_brian2.py --only cuba --nsc-target interp --duration MSms \
        --repeat SEEDS --out bench/results/cuba_interp_vs_brian2.json

(Brian2 seeds 1..SEEDS, rate range in brian2.rate_hz_range). For the cpu
target and the other networks use cpu_vs_brian2.py directly.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration-ms", type=float, default=1000)
    ap.add_argument("--seeds", type=int, default=3)
    a = ap.parse_args()
    sys.argv = [os.path.join(HERE, "cpu_vs_brian2.py"), "--only", "cuba", "--nsc-target", "interp",
                "--duration", f"{a.duration_ms!r}ms", "--repeat", str(a.seeds),
                "--out", os.path.join(HERE, "results", "cuba_interp_vs_brian2.json")]
    sys.path.insert(0, HERE)
    import cpu_vs_brian2
    cpu_vs_brian2.main()


if __name__ == "__main__":
    main()
