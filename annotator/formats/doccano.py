"""doccano JSONL: sequence labelling (``label`` triples) and relation extraction
(``entities`` + ``relations``).

Read: ``{"text", "label": [[start, end, label], ...]}``; ``{"text", "entities": [{"id",
"start_offset", "end_offset", "label"}], "relations": [{"from_id", "to_id", "type"}]}``
(relation ids optional); intent detection ``{"text", "entities": [[start, end,
label]], "cats": [...]}``; older exports with the text under ``data``; pretty-printed
files named ``.jsonl``. Text-classification labels (``label`` as a list of strings,
or ``cats``) become document categories (value 1). Other keys go to ``meta``.

Written: the relation-extraction shape (``entities`` + ``relations``), one line per
document and annotator, with ``meta.annotator``, and the document categories that
apply as ``cats`` (the intent-detection key; doccano holds no others). doccano has no
span attributes or notes, no link attributes, no categories that do not apply or
scores: each one is listed in the export report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.ingest import CategoryIn, DocumentIn, RelationIn, SpanIn
from annotator.core.project import Project
from annotator.formats.common import read_json_line_records
from annotator.formats.export import (
    ExportFilter,
    ExportReport,
    atomic_output,
    select_layers,
)

_KNOWN = {
    *("text", "data", "label", "labels", "entities", "relations", "cats"),
    *("id", "meta", "annotator"),
}


def read_doccano(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    yield from read_json_line_records(path, record_to_document)


def _entity(entity: Any, annotator: str | None) -> SpanIn:
    """A span from an entity: a dict (relation extraction) or a ``[start, end, label]``
    triple (sequence labelling, intent detection)."""
    if isinstance(entity, dict):
        return SpanIn(
            entity["start_offset"], entity["end_offset"], entity["label"], annotator=annotator
        )
    start, end, label = entity
    return SpanIn(start, end, label, annotator=annotator)


def record_to_document(record: Any, location: str) -> DocumentIn:
    if not isinstance(record, dict):
        raise ValueError("a doccano record must be a JSON object")
    text = record.get("text", record.get("data"))
    if not isinstance(text, str):
        raise ValueError("no 'text' (or 'data') string")
    meta = dict(record.get("meta") or {})
    meta.update({k: v for k, v in record.items() if k not in _KNOWN})
    annotator = record.get("annotator") or meta.pop("annotator", None)
    spans: list[SpanIn] = []
    relations: list[RelationIn] = []
    categories: list[str] = []
    labels = record.get("label", record.get("labels"))
    if isinstance(labels, list) and labels and all(isinstance(x, str) for x in labels):
        categories += labels  # text classification, not spans
    elif labels:
        spans += [_entity(triple, annotator) for triple in labels]
    cats = record.get("cats")
    if cats is not None:
        if not isinstance(cats, list) or not all(isinstance(x, str) for x in cats):
            raise ValueError("'cats' must be a list of category names")
        categories += cats
    by_id: dict[Any, int] = {}
    for n, entity in enumerate(record.get("entities") or []):
        by_id[entity.get("id", n) if isinstance(entity, dict) else n] = len(spans)
        spans.append(_entity(entity, annotator))
    for relation in record.get("relations") or []:
        head, child = relation["from_id"], relation["to_id"]
        if head not in by_id or child not in by_id:
            raise ValueError(f"relation {relation.get('type')!r} refers to an unknown entity id")
        relations.append(RelationIn(by_id[head], by_id[child], relation["type"], annotator))
    title = str(meta.pop("title", "") or text.strip().split("\n", 1)[0][:60])
    return DocumentIn(
        text=text,
        title=title,
        where=location,
        lang=meta.pop("lang", None),
        meta=meta,
        spans=spans,
        relations=relations,
        categories=[CategoryIn(label, 1.0, annotator) for label in dict.fromkeys(categories)],
    )


def export_doccano(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    report = ExportReport(format="doccano", path=str(out))
    with atomic_output(out) as handle:
        for n, layer in enumerate(select_layers(project, chosen), 1):
            ids = {span.id: i for i, span in enumerate(layer.spans)}
            report.lose_extras(layer, "doccano has no attributes or notes")
            for category in layer.categories:
                if category.value != 1.0:
                    report.lose_category(
                        layer, category, "doccano lists only the categories that apply"
                    )
            record = {
                "id": n,
                "text": layer.document.text,
                "meta": {
                    **layer.document.meta,
                    "title": layer.document.title,
                    "document_id": layer.document.id,
                    "annotator": layer.annotator,
                },
                "entities": [
                    {"id": i, "label": s.label, "start_offset": s.start, "end_offset": s.end}
                    for s, i in ((s, ids[s.id]) for s in layer.spans)
                ],
                "relations": [
                    {"id": i, "from_id": ids[r.head_id], "to_id": ids[r.child_id], "type": r.label}
                    for i, r in enumerate(layer.relations)
                ],
            }
            if layer.categories:
                record["cats"] = [c.label for c in layer.categories if c.value == 1.0]
            handle.write(orjson.dumps(record) + b"\n")
            report.records += 1
            report.spans += len(layer.spans)
            report.relations += len(layer.relations)
            if progress is not None:
                progress(n)
    return report
