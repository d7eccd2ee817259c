"""Annotator's own JSON lines: everything a project stores, for backups and merging.

Every table of user data (``annotator.store.inventory``) is carried. The first line is a
header with the schema and what belongs to the whole project::

    {"format": "annotator-native", "version": 2,
     "schema": {"labels": [{..., "position"}], "relations": [{..., "position"}]},
     "settings": {"default_lang", "claim_statuses", "publisher", ...},
     "annotators": [{"name", "created"}],
     "patterns": [{"label", "pattern", "pattern_set", "ident", "enabled", "annotator",
                   "created"}]}

then one line per document::

    {"title", "text", "sha256", "lang", "meta", "note", "created",
     "statuses": [{"annotator", "status", "answer", "updated"}],
     "spans": [{"start", "end", "label", "annotator", "origin", "attributes", "note",
                "created", "updated", "text",
                "claim": {"status", "normalized", "verdict", "rating", "assignee",
                          "updated"},                      (claims with a record)
                "evidence": [{"location", "quote", "stance", "retrieved",
                              "annotator", "created"}]}],  (claims with evidence)
     "relations": [{"head", "child", "label", "annotator", "attributes", "created",
                    "updated"}],
     "suggestions": [{"start", "end", "label", "source", "score", "status",
                      "created"}],
     "suggested_relations": [{"head", "child", "label", "source", "attributes",
                              "status", "created"}],
     "categories": [{"annotator", "label", "value", "updated"}]}

then the claim matches and the change history, one line each::

    {"claim_match": {"main", "other", "similarity", "state", "annotator", "updated"}}
    {"event": {"origin", "origin_id", "at", "annotator", "op", "description",
               "document_id", "rows"}}

``head`` and ``child`` index ``spans`` (``suggestions`` for suggested relations).
Matches and events name rows by their natural keys instead of ids (a span is
``[sha256, annotator, label, start, end]``; see
``annotator.store.portable``), so the history survives import and merge. Imports and
merges are recorded where they happen and are not carried (``LOCAL_EVENT_OPS``). Keys are
sorted and lists in a fixed order, so exporting, importing into an empty project and
exporting again gives the same bytes. Version 1 files (without the project-wide parts,
claims, matches and history) still import.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.project import Project
from annotator.files.output import atomic_output
from annotator.formats import fields
from annotator.formats.common import Malformed, read_json_lines, record_error
from annotator.formats.export import ExportFilter, ExportReport
from annotator.model.errors import ValidationError
from annotator.model.imports import (
    CategoryIn,
    DocumentIn,
    RelationIn,
    SchemaIn,
    SpanIn,
    StatusIn,
    SuggestedRelationIn,
    SuggestionIn,
)
from annotator.model.records import text_sha256
from annotator.store import fetch_row, queries
from annotator.store.inventory import LOCAL_EVENT_OPS, PROJECT_SETTINGS
from annotator.store.portable import Portable, portable_event

FORMAT = "annotator-native"
VERSION = 2

_STATUS = ("annotator", "status", "answer", "updated")
_RECORD = ("status", "normalized", "verdict", "rating", "assignee", "updated")
_EVIDENCE = ("location", "quote", "stance", "retrieved", "annotator", "created")
_SUGGESTION = ("start", "end", "label", "source", "score", "status", "created")
_SUGGESTED_RELATION = ("label", "source", "status", "created")
_PATTERN = ("label", "pattern", "pattern_set", "ident", "enabled", "annotator", "created")
_MATCH = ("similarity", "state", "annotator", "updated")
_CATEGORY = ("annotator", "label", "value", "updated")


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS) + b"\n"


def _pick(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: row[name] for name in names}


# -- writing ------------------------------------------------------------------------------


def header(project: Project) -> dict[str, Any]:
    """The first line: schema, settings, annotators and patterns."""
    db = project.db
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema": {
            "labels": [
                {**label.to_dict(), "position": n} for n, label in enumerate(project.schema.labels)
            ],
            "relations": [
                {**relation.to_dict(), "position": n}
                for n, relation in enumerate(project.schema.relations)
            ],
        },
        "settings": queries.project_values(db, PROJECT_SETTINGS),
        "annotators": [_pick(r, ("name", "created")) for r in queries.rows_of(db, "annotators")],
        "patterns": [_pick(r, _PATTERN) for r in queries.rows_of(db, "patterns", order="id")],
    }


STORED_TOKENS = "stored tokens"
"""The key under which :func:`project_records` passes a document's stored tokens along
(a :class:`~annotator.store.queries.StoredTokens`, which no JSON file can hold)."""
STORED_BANDS = "stored bands"
"""Likewise for its near-duplicate band keys (a tuple of one key per band)."""


def native_lines(
    project: Project,
    chosen: ExportFilter | None = None,
    report: ExportReport | None = None,
    *,
    with_derived: bool = False,
    documents: Iterable[int] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every line of the native export of ``project`` as a value, in file order; with
    ``with_derived``, documents carry their stored tokens and near-duplicate bands under
    :data:`STORED_TOKENS` and :data:`STORED_BANDS` (for a merge in this process); with
    ``documents`` (ids), only those documents' lines, and all the others."""
    chosen = chosen or ExportFilter(include_rejected=True)
    filtered = chosen.annotators is not None or chosen.labels is not None
    yield header(project)
    if with_derived:
        from annotator.store.bands import stored_bands  # numpy: only when merging
    for batch in queries.iter_annotated_batches(project.db, ids=documents):
        ids = [d.id for d, _ in batch]
        extras = queries.claim_data_of_many(project.db, ids)
        tokens = queries.stored_tokens_of_many(project.db, ids) if with_derived else {}
        bands = stored_bands(project.db, ids) if with_derived else {}
        for document, stored in batch:
            line = document_record(document, chosen, stored, extras)
            if document.id in tokens:
                line[STORED_TOKENS] = tokens[document.id]
            if document.id in bands:
                line[STORED_BANDS] = bands[document.id]
            yield line
    portable = Portable(project.db, project.uuid)
    for row in queries.rows_of(project.db, "claim_matches", order="id"):
        main = fetch_row(project.db, "spans", (row["main_span_id"],))
        other = fetch_row(project.db, "spans", (row["other_span_id"],))
        if main is None or other is None:
            continue  # a match whose span is gone (a tampered file): nothing to point at
        if _span_wanted(chosen, main) and _span_wanted(chosen, other):
            yield {
                "claim_match": {
                    "main": portable.ref("spans", row["main_span_id"]),
                    "other": portable.ref("spans", row["other_span_id"]),
                    **_pick(row, _MATCH),
                }
            }
    if filtered:
        if report is not None:
            report.notes.append("a filtered native export carries no change history")
        return
    for row in queries.rows_of(project.db, "events", order="id"):
        if row["op"] not in LOCAL_EVENT_OPS:
            yield {"event": portable_event(portable, row)}


