#!/usr/bin/env python3
"""The cuda target's ctest checks (docs/cuda.md "What is verified").

compile  Every example through `nsc --target=cuda -o DIR` (the one with
         plastic synapses, which the target cannot run yet, must fail with
         its diagnostic), then every generated .cu compiled by nvcc into fat
         objects for sm_80 and sm_90 (-gencode both: the host side of each
         file is compiled once) — two nvcc invocations, each taking half of
         the files, both running at once, with the fixed-point check program
         (fixed_point_device.cu) beside them — and the host driver compiled and linked with the host
         compiler. The check program's host part runs. Skipped, with the
         reason printed, where nvcc is absent (exit 77).
run      On a GPU: the driver on CUBA (float64 as written and float32), spike
         trains equal to the cpu target's; the fixed-point rules on the
         device equal to the host's on 3.3 million edge cases; `nsc verify
         --targets=cpu,cuda` on the fixed-point examples with zero
         tolerance. Skipped, with the reason printed, where no GPU is usable
         (exit 77); the driver then has to say "no CUDA device" and exit 2,
         which is checked.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted(list((ROOT / "examples").glob("*.nrn")) + list((ROOT / "examples" / "nestml").glob("*.nestml")))
# Models written for this check (constructs the examples do not use); they must compile.
INPUTS = sorted((ROOT / "test" / "cuda" / "inputs").glob("*.nrn"))
# What the target rejects on purpose (docs/cuda.md "Limits"): an example
# may fail only with one of these diagnostics, and the examples in REQUIRED
# must compile, so the test cannot pass by rejecting everything.
ALLOWED_REJECTIONS = [
    "the cuda target does not run plastic synapses",
    "the cuda target does not run gap junctions",
    "the cuda target does not run variable projections",
    "the cuda target does not run signal_generator",
]
REQUIRED = {"cuba", "coba", "iaf_psc_exp", "iaf_psc_alpha", "iaf_cond_exp", "hh_psc_alpha", "aeif_cond_exp",
            "izhikevich", "lif_fixed_q16_16", "lif_fixed_pv16", "hw_homeostat_aer"}
# Fixed-point networks that `run` mode compares with the cpu target on a GPU.
FIXED_RUNS = ["lif_fixed_q16_16", "lif_fixed_pv16", "hw_homeostat_aer"]
FX_CHECK = ROOT / "test" / "cuda" / "fixed_point_device.cu"  # with fixed_point_cases.h
FX_INCLUDE = ROOT / "ir" / "include"
SKIP = 77


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def generate(nsc, work):
    """nsc --target=cuda -o for every example; the directories that have kernels."""
    dirs = []
    for ex in EXAMPLES + INPUTS:
        out = work / ex.stem
        r = run([nsc, str(ex), "--target=cuda", "-o", str(out)])
        if r.returncode == 1 and ex.stem not in REQUIRED and ex not in INPUTS:
            why = next((m for m in ALLOWED_REJECTIONS if m in r.stderr), None)
            if why:
                print(f"{ex.name}: rejected as documented ({why})")
                continue
        if r.returncode != 0:
            sys.exit(f"FAIL: nsc {ex.name} --target=cuda -o: exit {r.returncode}\n{r.stderr}")
        cus = list(out.glob("*.cu"))
        if len(cus) != 1:
            sys.exit(f"FAIL: {ex.name}: expected one .cu in {out}, found {cus}")
        if "__global__" not in cus[0].read_text():
            print(f"{ex.name}: no neuron model, nothing to compile")
            continue
        dirs.append(out)
    return dirs


def compile_all(nvcc, dirs, work, host_cxx):
    # One nvcc per half of the outputs, each building fat objects for both
    # architectures: the host side of a file is compiled once, not once per
    # architecture, and the two halves keep both cores busy.
    sources = [str(next(d.glob("*.cu"))) for d in dirs]
    halves = [sources[0::2], sources[1::2]]
    t0 = time.time()
    procs = {}
    objdirs = {}
    for i, half in enumerate(halves):
        if not half:
            continue
        objdir = work / f"obj_{i}"
        objdir.mkdir()
        objdirs[f"half {i + 1}"] = objdir
        procs[f"half {i + 1}"] = subprocess.Popen(
            [nvcc, "-gencode", "arch=compute_80,code=sm_80", "-gencode", "arch=compute_90,code=sm_90",
             "--fmad=false", "-std=c++17", "-Werror", "all-warnings", "-c", *half, "-odir", str(objdir)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    procs["fixed point check"] = fx_check_process(nvcc, work)
    failed = False
    compiled = 0
    for name, p in procs.items():
        out, _ = p.communicate()
        if p.returncode != 0:
            print(f"FAIL: nvcc ({name}, sm_80 and sm_90):\n{out}")
            failed = True
        elif name == "fixed point check":
            print("nvcc: fixed_point_device.cu built for sm_80 and sm_90")
        else:
            compiled += len(list(objdirs[name].glob("*.o")))
    if not failed:
        print(f"nvcc -gencode sm_80 and sm_90: {compiled} of {len(sources)} outputs compiled")
        if compiled != len(sources):
            failed = True
    print(f"nvcc, both architectures: {time.time() - t0:.1f} s")
    if failed:
        sys.exit(1)
    r = run([str(work / "fx_check")])
    print(r.stdout.strip())
    if r.returncode not in (0, SKIP):
        sys.exit(f"FAIL: fixed_point_device: exit {r.returncode}\n{r.stderr}")
    build_driver_in(nvcc, dirs[0], work, host_cxx)


def fx_check_process(nvcc, work):
    """FixedPointCore.h as device code for both architectures, in one fat binary."""
    return subprocess.Popen(
        [nvcc, "-std=c++17", "--fmad=false", "-Werror", "all-warnings", "-gencode", "arch=compute_80,code=sm_80",
         "-gencode", "arch=compute_90,code=sm_90", f"-I{FX_INCLUDE}", str(FX_CHECK), "-o", str(work / "fx_check")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def fixed_point_runs(nvcc, nsc, work):
    """On a GPU: the rules themselves, then the fixed-point examples against the cpu target."""
    p = fx_check_process(nvcc, work)
    out, _ = p.communicate()
    if p.returncode:
        sys.exit(f"FAIL: nvcc fixed_point_device.cu:\n{out}")
    r = run([str(work / "fx_check")])
    print(r.stdout.strip())
    if r.returncode:
        sys.exit(f"FAIL: fixed_point_device: exit {r.returncode}")
    for name in FIXED_RUNS:
        r = run([nsc, "verify", str(ROOT / "examples" / f"{name}.nrn"), "--targets=cpu,cuda", "--run=200ms",
                 "--tolerance=count=0,vp=0,vp_max=0,vr=0,vr_max=0"])
        if r.returncode:
            sys.exit(f"FAIL: nsc verify {name} --targets=cpu,cuda: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
        print(f"{name}, 200 ms: cuda spike trains identical to the cpu target's")


def build_driver_in(nvcc, d, work, host_cxx):
    """The host driver: plain C++ against the CUDA headers, libcuda/libnvrtc loaded at run time."""
    include = pathlib.Path(nvcc).resolve().parents[1] / "include"
    r = run([host_cxx, "-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", f"-I{include}",
             str(d / "nsc_cuda_launcher.cpp"), str(d / "nsc_cuda_image.cpp"), str(d / "nsc_cuda_main.cpp"), "-ldl", "-o", str(work / "nsc_cuda_run")])
    if r.returncode != 0:
        sys.exit(f"FAIL: the host driver does not build:\n{r.stderr}")
    print("host driver: built")


def build_driver(nvcc, nsc, work, host_cxx):
    out = work / "driver"
    r = run([nsc, str(ROOT / "examples" / "iaf_psc_exp.nrn"), "--target=cuda", "-o", str(out)])
    if r.returncode:
        sys.exit(f"FAIL: nsc --target=cuda -o: {r.stderr}")
    build_driver_in(nvcc, out, work, host_cxx)


def compare_run(nsc, work):
    """CUBA on the GPU against the cpu target, float64 and float32."""
    cuba = (ROOT / "examples" / "cuba.nrn").read_text()
    driver = work / "nsc_cuda_run"
    for precision in ("float64", "float32"):
        src = work / f"cuba_{precision}.nrn"
        src.write_text(cuba.replace("precision = float64", f"precision = {precision}"))
        out = work / f"cuba_{precision}"
        r = run([nsc, str(src), "--target=cuda", "-o", str(out)])
        if r.returncode:
            sys.exit(f"FAIL: nsc --target=cuda {src}: {r.stderr}")
        steps = 2000  # 200 ms at dt = 0.1 ms
        r = run([str(driver), "--module", "cuba.cu", "--steps", str(steps), "--spikes", "gpu.csv"], cwd=out)
        if r.returncode == 2:
            if precision == "float64":
                if "no CUDA device" not in r.stderr:
                    sys.exit(f"FAIL: exit 2 without 'no CUDA device': {r.stderr}")
                print(f"SKIP run: {r.stderr.strip()}")
                return SKIP
        if r.returncode:
            sys.exit(f"FAIL: the driver on {precision} CUBA: exit {r.returncode}\n{r.stderr}")
        print(f"{precision}: {r.stdout.strip()}")
        cpu = out / "cpu.csv"
        r = run([nsc, str(src), "--target=cpu", "--run=200ms", "--quiet", f"--spikes={cpu}"])
        if r.returncode:
            sys.exit(f"FAIL: the cpu run: {r.stderr}")
        a, b = cpu.read_text().splitlines(), (out / "gpu.csv").read_text().splitlines()
        if a != b:
            first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            sys.exit(f"FAIL: {precision} CUBA spikes differ from the cpu target's: {len(a) - 1} vs {len(b) - 1} "
                     f"spikes, first difference at line {first + 1}: {a[first:first + 1]} vs {b[first:first + 1]}")
        print(f"{precision} CUBA, 200 ms: {len(a) - 1} spikes, identical to the cpu target")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["compile", "run"])
    ap.add_argument("--nsc", required=True)
    ap.add_argument("--nvcc", default="")
    ap.add_argument("--cxx", default="c++")
    a = ap.parse_args()
    nvcc = a.nvcc or shutil.which("nvcc") or "/usr/local/cuda/bin/nvcc"
    if not os.path.exists(nvcc):
        print(f"SKIP: nvcc not found ({nvcc}): the CUDA outputs cannot be compiled on this machine")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="nsc-cuda-") as tmp:
        work = pathlib.Path(tmp)
        if a.mode == "run":
            build_driver(nvcc, a.nsc, work, a.cxx)
            status = compare_run(a.nsc, work)
            if status == 0:
                fixed_point_runs(nvcc, a.nsc, work)
            return status
        t0 = time.time()
        dirs = generate(a.nsc, work)
        print(f"nsc --target=cuda -o, {len(EXAMPLES)} examples and {len(INPUTS)} test inputs: {time.time() - t0:.1f} s")
        compile_all(nvcc, dirs, work, a.cxx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
