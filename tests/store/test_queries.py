"""Reads the layers above the store ask of it instead of running SQL themselves."""

from __future__ import annotations

from annotator.core.claim_ops import EVIDENCE_STANCES
from annotator.store import fetch_row, queries
from tests.conftest import add_document


def test_documents_with_label_are_those_holding_such_a_span_in_id_order(project):
    first = add_document(project, "The mayor said the bridge would reopen.", "a")
    second = add_document(project, "Farmers expect a late harvest.", "b")
    third = add_document(project, "The council denied it.", "c")
    project.add_span(third, 4, 11, "source")
    project.add_span(first, 4, 9, "source")
    project.add_span(second, 0, 7, "actor")
    assert queries.documents_with_label(project.db, "source") == [first, third]
    assert queries.documents_with_label(project.db, "hedge") == []


def test_a_span_row_is_the_stored_row_or_none(project):
    document = add_document(project, "The mayor said the bridge would reopen.", "a")
    project.add_span(document, 4, 9, "source")
    (span_id,) = [s.id for s in project.spans(document)]
    row = fetch_row(project.db, "spans", (span_id,))
    assert (row["start"], row["end"], row["label"]) == (4, 9, "source")
    assert fetch_row(project.db, "spans", (span_id + 1,)) is None


def test_evidence_counts_and_claim_records_are_keyed_by_claim(project):
    document = add_document(project, "The mayor said the bridge would reopen in May.", "a")
    project.add_span(document, 15, 45, "claim")
    (claim,) = [s.id for s in project.spans(document)]
    assert queries.evidence_counts(project.db) == {}
    assert queries.claim_records_by_span(project.db) == {}
    project.add_evidence(claim, "city notice", stance=EVIDENCE_STANCES[0], quote="12 May.")
    project.set_claim_record(claim, verdict="on time")
    assert queries.evidence_counts(project.db) == {claim: 1}
    assert queries.claim_records_by_span(project.db)[claim]["verdict"] == "on time"