def export_native(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    """Write every document with every annotation layer (filtered by ``chosen``), the
    project-wide data and the history."""
    report = ExportReport(format="native", path=str(out))
    with atomic_output(out) as handle:
        for line in native_lines(project, chosen, report):
            handle.write(_dumps(line))
            if "text" in line:
                report.spans += len(line["spans"])
                report.relations += len(line["relations"])
                report.records += 1
                if progress is not None:
                    progress(report.records)
    return report


def _wanted(chosen: ExportFilter, annotator: str) -> bool:
    return chosen.annotators is None or annotator in chosen.annotators


def _span_wanted(chosen: ExportFilter, span: dict[str, Any]) -> bool:
    return _wanted(chosen, span["annotator"]) and (
        chosen.labels is None or span["label"] in chosen.labels
    )


def document_record(
    document, chosen: ExportFilter, stored: queries.Annotations, extras: queries.ClaimData
) -> dict[str, Any]:
    """One document as a native record, from its ``stored`` annotations as
    :func:`queries.iter_annotated_batches` reads them and the batch's ``extras``."""
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
            _pick(row, _STATUS) for row in status_rows if _wanted(chosen, row["annotator"])
        ],
        "spans": [_span_entry(document.text, s, extras) for s in spans],
        "relations": relations,
        "suggestions": [_pick(row, _SUGGESTION) for row in extras.suggestions[document.id]],
        "suggested_relations": _suggested_relations(document.id, extras),
        "categories": [
            _pick(row, _CATEGORY)
            for row in extras.categories[document.id]
            if _wanted(chosen, row["annotator"])
        ],
    }


