"""Patterns in Prodigy's format, matched by spaCy's ``SpanRuler``.

A pattern file is JSON lines, one ``{"label": ..., "pattern": ...}`` a line: the pattern
is either a phrase (a string, matched on lower-cased tokens) or a list of token
patterns (spaCy ``Matcher`` syntax: ``[{"LOWER": "highly"}, {"LOWER": "likely"}]``). An
optional ``"id"`` names the pattern's kind ("modal", "reporting-verb").

The app ships ``resources/patterns/hedges.jsonl`` (hedge cues) and ``cues.jsonl``
(attribution cues: reporting verbs, "according to"). Cue matches are not spans to
annotate: they suggest the cue of an ``attributed_to`` link, and a hedge match that
overlaps one is dropped (the guideline: a reporting verb is not a hedge).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.model.errors import InputFileError
from annotator.shipped import patterns_folder
from annotator.text.regex_patterns import bounded, check_expression, start_document
from annotator.text.tokens import get_nlp

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

CUE = "cue"
"""The label of attribution-cue patterns."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern: ``label``, ``pattern`` (a phrase or a list of token patterns), the set
    it belongs to (``hedges``, ``cues``, ``project``, a file name) and an optional id."""

    label: str
    pattern: str | tuple[dict[str, Any], ...]
    pattern_set: str
    id: str = ""

    def to_json(self) -> dict[str, Any]:
        """The Prodigy form (``pattern_set`` is not part of it)."""
        data: dict[str, Any] = {"label": self.label, "pattern": self.as_spacy()}
        if self.id:
            data["id"] = self.id
        return data

    def as_spacy(self) -> str | list[dict[str, Any]]:
        return self.pattern if isinstance(self.pattern, str) else list(self.pattern)

    def shown(self) -> str:
        """The pattern as a person reads it: a phrase as is, tokens as compact JSON."""
        if isinstance(self.pattern, str):
            return self.pattern
        return orjson.dumps(list(self.pattern)).decode()


@dataclass(frozen=True, slots=True)
class Match:
    """A pattern match: code-point offsets, label, the set and id of the pattern."""

    start: int
    end: int
    label: str
    pattern_set: str
    id: str = ""


def parse_pattern(data: Any, pattern_set: str) -> Pattern:
    """A :class:`Pattern` from one decoded JSON line.

    :raises ValueError: not an object with a non-empty ``label`` and a non-empty phrase
        or list of token patterns that spaCy's ``Matcher`` accepts.
    """
    if not isinstance(data, dict):
        raise ValueError('expected an object like {"label": "hedge", "pattern": "may"}')
    label, pattern = data.get("label"), data.get("pattern")
    if not isinstance(label, str) or not label.strip():
        raise ValueError('"label" must be a non-empty string')
    ident = data.get("id", "")
    if isinstance(pattern, str):
        if not pattern.strip():
            raise ValueError('"pattern" is an empty phrase')
        return Pattern(label.strip(), pattern.strip(), pattern_set, str(ident))
    if not isinstance(pattern, list) or not pattern:
        raise ValueError('"pattern" must be a phrase or a non-empty list of token patterns')
    if not all(isinstance(token, dict) for token in pattern):
        raise ValueError('each token pattern in "pattern" must be an object')
    _check_token_pattern(pattern)
    return Pattern(label.strip(), tuple(pattern), pattern_set, str(ident))


def _check_token_pattern(pattern: list[dict[str, Any]]) -> None:
    from spacy.matcher import Matcher

    for token in pattern:
        for value in token.values():
            if isinstance(value, dict) and "REGEX" in value:
                check_expression(value["REGEX"])
    try:
        Matcher(get_nlp("en").vocab, validate=True).add("check", [pattern])
    except Exception as exc:  # spaCy's MatchPatternError, or ValueError for bad values
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        problems = [line.removeprefix("- ").replace("pattern -> ", "token ") for line in lines]
        detail = [p for p in problems if p.startswith("[")] or problems[:1] or ["invalid"]
        raise ValueError(f"not a valid token pattern: {detail[0]}") from None


def read_patterns(
    path: str | Path, pattern_set: str | None = None, *, labels: Collection[str] | None = None
) -> list[Pattern]:
    """Every pattern of a JSON lines file (blank lines skipped); with ``labels``, a
    pattern for another label (than those or the cue) is refused too.

    :raises InputFileError: the file cannot be read, or a line is not a valid pattern
        (the error names the file and line); nothing is returned then.
    """
    from annotator.files.encoding import read_file_bytes

    raw = read_file_bytes(path)
    return parse_pattern_lines(raw, path, pattern_set or path.stem, labels=labels)


def parse_pattern_lines(
    raw: bytes, where: str | Path, pattern_set: str, *, labels: Collection[str] | None = None
) -> list[Pattern]:
    """Patterns of JSON lines ``raw`` (see :func:`read_patterns`)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    patterns = []
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            pattern = parse_pattern(orjson.loads(line), pattern_set)
        except orjson.JSONDecodeError as exc:
            raise InputFileError(where, f"not JSON ({exc})", line=number) from None
        except ValueError as exc:
            raise InputFileError(where, str(exc), line=number) from None
        if labels is not None and pattern.label != CUE and pattern.label not in labels:
            known = ", ".join(labels)
            raise InputFileError(
                where, f"unknown label {pattern.label!r} (this project has: {known})", line=number
            )
        patterns.append(pattern)
    return patterns


