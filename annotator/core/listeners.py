"""What follows every change, registered as listeners of the one write path.

``IN_TRANSACTION`` listeners run inside the change's transaction (derived data that
must agree with it: the search index); ``AFTER_COMMIT`` listeners drop what the project
object keeps in memory that the change made stale (the schema, the patterns in use, the
names of actors, a document's tokens). Each decides from the change's summary (what it
means), never from table names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.model.changes import ChangeSummary, Kind
from annotator.store.search_index import reindex_summary

if TYPE_CHECKING:
    from annotator.core.base import ProjectBase

Listener = Callable[["ProjectBase", ChangeSummary], None]


def update_search_index(project: ProjectBase, summary: ChangeSummary) -> None:
    reindex_summary(project.db, summary)


def forget_stale_caches(project: ProjectBase, summary: ChangeSummary) -> None:
    for document_id in summary.details:
        project.forget_cached_document(document_id)  # its language may have changed
    if "actor" in summary.labels or summary.is_bulk or summary.touches(Kind.PATTERNS):
        project.forget_cached_suggestion_inputs()  # the actors or patterns to suggest
    if summary.touches(Kind.SCHEMA, Kind.SETTINGS):
        project.forget_cached_schema()


IN_TRANSACTION: list[Listener] = [update_search_index]
AFTER_COMMIT: list[Listener] = [forget_stale_caches]
