"""The one write path: inserts give back the stored row (defaults and id) whichever way
SQLite allows, and a change made that way reverts and reapplies exactly."""

from __future__ import annotations

import pytest

from annotator.store import rows


@pytest.fixture(params=[True, False], ids=["insert-returning", "insert-then-read"])
def insert_path(request, monkeypatch):
    """Both insert paths: ``RETURNING`` (SQLite 3.35+) and the older insert + read."""
    monkeypatch.setattr(rows, "_RETURNING", request.param)
    return request.param


def test_apply_row_changes_insert_returns_the_stored_row(insert_path, project, sample_doc):
    change = project.add_span(sample_doc, 80, 88, "hedge", attributes={"strength": "probable"})
    (row,) = [r for r in change.rows if r.table == "spans"]
    stored = project.db["spans"].get(row.key[0])
    assert row.after == stored  # id, defaults and JSON exactly as SQLite keeps them
    assert row.before is None


def test_apply_row_changes_insert_reverts_and_reapplies(insert_path, project, sample_doc):
    change = project.add_span(sample_doc, 80, 88, "hedge")
    project.revert(change)
    assert project.spans(sample_doc) == []
    again = project.reapply(change)
    (span,) = project.spans(sample_doc)
    assert (span.id, span.start, span.end, span.label) == (again.rows[0].key[0], 80, 88, "hedge")
