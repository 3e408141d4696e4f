#!/usr/bin/python3
"""Run an nsc network in Brian2's C++ standalone mode, built from nsc's own IR.

    /usr/bin/python3 bench/brian2_runner.py --ir IR.json --network NAME \
        --duration-ms 1000 --seed 1 --build-dir /tmp/x --out result.json

IR.json is `nsc FILE --emit=ir-json`. Population sizes, parameter values,
initial-value distributions, connection rules, weights, delays, dt and
recorders are all read from it, so Brian2 simulates the numbers written in
the .nrn file and cannot drift from them. Only the neuron equations are
restated here, in Brian2's syntax, per model name (BRIAN2_MODELS); a model
without an entry, or a network feature without a Brian2 counterpart
(per-synapse weight distributions, parameter overrides per population, ...),
stops the run with a message instead of simulating something else.

Timing uses Brian2's own mechanisms: device.timers (make, running 'main') and
device._last_run_time (the simulation loop inside 'main', written by the
binary itself). Single thread: openmp_threads = 0. The binary runs under
/usr/bin/time so its peak resident set is measured apart from Python and g++.
Run by bench/cpu_vs_brian2.py, which also measures the whole process.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

# Brian2 forms of the benchmark neurons. Names match the nsc models'
# variables, so the parameters from the IR fill the namespace directly.
# `method` is the scheme the nsc solver pass picks for the same model
# (`nsc FILE --passes=default --explain-solvers`): exact propagators for
# CUBA; for COBA exact conductances and exponential Euler for V_m, both from
# start-of-step values, which is what Brian2's exponential_euler computes.
# `(unless refractory)` freezes V_m during t_ref as the nsc models do.
BRIAN2_MODELS = {
    "cuba_neuron": {
        "equations": """
            dV_m/dt = (g_e + g_i - (V_m - E_L)) / tau_m : volt (unless refractory)
            dg_e/dt = -g_e / tau_e : volt
            dg_i/dt = -g_i / tau_i : volt
        """,
        "method": "exact",
        "threshold": "V_m > V_th",
        "reset": "V_m = V_r",
        "refractory": "t_ref",
        "ports": {"exc_spikes": "g_e", "inh_spikes": "g_i"},
    },
    "coba_neuron": {
        "equations": """
            dV_m/dt = (g_L * (E_L - V_m) + g_e * (E_e - V_m) + g_i * (E_i - V_m) + I_b) / C_m : volt (unless refractory)
            dg_e/dt = -g_e / tau_e : siemens
            dg_i/dt = -g_i / tau_i : siemens
        """,
        "method": "exponential_euler",
        "threshold": "V_m > V_th",
        "reset": "V_m = V_r",
        "refractory": "t_ref",
        "ports": {"exc_spikes": "g_e", "inh_spikes": "g_i"},
    },
}


class Unsupported(Exception):
    pass


def si_value(const):
    """An IR constant {"value", "type": {"scale", "dim"}} as (SI float, dims)."""
    if const.get("kind") != "constant":
        raise Unsupported(f"expected a constant, got an expression of kind '{const.get('kind')}'")
    t = const["type"]
    return float(const["value"]) * float(t.get("scale", 1.0)), tuple(t["dim"])


def quantity(const):
    from brian2.units.fundamentalunits import Quantity, get_or_create_dimension
    value, dims = si_value(const)
    # nsc's dimension order (m, kg, s, A, K, mol, cd) is Brian2's.
    return Quantity(value, dim=get_or_create_dimension(dims))


def find_network(ir, name):
    nets = ir.get("networks", [])
    for n in nets:
        if n["name"] == name:
            return n
    raise Unsupported(f"no network '{name}' in the IR (have: {', '.join(n['name'] for n in nets)})")


def model_namespace(model):
    """Parameters and constant state defaults of an IR model, as Quantities."""
    ns, state_defaults = {}, {}
    by_id = {v["id"]: v for v in model["variables"]}
    for v in model["variables"]:
        init = v.get("init")
        if v["role"] == "param":
            ns[v["name"]] = quantity(init)
        elif v["role"] == "state" and init is not None:
            if init["kind"] == "constant":
                state_defaults[v["name"]] = quantity(init)
            elif init["kind"] == "var" and by_id.get(init.get("var"), {}).get("role") == "param":
                state_defaults[v["name"]] = ("param", by_id[init["var"]]["name"])
    for name, val in list(state_defaults.items()):
        if isinstance(val, tuple):
            state_defaults[name] = ns[val[1]]
    return ns, state_defaults


def build_network(ir, net, duration_ms):
    """Creates the Brian2 objects for `net`; returns what main() reads back."""
    import brian2 as b2
    models = {m["name"]: m for m in ir["models"]}
    dt_ms = net["semantics"]["dt_ms"]
    b2.defaultclock.dt = dt_ms * b2.ms

    # One NeuronGroup per model, populations as contiguous subgroups (the
    # form of Brian2's own CUBA/COBA examples: one group, Pe = P[:3200]).
    groups, pops = {}, []
    sizes = {}
    for p in net["populations"]:
        if p["kind"] != "model":
            raise Unsupported(f"population '{p['name']}' is a {p['kind']}; only model populations are translated")
        sizes[p["model_name"]] = sizes.get(p["model_name"], 0) + p["size"]
    offsets = {name: 0 for name in sizes}
    for name, total in sizes.items():
        if name not in BRIAN2_MODELS:
            raise Unsupported(f"model '{name}' has no Brian2 form in BRIAN2_MODELS")
        spec = BRIAN2_MODELS[name]
        ns, state_defaults = model_namespace(models[name])
        group = b2.NeuronGroup(total, spec["equations"], threshold=spec["threshold"], reset=spec["reset"],
                               refractory=ns[spec["refractory"]], method=spec["method"], namespace=ns,
                               name=name)
        for var, value in state_defaults.items():
            if var in group.variables:
                setattr(group, var, value)
        groups[name] = group
    model_vars = {name: {v["id"]: v["name"] for v in models[name]["variables"]} for name in sizes}
    for p in net["populations"]:
        name = p["model_name"]
        off = offsets[name]
        offsets[name] += p["size"]
        sub = groups[name][off:off + p["size"]]
        pops.append({"name": p["name"], "model": name, "offset": off, "size": p["size"], "sub": sub})
        for init in p.get("inits", []):
            var = init.get("name") or model_vars[name][init["var"]]
            val = init["value"]
            if var not in groups[name].variables or groups[name].variables[var].read_only:
                raise Unsupported(f"population '{p['name']}' sets '{var}', which is not a state variable of "
                                  f"the Brian2 form of '{name}' (parameter overrides are not translated)")
            if val["kind"] == "constant":
                setattr(sub, var, quantity(val))
            elif val["kind"] == "call" and val.get("callee") == "random_uniform":
                init_lo, init_hi = (quantity(a) for a in val["args"])  # read by name in the expression below
                setattr(sub, var, "init_lo + rand() * (init_hi - init_lo)")
            else:
                raise Unsupported(f"population '{p['name']}': initial value of '{var}' is neither a constant "
                                  f"nor uniform(lo, hi)")

    def sub_of(sel):
        pop = pops[sel["population"]]
        g = groups[pop["model"]]
        return pop, pop["offset"] + sel["begin"], pop["offset"] + sel["end"], g

    # Projections that differ only in their (adjacent) target ranges become
    # one Synapses object, as in Brian2's examples (Ce: Pe -> P).
    merged = []
    for pj in net["projections"]:
        spop, s0, s1, sg = sub_of(pj["source"])
        tpop, t0, t1, tg = sub_of(pj["target"])
        if "port_name" not in pj:
            raise Unsupported("a projection without a named port")
        key = (sg.name, s0, s1, tg.name, pj["port_name"], json.dumps(pj["weight"], sort_keys=True),
               pj["delay_steps"], json.dumps(pj["connectivity"], sort_keys=True))
        rule = pj["connectivity"]["rule"]
        if merged and merged[-1]["key"] == key and merged[-1]["t1"] == t0 and rule in (
                "fixed_probability", "fixed_indegree", "all_to_all"):
            merged[-1]["t1"] = t1
            continue
        merged.append({"key": key, "pj": pj, "sg": sg, "s0": s0, "s1": s1, "tg": tg, "t0": t0, "t1": t1,
                       "model": tpop["model"]})

    synapses = []
    for m in merged:
        pj = m["pj"]
        port_var = BRIAN2_MODELS[m["model"]]["ports"].get(pj["port_name"])
        if port_var is None:
            raise Unsupported(f"port '{pj['port_name']}' of '{m['model']}' has no Brian2 variable")
        if pj["weight"].get("kind") != "constant":
            raise Unsupported("only constant weights are translated")
        syn = b2.Synapses(m["sg"][m["s0"]:m["s1"]], m["tg"][m["t0"]:m["t1"]], on_pre=f"{port_var}_post += w",
                          namespace={"w": quantity(pj["weight"])}, name=f"syn{len(synapses)}")
        conn = pj["connectivity"]
        rule = conn["rule"]
        same = m["sg"] is m["tg"] and (m["s0"], m["s1"]) == (m["t0"], m["t1"])
        if not conn.get("allow_autapses", True) and not same:
            raise Unsupported("allow_autapses = false between different ranges")
        no_self = "i != j" if (same and not conn.get("allow_autapses", True)) else None
        if rule == "fixed_probability":
            syn.connect(condition=no_self, p=conn["p"]) if no_self else syn.connect(p=conn["p"])
        elif rule in ("fixed_indegree", "fixed_outdegree"):
            # Brian2's sample(N, size=k) draws without replacement: the nsc
            # rule must forbid multapses to mean the same thing.
            if conn.get("allow_multapses", True):
                raise Unsupported(f"{rule} with multapses allowed (Brian2 samples without replacement; "
                                  "write allow_multapses = false)")
            cond = " if k != j" if no_self else ""
            if rule == "fixed_indegree":
                syn.connect(i=f"k for k in sample(N_pre, size={int(conn['k'])}){cond}")
            else:
                syn.connect(j=f"k for k in sample(N_post, size={int(conn['k'])}){cond.replace('k != j', 'k != i')}")
        elif rule == "all_to_all":
            syn.connect(condition=no_self) if no_self else syn.connect()
        elif rule == "one_to_one":
            syn.connect(j="i")
        else:
            raise Unsupported(f"connection rule '{rule}'")
        # nsc delivers a spike emitted in step k at step k + d (d >= 1, before
        # that step's update); Brian2 propagates in the step that emits, after
        # the update. So nsc's d steps are Brian2's d - 1.
        if pj["delay_steps"] > 1:
            syn.delay = (pj["delay_steps"] - 1) * dt_ms * b2.ms
        synapses.append(syn)

    # Recorders mirror the network's own `record` statements; spike counts
    # come from a recorder that covers a population, else from a count-only
    # monitor.
    monitors, counters = [], {}
    for r in net.get("recorders", []):
        pop, a, b, g = sub_of(r["target"])
        kinds = {w["kind"] for w in r["what"]}
        if kinds == {"spikes"}:
            mon = b2.SpikeMonitor(g[a:b], name=f"rec_{r['label']}")
            if (a, b) == (pop["offset"], pop["offset"] + pop["size"]):
                counters[pop["name"]] = mon
        elif kinds == {"variable"}:
            mon = b2.StateMonitor(g[a:b], [w["name"] for w in r["what"]], record=True,
                                  dt=r["interval_steps"] * dt_ms * b2.ms, name=f"rec_{r['label']}")
        else:
            raise Unsupported(f"recorder '{r['label']}' mixes spikes and variables")
        monitors.append(mon)
    for pop in pops:
        if pop["name"] not in counters:
            counters[pop["name"]] = b2.SpikeMonitor(pop["sub"], record=False, name=f"count_{pop['name']}")
    # An explicit Network: Brian2's magic run() collects only objects it
    # sees in the caller's frame.
    network = b2.Network(list(groups.values()), synapses, monitors,
                         [c for c in counters.values() if c not in monitors])
    return network, pops, synapses, counters


def compiler_version(cmd):
    try:
        return subprocess.run([cmd, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ir", required=True)
    ap.add_argument("--network", required=True)
    ap.add_argument("--duration-ms", type=float, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    t_start = time.perf_counter()
    import brian2 as b2
    t_imported = time.perf_counter()
    with open(a.ir) as f:
        ir = json.load(f)
    b2.set_device("cpp_standalone", directory=a.build_dir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    time_cmd = "/usr/bin/time"
    if os.access(time_cmd, os.X_OK):
        b2.prefs.devices.cpp_standalone.run_cmd_unix = [time_cmd, "-f", "%M", "-o", "main_maxrss_kb.txt", "./main"]
    try:
        network, pops, synapses, counters = build_network(ir, find_network(ir, a.network), a.duration_ms)
    except Unsupported as e:
        print(f"brian2_runner: cannot translate network '{a.network}': {e}", file=sys.stderr)
        return 2
    b2.seed(a.seed)
    network.run(a.duration_ms * b2.ms)
    t_defined = time.perf_counter()
    b2.device.build(directory=a.build_dir, compile=True, run=True, debug=False, with_output=False)
    t_built = time.perf_counter()

    timers = b2.device.timers
    make_s = (timers["compile"].get("clean") or 0.0) + (timers["compile"].get("make") or 0.0)
    run_binary_s = timers["run_binary"]
    sim_s = a.duration_ms / 1000.0
    rss_file = os.path.join(a.build_dir, "main_maxrss_kb.txt")
    main_rss_mb = None
    if os.path.exists(rss_file):
        with open(rss_file) as f:
            main_rss_mb = int(f.read().split()[-1]) / 1024.0
    pop_results, total_spikes, neurons = [], 0, 0
    for pop in pops:
        n_spikes = int(counters[pop["name"]].count[:].sum())
        total_spikes += n_spikes
        neurons += pop["size"]
        pop_results.append({"name": pop["name"], "size": pop["size"], "spikes": n_spikes,
                            "rate_hz": n_spikes / pop["size"] / sim_s if sim_s > 0 else 0.0})
    n_syn = int(sum(len(s) for s in synapses))
    result = {
        "seed": a.seed,
        "duration_ms": a.duration_ms,
        "neurons": neurons,
        "synapses": n_syn,
        "spikes": total_spikes,
        "rate_hz": total_spikes / neurons / sim_s if neurons and sim_s > 0 else 0.0,
        "populations": pop_results,
        "import_s": t_imported - t_start,
        # model-to-running-code: Python objects + code generation + make
        "build_s": (t_defined - t_imported) + (t_built - t_defined - run_binary_s),
        "codegen_s": (t_defined - t_imported) + (t_built - t_defined - run_binary_s - make_s),
        "compile_s": make_s,
        "run_binary_s": run_binary_s,          # 'main': synapse creation, initialisation, loop, writing results
        "run_s": b2.device._last_run_time,     # the simulation loop alone
        "run_s_per_sim_s": b2.device._last_run_time / sim_s if sim_s > 0 else None,
        "peak_rss_mb": main_rss_mb,
        "versions": {"brian2": b2.__version__, "python": platform.python_version(),
                     "compiler": compiler_version(b2.prefs.codegen.cpp.compiler or "g++"),
                     "compile_args": list(b2.prefs.codegen.cpp.extra_compile_args_gcc),
                     "make_args": list(b2.prefs.devices.cpp_standalone.extra_make_args_unix)},
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
