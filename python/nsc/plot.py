"""Plots of nsc results with matplotlib: rasters, traces, rates and weights.

Each function takes a Simulation, an :class:`nsc.io.Results` (from
:func:`nsc.io.load`) or plain data (see the function), draws on `ax` when
given (else on a new figure) and returns the Axes it drew on (``weights``:
the matrix and histogram Axes as a pair). Matplotlib is imported when a
function is first called, with the non-interactive Agg backend when there is
no display, so ``import nsc.plot`` costs nothing and works on servers.

From the shell::

    python3 -m nsc.plot RESULTS -o raster.png [--kind raster|rates|traces]

where RESULTS is an .npz/.h5 file or a directory of the CLI's CSV outputs
(``nsc plot`` runs exactly this).
"""

import argparse
import os
import sys

import numpy as np

from nsc import io as nsc_io

__all__ = ["raster", "traces", "rates", "weights", "main"]


def _pyplot():
    import matplotlib

    # Without a display (CI, ssh, `nsc plot`) an interactive backend fails
    # at the first figure; Agg draws to files. A backend the user chose
    # (MPLBACKEND, or matplotlib.use before us) is left alone.
    if not os.environ.get("DISPLAY") and "MPLBACKEND" not in os.environ:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _axes(ax):
    if ax is not None:
        return ax
    _figure, ax = _pyplot().subplots()
    return ax


def _spike_sets(source, populations):
    """[(population, times, indices)] from results, a Simulation, a dict
    {population: (times, indices)} or one (times, indices) pair."""
    if isinstance(source, tuple) and len(source) == 2:
        return [("spikes", np.asarray(source[0], np.float64), np.asarray(source[1], np.int64))]
    if isinstance(source, dict) and "spikes" not in source:
        source = {"spikes": source}
    results = nsc_io.as_results(source)
    names = results.populations if populations is None else list(populations)
    if isinstance(populations, str):
        names = [populations]
    unknown = [p for p in names if p not in results.populations]
    if unknown:
        raise KeyError(f"no population {', '.join(repr(p) for p in unknown)} "
                       f"(have: {', '.join(results.populations) or 'none'})")
    return [(p, *results.spikes(p)) for p in names]


def _population_size(source, population, indices):
    info = getattr(source, "population_info", None)
    size = None
    if callable(info) and not isinstance(source, dict):
        size = nsc_io.population_size(info(population))
    if size is None:  # plain data: the highest index that spiked
        size = int(indices.max()) + 1 if indices.size else 0
    return int(size)


def raster(sim_or_results, populations=None, ax=None, t_range=None, max_neurons=None):
    """Spike raster: one dot per spike, time (ms) against neuron.

    Populations are stacked bottom to top in declaration order with a
    labelled band each. `t_range` = (start_ms, end_ms) keeps spikes with
    start <= t < end; `max_neurons` keeps the first N neurons of each
    population (large networks otherwise draw as a solid block).
    """
    if max_neurons is not None and max_neurons < 1:
        raise ValueError(f"max_neurons must be at least 1, got {max_neurons}")
    ax = _axes(ax)
    offset, ticks, labels = 0, [], []
    for population, times, indices in _spike_sets(sim_or_results, populations):
        size = _population_size(sim_or_results, population, indices)
        shown = size if max_neurons is None else min(size, max_neurons)
        keep = indices < shown
        if t_range is not None:
            keep &= (times >= t_range[0]) & (times < t_range[1])
        ax.scatter(times[keep], indices[keep] + offset, s=2, marker="|", linewidths=0.6,
                   label=population)
        ticks.append(offset + shown / 2)
        labels.append(population)
        offset += shown
        ax.axhline(offset - 0.5, color="0.8", linewidth=0.5)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    ax.set_ylim(-0.5, max(offset, 1) - 0.5)
    if t_range is not None:
        ax.set_xlim(*t_range)
    if len(labels) > 1:
        twin = ax.twinx()
        twin.set_ylim(ax.get_ylim())
        twin.set_yticks(ticks)
        twin.set_yticklabels(labels)
    ax.set_title("spike raster")
    return ax


def traces(sim_or_results, label, variable=None, neurons=None, ax=None):
    """A recorder's variable over time, one line per neuron.

    `variable` may be left out when the recorder records one; `neurons` is a
    list of neuron indices (default: all recorded, at most 10 drawn with a
    legend). Plain data: a dict {label: {variable: (t_ms, values)}}.
    """
    if isinstance(sim_or_results, dict) and "traces" not in sim_or_results:
        sim_or_results = {"traces": sim_or_results}
    results = nsc_io.as_results(sim_or_results)
    variable = nsc_io._pick_variable(results, label, variable)
    t, values = results.trace(label, variable)
    node_ids = results.trace_node_ids(label, variable)
    if neurons is None:
        rows = np.arange(min(values.shape[0], 10))
    else:
        rows = []
        for n in neurons:
            found = np.flatnonzero(node_ids == n)
            if not found.size:
                raise KeyError(f"recorder '{label}' has no neuron {n} "
                               f"(recorded: {node_ids.min()}..{node_ids.max()})"
                               if node_ids.size else f"recorder '{label}' recorded no neuron")
            rows.append(found[0])
    ax = _axes(ax)
    for row in rows:
        ax.plot(t, values[row], linewidth=0.8, label=f"neuron {node_ids[row]}")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(variable)
    population = results.recorder_population(label)
    ax.set_title(f"{label} ({population})" if population and population != label else label)
    if 1 < len(rows) <= 10:
        ax.legend(fontsize="small")
    return ax


