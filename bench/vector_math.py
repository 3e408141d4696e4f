#!/usr/bin/env python3
"""Vector math, float32 and worker-pool figures (docs/vector-math.md).

    python3 bench/vector_math.py                          # this build
    python3 bench/vector_math.py --baseline /tmp/nsc-old  # and an older nsc, side by side
    python3 bench/vector_math.py --quick                  # 100 ms runs, 2 repeats (smoke)

Measures, with build/tools/nsc/nsc (or --nsc):

* `coba`: examples/coba.nrn (4000 neurons, exponential Euler: one expm1 per
  neuron and step), 1 s, one thread; with --baseline the same on the older
  binary (the one that called libm's scalar exp, for "before/after").
* `vectorised`: whether the neuron loop of COBA, Hodgkin-Huxley
  (examples/hh_psc_alpha.nrn with `solver = exp_euler`) and AdEx
  (examples/aeif_cond_exp.nrn with `solver = rk4`) has a vector body
  (`--emit=llvm`: a `vector.body` block; the widest <N x double>), and how
  many calls the assembly has left.
* `float32`: CUBA (examples/cuba.nrn) in float64 and float32, one thread,
  and `nsc verify --targets=cpu,cpu:precision=float32` (spike-train
  distances of float32 against float64).
* `threads`: CUBA 4k (examples/cuba.nrn) and CUBA 40k (fixed in-degree 80,
  the scaling file of bench/cpu_vs_brian2.py) at --threads=1 and 2; spike
  files compared byte for byte.

Every figure is the minimum over --repeat fresh processes of `run_ms` (wall
time of the step loop) and `run_cpu_ms` (CPU time of the process during the
loop: with one thread it is the work itself, which other load on the
machine does not inflate). The load average is recorded before and after
each series: other engineers build on the same 2 cores, so wall times with
two threads depend on it. Writes bench/results/vector_math.json (--quick:
bench/generated/vector_math_quick.json).
"""
import argparse
import datetime
import filecmp
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATED = os.path.join(ROOT, "bench", "generated")
sys.path.insert(0, os.path.join(ROOT, "bench"))
from cpu_vs_brian2 import write_scaling_file  # noqa: E402  (one CUBA-40k template)


def load():
    return list(os.getloadavg())


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    flags = ""
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        pass
    simd = "avx512f" if " avx512f" in flags else "avx2" if " avx2" in flags else "sse2"
    return {"cpu": model, "cores": os.cpu_count(), "simd": simd, "platform": platform.platform()}


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return ""


def variant(src, name, edit):
    """A copy of examples/SRC with edit(text) applied, in bench/generated/."""
    os.makedirs(GENERATED, exist_ok=True)
    with open(os.path.join(ROOT, "examples", src)) as f:
        text = edit(f.read())
    path = os.path.join(GENERATED, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_stats(nsc, path, duration, threads, spikes=None, cache=None):
    cmd = [nsc, path, "--target=cpu", f"--run={duration}", f"--threads={threads}", "--quiet", "--stats"]
    if os.path.basename(path).startswith("cuba_n"):  # the scaling files import cuba.nrn's network too
        cmd.append("--network=" + os.path.basename(path)[:-4])
    if spikes:
        cmd.append(f"--spikes={spikes}")
    env = dict(os.environ)
    if cache:
        env["NSC_CACHE_DIR"] = cache
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr[-2000:]}")
    return json.loads(p.stdout[p.stdout.index("{"):])


def series(nsc, path, duration, threads, repeat, cache, spikes=None):
    before = load()
    runs = [run_stats(nsc, path, duration, threads, spikes if i == 0 else None, cache) for i in range(repeat)]
    return {
        "file": os.path.relpath(path, ROOT),
        "threads": threads,
        "duration": duration,
        "repeats": repeat,
        "run_ms_min": min(r["run_ms"] for r in runs),
        "run_cpu_ms_min": min(r.get("run_cpu_ms", float("nan")) for r in runs),
        "run_ms_all": [round(r["run_ms"], 2) for r in runs],
        "spikes": runs[0]["spikes"],
        "neurons": runs[0]["neurons"],
        "load_before": before,
        "load_after": load(),
    }


