"""What a fact-checker and a pattern writer keep survives the native export and merge.

The property test (``test_project_roundtrip``) covers random projects; these are the
cases users lost work in, named, through the public API a user sees.
"""

from __future__ import annotations

import pytest

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.core.samples import sample_text
from annotator.formats.reader import read_paths
from annotator.formats.writers import export
from annotator.model.imports import SchemaIn
from annotator.services.merge import merge_into
from tests.conftest import add_document

TEXT = sample_text()
OTHER = "Officials said North Korean soldiers are probably engaged in combat in Ukraine."


def _span(project, doc, phrase, label, text=TEXT):
    start = text.find(phrase)
    return project.add_span(doc, start, start + len(phrase), label).spans_added[0].id


@pytest.fixture
def checked(tmp_path):
    """A fact-checker's project: records, evidence, matches, statuses, patterns, settings."""
    path = tmp_path / "checker.db"
    with Project.open(path, annotator="fact") as project:
        doc = add_document(project, TEXT, "sample")
        other_doc = add_document(project, OTHER, "other")
        claim = _span(project, doc, "North Korean soldiers are probably engaged in combat", "claim")
        again = _span(
            project, other_doc, "North Korean soldiers are probably engaged", "claim", OTHER
        )
        unrelated = _span(project, other_doc, "Officials", "claim", OTHER)
        project.add_claim_status("needs_expert")
        project.set_claim_record(claim, status="false", verdict="No evidence", rating="False")
        project.set_claim_record(claim, normalized="NK troops fight in Ukraine", assignee="ana")
        project.set_claim_record(unrelated, status="needs_expert")
        project.add_evidence(claim, "https://example.org/mod", stance="refutes", quote="denied")
        project.set_match(claim, again, "confirmed", 0.91)
        project.set_match(claim, unrelated, "rejected", 0.4)
        project.add_pattern("hedge", "it is feared")
        project.remove_pattern("hedge", "probably")  # a shipped one, switched off
        project.set_project_value("publisher", "Desk")
        project.set_project_value("review_url", "https://desk.example/{id}")
    return path


def _what_users_see(project: Project) -> dict:
    claims = {
        (project.document(s.document_id).title, s.start, s.end): s.id
        for d in project.documents()
        for s in project.spans(d.id, annotator=None)
        if s.label == "claim"
    }
    return {
        "records": {
            key: {k: v for k, v in project.claim_record(i).items() if k != "span_id"}
            | {"evidence": [_evidence(e) for e in project.claim_record(i)["evidence"]]}
            for key, i in claims.items()
        },
        "history": {key: project.claim_history(i) for key, i in claims.items()},
        "statuses": project.claim_statuses(),
        "patterns": [(p.label, p.pattern, p.pattern_set) for p in project.patterns()],
        "settings": (project.project_value("publisher"), project.project_value("review_url")),
    }


def _evidence(row):
    return {k: row[k] for k in ("location", "quote", "stance", "retrieved", "annotator")}


def test_native_round_trip_keeps_fact_checking(tmp_path, checked):
    with Project.open(checked, annotator="fact") as source:
        expected = _what_users_see(source)
        export(source, "native", tmp_path / "all.jsonl")
    assert expected["records"][("sample", 54, 106)]["status"] == "false"
    assert len(expected["history"][("sample", 54, 106)]) >= 3
    with Project.open(tmp_path / "new.db", annotator="someone") as target:
        schema = SchemaIn()
        records = list(read_paths([tmp_path / "all.jsonl"], "auto", [], schema=schema))
        import_documents(target, records, schema=schema)
        assert _what_users_see(target) == expected


def test_merge_keeps_fact_checking(tmp_path, checked):
    with Project.open(checked, annotator="fact") as source:
        expected = _what_users_see(source)
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        report = merge_into(team, [checked])
        assert (report.claim_records_added, report.evidence_added) == (2, 1)
        assert report.claim_matches_added == 2
        assert _what_users_see(team) == expected


def test_merge_takes_the_later_verdict(tmp_path, checked):
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        merge_into(team, [checked])
    with Project.open(checked, annotator="fact") as source:
        claim = next(s.id for s in source.spans(1) if s.label == "claim")
        source.set_claim_record(claim, status="misleading", verdict="Partly")
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        report = merge_into(team, [checked])
        claim = next(s.id for s in team.spans(1, annotator="fact") if s.label == "claim")
        assert (team.claim_record(claim)["status"], report.claim_records_updated) == (
            "misleading",
            1,
        )
        assert team.claim_history(claim)[-1]["what"].startswith("status: false → misleading")


def test_merge_into_used_project_reports_different_settings(tmp_path, checked):
    with Project.open(tmp_path / "team.db", annotator="lead") as team:
        add_document(team, "Something else entirely.", "own")
        team.set_project_value("publisher", "Team desk")
        report = merge_into(team, [checked])
        assert team.project_value("publisher") == "Team desk"
        assert team.project_value("review_url") == "https://desk.example/{id}"  # was unset
        assert any("setting 'publisher'" in note for note in report.notes)