def rates(sim_or_results, bin_ms=5.0, populations=None, ax=None):
    """Population firing rate (Hz per neuron) in bins of `bin_ms`.

    Rate = spikes in the bin / (neurons x bin length in s); the neuron count
    is the population size when known, else the highest index that spiked.
    """
    if not bin_ms > 0:
        raise ValueError(f"bin_ms must be positive, got {bin_ms}")
    sets = _spike_sets(sim_or_results, populations)
    end = max((float(t.max()) for _p, t, _i in sets if t.size), default=0.0)
    end = max(end, float(getattr(sim_or_results, "t", 0.0) or 0.0))
    edges = np.arange(0.0, end + bin_ms, bin_ms)
    if edges.size < 2:
        edges = np.array([0.0, bin_ms])
    ax = _axes(ax)
    for population, times, indices in sets:
        neurons = max(_population_size(sim_or_results, population, indices), 1)
        counts, _ = np.histogram(times, bins=edges)
        ax.stairs(counts / (neurons * bin_ms / 1000.0), edges, label=population)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("rate (Hz)")
    ax.set_title(f"population rate ({bin_ms:g} ms bins)")
    if len(sets) > 1:
        ax.legend(fontsize="small")
    return ax


def weights(sources, targets, values, ax=None, shape=None):
    """Synapse values as a [source, target] matrix image and a histogram.

    The arguments are what ``sim.synapses(projection, "w")`` returns. `shape`
    = (n_sources, n_targets), default the highest indices + 1; pairs with
    several synapses show their sum. `ax`: a pair of Axes (matrix,
    histogram). Returns that pair.
    """
    sources = np.asarray(sources, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if not sources.shape == targets.shape == values.shape or sources.ndim != 1:
        raise ValueError(f"sources {sources.shape}, targets {targets.shape} and values "
                         f"{values.shape} must be 1-D of one length")
    if shape is None:
        shape = (int(sources.max()) + 1 if sources.size else 0,
                 int(targets.max()) + 1 if targets.size else 0)
    if sources.size and (sources.min() < 0 or targets.min() < 0 or
                         sources.max() >= shape[0] or targets.max() >= shape[1]):
        raise ValueError(f"synapse indices do not fit shape {tuple(shape)}")
    if ax is None:
        _figure, ax = _pyplot().subplots(1, 2, figsize=(10, 4))
    matrix_ax, histogram_ax = ax
    matrix = np.full(shape, np.nan)  # NaN: no synapse, drawn blank
    matrix[sources, targets] = 0.0
    np.add.at(matrix, (sources, targets), values)
    image = matrix_ax.imshow(matrix, aspect="auto", interpolation="nearest", origin="lower")
    matrix_ax.figure.colorbar(image, ax=matrix_ax, label="weight")
    matrix_ax.set_xlabel("target neuron")
    matrix_ax.set_ylabel("source neuron")
    matrix_ax.set_title(f"{values.size} synapses")
    histogram_ax.hist(values, bins=min(50, max(values.size, 1)))
    histogram_ax.set_xlabel("weight")
    histogram_ax.set_ylabel("synapses")
    return matrix_ax, histogram_ax


def _load_any(path):
    if os.path.isdir(path):
        return nsc_io.load_csv_dir(path)
    return nsc_io.load(path)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="nsc plot", description="Plot an nsc run's results (.npz, .h5, or a directory "
        "of CSV outputs) to an image file.")
    parser.add_argument("results", help="an .npz/.h5 file or a directory of CLI CSV outputs")
    parser.add_argument("-o", "--output", required=True,
                        help="image file to write (.png, .svg, .pdf)")
    parser.add_argument("--kind", choices=["raster", "rates", "traces"], default="raster")
    parser.add_argument("--recorder", help="--kind=traces: the recorder (default: the only one)")
    parser.add_argument("--variable", help="--kind=traces: the variable (default: the only one)")
    parser.add_argument("--bin-ms", type=float, default=5.0, help="--kind=rates: bin width")
    args = parser.parse_args(argv)
    try:
        _pyplot()
    except ImportError as err:
        print(f"nsc plot: error: matplotlib is not installed ({err}); Debian's "
              "python3-matplotlib, see scripts/install-deps", file=sys.stderr)
        return 2
    try:
        results = _load_any(args.results)
        ax = _draw(results, args)
        _save_figure(ax.figure, args.output)
    except (OSError, ValueError, KeyError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"nsc plot: error: {message}", file=sys.stderr)
        return 1
    return 0


def _draw(results, args):
    if args.kind == "raster":
        if not results.populations:
            raise ValueError(f"'{args.results}' holds no spikes to draw a raster of")
        return raster(results)
    if args.kind == "rates":
        if not results.populations:
            raise ValueError(f"'{args.results}' holds no spikes to compute rates of")
        return rates(results, bin_ms=args.bin_ms)
    label = args.recorder
    if label is None:
        if len(results.recorders) != 1:
            raise ValueError(f"'{args.results}' has recorders "
                             f"{', '.join(results.recorders) or '(none)'}: "
                             "name one with --recorder")
        label = results.recorders[0]
    return traces(results, label, args.variable)


def _save_figure(figure, output):
    # Rename into place: a failed draw never leaves a truncated image.
    root, ext = os.path.splitext(output)
    if not ext:
        raise ValueError(f"'{output}' has no extension to choose the image format by")
    temporary = f"{root}.tmp{os.getpid()}{ext}"
    try:
        figure.tight_layout()
        figure.savefig(temporary, dpi=120)
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


if __name__ == "__main__":
    sys.exit(main())
