"""Label Studio JSON: a list of tasks (or one task), each ``{"data": {"text"},
"meta", "annotations": [{"id", "result": [...]}], "predictions": [...]}``.

Read: ``annotations[].result[]`` and the legacy ``completions[].result[]``; results of
``type: labels`` (one span per label) and ``type: relation`` (``from_id``/``to_id``,
``direction``, ``labels``). A task without ``data`` is all data (``[{"text": ...}]``, as
Label Studio itself imports it). Each annotation is one annotator's layer; a cancelled
annotation marks the document skipped. ``predictions`` become suggestions, never
annotations. When a result's ``value.text`` does not match its offsets read as code
points but does as UTF-16 units (Label Studio before its emoji fix), the offsets are
converted and a note says so. Other result types (choices, text areas) are listed as
not imported.

Who made an annotation: the task's ``meta.annotators`` names it by the annotation's
``id``, which Label Studio keeps as ``import_id`` through its own import and export.
Without that (annotations made in Label Studio), ``completed_by`` names it: an email, or
a user id read as ``labelstudio-ID``.

Written: one task per document, one annotation per annotator, results ``labels`` and
``relation`` (``direction: right``, head → child). There is no ``completed_by``: Label
Studio refuses the whole file when it names a user that server does not have (and
credits every imported annotation to the importing user anyway). The names go in the
task ``meta``, the one place Label Studio keeps as it is and that is about the task
rather than its input (``data``) or a region (a result's ``meta``, which an annotation
without regions would not have). Annotation ids are derived from the text and the
annotator, so they are the same in every export and do not look like the small
numbers Label Studio gives its own annotations. Only the ``gold`` layer is marked
``ground_truth``. Span attributes and notes and link attributes are not held: each one
is listed in the export report. :func:`label_config` writes a labelling configuration
that matches a project.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import orjson

from annotator.core.ingest import DocumentIn, RelationIn, SpanIn, StatusIn, SuggestionIn
from annotator.core.model import Document, Relation, Span
from annotator.core.project import Project
from annotator.core.schema import Schema
from annotator.formats.common import checked_offsets, read_json, record_error
from annotator.formats.export import ExportFilter, ExportReport, atomic_output, select_layers

_ANNOTATION_KEYS = frozenset(
    {
        *("spans", "entities", "label", "labels", "tokens", "relations", "cats"),
        *("annotations", "completions", "predictions"),
    }
)
"""Keys that hold annotations (Prodigy, doccano, spaCy, Label Studio)."""


def is_flat_task(value: object) -> bool:
    """Whether a JSON value is a Label Studio task without ``data`` (all of it data): a
    ``text`` and none of the keys that hold annotations in this or other formats (read
    as data, those would be dropped without a word)."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("text"), str)
        and not _ANNOTATION_KEYS & set(value)
    )


