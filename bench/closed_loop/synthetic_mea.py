#!/usr/bin/python3
"""A synthetic multi-electrode-array recording with known spike times.

    synthetic_mea.py OUT.npy [--channels 60] [--rate 25000] [--duration 2]
                     [--snr 8] [--noise-uv 10] [--spike-hz 5] [--seed 1]
                     [--int16 SCALE_UV]

Writes OUT.npy (samples x channels: float32 in µV, or int16 counts of
SCALE_UV with --int16) and OUT.truth.json beside it: the sample rate, the
noise level and, per injected spike, its channel and the sample of its
trough. Each channel is white Gaussian noise of sd `noise_uv` plus spikes at
Poisson times (rate `spike_hz`, at least 3 ms apart on a channel, none in
the first and last 2 ms). A spike is a biphasic extracellular waveform:
a Gaussian trough of depth SNR·sd (width 0.15 ms) followed by a positive
rebound of 0.35·SNR·sd (width 0.4 ms, 0.45 ms later). SNR is the trough's
depth over the noise sd.

score(truth, channels, samples) matches detections to the truth: a
detection counts when it lies within `tolerance_ms` of an unmatched true
spike on the same channel (greedy in time); it returns recall, precision
and the counts. Used by test/python/test_session.py, the lit test of
`nsc loop` and bench/closed_loop/run.py.
"""

import argparse
import json
import os

import numpy as np

TROUGH_MS, TROUGH_WIDTH_MS = 0.0, 0.15
REBOUND_MS, REBOUND_WIDTH_MS, REBOUND = 0.45, 0.4, 0.35


def waveform(rate_hz, amplitude):
    """The spike shape on samples around the trough (index `half` is it)."""
    half = int(round(2e-3 * rate_hz))
    t_ms = (np.arange(-half, half + 1) / rate_hz) * 1e3
    w = -amplitude * np.exp(-0.5 * ((t_ms - TROUGH_MS) / TROUGH_WIDTH_MS) ** 2)
    w += REBOUND * amplitude * np.exp(-0.5 * ((t_ms - REBOUND_MS) / REBOUND_WIDTH_MS) ** 2)
    return w, half


def generate(channels=60, rate_hz=25000.0, duration_s=2.0, snr=8.0, noise_uv=10.0, spike_hz=5.0, seed=1):
    """(voltages float64 samples x channels in µV, truth dict)."""
    rng = np.random.default_rng(seed)
    n = int(round(duration_s * rate_hz))
    v = rng.normal(0.0, noise_uv, size=(n, channels))
    w, half = waveform(rate_hz, snr * noise_uv)
    gap = int(round(3e-3 * rate_hz))
    margin = half + 1
    truth_channel, truth_sample = [], []
    for c in range(channels):
        t = margin
        while True:
            t += gap + int(rng.exponential(rate_hz / spike_hz))
            if t >= n - margin:
                break
            v[t - half:t + half + 1, c] += w
            truth_channel.append(c)
            truth_sample.append(t)
    order = np.lexsort((truth_channel, truth_sample))
    truth = {
        "sample_rate_hz": rate_hz,
        "channels": channels,
        "samples": n,
        "snr": snr,
        "noise_uv": noise_uv,
        "spike_hz": spike_hz,
        "seed": seed,
        "channel": [int(truth_channel[i]) for i in order],
        "sample": [int(truth_sample[i]) for i in order],
    }
    return v, truth


def score(truth, channels, samples, tolerance_ms=0.5):
    """Recall and precision of detections (channel, sample arrays)."""
    tol = tolerance_ms * 1e-3 * truth["sample_rate_hz"]
    by_channel = {}
    for c, s in zip(truth["channel"], truth["sample"]):
        by_channel.setdefault(c, []).append(s)
    used = {c: np.zeros(len(v), dtype=bool) for c, v in by_channel.items()}
    hits = 0
    for c, s in sorted(zip(np.asarray(channels).tolist(), np.asarray(samples).tolist()), key=lambda x: x[1]):
        true = by_channel.get(c)
        if true is None:
            continue
        d = np.abs(np.asarray(true, dtype=np.float64) - s)
        d[used[c]] = np.inf
        k = int(np.argmin(d))
        if d[k] <= tol:
            used[c][k] = True
            hits += 1
    n_true, n_det = len(truth["sample"]), len(samples)
    return {
        "true": n_true,
        "detected": n_det,
        "matched": hits,
        "recall": hits / n_true if n_true else 1.0,
        "precision": hits / n_det if n_det else 1.0,
    }


def write(path, v, truth, int16_scale_uv=None):
    if int16_scale_uv:
        data = np.clip(np.round(v / int16_scale_uv), -32768, 32767).astype("<i2")
        truth = dict(truth, int16_scale_uv=int16_scale_uv)
    else:
        data = v.astype("<f4")
    np.save(path, data)
    base = path[:-4] if path.endswith(".npy") else path
    with open(base + ".truth.json", "w") as f:
        json.dump(truth, f)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--channels", type=int, default=60)
    p.add_argument("--rate", type=float, default=25000.0)
    p.add_argument("--duration", type=float, default=2.0, help="seconds")
    p.add_argument("--snr", type=float, default=8.0)
    p.add_argument("--noise-uv", type=float, default=10.0)
    p.add_argument("--spike-hz", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--int16", type=float, metavar="SCALE_UV", help="write int16 counts of SCALE_UV")
    a = p.parse_args()
    v, truth = generate(a.channels, a.rate, a.duration, a.snr, a.noise_uv, a.spike_hz, a.seed)
    write(a.out, v, truth, a.int16)
    print(f"{os.path.basename(a.out)}: {v.shape[0]} samples x {v.shape[1]} channels, "
          f"{len(truth['sample'])} spikes at SNR {a.snr:g}")


if __name__ == "__main__":
    main()
