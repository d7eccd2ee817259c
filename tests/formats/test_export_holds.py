"""What each layer format holds (its declared ``HOLDS``) comes back through its own
import; everything it does not hold is in the export report, one item per thing lost,
summarised for people. Statuses, link attributes and document metadata survive the
formats that can carry them, and our own bookkeeping ids do not pile up in metadata."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.export import Holds
from annotator.formats.reader import read_paths
from annotator.formats.writers import EXPORTERS, LAYER_FORMATS, export
from annotator.model.imports import DocumentIn, SchemaIn
from annotator.store import queries

TEXT = "Kim said the strike probably hit depots. Officials denied it."
WHAT_OF = {
    "span_attributes": "attributes",
    "span_notes": "note",
    "links": "link",
    "link_attributes": "link attributes",
    "categories": "category",
    "statuses": "status",
    "annotators": "annotator",
    "document_meta": "document metadata",
    "document_note": "document note",
    "claim_records": "claim record",
    "evidence": "evidence",
    "claim_matches": "claim match",
}
"""A field of :class:`Holds` → what the report calls the thing it says is held."""


def _holds(fmt: str, **options) -> Holds:
    import importlib

    module = {"spacy": "spacy_docbin", "csv": "csv_format"}.get(fmt, fmt)
    where = "annotator.formats"
    if fmt == "hf":  # it reports agreement, a service
        module, where = "huggingface", "annotator.services"
    found = importlib.import_module(f"{where}.{module}")
    if fmt == "conll" and not options.get("comments"):
        return found.WITHOUT_COMMENTS
    return found.HOLDS


def _span(project: Project, document_id: int, phrase: str, label: str, **kw) -> int:
    start = TEXT.index(phrase)
    return project.add_span(document_id, start, start + len(phrase), label, **kw).spans_added[0].id


@pytest.fixture
def rich(db_path: Path) -> Project:
    """One document with everything a project stores for it: metadata and a note;
    alice in progress with attributes, notes, links with attributes, a category, a claim
    record with evidence and a match; bob done; carol skipped without a span."""
    alice = Project.open(db_path, annotator="alice")
    import_documents(
        alice,
        [
            DocumentIn(
                text=TEXT,
                title="Depots",
                where="x",
                lang="en",
                meta={"outlet": "Wire", "url": "https://wire.example/1"},
                note="check the date",
            )
        ],
    )
    doc = alice.documents()[0].id
    kim = _span(alice, doc, "Kim", "source", attributes={"specificity": "named_person"})
    claim = _span(alice, doc, "the strike probably hit depots", "claim", note="verify")
    hedge = _span(alice, doc, "probably", "hedge")
    alice.set_span_attributes(claim, {"checkworthy": True})
    alice.add_relation(claim, kim, attributes={"cue": [[4, 8]], "stance": "asserts"})
    alice.add_relation(hedge, claim)
    alice.set_category(doc, "military", 1.0)
    alice.set_claim_record(claim, status="verified", verdict="Confirmed by satellite images")
    alice.add_evidence(claim, "https://images.example/1", stance="supports")
    bob = Project.open(db_path, annotator="bob")
    other = _span(bob, doc, "the strike probably hit depots", "claim")
    bob.set_status(doc, "done")
    alice.set_match(claim, other, "confirmed")
    carol = Project.open(db_path, annotator="carol")
    carol.set_status(doc, "skipped")
    return alice


def _output(tmp_path: Path, fmt: str) -> Path:
    return tmp_path / ("out" if fmt in ("brat", "hf") else f"out.{fmt}")


CASES = [(fmt, {}) for fmt in LAYER_FORMATS] + [("conll", {"comments": True})]


@pytest.mark.parametrize(
    ("fmt", "options"), CASES, ids=[f + ("-comments" if o else "") for f, o in CASES]
)
def test_export_reports_exactly_what_its_format_does_not_hold(rich, tmp_path, fmt, options):
    holds = _holds(fmt, **options)
    report = export(rich, fmt, _output(tmp_path, fmt), **options)
    central = {lost.what for lost in report.lost if lost.reason.startswith(holds.name)}
    not_held = {
        WHAT_OF[f.name]
        for f in fields(Holds)
        if f.name in WHAT_OF and getattr(holds, f.name) is False
    }
    if not holds.links:
        not_held.discard("link attributes")  # the whole link is reported instead
    assert central == not_held
    assert not [lost for lost in report.lost if lost.what == "span"]  # all on tokens


def test_every_layer_format_declares_what_it_holds():
    assert set(LAYER_FORMATS) == set(EXPORTERS) - {"native", "claimreview", "claims-csv"}
    for fmt in LAYER_FORMATS:
        assert isinstance(_holds(fmt), Holds)


def _reimported(fmt: str, out: Path) -> Project:
    schema = SchemaIn()
    again = Project.open(":memory:", annotator="importer")
    import_documents(again, list(read_paths([out], "auto", [], schema=schema)), schema=schema)
    return again


def _state(project: Project) -> dict[str, object]:
    """What each kind of held thing is, by content (never by id)."""
    (summary,) = project.documents()
    document = project.document(summary.id)
    spans = project.spans(summary.id, annotator=None)
    by_id = {s.id: (s.annotator, s.label, s.start, s.end) for s in spans}
    return {
        "status": queries.statuses_of(project.db, summary.id),
        "annotator": {s.annotator for s in spans},
        "document metadata": (document.title, document.lang, document.meta),
        "document note": document.note,
        "attributes": {by_id[s.id]: s.attributes for s in spans},
        "note": {by_id[s.id]: s.note for s in spans},
        "link": {
            (by_id[r.head_id], by_id[r.child_id], r.label)
            for r in project.relations(summary.id, annotator=None)
        },
        "link attributes": {
            (by_id[r.head_id], by_id[r.child_id], r.label): r.attributes
            for r in project.relations(summary.id, annotator=None)
        },
        "category": {
            (c.annotator, c.label, c.value) for c in queries.categories_of(project.db, summary.id)
        },
    }


@pytest.mark.parametrize("fmt", [f for f in LAYER_FORMATS if f not in ("csv", "conll", "hf")])
def test_what_a_format_holds_comes_back_through_its_import(rich, tmp_path, fmt):
    holds = _holds(fmt)
    out = _output(tmp_path, fmt)
    report = export(rich, fmt, out)
    before, after = _state(rich), _state(_reimported(fmt, out))
    lost = {lost.what for lost in report.lost}
    for field in fields(Holds):
        what = WHAT_OF.get(field.name)
        if what in after and getattr(holds, field.name) and what not in lost:
            assert after[what] == before[what], what


def test_conll_with_comments_keeps_the_annotators(rich, tmp_path):
    out = tmp_path / "out.conll"
    export(rich, "conll", out, comments=True)
    assert _state(_reimported("conll", out))["annotator"] == {"alice", "bob"}


@pytest.mark.parametrize("fmt", ["prodigy", "labelstudio", "spacy", "brat"])
def test_in_progress_and_new_layers_keep_their_status(rich, tmp_path, fmt):
    """Prodigy's answer cannot say "in progress" (it said accept, which came back as
    done); our ``annotator_status`` and Label Studio's task meta can."""
    dave = Project.open(rich.path, annotator="dave")
    doc = rich.documents()[0].id
    dave.add_span(doc, 0, 3, "actor")  # in progress
    out = _output(tmp_path, fmt)
    export(rich, fmt, out)
    statuses = _state(_reimported(fmt, out))["status"]
    assert statuses == {
        "alice": "in_progress",
        "bob": "done",
        "carol": "skipped",
        "dave": "in_progress",
    }


