"""The nsc package's core: compiling, running, results as NumPy arrays,
errors, sweeps, threads and the tutorial (docs/python.md)."""

import csv
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import nsc
import nsc.io
from conftest import EXAMPLES, ROOT


def test_cuba_spikes_equal_the_command_line(cuba, nsc_cli, tmp_path):
    csv_path = tmp_path / "spikes.csv"
    subprocess.run([nsc_cli, str(EXAMPLES / "cuba.nrn"), "--target=cpu", "--run=1s",
                    f"--spikes={csv_path}"], check=True, capture_output=True)
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 22144

    sim = cuba.network("cuba")
    sim.run("1 s")
    spikes = sim.spikes()
    assert list(spikes) == ["exc", "inh"]
    assert sum(len(times) for times, _ in spikes.values()) == 22144
    for population, (times, indices) in spikes.items():
        assert times.dtype == np.float64 and indices.dtype == np.int64
        expected = [r for r in rows if r["population"] == population]
        np.testing.assert_array_equal(times, [float(r["t_ms"]) for r in expected])
        np.testing.assert_array_equal(indices, [int(r["index"]) for r in expected])
    one_times, one_indices = sim.spikes("inh")
    np.testing.assert_array_equal(one_times, spikes["inh"][0])
    np.testing.assert_array_equal(one_indices, spikes["inh"][1])
    stats = sim.stats()
    assert stats["spikes"] == 22144
    assert 0 < stats["connect_ms"] <= stats["build_ms"]


def test_compile_error_carries_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.nrn"
    bad.write_text("model broken:\n    state:\n        V mV = 0 mV\n    update:\n        V = V_n\n")
    with pytest.raises(nsc.CompileError) as caught:
        nsc.compile(str(bad))
    error = caught.value
    assert isinstance(error, nsc.Error)
    first = error.diagnostics[0]
    assert (first.file, first.line, first.column, first.severity) == (str(bad), 5, 13, "error")
    assert "V_n" in first.message
    assert first.text.startswith(f"{bad}:5:13: error:")
    assert first.text.rstrip("\n") in str(error)

    with pytest.raises(nsc.CompileError) as caught:
        nsc.compile("model m:\n  foo bar\n")
    assert caught.value.diagnostics[0].file == "<string>"
    assert caught.value.diagnostics[0].line == 2


BLOWUP = "model blowup:\n    state:\n        x real = 1\n    update:\n        x = x * 1e200\n"


@pytest.mark.parametrize("target", ["cpu", "interp"])
def test_numeric_trouble_is_a_simulation_error(target):
    sim = nsc.compile(BLOWUP, target).model("blowup", n=2)
    with pytest.raises(nsc.SimulationError) as caught:
        sim.run("1 ms")
    assert isinstance(caught.value, nsc.Error) and not isinstance(caught.value, ValueError)
    first = caught.value.diagnostics[0]
    assert "'x' of blowup[0] became infinite" in first.message
    assert (first.file, first.line, first.column) == ("<string>", 1, 7)
    assert sim.steps == 2  # stopped at the failing step, still usable
    sim.reset()
    np.testing.assert_array_equal(sim.get("blowup", "x"), [1.0, 1.0])


GUARDED = """model g:
    parameters:
        tau_m ms = 10 ms [[tau_m > 0 ms]]
    state:
        V_m mV = -70 mV
    equations:
        V_m' = (-70 mV - V_m) / tau_m
    update:
        integrate_odes()
"""


def test_set_refuses_a_value_that_breaks_a_guard():
    sim = nsc.compile(GUARDED, "interp").model("g", n=2)
    with pytest.raises(nsc.ArgumentError, match=r"parameter 'tau_m' of population 'g' \(neuron 0\) is -5"):
        sim.set("g", "tau_m", -5.0)
    np.testing.assert_array_equal(sim.get("g", "tau_m"), [10.0, 10.0])
    sim.set("g", "tau_m", 5.0)
    np.testing.assert_array_equal(sim.get("g", "tau_m"), [5.0, 5.0])