def vectorised(nsc, path):
    with tempfile.TemporaryDirectory() as d:
        ll, asm = os.path.join(d, "m.ll"), os.path.join(d, "m.s")
        subprocess.run([nsc, path, "--emit=llvm", "-o", ll], check=True, cwd=ROOT, capture_output=True)
        subprocess.run([nsc, path, "--emit=asm", "-o", asm], check=True, cwd=ROOT, capture_output=True)
        text = open(ll).read()
        widths = [int(w) for w in re.findall(r"<(\d+) x double>", text)]
        calls = re.findall(r"\bcall[q]?\s+(\S+)", open(asm).read())
    return {"file": os.path.relpath(path, ROOT), "vector_body": "\nvector.body:" in text,
            "widest_double_vector": max(widths) if widths else 1,
            "calls": sorted(set(c.split("@")[0] for c in calls))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nsc", default=os.path.join(ROOT, "build", "tools", "nsc", "nsc"))
    ap.add_argument("--baseline", help="an older nsc binary to measure COBA and threads with as well")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    duration = "100ms" if a.quick else "1s"
    repeat = 2 if a.quick else a.repeat
    binaries = {"nsc": a.nsc}
    if a.baseline:
        binaries["baseline"] = a.baseline

    files = {
        "coba": os.path.join(ROOT, "examples", "coba.nrn"),
        "cuba": os.path.join(ROOT, "examples", "cuba.nrn"),
        "cuba_f32": variant("cuba.nrn", "cuba_float32.nrn",
                            lambda t: t.replace("precision = float64", "precision = float32")),
        "hh_exp_euler": variant("hh_psc_alpha.nrn", "hh_exp_euler.nrn",
                                lambda t: t + "\nsemantics:\n    solver = exp_euler\n"),
        "aeif_rk4": variant("aeif_cond_exp.nrn", "aeif_rk4.nrn", lambda t: t.replace("solver = rk45", "solver = rk4")),
        "cuba_n40000": write_scaling_file("cuba_n40000", 40000),
    }
    out = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "commit": git_commit(), "machine": machine(), "binaries": binaries, "load_start": load()}
    with tempfile.TemporaryDirectory() as cache:
        # Warm the JIT cache once per binary so repeats time the run only.
        out["coba"] = {k: series(b, files["coba"], duration, 1, repeat, cache) for k, b in binaries.items()}
        out["vectorised"] = {k: {name: vectorised(b, files[name]) for name in ("coba", "hh_exp_euler", "aeif_rk4")}
                             for k, b in binaries.items()}
        f64 = series(a.nsc, files["cuba"], duration, 1, repeat, cache)
        f32 = series(a.nsc, files["cuba_f32"], duration, 1, repeat, cache)
        report = os.path.join(cache, "verify.json")
        subprocess.run([a.nsc, "verify", files["cuba"], "--targets=cpu,cpu:precision=float32", f"--run={duration}",
                        "-o", report], cwd=ROOT, capture_output=True)
        overall = json.load(open(report))["comparisons"][0]["overall"]
        out["float32"] = {"float64": f64, "float32": f32,
                          "speedup_cpu": f64["run_cpu_ms_min"] / f32["run_cpu_ms_min"],
                          "verify_overall": overall}
        out["threads"] = {}
        for k, b in binaries.items():
            for name in ("cuba", "cuba_n40000"):
                s1, s2 = (os.path.join(cache, f"{k}_{name}_{t}.csv") for t in (1, 2))
                one = series(b, files[name], duration, 1, repeat, cache, s1)
                two = series(b, files[name], duration, 2, repeat, cache, s2)
                out["threads"][f"{k}/{name}"] = {"threads1": one, "threads2": two,
                                                 "speedup_wall": one["run_ms_min"] / two["run_ms_min"],
                                                 "spikes_identical": filecmp.cmp(s1, s2, shallow=False)}
    out["load_end"] = load()
    path = a.output or (os.path.join(GENERATED, "vector_math_quick.json") if a.quick
                        else os.path.join(ROOT, "bench", "results", "vector_math.json"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    c = out["coba"]
    for k in c:
        print(f"COBA 4k {duration}, 1 thread, {k}: run {c[k]['run_ms_min']:.1f} ms, cpu {c[k]['run_cpu_ms_min']:.1f} ms")
    fl = out["float32"]
    print(f"CUBA float32 vs float64 (cpu time): {fl['speedup_cpu']:.2f}x; vp_mean {fl['verify_overall']['vp_mean']:.2f}")
    for k, t in out["threads"].items():
        print(f"{k}: 1 thread {t['threads1']['run_ms_min']:.1f} ms, 2 threads {t['threads2']['run_ms_min']:.1f} ms, "
              f"identical={t['spikes_identical']}")
    print(f"load: {out['load_start']} -> {out['load_end']}; wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
