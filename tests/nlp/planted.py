"""A small generated project with planted spans, for training tests and benchmarks.

Short news-like sentences from templates: sources ("the ministry", "Mr Kalo"), hedges
("probably", "is expected to"), actors (generated names). Names are drawn per document,
so the dev split holds names the model never saw: it must learn the contexts."""

from __future__ import annotations

import random

from annotator.core.project import Project

SOURCES = ["the ministry", "officials", "the spokesman", "the army", "analysts", "the agency"]
HEDGES = ["probably", "possibly", "likely", "reportedly", "perhaps", "allegedly"]
VERBS = ["attacked", "visited", "supplied", "warned", "joined", "left"]
PLACES = ["the capital", "the border", "the port", "the coast", "the north", "the valley"]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "de", "pa", "gu", "he", "zo"]


def _name(rng: random.Random) -> str:
    first = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
    last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{first} {last}"


def planted_document(rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    """A text of two or three sentences and its spans ``(start, end, label)``."""
    parts: list[tuple[str, str | None]] = []
    for _ in range(rng.randint(2, 3)):
        source, hedge, actor, other = (
            rng.choice(SOURCES),
            rng.choice(HEDGES),
            _name(rng),
            _name(rng),
        )
        verb, place = rng.choice(VERBS), rng.choice(PLACES)
        form = rng.randrange(4)
        if form == 0:  # Source said that Actor hedge verb Actor near place.
            parts += [(source.capitalize(), "source"), (" said that ", None), (actor, "actor")]
            parts += [(" ", None), (hedge, "hedge"), (f" {verb} ", None), (other, "actor")]
            parts += [(f" near {place}. ", None)]
        elif form == 1:  # According to Name, Actor verb place. (a name as the source)
            parts += [("According to ", None), (actor, "source"), (", ", None)]
            parts += [(other, "actor"), (f" {verb} {place}. ", None)]
        elif form == 2:  # Actor hedge verb place, source said.
            parts += [(actor, "actor"), (" ", None), (hedge, "hedge"), (f" {verb} {place}, ", None)]
            parts += [(source, "source"), (" said. ", None)]
        else:  # no spans at all: the words appear unlabelled
            parts += [(f"The weather near {place} was {rng.choice(['cold', 'mild'])}. ", None)]
    text, spans = "", []
    for piece, label in parts:
        if label:
            spans.append((len(text), len(text) + len(piece), label))
        text += piece
    return text.strip(), spans


def planted_project(project: Project, documents: int = 300, seed: int = 3) -> None:
    """Import ``documents`` generated documents with their spans into ``project``."""
    from annotator.core.ingest import import_documents
    from annotator.model.imports import DocumentIn, SpanIn

    rng = random.Random(seed)
    records = []
    for n in range(documents):
        text, spans = planted_document(rng)
        records.append(
            DocumentIn(
                text=text,
                title=f"planted {n}",
                where=f"planted:{n}",
                spans=[SpanIn(s, e, label, project.annotator) for s, e, label in spans],
            )
        )
    import_documents(project, records)
