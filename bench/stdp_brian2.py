#!/usr/bin/python3
"""bench/stdp_song.nrn's network in Brian2's C++ standalone mode (single thread).

    /usr/bin/python3 bench/stdp_brian2.py --duration-ms 5000 --seed 1 --build-dir /tmp/b --out r.json

Run by bench/stdp.py. The same parameters as the .nrn file: 1,000 Poisson
inputs at 15 Hz, all-to-all onto 100 conductance-based LIF neurons (g_e in
units of the leak conductance), additive STDP with event-driven traces
(Brian2's closed-form decay between events). Differences from nsc's run,
none of which moves the mean weight beyond its spread (docs/performance.md):
Brian2's Poisson inputs fire at most once per step (nsc's may fire n times,
R20), the weight reaches g_e in the step of the presynaptic spike (nsc: one
step later). V_m: exponential Euler in both (g_e held over the step).
Timing: device._last_run_time, the simulation loop inside the binary (wall
time), and the binary's CPU time from /usr/bin/time.
"""
import argparse
import json
import os
import time

ap = argparse.ArgumentParser()
ap.add_argument("--duration-ms", type=float, required=True)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--build-dir", required=True)
ap.add_argument("--out", required=True)
a = ap.parse_args()

import brian2 as b2  # noqa: E402
from brian2 import ms, mV, Hz  # noqa: E402

b2.set_device("cpp_standalone", directory=a.build_dir, build_on_run=False)
b2.prefs.devices.cpp_standalone.openmp_threads = 0
# The binary's CPU time (user + system): on a loaded machine the loop's wall
# time (device._last_run_time) counts the time other processes had the core.
b2.prefs.devices.cpp_standalone.run_cmd_unix = ["/usr/bin/time", "-f", "%U %S", "-o", "main_cpu.txt", "./main"]
b2.defaultclock.dt = 0.1 * ms
taum, taue, taupre, taupost = 10 * ms, 5 * ms, 20 * ms, 20 * ms
Ee, El, vt, vr = 0 * mV, -74 * mV, -54 * mV, -60 * mV
gmax = 0.01
dApre = 0.01 * gmax
dApost = -dApre * taupre / taupost * 1.05

inputs = b2.PoissonGroup(1000, rates=15 * Hz)
neurons = b2.NeuronGroup(100, """dv/dt = (ge * (Ee - v) + El - v) / taum : volt
                                 dge/dt = -ge / taue : 1""",
                         threshold="v > vt", reset="v = vr", method="exponential_euler")
neurons.v = vr
syn = b2.Synapses(inputs, neurons,
                  """w : 1
                     dApre/dt = -Apre / taupre : 1 (event-driven)
                     dApost/dt = -Apost / taupost : 1 (event-driven)""",
                  on_pre="""ge += w
                            Apre += dApre
                            w = clip(w + Apost, 0, gmax)""",
                  on_post="""Apost += dApost
                             w = clip(w + Apre, 0, gmax)""")
syn.connect()
syn.w = "rand() * gmax"
spikes = b2.SpikeMonitor(neurons)
b2.seed(a.seed)
b2.run(a.duration_ms * ms)
t0 = time.perf_counter()
b2.device.build(directory=a.build_dir, compile=True, run=True, debug=False, with_output=False)
w = syn.w[:]
with open(os.path.join(a.build_dir, "main_cpu.txt")) as f:
    user, system = (float(x) for x in f.read().split()[-2:])
result = {
    "tool": "brian2",
    "version": b2.__version__,
    "seed": a.seed,
    "run_s": b2.device._last_run_time,
    "run_s_per_sim_s": b2.device._last_run_time / (a.duration_ms / 1000.0),
    # The whole binary (start-up, synapse creation, the loop, writing results).
    "run_cpu_s": user + system,
    "run_cpu_s_per_sim_s": (user + system) / (a.duration_ms / 1000.0),
    "build_s": time.perf_counter() - t0,
    "mean_w": float(w.mean()),
    "output_rate_hz": spikes.num_spikes / 100 / (a.duration_ms / 1000.0),
}
with open(a.out, "w") as f:
    json.dump(result, f, indent=1)
