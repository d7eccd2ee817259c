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
    from annotator.text.attribution import Layers

CHUNK = 256


@dataclass
class SuggestReport:
    documents: int = 0
    suggestions: Counter = field(default_factory=Counter)
    """Stored suggestions per source."""
    links: Counter = field(default_factory=Counter)
    """Stored suggested links per label (attribution structures)."""
    seconds: float = 0.0
    cancelled: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "suggestions": dict(self.suggestions),
            "links": dict(self.links),
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
    attribution: bool = True,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SuggestReport:
    """Suggest in ``document_ids`` (all documents by default) and store the results.

    ``patterns``: the project's patterns; ``actors``: occurrences of known actors (when
    no ``ner``); ``model``: a trained span categorizer; ``ner``: an installed pipeline's
    entities as actors; ``attribution``: the attribution rules' structures (claims,
    sources, hedges and the links between them) in English documents. Open suggestions
    from the same sources are replaced.
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
        if attribution:
            _store_structures(project, chunk, report)
        report.documents += len(chunk)
        if progress is not None:
            progress(report.documents)
    report.seconds = time.perf_counter() - started
    return report


def _doc_for(project: Project, suggester: ModelSuggester, document_id: int) -> Any:
    text, _ = project.text_and_lang(document_id)
    words, spaces = words_and_spaces(text, project.token_offsets(document_id))
    return suggester.make_doc(words, spaces)


def _store_structures(project: Project, chunk: list[int], report: SuggestReport) -> None:
    """The attribution rules' structures of the English documents of ``chunk``, stored
    as suggestions (the labels and link types the schema lacks left out)."""
    from annotator.text.attribution import extract_attributions, to_layers

    layers = {}
    for document_id in chunk:
        text, lang = project.text_and_lang(document_id)
        if lang.split("-")[0].lower() == "en":
            found = to_layers(extract_attributions(text, lang))
            layers[document_id] = fit_to_schema(project, found)
    if not layers:
        return
    change = project.store_structures(layers)
    for row in change.rows:
        if row.after is not None and row.before is None:
            if row.table == "suggestions":
                report.suggestions[row.after["source"]] += 1
            elif row.table == "suggested_relations":
                report.links[row.after["label"]] += 1


def fit_to_schema(project: Project, found: Layers) -> Layers:
    """``found`` without the spans whose label the project's schema lacks and the links
    it does not allow between their ends."""
    from annotator.text.attribution import Layers

    schema = project.schema
    kept = [n for n, (_, _, label) in enumerate(found.spans) if schema.has_label(label)]
    index = {old: new for new, old in enumerate(kept)}
    links = [
        (index[head], index[child], label, attributes)
        for head, child, label, attributes in found.links
        if head in index
        and child in index
        and schema.allows_link(label, found.spans[head][2], found.spans[child][2])
    ]
    return Layers(tuple(found.spans[n] for n in kept), tuple(links))
