"""Gold attribution structures: reading the test set's JSON files (``tests/fixtures/
attribution``), and the same structures as the guideline's spans and links.

A gold file is one article::

    {"id": "d01-...", "style": "...", "title": "...", "lang": "en",
     "paragraphs": ["first paragraph", "second paragraph"],   # joined with "\\n"
     "attributions": [
        {"claim": REF, "source": REF | null, "cue": REF,
         "stance": "asserts", "quote": "indirect", "hedges": [REF], "actors": [REF]}],
     "same_as": [[REF_LATER, REF_EARLIER]]}

Instead of ``paragraphs`` a file may give ``text`` or ``text_resource`` (a file under
the top-level ``resources/`` folder). A REF names text by quoting it: ``"the company"`` if that
occurs once in the article, else a longer context that occurs once with the span in
square brackets, ``"[the company] said on Thursday"``. A cue REF may bracket several
parts, giving a discontinuous cue: ``"[told] reporters [that]"``. Hedge and actor REFs
are looked up inside their claim first. ``stance`` defaults to ``asserts`` and ``quote``
to ``indirect``; ``source: null`` is a sourceless frame ("It is believed that …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from annotator.model.errors import InputFileError
from annotator.shipped import shipped
from annotator.text.attribution_records import QUOTES, STANCES, Attribution, Offsets

_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article: its text and structures (offsets in code points)."""

    id: str
    style: str
    title: str
    lang: str
    text: str
    attributions: tuple[Attribution, ...]
    actors: tuple[tuple[Offsets, ...], ...] = ()
    """Actors of each attribution's claim (parallel to ``attributions``)."""
    same_as: tuple[tuple[Offsets, Offsets], ...] = field(default=())
    """(later mention, earlier mention) pairs of source spans."""


def load_gold(path: str | Path) -> GoldArticle:
    """Read and resolve one gold file.

    :raises InputFileError: not JSON, a REF that does not occur exactly once, a bad
        stance or quote kind; the message names the file and the REF.
    """
    path = Path(path)
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InputFileError(path, f"cannot read gold file: {exc}") from None
    try:
        return parse_gold(data)
    except ValueError as exc:
        raise InputFileError(path, str(exc)) from None


def load_gold_folder(folder: str | Path) -> list[GoldArticle]:
    """Every ``*.json`` gold file of ``folder``, in name order."""
    return [load_gold(p) for p in sorted(Path(folder).glob("*.json"))]


def parse_gold(data: dict[str, Any]) -> GoldArticle:
    """A :class:`GoldArticle` from a decoded gold file. :raises ValueError:"""
    text = _text_of(data)
    if "[" in text or "]" in text:
        raise ValueError("the article text may not contain square brackets (they mark REFs)")
    structures, actors = [], []
    for number, item in enumerate(data.get("attributions", []), 1):
        try:
            structure, found_actors = _structure(text, item)
        except ValueError as exc:
            raise ValueError(f"attribution {number}: {exc}") from None
        structures.append(structure)
        actors.append(found_actors)
    pairs = tuple((_span(text, a), _span(text, b)) for a, b in data.get("same_as", []))
    structures = [_with_same_as(s, tuple(b for a, b in pairs if a == s.source)) for s in structures]
    return GoldArticle(
        id=str(data.get("id", "")),
        style=str(data.get("style", "")),
        title=str(data.get("title", "")),
        lang=str(data.get("lang", "en")),
        text=text,
        attributions=tuple(structures),
        actors=tuple(actors),
        same_as=pairs,
    )


def _text_of(data: dict[str, Any]) -> str:
    if "paragraphs" in data:
        return "\n".join(data["paragraphs"])
    if "text_resource" in data:
        entry = shipped(*data["text_resource"].split("/"))
        return entry.read_bytes().decode("utf-8")
    if "text" in data:
        return data["text"]
    raise ValueError('a gold file needs "paragraphs", "text" or "text_resource"')


def _structure(text: str, item: dict[str, Any]) -> tuple[Attribution, tuple[Offsets, ...]]:
    claim = _span(text, item["claim"])
    source = None if item.get("source") is None else _span(text, item["source"])
    cue = tuple(_parts(text, item["cue"]))
    stance, quote = item.get("stance", "asserts"), item.get("quote", "indirect")
    if stance not in STANCES:
        raise ValueError(f"unknown stance {stance!r} (one of {', '.join(STANCES)})")
    if quote not in QUOTES:
        raise ValueError(f"unknown quote kind {quote!r} (one of {', '.join(QUOTES)})")
    hedges = tuple(_span(text, ref, within=claim) for ref in item.get("hedges", []))
    actors = tuple(_span(text, ref, within=claim) for ref in item.get("actors", []))
    return Attribution(claim, source, cue, stance, quote, hedges, rule="gold"), actors


def _with_same_as(structure: Attribution, earlier: tuple[Offsets, ...]) -> Attribution:
    return replace(structure, same_as=earlier) if earlier else structure


def _span(text: str, ref: str, within: Offsets | None = None) -> Offsets:
    parts = _parts(text, ref, within)
    if len(parts) != 1:
        raise ValueError(f"REF {ref!r} must mark exactly one span")
    return parts[0]


def _parts(text: str, ref: str, within: Offsets | None = None) -> list[Offsets]:
    """The bracketed parts of ``ref`` (or all of it) located in ``text``."""
    if not isinstance(ref, str) or not ref:
        raise ValueError(f"REF must be a non-empty string, not {ref!r}")
    context = _BRACKETS.sub(lambda m: m.group(1), ref)
    base = _locate(text, context, within)
    if base is None:
        base = _locate(text, context, None)
    if base is None:
        raise ValueError(f"REF {ref!r}: {context!r} must occur exactly once in the text")
    if "[" not in ref:
        return [(base, base + len(context))]
    parts, removed = [], 0
    for match in _BRACKETS.finditer(ref):
        start = base + match.start() - removed
        removed += 2
        parts.append((start, start + len(match.group(1))))
    return parts


def _locate(text: str, context: str, within: Offsets | None) -> int | None:
    low, high = within if within is not None else (0, len(text))
    first = text.find(context, low, high)
    if first < 0 or text.find(context, first + 1, high) >= 0:
        return None
    return first
