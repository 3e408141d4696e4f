"""A tqdm-style progress bar for long runs, without the tqdm dependency.

The bar appears only after a run has taken one second of wall time, so
short runs print nothing, and only when stderr is a terminal (unless asked
for explicitly), so logs and pipes stay clean.
"""

import sys
import time

_DELAY_S = 1.0
_WIDTH = 30


class ProgressBar:
    """Reports `done` of `total` steps; `enabled` None means "when stderr is
    a terminal"."""

    def __init__(self, total, dt_ms, enabled=None, stream=None):
        self._stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self._stream, "isatty", lambda: False)())
        self._enabled = enabled
        self._total = total
        self._dt_ms = dt_ms
        self._start = time.monotonic()
        self._shown = False

    def update(self, done):
        if not self._enabled:
            return
        elapsed = time.monotonic() - self._start
        if elapsed < _DELAY_S:
            return
        fraction = done / self._total if self._total else 1.0
        filled = int(round(fraction * _WIDTH))
        rate = done / elapsed if elapsed > 0 else 0.0
        remaining = (self._total - done) / rate if rate > 0 else 0.0
        simulated = done * self._dt_ms
        line = (f"\r{fraction * 100:3.0f}%|{'█' * filled}{' ' * (_WIDTH - filled)}| "
                f"{simulated:.1f}/{self._total * self._dt_ms:.1f} ms "
                f"[{_clock(elapsed)}<{_clock(remaining)}, {rate:.0f} steps/s]")
        self._stream.write(line)
        self._stream.flush()
        self._shown = True

    def close(self):
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()


def _clock(seconds):
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:02d}:{seconds:02d}"
