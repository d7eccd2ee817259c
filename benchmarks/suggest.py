"""Suggestion throughput of ``annotator suggest`` next to the bare ``nlp.pipe``.

A project of generated short news documents (``tests/nlp/planted.py``) gets a span
categorizer trained on 300 of them (150 steps, not timed). Then, on 2,000 other
documents:

- model: ``run_suggestions(model=...)`` (Docs from the stored tokens, ``nlp.pipe`` in
  batches, reading spans and scores, storing suggestions and uncertainties) next to
  ``nlp.pipe`` of the same pipeline over the same texts, results discarded;
- patterns: ``run_suggestions(patterns=True)`` with the shipped patterns next to
  ``nlp.pipe`` of a pipeline holding only the same ``SpanRuler``.

Throughput in documents per second; the ratio is floor speed / measured speed.

Run: ``python benchmarks/suggest.py [--documents 2000]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    args = parser.parse_args()

    from annotator.core.project import Project
    from annotator.services.model import ModelSuggester, load_pipeline
    from annotator.services.suggest import run_suggestions
    from annotator.services.training import train_spancat
    from tests.nlp.planted import planted_project

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Project.open(folder / "train.db", annotator="alice") as project:
            planted_project(project, 300)
            train_spancat(project, folder / "model", max_steps=150)
        with Project.open(folder / "bench.db", annotator="alice") as project:
            planted_project(project, args.documents, seed=77)
            project.set_annotator("bench")  # an empty layer: nothing is annotated yet
            ids = [d.id for d in project.documents()]
            texts = [project.text_and_lang(i)[0] for i in ids]
            for i in ids:  # tokens are stored at import; warm the caches both sides use
                project.token_offsets(i)

            nlp = load_pipeline(folder / "model")
            started = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=64):
                pass
            floor = time.perf_counter() - started
            suggester = ModelSuggester(nlp, "model")
            started = time.perf_counter()
            run_suggestions(
                project, document_ids=ids, model=suggester, patterns=False, actors=False
            )
            measured = time.perf_counter() - started
            lines.append(_line("model (spancat)", args.documents, measured, floor))

            ruler = project.pattern_matcher("en").nlp
            started = time.perf_counter()
            for _ in ruler.pipe(texts, batch_size=64):
                pass
            floor = time.perf_counter() - started
            started = time.perf_counter()
            run_suggestions(project, document_ids=ids, patterns=True, actors=False)
            measured = time.perf_counter() - started
            lines.append(_line("patterns (SpanRuler)", args.documents, measured, floor))
    return lines


def _line(name: str, documents: int, measured: float, floor: float) -> str:
    line = (
        f"suggest with {name:<22} {documents / measured:8.0f} docs/s   "
        f"floor (bare nlp.pipe) {documents / floor:8.0f} docs/s   ratio {measured / floor:5.2f}x"
    )
    print(line, flush=True)
    return line


if __name__ == "__main__":
    main()
