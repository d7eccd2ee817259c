"""spaCy: binary ``.spacy`` files (``DocBin``) and the v2 "simple training" JSON.

Read ``.spacy``: every ``doc.spans[key]`` group and ``doc.ents`` become spans (the same
span in several groups is one span; twice in one group, a duplicate the import counts),
``doc.cats`` document categories (label → score); ``user_data`` written by Annotator
brings back the annotator, title, language, metadata, document note, status, relations,
span attributes and notes.

Read v2 JSON: ``[[text, {"entities": [[start, end, label], ...]}], ...]``.

Written ``.spacy``: one ``Doc`` per document and annotator, tokens as stored (no
re-tokenising), spans in ``doc.spans[spans_key]`` (overlaps allowed), optionally the
non-overlapping ones in ``doc.ents`` too, document categories in ``doc.cats``, and in
``doc.user_data`` the annotator, title, language, metadata, document note, status and
answer, relations, span attributes and span notes. A span that does not align to
token boundaries cannot be held by a ``Doc``: each one is listed in the report. With a
dev fraction, the output is a folder holding ``train.spacy`` and ``dev.spacy``, split by
document (stable for a given text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.project import Project
from annotator.files.encoding import read_file_bytes
from annotator.files.output import atomic_folder, atomic_output
from annotator.formats import fields
from annotator.formats.common import read_json, record_error
from annotator.formats.export import ExportFilter, ExportReport, Holds, Layer, select_layers, where
from annotator.model.errors import AnnotatorError, InputFileError
from annotator.model.imports import ANSWERS, CategoryIn, DocumentIn, RelationIn, SpanIn, StatusIn
from annotator.model.records import STATUSES


def read_docbin(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    import spacy
    from spacy.tokens import DocBin

    data = read_file_bytes(path)
    try:
        docbin = DocBin().from_bytes(data)
    except Exception as exc:  # spaCy raises plain ValueError/KeyError/zlib errors here
        raise InputFileError(path, f"is not a spaCy DocBin ({type(exc).__name__})") from None
    for n, doc in enumerate(docbin.get_docs(spacy.blank("xx").vocab), 1):
        location = f"{path}:doc {n}"
        try:
            yield doc_to_document(doc, location)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            yield DocumentIn.invalid(location, record_error(exc))


def _as_json(value: Any) -> Any:
    """``user_data`` as JSON would have it: msgpack gives tuples for lists."""
    if isinstance(value, (list, tuple)):
        return [_as_json(x) for x in value]
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    return value


def doc_to_document(doc: Any, location: str) -> DocumentIn:
    data = _as_json(doc.user_data) if isinstance(doc.user_data, dict) else {}
    annotator = data.get("annotator") if isinstance(data.get("annotator"), str) else None
    attributes = {tuple(k): v for k, v in fields.items(data.get("span_attributes"), "attributes")}
    notes = {tuple(k): v for k, v in fields.items(data.get("span_notes"), "span notes")}
    seen: dict[tuple[int, int, str], int] = {}
    spans: list[SpanIn] = []
    for group in [*doc.spans.values(), doc.ents]:
        mine: set[tuple[int, int, str]] = set()
        for span in group:
            key = (span.start_char, span.end_char, span.label_)
            # the same span in doc.spans and doc.ents is one span; twice in one group,
            # a duplicate (stored once and counted)
            if key not in seen or key in mine:
                seen.setdefault(key, len(spans))
                spans.append(
                    SpanIn(
                        *key,
                        annotator=annotator,
                        attributes=dict(fields.obj(attributes.get(key), "span attributes")),
                        note=fields.text(notes.get(key), "a span note"),
                    )
                )
            mine.add(key)
    relations = []
    for rel in fields.objects(data.get("relations"), "relations"):
        head, child = tuple(rel["head"]), tuple(rel["child"])
        if head not in seen or child not in seen:
            raise ValueError(f"a {rel['label']!r} link in user_data names a span the Doc has not")
        relations.append(
            RelationIn(seen[head], seen[child], rel["label"], annotator, rel.get("attributes", {}))
        )
    statuses = []
    if data.get("status") in STATUSES and data["status"] != "new":
        answer = data.get("answer") if data.get("answer") in ANSWERS else None
        statuses.append(StatusIn(annotator, data["status"], answer))
    return DocumentIn(
        text=doc.text,
        title=data.get("title") or doc.text.strip().split("\n", 1)[0][:60],
        where=location,
        lang=data.get("lang"),
        meta=dict(fields.obj(data.get("meta"), "meta")),
        note=fields.text(data.get("note"), "note"),
        spans=spans,
        relations=relations,
        statuses=statuses,
        categories=[CategoryIn(str(k), v, annotator) for k, v in doc.cats.items()],
    )


def read_v2_json(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    data = read_json(path)
    if not isinstance(data, list):
        raise InputFileError(path, "spaCy v2 training JSON is a list of [text, annotations]")
    for n, item in enumerate(data, 1):
        location = f"{path}:example {n}"
        try:
            if not isinstance(item, list) or len(item) != 2:
                raise ValueError(
                    f"an example must be [text, annotations], not {fields.shown(item)}"
                )
            text, annotations = item
            annotations = fields.obj(annotations, "the annotations")
            ignored = set(annotations) - {"entities"}
            if ignored:
                messages.append(f"{location}: {', '.join(sorted(ignored))} not imported")
            spans = [
                SpanIn(*fields.triple(entity, f"entity {i}"))
                for i, entity in enumerate(
                    fields.items(annotations.get("entities"), "'entities'"), 1
                )
            ]
            if not isinstance(text, str):
                raise ValueError(f"the text must be a string, not {fields.shown(text)}")
            title = text.strip().split("\n", 1)[0][:60]
            yield DocumentIn(text=text, title=title, where=location, spans=spans)
        except (ValueError, TypeError, AttributeError) as exc:
            yield DocumentIn.invalid(location, record_error(exc))


# -- writing ----------------------------------------------------------------------------


def layer_to_doc(
    project: Project, layer: Layer, report: ExportReport, *, spans_key: str, ents: bool
) -> Any:
    from spacy.tokens import Span as SpacySpan
    from spacy.util import filter_spans

    doc = project.spacy_doc(layer.document.id)
    held: dict[int, Any] = {}
    for span in layer.spans:
        aligned = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
        if aligned is None:
            report.lose_span(layer, span, "span", "does not align to token boundaries")
            continue
        held[span.id] = aligned
    doc.spans[spans_key] = list(held.values())
    if ents:
        chosen = filter_spans(list(held.values()))
        doc.ents = [SpacySpan(doc, s.start, s.end, label=s.label_) for s in chosen]
        for span in set(held.values()) - set(chosen):
            report.notes.append(
                f"{where(layer.document)}: {span.label_} [{span.start_char}, {span.end_char}) "
                "overlaps another span: in doc.spans only, not in doc.ents"
            )
    doc.cats = {c.label: c.value for c in layer.categories}
    by_id = {s.id: s for s in layer.spans}

    def key(span_id: int) -> list[Any]:
        span = by_id[span_id]
        return [span.start, span.end, span.label]

    doc.user_data = {
        "annotator": layer.annotator,
        "title": layer.document.title,
        "document_id": layer.document.id,
        "lang": layer.document.lang,
        "meta": layer.document.meta,
        "note": layer.document.note,
        "status": layer.status,
        "answer": layer.answer,
        "relations": [
            {
                "head": key(r.head_id),
                "child": key(r.child_id),
                "label": r.label,
                "attributes": r.attributes,
            }
            for r in layer.relations
            if r.head_id in held and r.child_id in held
        ],
        "span_attributes": [
            [key(s.id), s.attributes] for s in layer.spans if s.attributes and s.id in held
        ],
        "span_notes": [[key(s.id), s.note] for s in layer.spans if s.note and s.id in held],
    }
    for relation in layer.relations:
        if relation.head_id not in held or relation.child_id not in held:
            report.lose_link(layer, relation, "link", "one of its spans is not in the Doc")
    report.spans += len(held)
    report.relations += len(doc.user_data["relations"])
    return doc


def _is_dev(layer: Layer, fraction: float) -> bool:
    digest = hashlib.sha256(layer.document.text_sha256.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


HOLDS = Holds(
    "spaCy DocBin",
    span_attributes=True,
    span_notes=True,
    links=True,
    link_attributes=True,
    categories=True,
    statuses=True,
    document_meta=True,
    document_note=True,
)
"""What a ``.spacy`` file holds (all but spans and categories in ``doc.user_data``);
the export reports the rest."""


def export_docbin(
    project: Project,
    out: str | Path,
    *,
    chosen: ExportFilter | None = None,
    spans_key: str = "sc",
    ents: bool = False,
    dev_fraction: float = 0.0,
    progress=None,
) -> ExportReport:
    """Write ``out`` (one ``.spacy`` file), or with ``dev_fraction`` > 0 a folder ``out``
    with ``train.spacy`` and ``dev.spacy``."""
    from spacy.tokens import DocBin

    if not 0 <= dev_fraction < 1:
        raise AnnotatorError("the dev fraction must be at least 0 and less than 1")
    report = ExportReport(format="spacy", path=str(out), holds=HOLDS)
    train, dev = DocBin(store_user_data=True), DocBin(store_user_data=True)
    for n, layer in enumerate(select_layers(project, chosen, report, tokens=True), 1):
        doc = layer_to_doc(project, layer, report, spans_key=spans_key, ents=ents)
        (dev if dev_fraction and _is_dev(layer, dev_fraction) else train).add(doc)
        report.records += 1
        if progress is not None:
            progress(n)
    if dev_fraction:
        with atomic_folder(out) as folder:
            folder.write("train.spacy", train.to_bytes())
            folder.write("dev.spacy", dev.to_bytes())
    else:
        with atomic_output(out) as handle:
            handle.write(train.to_bytes())
    return report
