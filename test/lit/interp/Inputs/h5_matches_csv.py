"""Compares an nsc .h5 recording with the CSV of the same run, exactly.

    h5_matches_csv.py spikes RUN.h5 RUN.csv   -> "<pop>: N spikes" lines, "total: N"
    h5_matches_csv.py traces RUN.h5 RUN.csv   -> "<pop>.<var>: NEURONSxSAMPLES" lines

Exits 1 with the first difference. Times compare as the doubles the CSV's
text reads back as (the writers print the same label time).
"""
import csv
import sys
from collections import defaultdict

import h5py
import numpy as np


def fail(message):
    print(f"MISMATCH: {message}")
    sys.exit(1)


def compare_spikes(h5_path, csv_path):
    expected = defaultdict(lambda: ([], []))
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            expected[row["population"]][0].append(float(row["t_ms"]))
            expected[row["population"]][1].append(int(row["index"]))
    total = 0
    with h5py.File(h5_path, "r") as f:
        for pop in f["spikes"].attrs["populations"]:
            group = f["spikes"][pop]
            if group.attrs["sorting"] != "by_time" or group["timestamps"].attrs["units"] != "ms":
                fail(f"{pop}: sorting/units attributes")
            times, ids = group["timestamps"][()], group["node_ids"][()]
            want_times, want_ids = expected.pop(pop, ([], []))
            if not (np.array_equal(times, want_times) and np.array_equal(ids, want_ids)):
                fail(f"{pop}: {len(times)} spikes in .h5, {len(want_times)} in .csv, or values")
            print(f"{pop}: {len(times)} spikes")
            total += len(times)
    if expected:
        fail(f"populations only in the CSV: {sorted(expected)}")
    print(f"total: {total}")


def compare_traces(h5_path, csv_path):
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    variables = [c for c in rows[0] if c not in ("t_ms", "population", "index")]
    with h5py.File(h5_path, "r") as f:
        for label in f["traces"].attrs["recorders"]:
            for var in variables:
                group = f["traces"][label][var]
                data, time, ids = group["data"][()], group["time"][()], group["node_ids"][()]
                mine = [r for r in rows if r["population"] == label]
                for r in mine:
                    row = int(np.flatnonzero(ids == int(r["index"]))[0])
                    col = int(np.flatnonzero(time == float(r["t_ms"]))[0])
                    if data[row, col] != float(r[var]):
                        fail(f"{label}.{var} neuron {r['index']} t={r['t_ms']}")
                if data.size != len(mine):
                    fail(f"{label}.{var}: {data.size} values in .h5, {len(mine)} rows in .csv")
                print(f"{label}.{var}: {data.shape[0]}x{data.shape[1]}")


{"spikes": compare_spikes, "traces": compare_traces}[sys.argv[1]](sys.argv[2], sys.argv[3])
