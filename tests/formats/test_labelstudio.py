"""Label Studio: what a real Label Studio server accepts and gives back (the fixture is
its export of our export, see tests/fixtures/interop/README.md), annotator names through
``meta.annotators`` and ``import_id``, the older ``completed_by`` forms, flat tasks."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import orjson
import pytest

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.labelstudio import label_config
from annotator.formats.reader import detect_format, read_paths
from annotator.formats.writers import export
from annotator.model.imports import DocumentIn, SchemaIn, SpanIn, StatusIn
from annotator.model.schema import Label, RelationType, Schema
from tests.interop.content import link_keys, span_keys, status_keys, tricky_records

FIXTURES = Path(__file__).parent.parent / "fixtures" / "interop" / "labelstudio"


def _imported(*paths: Path) -> Project:
    schema = SchemaIn()
    project = Project.open(":memory:", annotator="importer")
    import_documents(
        project, list(read_paths(list(paths), "auto", [], schema=schema)), schema=schema
    )
    return project


@pytest.fixture
def tricky() -> Project:
    project = Project.open(":memory:", annotator="importer")
    import_documents(project, tricky_records())
    return project


def test_labelstudio_export_names_annotators_in_task_meta_not_completed_by(tricky, tmp_path):
    export(tricky, "labelstudio", tmp_path / "a.json")
    tasks = orjson.loads((tmp_path / "a.json").read_bytes())
    annotations = [a for task in tasks for a in task["annotations"]]
    assert annotations and not [a for a in annotations if "completed_by" in a]
    names = {}
    for task in tasks:
        ids = [a["id"] for a in task["annotations"]]
        assert sorted(task["meta"]["annotators"]) == sorted(str(i) for i in ids)
        names.update(task["meta"]["annotators"])
    assert sorted(names.values()) == ["alice", "alice", "bob", "bob", "carol"]
    assert all(isinstance(i, int) and 0 < i < 2**53 for i in (a["id"] for a in annotations))
    assert len({a["id"] for a in annotations}) == len(annotations)


def test_labelstudio_annotation_ids_are_the_same_in_every_export(tricky, tmp_path):
    export(tricky, "labelstudio", tmp_path / "a.json")
    import_documents(tricky, [DocumentIn(text="Another text.", title="x", where="x")])
    export(tricky, "labelstudio", tmp_path / "b.json")

    def ids(path):
        return {
            n: name
            for t in orjson.loads(path.read_bytes())
            for n, name in t["meta"]["annotators"].items()
        }

    assert ids(tmp_path / "a.json") == ids(tmp_path / "b.json")


def test_labelstudio_marks_only_the_gold_layer_as_ground_truth(tmp_path):
    project = Project.open(":memory:", annotator="importer")
    record = DocumentIn(text="Kim said it.", title="t", where="t")
    record.spans = [SpanIn(0, 3, "source", annotator=name) for name in ("gold", "alice")]
    record.statuses = [StatusIn("gold", "done"), StatusIn("alice", "done")]
    import_documents(project, [record])
    export(project, "labelstudio", tmp_path / "a.json")
    (task,) = orjson.loads((tmp_path / "a.json").read_bytes())
    truth = {
        task["meta"]["annotators"][str(a["id"])]: a["ground_truth"] for a in task["annotations"]
    }
    assert truth == {"gold": True, "alice": False}


def test_labelstudio_own_export_of_our_file_gives_back_annotators_spans_and_links(tricky):
    """Label Studio credits every imported annotation to the importing user
    (``completed_by: 1``) and renumbers them, keeping our ids as ``import_id``."""
    again = _imported(FIXTURES / "labelstudio_1.23.2_export_of_annotator_export.json")
    assert span_keys(again) == span_keys(tricky)
    assert link_keys(again) == link_keys(tricky)
    assert status_keys(again) == status_keys(tricky)


def test_labelstudio_export_roundtrip_keeps_annotators(tricky, tmp_path):
    export(tricky, "labelstudio", tmp_path / "a.json")
    again = _imported(tmp_path / "a.json")
    assert span_keys(again) == span_keys(tricky)
    assert status_keys(again) == status_keys(tricky)


@pytest.mark.parametrize(
    ("annotation", "meta", "annotator"),
    [
        ({"id": 5}, {"annotators": {"5": "alice"}}, "alice"),  # our own file
        ({"id": 1, "import_id": 5, "completed_by": 1}, {"annotators": {"5": "alice"}}, "alice"),
        # made in Label Studio: its own id may equal one of ours; only import_id counts
        (
            {"id": 5, "import_id": None, "completed_by": 7},
            {"annotators": {"5": "alice"}},
            "labelstudio-7",
        ),
        ({"id": 2, "completed_by": {"email": "alice"}}, {}, "alice"),  # written before
        ({"completed_by": {"id": 3, "email": ""}}, {}, "labelstudio-3"),
        ({"completed_by": 7}, {"annotators": "not a map"}, "labelstudio-7"),
        ({"completed_by": "bob"}, {}, "bob"),
    ],
)
def test_labelstudio_reads_the_annotator_of_every_form(tmp_path, annotation, meta, annotator):
    task = {
        "data": {"text": "Kim said it."},
        "meta": meta,
        "annotations": [
            {
                **annotation,
                "result": [
                    {
                        "id": "a",
                        "type": "labels",
                        "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["source"]},
                    }
                ],
            }
        ],
    }
    (tmp_path / "t.json").write_text(json.dumps([task]), "utf-8")
    project = _imported(tmp_path / "t.json")
    assert {key[1] for key in span_keys(project)} == {annotator}


def test_labelstudio_flat_tasks_import_as_documents(tmp_path):
    """Label Studio imports a list of data objects (no "data") as tasks; so do we."""
    path = tmp_path / "tasks.json"
    tasks = [{"text": "First 😀 article.", "title": "One"}, {"text": "Second article.", "url": "u"}]
    path.write_text(json.dumps(tasks), "utf-8")
    assert detect_format(path) == "labelstudio"
    project = _imported(path)
    texts = {project.document(d.id).text: d.title for d in project.documents()}
    assert texts == {"First 😀 article.": "One", "Second article.": "Second article."}


def test_label_config_holds_every_label_and_link_type_escaped():
    schema = Schema(
        labels=(
            Label.from_dict({"name": 'say "x" & <y>', "colour": "#ff0000"}),
            Label.from_dict({"name": "claim", "colour": "#00ff00"}),
        ),
        relations=(
            RelationType("attributed_to", "claim", "*"),
            RelationType("attributed_to", "*", "claim"),
            RelationType("a&b", "claim", "claim"),
        ),
    )
    root = ElementTree.fromstring(label_config(schema))
    labels = root.find("Labels")
    assert (labels.get("name"), labels.get("toName")) == ("label", "text")
    assert [e.get("value") for e in labels] == ['say "x" & <y>', "claim"]
    assert [e.get("value") for e in root.find("Relations")] == ["attributed_to", "a&b"]
    text = root.find("Text")
    assert (text.get("name"), text.get("value")) == ("text", "$text")


@pytest.mark.parametrize(
    "record",
    [
        {"text": "Kim said it.", "spans": [{"start": 0, "end": 3, "label": "source"}]},
        {"text": "Kim said it.", "entities": [[0, 3, "source"]]},
        {"text": "Kim said it.", "annotations": []},
    ],
)
def test_a_json_list_with_other_annotations_is_not_taken_for_flat_tasks(tmp_path, record):
    """Read as Label Studio data, their annotations would be dropped without a word."""
    path = tmp_path / "records.json"
    path.write_text(json.dumps([record]), "utf-8")
    assert detect_format(path) != "labelstudio"
