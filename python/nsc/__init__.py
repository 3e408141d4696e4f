"""nsc: compile spiking neural network models and simulate them from Python.

    import nsc
    module = nsc.compile("examples/cuba.nrn")
    sim = module.network("cuba")
    sim.run("1 s")                    # or sim.run(1 * nsc.s): times are ms
    times, indices = sim.spikes("exc")

See docs/python.md. Built with pybind11 over libnsc (docs/embedding.md).
"""

from ._nsc import (ArgumentError, CompileError, Diagnostic, Error, PopulationInfo,
                   SimulationError, VariableInfo, version)
from ._module import Module, compile, targets
from ._session import FrameResult, Session
from ._simulation import Simulation
from ._units import ms, s, us
from ._verify import verify

__version__ = version()

__all__ = [
    "ArgumentError", "CompileError", "Diagnostic", "Error", "FrameResult", "Module", "PopulationInfo",
    "Session", "Simulation", "SimulationError", "VariableInfo", "compile", "ms", "s", "targets", "us",
    "verify", "version",
]
