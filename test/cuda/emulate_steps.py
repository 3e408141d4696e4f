#!/usr/bin/env python3
"""The cuda target's model step kernels, run as host C++ (no GPU needed).

For each case: `nsc FILE --model M --n N --target=cuda -o DIR` writes the
kernels and the network image; the generated .cu (with the real
nsc_cuda_runtime.cuh and FixedPointCore.h) is compiled by the host compiler
with host/host_shim.h standing in for the CUDA keywords and intrinsics, and
host/host_run.h calls the population's step kernel for every neuron and
step. The traced cell and the spike flags of every neuron and step must
equal the reference interpreter's (`--target=interp --trace --spikes`) bit
for bit. (The interpreter, not the cpu target, is the reference: the two
agree on the examples, and where they do not — the cpu target mishandles
a fixed-point `for` counter, see docs/cuda.md — the interpreter defines.)

Then whole networks (host/host_network.h, the launcher's step loop): spike
trains equal to the cpu target's, through every delivery strategy
(pre_count with count mode, post_ordered with random weights and delays,
post_shared), in float64, float32 and fixed point.

What this checks: the emitted code (frames, cell layout, expressions,
statements, fixed-point calls, handlers, conditions, Philox, delivery
kernels, count mode, the image) computes what the interpreter and the cpu
target compute. What it does not: the GPU's compiler and hardware, spike
compaction (a block collective, replaced here), sources, current inputs,
recording and the launcher itself (those need `cuda.gpu-run` on a GPU).
"""
import argparse
import math
import pathlib
import re
import struct
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
# (file, model, variable, parameters, steps): decaying and spiking
# fixed-point neurons in both format modes, exact float64 and float32
# integration, an Euler/rk model with run-time exp(), and the operations
# test model (every fixed-point operation, random_uniform).
CASES = [
    (EX / "lif_fixed_q16_16.nrn", "lif_fixed_q16_16", "V_m", ["V_m=-55mV"], 300),
    (EX / "lif_fixed_q16_16.nrn", "lif_fixed_q16_16", "V_m", ["V_th=-69.9mV"], 300),
    (EX / "lif_fixed_pv16.nrn", "lif_fixed_pv16", "V_m", ["V_m=-55mV"], 300),
    (EX / "lif_fixed_pv16.nrn", "lif_fixed_pv16", "V_m", ["V_th=-69.9mV"], 300),
    (EX / "hw_homeostat_aer.nrn", "lif_hw", "V_m", [], 300),
    (EX / "iaf_psc_exp.nrn", "iaf_psc_exp", "V_m", ["I_e=400pA"], 500),
    (EX / "izhikevich.nrn", "izhikevich", "V_m", ["I_e=10pA"], 500),
    (EX / "aeif_cond_exp.nrn", "aeif_cond_exp", "V_m", ["I_e=800pA"], 500),
    (ROOT / "test" / "cuda" / "inputs" / "operations.nrn", "fixed_ops", "acc", [], 200),
    (ROOT / "test" / "cuda" / "inputs" / "operations.nrn", "float_ops", "acc", [], 200),
]
N = 3
# Whole networks (host/host_network.h), spike trains against the cpu
# target's: (file, precision override or None, milliseconds).
NETWORKS = [
    (EX / "cuba.nrn", None, 50),
    (EX / "cuba.nrn", "float32", 50),
    (EX / "coba.nrn", None, 50),
    (EX / "lif_fixed_q16_16.nrn", None, 50),
    (EX / "lif_fixed_pv16.nrn", None, 50),
    (ROOT / "test" / "cuda" / "inputs" / "ordered_delivery.nrn", None, 100),
]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def one(nsc, cxx, work, path, model, var, params, steps, index):
    tag = f"{path.name} --model {model} {' '.join(params)}"
    d = work / f"case{index}"
    pargs = [f"--param={p}" for p in params]
    r = run([nsc, str(path), "--model", model, "--n", str(N), *pargs, "--target=cuda", "-o", str(d)])
    if r.returncode:
        fail(f"{tag}: nsc --target=cuda: {r.stderr}")
    cu = next(d.glob("*.cu"))
    text = cu.read_text()
    kernel = re.search(r"__global__ void __launch_bounds__\(NSC_BLOCK\) (nsc_step_p0_\w+)\(", text).group(1)
    frame = text[text.index(f"struct nsc_{re.sub(r'[^A-Za-z0-9_]', '_', model)}_frame"):]
    m = re.search(r"\n  (double|nsc_i64) \w+; // (?:state|param|internal) " + re.escape(var) +
                  r" (\S+)(?: Q\d+\.(\d+))?, slot (\d+)\n", frame)
    if not m:
        fail(f"{tag}: no cell for '{var}' in the frame")
    ctype, vtype, frac, slot = m.group(1), m.group(2), m.group(3), int(m.group(4))
    kind = "real" if ctype == "double" else "fixed" if frac is not None else "int"
    dt = float(re.search(r"dt = ([0-9.e-]+) ms", text).group(1))
    main = d / "emulate.cpp"
    main.write_text(f'#include "host_shim.h"\n#include "{cu.name}"\n#include "host_run.h"\n'
                    f"int main(int argc, char **argv) {{ return nsc_emu::run(argc, argv, {kernel}); }}\n")
    exe = d / "emulate"
    r = run([cxx, "-std=c++17", "-O1", "-ffp-contract=off", "-w", f"-I{d}", f"-I{ROOT / 'test' / 'cuda' / 'host'}",
             str(main), "-o", str(exe)])
    if r.returncode:
        fail(f"{tag}: the kernels do not build as host code:\n{r.stderr[:4000]}")
    r = run([str(exe), str(d / "network.nscimg"), str(steps), str(slot)])
    if r.returncode:
        fail(f"{tag}: emulation: exit {r.returncode}: {r.stderr}")
    emu = {}
    emu_spikes = set()
    for line in r.stdout.split():
        k, i, bits, mult = line.split(",")
        emu[(int(k), int(i))] = int(bits, 16)
        if int(mult):
            emu_spikes.add((int(k), int(i)))
    ref_trace, ref_spikes = d / "ref_trace.csv", d / "ref_spikes.csv"
    r = run([nsc, str(path), "--model", model, "--n", str(N), *pargs, "--target=interp", f"--run={steps * dt:.10g}ms",
             f"--trace={var}", f"--trace-out={ref_trace}", f"--spikes={ref_spikes}", "--quiet"])
    if r.returncode:
        fail(f"{tag}: the interpreter run: {r.stderr}")
    rows = ref_trace.read_text().splitlines()[1:]
    if len(rows) != steps * N:
        fail(f"{tag}: the interpreter trace has {len(rows)} rows, expected {steps * N}")
    for row in rows:
        t, _, i, value = row.split(",")
        k = round(float(t) / dt) - 1  # sampled after step k, at t_(k+1)
        raw = emu[(k, int(i))]
        v = float(value)
        if kind == "real":
            got = struct.unpack("<d", struct.pack("<Q", raw))[0]
            same = got == v or (math.isnan(got) and math.isnan(v))
        else:
            signed = raw - (1 << 64) if raw >> 63 else raw
            got = signed if kind == "int" else signed * 2.0 ** -int(frac)
            same = got == v
        if not same:
            fail(f"{tag}: {var} of neuron {i} after step {k}: emulated {got!r}, interpreter {v!r}")
    spike_rows = ref_spikes.read_text().splitlines()[1:]
    # A spike of step k is written at t_(k+1), like the trace sample.
    ref_set = {(round(float(r.split(",")[0]) / dt) - 1, int(r.split(",")[2])) for r in spike_rows}
    if ref_set != emu_spikes:
        fail(f"{tag}: spikes differ: interpreter {len(ref_set)}, emulated {len(emu_spikes)}")
    print(f"{tag}: {steps} steps x {N} neurons, {var} ({kind}) and {len(emu_spikes)} spikes identical to the interpreter's")


