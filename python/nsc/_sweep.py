"""Module.sweep: one simulation per parameter value, sharing compiled code."""

import itertools

import numpy as np

from . import _units


def _parse_key(key):
    """(network or None, population, variable) of "pop.var" or "net.pop.var"."""
    parts = key.split(".") if isinstance(key, str) else []
    if len(parts) == 2 and all(parts):
        return None, parts[0], parts[1]
    if len(parts) == 3 and all(parts):
        return parts[0], parts[1], parts[2]
    raise ValueError(f"sweep key {key!r}: expected 'population.variable' or 'network.population.variable'")


def _network_of(keys, network):
    """The one network the keys (and the network argument) name."""
    named = {net for net, _, _ in keys if net is not None}
    if network is not None:
        named.add(network)
    if len(named) > 1:
        raise ValueError(f"sweep over several networks ({', '.join(sorted(named))}): one sweep runs one network")
    return named.pop() if named else None


def _axis(key, sequence):
    if isinstance(sequence, (str, bytes)) or np.ndim(sequence) == 0:
        raise TypeError(f"sweep values of {key!r} must be a sequence of values, not {sequence!r}")
    return list(sequence)


def sweep(module, values, run, *, network=None, record=None):
    """Runs one simulation of a network per combination of parameter values.

    values: {"population.variable" or "network.population.variable":
    sequence}; each element is a scalar for every neuron or an array with
    one value per neuron. With one key, one simulation per value; with
    several, one per element of their Cartesian product (itertools.product
    in the dict's order, the last key varying fastest).
    run: the duration of each simulation (ms or a string such as "1 s").
    network: the network, when the keys do not name it and the source has
    several.
    record: None or a sequence of "population.variable" whose values at the
    end of each run are returned (result["final"][name], a float64 array).

    Each simulation is built fresh from this Module: the cpu target's
    JIT-compiled code is compiled by the first and loaded from the in-memory
    cache by the others (their stats()["models_compiled"] is 0). The values
    are applied with Simulation.set() at t = 0, which re-runs the models'
    prepare step (internals and propagators follow a changed parameter).

    Returns a list of dicts, one per simulation, in order: "values" (key ->
    the value set), "spikes" (population -> spike count), "rates_hz"
    (population -> mean rate), "stats" (Simulation.stats()) and, with
    record, "final".
    """
    if not isinstance(values, dict) or not values:
        raise TypeError("sweep values must be a non-empty dict {'population.variable': sequence}")
    keys = list(values)
    targets = [_parse_key(k) for k in keys]
    network = _network_of(targets, network)
    axes = [_axis(k, values[k]) for k in keys]
    duration = _units.duration_ms(run)
    recorded = [(name, _parse_key(name)) for name in (record or ())]
    if any(net is not None for _, (net, _, _) in recorded):
        raise ValueError("record names 'population.variable' of the swept network")

    results = []
    for combination in itertools.product(*axes):
        sim = module.network(network)
        for (_, population, variable), value in zip(targets, combination):
            sim.set(population, variable, value)
        sim.run(duration, progress=False)
        stats = sim.stats()
        result = {
            "values": dict(zip(keys, combination)),
            "spikes": {name: p["spikes"] for name, p in stats["populations"].items()},
            "rates_hz": {name: p["rate_hz"] for name, p in stats["populations"].items()},
            "stats": stats,
        }
        if recorded:
            result["final"] = {name: sim.get(pop, var) for name, (_, pop, var) in recorded}
        results.append(result)
    return results
