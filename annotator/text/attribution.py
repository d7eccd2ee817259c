"""The attribution extractor: who claims what, hedged how, from rules over spaCy tokens.

:func:`extract_attributions` finds attribution structures in a text: the claim (the
content only: without the source, the cue or "that"; inner hedges stay inside), its
source (with determiners and appositive names; ``None`` for sourceless frames such as
"It is believed that …" or "… is said to …"), the cue (possibly discontinuous: "have …
warned", "told … that"), the stance (asserts, denies, questions), the quote kind
(direct, indirect, mixed), the hedges in the claim and earlier mentions of the same
source (``same_as``: "he", "Kim", "the minister").

Everything the rules know is data in ``resources/attribution``: ``cues.jsonl`` (the cue
lexicon with stances), ``patterns.jsonl`` (Prodigy-style token patterns, matched by
spaCy's ``SpanRuler``: cue verb groups, "according to", passive frames, claim nouns,
adjuncts) and ``rules.json`` (word lists and the shapes: sequences of elements around
an anchor such as ``SOURCE CUE that CLAIM``). Hedges come from the shipped hedge
patterns (``resources/patterns/hedges.jsonl``); a cue is never a hedge.

Tokens are the app's ``spacy.blank`` tokens (:func:`annotator.text.tokens.tokenize`) and
sentences the rule-based sentencizer, so nothing needs to be installed. When an
installed pipeline with a parser is passed, its dependency parse sets the source and
claim boundaries where it agrees with the shape found by the rules.

Pure functions over text: no database, no Qt. Offsets are code points, half-open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.text.attribution_rules import Resources

from annotator.text.attribution_records import QUOTES, STANCES, Attribution, Offsets

__all__ = [
    "QUOTES",
    "STANCES",
    "Attribution",
    "Layers",
    "Offsets",
    "extract_attributions",
    "load_resources",
    "run_rules",
    "to_layers",
]


@dataclass(frozen=True, slots=True)
class Layers:
    """Structures as the guideline's spans and links, ready to store as suggestions.

    ``spans`` are ``(start, end, label)`` (claim, source, hedge), each once; ``links``
    are ``(head, child, label, attributes)`` with ``head``/``child`` indexing ``spans``:
    ``attributed_to`` claim → source with ``cue`` (list of ``[start, end]``), ``stance``
    and ``quote``; ``hedges`` hedge → claim; ``same_as`` later source → earlier one."""

    spans: tuple[tuple[int, int, str], ...]
    links: tuple[tuple[int, int, str, dict[str, Any]], ...]


def extract_attributions(
    text: str,
    lang: str = "en",
    *,
    nlp: Language | None = None,
    resources: Resources | None = None,
) -> list[Attribution]:
    """The attribution structures of ``text``, in text order of their cues.

    ``nlp``: an already loaded spaCy pipeline (nothing is downloaded); if it has a
    parser, its dependency parse refines source and claim boundaries. The rules always
    run on the app's own tokens, so offsets do not depend on ``nlp``.
    ``resources``: other rule data than the shipped files (:func:`load_resources`).
    """
    from annotator.text.attribution_rules import shipped_resources

    return run_rules(text, lang, resources or shipped_resources(), nlp)


def run_rules(
    text: str, lang: str, resources: Resources, nlp: Language | None = None
) -> list[Attribution]:
    """Tokenise, match, run the shapes, split, resolve hedges and ``same_as``: the whole
    pipeline, here on top so that the modules it runs never import each other in a loop."""
    from annotator.text.attribution_links import link_sources
    from annotator.text.attribution_parse import parse_heads, refine
    from annotator.text.attribution_rules import Context
    from annotator.text.attribution_shapes import find_structures
    from annotator.text.tokens import doc_from_offsets, tokenize

    if not text.strip():
        return []
    doc = doc_from_offsets(text, tokenize(text, lang), lang)
    context = Context(text, doc, resources, lang)
    found = find_structures(context)
    if nlp is not None:
        heads = parse_heads(nlp, doc)
        if heads is not None:
            found = refine(context, found, heads)
    return link_sources(context, found)


def load_resources(folder: str | None = None) -> Resources:
    """The rule data of ``folder`` (``cues.jsonl``, ``patterns.jsonl``, ``rules.json``),
    or the shipped data. :raises InputFileError: a file is missing or invalid."""
    from annotator.text.attribution_rules import read_resources, shipped_resources

    return shipped_resources() if folder is None else read_resources(folder)


def to_layers(structures: list[Attribution]) -> Layers:
    """The spans and links of ``structures`` (a claim shared by two structures, as in a
    claim and its denial, is one span with two ``attributed_to`` links)."""
    spans: dict[tuple[int, int, str], int] = {}
    links: list[tuple[int, int, str, dict[str, Any]]] = []

    def index(offsets: Offsets, label: str) -> int:
        return spans.setdefault((offsets[0], offsets[1], label), len(spans))

    seen_links: set[tuple[int, int, str]] = set()

    def link(head: int, child: int, label: str, attributes: dict[str, Any]) -> None:
        if (head, child, label) not in seen_links:
            seen_links.add((head, child, label))
            links.append((head, child, label, attributes))

    for structure in structures:
        claim = index(structure.claim, "claim")
        if structure.source is not None:
            source = index(structure.source, "source")
            attributes = {
                "cue": [list(part) for part in structure.cue],
                "stance": structure.stance,
                "quote": structure.quote,
            }
            link(claim, source, "attributed_to", attributes)
            for earlier in structure.same_as:
                link(source, index(earlier, "source"), "same_as", {})
        for hedge in structure.hedges:
            link(index(hedge, "hedge"), claim, "hedges", {})
    return Layers(tuple(spans), tuple(links))
