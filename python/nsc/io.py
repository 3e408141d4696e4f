"""Saving and loading nsc results: NumPy ``.npz``, HDF5 and the CLI's CSVs.

Everything here works on any object with the Simulation read interface
(``populations``, ``population_info``, ``spikes``, ``recorders``,
``recorder_variables``, ``recorder_population``, ``trace``, ``dt``) and on
the plain-data :class:`Results` that :func:`load` returns, so files written
by one run can be plotted or compared without the compiled extension.

File layouts (docs/formats.md has the same text)
------------------------------------------------

``.npz`` (``numpy.savez``; read with ``numpy.load(path)``, no pickling)::

    populations                      str [n_pop]   names, declaration order
    population_sizes                 int64 [n_pop] -1 where unknown
    dt_ms                            float64 scalar (absent when unknown)
    spikes/<pop>/times_ms            float64 [n_spikes]
    spikes/<pop>/indices             int64 [n_spikes]
    recorders                        str [n_rec]   labels, in order
    recorder_populations             str [n_rec]
    traces/<label>/<var>/t_ms        float64 [n_samples]
    traces/<label>/<var>/values      float64 [n_neurons, n_samples]
    traces/<label>/<var>/node_ids    int64 [n_neurons]  row i's neuron index

``.h5`` / ``.hdf5`` (HDF5, spikes in SONATA's layout, which NWB tools and
bmtk/NEST readers of SONATA also use; the same as ``nsc --spikes=F.h5``
and ``--trace-out=F.h5`` write)::

    /                                attribute dt_ms (float64)
    /spikes                          attribute populations (declaration order)
    /spikes/<pop>                    attribute sorting = "by_time"
                                     attribute size (int64), when known
    /spikes/<pop>/timestamps         float64 [n_spikes], attribute units = "ms"
    /spikes/<pop>/node_ids           uint64 [n_spikes]
    /traces                          attribute recorders (labels, in order)
    /traces/<label>                  attribute population
    /traces/<label>/<var>/data       float64 [n_neurons, n_samples]
    /traces/<label>/<var>/time       float64 [n_samples], attribute units = "ms"
    /traces/<label>/<var>/node_ids   uint64 [n_neurons]

Spike times are the steps' label times t_{k+1} = (k+1)*dt in ms
(docs/semantics.md R22); within a population spikes are sorted by time, then
by the order they were recorded in. Files are written to a temporary name and
renamed, so a failed save never leaves a partial file.
"""

import csv
import os

import numpy as np

__all__ = ["Results", "as_results", "save", "load", "load_csv_dir"]


