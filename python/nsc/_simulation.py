"""nsc.Simulation: a built network, stepped from Python, results as NumPy."""

import time

import numpy as np

from . import _units
from ._progress import ProgressBar

# Long runs are cut into chunks of about this much wall time: between
# chunks the progress bar moves and Python handles Ctrl-C (the steps run
# without the GIL, so a KeyboardInterrupt is raised when a chunk returns).
_CHUNK_S = 0.1
_FIRST_CHUNK_STEPS = 16


class Simulation:
    """A network built from a Module (Module.network or Module.model).

    Time is in ms. Values of variables are float64 in the unit the model
    declares (mV, pA, ms, ...). A Simulation is used from one thread at a
    time; distinct simulations run concurrently in threads (the GIL is
    released while they compute).
    """

    def __init__(self, native, module):
        self._native = native
        # Keeps the compiled module (and its cache statistics) reachable
        # from the simulation, as sweeps and reports want it.
        self.module = module
        self._recorder_info = {}

    def __repr__(self):
        return (f"<nsc.Simulation t={self.t:g} ms, dt={self.dt:g} ms, "
                f"populations={self.populations}>")

    # --- time ---------------------------------------------------------------

    @property
    def t(self):
        """Simulated time in ms (steps * dt)."""
        return self._native.time_ms

    @property
    def dt(self):
        """The step in ms."""
        return self._native.dt_ms

    @property
    def steps(self):
        """Steps done since the start or the last reset."""
        return self._native.steps

    def run(self, duration, *, progress=None):
        """Simulates `duration` more: a number of ms, or a string such as
        "1 s", "250ms", "100" (ms). The duration is rounded to whole steps.

        progress: None shows a progress bar on stderr when it is a terminal
        and the run takes over a second; True shows it on any stream, False
        never. Ctrl-C stops the run between chunks of steps with
        KeyboardInterrupt; the simulation stays usable at the step reached.
        """
        if progress not in (None, True, False):
            raise TypeError(f"progress must be None, True or False, not {progress!r}")
        total = _units.steps_of(_units.duration_ms(duration), self.dt)
        self._advance(total, progress)

    def step(self, n=1):
        """Advances `n` steps (no progress bar; Ctrl-C is seen when it returns)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"step(n) takes a non-negative integer number of steps, not {n!r}")
        self._native.step(int(n))

    def _advance(self, total, progress):
        bar = ProgressBar(total, self.dt, enabled=progress)
        done = 0
        chunk = _FIRST_CHUNK_STEPS
        try:
            while done < total:
                n = min(chunk, total - done)
                started = time.monotonic()
                self._native.step(n)
                elapsed = time.monotonic() - started
                done += n
                bar.update(done)
                # Aim the next chunk at _CHUNK_S of wall time, growing at
                # most 8-fold so that a slow phase does not overshoot.
                if elapsed > 0:
                    chunk = max(1, min(chunk * 8, int(n * _CHUNK_S / elapsed)))
                else:
                    chunk *= 8
        finally:
            bar.close()

    def reset(self, keep_parameters=False):
        """Back to t = 0 with the initial state drawn again (the same random
        numbers); spikes and traces cleared. Values changed with set() are
        forgotten unless keep_parameters, which re-applies parameter changes
        (state changes are always dropped)."""
        self._native.reset(bool(keep_parameters))

    # --- structure and values -----------------------------------------------

    @property
    def populations(self):
        """Population names in declaration order (stimulus sources included)."""
        return [p.name for p in self._native.populations]

    def population_info(self, population):
        """PopulationInfo (name, model, size, is_source) of a population."""
        return self._native.populations[self._native.population_index(population)]

    def variables(self, population):
        """VariableInfo (name, role, type, unit) of every variable of a model
        population: parameters, state and internals."""
        return self._native.variables(population)

    def get(self, population, variable):
        """Every neuron's current value of a variable, as a float64 array."""
        return self._native.get(population, variable)

    def set(self, population, variable, value):
        """Sets a variable: a scalar for every neuron, or an array with one
        value per neuron. Setting a parameter recomputes what depends on it
        (internals, propagators: the model's prepare step runs again)."""
        if np.ndim(value) == 0:
            self._native.set(population, variable, float(value))
        else:
            values = np.ascontiguousarray(value, dtype=np.float64)
            if values.ndim != 1:
                raise ValueError(f"set() takes a scalar or a 1-D array, not an array of shape {values.shape}")
            self._native.set(population, variable, values)

    def inject_spikes(self, population, port, indices, weights=1.0, *, delay_steps=0):
        """Closed-loop input between steps: one spike event per entry of
        `indices` (neurons of a model population; repeats add up) into the
        spike port `port`, with `weights` in the port's unit (a scalar for
        all, or one per event). The next step reads them (or `delay_steps`
        steps later), as if a projection had delivered them; read the
        network's answer with spikes() after step()/run()."""
        idx = np.asarray(indices)
        if idx.ndim != 1 or (idx.size and (not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0)):
            raise ValueError("indices must be a 1-D array of non-negative neuron indices")
        w = np.atleast_1d(np.asarray(weights, dtype=np.float64))
        if w.ndim != 1:
            raise ValueError("weights must be a scalar or a 1-D array")
        if int(delay_steps) != delay_steps or delay_steps < 0:
            raise ValueError("delay_steps must be a non-negative integer")
        self._native.inject_spikes(population, port, idx.astype(np.uint64), w, int(delay_steps))

    def schedule_spikes(self, population, port, steps, indices, weights=1.0):
        """Spike events for later steps: event e goes to neuron indices[e]
        and is read in absolute step steps[e] (>= self.steps); the events
        wait until step()/run() reach them (reset() drops them)."""
        st = np.asarray(steps)
        idx = np.asarray(indices)
        for name, a in (("steps", st), ("indices", idx)):
            if a.ndim != 1 or (a.size and (not np.issubdtype(a.dtype, np.integer) or a.min() < 0)):
                raise ValueError(f"{name} must be a 1-D array of non-negative integers")
        w = np.atleast_1d(np.asarray(weights, dtype=np.float64))
        self._native.schedule_spikes(population, port, st.astype(np.uint64), idx.astype(np.uint64), w)

    def inject_aer(self, population, port, ids, ticks, tick_hz, weight=1.0):
        """Address-events (ids[e], ticks[e]) of a clock of tick_hz into a
        spike port: each is read in the step containing its time,
        floor(tick / (tick_hz * dt)) (docs/closed-loop.md §2)."""
        ids, ticks = np.asarray(ids), np.asarray(ticks)
        for name, a in (("ids", ids), ("ticks", ticks)):
            if a.ndim != 1 or (a.size and (not np.issubdtype(a.dtype, np.integer) or a.min() < 0)):
                raise ValueError(f"{name} must be a 1-D array of non-negative integers")
        self._native.inject_aer(population, port, ids.astype(np.uint64), ticks.astype(np.uint64),
                                float(tick_hz), float(weight))

    @property
    def scheduled_spikes(self):
        """Scheduled events not yet delivered."""
        return self._native.scheduled_spikes

    def spike_ports(self, population):
        """The scalar spike ports of a model population (inject_spikes' ports)."""
        return self._native.spike_ports(population)

    def spikes_since(self, step, population=None):
        """spikes() restricted to steps >= `step` (e.g. the last frame's:
        spikes_since(steps_before_the_frame)); found by binary search."""
        if population is None:
            return dict(zip(self.populations, self._native.all_spikes_since(int(step))))
        return self._native.spikes_since(int(step), self._native.population_index(population))

    @property
    def plastic_projections(self):
        """Names of the plastic projections (`connect NAME: ... synapse = ...`)."""
        return self._native.plastic_projections

    def synapses(self, projection, variable):
        """(sources, targets, values) of every synapse of a plastic
        projection: source and target neuron indices (uint32) and the
        current value (float64) of a synapse-model variable, e.g. "w"."""
        return self._native.synapses(projection, variable)

    # --- recordings ---------------------------------------------------------

    def spikes(self, population=None):
        """(times_ms float64, indices int64) of one population's spikes, in
        order of time then index. Without a population: a dict mapping every
        population name to its (times_ms, indices)."""
        if population is None:
            return dict(zip(self.populations, self._native.all_spikes()))
        return self._native.spikes(self._native.population_index(population))

    def clear_spikes(self):
        """Forgets the spikes collected so far (stats() still counts them)."""
        self._native.clear_spikes()

    @property
    def recorders(self):
        """Labels of the network's `record VAR ... as LABEL` statements."""
        return self._native.recorders

    def _recorder(self, label):
        if label not in self._recorder_info:
            trace = self._native.trace(label)
            self._recorder_info[label] = (trace["population"], trace["variables"])
        return self._recorder_info[label]

    def recorder_variables(self, label):
        """The variables a recorder samples."""
        return list(self._recorder(label)[1])

    def recorder_population(self, label):
        """The population a recorder samples."""
        return self._recorder(label)[0]

    def trace(self, label, variable=None):
        """(t, values) of a recorder: t has shape (n_samples,), values
        (n_neurons, n_samples), row i being the i-th neuron sampled (see
        trace_neurons). `variable` may be left out when the recorder samples
        only one."""
        trace = self._native.trace(label)
        names = trace["variables"]
        if variable is None:
            if len(names) != 1:
                raise ValueError(f"recorder '{label}' samples several variables ({', '.join(names)}): "
                                 f"say which one")
            variable = names[0]
        elif variable not in names:
            raise ValueError(f"recorder '{label}' samples {', '.join(names)}, not '{variable}'")
        neurons, samples = _trace_shape(trace)
        column = trace["values"][:, names.index(variable)]
        # Rows are sample-major (every neuron of one sample time, then the
        # next time): a transposed view, no copy.
        return trace["time_ms"][::max(neurons, 1)], column.reshape(samples, neurons).T

    def trace_neurons(self, label):
        """Indices (within its population) of the neurons a recorder samples,
        in the order of the rows of trace()'s values."""
        trace = self._native.trace(label)
        neurons, _ = _trace_shape(trace)
        return trace["index"][:neurons].astype(np.int64)

    # --- figures and files --------------------------------------------------

    def stats(self):
        """A dict of every figure of nsc::Stats: target, threads, dt_ms,
        steps, time_ms, neurons, synapses, synapse_bytes, bytes_per_synapse,
        spikes, mean_rate_hz, compile_ms, build_ms, connect_ms (of build_ms:
        the connectivity), codegen_ms, jit_ms,
        models_compiled, memory_cache_hits, disk_cache_hits, run_ms,
        populations (name -> size, spikes, rate_hz, is_source) and warnings
        (message -> count)."""
        return self._native.stats()

    def save(self, path):
        """Writes spikes and traces to `path` (nsc.io.save: .npz or HDF5)."""
        from . import io  # imported here: h5py and friends load only when saving

        io.save(self, path)

    # --- checkpoints (docs/checkpoints.md) ------------------------------------

    def save_checkpoint(self, path):
        """Writes the complete state (neuron and synapse values, delay
        buffers, plastic and homeostatic state, the step) and the spikes and
        recorder samples held now to `path`, atomically (a temporary file,
        fsync'd and renamed). Raises nsc.ArgumentError when it cannot."""
        self._native.save_checkpoint(str(path))

    def restore_checkpoint(self, path):
        """Continues from a checkpoint: state, spikes and recorder samples
        become the checkpoint's, so running on gives bit for bit what the
        simulation that saved it gives. Raises nsc.ArgumentError (nothing
        changed) for a corrupt or truncated file, or one of another nsc
        version, target, network, model, dt, seed or precision; the message
        says what differs."""
        self._native.restore_checkpoint(str(path))


def _trace_shape(trace):
    """(n_neurons, n_samples) of a trace whose rows are sample-major."""
    index = trace["index"]
    rows = len(index)
    if rows == 0:
        return 0, 0
    times = trace["time_ms"]
    neurons = int(np.count_nonzero(times == times[0]))
    if rows % neurons or not np.array_equal(index, np.tile(index[:neurons], rows // neurons)):
        raise RuntimeError(f"recorder '{trace['label']}': rows are not one per neuron per sample time")
    return neurons, rows // neurons
