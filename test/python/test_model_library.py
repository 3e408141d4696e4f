"""The model library (models/, models/README.md): every model runs for a
short time and shows its headline behaviour, checked against Brian2
(data/model_library_brian2.json, written by data/make_model_library_brian2.py),
NEST's documented behaviour or the closed-form solution. The library is found
by `import NAME` from source text, with no -I (docs/language.md §11)."""

import json
import math
import pathlib

import numpy as np
import pytest

import nsc

BRIAN2 = json.loads((pathlib.Path(__file__).parent / "data" / "model_library_brian2.json").read_text())
IMPORTS = """import izhikevich_cells
import iaf_psc_delta
import iaf_cond_alpha
import aeif_cond_alpha
import hh_cond_exp_traub
import iaf_cond_receptors
"""


@pytest.fixture(scope="module")
def library():
    return nsc.compile(IMPORTS)


def spike_times(library, model, ms, n=1, **params):
    sim = library.model(model, n, params=params)
    sim.run(ms)
    return sim.spikes(model)


def isis(t):
    return np.diff(t)


# --- Izhikevich (2003) cell classes: I = 10 for 500 ms -------------------------

IZH_CLASSES = ["rs", "ib", "ch", "fs", "lts", "tc"]
# The Brian2 reference is at dt = 0.01 ms; so is this run (6 cells, 50000
# steps), so that threshold detection at the end of a step costs the same.
IZH_NET = IMPORTS + """
semantics:
    dt = 0.01 ms

network izh:
""" + "".join(f"    {c} = izhikevich_{c}(I_e = 10 pA)\n    record spikes from {c}\n" for c in IZH_CLASSES)


@pytest.fixture(scope="module")
def izh():
    sim = nsc.compile(IZH_NET).network("izh")
    sim.run(500.0)
    return {c: sim.spikes(c)[0] for c in IZH_CLASSES}


@pytest.mark.parametrize("cls", IZH_CLASSES)
def test_izhikevich_class_matches_brian2(izh, cls):
    t, ref = izh[cls], np.array(BRIAN2["izhikevich_" + cls])
    assert len(t) == len(ref)
    # Brian2 stamps a spike with the start of its step, nsc with the end:
    # one step (0.01 ms) apart at first; integrator differences (rk45 within
    # each step, RK4; V_m capped at V_peak in the step that crosses it) add
    # up to at most 0.25 ms over 500 ms (FS: 0.20 ms)
    assert np.all(np.abs(t[:5] - ref[:5] - 0.01) <= 0.0011)
    assert np.max(np.abs(t - ref)) <= 0.25


