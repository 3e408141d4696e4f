# check_report.py REPORT.json TRUTH.json: the report of `nsc loop` against
# the synthetic recording's ground truth. Prints recall, precision and the
# report's invariants for FileCheck; exits 1 when detection misses the
# bounds (recall >= 0.95 and precision >= 0.9 at SNR 8) or an invariant
# fails.
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "bench", "closed_loop"))
import synthetic_mea  # noqa: E402

report = json.load(open(sys.argv[1]))
truth = json.load(open(sys.argv[2]))
frames = report["frames"]
channels = [c for f in frames for c in f["detected"]["channel"]]
samples = [s for f in frames for s in f["detected"]["sample"]]
s = synthetic_mea.score(truth, channels, samples)
print(f"true {s['true']} detected {s['detected']} recall {s['recall']:.3f} precision {s['precision']:.3f}")
ok = s["recall"] >= 0.95 and s["precision"] >= 0.9
# AER events ordered by (tick, id) within every frame, ticks growing across frames.
events = [(t, i) for f in frames for t, i in zip(f["events"]["tick"], f["events"]["id"])]
ordered = events == sorted(events)
print("events ordered:", ordered)
# Frames tile the recording and the model's steps.
tiled = all(a["first_sample"] + a["samples"] == b["first_sample"] and a["end_step"] == b["first_step"]
            for a, b in zip(frames, frames[1:]))
print("frames tile:", tiled, "frames", len(frames), "totals", report["totals"]["frames"])
print("latency stages:", " ".join(sorted(report["latency"]["stages"])))
sys.exit(0 if ok and ordered and tiled else 1)
