"""The figures of `make bench`, gathered into one table printed at the end of the run.

Each benchmark prints its own details and records its headline figures here with `record`: the figure,
what was measured, the target, and whether it was met. Time targets are reported, never asserted (a
shared 2-core machine is noisy); what a benchmark asserts is ratios, query counts and lost updates, and
those rows are recorded before the assertion so that a failed one still shows in the table.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
RUNS = 3  # medians are of this many runs


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str
    target: str
    met: bool


ROWS: list[Row] = []


def record(figure: str, measured: str, target: str, met: bool) -> bool:
    """Add one row to the summary table; returns `met`, so a ratio can be asserted on the same line."""
    ROWS.append(Row(figure, measured, target, bool(met)))
    return bool(met)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """(wall seconds, result) of one call."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_of(fn: Callable[[], T], runs: int = RUNS, *, label: str = "") -> tuple[float, list[float], T]:
    """Run `fn` `runs` times: (median seconds, every run's seconds, the last result). Prints the runs."""
    seconds: list[float] = []
    result: T
    for _ in range(runs):
        elapsed, result = timed(fn)
        seconds.append(elapsed)
    median = statistics.median(seconds)
    if label:
        print(f"{label}: median {median:.3f}s of {', '.join(f'{s:.3f}' for s in seconds)}", flush=True)
    return median, seconds, result


def table() -> str:
    if not ROWS:
        return ""
    headers = ("figure", "measured", "target", "")
    cells = [(r.figure, r.measured, r.target, "met" if r.met else "NOT MET") for r in ROWS]
    widths = [max(_width(c[i]) for c in [headers, *cells]) for i in range(4)]
    lines = [" | ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) for row in cells]
    met = sum(r.met for r in ROWS)
    lines.append(f"{met} of {len(ROWS)} met; {load_average()} at the end")
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
