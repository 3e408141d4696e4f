#!/usr/bin/env python3
"""The Potjans & Diesmann (2014) cortical microcircuit: build and run figures,
rates per population, on one process and under MPI (docs/mpi.md,
docs/performance.md "Cortical microcircuit").

    python3 bench/microcircuit.py                         # full scale, 1 s: 1 rank x 2 threads and 2 ranks x 1 thread
    python3 bench/microcircuit.py --scale 0.1 --run 2s    # a smaller circuit
    python3 bench/microcircuit.py --configs 2x1           # ranks x threads per rank

For each configuration (R ranks x T threads per rank) it runs

    [mpirun -np R] nsc MICROCIRCUIT --target=cpu --run=RUN --threads=T --stats --spikes=FILE

and records `build_ms` (of which `connect_ms` draws the 0.3 billion
synapses), `run_ms`, the real-time factor (run time / simulated time), the
peak resident memory (per rank under MPI, from `--stats`; of the process
otherwise, from /usr/bin/time), bytes per synapse, the exchange's share of the
run under MPI, and each population's rate after a warm-up (--warmup, default
200 ms: the start from random membrane potentials fires every population at
once). Spike files of all configurations are compared byte for byte (R40).

Writes bench/results/microcircuit.json (another --scale:
bench/generated/microcircuit_SCALE.json). Published figures for the same
model are stored beside ours with their sources; they ran on other machines.
"""
import argparse
import datetime
import filecmp
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Rates (Hz) of the excitatory populations of the full-scale model as the
# literature reports them (Potjans & Diesmann 2014, Poisson background; the
# values nsc's issue 20 names); the inhibitory populations fire faster. The
# checked-in file uses the DC background variant, whose rates differ somewhat.
PUBLISHED_RATES_HZ = {"L23e": 0.9, "L4e": 4.4, "L5e": 7.6, "L6e": 1.1}

# Real-time factors (wall time per simulated second) published for the same
# model at dt = 0.1 ms; other hardware, quoted, not measured here.
PUBLISHED_RTF = [
    {"simulator": "NEST (CPU cluster, MPI + threads)", "rtf": 3.0,
     "source": "van Albada et al. 2018, Front. Neurosci. 12:291 (runtime saturates around 3x real time)"},
    {"simulator": "NEST (one recent compute node)", "rtf": "< 1",
     "source": "Kurth et al. 2022, Neuromorph. Comput. Eng. 2:021001 (sub-realtime)"},
    {"simulator": "GeNN (one NVIDIA Tesla V100)", "rtf": 2.0,
     "source": "Knight & Nowotny 2018, Front. Neurosci. 12:941 (speeds approaching 0.5x real time)"},
    {"simulator": "SpiNNaker", "rtf": 20.0,
     "source": "van Albada et al. 2018 (slowdown of about 20 for NEST's accuracy)"},
]


