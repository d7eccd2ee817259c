"""Rule data of the attribution extractor and the token context the shapes run on.

:class:`Resources` holds the three data files of ``resources/attribution`` (see the
README there); :class:`Context` is one text prepared for the shapes: tokens, units
(sentences, joined while a quotation is open), quotation pairs, pattern matches by
label and the anchors (cue verb groups, "according to", passive frames) in text order.
The pipeline that runs the shapes over a :class:`Context` is ``attribution.run_rules``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.model.errors import InputFileError
from annotator.shipped import attribution_folder
from annotator.text.attribution_records import STANCES
from annotator.text.patterns import Pattern, PatternMatcher, default_patterns, parse_pattern_lines

if TYPE_CHECKING:
    from spacy.tokens import Doc


OPEN_QUOTES = frozenset("“„«")
CLOSE_QUOTES = frozenset("”»")
STRAIGHT_QUOTES = frozenset({'"', "''"})
"""Marks that open and close alike, so they alternate: the straight quotation mark and
two apostrophes, the typewriter quotation mark of some newspaper archives."""
SINGLE_OPEN, SINGLE_CLOSE = "‘", "’"
"""Single quotation marks, British style; a ’ closes one only after a ‘ opened it (on its
own it is an apostrophe: "the players’ union")."""
QUOTE_MARKS = OPEN_QUOTES | CLOSE_QUOTES | STRAIGHT_QUOTES
TRAILING = frozenset({".", ",", ";", ":", "…"}) | CLOSE_QUOTES | STRAIGHT_QUOTES
ANCHORS = ("CUE", "ACCORDING", "FRAME_THAT", "FRAME_TO")
_FRAME_AUX = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "been", "be", "will", "would"}
    | {"may", "might", "could", "'s", "’s"}
)


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One cue verb of ``cues.jsonl``."""

    lemma: str
    stance: str
    object: str = ""
    """``required`` (tell, inform), ``optional`` (warn) or empty."""
    needs_that: bool = False
    """A cue only with "that"/"whether" after it, in a quotation or after its claim."""
    frame: str = ""
    """The participle that makes sourceless frames ("is said to", "it is believed that")."""
    epistemic: bool = False
    """In a sourceless frame the participle is also a hedge ("is expected to")."""
    infinitive: bool = False
    """The claim may be an infinitive: a commitment ("pledged to cut taxes")."""


@dataclass(frozen=True)
class Resources:
    """The rule data: cue lexicon by word form, the patterns and ``rules.json``."""

    forms: dict[str, Lexeme]
    frames: dict[str, Lexeme]
    patterns: tuple[Pattern, ...]
    rules: dict[str, Any]
    words: dict[str, frozenset[str]] = field(default_factory=dict)

    def word_set(self, name: str) -> frozenset[str]:
        return self.words.get(name, frozenset())


@cache
def shipped_resources() -> Resources:
    """The rule data shipped in ``resources/attribution`` (read once)."""
    folder = attribution_folder()
    read = {name: folder.joinpath(name).read_bytes() for name in _FILES}
    return _parse_resources(read, "resources/attribution")


_FILES = ("cues.jsonl", "patterns.jsonl", "rules.json")


def read_resources(folder: str | Path) -> Resources:
    """Rule data from a folder holding the three files. :raises InputFileError:"""
    folder = Path(folder)
    read = {}
    for name in _FILES:
        try:
            read[name] = (folder / name).read_bytes()
        except OSError as exc:
            raise InputFileError(folder / name, f"cannot read: {exc.strerror or exc}") from None
    return _parse_resources(read, str(folder))


