"""Builds and runs the hand-written references of bench/reference/.

Used by bench/suite.py (timings) and test/reference/check_references.py
(ctest reference.agree: same spike counts as nsc at a small size).

A reference reads the network nsc built: `nsc FILE --network NET
--target=cuda -o DIR` writes DIR/network.nscimg (cells after initial values
and `prepare`, propagators included, and the synapses in CSR by source; no
GPU needed). Each reference hard-codes its model's cell slots; they are
checked here against the slot comments of `nsc --emit=cuda` first, so a
changed model or layout stops the run instead of reading the wrong cells.
"""
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

# reference -> (model, {variable: slot}) as the .cpp files hard-code them.
SLOTS = {
    "cuba": ("cuba_neuron", {"tau_m": 0, "E_L": 3, "V_th": 4, "V_r": 5, "V_m": 7, "g_e": 8, "g_i": 9,
                             "refr_count": 10, "refr_steps": 11, "P[g_e,g_e]": 12, "P[g_i,g_i]": 13,
                             "P[V_m,V_m]#1": 17, "M[V_m,V_m]#1": 18, "P[V_m,g_e]#1": 19,
                             "P[V_m,g_i]#1": 20, "P[g_e,g_e]#1": 21, "P[g_i,g_i]#1": 22}),
    "coba": ("coba_neuron", {"C_m": 0, "g_L": 1, "E_L": 2, "E_e": 3, "E_i": 4, "tau_e": 5, "tau_i": 6,
                             "V_th": 7, "V_r": 8, "I_b": 10, "V_m": 11, "g_e": 12, "g_i": 13,
                             "refr_count": 14, "refr_steps": 15}),
}

# Without -ffp-contract=off, g++ -march=native fuses a*b + c into FMAs, whose
# single rounding gives other bits than nsc's float64 semantics (R26).
FLAGS = {"exact": ["-O3", "-march=native", "-ffp-contract=off"],
         "fast-math": ["-O3", "-march=native", "-ffast-math"]}


def compile_reference(name, variant, out_dir, cxx="g++"):
    """Compiles bench/reference/NAME.cpp; returns the binary's path."""
    exe = os.path.join(out_dir, f"{name}_{variant}")
    cmd = [cxx, *FLAGS[variant], "-std=c++17", "-o", exe, os.path.join(HERE, f"{name}.cpp")]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    return exe


def check_slots(nsc, path, network, name):
    """Compares the reference's slots with `nsc --emit=cuda`'s comments."""
    model, expected = SLOTS[name]
    r = subprocess.run([nsc, path, "--network", network, "--target=cuda", "--emit=cuda"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"nsc --emit=cuda failed for {path}:\n{r.stderr[-3000:]}")
    m = re.search(r"struct nsc_" + re.escape(model) + r"\w*_frame \{(.*?)\n\};", r.stdout, re.S)
    if not m:
        raise RuntimeError(f"no frame of model {model} in nsc --emit=cuda of {path}")
    found = {v: int(s) for v, s in re.findall(r"// \w+ (\S+) .*?slot (\d+)$", m.group(1), re.M)}
    wrong = {v: (s, found.get(v)) for v, s in expected.items() if found.get(v) != s}
    if wrong:
        raise RuntimeError(f"bench/reference/{name}.cpp's cell slots differ from nsc's layout "
                           f"(variable: (reference, nsc)): {wrong}")


def write_image(nsc, path, network, out_dir):
    """nsc's built network as out_dir/network.nscimg."""
    cmd = [nsc, path, "--network", network, "--target=cuda", "-o", out_dir, "--quiet"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
    return os.path.join(out_dir, "network.nscimg")