class Results:
    """Plain-data results with the Simulation read interface.

    ``spikes``: {population: (times_ms, indices)} in declaration order.
    ``traces``: {label: {variable: (t_ms, values[n_neurons, n_samples])}}.
    ``recorder_populations``: {label: population}.
    ``node_ids``: {(label, variable): neuron index of each row}, where a
    recorder covers only some neurons (default: 0..n_neurons-1).
    """

    def __init__(self, spikes=None, traces=None, dt=None, population_sizes=None,
                 recorder_populations=None, node_ids=None):
        self._spikes = {}
        for pop, (times, indices) in (spikes or {}).items():
            _check_name(pop, "population")
            times = np.asarray(times, dtype=np.float64)
            indices = np.asarray(indices, dtype=np.int64)
            if times.shape != indices.shape or times.ndim != 1:
                raise ValueError(f"spikes of '{pop}': times {times.shape} and indices "
                                 f"{indices.shape} must be 1-D of one length")
            self._spikes[pop] = (times, indices)
        self._traces = {}
        for label, variables in (traces or {}).items():
            _check_name(label, "recorder")
            self._traces[label] = {}
            for var, (t, values) in variables.items():
                _check_name(var, "variable")
                t = np.asarray(t, dtype=np.float64)
                values = np.asarray(values, dtype=np.float64)
                if values.ndim != 2 or t.shape != (values.shape[1],):
                    raise ValueError(f"trace {label}.{var}: values {values.shape} must be "
                                     f"[n_neurons, n_samples] with t of n_samples ({t.shape})")
                self._traces[label][var] = (t, values)
        self.dt = None if dt is None else float(dt)
        self._sizes = dict(population_sizes or {})
        self._recorder_populations = dict(recorder_populations or {})
        self._node_ids = {key: np.asarray(ids, dtype=np.int64)
                          for key, ids in (node_ids or {}).items()}

    @property
    def populations(self):
        return list(self._spikes)

    def population_info(self, name):
        self._require_population(name)
        return dict(name=name, model=None, size=self._sizes.get(name), is_source=None)

    def spikes(self, pop):
        self._require_population(pop)
        return self._spikes[pop]

    @property
    def recorders(self):
        return list(self._traces)

    def recorder_variables(self, label):
        self._require_recorder(label)
        return list(self._traces[label])

    def recorder_population(self, label):
        self._require_recorder(label)
        return self._recorder_populations.get(label)

    def trace(self, label, variable=None):
        """(t_ms, values[n_neurons, n_samples]); `variable` may be left out
        when the recorder has exactly one."""
        variable = _pick_variable(self, label, variable)
        return self._traces[label][variable]

    def trace_node_ids(self, label, variable):
        """The neuron index of each row of ``trace(label, variable)``."""
        _t, values = self.trace(label, variable)
        ids = self._node_ids.get((label, variable))
        return np.arange(values.shape[0], dtype=np.int64) if ids is None else ids

    @property
    def t(self):
        """The latest time in the results (ms), 0 when there is none."""
        ends = [times.max() for times, _ in self._spikes.values() if times.size]
        ends += [t.max() for vs in self._traces.values() for t, _ in vs.values() if t.size]
        return float(max(ends, default=0.0))

    def _require_population(self, name):
        if name not in self._spikes:
            raise KeyError(f"no population '{name}' (have: {', '.join(self._spikes) or 'none'})")

    def _require_recorder(self, label):
        if label not in self._traces:
            raise KeyError(f"no recorder '{label}' (have: {', '.join(self._traces) or 'none'})")


def _pick_variable(results, label, variable):
    variables = results.recorder_variables(label)
    if variable is None:
        if len(variables) != 1:
            raise ValueError(f"recorder '{label}' records {', '.join(variables)}: "
                             "name the variable")
        return variables[0]
    if variable not in variables:
        raise KeyError(f"recorder '{label}' has no variable '{variable}' "
                       f"(has: {', '.join(variables)})")
    return variable


def population_size(info):
    """The `size` of a population_info() answer: a dict (the interface as
    specified, Results) or an object with attributes (the compiled
    package's PopulationInfo)."""
    return info.get("size") if isinstance(info, dict) else getattr(info, "size", None)


def _check_name(name, what):
    # Names become path components of .npz keys and HDF5 groups.
    if not isinstance(name, str) or not name or "/" in name:
        raise ValueError(f"{what} name {name!r} must be a non-empty string without '/'")


def as_results(source):
    """A :class:`Results` from a Results, a Simulation-like object, or a
    dict ``{"spikes": {...}, "traces": {...}, "dt": ...}`` (see Results)."""
    if isinstance(source, Results):
        return source
    if isinstance(source, dict):
        unknown = set(source) - {"spikes", "traces", "dt", "population_sizes",
                                 "recorder_populations", "node_ids"}
        if unknown:
            raise ValueError(f"unknown results keys: {', '.join(sorted(unknown))}")
        return Results(**source)
    for needed in ("populations", "spikes", "recorders", "recorder_variables", "trace"):
        if not hasattr(source, needed):
            raise TypeError(f"{type(source).__name__} is not results: it has no '{needed}' "
                            "(expected a Simulation, nsc.io.Results or a dict)")
    return _snapshot(source)


def _snapshot(sim):
    spikes, sizes = {}, {}
    for pop in sim.populations:
        spikes[pop] = sim.spikes(pop)
        if hasattr(sim, "population_info"):
            sizes[pop] = population_size(sim.population_info(pop))
    traces, recorder_populations, node_ids = {}, {}, {}
    for label in sim.recorders:
        traces[label] = {var: sim.trace(label, var) for var in sim.recorder_variables(label)}
        if hasattr(sim, "recorder_population"):
            recorder_populations[label] = sim.recorder_population(label)
        if hasattr(sim, "trace_node_ids"):
            for var in traces[label]:
                node_ids[(label, var)] = sim.trace_node_ids(label, var)
    return Results(spikes, traces, getattr(sim, "dt", None), sizes, recorder_populations,
                   node_ids)


