"""nsc.verify: the command-line tool's `nsc verify`, its JSON report as a dict."""

import json
import os
import shutil
import subprocess

from . import _nsc, _units


def nsc_executable():
    """The `nsc` command-line tool: $NSC_EXECUTABLE, else the build tree's
    (build/tools/nsc/nsc beside build/python/nsc), else `nsc` on PATH."""
    explicit = os.environ.get("NSC_EXECUTABLE")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise _error(f"NSC_EXECUTABLE={explicit} is not an executable file")
        return explicit
    package = os.path.dirname(os.path.abspath(__file__))
    in_build_tree = os.path.join(package, "..", "..", "tools", "nsc", "nsc")
    if os.access(in_build_tree, os.X_OK):
        return os.path.normpath(in_build_tree)
    on_path = shutil.which("nsc")
    if on_path:
        return on_path
    raise _error("cannot find the nsc command-line tool: set NSC_EXECUTABLE, or put nsc on PATH")


def _error(message):
    error = _nsc.Error(message)
    error.diagnostics = []
    return error


def _option(name, value):
    """`--name=value` for an option of `nsc verify` ("--name" for True)."""
    flag = "--" + name.replace("_", "-")
    if value is True:
        return [flag]
    if value is False or value is None:
        raise ValueError(f"verify option {name}={value!r}: pass the options to set, with a value or True")
    if isinstance(value, (list, tuple)):
        return [f"{flag}={v}" for v in value]
    return [f"{flag}={value}"]


def verify(path, targets=("cpu", "interp"), run="1 s", **options):
    """Runs `nsc verify PATH --targets=... --run=... -o -` and returns its
    JSON report as a dict. Further keyword options become command-line
    options (network="cuba" -> --network=cuba; a list repeats the option,
    param=["C_m=250pF", "tau_m=10ms"] -> --param=C_m=250pF --param=tau_m=10ms;
    True is a flag). Raises nsc.Error with the tool's stderr when it fails."""
    duration = _units.duration_ms(run)
    command = [nsc_executable(), "verify", os.fspath(path),
               "--targets=" + (targets if isinstance(targets, str) else ",".join(targets)),
               f"--run={duration!r}ms", "-o", "-"]
    for name, value in options.items():
        command += _option(name, value)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise _error(f"nsc verify failed (exit status {done.returncode}):\n{done.stderr}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as bad:
        raise _error(f"nsc verify wrote no JSON report on stdout ({bad}):\n{done.stdout[:500]}") from bad
