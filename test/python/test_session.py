"""nsc.Session, nsc.FrameResult and the Simulation's closed-loop calls
(docs/closed-loop.md), on examples/closed_loop.nrn and the synthetic MEA of
bench/closed_loop/synthetic_mea.py."""

import json
import sys

import numpy as np
import pytest

import nsc

from conftest import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "bench" / "closed_loop"))
import synthetic_mea  # noqa: E402


@pytest.fixture(scope="module")
def closed_loop():
    return nsc.compile(str(EXAMPLES / "closed_loop.nrn"))


@pytest.fixture(scope="module")
def recording():
    """0.6 s of 60 channels at 25 kHz, SNR 8, with its ground truth."""
    return synthetic_mea.generate(channels=60, rate_hz=25000.0, duration_s=0.6, snr=8.0, seed=11)


def run_frames(session, v, frame=250):
    return [session.process_frame(v[i:i + frame]) for i in range(0, v.shape[0], frame)]


def test_detection_recall_and_precision_at_snr_8(closed_loop, recording):
    v, truth = recording
    session = nsc.Session(closed_loop, sample_rate=25000, channels=60)
    results = run_frames(session, v)
    channels = np.concatenate([r.detected["channel"] for r in results])
    samples = np.concatenate([r.detected["sample"] for r in results])
    score = synthetic_mea.score(truth, channels, samples)
    assert score["true"] > 100
    assert score["recall"] >= 0.95, score
    assert score["precision"] >= 0.9, score
    # Lower SNR, fewer hits: the score is not a constant.
    v3, truth3 = synthetic_mea.generate(channels=60, duration_s=0.6, snr=3.0, seed=11)
    low = nsc.Session(closed_loop, sample_rate=25000, channels=60)
    r3 = run_frames(low, v3)
    s3 = synthetic_mea.score(truth3, np.concatenate([r.detected["channel"] for r in r3]),
                             np.concatenate([r.detected["sample"] for r in r3]))
    assert s3["recall"] < 0.5


def test_frames_drive_the_model_and_come_out_as_pulses(closed_loop, recording):
    v, _ = recording
    session = nsc.Session(closed_loop, sample_rate=25000, channels=60, max_intensity=5.0,
                          min_pulse_ms=2.0, max_pulse_ms=4.0, wavelength_nm=590)
    assert session.options.input_population == "mea_in"
    assert session.options.readout_population == "readout"
    results = run_frames(session, v)
    events = [(t, i) for r in results for t, i in zip(r.events["tick"], r.events["id"])]
    assert events == sorted(events) and len(events) > 100
    mea_in = session.populations.index("mea_in")
    relayed = sum(int(np.count_nonzero(r.model_spikes["population"] == mea_in)) for r in results)
    assert relayed == len(events)  # every event makes its relay neuron fire
    for r in results:
        assert r.end_step - r.first_step == 100
        assert len(r.densities) == 40 and len(r.pulses["site"]) == 40
        np.testing.assert_allclose(r.pulses["intensity_mw_mm2"], 5.0 * r.densities)
        np.testing.assert_allclose(r.pulses["duration_ms"], 2.0 + 2.0 * r.densities)
        assert (r.pulses["wavelength_nm"] == 590).all()
        silent = r.readout_counts == 0
        assert (r.densities[silent] == 0).all()
    assert any(r.readout_counts.sum() > 0 for r in results)


def test_bitstream_densities_within_the_binomial_bound(closed_loop, recording):
    v, _ = recording
    session = nsc.Session(closed_loop, sample_rate=25000, channels=60, half_count=2.0, bitstream_length=4096)
    results = run_frames(session, v)
    k = np.concatenate([r.readout_counts for r in results]).astype(float)
    d = np.concatenate([r.densities for r in results])
    active = k > 0
    p = np.round(k[active] / (k[active] + 2.0) * 65536) / 65536
    # Sum of independent Binomial(L, p_i)/L: the mean error has sd sqrt(sum p(1-p)/L)/n.
    n = int(active.sum())
    assert n > 20
    sd = np.sqrt(np.sum(p * (1 - p)) / 4096) / n
    assert abs(np.mean(d[active]) - np.mean(p)) <= 4 * sd


def test_deterministic_under_a_seed_and_dict_round_trip(closed_loop, recording):
    v, _ = recording
    runs = []
    for seed in (1, 1, 2):
        s = nsc.Session(closed_loop, sample_rate=25000, channels=60, seed=seed)
        runs.append(run_frames(s, v[:2500]))

    def strip(r):
        d = r.to_dict()
        d.pop("latency_us")
        d.pop("over_budget")
        return d

    assert [strip(r) for r in runs[0]] == [strip(r) for r in runs[1]]
    assert [r.densities.tolist() for r in runs[0]] != [r.densities.tolist() for r in runs[2]]
    r = runs[0][3]
    again = nsc.FrameResult.from_dict(json.loads(json.dumps(r.to_dict())))
    assert again.to_dict() == r.to_dict()
    assert nsc.FrameResult.from_json(r.to_json()).to_dict() == r.to_dict()
    with pytest.raises(ValueError, match="not a frame result"):
        nsc.FrameResult.from_dict({"frame": 0})


