#!/usr/bin/env python3
"""nsc at --threads=1 and 2, side by side: run time and construction.

    python3 bench/threads.py                          # cuba_40k run (1 s) and cuba_1m construction
    python3 bench/threads.py --only cuba_40k --duration 500ms --repeat 3
    python3 bench/threads.py --only cuba_1m --threads 1,2

For each benchmark (bench/suite.py writes the generated networks) and each
thread count, `--repeat` fresh processes of
`nsc FILE --target=cpu --threads=N --run=D --stats --spikes=FILE`, with the
runs in turn (1, 2, 1, 2, ...) so that a change of the machine's load hits
both alike. Reported per thread count, medians: run_ms (wall time of the step
loop), run_cpu_ms (CPU time of every thread during it), network_build_ms and
connect_ms (construction: wall time), peak RSS; the speed-up of each count
over one thread; and whether the spike files of every count are
byte-identical to one thread's (they must be, docs/semantics.md R17).
The load average before and after is recorded: on a shared machine the
wall times are upper bounds. cuba_1m runs 10 ms (the construction is the
figure). Writes bench/results/threads.json (--out to change).
"""
import argparse
import datetime
import filecmp
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import cpu_vs_brian2 as cvb  # noqa: E402  (run_measured, machine_info, median, parse_duration_ms)
import suite  # noqa: E402  (benchmarks, prepare)


def run_once(a, path, network, threads, duration_ms, spikes, cache):
    cmd = [a.nsc, path, "--network", network, "--target=cpu", f"--threads={threads}", f"--run={duration_ms!r}ms", "--stats",
           "--quiet", f"--spikes={spikes}"]
    env = dict(os.environ, NSC_CACHE_DIR=cache)
    rc, out, err, wall, rss = cvb.run_measured(cmd, env=env, timeout=a.timeout)
    if rc != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {rc}):\n{err[-3000:]}")
    st = json.loads(out)
    return {"run_ms": st["run_ms"], "run_cpu_ms": st.get("run_cpu_ms"), "network_build_ms": st["build_ms"],
            "connect_ms": st.get("connect_ms"), "spikes": st["spikes"], "synapses": st["synapses"],
            "peak_rss_mb": rss, "wall_s": wall}


def summarize(runs):
    out = {k: cvb.median([r[k] for r in runs]) for k in
           ("run_ms", "run_cpu_ms", "network_build_ms", "connect_ms", "peak_rss_mb")
           if all(r.get(k) is not None for r in runs)}
    out["spikes"] = runs[0]["spikes"]
    out["synapses"] = runs[0]["synapses"]
    out["runs"] = runs
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="cuba_40k,cuba_1m", help="benchmarks of bench/suite.py")
    ap.add_argument("--threads", default="1,2", help="thread counts (the first is the baseline)")
    ap.add_argument("--duration", type=cvb.parse_duration_ms, default=1000.0,
                    help="simulated time (default 1s; cuba_1m always 10 ms)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--nsc", default=os.path.join(ROOT, "build", "tools", "nsc", "nsc"))
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--out", default=os.path.join(HERE, "results", "threads.json"))
    a = ap.parse_args()
    counts = [int(t) for t in a.threads.split(",")]
    known = suite.benchmarks()
    result = {"date": datetime.datetime.now().isoformat(timespec="seconds"),
              "command": " ".join(["python3"] + sys.argv), "machine": cvb.machine_info(),
              "nsc_revision": cvb.nsc_versions(a.nsc), "benchmarks": {}}
    with tempfile.TemporaryDirectory() as work:
        cache = os.path.join(work, "cache")
        for name in a.only.split(","):
            if name not in known:
                sys.exit(f"threads.py: error: unknown benchmark '{name}' (known: {', '.join(known)})")
            rel, network, _ = known[name]
            path = suite.prepare(rel, network)
            duration = 10.0 if name == "cuba_1m" else a.duration
            runs = {t: [] for t in counts}
            for rep in range(a.repeat):
                for t in counts:
                    spikes = os.path.join(work, f"{name}_{t}_{rep}.csv")
                    runs[t].append(run_once(a, path, network, t, duration, spikes, cache))
                    print(f"{name} threads={t} run {rep + 1}: {runs[t][-1]['run_ms']:.0f} ms run, "
                          f"{runs[t][-1]['network_build_ms']:.0f} ms build", file=sys.stderr)
            base = os.path.join(work, f"{name}_{counts[0]}_0.csv")
            identical = all(filecmp.cmp(base, os.path.join(work, f"{name}_{t}_{rep}.csv"), shallow=False)
                            for t in counts for rep in range(a.repeat))
            entry = {"file": rel, "simulated_ms": duration, "spikes_identical": identical,
                     "threads": {str(t): summarize(runs[t]) for t in counts}}
            one = entry["threads"][str(counts[0])]
            entry["speedup"] = {str(t): {k: one[k] / entry["threads"][str(t)][k]
                                         for k in ("run_ms", "network_build_ms", "connect_ms")
                                         if entry["threads"][str(t)].get(k)}
                                for t in counts[1:]}
            result["benchmarks"][name] = entry
    result["load_average_at_end"] = list(os.getloadavg())
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    for name, e in result["benchmarks"].items():
        for t, s in e["threads"].items():
            print(f"{name} --threads={t}: run {s['run_ms']:.0f} ms (cpu {s.get('run_cpu_ms', 0):.0f} ms), "
                  f"build {s['network_build_ms']:.0f} ms (connect {s.get('connect_ms', 0):.0f} ms), "
                  f"{s['peak_rss_mb']:.0f} MB")
        print(f"{name}: speed-up {e['speedup']}, spikes identical: {e['spikes_identical']}")
    print(f"load average {result['machine']['load_average_at_start']} -> {result['load_average_at_end']}; "
          f"wrote {a.out}")
    if not all(e["spikes_identical"] for e in result["benchmarks"].values()):
        sys.exit("threads.py: error: spike files differ between thread counts")


if __name__ == "__main__":
    main()