def test_compile_options_are_checked():
    with pytest.raises(ValueError, match="this build runs cpu"):
        nsc.compile(str(EXAMPLES / "cuba.nrn"), target="cuda")
    with pytest.raises(TypeError):
        nsc.compile(str(EXAMPLES / "cuba.nrn"), optimise=True)
    with pytest.raises(ValueError, match="threads"):
        nsc.compile(str(EXAMPLES / "cuba.nrn"), threads=0)
    with pytest.raises(nsc.ArgumentError, match="no_such_pass"):
        nsc.compile(str(EXAMPLES / "cuba.nrn"), passes=["no_such_pass"])
    with pytest.raises(nsc.CompileError, match="missing.nrn"):
        nsc.compile("missing.nrn")
    assert set(nsc.targets()) == {"cpu", "interp"}


def test_dt_option_sets_every_model_and_network_time_step(nsc_cli, tmp_path):
    # dt= is `nsc --dt`: the same spikes as the command line at that dt.
    csv_path = tmp_path / "spikes.csv"
    subprocess.run([nsc_cli, str(EXAMPLES / "cuba.nrn"), "--target=cpu", "--run=50ms", "--dt=0.05ms",
                    f"--spikes={csv_path}"], check=True, capture_output=True)
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    for dt in (0.05, "0.05 ms", "50 us"):
        sim = nsc.compile(str(EXAMPLES / "cuba.nrn"), dt=dt).network("cuba")
        assert sim.dt == 0.05
        sim.run("50 ms")
        assert sim.steps == 1000
        assert sum(len(times) for times, _ in sim.spikes().values()) == len(rows)
    with pytest.raises(ValueError, match="positive time step"):
        nsc.compile(str(EXAMPLES / "cuba.nrn"), dt=0)
    with pytest.raises(ValueError, match="invalid duration"):
        nsc.compile(str(EXAMPLES / "cuba.nrn"), dt="fast")


def test_set_and_get_per_population_and_per_neuron(cuba):
    sim = cuba.network()
    size = sim.population_info("exc").size
    assert size == 3200 and sim.population_info("inh").size == 800
    assert {"tau_m", "V_m"} <= {v.name for v in sim.variables("exc")}

    sim.set("exc", "tau_m", 15.0)
    tau_m = sim.get("exc", "tau_m")
    np.testing.assert_array_equal(tau_m, np.full(size, 15.0))
    assert not tau_m.flags.owndata, "get() returns the C++ vector's memory, not a copy"
    assert not np.all(sim.get("inh", "tau_m") == 15.0)

    ramp = np.linspace(-70.0, -60.0, size)
    sim.set("exc", "V_m", ramp)
    np.testing.assert_array_equal(sim.get("exc", "V_m"), ramp)
    sim.set("exc", "V_m", list(ramp[::-1]))
    np.testing.assert_array_equal(sim.get("exc", "V_m"), ramp[::-1])

    with pytest.raises(nsc.ArgumentError):
        sim.set("exc", "V_m", np.zeros(size - 1))
    with pytest.raises(ValueError, match="no population"):
        sim.get("nope", "V_m")
    with pytest.raises(ValueError, match="1-D"):
        sim.set("exc", "V_m", np.zeros((2, size)))


def test_trace_shape(cuba):
    sim = cuba.network()
    sim.run(100 * nsc.ms)
    assert sim.recorders == ["v_exc"]
    assert sim.recorder_population("v_exc") == "exc"
    assert sim.recorder_variables("v_exc") == ["V_m"]
    t, values = sim.trace("v_exc")
    assert t.shape == (100,) and values.shape == (5, 100)
    np.testing.assert_allclose(t, np.arange(1, 101) * 1.0)
    np.testing.assert_array_equal(sim.trace_neurons("v_exc"), np.arange(5))
    # Views of the C++ trace's memory, not copies.
    assert not values.flags.owndata and not t.flags.owndata
    # The last sample is the state now.
    np.testing.assert_array_equal(values[:, -1], sim.get("exc", "V_m")[:5])


