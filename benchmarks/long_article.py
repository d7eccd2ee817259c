"""A 5 MB article with 50,000 overlapping spans: open, scroll, add a span by keyboard.

Each figure is measured on the real window twice in one run: on the article with its
50,000 spans, and on the same text with no spans (the floor: what Qt and the app cost
without highlights). The ratio shows what the spans cost. Opening is timed in
``--opens`` interleaved pairs (median of each side); scrolling over 100 pages and adding
a span (median of ``--adds``) once per side.

Run: ``python benchmarks/long_article.py [--size-mb 5] [--spans 50000]``
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import report


def make_text(size: int, seed: int = 7) -> str:
    """News-like paragraphs (one per line) built from the sample article's sentences."""
    from annotator.core.samples import sample_text

    rng = random.Random(seed)
    sentences = [s.strip() for s in sample_text().replace("\n", " ").split(". ") if s.strip()]
    paragraphs, total = [], 0
    while total < size:
        paragraph = ". ".join(rng.sample(sentences, 3)) + "."
        paragraphs.append(paragraph)
        total += len(paragraph) + 1
    return "\n".join(paragraphs)


def plant_spans(text: str, count: int, seed: int = 7) -> list:
    """Overlapping spans on token boundaries: sentence claims with hedges, sources, actors."""
    from annotator.model.imports import SpanIn
    from annotator.text import tokenize

    rng = random.Random(seed)
    offsets = tokenize(text)
    starts, ends = offsets.starts, offsets.ends
    spans, seen = [], set()
    labels = ["claim", "source", "actor", "hedge"]
    while len(spans) < count:
        first = rng.randrange(len(starts) - 30)
        length = rng.choice([1, 1, 2, 3, 8, 20])
        start, end = starts[first], ends[first + length - 1]
        label = rng.choice(labels)
        if (start, end, label) in seen or "\n" in text[start:end]:
            continue
        seen.add((start, end, label))
        spans.append(SpanIn(start, end, label, annotator="bench"))
    return spans


def build(path: Path, text: str, spans: list) -> None:
    from annotator.core.ingest import import_documents
    from annotator.core.project import Project
    from annotator.core.samples import ensure_sample
    from annotator.model.imports import DocumentIn

    with Project.open(path, annotator="bench") as project:
        project.set_project_value("sample_offered", "1")
        import_documents(project, [DocumentIn(text=text, title="long", where="bench", spans=spans)])
        ensure_sample(project)


def open_once(path: Path):
    """Open the window on ``path`` until the article is painted: ``(seconds, window)``."""
    from PySide6.QtWidgets import QApplication

    from annotator.gui import open_window

    app = QApplication.instance() or QApplication([])
    started = time.perf_counter()
    window = open_window(path, "bench")
    window.resize(1360, 820)
    window.view.viewport().repaint()
    app.processEvents()
    return time.perf_counter() - started, window


def close(window) -> None:
    """Close and free the window before the next timing (not inside it)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.close()
    window.project.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def measure(path: Path, text: str, adds: int) -> dict[str, float]:
    """Scrolling and adding a span, on a window opened for them (opening is timed apart,
    in interleaved pairs)."""
    _, window = open_once(path)

    bar = window.view.verticalScrollBar()
    pages = 100
    started = time.perf_counter()
    for n in range(pages):
        bar.setValue(int(bar.maximum() * n / pages))
        window.view.viewport().repaint()
    scrolled = (time.perf_counter() - started) / pages

    rng = random.Random(3)
    timings = []
    for _ in range(adds):
        start = text.find(" probably ", rng.randrange(len(text) - 1000)) + 1
        bar.setValue(0)
        window.view.select(start + 1, start + 4)  # inside the word: snaps to "probably"
        t = time.perf_counter()
        window.annotate.apply_label("hedge")
        window.view.viewport().repaint()
        timings.append(time.perf_counter() - t)
    close(window)
    return {"scroll": scrolled, "add": statistics.median(timings[1:])}


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--spans", type=int, default=50_000)
    parser.add_argument("--adds", type=int, default=21)
    parser.add_argument("--opens", type=int, default=7)
    args = parser.parse_args()
    text = make_text(int(args.size_mb * 1_000_000))
    with tempfile.TemporaryDirectory() as tmp:
        spans_db, empty_db = Path(tmp) / "spans.db", Path(tmp) / "empty.db"
        build(spans_db, text, plant_spans(text, args.spans))
        build(empty_db, text, [])
        measure(empty_db, text, 3)  # warm up spaCy and the page cache
        floor = measure(empty_db, text, args.adds)
        with_spans = measure(spans_db, text, args.adds)
        opens: dict[Path, list[float]] = {empty_db: [], spans_db: []}
        for _ in range(args.opens):
            for path in (empty_db, spans_db):
                seconds, window = open_once(path)
                opens[path].append(seconds)
                close(window)
        floor["open"] = statistics.median(opens[empty_db])
        with_spans["open"] = statistics.median(opens[spans_db])
    mb = len(text.encode()) / 1e6
    name = f"{mb:.1f} MB, {args.spans:,} spans"
    return [
        report(f"open article ({name})", with_spans["open"], floor["open"], "no spans"),
        report(
            f"scroll one page ({name})",
            with_spans["scroll"] * 1000,
            floor["scroll"] * 1000,
            "no spans",
            "ms",
        ),
        report(
            f"add a span by keyboard ({name})",
            with_spans["add"] * 1000,
            floor["add"] * 1000,
            "no spans",
            "ms",
        ),
    ]


if __name__ == "__main__":
    main()
