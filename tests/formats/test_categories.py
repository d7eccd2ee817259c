"""Document categories (text classification): read from Prodigy, spaCy, doccano and
native files, kept in the project, written back by the formats that hold them, and
reported by those that cannot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.reader import read_paths
from annotator.formats.writers import export
from annotator.model.imports import CategoryIn, DocumentIn, SchemaIn, SpanIn
from annotator.services.merge import merge_into
from annotator.store import queries

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
TEXT = "Kyiv said the strike probably hit depots."


def _import(project, path, fmt="auto"):
    messages: list[str] = []
    schema = SchemaIn()
    records = list(read_paths([path], fmt, messages, schema=schema))
    return import_documents(project, records, schema=schema), messages


def _categories(project) -> set[tuple[str, str, str, float]]:
    """``(text, annotator, label, value)`` of every category in the project."""
    found = set()
    for summary in project.documents():
        text = project.document(summary.id).text
        for c in queries.categories_of(project.db, summary.id):
            found.add((text, c.annotator, c.label, c.value))
    return found


@pytest.fixture
def classified(project):
    """Two annotators' categories on one document (0.7 is a spaCy-style score), and a
    category-only document."""
    import_documents(
        project,
        [
            DocumentIn(
                text=TEXT,
                title="a",
                where="a",
                spans=[SpanIn(0, 4, "source", "alice")],
                categories=[
                    CategoryIn("military", 1.0, "alice"),
                    CategoryIn("economy", 0.0, "alice"),
                    CategoryIn("military", 0.7, "bob"),
                ],
            ),
            DocumentIn(
                text="Prices rose again.",
                title="b",
                where="b",
                categories=[CategoryIn("economy", 1.0, "alice")],
            ),
        ],
    )
    return project


# -- real files ------------------------------------------------------------------------------


def test_prodigy_textcat_answers_become_category_values(project):
    path = FIXTURES / "prodigy" / "reddit_insult_textcat_excerpt.jsonl"
    _import(project, path)
    tasks = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    expected = {
        (t["text"], project.annotator, t["label"], 1.0 if t["answer"] == "accept" else 0.0)
        for t in tasks
        if t["answer"] != "ignore"
    }
    assert _categories(project) == expected
    # a rejected label is a negative example, not a rejected layer: it stays training data
    statuses = {
        project.document(d.id).text: queries.status_of(project.db, d.id, project.annotator)
        for d in project.documents()
    }
    for task in tasks:
        row = statuses[task["text"]]
        if task["answer"] == "ignore":
            assert (row["status"], row["answer"]) == ("skipped", "ignore")
        else:
            assert (row["status"], row["answer"]) == ("done", None)


def test_doccano_intent_detection_records_are_read(project):
    path = FIXTURES / "doccano" / "intent_detection_import_example.jsonl"
    _import(project, path)
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    spans = set()
    for summary in project.documents():
        text = project.document(summary.id).text
        spans |= {
            (text, s.start, s.end, s.label) for s in project.spans(summary.id, annotator=None)
        }
    assert spans == {(r["text"], *entity) for r in records for entity in r["entities"]}
    assert _categories(project) == {
        (r["text"], project.annotator, cat, 1.0) for r in records for cat in r["cats"]
    }


def test_doccano_classification_labels_are_categories(project):
    path = FIXTURES / "doccano" / "text_classification_export_example.jsonl"
    _, messages = _import(project, path)
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert _categories(project) == {
        (r["text"], project.annotator, label, 1.0) for r in records for label in r["label"]
    }
    assert not messages  # no "no spans" warning: the categories are what it holds


# -- written back ----------------------------------------------------------------------------


def _round_trip(project, fmt, tmp_path):
    out = tmp_path / f"out.{fmt}"
    report = export(project, fmt, out)
    again = Project.open(":memory:", annotator="importer")
    _import(again, out, fmt=fmt)
    return report, again


@pytest.mark.parametrize("fmt", ["native", "prodigy", "spacy", "doccano"])
def test_formats_that_hold_categories_write_them_back(classified, tmp_path, fmt):
    report, again = _round_trip(classified, fmt, tmp_path)
    lost = {(lost.document_id, *lost.item) for lost in report.lost if lost.what == "category"}
    texts = {d.id: classified.document(d.id).text for d in classified.documents()}
    lost_keys = {(texts[doc], *rest) for doc, *rest in lost}
    assert _categories(again) == _categories(classified) - lost_keys
    if fmt == "doccano":  # it lists the categories that apply, nothing else
        assert lost_keys == {(TEXT, "alice", "economy", 0.0), (TEXT, "bob", "military", 0.7)}
    else:
        assert not lost_keys


@pytest.mark.parametrize("fmt", ["labelstudio", "brat", "conll", "csv"])
def test_formats_without_categories_report_each_one(classified, tmp_path, fmt):
    out = tmp_path / ("out" if fmt == "brat" else f"out.{fmt}")
    report = export(classified, fmt, out)
    texts = {d.id: classified.document(d.id).text for d in classified.documents()}
    reported = {
        (texts[lost.document_id], *lost.item) for lost in report.lost if lost.what == "category"
    }
    assert reported == _categories(classified)
    assert any("category military = 0.7" in problem for problem in report.problems)


def test_prodigy_writes_one_category_as_label_and_answer(project, tmp_path):
    import_documents(
        project,
        [DocumentIn(text=TEXT, title="a", where="a", categories=[CategoryIn("INSULT", 0.0)])],
    )
    export(project, "prodigy", tmp_path / "out.jsonl")
    (task,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert (task["label"], task["answer"], task["_view_id"]) == (
        "INSULT",
        "reject",
        "classification",
    )


def test_native_round_trip_with_categories_is_byte_identical(classified, tmp_path):
    export(classified, "native", tmp_path / "a.jsonl")
    again = Project.open(":memory:", annotator="importer")
    _import(again, tmp_path / "a.jsonl")
    export(again, "native", tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    record = json.loads((tmp_path / "a.jsonl").read_text().splitlines()[1])
    assert [(c["annotator"], c["label"]) for c in record["categories"]] == [
        ("alice", "economy"),
        ("alice", "military"),
        ("bob", "military"),
    ]


def test_native_records_without_categories_still_import(project, tmp_path):
    path = tmp_path / "old.jsonl"
    header = {"format": "annotator-native", "version": 1, "schema": {"labels": []}}
    path.write_text(json.dumps(header) + "\n" + json.dumps({"text": TEXT, "title": "a"}) + "\n")
    report, _ = _import(project, path)
    assert (report.documents_added, _categories(project)) == (1, set())


def test_merge_carries_categories_once_and_the_newer_wins(classified, tmp_path):
    target = Project.open(tmp_path / "team.db", annotator="lead")
    merge_into(target, [Path(classified.path)])
    assert _categories(target) == _categories(classified)
    merge_into(target, [Path(classified.path)])
    assert _categories(target) == _categories(classified)
    later = CategoryIn("military", 0.0, "alice", updated="2999-01-01T00:00:00")
    import_documents(classified, [DocumentIn(text=TEXT, title="a", where="a", categories=[later])])
    merge_into(target, [Path(classified.path)])
    assert (TEXT, "alice", "military", 0.0) in _categories(target)
    assert _categories(target) == _categories(classified)
    newest = CategoryIn("military", 1.0, "alice", updated="3000-01-01T00:00:00")
    import_documents(target, [DocumentIn(text=TEXT, title="a", where="a", categories=[newest])])
    merge_into(target, [Path(classified.path)])  # holds an older version: the target's stays
    assert (TEXT, "alice", "military", 1.0) in _categories(target)


def test_stats_counts_the_documents_each_category_applies_to(classified, db_path):
    result = CliRunner().invoke(cli, ["stats", "--db", str(db_path), "--json"])
    assert json.loads(result.stdout)["categories"] == {"economy": 1, "military": 2}
    result = CliRunner().invoke(cli, ["stats", "--db", str(db_path)])
    assert "categories (documents they apply to)" in result.stdout