def network(nsc, cxx, work, path, precision, ms, index):
    tag = f"{path.name}" + (f" in {precision}" if precision else "")
    d = work / f"net{index}"
    d.mkdir()
    src = path
    if precision:
        text = path.read_text()
        if "precision = float64" not in text:
            fail(f"{tag}: no 'precision = float64' to replace")
        src = d / path.name
        src.write_text(text.replace("precision = float64", f"precision = {precision}"))
    out = d / "out"
    r = run([nsc, str(src), "--target=cuda", "-o", str(out)])
    if r.returncode:
        fail(f"{tag}: nsc --target=cuda: {r.stderr}")
    cu = next(out.glob("*.cu"))
    text = cu.read_text()
    dt = float(re.search(r"dt = ([0-9.e-]+) ms", text).group(1))
    steps = round(ms / dt)
    pop_kernels = re.findall(r"__global__ void __launch_bounds__\(NSC_BLOCK\) (\w+)\(nsc_pop P", text)
    proj_kernels = re.findall(r"__global__ void __launch_bounds__\(NSC_BLOCK\) (\w+)\(nsc_proj Q", text)
    table = "".join(f'  k.pops["{n}"] = {n};\n' for n in pop_kernels) + \
        "".join(f'  k.projs["{n}"] = {n};\n' for n in proj_kernels)
    main = out / "emulate.cpp"
    main.write_text(f'#include "host_shim.h"\n#include "{cu.name}"\n#include "host_network.h"\n'
                    f"int main(int argc, char **argv) {{\n  nsc_emu::Kernels k;\n{table}"
                    f"  return nsc_emu::runNetwork(argc, argv, k);\n}}\n")
    exe = out / "emulate"
    r = run([cxx, "-std=c++17", "-O2", "-ffp-contract=off", "-w", f"-I{out}", f"-I{ROOT / 'test' / 'cuda' / 'host'}",
             str(main), "-o", str(exe)])
    if r.returncode:
        fail(f"{tag}: the kernels do not build as host code:\n{r.stderr[:4000]}")
    r = run([str(exe), str(out / "network.nscimg"), str(steps)])
    if r.returncode:
        fail(f"{tag}: emulation: exit {r.returncode}: {r.stderr}")
    emu = sorted(tuple(int(x) for x in line.split(",")) for line in r.stdout.split())
    ref = d / "cpu_spikes.csv"
    r = run([nsc, str(src), "--target=cpu", f"--run={ms}ms", f"--spikes={ref}", "--quiet"])
    if r.returncode:
        fail(f"{tag}: the cpu run: {r.stderr}")
    rows = ref.read_text().splitlines()
    names = []
    cpu = []
    for row in rows[1:]:
        t, pop, i = row.split(",")
        if pop not in names:
            names.append(pop)
        cpu.append((round(float(t) / dt) - 1, pop, int(i)))
    order = re.findall(r"^// (\w+) = [\w.]+\[\d+\];", text, re.M)
    cpu = sorted((k, order.index(pop), i) for k, pop, i in cpu)
    if cpu != emu:
        first = next((a, b) for a, b in zip(cpu + [None] * len(emu), emu + [None] * len(cpu)) if a != b)
        fail(f"{tag}: {len(emu)} emulated spikes, {len(cpu)} on the cpu target; first difference "
             f"(step, population, neuron): emulated {first[1]}, cpu {first[0]}")
    print(f"{tag}, {ms} ms: {len(emu)} spikes, identical to the cpu target's")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--cxx", default="c++")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nsc-cuda-emu-") as tmp:
        for index, (path, model, var, params, steps) in enumerate(CASES):
            one(a.nsc, a.cxx, pathlib.Path(tmp), path, model, var, params, steps, index)
        for index, (path, precision, ms) in enumerate(NETWORKS):
            network(a.nsc, a.cxx, pathlib.Path(tmp), path, precision, ms, index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
