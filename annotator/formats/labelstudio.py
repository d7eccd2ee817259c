"""Label Studio JSON: a list of tasks (or one task), each ``{"data": {"text"},
"annotations": [{"result": [...]}], "predictions": [...]}``.

Read: ``annotations[].result[]`` and the legacy ``completions[].result[]``; results of
``type: labels`` (one span per label) and ``type: relation`` (``from_id``/``to_id``,
``direction``, ``labels``). Each annotation is one annotator's layer (``completed_by``);
a cancelled annotation marks the document skipped. ``predictions`` become suggestions,
never annotations. When a result's ``value.text`` does not match its offsets read as code
points but does as UTF-16 units (Label Studio before its emoji fix), the offsets are
converted and a note says so. Other result types (choices, text areas) are listed as
not imported.

Written: one task per document, one annotation per annotator, results ``labels`` and
``relation``. Span attributes and notes and link attributes are not held: each one is
listed in the export report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.ingest import DocumentIn, RelationIn, SpanIn, StatusIn, SuggestionIn
from annotator.core.project import Project
from annotator.formats.common import checked_offsets, read_json, record_error
from annotator.formats.export import ExportFilter, ExportReport, atomic_output, select_layers


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


def _annotator(annotation: dict[str, Any]) -> str | None:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return f"labelstudio-{who}" if isinstance(who, int) else who or None


def task_to_document(task: Any, location: str, notes: list[str]) -> DocumentIn:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise ValueError("a Label Studio task is an object with 'data'")
    text = _text_of(task["data"])
    record = DocumentIn(
        text=text,
        title=str(task["data"].get("title") or text.strip().split("\n", 1)[0][:60]),
        where=location,
        meta={"labelstudio_id": task["id"]} if "id" in task else {},
    )
    ignored: set[str] = set()
    for annotation in [*task.get("annotations", []), *task.get("completions", [])]:
        annotator = _annotator(annotation)
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


def export_labelstudio(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    report = ExportReport(format="labelstudio", path=str(out))
    tasks: dict[int, dict[str, Any]] = {}
    for layer in select_layers(project, chosen):
        document = layer.document
        task = tasks.setdefault(
            document.id,
            {
                "id": document.id,
                "data": {"text": document.text, "title": document.title, "meta": document.meta},
                "annotations": [],
            },
        )
        result: list[dict[str, Any]] = []
        report.lose_extras(layer, "not held by Label Studio text regions")
        for span in layer.spans:
            result.append(
                {
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
            )
        for relation in layer.relations:
            result.append(
                {
                    "from_id": f"s{relation.head_id}",
                    "to_id": f"s{relation.child_id}",
                    "type": "relation",
                    "direction": "right",
                    "labels": [relation.label],
                }
            )
        task["annotations"].append(
            {
                "id": len(task["annotations"]) + 1,
                "completed_by": {"email": layer.annotator},
                "was_cancelled": layer.status == "skipped",
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
