"""nsc.compile and nsc.Module: compiling sources, building simulations."""

import os

import numpy as np

from . import _nsc
from ._simulation import Simulation
from ._units import duration_ms
from ._sweep import sweep as _sweep


def targets():
    """Names of the targets simulations can run on from Python, in the C++
    target table's order ("cpu", "interp" where this build has them)."""
    return [_nsc.target_name(t) for t in _nsc.Target.__members__.values() if _nsc.target_available(t)]


def _target(name):
    available = targets()
    if name not in available:
        raise ValueError(f"target {name!r} cannot run from Python: this build runs "
                         f"{', '.join(available)} (the command-line tool `nsc` has the others)")
    return _nsc.Target.__members__[name]


def _is_file(path_or_source):
    if isinstance(path_or_source, os.PathLike):
        return True
    # Source text has newlines or ':'-blocks; a path is one line, and a
    # missing .nrn/.nestml file should say "cannot read", not "syntax error".
    return "\n" not in path_or_source and (os.path.isfile(path_or_source) or
                                           path_or_source.endswith((".nrn", ".nestml")))


def _options(target, threads, passes, include_dirs, werror, propagate_parameters, dt=None):
    options = _nsc.CompilerOptions()
    if dt is not None:
        dt_ms = duration_ms(dt)
        if dt_ms == 0:
            raise ValueError(f"dt must be a positive time step, not {dt!r}")
        options.dt_ms = dt_ms
    options.target = _target(target)
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise ValueError(f"threads must be a positive integer, not {threads!r}")
    options.threads = int(threads)
    if passes is None:
        options.passes = ""
    elif isinstance(passes, str):
        options.passes = passes
    else:
        options.passes = ",".join(passes)
    if isinstance(include_dirs, (str, os.PathLike)):
        raise TypeError("include_dirs is a sequence of directories, e.g. include_dirs=[path]")
    options.include_dirs = [os.fspath(d) for d in include_dirs]
    options.warnings_as_errors = bool(werror)
    options.propagate_parameters = bool(propagate_parameters)
    return options


def compile(path_or_source, target="cpu", *, threads=1, dt=None, passes=None, include_dirs=(),
            werror=False, propagate_parameters=False):
    """Compiles a .nrn/.nestml file, or model source text, into a Module.

    path_or_source: a path (str or os.PathLike) to an existing file, or a
    str ending in .nrn/.nestml, is compiled as a file; any other str as
    source text named "<string>" in diagnostics.
    target: one of nsc.targets() ("cpu": JIT-compiled code; "interp": the
    reference interpreter).
    threads: worker threads sharing each step's neuron updates.
    dt: the time step of every model and network (`nsc --dt`): ms as a
    number, or a str such as "0.05 ms" or "50 us"; None keeps the
    `semantics:` blocks' dt. Models are specialised for it (R36).
    passes: the IR pass pipeline (names, or one comma-separated str), None
    for the default one; it must include solve-odes to run.
    include_dirs: directories searched for imports after the file's own
        (the model library, models/, is searched after them).
    werror: warnings are errors. propagate_parameters: substitute constant
    parameters (faster; set() can then no longer change their effect).

    Raises nsc.CompileError (with .diagnostics) when the source is rejected,
    ValueError for invalid options.
    """
    options = _options(target, threads, passes, include_dirs, werror, propagate_parameters, dt)
    compiler = _nsc.Compiler(options)
    if isinstance(path_or_source, (str, os.PathLike)) and _is_file(path_or_source):
        native = compiler.compile_file(os.fspath(path_or_source))
    elif isinstance(path_or_source, str):
        native = compiler.compile_string(path_or_source, "<string>")
    else:
        raise TypeError(f"compile() takes a path or source text, not {type(path_or_source).__name__}")
    return Module(native)


class Module:
    """The compiled networks and neuron models of one source (with its
    imports). Simulations built from one Module share its compiled code: on
    the cpu target the models are JIT-compiled once (the first simulation;
    stats()["models_compiled"]) and later simulations load them from the
    cache."""

    def __init__(self, native):
        self._native = native

    def __repr__(self):
        return f"<nsc.Module target={self.target} networks={self.networks} models={self.models}>"

    @property
    def networks(self):
        """Network names in source order."""
        return self._native.networks

    @property
    def models(self):
        """Neuron model names, imports first."""
        return self._native.models

    @property
    def warnings(self):
        """Diagnostics (Diagnostic objects) of the warnings of compilation."""
        return self._native.warnings

    @property
    def compile_ms(self):
        """Wall time of compilation (front end and passes) in ms."""
        return self._native.compile_ms

    @property
    def target(self):
        return self._native.target

    def network(self, name=None):
        """A Simulation of a network at t = 0. `name` may be left out when
        the source has exactly one network."""
        return Simulation(self._native.simulate(name or ""), self)

    def model(self, name, n=1, *, params=None, spike_inputs=None, current_inputs=None):
        """A Simulation of `n` neurons of model `name` (one population named
        after the model), at the model's own dt.

        params: {variable: value} initial values of parameters or state of
        every neuron. spike_inputs: {port: times_ms} or {port: (times_ms,
        weight)} spikes into a spike port (weight in the port's unit,
        default 1). current_inputs: {port: value} a constant input on a
        continuous port for the whole run.
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer, not {n!r}")
        initial = [(str(k), float(v)) for k, v in (params or {}).items()]
        spikes = [_spike_input(port, spec) for port, spec in (spike_inputs or {}).items()]
        currents = [(str(k), float(v)) for k, v in (current_inputs or {}).items()]
        return Simulation(self._native.simulate_model(name, int(n), initial, spikes, currents), self)

    def sweep(self, values, run, *, network=None, record=None):
        """Runs one simulation per parameter value; see nsc._sweep.sweep."""
        return _sweep(self, values, run, network=network, record=record)


def _spike_input(port, spec):
    """(port, times, weight) from `times` or `(times, weight)`."""
    if isinstance(spec, tuple) and len(spec) == 2 and np.ndim(spec[0]) == 1 and np.ndim(spec[1]) == 0:
        times, weight = spec
    else:
        times, weight = spec, 1.0
    times = np.asarray(times, dtype=np.float64)
    if times.ndim != 1:
        raise ValueError(f"spike input '{port}': times must be a 1-D sequence of ms, "
                         f"or (times, weight)")
    return str(port), times.tolist(), float(weight)