def _suggested_relations(document_id: int, extras: queries.ClaimData) -> list[dict[str, Any]]:
    position = {row["id"]: n for n, row in enumerate(extras.suggestions[document_id])}
    entries = [
        {
            "head": position[row["head_id"]],
            "child": position[row["child_id"]],
            **_pick(row, _SUGGESTED_RELATION),
            "attributes": orjson.loads(row["attributes"]),
        }
        for row in extras.suggested_relations[document_id]
    ]
    return sorted(entries, key=lambda e: (e["head"], e["child"], e["label"], e["source"]))


def _span_entry(text: str, span, extras: queries.ClaimData) -> dict[str, Any]:
    entry = {
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "annotator": span.annotator,
        "origin": span.origin,
        "attributes": span.attributes,
        "note": span.note,
        "created": span.created,
        "updated": span.updated,
        "text": text[span.start : span.end],
    }
    if span.id in extras.records:
        entry["claim"] = _pick(extras.records[span.id], _RECORD)
    if span.id in extras.evidence:
        entry["evidence"] = [_pick(row, _EVIDENCE) for row in extras.evidence[span.id]]
    return entry


# -- reading ------------------------------------------------------------------------------


def read_native(path: Path, messages: list[str], schema: SchemaIn) -> Iterator[DocumentIn]:
    """Documents of a native export; the header, matches and history go to ``schema``.
    Document lines without the header line (a file cut in parts) are read too, with a
    note: the schema, settings and patterns are in the header."""
    documents = 0
    for record in read_native_lines(read_json_lines(path), str(path), schema):
        documents += 1
        yield record
    if documents and schema.source != str(path):
        messages.append(
            f"{path}: no header line (the first line of a native export: schema, settings, "
            "annotators, patterns); its documents are imported, labels added as found"
        )


def read_native_lines(
    lines, source: str, schema: SchemaIn, *, where_line: bool = True
) -> Iterator[DocumentIn]:
    """Documents of native ``(number, value)`` lines; the rest is collected in ``schema``."""
    for line, value in lines:
        where = f"{source}:{line}" if where_line else _where_in_project(source, value)
        if isinstance(value, Malformed):
            yield DocumentIn.invalid(where, value.reason)
            continue
        try:
            if not isinstance(value, dict):
                raise ValueError("a native line is a JSON object")
            if value.get("format") == FORMAT:
                version = value.get("version", 1)  # the first files may lack it
                if not isinstance(version, int) or version > VERSION:
                    yield DocumentIn.invalid(
                        where,
                        f"written by a newer Annotator (version {version}); upgrade to import it",
                    )
                    return
                _read_header(value, schema)
                schema.source = source
            elif "claim_match" in value:
                schema.claim_matches.append(_checked(value["claim_match"], where))
            elif "event" in value:
                schema.events.append(_checked(value["event"], where))
            else:
                record = record_to_document(value, where)
                if isinstance(stored := value.get(STORED_TOKENS), queries.StoredTokens):
                    record.tokens = tuple(stored)
                if isinstance(stored := value.get(STORED_BANDS), tuple):
                    record.bands = stored
                yield record
        except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
            yield DocumentIn.invalid(where, record_error(exc))


def _where_in_project(source: str, value: Any) -> str:
    """How a message names a record read from a project file (it has no lines)."""
    if isinstance(value, dict) and isinstance(value.get("title"), str):
        return f"{source}: document {value['title']!r}"
    return source


