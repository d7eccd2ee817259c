"""A change says what it did by meaning (``Change.summary``), not by table."""

from __future__ import annotations

import pytest


@pytest.fixture
def claim(project, sample_doc):
    return project.add_span(sample_doc, 0, 5, "claim").spans_added[0]


@pytest.mark.parametrize(
    ("edit", "kinds"),
    [
        (lambda p, d, c: p.add_span(d, 6, 10, "hedge"), {"spans"}),
        (lambda p, d, c: p.delete_span(c.id), {"spans"}),
        (lambda p, d, c: p.set_status(d, "done"), {"statuses"}),
        (lambda p, d, c: p.set_document_note(d, "checked"), {"details"}),
        (lambda p, d, c: p.set_claim_record(c.id, status="false"), {"claims"}),
        (lambda p, d, c: p.add_pattern("hedge", "it is feared"), {"patterns"}),
        (lambda p, d, c: p.add_label("quote", colour="#76B7B2"), {"schema"}),
    ],
)
def test_change_summary_names_what_the_edit_changed(project, sample_doc, claim, edit, kinds):
    summary = edit(project, sample_doc, claim).summary
    assert kinds <= summary.kinds
    assert not summary.kinds & {"spans", "links", "claims", "patterns", "schema"} - kinds - {
        "statuses"
    }


def test_change_summary_documents_details_and_claims(project, sample_doc, claim):
    record = project.set_claim_record(claim.id, status="false").summary
    assert record.claim_spans == {claim.id}
    note = project.set_document_note(sample_doc, "x").summary
    assert note.details == {sample_doc} and note.documents == {sample_doc}
    span = project.add_span(sample_doc, 6, 10, "hedge").summary
    assert span.documents == {sample_doc} and span.details == frozenset()


def test_change_summary_identity_is_what_was_touched(project, sample_doc, claim):
    first = project.set_span_attributes(claim.id, {"checkworthy": True}).summary
    second = project.set_span_attributes(claim.id, {"checkworthy": False}).summary
    other = project.add_span(sample_doc, 6, 10, "hedge").summary
    assert first.identity == second.identity != other.identity


def test_listeners_hear_every_change_by_its_summary(project, sample_doc, monkeypatch):
    from annotator.core import listeners

    heard = []
    monkeypatch.setattr(
        listeners, "IN_TRANSACTION", [*listeners.IN_TRANSACTION, lambda p, s: heard.append(s)]
    )
    change = project.add_span(sample_doc, 6, 10, "hedge")
    project.revert(change)
    assert [s.kinds >= {"spans"} for s in heard] == [True, True]
    assert heard[0].spans == heard[1].spans == {change.spans_added[0].id}


def test_schema_change_is_seen_at_once(project):
    project.add_label("quote", colour="#76B7B2")
    assert "quote" in project.schema.label_names