def _parse_resources(raw: dict[str, bytes], where: str) -> Resources:
    forms, frames = {}, {}
    for number, line in enumerate(raw["cues.jsonl"].splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = orjson.loads(line)
            lexeme = Lexeme(
                lemma=entry["lemma"],
                stance=entry.get("stance", "asserts"),
                object=entry.get("object", ""),
                needs_that=bool(entry.get("needs_that", False)),
                frame=entry.get("frame", ""),
                epistemic=bool(entry.get("epistemic", False)),
                infinitive=bool(entry.get("infinitive", False)),
            )
            entry_forms = [str(f).lower() for f in entry["forms"]]
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputFileError(
                f"{where}/cues.jsonl", f"not a cue entry ({exc})", line=number
            ) from None

        if lexeme.stance not in STANCES:
            raise InputFileError(
                f"{where}/cues.jsonl", f"unknown stance {lexeme.stance!r}", line=number
            )
        forms.update(dict.fromkeys(entry_forms, lexeme))
        if lexeme.frame:
            frames[lexeme.frame.lower()] = lexeme
    patterns = parse_pattern_lines(raw["patterns.jsonl"], f"{where}/patterns.jsonl", "attribution")
    try:
        rules = orjson.loads(raw["rules.json"])
    except orjson.JSONDecodeError as exc:
        raise InputFileError(f"{where}/rules.json", f"not JSON ({exc})") from None
    words = {
        name: frozenset(w.lower() for w in values)
        for name, values in rules.get("words", {}).items()
        if isinstance(values, list)
    }
    return Resources(forms, frames, tuple(patterns), rules, words)


def _hedge_patterns() -> list[Pattern]:
    return [p for p in default_patterns() if p.pattern_set == "hedges"]


@cache
def _matchers(resources_id: int, lang: str) -> tuple[PatternMatcher, PatternMatcher]:
    resources = _RESOURCES_BY_ID[resources_id]
    return PatternMatcher(list(resources.patterns), lang), PatternMatcher(_hedge_patterns(), lang)


_RESOURCES_BY_ID: dict[int, Resources] = {}


def matchers_for(resources: Resources, lang: str) -> tuple[PatternMatcher, PatternMatcher]:
    """The attribution and hedge matchers (built once per rule data and language)."""
    _RESOURCES_BY_ID.setdefault(id(resources), resources)
    return _matchers(id(resources), lang)


def _ensure_extensions() -> None:
    from spacy.tokens import Token

    for name in ("att_verb", "att_frame"):
        if not Token.has_extension(name):
            Token.set_extension(name, default=False)


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a shape is anchored: a cue verb group, "according to" or a frame."""

    kind: str
    start: int
    end: int
    cue_tokens: tuple[int, ...]
    lexeme: Lexeme | None
    verb: int


class Context:
    """One text prepared for the shapes (token indices are half-open ranges)."""

    def __init__(self, text: str, doc: Doc, resources: Resources, lang: str):
        self.text, self.doc, self.res = text, doc, resources
        self.words = resources.word_set
        # personal pronouns and the kind of source each names ("he": person)
        self.pronouns: dict[str, str] = resources.rules.get("words", {}).get("pronouns", {})
        _ensure_extensions()
        self.lower: list[str] = []
        self.texts: list[str] = []
        self.punct: list[bool] = []
        self.space: list[bool] = []
        self.num: list[bool] = []
        self.title: list[bool] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.is_verb: list[bool] = []
        for token in doc:  # one pass: reading spaCy tokens is the costly part
            lower, word = token.lower_, token.text
            self.lower.append(lower)
            self.texts.append(word)
            self.space.append(token.is_space)
            self.punct.append(token.is_punct or token.is_space)
            self.num.append(token.like_num)
            self.title.append(token.is_title)
            self.starts.append(token.idx)
            self.ends.append(token.idx + len(word))
            self.is_verb.append(lower in resources.forms)
            if self.is_verb[-1]:
                token._.att_verb = True
            if lower in resources.frames:
                token._.att_frame = True
        self.n = len(doc)
        self.pairs = self._quote_pairs()
        self.units, self.unit_of = self._units(lang)
        self._unit_ends = [self._trimmed_end(s, e) for s, e in self.units]
        attribution, hedges = matchers_for(resources, lang)
        self.matches: dict[str, list[tuple[int, int]]] = {}
        for match in attribution.matches(doc):
            span = doc.char_span(match.start, match.end)
            if span is not None and not self._modifier(match.label, span.start):
                self.matches.setdefault(match.label, []).append((span.start, span.end))
        self.hedges = [(m.start, m.end) for m in hedges.matches(doc) if m.label == "hedge"]
        self.match_at = {label: {s: e for s, e in spans} for label, spans in self.matches.items()}
        self.match_ending = {
            label: {e: s for s, e in spans} for label, spans in self.matches.items()
        }
        self.anchors = self._anchors()
        cues = [a for a in self.anchors if a.kind == "CUE"]
        self.cue_starts = {a.start for a in cues}
        self.cue_verbs = {a.verb for a in cues}
        self.participle_starts = {a.start for a in cues if self.lower[a.verb].endswith("ing")}
        self.consumed: set[int] = set()

    # -- tokens ---------------------------------------------------------------------
    def char_span(self, first: int, end: int) -> tuple[int, int]:
        return self.starts[first], self.ends[end - 1]

    def is_open(self, i: int) -> bool:
        return i in self.pairs and self.pairs[i] > i

    def is_close(self, i: int) -> bool:
        return i in self.pairs and self.pairs[i] < i

    def is_quote(self, i: int) -> bool:
        return self.texts[i] in QUOTE_MARKS or i in self.pairs

    def is_punct(self, i: int) -> bool:
        return self.punct[i]

    def unit_bounds(self, i: int) -> tuple[int, int]:
        return self.units[self.unit_of[min(i, self.n - 1)]]

    def unit_end(self, i: int) -> int:
        """The end of ``i``'s unit without trailing punctuation and quotation marks."""
        return self._unit_ends[self.unit_of[min(i, self.n - 1)]]

    def _trimmed_end(self, start: int, end: int) -> int:
        while end > start and (
            self.texts[end - 1] in TRAILING or self.space[end - 1] or self.is_close(end - 1)
        ):
            if self.is_close(end - 1) and self.pairs[end - 1] > start:
                break  # a quoted fragment ends the sentence: 'were “making enquiries”.'
            end -= 1
        return end

    # -- building -------------------------------------------------------------------
    def _quote_pairs(self) -> dict[int, int]:
        """Matching quotation marks, per paragraph: curly ones nest, straight ones
        alternate, and a straight mark closes an open curly one (and a curly closing
        mark an open straight one: news copy mixes them). Unmatched marks are left out."""
        pairs: dict[int, int] = {}
        stack: list[int] = []
        singles: list[int] = []
        straight: int | None = None
        for token in self.doc:
            if "\n" in token.text:
                stack, singles, straight = [], [], None
                continue
            mark = token.text
            if mark == SINGLE_OPEN:
                singles.append(token.i)
            elif mark == SINGLE_CLOSE and singles:
                opened = singles.pop()
                pairs[opened], pairs[token.i] = token.i, opened
            elif mark in OPEN_QUOTES:
                stack.append(token.i)
            elif mark in CLOSE_QUOTES and (stack or straight is not None):
                opened = stack.pop() if stack else straight
                straight = None if opened == straight else straight
                pairs[opened], pairs[token.i] = token.i, opened
            elif mark in STRAIGHT_QUOTES:
                if straight is None and stack:  # “…," mixed marks of one quotation
                    opened = stack.pop()
                    pairs[opened], pairs[token.i] = token.i, opened
                elif straight is None:
                    straight = token.i
                else:
                    pairs[straight], pairs[token.i] = token.i, straight
                    straight = None
        return pairs

    def _units(self, lang: str) -> tuple[list[tuple[int, int]], list[int]]:
        """Sentences (the app's sentencizer), joined while a quotation is open."""
        from annotator.text.sentences import sentence_bounds
        from annotator.text.tokens import offsets_of

        bounds = sentence_bounds(self.text, offsets_of(self.doc), lang)
        firsts = {bisect_right(self.ends, s) for s in bounds.starts} | {0}
        # the sentencizer leaves an opening quotation mark at the end of the sentence
        # before ('… reporters. "The referee …'): the mark starts the next one
        first_tokens = sorted(
            i - 1 if i > 0 and self.is_open(i - 1) and self.texts[i - 1] != "\n" else i
            for i in firsts
        )
        unit_of = [0] * self.n
        for i in range(self.n):
            unit_of[i] = bisect_right(first_tokens, i) - 1
        for opened, closed in self.pairs.items():
            if closed > opened and unit_of[closed] != unit_of[opened]:
                low, high = unit_of[opened], unit_of[closed]
                unit_of = [low if low <= u <= high else u for u in unit_of]
        units: list[tuple[int, int]] = []
        renumbered: list[int] = []
        for i, unit in enumerate(unit_of):
            if i == 0 or unit != unit_of[i - 1]:
                units.append((i, i + 1))
            else:
                units[-1] = (units[-1][0], i + 1)
            renumbered.append(len(units) - 1)
        return units, renumbered

    def _modifier(self, label: str, start: int) -> bool:
        """An adjunct's words after "the", "a", "his" … modify a noun ("the Saturday
        market"): no adjunct there."""
        return (
            label == "ADJUNCT" and start > 0 and self.lower[start - 1] in self.words("noun_markers")
        )

    def _anchors(self) -> list[Anchor]:
        frames = self.matches.get("FRAME_THAT", []) + self.matches.get("FRAME_TO", [])
        in_frame = {i for s, e in frames for i in range(s, e)}
        anchors = []
        for kind in ANCHORS:
            for start, end in self.matches.get(kind, []):
                anchor = self._anchor(kind, start, end, in_frame)
                if anchor is not None:
                    anchors.append(anchor)
        return sorted(anchors, key=lambda a: (a.start, a.end))

    def _anchor(self, kind: str, start: int, end: int, in_frame: set[int]) -> Anchor | None:
        aux = self.words("auxiliaries")
        if kind == "ACCORDING":
            return Anchor(kind, start, end, tuple(range(start, end)), None, end - 1)
        if kind == "CUE":
            verb = end - 1
            if verb in in_frame or not self._live_verb(start, verb):
                return None
            lexeme = self.res.forms[self.lower[verb]]
            cue = tuple(i for i in range(start, end) if i == verb or self.lower[i] in aux)
            return Anchor(kind, start, end, cue, lexeme, verb)
        verb = next(i for i in range(start, end) if self.lower[i] in self.res.frames)
        lexeme = self.res.frames[self.lower[verb]]
        cue = tuple(i for i in range(start, end) if i == verb or self.lower[i] in _FRAME_AUX)
        if kind == "FRAME_THAT":
            cue = tuple(i for i in cue if i != start)  # "It" is not part of the cue
        return Anchor(kind, start, end, cue, lexeme, verb)

    def _live_verb(self, start: int, verb: int) -> bool:
        """A cue form used as a verb: not negated or infinitive ("did not deny", "to
        say"), not a noun after a determiner ("the report", "a claim")."""
        before = self.lower[start - 1] if start > 0 else ""
        just_before = self.lower[verb - 1] if verb > 0 else ""
        if before in self.words("negators") or just_before in self.words("negators"):
            return False
        if verb > 0 and self.num[verb - 1]:
            return False  # "in 40 states"
        return just_before not in self.words("noun_markers") and not self._in_name(verb)

    def _in_name(self, i: int) -> bool:
        """A capitalised word after a word, followed by a lower-case word or punctuation:
        part of a name ("the Islamic State group", "the United States."), not a verb of a
        headline ("County Says Trump Should Win")."""
        if not self.title[i] or i == 0 or self.punct[i - 1]:
            return False
        return i + 1 >= self.n or self.punct[i + 1] or not self.title[i + 1]
