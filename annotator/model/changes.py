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
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a change may have changed, in the data model's words (what
    :meth:`ChangeSummary.touches` takes)."""

    SPANS = "spans"
    LINKS = "links"
    STATUSES = "statuses"
    DETAILS = "details"
    CLAIMS = "claims"
    PATTERNS = "patterns"
    SCHEMA = "schema"
    SUGGESTIONS = "suggestions"
    CATEGORIES = "categories"
    TRIAGE = "triage"
    ANNOTATORS = "annotators"
    SETTINGS = "settings"


KINDS: dict[str, Kind] = {
    "spans": Kind.SPANS,
    "relations": Kind.LINKS,
    "document_status": Kind.STATUSES,
    "documents": Kind.DETAILS,
    "document_texts": Kind.DETAILS,
    "claim_records": Kind.CLAIMS,
    "evidence": Kind.CLAIMS,
    "claim_matches": Kind.CLAIMS,
    "patterns": Kind.PATTERNS,
    "labels": Kind.SCHEMA,
    "relation_types": Kind.SCHEMA,
    "suggestions": Kind.SUGGESTIONS,
    "suggested_relations": Kind.SUGGESTIONS,
    "document_categories": Kind.CATEGORIES,
    "document_uncertainty": Kind.TRIAGE,
    "annotators": Kind.ANNOTATORS,
    "project": Kind.SETTINGS,
}
"""What each stored table holds, in the data model's words."""

MERGEABLE_OPS = frozenset({"set_span_attributes", "set_relation_attributes", "set_claim_record"})
"""Operations whose consecutive edits of the same thing are one undo step (choosing a
value in a list with the arrow keys saves at every step)."""

BULK_OPS = frozenset({"import", "merge"})
"""Operations that write in bulk (their summary's origin is the operation's name)."""


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
    them). ``origin``: ``edit`` (an operation, or its redo), ``undo``, ``import`` or
    ``merge``. ``mergeable``: whether a next change of the same identity joins this one
    in one undo step.
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
    origin: str = "edit"
    mergeable: bool = False

    @property
    def is_bulk(self) -> bool:
        """An import or merge: it keeps no rows, so ``spans`` and ``labels`` are empty
        although spans may have changed in every one of ``documents``."""
        return self.origin in BULK_OPS

    def union(self, other: ChangeSummary) -> ChangeSummary:
        """What this change and ``other`` did together (several merged files)."""
        return ChangeSummary(
            kinds=self.kinds | other.kinds,
            documents=self.documents | other.documents,
            details=self.details | other.details,
            claim_spans=self.claim_spans | other.claim_spans,
            identity=self.identity | other.identity,
            spans=self.spans | other.spans,
            labels=self.labels | other.labels,
            origin=self.origin if self.origin == other.origin else "edit",
        )

    def touches(self, *kinds: str) -> bool:
        """Whether any of ``kinds`` changed."""
        return not self.kinds.isdisjoint(kinds)


def origin_of(op: str) -> str:
    """Where a change of operation ``op`` came from (see :class:`ChangeSummary`)."""
    if op.startswith("undo:"):
        return "undo"
    return op if op in BULK_OPS else "edit"


def bulk_summary(
    op: str, *, kinds: Iterable[str], documents: Iterable[int], details: Iterable[int] = ()
) -> ChangeSummary:
    """The summary of a bulk write (import, merge), which keeps no rows: the ``kinds`` it
    wrote, the ``documents`` whose content it changed and the new or changed ones
    (``details``)."""
    return ChangeSummary(
        kinds=frozenset(kinds),
        documents=frozenset(documents),
        details=frozenset(details),
        claim_spans=frozenset(),
        identity=frozenset(),
        origin=origin_of(op),
    )


def summarize(rows: Iterable[Any], op: str = "") -> ChangeSummary:
    """The summary of a change's rows (``RowChange``: table, key, before, after) made by
    operation ``op``."""
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
        origin=origin_of(op),
        mergeable=op in MERGEABLE_OPS,
    )
