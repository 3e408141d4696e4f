"""Save a running simulation and continue it later, bit for bit.

Runs a recurrent network with STDP driven by Poisson noise for 200 ms,
saves a checkpoint, and runs on to 400 ms. A fresh simulation —
as another process would build it after a crash — restores the checkpoint
and runs the same last 200 ms: its spikes and STDP weights are identical.
See docs/checkpoints.md; the command line does the same with
`--checkpoint=FILE --checkpoint-every=100ms` and `--resume=FILE`.

    PYTHONPATH=build/python python3 examples/python/checkpoint_resume.py
"""
import os
import sys
import tempfile

import numpy as np

import nsc

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SOURCE = """
import iaf_psc_exp
import stdp_synapse

semantics:
    seed = 1

network active:
    noise = poisson_generator[200](rate = 50 Hz)
    exc = iaf_psc_exp[200](V_m = uniform(-70 mV, -55 mV))
    connect noise -> exc: fixed_indegree(20), weight = 200 pA, port = exc_spikes
    connect ee: exc -> exc: fixed_indegree(20), synapse = stdp_synapse(w = 40, w_max = 100, lambda = 0.02, d = 1.5 ms), port = exc_spikes
    record V_m from exc[0:5] every 1 ms as vm
"""
module = nsc.compile(SOURCE, target="cpu", include_dirs=[EXAMPLES])

original = module.network()
original.run("200 ms")
path = os.path.join(tempfile.mkdtemp(), "run.ckpt")
original.save_checkpoint(path)
original.run("200 ms")

resumed = module.network()  # a new simulation at t = 0 ...
resumed.restore_checkpoint(path)  # ... now at t = 200 ms, with the spikes so far
resumed.run("200 ms")

same_spikes = all(np.array_equal(a, b) for population in original.populations
                  for a, b in zip(original.spikes(population), resumed.spikes(population)))
weights = original.synapses("ee", "w")[2]
same_weights = np.array_equal(weights, resumed.synapses("ee", "w")[2])
same_traces = np.array_equal(original.trace("vm")[1], resumed.trace("vm")[1])
print(f"checkpoint of {os.path.getsize(path)} bytes at t = 200 ms; after 400 ms: "
      f"{original.stats()['spikes']} spikes, {np.count_nonzero(weights != 40)} of {weights.size} weights changed; "
      f"resumed run identical: spikes {same_spikes}, weights {same_weights}, V_m traces {same_traces}")
sys.exit(0 if same_spikes and same_weights and same_traces else 1)
