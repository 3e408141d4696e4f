"""Time units and the parsing of durations.

nsc measures time in milliseconds, the unit of its models' `dt` and of the
C++ API: ``nsc.ms == 1.0``, ``nsc.s == 1000.0``, ``nsc.us == 0.001``, so
``2 * nsc.s`` is 2000.0 ms.
"""

import math
import numbers
import re

ms = 1.0
s = 1000.0
us = 0.001

_UNITS = {"ms": ms, "s": s, "us": us}
_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-z]*)\s*$")


def duration_ms(duration):
    """A duration in ms from a number (ms) or a string: "1 s", "250ms",
    "100" (ms), "20 us". Raises ValueError for anything else, including
    negative or non-finite durations."""
    if isinstance(duration, str):
        match = _DURATION.match(duration)
        if not match or match.group(2) not in _UNITS and match.group(2) != "":
            raise ValueError(
                f"invalid duration {duration!r}: expected a non-negative number "
                f"with an optional unit ({', '.join(_UNITS)}), e.g. '1 s' or '250ms'")
        value = float(match.group(1)) * _UNITS.get(match.group(2) or "ms")
    elif isinstance(duration, numbers.Real) and not isinstance(duration, bool):
        value = float(duration)
    else:
        raise TypeError(f"a duration is a number of ms or a string such as '1 s', "
                        f"not {type(duration).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"invalid duration {duration!r}: it must be finite and non-negative")
    return value


def steps_of(duration, dt_ms):
    """The number of steps a run of `duration` ms takes: round(duration / dt),
    ties away from zero, as the C++ runtime rounds (docs/semantics.md R3)."""
    quotient = duration / dt_ms
    steps = math.floor(quotient)
    if quotient - steps >= 0.5:
        steps += 1
    return int(steps)