def read_labelstudio(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    data = read_json(path)
    tasks = data if isinstance(data, list) else [data]
    for n, task in enumerate(tasks, 1):
        location = f"{path}:task {n}" if isinstance(data, list) else str(path)
        try:
            yield task_to_document(task, location, messages)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            yield DocumentIn.invalid(location, record_error(exc))


def _text_of(data: dict[str, Any]) -> str:
    if isinstance(data.get("text"), str):
        return data["text"]
    strings = [v for v in data.values() if isinstance(v, str)]
    if len(strings) == 1:
        return strings[0]
    raise ValueError("the task's 'data' has no 'text' field")


def _annotator(annotation: dict[str, Any], names: dict[str, str]) -> str | None:
    """The annotator of one annotation: by its id in the task's ``meta.annotators``,
    else from ``completed_by``.

    In a Label Studio export ``id`` is Label Studio's own and ``import_id`` the one we
    wrote (``None`` for annotations made there), so only ``import_id`` is looked up.
    """
    key = annotation["import_id"] if "import_id" in annotation else annotation.get("id")
    if key is not None and str(key) in names:
        return names[str(key)]
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return f"labelstudio-{who}" if isinstance(who, int) else who or None


def _names(task: dict[str, Any]) -> dict[str, str]:
    """``meta.annotators`` of a task: annotation id → annotator name (strings only)."""
    meta = task.get("meta")
    names = meta.get("annotators") if isinstance(meta, dict) else None
    if not isinstance(names, dict):
        return {}
    return {str(k): v for k, v in names.items() if isinstance(v, str) and v}


def task_to_document(task: Any, location: str, notes: list[str]) -> DocumentIn:
    if not isinstance(task, dict):
        raise ValueError("a Label Studio task is an object")
    if "data" not in task:  # Label Studio reads such a task as all data, and so do we
        task = {"data": task}
    if not isinstance(task["data"], dict):
        raise ValueError("a Label Studio task's 'data' is an object")
    text = _text_of(task["data"])
    record = DocumentIn(
        text=text,
        title=str(task["data"].get("title") or text.strip().split("\n", 1)[0][:60]),
        where=location,
        meta={"labelstudio_id": task["id"]} if "id" in task else {},
    )
    names = _names(task)
    ignored: set[str] = set()
    for annotation in [*task.get("annotations", []), *task.get("completions", [])]:
        annotator = _annotator(annotation, names)
        _read_results(record, annotation.get("result", []), annotator, notes, ignored)
        status = "skipped" if annotation.get("was_cancelled") else "done"
        record.statuses.append(StatusIn(annotator, status))
    for prediction in task.get("predictions", []):
        source = f"labelstudio:{prediction.get('model_version') or 'prediction'}"
        for result in prediction.get("result", []):
            if result.get("type") != "labels":
                continue
            value = result["value"]
            start, end = checked_offsets(
                text, value["start"], value["end"], value.get("text"), notes, location
            )
            for label in value.get("labels", []):
                record.suggestions.append(
                    SuggestionIn(
                        start, end, label, source, result.get("score", prediction.get("score"))
                    )
                )
    for kind in sorted(ignored):
        notes.append(f"{location}: results of type {kind!r} are not spans or links; not imported")
    return record


def _read_results(
    record: DocumentIn,
    results: list[dict[str, Any]],
    annotator: str | None,
    notes: list[str],
    ignored: set[str],
) -> None:
    regions: dict[str, int] = {}
    for result in results:
        if result.get("type") in ("labels", "hypertextlabels"):
            value = result["value"]
            start, end = checked_offsets(
                record.text, value["start"], value["end"], value.get("text"), notes, record.where
            )
            for label in value.get("labels", []):
                regions.setdefault(result.get("id", f"#{len(record.spans)}"), len(record.spans))
                record.spans.append(SpanIn(start, end, label, annotator=annotator))
        elif result.get("type") != "relation":
            ignored.add(str(result.get("type")))
    for result in results:
        if result.get("type") != "relation":
            continue
        head, child = result["from_id"], result["to_id"]
        if head not in regions or child not in regions:
            raise ValueError("a relation refers to a region that is not in its annotation")
        if result.get("direction") == "left":
            head, child = child, head
        for label in result.get("labels") or ["related"]:
            record.relations.append(RelationIn(regions[head], regions[child], label, annotator))


def annotation_id(document: Document, annotator: str) -> int:
    """A stable id for one annotator's annotation of one document: 48 bits of the
    SHA-256 of the text's hash and the name (Label Studio stores it as ``import_id``, a
    64-bit integer; 48 bits stay exact in JavaScript too)."""
    digest = hashlib.sha256(f"{document.text_sha256}\0{annotator}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def _region(document: Document, span: Span) -> dict[str, Any]:
    return {
        "id": f"s{span.id}",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {
            "start": span.start,
            "end": span.end,
            "text": document.text[span.start : span.end],
            "labels": [span.label],
        },
    }


def _link(relation: Relation) -> dict[str, Any]:
    return {
        "from_id": f"s{relation.head_id}",
        "to_id": f"s{relation.child_id}",
        "type": "relation",
        "direction": "right",
        "labels": [relation.label],
    }


def export_labelstudio(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    """Write the chosen layers as a JSON list of tasks to ``out`` (atomically): a task per
    document, an annotation per annotator, the names in ``meta.annotators``."""
    report = ExportReport(format="labelstudio", path=str(out))
    tasks: dict[int, dict[str, Any]] = {}
    for layer in select_layers(project, chosen):
        document = layer.document
        task = tasks.setdefault(
            document.id,
            {
                "id": document.id,
                "data": {"text": document.text, "title": document.title, "meta": document.meta},
                "meta": {"annotators": {}},
                "annotations": [],
            },
        )
        report.lose_extras(layer, "not held by Label Studio text regions")
        result = [_region(document, span) for span in layer.spans]
        result += [_link(relation) for relation in layer.relations]
        number = annotation_id(document, layer.annotator)
        task["meta"]["annotators"][str(number)] = layer.annotator
        task["annotations"].append(
            {
                "id": number,
                "was_cancelled": layer.status == "skipped",
                "ground_truth": layer.annotator == "gold",
                "result": result,
            }
        )
        report.spans += len(layer.spans)
        report.relations += len(layer.relations)
    with atomic_output(out) as handle:
        handle.write(orjson.dumps(list(tasks.values()), option=orjson.OPT_INDENT_2))
    report.records = len(tasks)
    if progress is not None:
        progress(len(tasks))
    return report


def label_config(schema: Schema) -> str:
    """A Label Studio labelling configuration (XML) that holds what
    :func:`export_labelstudio` writes for a project with this schema: its labels under
    ``<Labels name="label">`` and its link types under ``<Relations>``."""
    link_types = list(dict.fromkeys(relation.name for relation in schema.relations))

    def attribute(value: str) -> str:
        return xml_escape(value, {'"': "&quot;"})

    lines = ["<View>", "  <Relations>"]
    lines += [f'    <Relation value="{attribute(name)}"/>' for name in link_types]
    lines += ["  </Relations>", '  <Labels name="label" toName="text">']
    lines += [f'    <Label value="{attribute(name)}"/>' for name in schema.label_names]
    lines += ["  </Labels>", '  <Text name="text" value="$text"/>', "</View>"]
    return "\n".join(lines)
