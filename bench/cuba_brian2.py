#!/usr/bin/python3
"""CUBA (Brette et al. 2007) in nsc's reference interpreter and in Brian2's
C++ standalone mode, same parameters, same machine, one go.

    /usr/bin/python3 bench/cuba_brian2.py [--duration-ms 1000] [--seeds 3]

Writes bench/results/cuba_interp_vs_brian2.json: per run the mean rate, the
spike count, the build/compile time and the run time, and the ratio of run
times. The networks are statistically equal, not identical (different random
generators), so rates agree within run-to-run spread, not exactly.
Brian2 from Debian's python3-brian; nsc from build/ (scripts/build).
"""
import argparse, json, os, subprocess, sys, tempfile, time, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_nsc(duration_ms):
    nsc = os.path.join(ROOT, "build", "tools", "nsc", "nsc")
    t0 = time.time()
    out = subprocess.run([nsc, os.path.join(ROOT, "examples", "cuba.nrn"), "--target=interp",
                          f"--run={duration_ms}ms", "--stats"], check=True, capture_output=True, text=True)
    wall = time.time() - t0
    s = json.loads(out.stdout)
    return {"tool": "nsc --target=interp", "mean_rate_hz": s["mean_rate_hz"], "spikes": s["spikes"],
            "synapses": s["synapses"], "compile_s": s["compile_ms"] / 1000, "run_s": s["run_ms"] / 1000,
            "wall_s": wall}


BRIAN = r'''
import sys, time, json
from brian2 import *
duration_ms, seed_arg, outdir = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
set_device('cpp_standalone', directory=outdir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = 0.1*ms
taum = 20*ms; taue = 5*ms; taui = 10*ms
Vt = -50*mV; Vr = -60*mV; El = -49*mV
eqs = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
P.ge = 0*mV; P.gi = 0*mV
we = (60*0.27/10)*mV; wi = (-20*4.5/10)*mV
Ce = Synapses(P, P, on_pre='ge += we'); Ci = Synapses(P, P, on_pre='gi += wi')
Ce.connect('i<3200', p=0.02); Ci.connect('i>=3200', p=0.02)
s_mon = SpikeMonitor(P)
seed(seed_arg)
run(duration_ms*ms)
t0 = time.time()
device.build(directory=outdir, compile=True, run=False)
t1 = time.time()
device.run(directory=outdir, with_output=False, run_args=[])
t2 = time.time()
print(json.dumps({"spikes": int(s_mon.num_spikes), "synapses": int(len(Ce) + len(Ci)),
                  "mean_rate_hz": s_mon.num_spikes / 4000 / (duration_ms / 1000.0),
                  "compile_s": t1 - t0, "run_s": t2 - t1}))
'''


def run_brian(duration_ms, seed):
    with tempfile.TemporaryDirectory() as d:
        t0 = time.time()
        out = subprocess.run(["/usr/bin/python3", "-c", BRIAN, str(duration_ms), str(seed), os.path.join(d, "out")],
                             check=True, capture_output=True, text=True)
        wall = time.time() - t0
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r.update({"tool": "brian2 cpp_standalone", "seed": seed, "wall_s": wall})
        return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration-ms", type=float, default=1000)
    ap.add_argument("--seeds", type=int, default=3)
    a = ap.parse_args()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    nsc = run_nsc(a.duration_ms)
    brian = [run_brian(a.duration_ms, s) for s in range(1, a.seeds + 1)]
    mean_b_run = sum(b["run_s"] for b in brian) / len(brian)
    result = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "commit": commit,
              "command": " ".join(["/usr/bin/python3"] + sys.argv), "duration_ms": a.duration_ms,
              "nsc": nsc, "brian2": brian,
              "brian2_rate_range_hz": [min(b["mean_rate_hz"] for b in brian), max(b["mean_rate_hz"] for b in brian)],
              "run_time_ratio_nsc_interp_over_brian2": nsc["run_s"] / mean_b_run}
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "cuba_interp_vs_brian2.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
