"""Prodigy JSONL (``spans_manual`` tasks), the training-data format spaCy users expect.

One line per document and annotator::

    {"text", "meta", "_input_hash", "_task_hash", "tokens": [{"text", "start", "end",
     "id", "ws"}], "spans": [{"start", "end", "token_start", "token_end", "label",
     "text"}], "answer", "_view_id": "spans_manual", "_annotator_id", "_session_id",
     "_timestamp"}

``token_end`` is inclusive, as in Prodigy. Hashes are signed 32-bit MurmurHash values of
the canonical JSON of the input (text) and of the task (input hash and spans), computed
the same way every time, so re-exports are stable; Prodigy recomputes its own where it
needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from murmurhash.mrmr import hash as murmur

from annotator.core.model import Document, Span
from annotator.core.project import Project
from annotator.formats.export import ExportReport, atomic_output, select_layers
from annotator.nlp import token_bounds


def input_hash(text: str) -> int:
    return murmur(orjson.dumps({"text": text}, option=orjson.OPT_SORT_KEYS).decode())


def task_hash(in_hash: int, spans: list[dict[str, Any]]) -> int:
    key = [(s["start"], s["end"], s["label"]) for s in spans]
    return murmur(orjson.dumps({"input": in_hash, "spans": key}).decode())


def _timestamp(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp()) if iso else 0


def prodigy_record(
    project: Project,
    document: Document,
    annotator: str,
    spans: list[Span],
    status: str,
    report: ExportReport,
) -> dict[str, Any]:
    """The Prodigy task for one document as annotated by one annotator."""
    doc = project.spacy_doc(document.id)
    text = document.text
    tokens = [
        {
            "text": t.text,
            "start": t.idx,
            "end": t.idx + len(t),
            "id": t.i,
            "ws": bool(t.whitespace_),
        }
        for t in doc
    ]
    out_spans = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label)):
        entry: dict[str, Any] = {"start": span.start, "end": span.end}
        bounds = token_bounds(doc, span.start, span.end)
        if bounds is None:
            report.problem(
                f"document {document.id} {span.label} [{span.start}, {span.end}) does not "
                "align to tokens: written without token_start/token_end"
            )
        else:
            entry["token_start"], entry["token_end"] = bounds
        entry["label"] = span.label
        entry["text"] = text[span.start : span.end]
        out_spans.append(entry)
    in_hash = input_hash(text)
    meta = {"title": document.title, **document.meta, "document_id": document.id}
    report.spans += len(out_spans)
    return {
        "text": text,
        "meta": meta,
        "_input_hash": in_hash,
        "_task_hash": task_hash(in_hash, out_spans),
        "tokens": tokens,
        "spans": out_spans,
        "answer": "ignore" if status == "skipped" else "accept",
        "_view_id": "spans_manual",
        "_annotator_id": annotator,
        "_session_id": annotator,
        "_timestamp": max((_timestamp(s.updated) for s in spans), default=0),
    }


def export_prodigy(
    project: Project,
    out: str | Path,
    *,
    annotators: list[str] | None = None,
    statuses: list[str] | None = None,
    labels: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Write the project as Prodigy JSONL to ``out`` (replaced atomically when complete).

    Filters: ``annotators``, document ``statuses`` and span ``labels`` (all if ``None``).
    A document is exported for an annotator who has spans in it or marked it done or
    skipped; skipped documents get ``"answer": "ignore"``.
    """
    report = ExportReport(format="prodigy", path=str(out))
    with atomic_output(out) as handle:
        for n, (document, annotator, spans, status) in enumerate(
            select_layers(project, annotators=annotators, statuses=statuses, labels=labels), 1
        ):
            record = prodigy_record(project, document, annotator, spans, status, report)
            handle.write(orjson.dumps(record) + b"\n")
            report.records += 1
            if progress is not None:
                progress(n)
    return report


def iter_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file we wrote (split on ``\\n`` only: text may hold U+2028)."""
    with open(path, "rb") as handle:
        for line in handle.read().split(b"\n"):
            if line.strip():
                yield orjson.loads(line)
