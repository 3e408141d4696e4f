"""The stimulus sources of issue 19 (docs/language.md §9.2, docs/semantics.md
R19-R21): the values and statistics each source promises, and identical
results on interp and cpu at any thread count."""

import numpy as np
import pytest

import nsc

PROBE = """
model probe:
    state:
        V_m mV = 0 mV
    equations:
        V_m' = -V_m / 10 ms + I / 250 pF
        recordable inline I_in pA = I
        recordable inline x_in real = x
    input:
        I pA <- continuous
        x real <- continuous
        s mV <- spike
    output:
        spike
    update:
        integrate_odes()
"""


def build(body, target="interp", threads=1, dt="0.1 ms"):
    src = PROBE + f"\nnetwork t:\n    semantics:\n        dt = {dt}\n" + body
    return nsc.compile(src, target=target, threads=threads).network("t")


def test_sine_generator_values_and_period():
    """I(j) = offset + A sin(2 pi f t_j + phase), sampled at the start of
    each step and delivered one step later (R18, R19)."""
    sim = build("""
    a = probe[1]
    sn = sine_generator(amplitude = 40 pA, frequency = 25 Hz, phase = 30, offset = 5 pA, start = 2 ms)
    connect sn -> a: all_to_all, port = I
    record I_in from a as i
""")
    sim.run("100 ms")
    t, i = sim.trace("i")
    i = i[0]
    t_j = t - 0.1  # the value in step k (ending at t) is I(k), computed for t_k
    want = np.where(t_j >= 2.0 - 1e-9, 5 + 40 * np.sin(2 * np.pi * 25 * t_j / 1000 + np.pi / 6), 0.0)
    np.testing.assert_allclose(i, want, atol=1e-9)
    # The period: 40 ms (25 Hz), seen between upward zero crossings of I - offset.
    up = np.flatnonzero((i[:-1] - 5 < 0) & (i[1:] - 5 >= 0) & (t_j[:-1] > 2.5))
    assert np.allclose(np.diff(t[up]), 40.0, atol=0.11)


def test_noise_generator_mean_std_hold_and_independence():
    """Gaussian noise: mean and std as asked, held for its dt (1 ms = 10
    steps), independent between the targets of one generator."""
    sim = build("""
    a = probe[200]
    nz = noise_generator(mean = 20 pA, std = 50 pA, dt = 1 ms)
    connect nz -> a: all_to_all, port = I
    record I_in from a as i
""")
    sim.run("200 ms")
    _, i = sim.trace("i")
    held = i[:, ::10]  # one value per noise interval
    assert np.all(i.reshape(200, -1, 10) == i.reshape(200, -1, 10)[:, :, :1])  # constant within an interval
    n = held.size  # 40000 independent draws
    assert abs(held.mean() - 20) < 4 * 50 / np.sqrt(n)
    assert abs(held.std() - 50) < 4 * 50 / np.sqrt(2 * n)
    c = np.corrcoef(held)[np.triu_indices(200, 1)]
    assert np.abs(c).max() < 0.5 and abs(c.mean()) < 0.01


def test_step_current_with_several_steps():
    sim = build("""
    a = probe[1]
    st = step_current_generator(times = [1 ms, 2 ms, 4 ms], amplitudes = [10 pA, -20 pA, 0 pA])
    connect st -> a: all_to_all, port = I
    record I_in from a as i
""")
    sim.run("5 ms")
    t, i = sim.trace("i")
    t_j = np.round((t - 0.1) * 10) / 10
    want = np.select([t_j < 1, t_j < 2, t_j < 4], [0.0, 10.0, -20.0], 0.0)
    np.testing.assert_array_equal(i[0], want)


def test_inhomogeneous_poisson_rates_in_windows(tmp_path, monkeypatch):
    """The rate is piecewise constant: 500 neurons at 10, 60 and 0 Hz in
    three 100 ms windows (from the lists; the same from a file)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rates.csv").write_text("time_ms,rate_Hz\n0,10\n100,60\n200,0\n")
    for args in ('times = [0 ms, 100 ms, 200 ms], rates = [10 Hz, 60 Hz, 0 Hz]', 'file = "rates.csv"'):
        sim = build(f"""
    p = inhomogeneous_poisson_generator[500]({args})
    a = probe[500]
    connect p -> a: one_to_one, port = s
""")
        sim.run("300 ms")
        t, idx = sim.spikes("p")
        for lo, rate in ((0, 10), (100, 60), (200, 0)):
            n = np.count_nonzero((t > lo) & (t <= lo + 100))
            expected = rate * 500 * 0.1
            assert abs(n - expected) <= 4 * np.sqrt(expected) + (0 if rate else 0), (lo, n, expected)
        assert len(np.unique(idx)) > 400  # every neuron draws on its own


def test_spike_generator_per_neuron_times_inline_and_from_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pairs = np.array([[0, 1.0], [2, 1.0], [2, 1.0], [1, 3.5], [0, 7.2]])
    (tmp_path / "spikes.csv").write_text("neuron,time\n" + "".join(f"{int(n)}, {t}\n" for n, t in pairs))
    with open(tmp_path / "spikes.npy", "wb") as f:
        np.save(f, pairs)
    want_t = [1.0, 1.0, 1.0, 3.5, 7.2]
    want_i = [0, 2, 2, 1, 0]
    for args in ('neurons = [0, 2, 2, 1, 0], times = [1 ms, 1 ms, 1 ms, 3.5 ms, 7.2 ms]', 'file = "spikes.csv"',
                 'file = "spikes.npy"'):
        sim = build(f"""
    g = spike_generator[3]({args})
    a = probe[3]
    connect g -> a: one_to_one, port = s
