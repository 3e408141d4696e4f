"""nsc.Session: the closed loop (docs/closed-loop.md) from Python.

    module = nsc.compile("examples/closed_loop.nrn")
    session = nsc.Session(module, sample_rate=25000, channels=60, budget_us=1000)
    for frame in frames:                  # (samples, channels) arrays in µV
        r = session.process_frame(frame)  # an nsc.FrameResult
        for site, mw, ms in zip(r.pulses["site"], r.pulses["intensity_mw_mm2"], r.pulses["duration_ms"]):
            ...
    session.latency()                     # p50/p99/max per stage
"""

import json

import numpy as np

from . import _nsc

# dtypes of the columns of a frame result (docs/closed-loop.md §8).
_COLUMNS = {
    "detected": {"channel": np.uint32, "sample": np.uint64, "value_uv": np.float64},
    "events": {"id": np.uint32, "tick": np.uint64},
    "model_spikes": {"population": np.uint32, "index": np.uint64, "step": np.uint64},
    "pulses": {"site": np.uint32, "density": np.float64, "intensity_mw_mm2": np.float64,
               "duration_ms": np.float64, "wavelength_nm": np.float64, "start_ms": np.float64},
}
_ARRAYS = {"thresholds_uv": np.float64, "readout_counts": np.uint32, "densities": np.float64,
           "homeostat_thresholds": np.float64}
_SCALARS = {"frame": int, "first_sample": int, "samples": int, "first_step": int, "end_step": int,
            "dt_ms": float, "over_budget": bool}
_STAGES = ("detect", "aer", "model", "bitstream", "pulse", "homeostat", "total")


class FrameResult:
    """What one frame did: the same fields as nsc::FrameResult and the
    frames of `nsc loop --report`.

    Scalars: frame, first_sample, samples, first_step, end_step, dt_ms,
    over_budget. Arrays: thresholds_uv (per channel), readout_counts and
    densities (per readout neuron), homeostat_thresholds. Tables (dicts of
    equal-length arrays): detected (channel, sample, value_uv), events (id,
    tick), model_spikes (population, index, step), pulses (site, density,
    intensity_mw_mm2, duration_ms, wavelength_nm, start_ms). latency_us:
    {stage: µs} for detect, aer, model, bitstream, pulse, homeostat, total.
    """

    def __init__(self, d):
        for key, kind in _SCALARS.items():
            setattr(self, key, kind(d[key]))
        for key, dtype in _ARRAYS.items():
            setattr(self, key, np.asarray(d[key], dtype=dtype))
        for key, columns in _COLUMNS.items():
            table = d[key]
            lengths = {len(table[c]) for c in columns}
            if len(lengths) > 1:
                raise ValueError(f"frame result: the columns of '{key}' differ in length")
            setattr(self, key, {c: np.asarray(table[c], dtype=t) for c, t in columns.items()})
        self.latency_us = {s: float(d["latency_us"][s]) for s in _STAGES}

    def __repr__(self):
        return (f"<nsc.FrameResult frame={self.frame} samples={self.samples} "
                f"detected={len(self.detected['sample'])} model_spikes={len(self.model_spikes['step'])} "
                f"total={self.latency_us['total']:.1f} us>")

    def to_dict(self):
        """A JSON-compatible dict (lists and numbers), as FrameResult::toJson."""
        d = {key: getattr(self, key) for key in _SCALARS}
        d.update({key: getattr(self, key).tolist() for key in _ARRAYS})
        d.update({key: {c: a.tolist() for c, a in getattr(self, key).items()} for key in _COLUMNS})
        d["latency_us"] = dict(self.latency_us)
        return d

    @classmethod
    def from_dict(cls, d):
        """The inverse of to_dict (also takes a frame of `nsc loop`'s report)."""
        try:
            return cls(d)
        except (KeyError, TypeError) as e:
            raise ValueError(f"not a frame result: missing or malformed {e}") from None

    def to_json(self):
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(json.loads(text))


_OPTION_NAMES = {
    # Python keyword -> nsc::SessionOptions field (see Session's docstring).
    "network": "network", "input": "input_population", "port": "input_port",
    "readout": "readout_population", "channel_map": "channel_map", "weight": "input_weight",
    "tick_hz": "tick_hz", "alpha": "alpha", "refractory": "refractory_samples",
    "noise_frames": "noise_frames", "bitstream_length": "bitstream_length", "half_count": "half_count",
    "seed": "seed", "max_intensity": "max_intensity_mw_mm2", "min_pulse_ms": "min_pulse_ms",
    "max_pulse_ms": "max_pulse_ms", "wavelength_nm": "wavelength_nm",
    "homeostat": "homeostat_threshold", "homeostat_population": "homeostat_population",
    "homeostat_rate_hz": "homeostat_target_hz", "homeostat_tau_s": "homeostat_tau_s",
    "homeostat_theta_min": "homeostat_theta_min", "homeostat_theta_max": "homeostat_theta_max",
    "budget_us": "budget_us",
}


