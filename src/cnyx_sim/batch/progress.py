"""Progress on stderr: a bar with runs done, runs/s and time left, and one final line.

On a terminal the bar redraws in place; otherwise (logs, CI, pipes) only the final line is printed.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 28


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Progress:
    """Counts runs of a batch; ``already_done`` are runs finished before a ``--resume``."""

    def __init__(self, total: int, already_done: int = 0, stream: TextIO | None = None,
                 enabled: bool = True, label: str = "batch", bar: bool = True) -> None:
        self.total, self.done_before = total, already_done
        self.done_now = self.failed = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.label = label
        self.interactive = enabled and bar and bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._last_draw = 0.0

    @property
    def done(self) -> int:
        return self.done_before + self.done_now

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.done_now / elapsed if elapsed > 0 else 0.0

    def update(self, runs: int, failed: int = 0) -> None:
        self.done_now += runs
        self.failed += failed
        now = time.perf_counter()
        if self.interactive and (now - self._last_draw > 0.1 or self.done >= self.total):
            self._last_draw = now
            self.stream.write("\r" + self.bar_line())
            self.stream.flush()

    def bar_line(self) -> str:
        fraction = self.done / self.total if self.total else 1.0
        filled = int(round(BAR_WIDTH * fraction))
        rate = self.rate()
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        eta = _duration(left) if left == left else "?"
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.done}/{self.total} runs"
                f"{failed}, {rate:.1f} runs/s, {eta} left ")

    def final_line(self, extra: str = "") -> str:
        elapsed = time.perf_counter() - self.started
        resumed = f" ({self.done_before} done before resume)" if self.done_before else ""
        return (f"{self.label}: {self.done}/{self.total} runs done{resumed}, {self.failed} failed, "
                f"{self.done_now} ran in {elapsed:.1f}s ({self.rate():.1f} runs/s){extra}")

    def close(self, extra: str = "") -> None:
        if not self.enabled:
            return
        if self.interactive:
            self.stream.write("\r" + " " * (BAR_WIDTH + 80) + "\r")
        self.stream.write(self.final_line(extra) + "\n")
        self.stream.flush()