def test_prodigy_keeps_link_attributes(rich, tmp_path):
    export(rich, "prodigy", tmp_path / "a.jsonl")
    links = _state(_reimported("prodigy", tmp_path / "a.jsonl"))["link attributes"]
    assert {"cue": [[4, 8]], "stance": "asserts"} in links.values()


@pytest.mark.parametrize("fmt", [f for f in LAYER_FORMATS if f not in ("csv", "conll", "hf")])
def test_no_bookkeeping_ids_accumulate_in_metadata(rich, tmp_path, fmt):
    """Export → import → export → import: the metadata is the document's own, every
    time (no ``document_id``, ``labelstudio_id`` or file name of ours)."""
    first = _output(tmp_path / "1", fmt)
    first.parent.mkdir()
    export(rich, fmt, first)
    again = _reimported(fmt, first)
    second = _output(tmp_path / "2", fmt)
    second.parent.mkdir()
    export(again, fmt, second)
    meta = _state(_reimported(fmt, second))["document metadata"][2]
    assert meta == {"outlet": "Wire", "url": "https://wire.example/1"}


def test_labelstudio_export_keeps_data_meta_and_a_foreign_task_id(tmp_path):
    task = {
        "id": 17,
        "data": {"text": "Kim said it.", "meta": {"outlet": "Wire"}, "url": "https://w.example"},
        "annotations": [],
    }
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), "utf-8")
    project = _reimported("labelstudio", path)
    meta = project.document(project.documents()[0].id).meta
    assert meta == {"outlet": "Wire", "url": "https://w.example", "labelstudio_id": 17}


def test_report_summarises_repeated_losses_and_json_keeps_every_item(db_path, tmp_path):
    project = Project.open(db_path, annotator="alice")
    records = [
        DocumentIn(f"Text number {n} says Kim.", f"t{n}", "x", note=f"note {n}") for n in range(12)
    ]
    import_documents(project, records)
    for summary in project.documents():
        project.add_span(summary.id, 0, 4, "claim")
    project.close()
    out = tmp_path / "a.jsonl"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["export", "--db", str(db_path), "--format", "prodigy", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "document note" in line]
    assert lines == [
        "not exported exactly: document notes: 12 documents "
        "(Prodigy JSONL has no place for document notes)"
    ]
    result = runner.invoke(
        cli, ["export", "--db", str(db_path), "--format", "prodigy", "-o", str(out), "--json"]
    )
    report = json.loads(result.output)
    assert sum(lost["what"] == "document note" for lost in report["lost"]) == 12
    assert sum("document note" in problem for problem in report["problems"]) == 12
