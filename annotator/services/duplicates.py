"""Duplicates a fact-checker must not check twice, as the window shows them: passages
repeated inside one article (sentences whose text, spacing and case ignored, appears more
than once) and near-duplicate articles (flagged on import: ``annotator.store.bands``).
Similar claims are matched in ``annotator.core.claim_matching``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from annotator.core.project import Project
from annotator.store import queries

# -- repeated passages ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepeatedPassage:
    text: str
    occurrences: tuple[tuple[int, int], ...]


def repeated_passages(
    project: Project, document_id: int, min_chars: int = 30
) -> list[RepeatedPassage]:
    """Sentences that occur more than once in a document (spacing and case ignored)."""
    text, _ = project.text_and_lang(document_id)
    bounds = project.sentence_bounds(document_id)
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for start, end in zip(bounds.starts, bounds.ends, strict=True):
        key = " ".join(text[start:end].split()).casefold()
        if len(key) >= min_chars:
            groups[key].append((start, end))
    return [
        RepeatedPassage(text[places[0][0] : places[0][1]], tuple(places))
        for places in groups.values()
        if len(places) > 1
    ]


# -- near-duplicate documents -----------------------------------------------------------


def near_duplicates(project: Project) -> list[dict[str, Any]]:
    """Pairs of near-duplicate documents, most similar first (see
    :func:`annotator.store.queries.near_duplicate_pairs`)."""
    return queries.near_duplicate_pairs(project.db)


# -- similar claims ---------------------------------------------------------------------------
