"""Helpers shared by the benchmark scripts: timing children and printing ratios."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def time_child(code: str, *args: str) -> float:
    """Seconds from spawning ``python -c code`` to the wall-clock time the child prints."""
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    ).stdout
    return float(out.strip().splitlines()[-1]) - start


def median_of(fn, runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def report(name: str, measured: float, floor: float, floor_name: str, unit: str = "s") -> str:
    line = (
        f"{name:<42} {measured:8.3f} {unit}   floor ({floor_name}) {floor:8.3f} {unit}"
        f"   ratio {measured / floor:5.2f}x"
    )
    print(line, flush=True)
    return line