def test_trace_of_a_recorder_with_several_variables():
    sim = nsc.compile(str(EXAMPLES / "network_with_import.nrn")).network()
    sim.run("20 ms")
    with pytest.raises(ValueError, match="V_m, I_syn"):
        sim.trace("vtrace")
    t, current = sim.trace("vtrace", "I_syn")
    assert t.shape == (20,) and current.shape == (10, 20)
    with pytest.raises(ValueError, match="not 'g'"):
        sim.trace("vtrace", "g")


def test_model_with_spike_and_current_inputs():
    module = nsc.compile(str(EXAMPLES / "iaf_psc_exp.nrn"))
    quiet = module.model("iaf_psc_exp", n=3)
    quiet.run("50 ms")
    assert len(quiet.spikes("iaf_psc_exp")[0]) == 0

    kicked = module.model("iaf_psc_exp", n=3, spike_inputs={"exc_spikes": ([5.0, 5.5, 6.0], 2000.0)})
    kicked.run("50 ms")
    times, indices = kicked.spikes("iaf_psc_exp")
    assert len(times) == 3 and np.all(times > 5.0) and sorted(indices) == [0, 1, 2]

    # Default weight 1 pA: a bump far below threshold.
    nudged = module.model("iaf_psc_exp", spike_inputs={"exc_spikes": [5.0]})
    nudged.run("6 ms")
    assert 0 < nudged.get("iaf_psc_exp", "I_syn_exc")[0] <= 1.0

    driven = module.model("iaf_psc_exp", n=2, params={"tau_m": 20.0}, current_inputs={"I_stim": 400.0})
    np.testing.assert_array_equal(driven.get("iaf_psc_exp", "tau_m"), [20.0, 20.0])
    driven.run("100 ms")
    assert len(driven.spikes("iaf_psc_exp")[0]) > 2
    with pytest.raises(nsc.ArgumentError):
        module.model("iaf_psc_exp", spike_inputs={"no_port": [1.0]})


def test_sweep_reuses_the_compiled_code(cuba):
    results = cuba.sweep({"cuba.exc.tau_m": np.array([10.0, 20.0, 30.0]) * nsc.ms}, run="200 ms")
    assert [r["values"]["cuba.exc.tau_m"] for r in results] == [10.0, 20.0, 30.0]
    first = results[0]["stats"]
    assert first["models_compiled"] + first["memory_cache_hits"] + first["disk_cache_hits"] >= 1
    for later in results[1:]:
        assert later["stats"]["models_compiled"] == 0
        assert later["stats"]["memory_cache_hits"] >= 1
    exc_spikes = [r["spikes"]["exc"] for r in results]
    assert len(set(exc_spikes)) == 3
    assert results[1]["rates_hz"]["exc"] == pytest.approx(exc_spikes[1] / 3200 / 0.2)

    grid = cuba.sweep({"exc.tau_m": [10.0, 20.0], "inh.tau_m": [10.0, 20.0]}, run="10 ms",
                      record=["exc.tau_m"])
    assert [tuple(r["values"].values()) for r in grid] == [(10, 10), (10, 20), (20, 10), (20, 20)]
    np.testing.assert_array_equal(grid[3]["final"]["exc.tau_m"], np.full(3200, 20.0))
    with pytest.raises(ValueError, match="population.variable"):
        cuba.sweep({"tau_m": [1.0]}, run="1 ms")
    with pytest.raises(TypeError, match="sequence"):
        cuba.sweep({"exc.tau_m": 10.0}, run="1 ms")


# Two driven populations joined by examples/stdp_synapse.nrn: both fire
# regularly, so the weights move within 100 ms. (examples/stdp_synapse.nrn
# holds only the synapse model; network_with_import.nrn's excitatory
# neurons stay silent for the first 200 ms.)
STDP_NETWORK = """
import iaf_psc_exp
import "stdp_synapse.nrn"
network pairing:
    pre = iaf_psc_exp[20](I_e = 420 pA, V_m = uniform(-70 mV, -56 mV))
    post = iaf_psc_exp[10](I_e = 400 pA)
    connect learning: pre -> post: all_to_all, synapse = stdp_synapse(w = 30, w_max = 100, lambda = 0.05, d = 1 ms), port = exc_spikes
"""


