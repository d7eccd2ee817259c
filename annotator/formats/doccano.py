"""doccano JSONL: sequence labelling (``label`` triples) and relation extraction
(``entities`` + ``relations``).

Read: ``{"text", "label": [[start, end, label], ...]}``; ``{"text", "entities": [{"id",
"start_offset", "end_offset", "label"}], "relations": [{"from_id", "to_id", "type"}]}``
(relation ids optional; an id used twice refuses the record); intent detection
``{"text", "entities": [[start, end, label]], "cats": [...]}``; doccano 1.0–1.2 exports
``{"id", "text", "annotations": [{"label", "start_offset", "end_offset", "user"}],
"meta"}`` (``user`` is the annotator, a number read as ``doccano-N``; an annotation
without offsets is a document category; a label given as a number keeps that number as
its name, with a note); older exports with the text under ``data``; pretty-printed
files named ``.jsonl``. Text-classification labels (``label`` as a list of strings,
or ``cats``) become document categories (value 1). Other keys go to ``meta``; ``title``
and ``lang`` in ``meta`` are the title and the language.

Written: the relation-extraction shape (``entities`` + ``relations``), one line per
document and annotator, with the title, the language and the metadata in ``meta`` and
``meta.annotator``, and the document categories that apply as ``cats`` (the
intent-detection key; doccano holds no others). What doccano cannot hold is declared in
:data:`HOLDS` and reported by the export; categories that do not apply or scores are
reported here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.project import Project
from annotator.files.output import atomic_output
from annotator.formats import fields
from annotator.formats.common import read_json_line_records
from annotator.formats.export import ExportFilter, ExportReport, Holds, select_layers
from annotator.model.imports import CategoryIn, DocumentIn, RelationIn, SpanIn

_KNOWN = {
    *("text", "data", "label", "labels", "entities", "relations", "cats", "annotations"),
    *("id", "meta", "annotator"),
}


def read_doccano(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    numbered: set[int] = set()  # label numbers of doccano 1.x files
    yield from read_json_line_records(
        path, lambda value, where: record_to_document(value, where, numbered)
    )
    if numbered:
        messages.append(
            f"{path}: doccano 1.x names labels by their number in the doccano project "
            f"({', '.join(map(str, sorted(numbered)[:10]))}): imported as labels of those "
            "names (doccano's 'JSONL (labels)' export names them)"
        )


def _ident(value: Any, what: str) -> int | str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{what} must be a number or a string, not {fields.shown(value)}")
    return value


def _entity(entity: Any, annotator: str | None, what: str) -> SpanIn:
    """A span from an entity: a dict (relation extraction) or a ``[start, end, label]``
    triple (sequence labelling, intent detection)."""
    if isinstance(entity, dict):
        return SpanIn(
            fields.offset(entity["start_offset"], f"'start_offset' of {what}"),
            fields.offset(entity["end_offset"], f"'end_offset' of {what}"),
            fields.name(entity["label"], f"the label of {what}"),
            annotator=annotator,
        )
    return SpanIn(*fields.triple(entity, what), annotator=annotator)


def _user(value: Any, fallback: str | None) -> str | None:
    """The annotator of a doccano 1.x annotation: its ``user`` (a name, or a number in
    the doccano server, read as ``doccano-N``)."""
    if value is None:
        return fallback
    if isinstance(value, int) and not isinstance(value, bool):
        return f"doccano-{value}"
    return fields.name(value, "'user'")


def _annotations(
    record: dict[str, Any],
    annotator: str | None,
    spans: list[SpanIn],
    categories: list[CategoryIn],
    numbered: set[int],
) -> None:
    """doccano 1.0–1.2 exports: ``annotations`` of ``{"label", "start_offset",
    "end_offset", "user"}`` (a span) or ``{"label", "user"}`` (a category); ``label``
    is a name, or the label's number in the doccano project."""
    for n, annotation in enumerate(fields.objects(record["annotations"], "'annotations'"), 1):
        what = f"annotation {n}"
        label = annotation.get("label")
        if isinstance(label, int) and not isinstance(label, bool):
            numbered.add(label)
            label = str(label)
        label = fields.name(label, f"the label of {what}")
        who = _user(annotation.get("user"), annotator)
        if "start_offset" in annotation or "end_offset" in annotation:
            spans.append(_entity({**annotation, "label": label}, who, what))
        else:
            categories.append(CategoryIn(label, 1.0, who))


