"""Label names and keys are checked by one rule on every path in: the Labels dialog's
operation, import and merge. Keys a command uses never reach a label."""

from __future__ import annotations

import json

import orjson
import pytest

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.native import FORMAT
from annotator.formats.reader import read_paths
from annotator.gui.actions import action_specs
from annotator.model.errors import InputFileError, ValidationError
from annotator.model.imports import DocumentIn, SchemaIn, SpanIn
from annotator.model.names import MAX_NAME_LENGTH, key_problem, name_problem
from annotator.services.merge import merge_into

BAD_NAMES = [
    ("../x", "path separator"),
    ("a/b", "path separator"),
    ("a\\b", "path separator"),
    (".", "not a name"),
    ("..", "not a name"),
    ("x" * (MAX_NAME_LENGTH + 1), "longer than"),
    (" claim", "starts or ends with a space"),
    ("claim ", "starts or ends with a space"),
    ("a\tb", "control or invisible"),
    ("a\nb", "control or invisible"),
    ("a\x00b", "control or invisible"),
    ("a\u202eb", "control or invisible"),  # right-to-left override
    ("a\u2028b", "control or invisible"),
    ("", "needs a name"),
]
GOOD_NAMES = ["Named Entity", "人名", "9lives", "claim-2", "B.I.O", "x" * MAX_NAME_LENGTH]
COMMAND_KEYS = [
    ("Ctrl+Z", "Undo"),
    ("ctrl+q", "Quit"),
    ("Return", "Adopt into gold"),
    ("Enter", "Adopt into gold"),
    ("Tab", "Next span"),
    ("Delete", "Delete span"),
    ("l", "Link to"),
    ("G", "Adopt into gold"),
]


@pytest.mark.parametrize(("name", "problem"), BAD_NAMES)
def test_bad_label_name_is_refused_by_the_dialog_operation(project, name, problem):
    with pytest.raises(ValidationError, match=problem):
        project.add_label(name, "#123456")
    assert project.schema.label_names == ["claim", "source", "actor", "hedge"]


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_good_label_names_are_taken_everywhere(project, name, tmp_path):
    assert name_problem(name) is None
    project.add_label(name, "#123456")
    assert project.schema.has_label(name)


def _prodigy(tmp_path, label: str):
    path = tmp_path / "in.jsonl"
    lines = [
        {"text": "Good text here.", "spans": [{"start": 0, "end": 4, "label": "claim"}]},
        {"text": "Bad label here.", "spans": [{"start": 0, "end": 3, "label": label}]},
    ]
    path.write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    return path


@pytest.mark.parametrize(("name", "problem"), BAD_NAMES[:-1])
def test_bad_label_name_is_refused_on_import_with_file_and_line(project, tmp_path, name, problem):
    path = _prodigy(tmp_path, name)
    records = list(read_paths([path], "auto", []))
    with pytest.raises(InputFileError, match=problem) as refused:
        import_documents(project, records)
    assert str(refused.value).startswith(f"{path}:2: ")
    assert project.documents() == []
    report = import_documents(project, records, skip_invalid=True)
    assert report.documents_added == 1 and report.skipped[0].startswith(f"{path}:2: ")
    assert project.schema.label_names == ["claim", "source", "actor", "hedge"]


def test_bad_link_type_name_is_refused_on_import(project):
    from annotator.model.imports import RelationIn

    record = DocumentIn(
        text="Kim said so.",
        title="t",
        where="f.jsonl:7",
        spans=[SpanIn(0, 3, "source"), SpanIn(4, 8, "claim")],
        relations=[RelationIn(1, 0, "../../etc")],
    )
    with pytest.raises(InputFileError, match=r"f\.jsonl:7: link type name .* path separator"):
        import_documents(project, [record])


