#!/usr/bin/env python3
"""The table of bench/results/suite.json (bench/suite.py) as Markdown.

    python3 bench/suite_table.py [bench/results/suite.json]
    python3 bench/suite_table.py --update docs/performance.md

--update rewrites only the lines between `<!-- suite-table:begin -->` and
`<!-- suite-table:end -->`, so every figure there comes from the results file.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = "<!-- suite-table:begin -->", "<!-- suite-table:end -->"


def ms(x):
    return "—" if x is None else f"{x:,.0f} ms"


def times(x):
    return "—" if x is None else f"{x:.2f}×"


def table(res):
    m, v = res["machine"], res["versions"]
    load = ", ".join(f"{x:.2f}" for x in m.get("load_average_at_start", []))
    lines = [f"Measured {res['date']} with `{res['command']}`, {res['duration_ms']:g} ms simulated, one thread.",
             "",
             f"Machine: {m['cpu']}, {m['cores']} cores; load average at start {load}. "
             f"nsc {v.get('nsc_git_rev')}; Brian2 {v.get('brian2', v.get('brian2_version', '—'))}.",
             "",
             "| benchmark | synapses | nsc build (connectivity) | nsc run | reference run (exact / fast-math) "
             "| Brian2 run | nsc / reference | nsc / Brian2 | spikes nsc / reference (exact, fast-math) / Brian2 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, e in res["benchmarks"].items():
        n, r, b, q = e.get("nsc", {}), e.get("reference", {}), e.get("brian2", {}), e.get("ratio", {})
        ex, fm = r.get("exact", {}), r.get("fast-math", {})
        build = f"{ms(n.get('network_build_ms'))} ({ms(n.get('connect_ms'))})" if n else "—"
        ref_run = f"{ms(ex.get('run_ms'))} / {ms(fm.get('run_ms'))}" if r else "—"
        b_run = ms(b["run_s"] * 1000) if b.get("run_s") is not None else "—"
        spikes = (f"{n.get('spikes', '—')} / {ex.get('spikes', '—')}, {fm.get('spikes', '—')} / "
                  f"{b.get('spikes', '—')}")
        lines.append(f"| {name} | {n.get('synapses', 0):,} | {build} | {ms(n.get('run_ms'))} | {ref_run} | {b_run} "
                     f"| {times(q.get('nsc_over_reference'))} | {times(q.get('nsc_over_brian2'))} | {spikes} |")
    return "\n".join(lines)


def update(path, text):
    doc = open(path).read()
    if BEGIN not in doc or END not in doc:
        sys.exit(f"{path}: no {BEGIN} ... {END} markers")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(path, "w") as f:
        f.write(head + BEGIN + "\n" + text + "\n" + END + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="?", default=os.path.join(HERE, "results", "suite.json"))
    ap.add_argument("--update", metavar="DOC")
    a = ap.parse_args()
    text = table(json.load(open(a.results)))
    if a.update:
        update(a.update, text)
    else:
        print(text)


if __name__ == "__main__":
    main()