def test_empty_frames_and_budget_accounting(closed_loop, recording):
    v, _ = recording
    # A budget of zero is none: no violations whatever the timing.
    s = nsc.Session(closed_loop, sample_rate=25000, channels=60, budget_us=0)
    for shape in [(0, 60), (0,), (0, 0)]:
        r = s.process_frame(np.zeros(shape))
        assert r.samples == 0 and len(r.detected["sample"]) == 0
    assert s.frames == 0
    run_frames(s, v[:2500])
    lat = s.latency()
    assert lat["frames"] == 10 and lat["violations"] == 0 and lat["budget_us"] == 0
    assert set(lat["stages"]) == {"detect", "aer", "model", "bitstream", "pulse", "homeostat", "total"}
    t = lat["stages"]["total"]
    assert 0 < t["p50_us"] <= t["p99_us"] <= t["max_us"]
    # A budget no frame can meet: every frame over.
    tight = nsc.Session(closed_loop, sample_rate=25000, channels=60, budget_us=1e-6)
    results = run_frames(tight, v[:1000])
    assert all(r.over_budget for r in results)
    assert tight.latency()["violations"] == 4


def test_refusals(closed_loop):
    with pytest.raises(nsc.ArgumentError, match="sample rate must be a positive frequency"):
        nsc.Session(closed_loop, sample_rate=0, channels=60)
    with pytest.raises(nsc.ArgumentError, match="sends channel 1 to neuron 60"):
        nsc.Session(closed_loop, sample_rate=25000, channels=2, channel_map=[0, 60])
    with pytest.raises(nsc.ArgumentError, match="no population named 'retina'"):
        nsc.Session(closed_loop, sample_rate=25000, channels=60, input="retina")
    with pytest.raises(nsc.ArgumentError, match="no scalar spike input port 'dendrite'"):
        nsc.Session(closed_loop, sample_rate=25000, channels=60, port="dendrite")
    with pytest.raises(nsc.ArgumentError, match="unknown Session option 'alfa'"):
        nsc.Session(closed_loop, sample_rate=25000, channels=60, alfa=4)
    with pytest.raises(nsc.ArgumentError, match="polarity must be one of"):
        nsc.Session(closed_loop, sample_rate=25000, channels=60, polarity="up")
    s = nsc.Session(closed_loop, sample_rate=25000, channels=60)
    with pytest.raises(nsc.ArgumentError, match="2 channels for a session of 60"):
        s.process_frame(np.zeros((10, 2)))
    with pytest.raises(nsc.ArgumentError, match="2-D array"):
        s.process_frame(np.zeros(10))
    bad = np.zeros((10, 60))
    bad[4, 7] = np.nan
    with pytest.raises(ValueError, match="non-finite voltage at sample 4, channel 7"):
        s.process_frame(bad)


def test_homeostat_and_session_values(closed_loop, recording):
    v, _ = recording
    s = nsc.Session(closed_loop, sample_rate=25000, channels=60, homeostat="V_th", homeostat_theta_min=0,
                    homeostat_theta_max=8000, homeostat_rate_hz=5.0, homeostat_tau_s=1.0)
    r = run_frames(s, v[:2500])[-1]
    assert len(r.homeostat_thresholds) == 40
    np.testing.assert_array_equal(s.get("readout", "V_th"), r.homeostat_thresholds)
    assert (np.round(r.homeostat_thresholds * 256) == r.homeostat_thresholds * 256).all()  # Q8.8


def test_simulation_schedule_aer_and_spikes_since(closed_loop):
    sim = closed_loop.network("closed_loop")
    assert sim.spike_ports("mea_in") == ["spikes"]
    sim.schedule_spikes("mea_in", "spikes", [4, 9], [2, 5])
    sim.inject_aer("mea_in", "spikes", [7], [2500], tick_hz=1e6)  # 100 ticks per step: step 25
    assert sim.scheduled_spikes == 3
    sim.step(30)
    times, idx = sim.spikes("mea_in")
    assert idx.tolist() == [2, 5, 7]
    np.testing.assert_allclose(times, [0.5, 1.0, 2.6])  # stamped at the end of steps 4, 9, 25
    t, i = sim.spikes_since(9, "mea_in")
    assert i.tolist() == [5, 7]
    assert set(sim.spikes_since(29)) == set(sim.populations)
    with pytest.raises(nsc.ArgumentError, match="in the past"):
        sim.schedule_spikes("mea_in", "spikes", [3], [0])


def test_the_closed_loop_example_runs(tmp_path):
    """examples/python/closed_loop.py, as docs/closed-loop.md shows it."""
    import os
    import subprocess

    script = ROOT / "examples" / "python" / "closed_loop.py"
    # The package under test by an absolute path, whatever PYTHONPATH was relative to.
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(nsc.__file__)))
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=package_parent), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "100 frames:" in result.stdout and "recall" in result.stdout
    recall = float(result.stdout.split("recall ")[1].split(",")[0])
    assert recall >= 0.95
    assert "  total " in result.stdout