def record_to_document(record: Any, location: str, numbered: set[int] | None = None) -> DocumentIn:
    if not isinstance(record, dict):
        raise ValueError("a doccano record must be a JSON object")
    text = record.get("text", record.get("data"))
    if not isinstance(text, str):
        raise ValueError("no 'text' (or 'data') string")
    meta = dict(fields.obj(record.get("meta"), "'meta'"))
    meta.update({k: v for k, v in record.items() if k not in _KNOWN})
    annotator = record.get("annotator") or meta.pop("annotator", None)
    if annotator is not None:
        annotator = fields.name(annotator, "'annotator'")
    spans: list[SpanIn] = []
    relations: list[RelationIn] = []
    categories: list[CategoryIn] = []
    labels = record.get("label", record.get("labels"))
    key = "'label'" if "label" in record else "'labels'"
    if isinstance(labels, list) and labels and all(isinstance(x, str) for x in labels):
        categories += [CategoryIn(x, 1.0, annotator) for x in labels]  # classification
    else:
        for n, triple in enumerate(fields.items(labels, key), 1):
            spans.append(_entity(triple, annotator, f"{key} item {n}"))
    cats = record.get("cats")
    if cats is not None:
        if not isinstance(cats, list) or not all(isinstance(x, str) for x in cats):
            raise ValueError("'cats' must be a list of category names")
        categories += [CategoryIn(x, 1.0, annotator) for x in cats]
    if "annotations" in record:
        _annotations(record, annotator, spans, categories, set() if numbered is None else numbered)
    by_id: dict[Any, int] = {}
    for n, entity in enumerate(fields.items(record.get("entities"), "'entities'"), 1):
        ident = (
            _ident(entity.get("id", n - 1), f"the id of entity {n}")
            if isinstance(entity, dict)
            else n - 1
        )
        if ident in by_id:
            raise ValueError(f"entity id {ident!r} is used twice")
        by_id[ident] = len(spans)
        spans.append(_entity(entity, annotator, f"entity {n}"))
    relation_ids: set[Any] = set()
    for n, relation in enumerate(fields.objects(record.get("relations"), "'relations'"), 1):
        if "id" in relation:
            if _ident(relation["id"], f"the id of relation {n}") in relation_ids:
                raise ValueError(f"relation id {relation['id']!r} is used twice")
            relation_ids.add(relation["id"])
        head = _ident(relation["from_id"], f"'from_id' of relation {n}")
        child = _ident(relation["to_id"], f"'to_id' of relation {n}")
        if head not in by_id or child not in by_id:
            raise ValueError(f"relation {relation.get('type')!r} refers to an unknown entity id")
        label = fields.name(relation["type"], f"the type of relation {n}")
        relations.append(RelationIn(by_id[head], by_id[child], label, annotator))
    title = str(meta.pop("title", "") or text.strip().split("\n", 1)[0][:60])
    unique: dict[tuple[str, str | None], CategoryIn] = {}
    for category in categories:
        unique.setdefault((category.label, category.annotator), category)
    return DocumentIn(
        text=text,
        title=title,
        where=location,
        lang=meta.pop("lang", None),
        meta=meta,
        spans=spans,
        relations=relations,
        categories=list(unique.values()),
    )


HOLDS = Holds("doccano JSONL", links=True, categories=True, document_meta=True)
"""What doccano JSONL holds; the export reports the rest."""


def export_doccano(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    report = ExportReport(format="doccano", path=str(out), holds=HOLDS)
    with atomic_output(out) as handle:
        for n, layer in enumerate(select_layers(project, chosen, report), 1):
            ids = {span.id: i for i, span in enumerate(layer.spans)}
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
                    "lang": layer.document.lang,
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