def parse_ms(text):
    text = text.strip()
    for unit, f in (("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * f
    return float(text)


def load_avg():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def population_sizes(nrn):
    sizes = {}
    with open(nrn) as f:
        for line in f:
            s = line.strip()
            if "= iaf_psc_exp[" in s:
                name = s.split("=")[0].strip()
                sizes[name] = int(s.split("[")[1].split("]")[0])
    return sizes


def rates_after(spikes_csv, names, sizes, warmup_ms, run_ms):
    counts = {n: 0 for n in names}
    with open(spikes_csv) as f:
        next(f)
        for line in f:
            t, pop, _ = line.split(",", 2)
            if float(t) >= warmup_ms:
                counts[pop] += 1
    span_s = (run_ms - warmup_ms) / 1000.0
    return {n: counts[n] / (sizes[n] * span_s) for n in names}


def run_config(nsc, nrn, ranks, threads, run, out_dir):
    spikes = os.path.join(out_dir, f"spikes_{ranks}x{threads}.csv")
    cmd = [nsc, nrn, "--target=cpu", f"--run={run}", f"--threads={threads}", "--stats", "--quiet",
           f"--spikes={spikes}"]
    env = dict(os.environ)
    peak_file = os.path.join(out_dir, "time.txt")
    if ranks > 1:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        cmd = ["mpirun", "--oversubscribe", "-np", str(ranks)] + cmd
    else:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", peak_file] + cmd
    load0 = load_avg()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    stats = json.loads(p.stdout[p.stdout.index("{"):])
    sim_ms = stats["simulated_ms"]
    row = {"ranks": ranks, "threads_per_rank": threads, "load_before": load0, "load_after": load_avg(),
           "build_ms": stats["build_ms"], "connect_ms": stats.get("connect_ms"), "run_ms": stats["run_ms"],
           "run_cpu_ms": stats.get("run_cpu_ms"), "simulated_ms": sim_ms,
           "real_time_factor": stats["run_ms"] / sim_ms, "neurons": stats["neurons"],
           "synapses": stats["synapses"], "bytes_per_synapse": stats["bytes_per_synapse"],
           "spikes": stats["spikes"]}
    dist = stats.get("distributed")
    if dist:
        row["window_steps"] = dist.get("window_steps")
        row["exchanges"] = dist.get("exchanges")
        row["exchange_share"] = dist.get("exchange_share")
        row["load_imbalance"] = dist.get("load_imbalance")
        row["per_rank"] = [{k: r.get(k) for k in ("build_ms", "run_ms", "exchange_ms", "compute_ms", "neurons",
                                                  "synapses", "synapse_bytes", "peak_rss_bytes")}
                           for r in dist.get("ranks", [])]
        row["peak_rss_mib_per_rank"] = [r["peak_rss_bytes"] / 2**20 for r in dist.get("ranks", [])
                                        if r.get("peak_rss_bytes")]
    else:
        with open(peak_file) as f:
            row["peak_rss_mib"] = int(f.read().split()[-1]) / 1024.0
    return row, spikes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nsc", default=os.path.join(ROOT, "build", "tools", "nsc", "nsc"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--run", default="1s")
    ap.add_argument("--warmup", default="200ms")
    ap.add_argument("--configs", default="1x2,2x1", help="RANKSxTHREADS, comma-separated")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="nsc-microcircuit-")
    if args.scale == 1.0:
        nrn = os.path.join(ROOT, "examples", "microcircuit", "microcircuit.nrn")
        out = os.path.join(ROOT, "bench", "results", "microcircuit.json")
    else:
        nrn = os.path.join(ROOT, "examples", "microcircuit", f"bench_scale_{args.scale:g}.nrn")
        subprocess.run([sys.executable, os.path.join(ROOT, "examples", "microcircuit", "make_microcircuit.py"),
                        "--scale", str(args.scale), "--drive", "dc", "-o", nrn], check=True)
        out = os.path.join(ROOT, "bench", "generated", f"microcircuit_{args.scale:g}.json")
    sizes = population_sizes(nrn)
    names = list(sizes)
    run_ms, warmup_ms = parse_ms(args.run), parse_ms(args.warmup)

    rows, files = [], []
    try:
        for cfg in args.configs.split(","):
            ranks, threads = (int(x) for x in cfg.split("x"))
            print(f"microcircuit scale {args.scale:g}: {ranks} rank(s) x {threads} thread(s), {args.run} ...",
                  flush=True)
            row, spikes = run_config(args.nsc, nrn, ranks, threads, args.run, work)
            row["rates_hz"] = rates_after(spikes, names, sizes, warmup_ms, run_ms)
            rows.append(row)
            files.append(spikes)
            print(f"  build {row['build_ms'] / 1000:.1f} s, run {row['run_ms'] / 1000:.1f} s "
                  f"(real-time factor {row['real_time_factor']:.1f}), rates "
                  + ", ".join(f"{n} {r:.2f}" for n, r in row["rates_hz"].items()), flush=True)
        identical = all(filecmp.cmp(files[0], f, shallow=False) for f in files[1:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.scale != 1.0 and os.path.exists(nrn):
            os.remove(nrn)

    result = {
        "benchmark": "Potjans & Diesmann (2014) cortical microcircuit, DC background",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "scale": args.scale, "run": args.run, "warmup": args.warmup,
        "spike_files_identical_across_configs": identical,
        "published_rates_hz": PUBLISHED_RATES_HZ, "published_real_time_factors": PUBLISHED_RTF,
        "configs": rows,
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=2)
    print(f"spike files identical across configurations: {identical}; wrote {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
