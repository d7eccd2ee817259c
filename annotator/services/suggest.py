"""``annotator suggest``: patterns and/or models over many documents, storing suggestions
only (never annotations), and each document's uncertainty for triage.

Documents are processed in chunks: the model sees them through ``nlp.pipe`` (batched),
and each chunk's suggestions are stored in one transaction, so a cancelled run keeps the
chunks it finished and nothing half-written.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.core.suggestion_ops import ACTOR_SET
from annotator.model.records import Suggestion
from annotator.text.tokens import words_and_spaces

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.services.model import ModelSuggester

CHUNK = 256


@dataclass
class SuggestReport:
    documents: int = 0
    suggestions: Counter = field(default_factory=Counter)
    """Stored suggestions per source."""
    seconds: float = 0.0
    cancelled: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "suggestions": dict(self.suggestions),
            "seconds": round(self.seconds, 2),
            "cancelled": self.cancelled,
        }


def run_suggestions(
    project: Project,
    *,
    document_ids: list[int] | None = None,
    patterns: bool = True,
    actors: bool = True,
    model: ModelSuggester | None = None,
    ner: ModelSuggester | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SuggestReport:
    """Suggest in ``document_ids`` (all documents by default) and store the results.

    ``patterns``: the project's patterns; ``actors``: occurrences of known actors (when
    no ``ner``); ``model``: a trained span categorizer; ``ner``: an installed pipeline's
    entities as actors. Open suggestions from the same sources are replaced.
    """
    started = time.perf_counter()
    report = SuggestReport()
    ids = document_ids if document_ids is not None else [d.id for d in project.documents()]
    sources = []
    if patterns:
        sources += [f"pattern:{p.pattern_set}" for p in project.patterns()]
    if actors and ner is None:
        sources.append(f"pattern:{ACTOR_SET}")
    for suggester in (model, ner):
        if suggester is not None:
            sources.append(suggester.source)
    labels = set(project.schema.label_names)
    for first in range(0, len(ids), CHUNK):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        chunk = ids[first : first + CHUNK]
        found: dict[int, list[Suggestion]] = {d: [] for d in chunk}
        unsure: dict[int, float] = {}
        if patterns or (actors and ner is None):
            for document_id in chunk:
                if patterns:
                    found[document_id] += [
                        Suggestion(m.start, m.end, m.label, f"pattern:{m.pattern_set}")
                        for m in project.pattern_matches(document_id)
                        if m.label in labels
                    ]
                if actors and ner is None and "actor" in labels:
                    found[document_id] += project.actor_occurrences(document_id)
        for suggester in (model, ner):
            if suggester is None:
                continue
            docs = (_doc_for(project, suggester, d) for d in chunk)
            for document_id, prediction in zip(chunk, suggester.predict(docs), strict=True):
                found[document_id] += [s for s in prediction.suggestions if s.label in labels]
                if suggester is model:
                    unsure[document_id] = prediction.uncertainty
        change = project.store_suggestions_many(
            found,
            replace_sources=tuple(sorted(set(sources))),
            uncertainty=unsure,
            model=model.source if model else "",
        )
        for row in change.rows:
            if row.table == "suggestions" and row.after is not None:
                report.suggestions[row.after["source"]] += 1
        report.documents += len(chunk)
        if progress is not None:
            progress(report.documents)
    report.seconds = time.perf_counter() - started
    return report


def _doc_for(project: Project, suggester: ModelSuggester, document_id: int) -> Any:
    text, _ = project.text_and_lang(document_id)
    words, spaces = words_and_spaces(text, project.token_offsets(document_id))
    return suggester.make_doc(words, spaces)