def _format_of(path):
    ext = os.path.splitext(str(path))[1].lower()
    if ext == ".npz":
        return "npz"
    if ext in (".h5", ".hdf5"):
        return "hdf5"
    raise ValueError(f"unknown results format for '{path}' (use .npz, .h5 or .hdf5)")


def save(sim_or_results, path):
    """Write spikes and traces to `path`, .npz or .h5/.hdf5 by its extension."""
    writer = {"npz": _write_npz, "hdf5": _write_hdf5}[_format_of(path)]
    results = as_results(sim_or_results)
    path = os.fspath(path)
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        writer(results, temporary)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _write_npz(results, path):
    arrays = {
        "populations": np.array(results.populations, dtype=str),
        "population_sizes": np.array(
            [_size_or_unknown(results, pop) for pop in results.populations], dtype=np.int64),
        "recorders": np.array(results.recorders, dtype=str),
        "recorder_populations": np.array(
            [results.recorder_population(label) or "" for label in results.recorders], dtype=str),
    }
    if results.dt is not None:
        arrays["dt_ms"] = np.float64(results.dt)
    for pop in results.populations:
        times, indices = _by_time(*results.spikes(pop))
        arrays[f"spikes/{pop}/times_ms"] = times
        arrays[f"spikes/{pop}/indices"] = indices
    for label in results.recorders:
        for var in results.recorder_variables(label):
            t, values = results.trace(label, var)
            arrays[f"traces/{label}/{var}/t_ms"] = t
            arrays[f"traces/{label}/{var}/values"] = values
            arrays[f"traces/{label}/{var}/node_ids"] = results.trace_node_ids(label, var)
    # A file object: given a name, savez would append ".npz" to the temporary.
    with open(path, "wb") as out:
        np.savez(out, **arrays)


def _by_time(times, indices):
    # SONATA's sorting="by_time", in both formats; a stable sort keeps the
    # recorded order of simultaneous spikes.
    order = np.argsort(times, kind="stable")
    return times[order], indices[order]


def _size_or_unknown(results, pop):
    size = results.population_info(pop).get("size")
    return -1 if size is None else int(size)


def _write_hdf5(results, path):
    import h5py

    with h5py.File(path, "w") as f:
        if results.dt is not None:
            f.attrs["dt_ms"] = np.float64(results.dt)
        spikes = f.create_group("spikes")
        spikes.attrs["populations"] = results.populations
        for pop in results.populations:
            times, indices = _by_time(*results.spikes(pop))
            group = spikes.create_group(pop)
            group.attrs["sorting"] = "by_time"
            size = results.population_info(pop).get("size")
            if size is not None:
                group.attrs["size"] = np.int64(size)
            group.create_dataset("timestamps", data=times).attrs["units"] = "ms"
            group.create_dataset("node_ids", data=indices.astype(np.uint64))
        traces = f.create_group("traces")
        traces.attrs["recorders"] = results.recorders
        for label in results.recorders:
            group = traces.create_group(label)
            group.attrs["population"] = results.recorder_population(label) or ""
            for var in results.recorder_variables(label):
                t, values = results.trace(label, var)
                variable = group.create_group(var)
                variable.create_dataset("data", data=values)
                variable.create_dataset("time", data=t).attrs["units"] = "ms"
                variable.create_dataset(
                    "node_ids", data=results.trace_node_ids(label, var).astype(np.uint64))


def load(path):
    """A :class:`Results` from an .npz or .h5/.hdf5 file that :func:`save`
    (or ``nsc --spikes=F.h5`` / ``--trace-out=F.h5``) wrote."""
    reader = {"npz": _read_npz, "hdf5": _read_hdf5}[_format_of(path)]
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no results file '{path}'")
    return reader(os.fspath(path))


