"""Checkpoints from Python: save_checkpoint / restore_checkpoint resume bit
for bit, refuse what does not fit, and read the command line's checkpoints
(docs/checkpoints.md)."""

import csv
import subprocess

import numpy as np
import pytest

import nsc
from conftest import EXAMPLES

PLASTIC = """import iaf_psc_exp
import stdp_synapse

semantics:
    seed = 11

network plastic:
    noise = poisson_generator[30](rate = 80 Hz)
    exc = iaf_psc_exp[30](V_m = uniform(-70 mV, -55 mV))
    connect noise -> exc: one_to_one, weight = 3000 pA, port = exc_spikes
    connect ee: exc -> exc: fixed_indegree(6), synapse = stdp_synapse(w = 40, w_max = 100, lambda = 0.05, d = 1 ms), port = exc_spikes
    record V_m from exc[0:3] every 1 ms as vm
"""


def _plastic(target="interp", threads=1):
    module = nsc.compile(PLASTIC, target=target, threads=threads, include_dirs=[str(EXAMPLES)])
    return module.network("plastic")


@pytest.mark.parametrize("target", ["interp", "cpu"])
def test_restored_simulation_goes_on_bit_for_bit(target, tmp_path):
    if target not in nsc.targets():
        pytest.skip(f"{target} not built")
    path = tmp_path / "half.ckpt"
    full = _plastic(target, threads=2)
    full.run("100 ms")
    full.save_checkpoint(path)
    full.run("100 ms")

    resumed = _plastic(target, threads=1)
    resumed.restore_checkpoint(path)
    assert resumed.steps == 1000
    resumed.run("100 ms")
    for population, (times, indices) in full.spikes().items():
        got_times, got_indices = resumed.spikes(population)
        np.testing.assert_array_equal(got_times, times)
        np.testing.assert_array_equal(got_indices, indices)
    w_full, w_resumed = full.synapses("ee", "w")[2], resumed.synapses("ee", "w")[2]
    assert w_full.tobytes() == w_resumed.tobytes()
    assert np.any(w_full != 40.0)  # the weights moved
    t_full, v_full = full.trace("vm")
    t_resumed, v_resumed = resumed.trace("vm")
    assert t_resumed.tobytes() == t_full.tobytes() and v_resumed.tobytes() == v_full.tobytes()
    assert resumed.get("exc", "V_m").tobytes() == full.get("exc", "V_m").tobytes()


def test_mismatch_and_corruption_raise_argument_error(tmp_path):
    path = tmp_path / "a.ckpt"
    sim = _plastic()
    sim.run("5 ms")
    sim.save_checkpoint(path)
    other = nsc.compile(PLASTIC.replace("seed = 11", "seed = 12"), target="interp",
                        include_dirs=[str(EXAMPLES)]).network("plastic")
    with pytest.raises(nsc.ArgumentError, match="written with seed 11; this network has seed 12"):
        other.restore_checkpoint(path)
    assert other.steps == 0
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(nsc.ArgumentError, match="is corrupt"):
        sim.restore_checkpoint(path)
    with pytest.raises(nsc.ArgumentError, match="cannot open"):
        sim.restore_checkpoint(tmp_path / "missing.ckpt")


def test_command_line_checkpoint_resumes_in_python(cuba, nsc_cli, tmp_path):
    """The same network, target and options: `nsc --checkpoint` and the
    Python API share checkpoints."""
    ckpt, full_csv = tmp_path / "cuba.ckpt", tmp_path / "full.csv"
    cuba_file = str(EXAMPLES / "cuba.nrn")
    subprocess.run([nsc_cli, cuba_file, "--target=cpu", "--run=60ms", f"--checkpoint={ckpt}", "--quiet"],
                   check=True, capture_output=True)
    subprocess.run([nsc_cli, cuba_file, "--target=cpu", "--run=120ms", f"--spikes={full_csv}", "--quiet"],
                   check=True, capture_output=True)
    sim = cuba.network("cuba")
    sim.restore_checkpoint(ckpt)
    assert sim.t == pytest.approx(60.0)
    sim.run("60 ms")
    with open(full_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    spikes = sim.spikes()
    assert sum(len(t) for t, _ in spikes.values()) == len(rows)
    for population, (times, indices) in spikes.items():
        expected = [r for r in rows if r["population"] == population]
        np.testing.assert_array_equal(times, [float(r["t_ms"]) for r in expected])
        np.testing.assert_array_equal(indices, [int(r["index"]) for r in expected])


def test_example_script(tmp_path):
    """examples/python/checkpoint_resume.py runs and finds the resumed run identical."""
    import os
    import sys
    script = EXAMPLES / "python" / "checkpoint_resume.py"
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=os.environ.copy())
    assert r.returncode == 0, r.stderr + r.stdout
    assert "resumed run identical: spikes True, weights True, V_m traces True" in r.stdout