def default_patterns() -> list[Pattern]:
    """The patterns shipped in ``resources/patterns`` (one set per file)."""
    return list(_shipped_patterns())


@cache
def _shipped_patterns() -> tuple[Pattern, ...]:
    folder = patterns_folder()
    patterns = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".jsonl"):
            name = entry.name.removesuffix(".jsonl")
            patterns += parse_pattern_lines(entry.read_bytes(), f"resources/{entry.name}", name)
    return tuple(patterns)


class PatternMatcher:
    """A ``SpanRuler`` over ``patterns`` on the app's tokenizer for ``lang``.

    Build once per pattern list and language; :meth:`matches` takes a ``Doc`` made from
    stored tokens (``Project.spacy_doc``) or a text."""

    def __init__(self, patterns: list[Pattern], lang: str = "en"):
        self.patterns = patterns
        self.nlp = _ruler_pipeline(patterns, lang)

    def matches(self, doc: Doc) -> list[Match]:
        """Matches in ``doc``, longest first where two of one label overlap; hedges that
        overlap a cue are left out."""
        ruler = self.nlp.get_pipe("span_ruler")
        doc.spans.pop(_KEY, None)
        start_document()  # REGEX predicates run with a time limit per document
        ruler(doc)
        return _resolve(doc.spans.pop(_KEY, []), self.patterns)

    def matches_in_text(self, text: str) -> list[Match]:
        return self.matches(self.nlp.make_doc(text))


_KEY = "annotator_patterns"


def _ruler_pipeline(patterns: list[Pattern], lang: str) -> Language:
    import spacy

    base = get_nlp(lang)
    nlp = spacy.blank(base.lang, vocab=base.vocab)
    nlp.tokenizer = base.tokenizer
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": _KEY, "phrase_matcher_attr": "LOWER", "validate": True},
    )
    ruler.add_patterns(
        [
            {
                "label": p.label,
                "pattern": p.pattern
                if isinstance(p.pattern, str)
                else bounded(p.as_spacy(), p.shown()),
                "id": f"{n}",
            }
            for n, p in enumerate(patterns)
        ]
    )
    return nlp


def _resolve(spans, patterns: list[Pattern]) -> list[Match]:
    """Keep the longest of overlapping matches of one label; drop hedges inside cues."""
    found = sorted(
        (
            Match(
                s.start_char,
                s.end_char,
                s.label_,
                patterns[int(s.id_)].pattern_set,
                patterns[int(s.id_)].id,
            )
            for s in spans
        ),
        key=lambda m: (m.label, m.start, -(m.end - m.start)),
    )
    kept: list[Match] = []
    for match in found:
        if kept and kept[-1].label == match.label and match.start < kept[-1].end:
            continue  # inside (or overlapping) a longer match of its label
        kept.append(match)
    cues = [m for m in kept if m.label == CUE]
    return sorted(
        (
            m
            for m in kept
            if m.label == CUE or not any(c.start < m.end and m.start < c.end for c in cues)
        ),
        key=lambda m: (m.start, m.end, m.label),
    )


def write_patterns(path: str | Path, patterns: list[Pattern]) -> None:
    """Write ``patterns`` as Prodigy JSON lines (atomically: all or nothing).

    :raises AnnotatorError: the file cannot be written.
    """
    from annotator.files.output import atomic_output

    with atomic_output(path) as handle:
        for pattern in patterns:
            handle.write(orjson.dumps(pattern.to_json()) + b"\n")
