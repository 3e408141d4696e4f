#!/usr/bin/env python3
"""The performance table of docs/performance.md, from cpu_vs_brian2.py's JSON.

    python3 bench/perf_table.py                                  # print it
    python3 bench/perf_table.py --update docs/performance.md     # replace the table there
    python3 bench/perf_table.py bench/generated/cpu_vs_brian2_quick.json

--update rewrites only the lines between `<!-- perf-table:begin -->` and
`<!-- perf-table:end -->`, so every figure in the document's table comes from
a results file and can be regenerated.
"""
import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- perf-table:begin -->", "<!-- perf-table:end -->"


def fmt(x, spec, suffix=""):
    return "—" if x is None else format(x, spec) + suffix


def pair(a, b, spec):
    return f"{fmt(a, spec)} / {fmt(b, spec)}"


def table(res):
    b_all = res["benchmarks"]
    m, v = res["machine"], res["versions"]
    lines = [
        f"Measured {res['date']} with `{res['command']}`; nsc `--target={res['nsc_target']}`, "
        f"nsc {res.get('nsc_threads', 1)} thread(s), Brian2 {res.get('brian2_threads', 1)} thread(s)"
        + (" (a `--quick` smoke run)" if res.get("quick") else "") + ".",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {fmt(m.get('memory_gib'), '.0f')} GiB; "
        f"load average at start {', '.join(format(x, '.2f') for x in m.get('load_average_at_start', []))}.",
        f"Versions: nsc {v.get('nsc_git_rev')}"
        + (f", Brian2 {v['brian2']} (Python {v.get('python')}), its compiler {v.get('compiler')} "
           f"(`{' '.join(v.get('compile_args', []))}`, make `{' '.join(v.get('make_args', []))}`)"
           if v.get("brian2") else "") + ".",
        "",
        "| benchmark | neurons | synapses | simulated | nsc model to code | Brian2 build | nsc run | Brian2 run "
        "| Brian2 / nsc run | rate nsc / Brian2 | peak RSS nsc / Brian2 | bytes / synapse (nsc) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, e in b_all.items():
        n, b, r = e.get("nsc", {}), e.get("brian2", {}), e.get("ratio", {})
        neurons = n.get("neurons", b.get("neurons"))
        synapses = n.get("synapses", b.get("synapses"))
        brian_rate = fmt(b.get("rate_hz"), ".2f")
        if b.get("rate_hz_range"):
            brian_rate = f"{b['rate_hz_range'][0]:.2f}–{b['rate_hz_range'][1]:.2f}"
        lines.append(
            f"| {name} | {fmt(neurons, ',d')} | {fmt(synapses, ',d')} | {e['duration_ms']:g} ms "
            f"| {fmt(n.get('model_to_code_ms', n.get('compile_ms')), '.0f', ' ms')} | {fmt(b.get('build_s'), '.1f', ' s')} "
            f"| {fmt(n.get('run_s_per_sim_s'), '.3f', ' s/s')} | {fmt(b.get('run_s_per_sim_s'), '.3f', ' s/s')} "
            f"| {fmt(r.get('run_time_brian2_over_nsc'), '.2f', '×')} "
            f"| {fmt(n.get('rate_hz'), '.2f')} / {brian_rate} Hz "
            f"| {pair(n.get('peak_rss_mb'), b.get('peak_rss_mb'), '.0f')} MB "
            f"| {fmt(n.get('bytes_per_synapse'), '.1f')} |")
    skipped = [f"{k} ({e['brian2_skipped']})" for k, e in b_all.items() if e.get("brian2_skipped")]
    if skipped:
        lines += ["", "Brian2 not run: " + "; ".join(skipped) + "."]
    return "\n".join(lines) + "\n"


def update(doc_path, text):
    with open(doc_path) as f:
        doc = f.read()
    pattern = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        sys.exit(f"perf_table: {doc_path} has no '{BEGIN}' ... '{END}' block")
    doc = pattern.sub(lambda _: f"{BEGIN}\n{text}{END}", doc, count=1)
    with open(doc_path, "w") as f:
        f.write(doc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="?", default=os.path.join(ROOT, "bench", "results", "cpu_vs_brian2.json"))
    ap.add_argument("--update", metavar="DOC", help="replace the table block in this markdown file")
    a = ap.parse_args()
    with open(a.results) as f:
        text = table(json.load(f))
    if a.update:
        update(a.update, text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
