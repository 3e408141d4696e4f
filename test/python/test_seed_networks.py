"""Issue 19's seed networks on the cpu target: the layered Izhikevich
microcircuit (examples/layered_cortex.nrn) and the Hodgkin-Huxley network
that learns a repeated pattern by STDP (examples/hh_stdp_pattern.nrn).
(The place cells are test_place_cells.py.)"""

import numpy as np

import nsc

from conftest import EXAMPLES

LAYERS = ["L4", "L23", "L5", "L6"]  # in the order the drive reaches them


def layer_run(text_or_path, ms):
    sim = nsc.compile(text_or_path).network("layered_cortex")
    sim.run(ms)
    return {layer: sim.spikes(layer)[0] for layer in LAYERS}


def test_layered_cortex_rates_and_propagation():
    spikes = layer_run(EXAMPLES / "layered_cortex.nrn", 1000.0)
    # rates while the thalamus drives L4 (100-1000 ms), per cell
    rates = {layer: np.sum(t >= 100.0) / 100 / 0.9 for layer, t in spikes.items()}
    print("rates (Hz):", {k: round(v, 2) for k, v in rates.items()})
    for layer, (lo, hi) in {"L4": (5, 60), "L23": (1, 40), "L5": (0.5, 30), "L6": (0.2, 30)}.items():
        assert lo <= rates[layer] <= hi, (layer, rates[layer])
    # the thalamic pulse at 100 ms reaches the layers in the order of the loop
    onset = [t[t >= 100.0][0] for t in spikes.values()]
    assert onset == sorted(onset) and len(set(onset)) == 4, onset
    # before it, background alone keeps the circuit nearly silent
    assert all(np.sum(t < 100.0) / 100 / 0.1 < 1.0 for t in spikes.values())


def test_layered_cortex_without_thalamus_deeper_layers_fall_silent():
    text = (EXAMPLES / "layered_cortex.nrn").read_text().replace("rate = 40 Hz, start", "rate = 0 Hz, start")
    spikes = layer_run(text, 500.0)
    for layer in ["L23", "L5", "L6"]:
        assert len(spikes[layer]) / 100 / 0.5 < 1.0, layer   # under 1 Hz per cell


def test_hh_stdp_learns_the_repeated_pattern():
    sim = nsc.compile(EXAMPLES / "hh_stdp_pattern.nrn").network("hh_stdp_pattern")
    sources, _, w0 = sim.synapses("plastic", "w")
    assert np.all(w0 == 250.0)
    sim.run(5000.0)
    sources, targets, w = sim.synapses("plastic", "w")
    weight = np.array([w[sources == i].mean() for i in range(100)])
    # each pattern input's time within the pattern, from the data file
    rows = np.loadtxt(EXAMPLES / "data" / "hh_stdp_pattern.csv", delimiter=",", comments="#")
    offset = np.array([rows[rows[:, 0] == i, 1].min() - 10.0 for i in range(20)])
    early, late, other = weight[:20][offset < 6.0], weight[:20][offset > 8.0], weight[20:]
    print(f"weights: early pattern {early.min():.0f}-{early.max():.0f}, late pattern "
          f"{late.min():.0f}-{late.max():.0f}, Poisson {other.min():.0f}-{other.max():.0f}")
    assert len(early) >= 8 and np.all(early >= 0.99 * 500)   # potentiated to w_max
    assert np.all(late <= 0.01 * 500)                         # after the output spike: depressed
    assert other.max() < 0.75 * 500 and other.min() > 0.1 * 500   # no bound reached
    assert np.all(early > other.max())
    # the output locks to the start of the pattern (presentations at 10 + 100 k ms)
    t, _ = sim.spikes("cells")
    late_run = t[t >= 4000.0]
    assert len(late_run) >= 20 and np.mean((late_run - 10.0) % 100.0 < 10.0) >= 0.8
    # the inputs fired at the same mean rate: only their timing differs
    _, i_in = sim.spikes("inputs")
    counts = np.bincount(i_in, minlength=100)
    assert abs(counts[:20].mean() - counts[20:].mean()) < 0.2 * counts[20:].mean()