class Session:
    """The closed loop around a network of `module` (nsc::Session):
    process_frame(voltages) runs spike detection, AER events into the
    model, the model for the frame's duration, stochastic-computing
    bitstreams and optogenetic pulses, timing each stage.

    Required: sample_rate (Hz) and channels. Keywords (defaults as in
    nsc::SessionOptions, docs/closed-loop.md): network, input (population;
    default the first model population), port (its only spike port),
    readout (default the last model population), channel_map (one input
    neuron per channel, -1 unrouted), weight, tick_hz (0: one per step),
    alpha (5), refractory (30 samples), polarity ("negative", "positive",
    "both"), noise_frames (10), bitstream_length (1024), half_count (1),
    seed, max_intensity (mW/mm², 10), min_pulse_ms (1), max_pulse_ms (10),
    wavelength_nm (470), pulse_mode ("per-neuron" or "mean"), homeostat (a
    threshold parameter to adapt; off by default), homeostat_population,
    homeostat_rate_hz, homeostat_tau_s, homeostat_theta_min/max,
    homeostat_mode ("accumulator" or "plain"), budget_us (0: none).
    Unknown keywords and invalid values raise nsc.ArgumentError (a
    ValueError) with a clear message.
    """

    def __init__(self, module, *, sample_rate, channels, polarity="negative", pulse_mode="per-neuron",
                 homeostat_mode="accumulator", **options):
        o = _nsc.SessionOptions()
        if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) or channels < 1:
            raise _nsc.ArgumentError(f"channels must be a positive integer, not {channels!r}")
        o.sample_rate_hz = float(sample_rate)
        o.channels = int(channels)
        polarities = {"negative": _nsc.SpikePolarity.negative, "positive": _nsc.SpikePolarity.positive,
                      "both": _nsc.SpikePolarity.both}
        modes = {"per-neuron": _nsc.PulseMode.per_neuron, "mean": _nsc.PulseMode.mean}
        if polarity not in polarities:
            raise _nsc.ArgumentError(f"polarity must be one of {', '.join(polarities)}, not {polarity!r}")
        if pulse_mode not in modes:
            raise _nsc.ArgumentError(f"pulse_mode must be one of {', '.join(modes)}, not {pulse_mode!r}")
        if homeostat_mode not in ("accumulator", "plain"):
            raise _nsc.ArgumentError(f"homeostat_mode must be 'accumulator' or 'plain', not {homeostat_mode!r}")
        o.polarity = polarities[polarity]
        o.pulse_mode = modes[pulse_mode]
        o.homeostat_plain_mode = homeostat_mode == "plain"
        for key, value in options.items():
            if key not in _OPTION_NAMES:
                raise _nsc.ArgumentError(f"unknown Session option '{key}' (options: "
                                         f"{', '.join(sorted(_OPTION_NAMES))}, polarity, pulse_mode, "
                                         f"homeostat_mode)")
            if value is None:
                continue
            if key == "channel_map":
                value = [int(x) for x in np.asarray(value).ravel()]
            try:
                setattr(o, _OPTION_NAMES[key], value)
            except TypeError:
                raise _nsc.ArgumentError(f"Session option '{key}': {value!r} has the wrong type") from None
        self.module = module
        self._native = module._native.session(o)

    def __repr__(self):
        o = self._native.options
        return (f"<nsc.Session {o.channels} channels at {o.sample_rate_hz:g} Hz -> "
                f"{o.input_population}.{o.input_port}, readout {o.readout_population}, "
                f"{self.frames} frames>")

    def process_frame(self, voltages):
        """One frame: a (samples, channels) array of voltages in µV. An
        empty array is an empty frame: nothing runs, an empty result."""
        return FrameResult(json.loads(self._native.process_frame(voltages)))

    def latency(self):
        """{"frames", "budget_us", "violations", "stages": {stage: {p50_us,
        p99_us, max_us, mean_us}}} over the frames so far."""
        return json.loads(self._native.latency_json())

    @property
    def frames(self):
        """Non-empty frames processed."""
        return self._native.frames

    @property
    def options(self):
        """The nsc::SessionOptions in effect, defaults resolved (input
        population and port, readout population, tick rate)."""
        return self._native.options

    @property
    def populations(self):
        return [p.name for p in self._native.populations]

    @property
    def dt(self):
        return self._native.dt_ms

    def get(self, population, variable):
        """A variable of the session's simulation (see Simulation.get)."""
        return self._native.get(population, variable)

    def set(self, population, variable, value):
        """Sets a variable between frames (see Simulation.set)."""
        self._native.set(population, variable, np.asarray(value, dtype=np.float64))
