"""Annotator's own JSON lines: everything a project stores, for backups and merging.

The first line is a header with the schema::

    {"format": "annotator-native", "version": 1, "schema": {"labels": [...],
     "relations": [...]}}

then one line per document::

    {"title", "text", "sha256", "lang", "meta", "note", "created",
     "statuses": [{"annotator", "status", "answer", "updated"}],
     "spans": [{"start", "end", "label", "annotator", "origin", "attributes", "note",
                "created", "updated", "text"}],
     "relations": [{"head", "child", "label", "annotator", "attributes", "created",
                    "updated"}],
     "suggestions": [{"start", "end", "label", "source", "score", "status"}],
     "categories": [{"annotator", "label", "value", "updated"}]}

``head`` and ``child`` index ``spans``. ``categories`` (document categories, text
classification) is optional on import: files written before it existed have none.
Keys are sorted and lists in a fixed order, so exporting, importing into an empty
project and exporting again gives the same bytes.
The change history (events) is not included: it refers to database row ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.ingest import (
    CategoryIn,
    DocumentIn,
    RelationIn,
    SchemaIn,
    SpanIn,
    StatusIn,
    SuggestionIn,
)
from annotator.core.project import Project
from annotator.formats.common import Malformed, read_json_lines, record_error
from annotator.formats.export import ExportFilter, ExportReport, atomic_output
from annotator.store import queries

FORMAT = "annotator-native"
VERSION = 1


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS) + b"\n"


def schema_header(project: Project) -> dict[str, Any]:
    schema = project.schema
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": {
            "labels": [label.to_dict() for label in schema.labels],
            "relations": [relation.to_dict() for relation in schema.relations],
        },
    }


def export_native(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    """Write every document with every annotation layer (filtered by ``chosen``)."""
    chosen = chosen or ExportFilter(include_rejected=True)
    report = ExportReport(format="native", path=str(out))
    with atomic_output(out) as handle:
        handle.write(_dumps(schema_header(project)))
        for document, stored in queries.iter_annotated_documents(project.db):
            record = document_record(project, document, chosen, stored)
            report.spans += len(record["spans"])
            report.relations += len(record["relations"])
            handle.write(_dumps(record))
            report.records += 1
            if progress is not None:
                progress(report.records)
    return report


def _wanted(chosen: ExportFilter, annotator: str) -> bool:
    return chosen.annotators is None or annotator in chosen.annotators


def document_record(
    project: Project, document, chosen: ExportFilter, stored: queries.Annotations
) -> dict[str, Any]:
    """One document as a native record, from its ``stored`` annotations as
    :func:`queries.iter_annotated_documents` reads them."""
    db = project.db
    all_spans, all_relations, status_rows = stored
    spans = [
        s
        for s in all_spans
        if _wanted(chosen, s.annotator) and (chosen.labels is None or s.label in chosen.labels)
    ]
    spans.sort(key=lambda s: (s.start, -s.end, s.label, s.annotator))
    ref = {span.id: n for n, span in enumerate(spans)}
    relations = [
        {
            "head": ref[r.head_id],
            "child": ref[r.child_id],
            "label": r.label,
            "annotator": r.annotator,
            "attributes": r.attributes,
            "created": r.created,
            "updated": r.updated,
        }
        for r in all_relations
        if r.head_id in ref and r.child_id in ref and _wanted(chosen, r.annotator)
    ]
    relations.sort(key=lambda r: (r["head"], r["child"], r["label"], r["annotator"]))
    return {
        "title": document.title,
        "text": document.text,
        "sha256": document.text_sha256,
        "lang": document.lang,
        "meta": document.meta,
        "note": document.note,
        "created": document.created,
        "statuses": [
            {k: row[k] for k in ("annotator", "status", "answer", "updated")}
            for row in status_rows
            if _wanted(chosen, row["annotator"])
        ],
        "spans": [
            {
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "annotator": s.annotator,
                "origin": s.origin,
                "attributes": s.attributes,
                "note": s.note,
                "created": s.created,
                "updated": s.updated,
                "text": document.text[s.start : s.end],
            }
            for s in spans
        ],
        "relations": relations,
        "suggestions": [
            {k: row[k] for k in ("start", "end", "label", "source", "score", "status")}
            for row in queries.suggestions_of(db, document.id)
        ],
        "categories": [
            {"annotator": c.annotator, "label": c.label, "value": c.value, "updated": c.updated}
            for c in queries.categories_of(db, document.id)
            if _wanted(chosen, c.annotator)
        ],
    }


def read_native(path: Path, messages: list[str], schema: SchemaIn) -> Iterator[DocumentIn]:
    """Documents of a native export; the header's schema is added to ``schema``."""
    for line, value in read_json_lines(path):
        where = f"{path}:{line}"
        if isinstance(value, Malformed):
            yield DocumentIn.invalid(where, value.reason)
            continue
        if isinstance(value, dict) and value.get("format") == FORMAT:
            if value.get("version", 0) > VERSION:
                yield DocumentIn.invalid(
                    where,
                    "written by a newer Annotator (version "
                    f"{value['version']}); upgrade to import it",
                )
                return
            schema.labels.extend(value.get("schema", {}).get("labels", []))
            schema.relations.extend(value.get("schema", {}).get("relations", []))
            continue
        try:
            yield record_to_document(value, where)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            yield DocumentIn.invalid(where, record_error(exc))


def record_to_document(record: dict[str, Any], where: str) -> DocumentIn:
    text = record["text"]
    spans = []
    for s in record.get("spans", []):
        if "text" in s and text[s["start"] : s["end"]] != s["text"]:
            raise ValueError(
                f"span [{s['start']}, {s['end']}) says {s['text']!r} but the text "
                f"there is {text[s['start'] : s['end']]!r}"
            )
        spans.append(
            SpanIn(
                s["start"],
                s["end"],
                s["label"],
                s["annotator"],
                s.get("origin", "imported"),
                s.get("attributes") or {},
                s.get("note", ""),
                s.get("created"),
                s.get("updated"),
            )
        )
    relations = [
        RelationIn(
            r["head"],
            r["child"],
            r["label"],
            r["annotator"],
            r.get("attributes") or {},
            r.get("created"),
            r.get("updated"),
        )
        for r in record.get("relations", [])
    ]
    statuses = [
        StatusIn(s["annotator"], s["status"], s.get("answer"), s.get("updated"))
        for s in record.get("statuses", [])
    ]
    suggestions = [
        SuggestionIn(
            s["start"], s["end"], s["label"], s["source"], s.get("score"), s.get("status", "open")
        )
        for s in record.get("suggestions", [])
    ]
    categories = [
        CategoryIn(c["label"], c["value"], c["annotator"], c.get("updated"))
        for c in record.get("categories", [])
    ]
    return DocumentIn(
        text=text,
        title=record.get("title", ""),
        where=where,
        lang=record.get("lang"),
        meta=dict(record.get("meta") or {}),
        note=record.get("note", ""),
        created=record.get("created"),
        spans=spans,
        relations=relations,
        statuses=statuses,
        suggestions=suggestions,
        categories=categories,
    )