def _checked(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return {**value, "where": where}


def _read_header(value: dict[str, Any], schema: SchemaIn) -> None:
    definitions = value.get("schema", {})
    schema.labels.extend(definitions.get("labels", []))
    schema.relations.extend(definitions.get("relations", []))
    settings = value.get("settings", {})
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        raise ValueError("'settings' maps names to texts")
    schema.settings.update({k: v for k, v in settings.items() if k in PROJECT_SETTINGS})
    schema.annotators.extend(value.get("annotators", []))
    schema.patterns.extend(value.get("patterns", []))
    schema.complete = True


def record_to_document(record: dict[str, Any], where: str) -> DocumentIn:
    text = record["text"]
    if not isinstance(text, str):
        raise ValueError(f"'text' must be a string, not {fields.shown(text)}")
    if "sha256" in record and record["sha256"] != text_sha256(text):
        raise ValueError(
            "its 'sha256' does not match its text: the file was edited or damaged "
            "(remove 'sha256' to import the text as it is)"
        )
    spans = []
    for n, s in enumerate(fields.objects(record.get("spans"), "'spans'"), 1):
        start, end = (
            fields.offset(s["start"], f"span {n}: start"),
            fields.offset(s["end"], f"span {n}: end"),
        )
        if "text" in s and text[start:end] != s["text"]:
            raise ValueError(
                f"span [{start}, {end}) says {s['text']!r} but the text "
                f"there is {text[start:end]!r}"
            )
        spans.append(
            SpanIn(
                start,
                end,
                fields.name(s["label"], f"the label of span {n}"),
                fields.name(s["annotator"], f"the annotator of span {n}"),
                s.get("origin", "imported"),
                dict(fields.obj(s.get("attributes"), f"'attributes' of span {n}")),
                fields.text(s.get("note"), f"'note' of span {n}"),
                s.get("created"),
                s.get("updated"),
                claim=_claim_record(s["claim"]) if "claim" in s else None,
                evidence=[
                    _pick(e, _EVIDENCE) for e in fields.objects(s.get("evidence"), "'evidence'")
                ],
            )
        )
    relations = [
        RelationIn(
            r["head"],
            r["child"],
            fields.name(r["label"], f"the label of relation {n}"),
            r["annotator"],
            dict(fields.obj(r.get("attributes"), f"'attributes' of relation {n}")),
            r.get("created"),
            r.get("updated"),
        )
        for n, r in enumerate(fields.objects(record.get("relations"), "'relations'"), 1)
    ]
    statuses = [
        StatusIn(s["annotator"], s["status"], s.get("answer"), s.get("updated"))
        for s in fields.objects(record.get("statuses"), "'statuses'")
    ]
    suggestions = [
        SuggestionIn(
            s["start"],
            s["end"],
            s["label"],
            s["source"],
            s.get("score"),
            s.get("status", "open"),
            s.get("created"),
        )
        for s in fields.objects(record.get("suggestions"), "'suggestions'")
    ]
    suggested_relations = [
        SuggestedRelationIn(
            r["head"],
            r["child"],
            fields.name(r["label"], f"the label of suggested relation {n}"),
            r["source"],
            dict(fields.obj(r.get("attributes"), f"'attributes' of suggested relation {n}")),
            r.get("status", "open"),
            r.get("created"),
        )
        for n, r in enumerate(
            fields.objects(record.get("suggested_relations"), "'suggested_relations'"), 1
        )
    ]
    categories = [
        CategoryIn(c["label"], c["value"], c["annotator"], c.get("updated"))
        for c in fields.objects(record.get("categories"), "'categories'")
    ]
    return DocumentIn(
        text=text,
        title=fields.text(record.get("title"), "'title'"),
        where=where,
        lang=record.get("lang"),
        meta=dict(fields.obj(record.get("meta"), "'meta'")),
        note=fields.text(record.get("note"), "'note'"),
        created=record.get("created"),
        spans=spans,
        relations=relations,
        statuses=statuses,
        suggestions=suggestions,
        suggested_relations=suggested_relations,
        categories=categories,
    )


def _claim_record(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(value.get(k, ""), str) for k in _RECORD):
        raise ValueError("a claim record maps its fields to texts")
    return {k: value.get(k, "") for k in _RECORD}


def project_records(
    project: Project, schema: SchemaIn, *, documents: Iterable[int] | None = None
) -> Iterator[DocumentIn]:
    """The records a native export of ``project`` would hold, without writing a file
    (merging a project file reads it this way); with ``documents`` (ids), only those
    documents' records (the header, claim matches and history all the same)."""
    lines = enumerate(native_lines(project, with_derived=True, documents=documents), 1)
    yield from read_native_lines(lines, str(project.path), schema, where_line=False)
