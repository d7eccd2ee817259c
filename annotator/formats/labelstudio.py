"""Label Studio JSON: a list of tasks (or one task), each ``{"data": {"text", "title",
"meta"}, "meta", "annotations": [{"id", "result": [...]}], "predictions": [...]}``.

Read: ``annotations[].result[]`` and the legacy ``completions[].result[]``; results of
``type: labels`` (one span per label) and ``type: relation`` (``from_id``/``to_id``,
``direction``, ``labels``). A task without ``data`` is all data (``[{"text": ...}]``, as
Label Studio itself imports it). ``data.title`` is the title, ``data.meta`` and the other
fields of ``data`` the document's metadata (``lang`` its language), the task's ``id``
(Label Studio's) is kept as ``labelstudio_id``. Each annotation is one annotator's
layer; a cancelled annotation marks the document skipped. ``predictions`` become
suggestions, never annotations. When a result's ``value.text`` does not match its
offsets read as code points but does as UTF-16 units (Label Studio before its emoji
fix), the offsets are converted and a note says so. Other result types (choices, text
areas, HTML regions with XPath offsets) are listed as not imported.

Who made an annotation: the task's ``meta.annotators`` names it by the annotation's
``id``, which Label Studio keeps as ``import_id`` through its own import and export.
Without that (annotations made in Label Studio), ``completed_by`` names it: an email, or
a user id read as ``labelstudio-ID``. ``meta.statuses`` gives each annotation's status
the same way (new, in progress, done), unless Label Studio says it was cancelled.

Written: one task per document (without an ``id``: Label Studio gives its own), one
annotation per annotator, results ``labels`` and ``relation`` (``direction: right``,
head → child). There is no ``completed_by``: Label Studio refuses the whole file when it
names a user that server does not have (and credits every imported annotation to the
importing user anyway). The names and statuses go in the task ``meta``, the one place
Label Studio keeps as it is and that is about the task rather than its input (``data``)
or a region (a result's ``meta``, which an annotation without regions would not have).
Annotation ids are derived from the text and the annotator, so they are the same in
every export and do not look like the small numbers Label Studio gives its own
annotations. Only the ``gold`` layer is marked ``ground_truth``. What Label Studio text
regions cannot hold (:data:`HOLDS`) is listed in the export report. :func:`label_config`
writes a labelling configuration that matches a project.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import orjson

from annotator.core.project import Project
from annotator.files.output import atomic_output
from annotator.formats import fields
from annotator.formats.common import checked_offsets, read_json, record_error
from annotator.formats.export import ExportFilter, ExportReport, Holds, select_layers
from annotator.model.imports import DocumentIn, RelationIn, SpanIn, StatusIn, SuggestionIn
from annotator.model.records import STATUSES, Document, Relation, Span
from annotator.model.schema import Schema

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
    """The key of the task's text: ``text``, else its only string."""
    if isinstance(data.get("text"), str):
        return "text"
    strings = [k for k, v in data.items() if isinstance(v, str) and k != "title"]
    if len(strings) == 1:
        return strings[0]
    raise ValueError("the task's 'data' has no 'text' field")


def _key(annotation: dict[str, Any]) -> str | None:
    """How the task's ``meta`` names an annotation: by the id we wrote, which a Label
    Studio export keeps as ``import_id`` (its ``id`` is Label Studio's own, and
    annotations made there have no ``import_id``)."""
    key = annotation["import_id"] if "import_id" in annotation else annotation.get("id")
    return None if key is None else str(key)


def _annotator(annotation: dict[str, Any], names: dict[str, str]) -> str | None:
    """The annotator of one annotation: by its id in the task's ``meta.annotators``,
    else from ``completed_by``."""
    key = _key(annotation)
    if key is not None and key in names:
        return names[key]
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    if isinstance(who, int) and not isinstance(who, bool):
        return f"labelstudio-{who}"
    return fields.name(who, "'completed_by'") if who else None


def _names(task: dict[str, Any], what: str) -> dict[str, str]:
    """``meta.annotators`` or ``meta.statuses`` of a task: annotation id → name or
    status (strings only)."""
    meta = task.get("meta")
    names = meta.get(what) if isinstance(meta, dict) else None
    if not isinstance(names, dict):
        return {}
    return {str(k): v for k, v in names.items() if isinstance(v, str) and v}


