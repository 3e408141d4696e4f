#!/usr/bin/env python3
"""Regenerates the golden `--emit=ir` tests of test/lit/ir from the examples.

Usage: update_golden.py NSC_BINARY [EXAMPLE...]
Each test pins every line of the IR text (CHECK / CHECK-NEXT / CHECK-EMPTY),
so any change to lowering or to the printer shows up as a test diff: review
it, then rerun this script to accept it.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "..", "examples")


def escape(line):
    # FileCheck reads [[...]] as variables and {{...}} as regexes.
    return line.replace("{{", "{{[{][{]}}").replace("[[", "{{\\[\\[}}")


def golden(nsc, rel):
    path = os.path.join(EXAMPLES, rel)
    out = subprocess.run([nsc, path, "--emit=ir"], check=True, capture_output=True, text=True).stdout
    name = rel.replace("/", "_").rsplit(".", 1)[0]
    lines = [
        f"# Golden IR of examples/{rel}: every line of `nsc --emit=ir` is pinned.",
        "# Regenerate with test/lit/ir/update_golden.py after reviewing the diff.",
        f"# RUN: nsc %examples/{rel} --emit=ir | FileCheck %s --match-full-lines --strict-whitespace",
        "",
    ]
    first = True
    for line in out.rstrip("\n").split("\n"):
        if line == "":
            lines.append("# CHECK-EMPTY:")
        elif first:
            lines.append(f"# CHECK:{escape(line)}")
        else:
            lines.append(f"# CHECK-NEXT:{escape(line)}")
        first = False
    with open(os.path.join(HERE, f"golden_{name}.test"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    nsc = sys.argv[1]
    examples = sys.argv[2:] or sorted(
        os.path.relpath(os.path.join(d, f), EXAMPLES)
        for d, _, fs in os.walk(EXAMPLES)
        for f in fs
        if f.endswith((".nrn", ".nestml")))
    for rel in examples:
        golden(nsc, rel)


if __name__ == "__main__":
    main()
