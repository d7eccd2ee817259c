"""Helpers shared by the benchmark scripts: timing children and printing ratios."""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

_BYTECODE = tempfile.mkdtemp(prefix="annotator-bench-pyc-")
atexit.register(shutil.rmtree, _BYTECODE, ignore_errors=True)


def child_env() -> dict[str, str]:
    """The environment of a timed child: as a user's, with compiled modules kept.

    An installed wheel has its modules compiled once at install; a shell with
    ``PYTHONDONTWRITEBYTECODE`` set (as many containers and CI images have) would make
    every child compile every module it imports again, a cost no user pays. So children
    keep their bytecode in a folder of this run (``PYTHONPYCACHEPREFIX``), out of the
    source tree, and the warm-up run fills it."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _BYTECODE
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


def paired_medians(measured, floor, runs: int) -> tuple[float, float]:
    """Medians of ``runs`` calls of each, interleaved (measured, floor, measured, …), so
    both see the machine in the same state."""
    pairs = [(measured(), floor()) for _ in range(runs)]
    return statistics.median(m for m, _ in pairs), statistics.median(f for _, f in pairs)


def time_command(*argv: str) -> float:
    """Seconds from spawning ``argv`` to its exit (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, env=child_env())
    return time.perf_counter() - start


def report(name: str, measured: float, floor: float, floor_name: str, unit: str = "s") -> str:
    line = (
        f"{name:<42} {measured:8.3f} {unit}   floor ({floor_name}) {floor:8.3f} {unit}"
        f"   ratio {measured / floor:5.2f}x"
    )
    print(line, flush=True)
    return line


class NewsText:
    """Generated article text: sentences of the sample article mixed with sentences of
    words drawn from a Zipf-distributed 20,000-word vocabulary, as in real text. Articles
    share some sentences (as wire copy does) without being near-duplicates of each other.
    """

    def __init__(self, rng):
        from annotator.core.samples import sample_text

        self.rng = rng
        text = sample_text().replace("\n", " ")
        self.sentences = [s.strip() + "." for s in text.split(". ") if s.strip()]
        syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "de", "pa", "gu", "he"]
        words = {
            "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(40_000)
        }
        self.vocabulary = sorted(words)[:20_000]
        rng.shuffle(self.vocabulary)
        self.weights = [1 / (rank + 1) for rank in range(len(self.vocabulary))]

    def sample_sentence(self) -> str:
        return self.rng.choice(self.sentences)

    def filler(self, words: int) -> str:
        drawn = self.rng.choices(self.vocabulary, self.weights, k=words)
        return " ".join(
            " ".join(drawn[k : k + 15]).capitalize() + "." for k in range(0, len(drawn), 15)
        )

    def article(self, length: int, sample_every: int = 3) -> str:
        """About ``length`` characters: every ``sample_every``-th sentence from the sample."""
        parts, size = [], 0
        while size < length:
            part = self.sample_sentence() if len(parts) % sample_every == 0 else self.filler(15)
            parts.append(part)
            size += len(part) + 1
        return " ".join(parts)[:length]