def _read_npz(path):
    with np.load(path, allow_pickle=False) as data:
        keys = set(data.files)
        if "populations" not in keys:
            raise ValueError(f"'{path}' is not an nsc results file: it has no 'populations'")
        populations = [str(p) for p in data["populations"]]
        sizes = dict(zip(populations, (int(s) for s in data["population_sizes"])))
        spikes = {pop: (data[f"spikes/{pop}/times_ms"], data[f"spikes/{pop}/indices"])
                  for pop in populations}
        recorders = [str(r) for r in data["recorders"]]
        owners = dict(zip(recorders, (str(p) or None for p in data["recorder_populations"])))
        traces, node_ids = {}, {}
        for label in recorders:
            prefix = f"traces/{label}/"
            variables = sorted({k[len(prefix):].split("/")[0] for k in keys
                                if k.startswith(prefix)})
            traces[label] = {}
            for var in variables:
                traces[label][var] = (data[f"{prefix}{var}/t_ms"], data[f"{prefix}{var}/values"])
                node_ids[(label, var)] = data[f"{prefix}{var}/node_ids"]
        dt = float(data["dt_ms"]) if "dt_ms" in keys else None
    return Results(spikes, traces, dt, {p: s for p, s in sizes.items() if s >= 0}, owners,
                   node_ids)


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _ordered_names(group, attribute):
    # The attribute keeps declaration order; files from other SONATA writers
    # lack it, and HDF5 lists names alphabetically.
    if attribute in group.attrs:
        return [_text(v) for v in np.atleast_1d(group.attrs[attribute])]
    return list(group.keys())


def _read_hdf5(path):
    import h5py

    with h5py.File(path, "r") as f:
        dt = float(f.attrs["dt_ms"]) if "dt_ms" in f.attrs else None
        spikes, sizes = {}, {}
        if "spikes" in f:
            for pop in _ordered_names(f["spikes"], "populations"):
                group = f["spikes"][pop]
                spikes[pop] = (group["timestamps"][()].astype(np.float64),
                               group["node_ids"][()].astype(np.int64))
                if "size" in group.attrs:
                    sizes[pop] = int(group.attrs["size"])
        traces, owners, node_ids = {}, {}, {}
        if "traces" in f:
            for label in _ordered_names(f["traces"], "recorders"):
                group = f["traces"][label]
                owners[label] = _text(group.attrs.get("population", "")) or None
                traces[label] = {}
                for var in group.keys():
                    traces[label][var] = (group[var]["time"][()], group[var]["data"][()])
                    node_ids[(label, var)] = group[var]["node_ids"][()].astype(np.int64)
    return Results(spikes, traces, dt, sizes, owners, node_ids)


def load_csv_dir(directory, dt_ms=None):
    """A :class:`Results` from a directory of the CLI's CSV outputs.

    Every ``*.csv`` in `directory` is read: those whose header is exactly
    ``t_ms,population,index`` hold spikes (``--spikes=DIR/F.csv`` and the
    ``record spikes from ...`` files of ``--record-dir``); several are merged
    (a spike two files hold, such as ``exc_spikes.csv`` and ``--spikes``, is
    counted once); one with more columns (``t_ms,population,index,VAR,
    ...``, as ``--record-dir`` and ``--trace-out`` write) is a recorder named
    by the file's stem, or ``<stem>.<population>`` for each population of a
    file that holds several. Synapse recordings (``t_ms,source,target,VAR``,
    ``record w from ee``) are not traces of neurons and are skipped: read
    them with ``numpy.loadtxt``/``csv``. CSVs carry no time step: pass
    `dt_ms` to have it. Only populations that spiked are known without a
    spikes file's context.
    """
    if not os.path.isdir(directory):
        raise NotADirectoryError(f"'{directory}' is not a directory")
    names = sorted(n for n in os.listdir(directory) if n.lower().endswith(".csv"))
    if not names:
        raise ValueError(f"'{directory}' holds no .csv files of an nsc run")
    events = {}  # population -> {(t, index): count}, the largest count of any file
    traces, owners, node_ids = {}, {}, {}
    for name in names:
        path = os.path.join(directory, name)
        header, rows = _read_csv(path)
        if header[:3] == ["t_ms", "source", "target"]:
            continue  # a synapse recording (see above)
        if header[:3] != ["t_ms", "population", "index"]:
            raise ValueError(f"'{path}': header {','.join(header)} is not an nsc spike or "
                             "trace file (t_ms,population,index[,VAR...])")
        if len(header) == 3:
            _merge_spikes(events, _spikes_from_rows(path, rows))
        else:
            _add_recorders(path, header[3:], rows, traces, owners, node_ids)
    spikes = {}
    for pop, counts in events.items():
        ordered = sorted(counts.items())
        t = [ti for (ti, _i), n in ordered for _ in range(n)]
        i = [ii for (_t, ii), n in ordered for _ in range(n)]
        spikes[pop] = (np.array(t, dtype=np.float64), np.array(i, dtype=np.int64))
    return Results(spikes, traces, dt_ms, None, owners, node_ids)


