"""The closed loop from Python: a synthetic 60-channel MEA (1 s at 25 kHz,
SNR 8) streamed in 10 ms frames through nsc.Session on
examples/closed_loop.nrn; prints detection recall/precision, the light
delivered per site and the per-stage latency (docs/closed-loop.md).

    PYTHONPATH=build/python /usr/bin/python3 examples/python/closed_loop.py
"""
import pathlib
import sys

import numpy as np

import nsc

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "closed_loop"))
import synthetic_mea  # noqa: E402

voltages, truth = synthetic_mea.generate(channels=60, rate_hz=25000.0, duration_s=1.0, snr=8.0, seed=3)
module = nsc.compile(ROOT / "examples" / "closed_loop.nrn")
session = nsc.Session(module, sample_rate=25000, channels=60, budget_us=1000, seed=1)

channels, samples = [], []
energy = np.zeros(40)  # mJ/mm² per stimulation site: intensity × duration
for start in range(0, voltages.shape[0], 250):
    r = session.process_frame(voltages[start:start + 250])
    channels.append(r.detected["channel"])
    samples.append(r.detected["sample"])
    np.add.at(energy, r.pulses["site"], r.pulses["intensity_mw_mm2"] * r.pulses["duration_ms"] * 1e-3)

score = synthetic_mea.score(truth, np.concatenate(channels), np.concatenate(samples))
print(f"{session.frames} frames: {score['detected']} detections of {score['true']} spikes, "
      f"recall {score['recall']:.3f}, precision {score['precision']:.3f}")
print(f"light per site: mean {energy.mean():.3f} mJ/mm², max {energy.max():.3f} (site {energy.argmax()})")
latency = session.latency()
for stage in ("detect", "aer", "model", "bitstream", "pulse", "homeostat", "total"):
    s = latency["stages"][stage]
    print(f"  {stage:<10} p50 {s['p50_us']:7.1f} us   p99 {s['p99_us']:7.1f} us   max {s['max_us']:7.1f} us")
print(f"{latency['violations']} of {latency['frames']} frames over the {latency['budget_us']:g} us budget")
