"""What a change means, for the parts of the window that show it.

A :class:`~annotator.model.records.Change` holds the rows it wrote (that is what undo
needs). The window does not read rows: it reads a :class:`ChangeSummary`, which says in
the words of the data model what changed: documents, spans, links, statuses, document
details, claims, patterns, the label schema, suggestions, categories, triage scores. The
mapping from stored tables to those words lives here, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

KINDS: dict[str, str] = {
    "spans": "spans",
    "relations": "links",
    "document_status": "statuses",
    "documents": "details",
    "document_texts": "details",
    "claim_records": "claims",
    "evidence": "claims",
    "claim_matches": "claims",
    "patterns": "patterns",
    "labels": "schema",
    "relation_types": "schema",
    "suggestions": "suggestions",
    "suggested_relations": "suggestions",
    "document_categories": "categories",
    "document_uncertainty": "triage",
    "annotators": "annotators",
    "project": "settings",
}
"""What each stored table holds, in the data model's words."""


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """What one change did, by meaning.

    ``kinds``: which of spans, links, statuses, details (a document's title, note,
    language or metadata), claims (records, evidence, matches), patterns, schema,
    suggestions, categories, triage, annotators and settings changed. ``documents``:
    the documents whose content changed; ``details``: those whose details changed;
    ``claim_spans``: claim spans whose record, evidence or matches changed; ``spans``
    and ``labels``: the spans added, removed or edited and their labels.
    ``identity``: what the change touched, row by row, as ``(kind, key)`` (two edits of
    the same attribute of the same span have the same identity: an undo step may merge
    them).
    """

    kinds: frozenset[str]
    documents: frozenset[int]
    details: frozenset[int]
    claim_spans: frozenset[int]
    identity: frozenset[tuple[str, tuple[Any, ...]]]
    spans: frozenset[int] = frozenset()
    """Spans added, removed or edited (their ids)."""
    labels: frozenset[str] = frozenset()
    """Labels of those spans, before and after."""

    def touches(self, *kinds: str) -> bool:
        """Whether any of ``kinds`` changed."""
        return not self.kinds.isdisjoint(kinds)


def summarize(rows: Iterable[Any]) -> ChangeSummary:
    """The summary of a change's rows (``RowChange``: table, key, before, after)."""
    kinds: set[str] = set()
    documents: set[int] = set()
    details: set[int] = set()
    claim_spans: set[int] = set()
    identity: set[tuple[str, tuple[Any, ...]]] = set()
    spans: set[int] = set()
    labels: set[str] = set()
    for row in rows:
        kind = KINDS.get(row.table, row.table)
        kinds.add(kind)
        identity.add((kind, tuple(row.key)))
        for side in (row.before, row.after):
            if side is None:
                continue
            if row.table == "spans":
                spans.add(side["id"])
                labels.add(side["label"])
            if "document_id" in side:
                documents.add(side["document_id"])
            elif row.table == "documents":
                documents.add(side["id"])
                details.add(side["id"])
            if kind == "claims":
                for column in ("span_id", "main_span_id", "other_span_id"):
                    if side.get(column) is not None:
                        claim_spans.add(side[column])
        if row.table == "document_texts":
            details.add(row.key[0])
    return ChangeSummary(
        frozenset(kinds),
        frozenset(documents),
        frozenset(details),
        frozenset(claim_spans),
        frozenset(identity),
        frozenset(spans),
        frozenset(labels),
    )
