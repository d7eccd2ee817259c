"""The project: one SQLite file, and every operation on it.

``Project`` combines the base (opening, the one write path, reads, tokens) with the edit
mixins. Reads return immutable records; each edit validates, commits atomically, records
an event and returns a :class:`~annotator.model.records.Change`; ``revert`` and ``reapply``
undo and redo a change through the same path.
"""

from __future__ import annotations

from annotator.core.base import DEFAULT_LANG, ProjectBase, now
from annotator.core.claim_ops import ClaimOps
from annotator.core.document_ops import DocumentOps
from annotator.core.relation_ops import LinkOption, RelationOps
from annotator.core.review_ops import GOLD, ReviewOps
from annotator.core.schema_ops import SchemaOps
from annotator.core.span_ops import SpanOps
from annotator.core.structure_ops import ATTRIBUTION_SOURCE, StructureOps, SuggestedLink
from annotator.core.suggestion_ops import SuggestionOps
from annotator.model.records import Suggestion


class Project(
    SpanOps,
    RelationOps,
    DocumentOps,
    SchemaOps,
    ReviewOps,
    ClaimOps,
    SuggestionOps,
    StructureOps,
    ProjectBase,
):
    """An open project database and the annotator working in it.

    Not thread-safe: use one ``Project`` per thread (``Project.open`` on the same path).
    """


__all__ = [
    "ATTRIBUTION_SOURCE",
    "DEFAULT_LANG",
    "GOLD",
    "LinkOption",
    "Project",
    "SuggestedLink",
    "Suggestion",
    "now",
]