def _merge_spikes(events, file_spikes):
    """Adds one file's spikes: a (time, neuron) pair keeps the largest count
    any file has for it (files that overlap hold the same spikes)."""
    for pop, (t, i) in file_spikes.items():
        counts = {}
        for key in zip(t.tolist(), i.tolist()):
            counts[key] = counts.get(key, 0) + 1
        merged = events.setdefault(pop, {})
        for key, n in counts.items():
            merged[key] = max(merged.get(key, 0), n)


def _read_csv(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"'{path}' is empty (no header)")
        return header, list(reader)


def _spikes_from_rows(path, rows):
    by_population = {}
    for line, row in enumerate(rows, start=2):
        if len(row) != 3:
            raise ValueError(f"{path}:{line}: expected 3 columns, found {len(row)}")
        times, indices = by_population.setdefault(row[1], ([], []))
        try:
            times.append(float(row[0]))
            indices.append(int(row[2]))
        except ValueError as err:
            raise ValueError(f"{path}:{line}: {err}") from None
    return {pop: (np.array(t, dtype=np.float64), np.array(i, dtype=np.int64))
            for pop, (t, i) in by_population.items()}


def _add_recorders(path, variables, rows, traces, owners, node_ids):
    stem = os.path.splitext(os.path.basename(path))[0]
    by_population = {}
    for line, row in enumerate(rows, start=2):
        if len(row) != 3 + len(variables):
            raise ValueError(f"{path}:{line}: expected {3 + len(variables)} columns, "
                             f"found {len(row)}")
        try:
            sample = (float(row[0]), int(row[2]), [float(v) for v in row[3:]])
        except ValueError as err:
            raise ValueError(f"{path}:{line}: {err}") from None
        by_population.setdefault(row[1], []).append(sample)
    for pop, samples in by_population.items():
        label = stem if len(by_population) == 1 else f"{stem}.{pop}"
        if label in traces:
            raise ValueError(f"'{path}': recorder '{label}' is already defined by another file")
        t, neurons, matrices = _dense_trace(path, pop, samples, len(variables))
        traces[label] = {var: (t, matrices[v]) for v, var in enumerate(variables)}
        owners[label] = pop
        for var in variables:
            node_ids[(label, var)] = neurons


def _dense_trace(path, pop, samples, n_variables):
    """[n_neurons, n_samples] matrices from long-format rows; a neuron missing
    a sample that the others have is an error, not a gap filled with NaN."""
    times = np.array(sorted({s[0] for s in samples}), dtype=np.float64)
    neurons = np.array(sorted({s[1] for s in samples}), dtype=np.int64)
    if len(samples) != times.size * neurons.size:
        raise ValueError(f"'{path}': population '{pop}' is not sampled at the same times for "
                         f"every neuron ({len(samples)} rows for {neurons.size} neurons x "
                         f"{times.size} times)")
    matrices = np.full((n_variables, neurons.size, times.size), np.nan)
    seen = np.zeros((neurons.size, times.size), dtype=bool)
    columns = np.searchsorted(times, [s[0] for s in samples])
    rows = np.searchsorted(neurons, [s[1] for s in samples])
    for (row, column), (_t, index, values) in zip(zip(rows, columns), samples):
        if seen[row, column]:
            raise ValueError(f"'{path}': neuron {index} of '{pop}' has two samples at "
                             f"t={times[column]} ms")
        seen[row, column] = True
        matrices[:, row, column] = values
    return times, neurons, list(matrices)
