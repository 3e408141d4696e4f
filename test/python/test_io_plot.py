"""nsc.io round trips and nsc.plot figures, on a fake Simulation.

Run: PYTHONPATH=build/python /usr/bin/python3 -m pytest test/python/test_io_plot.py
(ctest python.pytest runs it with the other Python tests).
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from nsc import io as nsc_io
from nsc import plot as nsc_plot

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class FakeSimulation:
    """The Simulation read interface over fixed arrays (two populations, one
    silent; two recorders, one with two variables)."""

    populations = ["exc", "inh", "silent"]
    recorders = ["vm_exc", "inh_state"]
    dt = 0.1
    t = 50.0

    def __init__(self):
        rng = np.random.default_rng(7)
        self._spikes = {}
        for pop, n, count in (("exc", 8, 40), ("inh", 2, 9)):
            steps = rng.integers(0, 500, count)
            if pop == "exc":  # inh stays unsorted: the files sort by time
                steps = np.sort(steps)
            self._spikes[pop] = ((steps + 1) * self.dt, rng.integers(0, n, count))
        self._spikes["silent"] = (np.zeros(0), np.zeros(0, dtype=np.int64))
        t = (np.arange(500) + 1) * self.dt
        self._traces = {
            "vm_exc": {"V_m": (t, -65.0 + rng.standard_normal((8, 500)))},
            "inh_state": {"V_m": (t[:3], np.array([[1.0, np.nan, -np.inf], [0.5, 2.0, 3.0]])),
                          "g_ex": (t[:3], np.array([[0.0, 1e-300, 5.0], [7.0, 8.0, 9.0]]))},
        }

    def population_info(self, name):
        sizes = {"exc": 8, "inh": 2, "silent": 3}
        return dict(name=name, model="iaf", size=sizes[name], is_source=False)

    def spikes(self, pop):
        return self._spikes[pop]

    def recorder_variables(self, label):
        return list(self._traces[label])

    def recorder_population(self, label):
        return {"vm_exc": "exc", "inh_state": "inh"}[label]

    def trace(self, label, variable):
        return self._traces[label][variable]

    def synapses(self, proj, var):
        return np.array([0, 0, 1, 3]), np.array([1, 2, 2, 0]), np.array([0.5, 1.5, -1.0, 2.0])


def assert_same_results(expected, loaded):
    assert loaded.populations == expected.populations
    assert loaded.dt == expected.dt
    for pop in expected.populations:
        times, indices = expected.spikes(pop)
        order = np.argsort(times, kind="stable")  # files store spikes by time
        got_times, got_indices = loaded.spikes(pop)
        np.testing.assert_array_equal(got_times, times[order])
        np.testing.assert_array_equal(got_indices, indices[order])
        assert got_indices.dtype == np.int64
        assert loaded.population_info(pop)["size"] == expected.population_info(pop)["size"]
    assert loaded.recorders == expected.recorders
    for label in expected.recorders:
        assert loaded.recorder_population(label) == expected.recorder_population(label)
        assert sorted(loaded.recorder_variables(label)) == sorted(
            expected.recorder_variables(label))
        for var in expected.recorder_variables(label):
            t, values = expected.trace(label, var)
            got_t, got_values = loaded.trace(label, var)
            np.testing.assert_array_equal(got_t, t)
            np.testing.assert_array_equal(got_values, values)  # NaN == NaN here


@pytest.mark.parametrize("extension", [".npz", ".h5", ".hdf5"])
def test_round_trip_is_exact(tmp_path, extension):
    sim = FakeSimulation()
    path = tmp_path / f"results{extension}"
    nsc_io.save(sim, path)
    assert_same_results(sim, nsc_io.load(path))


def test_round_trip_of_loaded_results_is_exact(tmp_path):
    first = nsc_io.load(_saved(tmp_path, "a.h5"))
    nsc_io.save(first, tmp_path / "b.npz")
    assert_same_results(first, nsc_io.load(tmp_path / "b.npz"))


def _saved(tmp_path, name):
    path = tmp_path / name
    nsc_io.save(FakeSimulation(), path)
    return path


def test_hdf5_follows_sonata_spike_layout(tmp_path):
    import h5py

    with h5py.File(_saved(tmp_path, "r.h5"), "r") as f:
        group = f["spikes/exc"]
        assert group.attrs["sorting"] == "by_time"
        assert group["timestamps"].attrs["units"] == "ms"
        assert group["timestamps"].dtype == np.float64
        assert group["node_ids"].dtype == np.uint64
        assert np.all(np.diff(f["spikes/inh/timestamps"][()]) >= 0)
        assert list(f["spikes"].attrs["populations"]) == ["exc", "inh", "silent"]
        assert f["spikes/silent/timestamps"].shape == (0,)
        assert f["traces/inh_state/g_ex/data"].shape == (2, 3)
        assert f["traces/inh_state"].attrs["population"] == "inh"
        assert f.attrs["dt_ms"] == 0.1


def test_npz_keys_are_documented_ones(tmp_path):
    with np.load(_saved(tmp_path, "r.npz"), allow_pickle=False) as data:
        keys = set(data.files)
    assert {"spikes/exc/times_ms", "spikes/exc/indices", "traces/vm_exc/V_m/t_ms",
            "traces/vm_exc/V_m/values", "dt_ms", "populations"} <= keys


def test_bad_extension_and_failed_save_leave_no_file(tmp_path):
    with pytest.raises(ValueError, match="unknown results format"):
        nsc_io.save(FakeSimulation(), tmp_path / "r.txt")
    bad = nsc_io.Results(spikes={"exc": ([1.0], [0])})
    bad._spikes["exc"] = (np.array([1.0]), "not an array")  # fails inside the writer
    with pytest.raises(Exception):
        nsc_io.save(bad, tmp_path / "r.h5")
    assert os.listdir(tmp_path) == []


def test_results_validate_shapes_and_names():
    with pytest.raises(ValueError, match="1-D of one length"):
        nsc_io.Results(spikes={"exc": ([1.0, 2.0], [0])})
    with pytest.raises(ValueError, match="n_neurons, n_samples"):
        nsc_io.Results(traces={"r": {"V": ([0.1, 0.2], np.zeros((3, 4)))}})
    with pytest.raises(ValueError, match="without '/'"):
        nsc_io.Results(spikes={"a/b": ([], [])})
    with pytest.raises(KeyError, match="no population 'x'"):
        nsc_io.Results().spikes("x")
    with pytest.raises(TypeError, match="not results"):
        nsc_io.as_results(object())


CLI_SPIKES = "t_ms,population,index\n0.1,exc,3\n0.1,inh,0\n0.5,exc,1\n"
CLI_TRACE = ("t_ms,population,index,V_m,g\n0.1,exc,2,-65,0\n0.1,exc,4,-64,1\n"
             "0.2,exc,2,-63.5,2\n0.2,exc,4,-62,3\n")


def test_load_csv_dir_reads_spikes_and_recorders(tmp_path):
    (tmp_path / "spikes.csv").write_text(CLI_SPIKES)
    (tmp_path / "vm.csv").write_text(CLI_TRACE)
    results = nsc_io.load_csv_dir(tmp_path, dt_ms=0.1)
    assert results.populations == ["exc", "inh"]
    np.testing.assert_array_equal(results.spikes("exc")[0], [0.1, 0.5])
    np.testing.assert_array_equal(results.spikes("exc")[1], [3, 1])
    assert results.recorders == ["vm"] and results.recorder_population("vm") == "exc"
    t, values = results.trace("vm", "V_m")
    np.testing.assert_array_equal(t, [0.1, 0.2])
    np.testing.assert_array_equal(values, [[-65, -63.5], [-64, -62]])
    np.testing.assert_array_equal(results.trace_node_ids("vm", "g"), [2, 4])


def test_load_csv_dir_merges_record_dir_spike_files(tmp_path):
    # --record-dir writes one spike file per `record spikes` statement, and
    # synapse recordings (t_ms,source,target,w) next to them.
    (tmp_path / "exc_spikes.csv").write_text("t_ms,population,index\n0.1,exc,3\n0.5,exc,1\n")
    (tmp_path / "first.csv").write_text("t_ms,population,index\n0.1,exc,3\n")
    (tmp_path / "inh_spikes.csv").write_text("t_ms,population,index\n0.2,inh,0\n")
    (tmp_path / "ee_w.csv").write_text("t_ms,source,target,w\n25,0,1,40\n")
    results = nsc_io.load_csv_dir(tmp_path)
    assert sorted(results.populations) == ["exc", "inh"]
    np.testing.assert_array_equal(results.spikes("exc")[0], [0.1, 0.5])
    np.testing.assert_array_equal(results.spikes("exc")[1], [3, 1])
    np.testing.assert_array_equal(results.spikes("inh")[1], [0])
    assert results.recorders == []


def test_load_csv_dir_refuses_ragged_traces_and_bad_files(tmp_path):
    (tmp_path / "vm.csv").write_text(CLI_TRACE.rsplit("0.2,exc,4", 1)[0])
    with pytest.raises(ValueError, match="not sampled at the same times"):
        nsc_io.load_csv_dir(tmp_path)
    (tmp_path / "vm.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not an nsc spike or trace file"):
        nsc_io.load_csv_dir(tmp_path)
    (tmp_path / "vm.csv").write_text("t_ms,population,index\n0.1,exc\n")
    with pytest.raises(ValueError, match=r"vm.csv:2: expected 3 columns"):
        nsc_io.load_csv_dir(tmp_path)
    with pytest.raises(NotADirectoryError):
        nsc_io.load_csv_dir(tmp_path / "missing")


def _figure_count():
    import matplotlib.pyplot as plt

    return len(plt.get_fignums())


def test_raster_draws_every_kept_spike():
    sim = FakeSimulation()
    ax = nsc_plot.raster(sim, t_range=(0.0, 25.0), max_neurons=4)
    drawn = sum(len(c.get_offsets()) for c in ax.collections)
    expected = sum(int(np.sum((t < 25.0) & (i < 4))) for t, i in
                   (sim.spikes(p) for p in sim.populations))
    assert drawn == expected
    assert ax.get_xlabel() == "time (ms)"
    assert ax.get_ylim() == (-0.5, 4 + 2 + 3 - 0.5)  # min(size, 4) stacked


def test_raster_accepts_plain_arrays_and_unknown_population_is_an_error():
    ax = nsc_plot.raster(([1.0, 2.0, 3.0], [0, 5, 1]))
    assert len(ax.collections[0].get_offsets()) == 3
    with pytest.raises(KeyError, match="no population 'nope'"):
        nsc_plot.raster(FakeSimulation(), populations=["nope"])


def test_rates_are_in_hz_per_neuron():
    # 4 spikes of a 2-neuron population in the first 10 ms bin: 4 / (2 * 0.01 s).
    data = {"p": ([1.0, 2.0, 3.0, 9.0, 15.0], [0, 1, 0, 1, 0])}
    ax = nsc_plot.rates(data, bin_ms=10.0)
    values = ax.patches[0].get_data()[0]
    np.testing.assert_allclose(values, [200.0, 50.0])
    assert ax.get_ylabel() == "rate (Hz)"
    with pytest.raises(ValueError, match="bin_ms must be positive"):
        nsc_plot.rates(data, bin_ms=0)


def test_traces_plot_selected_neurons():
    sim = FakeSimulation()
    ax = nsc_plot.traces(sim, "vm_exc", neurons=[1, 6])
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), sim.trace("vm_exc", "V_m")[1][6])
    assert ax.get_ylabel() == "V_m"
    with pytest.raises(ValueError, match="name the variable"):
        nsc_plot.traces(sim, "inh_state")
    with pytest.raises(KeyError, match="no neuron 99"):
        nsc_plot.traces(sim, "vm_exc", neurons=[99])


def test_weights_matrix_sums_and_histogram():
    sources, targets, values = FakeSimulation().synapses("ee", "w")
    matrix_ax, histogram_ax = nsc_plot.weights(sources, targets, values, shape=(4, 3))
    matrix = matrix_ax.images[0].get_array()
    assert matrix.shape == (4, 3)
    assert matrix[0, 2] == 1.5 and matrix[3, 0] == 2.0
    assert np.ma.is_masked(matrix[2, 2]) or np.isnan(matrix[2, 2])
    assert sum(p.get_height() for p in histogram_ax.patches) == 4
    with pytest.raises(ValueError, match="do not fit shape"):
        nsc_plot.weights(sources, targets, values, shape=(2, 2))


def _run_cli(*args):
    # The package under test, as pytest itself imports it (PYTHONPATH).
    return subprocess.run([sys.executable, "-m", "nsc.plot", *map(str, args)],
                          capture_output=True, text=True)


@pytest.mark.parametrize("kind", ["raster", "rates"])
def test_command_line_writes_a_png(tmp_path, kind):
    out = tmp_path / f"{kind}.png"
    done = _run_cli(_saved(tmp_path, "r.h5"), "-o", out, "--kind", kind)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == PNG_SIGNATURE


def test_command_line_traces_needs_a_recorder_and_reports_errors(tmp_path):
    results = _saved(tmp_path, "r.npz")
    done = _run_cli(results, "-o", tmp_path / "t.png", "--kind", "traces")
    assert done.returncode == 1 and "name one with --recorder" in done.stderr
    done = _run_cli(results, "-o", tmp_path / "t.png", "--kind", "traces",
                    "--recorder", "vm_exc")
    assert done.returncode == 0, done.stderr
    done = _run_cli(tmp_path / "missing.h5", "-o", tmp_path / "m.png")
    assert done.returncode == 1 and "no results file" in done.stderr
    assert not (tmp_path / "m.png").exists()


def test_real_simulation_round_trips(tmp_path):
    """A real cuba run (the compiled package on PYTHONPATH) saved, loaded
    and drawn: every spike survives, in time order."""
    import nsc

    sim = nsc.compile(os.path.join(REPO, "examples", "cuba.nrn")).network("cuba")
    sim.run("100 ms")
    for suffix in ("h5", "npz"):
        path = tmp_path / f"cuba.{suffix}"
        nsc_io.save(sim, path)
        loaded = nsc_io.load(path)
        total = 0
        for pop in sim.populations:
            t, i = sim.spikes(pop)
            order = np.argsort(t, kind="stable")
            assert np.array_equal(loaded.spikes(pop)[0], np.asarray(t)[order]), pop
            assert np.array_equal(loaded.spikes(pop)[1], np.asarray(i)[order]), pop
            total += len(t)
        # cuba's 100 ms on the interpreter and cpu targets (test/lit/interp/cuba-stats.test).
        assert total == 2398
    ax = nsc_plot.raster(sim)
    assert sum(len(c.get_offsets()) for c in ax.collections) == 2398
