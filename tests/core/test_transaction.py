"""The one runner (``Project.transact``): one transaction, one history event, listeners
in the transaction and after the commit, a change that says where it came from."""

from __future__ import annotations

import pytest

from annotator.core.ingest import import_documents
from annotator.model.changes import Kind
from annotator.model.errors import ValidationError
from annotator.model.imports import DocumentIn, SpanIn
from annotator.model.records import RowChange
from annotator.services.merge import merge_into


def _events(project) -> list[tuple[str, str]]:
    return [(r["op"], r["description"]) for r in project.db["events"].rows_where(order_by="id")]


def _hedge_row(document_id: int) -> RowChange:
    row = {
        "document_id": document_id,
        "annotator": "alice",
        "start": 0,
        "end": 5,
        "label": "hedge",
        "origin": "manual",
        "attributes": "{}",
        "note": "",
        "created": "2026-01-01T00:00:00.000+00:00",
        "updated": "2026-01-01T00:00:00.000+00:00",
    }
    return RowChange("spans", (None,), None, row)


def test_transact_records_one_event_with_the_description_set_last(project, sample_doc):
    before = len(_events(project))
    with project.transact("add_span", "Add something") as transaction:
        transaction.apply([_hedge_row(sample_doc)])
        transaction.description = "Add hedge"
    assert _events(project)[before:] == [("add_span", "Add hedge")]
    change = transaction.change
    assert change.op == "add_span" and len(change.rows) == 1
    assert change.summary.touches(Kind.SPANS) and change.summary.origin == "edit"
    assert project.spans(sample_doc)[0].label == "hedge"


def test_transact_that_wrote_nothing_records_nothing(project, sample_doc):
    before = _events(project)
    with project.transact("add_span", "Add hedge") as transaction:
        transaction.apply([])
    assert _events(project) == before
    assert transaction.change.is_empty


def test_transact_failing_midway_writes_nothing(project, sample_doc):
    before = _events(project)
    with pytest.raises(ValidationError), project.transact("add_span", "Add") as transaction:
        transaction.apply([_hedge_row(sample_doc)])
        raise ValidationError("changed my mind")
    assert project.spans(sample_doc) == [] and _events(project) == before


def test_transact_drops_stale_caches_only_after_the_commit(project, sample_doc, monkeypatch):
    from annotator.core import listeners

    seen = []

    def after_commit(p, summary):
        seen.append((p.db.conn.in_transaction, summary.kinds))

    monkeypatch.setattr(listeners, "AFTER_COMMIT", [*listeners.AFTER_COMMIT, after_commit])
    project.add_label("quote", colour="#76B7B2")
    assert seen == [(False, {Kind.SCHEMA})]


def test_undo_and_redo_say_where_they_came_from(project, sample_doc):
    change = project.add_span(sample_doc, 0, 5, "hedge")
    undone = project.revert(change)
    assert undone.summary.origin == "undo" and project.reapply(change).summary.origin == "edit"


def test_attribute_edits_of_one_span_join_one_undo_step(project, sample_doc):
    span = project.add_span(sample_doc, 0, 5, "claim").spans_added[0]
    first = project.set_span_attributes(span.id, {"checkworthy": True})
    second = project.set_span_attributes(span.id, {"checkworthy": False})
    other = project.add_span(sample_doc, 6, 10, "hedge")
    assert second.joins(first) and not other.joins(second)
    assert not project.delete_span(other.spans_added[0].id).summary.mergeable
    both = first.then(second)
    project.revert(both)
    assert project.span(span.id).attributes.get("checkworthy") is None


def test_import_returns_what_it_changed_through_the_runner(project):
    records = [
        DocumentIn(
            text="Officials said the plan works.",
            title="a",
            where="a",
            spans=[SpanIn(0, 9, "source")],
        ),
        DocumentIn(text="It may rain.", title="b", where="b"),
    ]
    report = import_documents(project, records)
    summary = report.summary
    ids = {d.id for d in project.documents()}
    assert summary.origin == "import" and summary.is_bulk
    assert summary.documents == ids and summary.details == ids
    assert {Kind.SPANS, Kind.DETAILS, Kind.SCHEMA} <= summary.kinds
    assert Kind.LINKS not in summary.kinds and Kind.CLAIMS not in summary.kinds
    assert _events(project)[-1] == ("import", "Import 2 documents")
    assert import_documents(project, records).summary is None  # nothing new: no event
    assert [op for op, _ in _events(project)].count("import") == 1


def test_merge_returns_what_it_changed_and_stays_a_local_event(project, tmp_path):
    from annotator.core.project import Project

    other = tmp_path / "bob.db"
    with Project.open(other, annotator="bob") as theirs:
        import_documents(theirs, [DocumentIn(text="He said it works.", title="t", where="t")])
        document_id = theirs.documents()[0].id
        theirs.add_span(document_id, 0, 2, "source")
    report = merge_into(project, [other])
    assert report.summary.origin == "merge"
    assert report.summary.documents == {d.id for d in project.documents()}
    assert Kind.SPANS in report.summary.kinds
    assert _events(project)[-1] == ("merge", "Merge 1 document")
    with Project.open(tmp_path / "copy.db", annotator="carol") as copy:
        merge_into(copy, [project.path])
        ops = [op for op, _ in _events(copy)]
    assert ops.count("merge") == 1 and "import" not in ops  # history of the file, not carried