def test_izhikevich_firing_patterns(izh):
    # The features of Izhikevich (2003), Fig. 2, for a step of I = 10 from rest.
    rs, ib, ch, fs, lts = (isis(izh[c]) for c in ["rs", "ib", "ch", "fs", "lts"])
    # RS: spike-frequency adaptation to a low tonic rate (about 22 Hz)
    assert rs[0] < 0.6 * rs[-1] and 15 < 1000 / rs[-1] < 30
    # FS: tonic at a high rate (over 100 Hz, 5x RS), steady after 20 ms
    assert 1000 / fs[-1] > 100 and len(izh["fs"]) > 5 * len(izh["rs"])
    assert np.std(fs[len(fs) // 2:]) < 0.02 * np.mean(fs[len(fs) // 2:])
    # LTS: a high initial rate that adapts strongly
    assert lts[0] < 4.0 and lts[-1] / lts[0] > 3.0
    # IB: an initial burst of three spikes, then tonic single spikes
    assert np.all(ib[:2] < 5.0) and np.all(ib[2:] > 25.0)
    # CH: repeated bursts: short ISIs within, long ones between
    assert np.sum(ch < 10.0) >= 30 and np.sum(ch > 20.0) >= 7
    assert np.all((ch < 10.0) | (ch > 40.0))


def test_izhikevich_tc_rebound_burst(library):
    # TC: silent while hyperpolarised by I = -10; released, a rebound burst.
    sim = library.model("izhikevich_tc", 1, params={"I_e": -10.0})
    sim.run(200.0)
    assert len(sim.spikes("izhikevich_tc")[0]) == 0
    sim.set("izhikevich_tc", "I_e", 0.0)
    sim.run(100.0)
    t, _ = sim.spikes("izhikevich_tc")
    assert len(t) >= 2 and t[0] < 230.0 and np.all(np.diff(t[:2]) < 10.0)


# --- integrate-and-fire ---------------------------------------------------------

def test_iaf_psc_delta_fI_point_and_psp(library):
    # NEST's defaults; I_e = 500 pA: period t_ref + tau_m ln(R I / (R I - 15 mV))
    t, _ = spike_times(library, "iaf_psc_delta", 1000.0, I_e=500.0)
    period = 2.0 + 10.0 * math.log(20.0 / 5.0)  # 15.863 ms
    assert abs(np.mean(isis(t)) - period) <= 0.1  # a threshold crossing is seen at the next step
    assert len(t) == 63
    # a 2 mV delta PSP decays with tau_m = 10 ms
    sim = library.model("iaf_psc_delta", 1, spike_inputs={"spikes": ([10.0], 2.0)})
    sim.run(10.0 + 0.1 + 10.0)
    assert sim.get("iaf_psc_delta", "V_m")[0] + 70.0 == pytest.approx(2.0 * math.exp(-1.0), rel=2e-2)


def test_iaf_cond_alpha_conductance_shape(library):
    # w = 10 nS opens w (t / tau) e^(1 - t / tau): 10 nS at tau, 2 e^-1 w at 2 tau
    sim = library.model("iaf_cond_alpha", 1, params={"tau_syn_exc": 2.0},
                        spike_inputs={"exc_spikes": ([1.0], 10.0)})
    g = []
    for _ in range(80):
        sim.step()
        g.append(sim.get("iaf_cond_alpha", "g_exc")[0])
    g = np.array(g)
    k = int(np.argmax(g))
    assert g[k] == pytest.approx(10.0, rel=1e-6)
    assert g[k + 20] == pytest.approx(20.0 * math.exp(-1.0), rel=1e-6)
    assert sim.get("iaf_cond_alpha", "V_m")[0] > -70.0   # an EPSP


def test_aeif_cond_alpha_matches_brian2(library):
    t, _ = spike_times(library, "aeif_cond_alpha", 1000.0, I_e=800.0)
    ref = np.array(BRIAN2["aeif_cond_alpha_800pA"])
    assert len(ref) > 5 and abs(len(t) - len(ref)) <= 1
    assert abs(t[0] - ref[0]) <= 0.2
    assert isis(t)[-1] > 1.5 * isis(t)[0]   # adaptation


# --- Hodgkin-Huxley -------------------------------------------------------------

@pytest.mark.parametrize("current", [200, 500])
def test_hh_cond_exp_traub_matches_brian2(library, current):
    t, _ = spike_times(library, "hh_cond_exp_traub", 500.0, I_e=float(current))
    ref = np.array(BRIAN2[f"hh_cond_exp_traub_{current}pA"])
    assert len(ref) > 10 and abs(len(t) - len(ref)) <= 1
    # nsc reports the peak, Brian2 the upward crossing of V_T + 30 mV
    assert np.all(np.abs(t[:5] - ref[:5]) <= 0.5)


# --- receptor synapses ----------------------------------------------------------

RECEPTORS = {  # tau_rise, tau_decay (ms), the model's defaults
    "AMPA": (0.2, 2.0), "NMDA": (2.0, 100.0), "GABA_A": (0.5, 5.0), "GABA_B": (50.0, 150.0)}

RECEPTOR_NET = IMPORTS + """
network receptors:
    # held at -80 and -20 mV: a huge capacitance clamps V_m
    lo = iaf_cond_receptors(C_m = 1e9 pF, E_L = -80 mV, V_init = -80 mV, V_th = 50 mV)
    hi = iaf_cond_receptors(C_m = 1e9 pF, E_L = -20 mV, V_init = -20 mV, V_th = 50 mV)
    stim = spike_generator(times = [10 ms])
""" + "".join(f"""    connect stim -> lo: all_to_all, weight = 1 nS, port = {r}, delay = 0.1 ms
    connect stim -> hi: all_to_all, weight = 1 nS, port = {r}, delay = 0.1 ms
""" for r in RECEPTORS) + """    record g_AMPA, g_NMDA, g_GABA_A, g_GABA_B, I_AMPA, I_NMDA, B_NMDA, V_m from lo as lo
    record g_AMPA, g_NMDA, g_GABA_A, g_GABA_B, I_AMPA, I_NMDA, B_NMDA, V_m from hi as hi
"""


def test_receptor_time_courses_and_nmda_block():
    sim = nsc.compile(RECEPTOR_NET).network("receptors")
    sim.run(500.0)
    for r, (tr, td) in RECEPTORS.items():
        t, g = sim.trace("lo", "g_" + r)
        g = g[0]
        t_peak = td * tr / (td - tr) * math.log(td / tr)
        k = int(np.argmax(g))
        assert g[k] == pytest.approx(1.0, abs=2e-3), r           # peak = weight (1 nS)
        # emitted at 10 ms, it arrives after the 0.1 ms delay: the first
        # sample after arrival is t0 + dt
        t0 = t[np.argmax(g > 0)] - 0.1
        assert t0 == pytest.approx(10.1), r
        assert abs((t[k] - t0) - t_peak) <= 0.1 + 1e-9, r
        # the whole time course is the difference of exponentials
        s = np.clip(t - t0, 0, None)
        norm = 1 / (math.exp(-t_peak / td) - math.exp(-t_peak / tr))
        expected = np.where(t >= t0, norm * (np.exp(-s / td) - np.exp(-s / tr)), 0.0)
        assert np.max(np.abs(g - expected)) < 1e-9, r
    # V_m is held: the clamp is good to well under a microvolt
    assert np.ptp(sim.trace("lo", "V_m")[1]) < 1e-3 and np.ptp(sim.trace("hi", "V_m")[1]) < 1e-3
    # Jahr & Stevens (1990), [Mg2+] = 1 mM: B(-80 mV) = 0.0244, B(-20 mV) = 0.508
    b_lo, b_hi = sim.trace("lo", "B_NMDA")[1][0, 0], sim.trace("hi", "B_NMDA")[1][0, 0]
    assert b_lo == pytest.approx(1 / (1 + math.exp(0.062 * 80) / 3.57), rel=1e-9)
    assert round(b_lo, 4) == 0.0244 and round(b_hi, 3) == 0.508
    # so the NMDA current is five times larger at -20 mV than at -80 mV,
    # though its driving force is four times smaller (AMPA: 1/4)
    i_lo, i_hi = (np.min(sim.trace(p, "I_NMDA")[1]) for p in ("lo", "hi"))
    a_lo, a_hi = (np.min(sim.trace(p, "I_AMPA")[1]) for p in ("lo", "hi"))
    assert i_hi / i_lo == pytest.approx(0.508 * 20 / (0.0244 * 80), rel=1e-2)
    assert a_hi / a_lo == pytest.approx(0.25, rel=1e-3)
