"""Checks that the CSV, JSON and NPY files of --record-dir hold the same
values: for each file of the CSV directory, prints its shape and whether
the three agree; exits 1 on a difference."""
import csv
import json
import os
import sys
import numpy as np

csv_dir, json_dir, npy_dir = sys.argv[1:4]
ok = True
for name in sorted(os.listdir(csv_dir)):
    stem = name[:-4]
    with open(os.path.join(csv_dir, name)) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    populations = None
    with open(os.path.join(json_dir, stem + ".json")) as f:
        j = json.load(f)
    npy = np.load(os.path.join(npy_dir, stem + ".npy"))
    if header[1] == "population":
        names = j["populations"]
        from_csv = np.array([[float(r[0]), names.index(r[1]), float(r[2])] + [float(v) for v in r[3:]]
                             for r in body]).reshape(len(body), len(header))
        cols = [j["t_ms"], [names.index(p) for p in j["population"]], j["index"]]
        cols += [j["values"][v] for v in header[3:]]
    else:
        from_csv = np.array([[float(v) for v in r] for r in body]).reshape(len(body), len(header))
        cols = [j["t_ms"], j["source"], j["target"]] + [j["values"][v] for v in header[3:]]
    from_json = np.array(cols, dtype=float).T.reshape(len(body), len(header))
    same = from_csv.shape == npy.shape and np.array_equal(from_csv, from_json) and np.array_equal(from_csv, npy)
    ok = ok and same
    print(f"{stem}: {len(body)} rows x {len(header)} columns, " + ("csv = json = npy" if same else "DIFFERENT"))
sys.exit(0 if ok else 1)
