"""CUBA's raster: run examples/cuba.nrn for 1 s, save cuba_raster.png."""
import pathlib

import matplotlib.pyplot as plt

import nsc

# The model file sits one folder above this script (examples/).
module = nsc.compile(pathlib.Path(__file__).resolve().parent.parent / "cuba.nrn")
sim = module.network("cuba")
sim.run("1 s")

fig, ax = plt.subplots(figsize=(8, 4))
offset = 0
for population, (times, indices) in sim.spikes().items():
    ax.scatter(times, indices + offset, s=0.5, label=f"{population} ({len(times)} spikes)")
    offset += sim.population_info(population).size
ax.set_xlabel("time (ms)")
ax.set_ylabel("neuron")
ax.set_xlim(0, sim.t)
ax.legend(loc="upper right", markerscale=10)
fig.savefig("cuba_raster.png", dpi=100)
print(f"{sim.stats()['spikes']} spikes, cuba_raster.png written")