""")
        sim.run("10 ms")
        t, idx = sim.spikes("g")
        np.testing.assert_allclose(t, want_t)
        np.testing.assert_array_equal(idx, want_i)


def test_signal_generator_from_csv_and_npy(tmp_path, monkeypatch):
    """A position along a track, one value per 1 ms row, held until the next
    row, scaled by the weight into a dimensionless port; a file with one
    column per neuron gives each neuron its own signal."""
    monkeypatch.chdir(tmp_path)
    rows = np.column_stack([np.arange(0, 10.0), np.linspace(0, 90, 10)])
    np.savetxt(tmp_path / "pos.csv", rows, delimiter=",", header="t_ms,pos")
    two = np.column_stack([rows, -rows[:, 1]])
    with open(tmp_path / "pos2.npy", "wb") as f:
        np.save(f, two)
    sim = build("""
    pos = signal_generator(file = "pos.csv")
    pos2 = signal_generator[2](file = "pos2.npy")
    a = probe[1]
    b = probe[2]
    connect pos -> a: all_to_all, weight = 0.5, port = x
    connect pos2 -> b: one_to_one, port = x
    record x_in from a as xa
    record x_in from b as xb
""")
    sim.run("12 ms")
    t, xa = sim.trace("xa")
    row = np.minimum(np.floor(t - 0.1 + 1e-9), 9).astype(int)
    np.testing.assert_allclose(xa[0], 0.5 * rows[row, 1])
    _, xb = sim.trace("xb")
    np.testing.assert_allclose(xb[0], rows[row, 1])
    np.testing.assert_allclose(xb[1], -rows[row, 1])


MIXED = """
    a = probe[40]
    nz = noise_generator(std = 30 pA, dt = 0.3 ms)
    sn = sine_generator(amplitude = 20 pA, frequency = 40 Hz)
    ip = inhomogeneous_poisson_generator[40](times = [0 ms, 20 ms], rates = [200 Hz, 800 Hz])
    g = spike_generator[40](neurons = [3, 5, 5], times = [1 ms, 2 ms, 2 ms])
    connect nz -> a: all_to_all, port = I
    connect sn -> a: all_to_all, port = I
    connect ip -> a: one_to_one, weight = 0.5 mV, port = s
    connect g -> a: one_to_one, weight = 1 mV, port = s
    record V_m, I_in from a as v
"""


def test_sources_identical_on_interp_and_cpu_at_any_thread_count():
    runs = []
    for target, threads in (("interp", 1), ("cpu", 1), ("cpu", 3)):
        sim = build(MIXED, target=target, threads=threads)
        sim.run("40 ms")
        runs.append((sim.trace("v", "V_m")[1], sim.trace("v", "I_in")[1], sim.spikes("ip")))
    for other in runs[1:]:
        assert np.array_equal(runs[0][0], other[0]) and np.array_equal(runs[0][1], other[1])
        assert np.array_equal(runs[0][2][0], other[2][0]) and np.array_equal(runs[0][2][1], other[2][1])


@pytest.mark.parametrize("body, message", [
    ('    g = spike_generator[2](neurons = [0, 2], times = [1 ms, 2 ms])\n',
     "neuron index 2 is not an integer in [0, 2)"),
    ('    g = spike_generator[2](neurons = [0], times = [1 ms, 2 ms])\n', "needs one neuron index per time"),
    ('    g = spike_generator[2](file = "missing.csv")\n', "cannot open 'missing.csv'"),
    ('    g = inhomogeneous_poisson_generator(times = [1 ms, 1 ms], rates = [1 Hz, 2 Hz])\n',
     "times must be strictly increasing"),
    ('    g = inhomogeneous_poisson_generator(times = [1 ms], rates = [-1 Hz])\n', "is not a finite rate >= 0"),
    ('    g = noise_generator(std = 1 pA, dt = 0.25 ms)\n', "must be a positive multiple of the network's dt"),
    ('    g = noise_generator(std = -1 pA)\n', "'std' must be finite and >= 0"),
    ('    g = sine_generator(amplitude = 1 pA, frequency = -1 Hz)\n', "the frequency must be finite and >= 0"),
    ('    g = signal_generator[3](file = "bad.csv")\n', "'bad.csv' line 3: 'x' is not a number"),
    ('    g = signal_generator[3](file = "three.csv")\n', "has 3 columns"),
])
def test_source_build_errors_name_the_source(tmp_path, monkeypatch, body, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("t,v\n0,1\n1,x\n")
    (tmp_path / "three.csv").write_text("0,1,2\n")
    with pytest.raises(Exception) as err:
        build(body + "    a = probe\n")
    assert message in str(err.value) and "'g'" in str(err.value), str(err.value)
