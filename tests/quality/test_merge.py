"""Merging annotators' projects: provenance, idempotence, schema differences, overlaps."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.core.samples import sample_text
from annotator.formats.writers import export
from annotator.model.imports import DocumentIn, SpanIn
from annotator.model.schema import default_schema
from annotator.services.merge import merge_into
from tests.conftest import add_document

HEDGE_DEFAULT = default_schema().label("hedge").colour  # the shipped colour

TEXT = sample_text()


def _span(project, doc, phrase, label, **kw):
    start = TEXT.find(phrase)
    return project.add_span(doc, start, start + len(phrase), label, **kw).spans_added[0]


@pytest.fixture
def alice_db(tmp_path):
    path = tmp_path / "alice.db"
    with Project.open(path, annotator="alice") as project:
        doc = add_document(project, TEXT, "sample")
        claim = _span(
            project,
            doc,
            "North Korean soldiers are probably engaged in combat",
            "claim",
            attributes={"checkworthy": True},
        )
        source = _span(project, doc, "South Korea’s defense minister", "source", note="role")
        project.add_relation(claim.id, source.id, attributes={"stance": "asserts"})
        project.set_status(doc, "done")
    return path


@pytest.fixture
def bob_db(tmp_path):
    path = tmp_path / "bob.db"
    with Project.open(path, annotator="bob") as project:
        doc = add_document(project, TEXT, "the same article, another title")
        _span(project, doc, "North Korean soldiers are probably engaged", "claim")  # overlaps
        _span(project, doc, "probably", "hedge")
        add_document(project, "Only Bob has this article.", "bob-only")
        project.update_label("hedge", colour="#AA0000")
        project.add_label("quote", "#76B7B2", keys=("q",))
    return path


def _counts(project):
    tables = ("documents", "spans", "relations", "document_status", "events", "labels")
    return {t: project.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_merge_keeps_every_annotator_with_provenance(tmp_path, alice_db, bob_db):
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        report = merge_into(team, [alice_db, bob_db])
        assert (report.documents_added, report.documents_matched) == (2, 1)
        sample = next(d for d in team.documents() if team.document(d.id).text == TEXT)
        spans = team.spans(sample.id, annotator=None)
        assert sorted((s.annotator, s.label) for s in spans) == [
            ("alice", "claim"),
            ("alice", "source"),
            ("bob", "claim"),
            ("bob", "hedge"),
        ]
        with Project.open(alice_db, annotator="alice") as alice:
            original = {(s.label, s.start, s.end): s for s in alice.spans(1)}
        for span in (s for s in spans if s.annotator == "alice"):
            source = original[(span.label, span.start, span.end)]
            assert (span.attributes, span.note, span.created, span.updated, span.origin) == (
                source.attributes,
                source.note,
                source.created,
                source.updated,
                source.origin,
            )
        (relation,) = team.relations(sample.id, annotator=None)
        assert (relation.annotator, relation.attributes) == ("alice", {"stance": "asserts"})
        statuses = dict(
            team.db.execute(
                "SELECT annotator, status FROM document_status WHERE document_id = ?", [sample.id]
            ).fetchall()
        )
        assert statuses == {"alice": "done", "bob": "in_progress"}
        origins = {
            row[0]
            for row in team.db.execute(
                "SELECT DISTINCT origin FROM events WHERE origin IS NOT NULL"
            )
        }
        assert len(origins) == 2  # the history of both projects, marked with where it came from
        assert report.events_added > 0


def test_merging_the_same_file_twice_changes_nothing(tmp_path, alice_db, bob_db):
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        merge_into(team, [alice_db, bob_db])
        before = _counts(team)
        export(team, "native", tmp_path / "first.jsonl")
        again = merge_into(team, [alice_db, bob_db, alice_db])
        assert _counts(team) == before
        assert (again.spans_added, again.relations_added, again.events_added) == (0, 0, 0)
        export(team, "native", tmp_path / "second.jsonl")
    assert (tmp_path / "first.jsonl").read_bytes() == (tmp_path / "second.jsonl").read_bytes()


def test_schema_differences_are_reported_and_everything_kept(tmp_path, alice_db, bob_db):
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        report = merge_into(team, [alice_db, bob_db])
        assert any(
            "label 'hedge': colour differs in bob.db (#AA0000)" in d
            for d in report.schema_differences
        )
        assert team.schema.label("hedge").colour == HEDGE_DEFAULT  # the target's kept
        assert "quote" in team.schema.label_names  # Bob's extra label added


def test_a_later_edit_wins_on_the_next_merge(tmp_path, alice_db):
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        merge_into(team, [alice_db])
    with Project.open(alice_db, annotator="alice") as alice:
        claim = next(s for s in alice.spans(1) if s.label == "claim")
        alice.set_span_attributes(claim.id, {"claim_type": "causal"})
        alice.set_span_note(claim.id, "check the MoD statement")
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        report = merge_into(team, [alice_db])
        merged = next(s for s in team.spans(1, annotator="alice") if s.label == "claim")
        assert merged.attributes == {"checkworthy": True, "claim_type": "causal"}
        assert merged.note == "check the MoD statement"
        assert report.spans_updated == 1


def test_native_exports_merge_the_same_way(tmp_path, alice_db, bob_db):
    with Project.open(alice_db, annotator="x") as alice:
        export(alice, "native", tmp_path / "alice.jsonl")
    with (
        Project.open(tmp_path / "a.db", annotator="lead") as from_db,
        Project.open(tmp_path / "b.db", annotator="lead") as from_jsonl,
    ):
        merge_into(from_db, [alice_db, bob_db])
        merge_into(from_jsonl, [tmp_path / "alice.jsonl", bob_db])
        for project in (from_db, from_jsonl):
            project.db.execute("DELETE FROM events")  # history comes only from project files
        export(from_db, "native", tmp_path / "x.jsonl")
        export(from_jsonl, "native", tmp_path / "y.jsonl")
    assert (tmp_path / "x.jsonl").read_bytes() == (tmp_path / "y.jsonl").read_bytes()


def test_merge_refuses_itself(tmp_path, alice_db):
    from annotator.model.errors import AnnotatorError

    with Project.open(alice_db, annotator="alice") as alice, pytest.raises(AnnotatorError):
        merge_into(alice, [alice_db])


def test_cli_merge(tmp_path, alice_db, bob_db):
    runner = CliRunner()
    result = runner.invoke(
        cli, ["merge", str(alice_db), str(bob_db), "-o", str(tmp_path / "t.db"), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["documents_added"] == 2 and report["spans_added"] == 4
    again = runner.invoke(cli, ["merge", str(alice_db), "-o", str(tmp_path / "t.db")])
    assert "0 spans added (2 already there" in again.output


def test_merge_carries_a_deletion_made_after_the_last_merge(tmp_path, alice_db):
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        merge_into(team, [alice_db])
    with Project.open(alice_db, annotator="alice") as alice:
        source = next(s for s in alice.spans(1) if s.label == "source")
        alice.delete_span(source.id)  # the mistake, and its link, removed
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        report = merge_into(team, [alice_db])
        labels = sorted(s.label for s in team.spans(1, annotator="alice"))
        assert labels == ["claim"]
        assert team.relations(1, annotator=None) == []
        assert report.deleted == {"spans": 1}
        again = merge_into(team, [alice_db])
        assert again.deleted == {}


def test_merge_keeps_what_was_changed_here_after_the_deletion(tmp_path, alice_db):
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        merge_into(team, [alice_db])
    with Project.open(alice_db, annotator="alice") as alice:
        claim = next(s for s in alice.spans(1) if s.label == "claim")
        alice.relabel_span(claim.id, "hedge")  # the claim at these offsets is gone
        source = next(s for s in alice.spans(1) if s.label == "source")
        alice.delete_span(source.id)
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        team.layer = "alice"  # the lead corrects alice's source in the team file, later
        source = next(s for s in team.spans(1) if s.label == "source")
        team.set_span_note(source.id, "keep: confirmed with the desk")
        report = merge_into(team, [alice_db])
        labels = sorted(s.label for s in team.spans(1, annotator="alice"))
        assert labels == ["hedge", "source"]
        assert report.deleted == {"spans": 1}


def test_merge_never_deletes_what_the_source_still_holds(tmp_path, alice_db):
    """A span deleted in the history and brought back by an import (which records no
    span events) is in the source: the merge keeps it."""
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        merge_into(team, [alice_db])
    with Project.open(alice_db, annotator="alice") as alice:
        source = next(s for s in alice.spans(1) if s.label == "source")
        alice.delete_span(source.id)
        record = DocumentIn(
            text=TEXT,
            title="again",
            where="again",
            spans=[SpanIn(source.start, source.end, "source", "alice", updated="2000-01-01")],
        )
        import_documents(alice, [record])
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        report = merge_into(team, [alice_db])
        assert "source" in {s.label for s in team.spans(1, annotator="alice")}
        assert report.deleted == {}


def test_merge_copies_stored_tokens_instead_of_tokenising(tmp_path, bob_db, monkeypatch):
    from annotator import text as nlp

    tokenised: list[str] = []
    real = nlp.tokenize_many

    def counted(texts, lang="en"):
        for text in texts:
            tokenised.append(text)
            yield from real([text], lang)

    monkeypatch.setattr(nlp, "tokenize_many", counted)
    with Project.open(tmp_path / "target.db", annotator="carol") as target:
        merge_into(target, [bob_db])
        rows = target.db.execute(
            "SELECT d.title, t.tokenizer, t.starts, t.ends FROM document_tokens t "
            "JOIN documents d ON d.id = t.document_id ORDER BY d.title"
        ).fetchall()
    with Project.open(bob_db, annotator="bob") as source:
        stored = source.db.execute(
            "SELECT d.title, t.tokenizer, t.starts, t.ends FROM document_tokens t "
            "JOIN documents d ON d.id = t.document_id ORDER BY d.title"
        ).fetchall()
    assert tokenised == []
    assert rows == stored and len(rows) == 2


def test_merge_reports_its_total_and_progress_per_document(tmp_path, alice_db, bob_db):
    totals: list[int] = []
    steps: list[int] = []
    with Project.open(tmp_path / "target.db", annotator="carol") as target:
        merge_into(target, [alice_db, bob_db], on_total=totals.append, progress=steps.append)
    assert totals == [3]  # Alice's one article and Bob's two
    assert steps == sorted(steps) and steps[-1] == 3
