"""Prodigy JSONL: the ``spans_manual`` / ``ner_manual`` / ``rel`` task format.

Written, one line per document and annotator::

    {"text", "meta", "_input_hash", "_task_hash", "tokens": [{"text", "start", "end",
     "id", "ws"}], "spans": [{"start", "end", "token_start", "token_end", "label",
     "text"}], "relations": [{"head", "child", "head_span", "child_span", "label"}],
     "answer", "annotator_status", "_view_id": "spans_manual", "_annotator_id",
     "_session_id", "_timestamp"}

``token_end`` is inclusive, as in Prodigy; a relation's ``head`` / ``child`` are the last
token of each span. Span attributes and notes, and link attributes, ride along as extra
``attributes`` / ``note`` keys (Prodigy keeps keys it does not know). ``meta`` holds the
title, the document's metadata and its language. ``answer`` says accept (reject or
ignore when so answered, ignore for a skipped layer); ``annotator_status`` the layer's
exact status, which ``answer`` cannot (Prodigy has no "in progress"). Hashes are stable
signed 32-bit MurmurHash values of the input and the task.

Read: ``spans`` with or without tokens, ``tokens`` with or without ``ws`` (token
boundaries are recomputed: offsets are what counts), ``relations`` through
``head_span``/``child_span`` (with their ``attributes``), ``answer`` kept (reject/ignore
stay out of training exports), ``annotator_status`` when there, ``meta`` kept,
``_annotator_id`` (or ``_session_id``) as the annotator. A span listed twice in
``spans`` is stored once and counted as a duplicate.

Document categories (text classification): a binary ``textcat`` task (a top-level
``label`` and no spans) gives that category 1.0 for ``answer: accept`` and 0.0 for
``reject`` (the answer is about the category, so the layer stays training data);
a choice task gives 1.0 to each id in ``accept`` and 0.0 to the other ``options``;
``cats`` (label → score) gives its values exactly. Written back the same way: one
category of value 0 or 1 in a layer without spans as ``label`` + ``answer``, otherwise
``options`` + ``accept`` (and ``cats`` when a value lies between 0 and 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any

import orjson
from murmurhash.mrmr import hash as murmur

from annotator.core.project import Project
from annotator.files.output import atomic_output
from annotator.formats import fields
from annotator.formats.common import checked_offsets, read_json_line_records
from annotator.formats.export import ExportFilter, ExportReport, Holds, Layer, select_layers
from annotator.model.imports import CategoryIn, DocumentIn, RelationIn, SpanIn, StatusIn
from annotator.model.records import STATUSES

STATUS_OF_ANSWER = {"accept": "done", "reject": "done", "ignore": "skipped"}
STATUS_KEY = "annotator_status"
"""The layer's status as Annotator has it (new, in_progress, done, skipped): ``answer``
alone cannot say "in progress", and Prodigy keeps keys it does not know."""


def input_hash(text: str) -> int:
    return murmur(orjson.dumps({"text": text}, option=orjson.OPT_SORT_KEYS).decode())


def task_hash(in_hash: int, spans: list[dict[str, Any]]) -> int:
    key = [(s["start"], s["end"], s["label"]) for s in spans]
    return murmur(orjson.dumps({"input": in_hash, "spans": key}).decode())


def _timestamp(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp()) if iso else 0


# -- reading ----------------------------------------------------------------------------


def read_prodigy(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    yield from read_json_line_records(
        path, lambda task, where: task_to_document(task, where, messages)
    )


def task_to_document(task: Any, where: str, notes: list[str]) -> DocumentIn:
    if not isinstance(task, dict):
        raise ValueError("a Prodigy task must be a JSON object")
    text = task["text"]
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    annotator = task.get("_annotator_id") or task.get("_session_id") or None
    if annotator is not None and not isinstance(annotator, str):
        raise ValueError(f"'_annotator_id' must be a name, not {fields.shown(annotator)}")
    meta = dict(fields.obj(task.get("meta"), "'meta'"))
    title = str(meta.pop("title", "") or _title(text))
    spans: list[SpanIn] = []
    index: dict[tuple[int, int, str], int] = {}

    def add_span(raw: Any, what: str, *, again: bool = False) -> int:
        """The index of a span; ``again``: a span of ``spans`` that is listed twice is
        kept twice (the import stores it once and counts the duplicate)."""
        if not isinstance(raw, dict):
            raise ValueError(f"{what} must be an object, not {fields.shown(raw)}")
        start, end = checked_offsets(
            text,
            fields.offset(raw["start"], f"the start of {what}"),
            fields.offset(raw["end"], f"the end of {what}"),
            fields.text(raw.get("text"), f"the text of {what}") if "text" in raw else None,
            notes,
            where,
        )
        key = (start, end, fields.name(raw["label"], f"the label of {what}"))
        if key not in index or again:
            index.setdefault(key, len(spans))
            spans.append(
                SpanIn(
                    start,
                    end,
                    key[2],
                    annotator=annotator,
                    attributes=dict(fields.obj(raw.get("attributes"), f"'attributes' of {what}")),
                    note=fields.text(raw.get("note"), f"'note' of {what}"),
                )
            )
        return index[key]

    for n, raw in enumerate(fields.items(task.get("spans"), "'spans'"), 1):
        add_span(raw, f"span {n}", again=True)
    relations = []
    for n, raw in enumerate(fields.objects(task.get("relations"), "'relations'"), 1):
        what = f"relation {n}"
        relations.append(
            RelationIn(
                add_span(raw["head_span"], f"the head_span of {what}"),
                add_span(raw["child_span"], f"the child_span of {what}"),
                fields.name(raw["label"], f"the label of {what}"),
                annotator,
                dict(fields.obj(raw.get("attributes"), f"'attributes' of {what}")),
            )
        )
    answer = task.get("answer")
    if answer is not None and answer not in STATUS_OF_ANSWER:
        raise ValueError(f"unknown answer {answer!r} (accept, reject or ignore)")
    categories, answer_is_category = _categories(task, spans, annotator)
    statuses = []
    status = task.get(STATUS_KEY)
    if status is not None and status not in STATUSES:
        raise ValueError(f"{STATUS_KEY!r} must be one of {', '.join(STATUSES)}, not {status!r}")
    if answer is not None or status is not None:
        kept = None if answer_is_category and answer != "ignore" else answer
        status = status or STATUS_OF_ANSWER[answer]
        if status != "new" or kept is not None:
            statuses.append(StatusIn(annotator, status, kept))
    return DocumentIn(
        text=text,
        title=title,
        where=where,
        lang=meta.pop("lang", None),
        meta=meta,
        spans=spans,
        relations=relations,
        statuses=statuses,
        categories=categories,
    )


def _categories(
    task: dict[str, Any], spans: list[SpanIn], annotator: str | None
) -> tuple[list[CategoryIn], bool]:
    """The task's document categories, and whether its ``answer`` is about them (a
    binary textcat task) rather than about the whole layer."""
    answer = task.get("answer")
    values: dict[str, float] = {}
    binary = isinstance(task.get("label"), str) and not spans and "accept" not in task
    if binary and answer in ("accept", "reject"):
        values[task["label"]] = 1.0 if answer == "accept" else 0.0
    if isinstance(task.get("accept"), list) and answer in (None, "accept"):
        chosen = {str(x) for x in task["accept"]}
        options = [str(o["id"]) for o in task.get("options") or [] if isinstance(o, dict)]
        values.update({label: float(label in chosen) for label in options})
        values.update(dict.fromkeys(chosen, 1.0))
    cats = task.get("cats")
    if isinstance(cats, dict):
        values.update({str(label): value for label, value in cats.items()})
    categories = [CategoryIn(label, value, annotator) for label, value in values.items()]
    return categories, binary


def _title(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 60 else first[:59] + "…"


# -- writing ----------------------------------------------------------------------------


def prodigy_record(project: Project, layer: Layer, report: ExportReport) -> dict[str, Any]:
    """The Prodigy task for one document as annotated by one annotator."""
    document = layer.document
    text = document.text
    offsets = project.token_offsets(document.id, document=document)
    # Stored tokens were made by spaCy from this very text, so the gaps are right by
    # construction (no check of them here: it cost a third of the export). A token is
    # followed by white space when the next one does not start where it ends.
    following = offsets.starts[1:]
    following.append(len(text))
    tokens = [
        {"text": text[start:end], "start": start, "end": end, "id": i, "ws": end < next_start}
        for i, start, end, next_start in zip(count(), offsets.starts, offsets.ends, following)
    ]
    out_spans = []
    by_id: dict[int, dict[str, Any]] = {}
    for span in sorted(layer.spans, key=lambda s: (s.start, -s.end, s.label)):
        entry: dict[str, Any] = {"start": span.start, "end": span.end}
        bounds = offsets.token_bounds(span.start, span.end)
        if bounds is None:
            report.notes.append(
                f"document {document.id} {span.label} [{span.start}, {span.end}) does not "
                "align to tokens: written without token_start/token_end"
            )
        else:
            entry["token_start"], entry["token_end"] = bounds
        entry["label"] = span.label
        entry["text"] = text[span.start : span.end]
        if span.attributes:
            entry["attributes"] = span.attributes
        if span.note:
            entry["note"] = span.note
        out_spans.append(entry)
        by_id[span.id] = entry
    relations = []
    for relation in layer.relations:
        head, child = by_id[relation.head_id], by_id[relation.child_id]
        entry = {
            "head_span": {k: v for k, v in head.items() if k not in ("text", "attributes", "note")},
            "child_span": {
                k: v for k, v in child.items() if k not in ("text", "attributes", "note")
            },
            "label": relation.label,
        }
        if "token_end" in head and "token_end" in child:
            entry = {"head": head["token_end"], "child": child["token_end"], **entry}
        if relation.attributes:
            entry["attributes"] = relation.attributes
        relations.append(entry)
    in_hash = input_hash(text)
    meta = {"title": document.title, **document.meta, "lang": document.lang}
    report.spans += len(out_spans)
    report.relations += len(relations)
    record = {
        "text": text,
        "meta": meta,
        "_input_hash": in_hash,
        "_task_hash": task_hash(in_hash, out_spans),
        "tokens": tokens,
        "spans": out_spans,
    }
    if relations:
        record["relations"] = relations
    answer = layer.answer or ("ignore" if layer.status == "skipped" else "accept")
    view = "spans_manual"
    if layer.categories:
        answer, view = _write_categories(record, layer, answer)
    record.update(
        {
            "answer": answer,
            STATUS_KEY: layer.status,
            "_view_id": view,
            "_annotator_id": layer.annotator,
            "_session_id": layer.annotator,
            "_timestamp": max((_timestamp(s.updated) for s in layer.spans), default=0),
        }
    )
    return record


def _write_categories(record: dict[str, Any], layer: Layer, answer: str) -> tuple[str, str]:
    """Put the layer's document categories into ``record``; returns its answer and view."""
    categories = layer.categories
    whole = all(c.value in (0.0, 1.0) for c in categories)
    if len(categories) == 1 and not layer.spans and whole and answer == "accept":
        (category,) = categories
        record["label"] = category.label
        return ("accept" if category.value == 1.0 else "reject"), "classification"
    record["options"] = [{"id": c.label, "text": c.label} for c in categories]
    record["accept"] = [c.label for c in categories if c.value >= 0.5]
    if not whole:
        record["cats"] = {c.label: c.value for c in categories}
    return answer, "spans_manual" if layer.spans else "choice"


HOLDS = Holds(
    "Prodigy JSONL",
    span_attributes=True,
    span_notes=True,
    links=True,
    link_attributes=True,
    categories=True,
    statuses=True,
    document_meta=True,
)
"""What Prodigy JSONL holds; the export reports the rest."""


def export_prodigy(
    project: Project,
    out: str | Path,
    *,
    chosen: ExportFilter | None = None,
    progress=None,
) -> ExportReport:
    """Write Prodigy JSONL to ``out`` (replaced atomically when complete).

    A document is exported for each annotator who has spans in it or marked it done or
    skipped; skipped documents get ``"answer": "ignore"``.
    """
    report = ExportReport(format="prodigy", path=str(out), holds=HOLDS)
    with atomic_output(out) as handle:
        for n, layer in enumerate(select_layers(project, chosen, report, tokens=True), 1):
            handle.write(orjson.dumps(prodigy_record(project, layer, report)) + b"\n")
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
