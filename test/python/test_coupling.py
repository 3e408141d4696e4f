"""Continuous coupling (docs/language.md §9.3, docs/semantics.md R18b): gap
junctions against Brian2, a Wilson–Cowan pair against its ODEs, and the
same results on interp and cpu at any thread count."""

import math
import pathlib

import numpy as np
import pytest

import nsc

from conftest import EXAMPLES

DATA = pathlib.Path(__file__).resolve().parent / "data"


def gap_pair(target="interp", threads=1):
    sim = nsc.compile(str(EXAMPLES / "gap_junction_pair.nrn"), target=target, threads=threads).network("gap_pair")
    sim.run("200 ms")
    t, v0 = sim.trace("v_driven")
    _, v1 = sim.trace("v_follower")
    return t, v0[0], v1[0], sim.spikes("driven")[0]


def test_gap_junction_pair_matches_brian2():
    """examples/gap_junction_pair.nrn against Brian2 2.5.1's summed-variable
    gap junction (data/make_gap_pair_brian2.py wrote the reference): the same
    explicit scheme and exact integration, so V_m agrees to 1e-9 mV (2.4e-13
    mV measured) over 200 ms and 11 spikes of the driven cell."""
    ref = np.loadtxt(DATA / "gap_pair_brian2.csv", delimiter=",", skiprows=1)
    t, v0, v1, spikes = gap_pair()
    np.testing.assert_allclose(t, ref[:, 0], atol=1e-9)
    assert np.abs(v0 - ref[:, 1]).max() < 1e-9
    assert np.abs(v1 - ref[:, 2]).max() < 1e-9
    assert len(spikes) == 11
    # The follower is pulled up by the junction, and down after each spike.
    assert v1.max() > -68.5 and v1[-1] > -70


def test_gap_junction_identical_on_interp_and_cpu_at_any_thread_count():
    runs = [gap_pair("interp"), gap_pair("cpu", 1), gap_pair("cpu", 3)]
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            assert np.array_equal(a, b)


def test_gap_junctions_in_a_population_are_symmetric_and_conserve_current():
    """all_to_all within a population: every ordered pair is one junction,
    so 4 cells started apart relax towards their common mean (the junction
    currents sum to zero) while leaking towards E_L."""
    src = (EXAMPLES / "gap_junction_pair.nrn").read_text().split("network gap_pair:")[0] + """
network ring:
    cells = lif_gap[4](V_m = uniform(-80 mV, -60 mV), E_L = -70 mV)
    connect cells -> cells: all_to_all(allow_autapses = false), gap_junction = V_m, weight = 20 nS, port = I_gap
    record V_m from cells as v
"""
    runs = []
    for target, threads in (("interp", 1), ("cpu", 2)):
        sim = nsc.compile(src, target=target, threads=threads).network("ring")
        v_start = np.asarray(sim.get("cells", "V_m"))
        sim.run("5 ms")
        runs.append(sim.trace("v")[1])
    assert np.array_equal(runs[0], runs[1])
    v = runs[0]
    spread = v.max(axis=0) - v.min(axis=0)
    assert spread[-1] < 0.05 * (v_start.max() - v_start.min())
    # Without the junctions the mean relaxes as exp(-t/tau) towards E_L:
    # the junctions move no charge in or out.
    t = np.arange(1, v.shape[1] + 1) * 0.1
    mean_free = -70 + (v_start.mean() + 70) * np.exp(-t / 10)
    np.testing.assert_allclose(v.mean(axis=0), mean_free, atol=1e-9)


def wilson_cowan_ode(t_end, h=0.01):
    """RK4 of the coupled ODEs of examples/wilson_cowan.nrn (h in ms)."""
    def S(x, a, th):
        return 1 / (1 + math.exp(-a * (x - th))) - 1 / (1 + math.exp(a * th))

    def f(E, I):
        return ((-E + (1 - E) * S(16 * E - 12 * I + 1.25, 1.3, 4)) / 10,
                (-I + (1 - I) * S(15 * E - 3 * I, 2, 3.7)) / 10)

    E, I, out = 0.1, 0.05, []
    for _ in range(int(round(t_end / h))):
        a1, b1 = f(E, I)
        a2, b2 = f(E + h / 2 * a1, I + h / 2 * b1)
        a3, b3 = f(E + h / 2 * a2, I + h / 2 * b2)
        a4, b4 = f(E + h * a3, I + h * b3)
        E += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4)
        I += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4)
        out.append(E)
    return np.array(out)


def test_wilson_cowan_example_follows_its_odes():
    """examples/wilson_cowan.nrn (dt = 0.01 ms, rk4, explicit coupling R18b)
    against RK4 of the coupled ODEs: within 1e-3 over the first 50 ms, and on
    the limit cycle the same range of E (to 2e-3) and period (to 1%: the
    explicit coupling lengthens it by 0.55%, 50.35 ms against 50.08 ms)."""
    sim = nsc.compile(str(EXAMPLES / "wilson_cowan.nrn")).network("wilson_cowan")
    sim.run("160 ms")
    t, e = sim.trace("rE")
    e = e[0]
    ref = wilson_cowan_ode(160)
    assert np.abs(e[:5000] - ref[:5000]).max() < 1e-3
    late = t > 60
    assert abs(e[late].min() - ref[late].min()) < 2e-3 and abs(e[late].max() - ref[late].max()) < 2e-3

    def period(x):
        m = x[late].mean()
        up = np.flatnonzero((x[:-1] < m) & (x[1:] >= m) & late[:-1])
        return np.diff(t[up]).mean()

    assert 0.15 < e[late].max() - e[late].min()  # it oscillates
    assert abs(period(e) / period(ref) - 1) < 0.01, (period(e), period(ref))


def ring_spread(g):
    """A ring of 10 Hodgkin–Huxley cells (examples/hh_psc_alpha.nrn, 1 nA
    each, initial V_m spread over 30 mV), neighbours coupled by one gap
    junction of conductance g: the largest distance (ms) from a spike of
    cell 0 after 200 ms to the nearest spike of each other cell."""
    src = f"""
import hh_psc_alpha
network ring:
    cells = hh_psc_alpha[10](I_e = 1000 pA, V_init = uniform(-80 mV, -50 mV))
    connect cells[0:9] -> cells[1:10]: one_to_one, gap_junction = V_m, weight = {g}, port = I_stim
    connect cells[9] -> cells[0]: one_to_one, gap_junction = V_m, weight = {g}, port = I_stim
"""
    sim = nsc.compile(src, include_dirs=[str(EXAMPLES)]).network("ring")
    sim.run("300 ms")
    t, idx = sim.spikes("cells")
    spreads = [max(np.abs(t[idx == j] - s).min() for j in range(1, 10)) for s in t[(t > 200) & (idx == 0)]]
    assert len(spreads) >= 5  # about 70 Hz
    return max(spreads)


def test_a_gap_coupled_hodgkin_huxley_ring_synchronises():
    """Uncoupled, the cells keep the phases they started with (6.5 ms apart
    at ~70 Hz); with 20 nS junctions they fire within 0.1 ms of each other."""
    assert ring_spread("0 nS") > 3.0
    assert ring_spread("20 nS") <= 0.2
