#!/usr/bin/python3
"""The cpu target against the reference interpreter, bit for bit (issue 4).

Every example runs under `--target=interp` and `--target=cpu` with the same
inputs; the spike files and the sampled traces (written as the shortest decimal
that reads back as the same double, so equal text means equal bits) must be identical:

* each single-neuron example model, 7 copies, with spike input on every
  spike port (excitatory and inhibitory weights), a constant current on its
  continuous port, V_m traced every step, in float64 and in float32 (the
  model's `precision` rewritten);
* every example network (spikes of all populations, the network's own
  recorders).

Run by ctest as `cpu.differential`; by hand:
    python3 test/cpu/compare_targets.py --nsc build/tools/nsc/nsc -v
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EX = os.path.join(ROOT, "examples")

# model file -> (spike inputs, current input); weights in the ports' units.
SINGLE = {
    "iaf_psc_exp.nrn": (["exc_spikes=5,12,13,40@600", "inh_spikes=30,31@-250"], "I_stim=180pA"),
    "iaf_psc_alpha.nrn": (["exc_spikes=5,12,13,40@700", "inh_spikes=30,31@-250"], "I_stim=200pA"),
    "iaf_cond_exp.nrn": (["exc_spikes=5,12,13,40@30", "inh_spikes=30,31@10"], "I_stim=300pA"),
    "aeif_cond_exp.nrn": (["exc_spikes=5,12,13,40@40", "inh_spikes=30,31@10"], "I_stim=600pA"),
    "hh_psc_alpha.nrn": (["exc_spikes=5,12,13,40@900", "inh_spikes=30,31@-200"], "I_stim=500pA"),
    "izhikevich.nrn": (["spikes=5,12,13,40@8"], "I_stim=10pA"),
    "nestml/iaf_psc_exp_neuron.nestml": (["exc_spikes=5,12,13,40@600", "inh_spikes=30,31@250"], "I_stim=180pA"),
}
NETWORKS = {"cuba.nrn": "100ms", "coba.nrn": "80ms", "network_with_import.nrn": "100ms"}


def run(nsc, args, cwd):
    p = subprocess.run([nsc] + args + ["--quiet"], cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def read(path):
    return open(path).read() if os.path.exists(path) else None


def compare(nsc, label, args, outputs, tmp, verbose):
    results = {}
    for target in ("interp", "cpu"):
        d = os.path.join(tmp, label.replace("/", "_") + "." + target)
        os.makedirs(d, exist_ok=True)
        rc, out, err = run(nsc, args + ["--target=" + target], d)
        files = {name: read(os.path.join(d, name)) for name in outputs}
        if os.path.isdir(os.path.join(d, "rec")):
            for f in sorted(os.listdir(os.path.join(d, "rec"))):
                files["rec/" + f] = read(os.path.join(d, "rec", f))
        # The kernel's name differs, nothing else may.
        err = err.replace("--target=" + target, "--target=T")
        results[target] = (rc, files, err)
    (rc_i, f_i, e_i), (rc_c, f_c, e_c) = results["interp"], results["cpu"]
    problems = []
    if rc_i != rc_c:
        problems.append("exit status %d (interp) vs %d (cpu): %s" % (rc_i, rc_c, (e_c or e_i).strip()[:400]))
    for name in sorted(set(f_i) | set(f_c)):
        a, b = f_i.get(name), f_c.get(name)
        if a != b:
            if a is None or b is None:
                problems.append("%s written by one target only" % name)
                continue
            la, lb = a.splitlines(), b.splitlines()
            first = next((i for i in range(min(len(la), len(lb))) if la[i] != lb[i]), min(len(la), len(lb)))
            problems.append("%s differs at line %d: interp %r, cpu %r" % (
                name, first + 1, la[first] if first < len(la) else "<end>", lb[first] if first < len(lb) else "<end>"))
    lines = sum(len((v or "").splitlines()) for v in f_i.values())
    if verbose or problems:
        print("%-48s %s (%d lines compared, exit %d)" % (label, "FAIL" if problems else "ok", lines, rc_i))
    for p in problems:
        print("    " + p)
    return not problems and rc_i == 0 and lines > 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsc", default=os.path.join(ROOT, "build", "tools", "nsc", "nsc"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--short", action="store_true",
                    help="every case, simulated for a third of the time (sanitizer builds)")
    a = ap.parse_args()
    nsc = os.path.abspath(a.nsc)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        env_cache = os.path.join(tmp, "cache")
        os.environ["NSC_CACHE_DIR"] = env_cache
        for f, (spikes, current) in SINGLE.items():
            src = os.path.join(EX, f)
            for precision in ("float64", "float32"):
                path = src
                if precision == "float32":
                    text = open(src).read()
                    if "precision" in text:
                        text = re.sub(r"precision\s*=\s*float64", "precision = float32", text)
                    else:
                        text += "\nsemantics:\n    precision = float32\n"
                    path = os.path.join(tmp, os.path.basename(f).replace(".", "_f32."))
                    open(path, "w").write(text)
                args = [path, "--run=20ms" if a.short else "--run=60ms", "--n=7", "--spikes=spikes.csv", "--trace=V_m", "--trace-out=trace.csv",
                        "--current-input=" + current] + ["--spike-input=" + s for s in spikes]
                ok &= compare(nsc, f + " " + precision, args, ["spikes.csv", "trace.csv"], tmp, a.verbose)
        for f, dur in NETWORKS.items():
            if a.short:
                dur = "%gms" % (float(dur[:-2]) / 3)
            args = [os.path.join(EX, f), "-I", EX, "--run=" + dur, "--spikes=spikes.csv", "--record-dir=rec"]
            ok &= compare(nsc, f, args, ["spikes.csv"], tmp, a.verbose)
    print("cpu vs interp: %s" % ("all identical" if ok else "DIFFERENCES (see above)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
