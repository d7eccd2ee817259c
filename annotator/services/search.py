"""Full-text search over article texts, titles, claims with their records and evidence,
and notes: the hits of the store's full-text query (:mod:`annotator.store.full_text`,
which says what a query may hold and how hits are ranked)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.store.full_text import KINDS, search_rows

if TYPE_CHECKING:
    from annotator.core.project import Project

__all__ = ["KINDS", "Hit", "search", "search_database"]


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    document_id: int
    span_id: int | None
    title: str
    snippet: str
    rank: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "document_id": self.document_id,
            "span_id": self.span_id,
            "title": self.title,
            "snippet": self.snippet,
            "rank": self.rank,
        }


def search(project: Project, query: str, **filters: Any) -> list[Hit]:
    """Best matches of ``query`` in ``project``, best first (see :func:`search_database`)."""
    return search_database(project.db, query, **filters)


def search_database(db: Any, query: str, **filters: Any) -> list[Hit]:
    """Best matches of ``query`` in the project ``db`` (anything with ``execute``: a
    project's database, or a plain read-only connection), best first.

    Filters: ``kinds`` (article, title, claim, note, document_note), a claim ``status``
    (claims only), the ``outlet`` and ``published`` range of the article (ISO dates), the
    ``annotator`` of a claim or note, ``limit`` (50).

    :raises AnnotatorError: an empty query, or one the index cannot read even when quoted.
    """
    return [Hit(*row) for row in search_rows(db, query, **filters)]