def test_stdp_weights_as_arrays():
    sim = nsc.compile(STDP_NETWORK, include_dirs=[EXAMPLES]).network("pairing")
    assert sim.plastic_projections == ["learning"]
    sources, targets, weights = sim.synapses("learning", "w")
    assert sources.dtype == np.uint32 and targets.dtype == np.uint32 and weights.dtype == np.float64
    assert len(sources) == len(targets) == len(weights) == 20 * 10
    np.testing.assert_array_equal(sources, np.repeat(np.arange(20), 10))
    np.testing.assert_array_equal(targets, np.tile(np.arange(10), 20))
    assert np.all(weights == 30.0)
    sim.run("100 ms")
    assert len(sim.spikes("pre")[0]) > 20 and len(sim.spikes("post")[0]) > 10
    _, _, learnt = sim.synapses("learning", "w")
    assert np.count_nonzero(learnt != 30.0) > 100
    assert np.all((learnt >= 0) & (learnt <= 100))
    assert np.all(weights == 30.0), "an earlier result must not change with the simulation"
    with pytest.raises(nsc.ArgumentError, match="no plastic projection"):
        sim.synapses("ie", "w")


def _in_native_call(sim):
    """True while another thread is inside one of sim's native calls."""
    try:
        sim.steps
        return False
    except RuntimeError:
        return True


def test_simulations_in_two_threads_run_concurrently(cuba):
    background, foreground = cuba.network(), cuba.network()
    worker = threading.Thread(target=background._native.step, args=(50_000,))  # one call, about 0.3 s
    worker.start()
    # A foreground step counts when the background was inside its native
    # call before and after it: with the GIL held by the background, this
    # thread could run no Python at all then.
    overlapping = 0
    while worker.is_alive():
        before = _in_native_call(background)
        foreground.step(10)
        if before and _in_native_call(background):
            overlapping += 1
    worker.join()
    assert overlapping >= 3
    assert background.steps == 50_000 and foreground.steps % 10 == 0


def test_one_simulation_refuses_a_second_thread(cuba):
    sim = cuba.network()
    started = threading.Event()

    def long_native_call():
        started.set()
        sim._native.step(100_000)  # about 0.5 s

    worker = threading.Thread(target=long_native_call)
    worker.start()
    started.wait()
    time.sleep(0.05)
    try:
        with pytest.raises(RuntimeError, match="in use by another thread"):
            sim.step(1)
    finally:
        worker.join()
    assert sim.steps == 100_000


def test_ctrl_c_stops_a_run_between_chunks(cuba):
    sim = cuba.network()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sim.run("100 s", progress=False)
    timer.join()
    reached = sim.steps
    assert 0 < reached < 1_000_000
    assert sim.t == pytest.approx(reached * sim.dt)
    sim.run("1 ms")
    assert sim.steps == reached + 10


def test_string_durations(cuba):
    from nsc._units import duration_ms
    assert duration_ms("1 s") == 1000.0
    assert duration_ms("250ms") == 250.0
    assert duration_ms("100") == 100.0
    assert duration_ms("20 us") == pytest.approx(0.02)
    assert duration_ms(2 * nsc.s) == 2000.0
    for bad in ("1 h", "", "fast", "-5 ms", "1 s 2"):
        with pytest.raises(ValueError, match="invalid duration"):
            duration_ms(bad)
    with pytest.raises(TypeError):
        duration_ms(None)
    sim = cuba.network()
    sim.run("2.5ms")
    sim.run(".5 ms")
    assert sim.steps == 30 and sim.t == pytest.approx(3.0)
    with pytest.raises(ValueError):
        sim.run("1 h")
    assert sim.steps == 30