def test_merge_refuses_a_source_whose_spans_have_a_bad_label(project, tmp_path):
    source = tmp_path / "teammate.db"
    with Project.open(source, annotator="bob") as theirs:
        import_documents(theirs, [DocumentIn(text="Some text.", title="t", where="t")])
        theirs.db["labels"].insert(  # as a tampered or hand-edited file could hold it
            {"name": "../up", "colour": "#123456", "keys": "[]", "position": 9}
        )
        theirs.db["annotators"].insert({"name": "bob", "created": "2024"})
        theirs.db["spans"].insert(
            {
                "document_id": 1,
                "start": 0,
                "end": 4,
                "label": "../up",
                "annotator": "bob",
                "created": "2024",
                "updated": "2024",
            }
        )
    with pytest.raises(InputFileError, match="path separator"):
        merge_into(project, [source])
    assert project.documents() == []
    assert not project.schema.has_label("../up")


def _native_with_label(tmp_path, label: dict) -> object:
    header = {"format": FORMAT, "version": 1, "schema": {"labels": [label], "relations": []}}
    record = {"title": "t", "text": "Some text.", "spans": [], "relations": []}
    path = tmp_path / "native.jsonl"
    path.write_text(f"{json.dumps(header)}\n{json.dumps(record)}\n", "utf-8")
    return path


def _import_native(project, path):
    messages: list[str] = []
    schema = SchemaIn()
    records = list(read_paths([path], "auto", messages, schema=schema))
    return import_documents(project, records, schema=schema)


def test_bad_label_definition_in_a_native_header_is_dropped_with_a_note(project, tmp_path):
    path = _native_with_label(tmp_path, {"name": "a/b", "colour": "#123456", "keys": []})
    report = _import_native(project, path)
    assert report.documents_added == 1
    assert not project.schema.has_label("a/b")
    assert any("path separator" in note and "not imported" in note for note in report.notes)


@pytest.mark.parametrize(("key", "command"), COMMAND_KEYS)
def test_a_command_key_is_refused_by_the_dialog_operation(project, key, command):
    assert command in key_problem(key)
    with pytest.raises(ValidationError, match=f"used by the command {command}"):
        project.add_label("quote", "#123456", keys=(key,))
    with pytest.raises(ValidationError, match=f"used by the command {command}"):
        project.update_label("claim", keys=("1", key))


def test_command_keys_are_dropped_on_import_with_a_report(project, tmp_path):
    keys = [key for key, _ in COMMAND_KEYS] + ["q", "c", "Q"]
    path = _native_with_label(tmp_path, {"name": "quote", "colour": "#123456", "keys": keys})
    report = _import_native(project, path)
    assert project.schema.label("quote").keys == ("q",)
    dropped = [note for note in report.notes if "the key was dropped" in note]
    assert len(dropped) == len(keys) - 1
    assert any("'Ctrl+Z' is used by the command Undo" in note for note in dropped)
    assert any("'c' is already used by label 'claim'" in note for note in dropped)


def _shortcut_owners(schema) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for spec in action_specs(schema):
        for key in spec.shortcuts:
            owners.setdefault(key.upper(), []).append(spec.name)
    return owners


def test_after_a_merge_ctrl_z_still_undoes(project, tmp_path):
    """A teammate's label holding Ctrl+Z (a hand-edited or older file) is merged without
    the key: Ctrl+Z stays Undo's alone, and the merge report says what was dropped."""
    source = tmp_path / "teammate.db"
    with Project.open(source, annotator="bob") as theirs:
        import_documents(
            theirs,
            [DocumentIn(text="Some text.", title="t", where="t", spans=[SpanIn(0, 4, "claim")])],
        )
        theirs.db["labels"].insert(
            {"name": "quote", "colour": "#123456", "keys": '["Ctrl+Z", "Return", "w"]'}
        )
    report = merge_into(project, [source])
    assert project.schema.label("quote").keys == ("w",)
    owners = _shortcut_owners(project.schema)
    assert owners["CTRL+Z"] == ["undo"]
    assert "label:quote" not in owners["RETURN"]
    assert sum("the key was dropped" in note for note in report.notes) == 2
