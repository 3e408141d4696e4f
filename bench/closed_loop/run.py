#!/usr/bin/python3
"""Benchmark of the closed loop (docs/closed-loop.md §9): a synthetic
60-channel MEA at 25 kHz (SNR 8), 10 ms frames, examples/closed_loop.nrn
(1,000 neurons), a 1 ms budget; per-stage p50/p99/max latency, budget
violations and detection recall/precision, as JSON.

    /usr/bin/python3 bench/closed_loop/run.py [--duration 10] [--repeats 3]
        [--fifo PRIORITY] [--nsc build/tools/nsc/nsc] [-o bench/results/closed_loop.json]

--fifo runs the frames with `nsc loop --realtime=PRIORITY` (SCHED_FIFO, as
a closed loop on a shared machine would run; needs the right to do so), so
that other processes' load does not preempt a frame.

Each repeat is one `nsc loop` run over the same recording (a fresh process:
JIT cache warm after the first); the summary keeps every repeat and the
median of their p99s, so one run disturbed by other load shows as such.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import synthetic_mea  # noqa: E402


def machine():
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "load_average_at_start": list(os.getloadavg())}


def git_rev():
    try:
        return subprocess.check_output(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=10.0, help="seconds of recording (default 10)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--fifo", type=int, metavar="PRIORITY", help="nsc loop --realtime=PRIORITY")
    p.add_argument("--nsc", default=os.path.join(ROOT, "build", "tools", "nsc", "nsc"))
    p.add_argument("-o", "--output", default=os.path.join(ROOT, "bench", "results", "closed_loop.json"))
    a = p.parse_args()

    start_machine = machine()
    with tempfile.TemporaryDirectory() as tmp:
        rec = os.path.join(tmp, "mea.npy")
        v, truth = synthetic_mea.generate(channels=60, rate_hz=25000.0, duration_s=a.duration, snr=8.0, seed=1)
        synthetic_mea.write(rec, v, truth)
        command = [a.nsc, "loop", os.path.join(ROOT, "examples", "closed_loop.nrn"), "--mea=" + rec,
                   "--sample-rate=25kHz", "--frame=10ms", "--budget=1ms"]
        if a.fifo:
            command.append(f"--realtime={a.fifo}")
        runs = []
        for i in range(a.repeats):
            report = os.path.join(tmp, f"loop{i}.json")
            subprocess.run(command + ["--report=" + report], check=True, stdout=subprocess.DEVNULL)
            with open(report) as f:
                r = json.load(f)
            frames = r["frames"]
            score = synthetic_mea.score(truth, [c for fr in frames for c in fr["detected"]["channel"]],
                                        [s for fr in frames for s in fr["detected"]["sample"]])
            runs.append({"latency": r["latency"], "totals": r["totals"], "detection": score})
            print(f"run {i}: total p50 {r['latency']['stages']['total']['p50_us']:.0f} us, "
                  f"p99 {r['latency']['stages']['total']['p99_us']:.0f} us, "
                  f"max {r['latency']['stages']['total']['max_us']:.0f} us, "
                  f"{r['latency']['violations']} of {r['latency']['frames']} frames over 1 ms; "
                  f"recall {score['recall']:.3f} precision {score['precision']:.3f}")
    p99s = sorted(run["latency"]["stages"]["total"]["p99_us"] for run in runs)
    out = {
        "benchmark": "closed_loop",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "/usr/bin/python3 bench/closed_loop/run.py " + " ".join(sys.argv[1:]),
        "nsc_loop": " ".join(["nsc", "loop", "examples/closed_loop.nrn", "--mea=<synthetic>"] + command[4:]),
        "recording": {"channels": 60, "sample_rate_hz": 25000, "duration_s": a.duration, "snr": 8.0,
                      "spikes": len(truth["sample"])},
        "model": {"file": "examples/closed_loop.nrn", "neurons": 1000},
        "frame_ms": 10, "budget_us": 1000,
        "scheduling": f"SCHED_FIFO priority {a.fifo} (--realtime)" if a.fifo else "default (SCHED_OTHER)",
        "machine": start_machine, "load_average_at_end": list(os.getloadavg()),
        "nsc_git_rev": git_rev(),
        "runs": runs,
        "median_total_p99_us": p99s[len(p99s) // 2],
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    with open(a.output, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", a.output)


if __name__ == "__main__":
    main()