def test_progress_bar_writes_tqdm_style_text(monkeypatch):
    import io
    from nsc import _progress
    monkeypatch.setattr(_progress, "_DELAY_S", 0.0)
    stream = io.StringIO()
    bar = _progress.ProgressBar(total=200, dt_ms=0.1, enabled=None, stream=stream)
    bar.update(100)
    bar.close()
    assert stream.getvalue() == ""  # not a terminal: nothing
    bar = _progress.ProgressBar(total=200, dt_ms=0.1, enabled=True, stream=stream)
    bar.update(100)
    bar.update(200)
    bar.close()
    assert " 50%|" in stream.getvalue() and "100%|" in stream.getvalue()
    assert "20.0/20.0 ms" in stream.getvalue() and stream.getvalue().endswith("\n")
    with pytest.raises(TypeError, match="progress"):
        nsc.compile(str(EXAMPLES / "iaf_psc_exp.nrn")).model("iaf_psc_exp").run(1, progress="yes")


def test_verify_returns_the_report():
    report = nsc.verify(EXAMPLES / "iaf_psc_exp.nrn", run="100 ms", model="iaf_psc_exp",
                        current_input="I_stim=400pA")
    assert report["reference"] == "cpu" and report["steps"] == 1000
    assert report["within_tolerance"] is True
    assert [t["target"] for t in report["targets"]] == ["cpu", "interp"]
    with pytest.raises(nsc.Error, match="nsc verify failed"):
        nsc.verify(EXAMPLES / "no_such_file.nrn")


def test_save_writes_what_load_reads(cuba, tmp_path):
    sim = cuba.network()
    sim.run("20 ms")
    sim.save(tmp_path / "run.npz")
    loaded = nsc.io.load(tmp_path / "run.npz")
    for pop in sim.populations:
        assert len(loaded.spikes(pop)[0]) == len(sim.spikes(pop)[0]), pop
    with pytest.raises(ValueError):
        sim.save(tmp_path / "run.txt")


def test_tutorial_script_writes_the_raster(tmp_path):
    script = ROOT / "examples" / "python" / "cuba_raster.py"
    doc = (ROOT / "docs" / "python.md").read_text()
    assert script.read_text().strip() in doc, "docs/python.md's tutorial and the script differ"
    # The script runs in tmp_path: it imports the package under test by an
    # absolute path, whatever PYTHONPATH was relative to.
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(nsc.__file__)))
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=package_parent)
    subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, check=True, timeout=120)
    png = tmp_path / "cuba_raster.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000


def test_injected_spikes_drive_the_next_step():
    """Closed-loop input: events injected between steps reach the port in
    the next step (or delay_steps later), as a projection's would."""
    import math

    module = nsc.compile(str(EXAMPLES / "iaf_psc_exp.nrn"))
    sim = module.model("iaf_psc_exp", n=3)
    sim.inject_spikes("iaf_psc_exp", "exc_spikes", [0, 0, 2], [100.0, 50.0, 10.0])
    sim.step()
    current = sim.get("iaf_psc_exp", "I_syn_exc")
    assert current[1] == 0.0
    assert current[0] > 0 and math.isclose(current[0] / current[2], 15.0, rel_tol=1e-12)
    sim.inject_spikes("iaf_psc_exp", "exc_spikes", [1], 20.0, delay_steps=1)
    sim.step()
    assert sim.get("iaf_psc_exp", "I_syn_exc")[1] == 0.0
    sim.step()
    assert sim.get("iaf_psc_exp", "I_syn_exc")[1] > 0.0
    with pytest.raises(nsc.ArgumentError, match="out of range"):
        sim.inject_spikes("iaf_psc_exp", "exc_spikes", [3])
    with pytest.raises(ValueError, match="non-negative"):
        sim.inject_spikes("iaf_psc_exp", "exc_spikes", [-1])


def test_under_mpirun_the_api_refuses_instead_of_running_once_per_rank(monkeypatch):
    # What Open MPI's mpirun sets for each of 2 ranks (docs/mpi.md); the API
    # has no communicator yet, so every rank would run the whole network.
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "2")
    model = nsc.compile(BLOWUP, "interp")
    with pytest.raises(nsc.SimulationError) as caught:
        model.model("blowup", n=2)
    assert "the embedding API (C++ and Python) does not run under MPI yet" in str(caught.value)
    monkeypatch.delenv("OMPI_COMM_WORLD_SIZE")
    assert model.model("blowup", n=2).steps == 0
