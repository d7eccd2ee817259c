"""``annotator suggest`` stores the attribution rules' structures; the native JSONL
carries them out and back."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.project import Project
from annotator.core.samples import sample_text
from tests.conftest import add_document


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def suggested(runner, db_path):
    with Project.open(db_path, annotator="alice") as project:
        add_document(project, sample_text(), "sample")
    result = runner.invoke(cli, ["--db", str(db_path), "suggest"])
    assert result.exit_code == 0, result.output
    assert "from rules:attribution" in result.output and "attributed_to" in result.output
    return db_path


def _export_native(runner, project, out):
    result = runner.invoke(
        cli, ["--db", str(project), "export", "--format", "native", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cli_suggest_then_native_export_lists_suggested_relations(runner, suggested, tmp_path):
    out = tmp_path / "native.jsonl"
    _export_native(runner, suggested, out)
    (document,) = [r for r in _records(out) if "text" in r]
    suggestions, links = document["suggestions"], document["suggested_relations"]
    attributed = [link for link in links if link["label"] == "attributed_to"]
    assert attributed
    for link in attributed:
        assert suggestions[link["head"]]["label"] == "claim"
        assert suggestions[link["child"]]["label"] == "source"
        for start, end in link["attributes"]["cue"]:
            assert 0 <= start < end <= len(document["text"])
            assert document["text"][start:end].strip()
        assert link["source"] == "rules:attribution" and link["status"] == "open"


def test_cli_native_with_suggested_relations_round_trips_byte_for_byte(runner, suggested, tmp_path):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    empty = tmp_path / "empty.db"
    _export_native(runner, suggested, first)
    assert runner.invoke(cli, ["--db", str(empty), "import", str(first)]).exit_code == 0
    _export_native(runner, empty, second)
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize(
    ("options", "sources"),
    [
        (["--no-attribution"], {"pattern:hedges"}),
        (["--attribution-only"], {"rules:attribution"}),
    ],
)
def test_cli_suggest_attribution_switches(runner, db_path, options, sources):
    with Project.open(db_path, annotator="alice") as project:
        add_document(project, sample_text(), "sample")
    result = runner.invoke(cli, ["--db", str(db_path), "suggest", "--json", *options])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["suggestions"]) == sources


def test_cli_suggest_leaves_a_decided_structure_alone(runner, suggested):
    with Project.open(suggested, annotator="alice") as project:
        claim = next(s for s in project.suggestions(1) if s.label == "claim")
        project.accept_structure(1, claim)
        before = len(project.spans(1)), len(project.relations(1))
    result = runner.invoke(cli, ["--db", str(suggested), "suggest", "--json"])
    assert json.loads(result.stdout)["suggestions"] == {}
    with Project.open(suggested, annotator="alice") as project:
        assert (len(project.spans(1)), len(project.relations(1))) == before
        assert claim.place not in {s.place for s in project.suggestions(1)}
