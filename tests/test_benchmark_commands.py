"""The benchmark commands the README gives run and print their rows (on small sizes:
the figures themselves are the benchmarks' business, not the tests')."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=True, timeout=600
    )
    return done.stdout.splitlines()


@pytest.mark.slow
def test_attribution_speed_prints_the_floor_and_the_cost_per_kb():
    lines = _run(str(BENCHMARKS / "attribution.py"), "--speed", "--articles", "10", "--runs", "1")
    assert lines[0].startswith("10 articles of 5 KB:") and "ratio" in lines[0]
    assert [line.split(":")[0] for line in lines[1:4]] == [
        "articles of 5 KB",
        "articles of 20 KB",
        "articles of 80 KB",
    ]
    assert lines[4].startswith("peak memory of the process:")


@pytest.mark.slow
def test_scale_prints_import_and_merge_next_to_their_floors():
    lines = _run(str(BENCHMARKS / "scale.py"), "--sizes", "20")
    assert [line.split()[0] for line in lines] == ["import", "merge"]
    assert all("floor" in line and "ms/doc" in line for line in lines)