def task_to_document(task: Any, location: str, notes: list[str]) -> DocumentIn:
    if not isinstance(task, dict):
        raise ValueError("a Label Studio task is an object")
    if "data" not in task:  # Label Studio reads such a task as all data, and so do we
        task = {"data": task}
    data = task["data"]
    if not isinstance(data, dict):
        raise ValueError("a Label Studio task's 'data' is an object")
    key = _text_of(data)
    text = data[key]
    meta = dict(fields.obj(data.get("meta"), "'data.meta'"))
    meta.update({k: v for k, v in data.items() if k not in (key, "title", "meta")})
    if "id" in task:  # Label Studio's own id (our export writes none)
        meta["labelstudio_id"] = task["id"]
    record = DocumentIn(
        text=text,
        title=fields.text(data.get("title"), "'data.title'") or text.strip().split("\n", 1)[0][:60],
        where=location,
        lang=meta.pop("lang", None),
        meta=meta,
    )
    names, statuses = _names(task, "annotators"), _names(task, "statuses")
    ignored: set[str] = set()
    annotations = [
        *fields.objects(task.get("annotations"), "'annotations'"),
        *fields.objects(task.get("completions"), "'completions'"),
    ]
    for annotation in annotations:
        annotator = _annotator(annotation, names)
        results = fields.objects(annotation.get("result"), "an annotation's 'result'")
        _read_results(record, results, annotator, notes, ignored)
        # our status where Label Studio agrees: it knows only cancelled or not
        status = statuses.get(_key(annotation) or "")
        if annotation.get("was_cancelled"):
            status = "skipped"
        elif status not in STATUSES or status == "skipped":
            status = "done"
        if status != "new":
            record.statuses.append(StatusIn(annotator, status))
    for prediction in fields.objects(task.get("predictions"), "'predictions'"):
        source = f"labelstudio:{prediction.get('model_version') or 'prediction'}"
        for result in fields.objects(prediction.get("result"), "a prediction's 'result'"):
            if result.get("type") != "labels":
                continue
            start, end = _offsets(record, result, notes)
            for label in _labels(result):
                record.suggestions.append(
                    SuggestionIn(
                        start, end, label, source, result.get("score", prediction.get("score"))
                    )
                )
    for kind in sorted(ignored):
        why = UNSUPPORTED.get(kind, "not spans or links")
        notes.append(f"{location}: results of type {kind!r} are {why}; not imported")
    return record


UNSUPPORTED = {
    "hypertextlabels": "regions of HTML (XPath positions): HTML regions are not supported",
    "choices": "choices, not spans or links",
    "textarea": "free text, not spans or links",
}
"""Result types not imported, and why (the note says so)."""


def _offsets(record: DocumentIn, result: dict[str, Any], notes: list[str]) -> tuple[int, int]:
    value = fields.obj(result.get("value"), "a result's 'value'")
    start, end = value.get("start"), value.get("end")
    if isinstance(start, str) or isinstance(end, str):
        raise ValueError(
            f"a region's offsets are XPath positions ({start!r}): it is a region of HTML, "
            "and HTML regions are not supported"
        )
    stated = value.get("text")
    return checked_offsets(
        record.text,
        fields.offset(start, "a region's 'start'"),
        fields.offset(end, "a region's 'end'"),
        fields.text(stated, "a region's 'text'") if stated is not None else None,
        notes,
        record.where,
    )


def _labels(result: dict[str, Any]) -> list[str]:
    value = fields.obj(result.get("value"), "a result's 'value'")
    return [fields.name(x, "a region's label") for x in fields.items(value.get("labels"), "labels")]


def _read_results(
    record: DocumentIn,
    results: list[dict[str, Any]],
    annotator: str | None,
    notes: list[str],
    ignored: set[str],
) -> None:
    regions: dict[str, int] = {}
    for result in results:
        if result.get("type") == "labels":
            start, end = _offsets(record, result, notes)
            for label in _labels(result):
                regions.setdefault(
                    str(result.get("id", f"#{len(record.spans)}")), len(record.spans)
                )
                record.spans.append(SpanIn(start, end, label, annotator=annotator))
        elif result.get("type") != "relation":
            ignored.add(str(result.get("type")))
    for result in results:
        if result.get("type") != "relation":
            continue
        head, child = str(result.get("from_id")), str(result.get("to_id"))
        if head not in regions or child not in regions:
            raise ValueError("a relation refers to a region that is not in its annotation")
        if result.get("direction") == "left":
            head, child = child, head
        labels = fields.items(result.get("labels"), "a relation's 'labels'") or ["related"]
        for label in labels:
            label = fields.name(label, "a relation's label")
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


HOLDS = Holds("Label Studio JSON", links=True, statuses=True, document_meta=True)
"""What Label Studio JSON holds (annotators and statuses in the task's ``meta``); the
export reports the rest."""


def export_labelstudio(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    """Write the chosen layers as a JSON list of tasks to ``out`` (atomically): a task per
    document, an annotation per annotator, the names in ``meta.annotators``."""
    report = ExportReport(format="labelstudio", path=str(out), holds=HOLDS)
    tasks: dict[int, dict[str, Any]] = {}
    for layer in select_layers(project, chosen, report):
        document = layer.document
        task = tasks.setdefault(
            document.id,
            {
                "data": {
                    "text": document.text,
                    "title": document.title,
                    "meta": {**document.meta, "lang": document.lang},
                },
                "meta": {"annotators": {}, "statuses": {}},
                "annotations": [],
            },
        )
        result = [_region(document, span) for span in layer.spans]
        result += [_link(relation) for relation in layer.relations]
        number = annotation_id(document, layer.annotator)
        task["meta"]["annotators"][str(number)] = layer.annotator
        task["meta"]["statuses"][str(number)] = layer.status
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
