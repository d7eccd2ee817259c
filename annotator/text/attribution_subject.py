"""The subject of the clause a cue hangs on, for shapes whose source is ``subject``:
a participle or a second verb with no source of its own ("Mr. Ortega revised his plans
in May, saying that …", "The council met on Monday and said it …").

Without a parser the subject is found from the words: the clause begins after the
nearest clause boundary before the cue (punctuation such as ";" or a dash, a quotation
mark, a boundary word such as "when" or "after"); an opening adjunct up to its comma
("In April, …") is skipped; the subject is then a personal pronoun, a run of
capitalised words (a name with its title: "Sen. Ana Ruiz"), or a short phrase up to
the first word that looks like its verb (an auxiliary, a cue, a word in "-ed").
"""

from __future__ import annotations

from annotator.text.attribution_bounds import DASHES, Bounds
from annotator.text.attribution_rules import Anchor, Context

SUBJECT_TOKENS = 6
"""The longest phrase taken as a subject when no name or verb marks its end."""

_NOT_CLAUSE_BOUNDARIES = frozenset({"and", "but", "or", "nor", "so"})
"""Boundary words that join a second verb to the same subject rather than open a clause."""


_NAME_JOINERS = frozenset({"of", "at", "for", "from", "the", "and", "&", "on", "in"})
"""Lower-case words inside a name or a name with its place ("the Bank of England")."""


def clause_subject(ctx: Context, bounds: Bounds, anchor: Anchor) -> tuple[int, int] | None:
    """The subject (token indices, half-open) of the clause before ``anchor``, or
    ``None`` when it does not look like one (it must name someone: never "it")."""
    start = _subject_start(ctx, bounds, _clause_start(ctx, bounds, anchor.start))
    if start is None or start >= anchor.start:
        return None
    lower = ctx.lower[start]
    if bounds.verb_like(start):
        return None  # "…, who will return the favor, saying": no subject found
    if lower in ctx.res.rules.get("words", {}).get("pronouns", {}):
        return None if lower == "it" else (start, start + 1)
    end = _name_end(ctx, start, anchor.start)
    if end is None or (end == start + 1 and lower in bounds.w("claim_openers")):
        # "Some" or "Most" capitalised to open the sentence is no name ("Some senators")
        end = _phrase_end(ctx, bounds, start, anchor.start)
    if end is None or end <= start:
        return None
    return bounds.trim(start, end)


def _clause_start(ctx: Context, bounds: Bounds, pos: int) -> int:
    """After the nearest boundary before ``pos``; after the comma that closes a clause
    opened by a boundary word ("When the storm passed, the mayor …")."""
    unit_start, _ = ctx.unit_bounds(pos)
    i = pos - 1
    while i > unit_start:
        word = ctx.lower[i - 1]
        if ctx.is_close(i - 1) and unit_start < ctx.pairs[i - 1] < i - 1:
            i = ctx.pairs[i - 1]  # "She declared “What a night!” and said …": inside
            continue
        if word == ")" and _in_name(ctx, i) and (opened := bounds.bracket_opened(i - 1)):
            i = opened  # "Sen. Ann Pike (R-Ore.) refused …, saying": inside the name
            continue
        if word in bounds.w("boundary_punct") or word in DASHES or ctx.is_quote(i - 1):
            break
        if word in bounds.w("left_boundaries") and word not in _NOT_CLAUSE_BOUNDARIES:
            comma = next((j for j in range(i, pos - 1) if ctx.lower[j] == ","), None)
            return i if comma is None else comma + 1
        i -= 1
    return max(i, unit_start)


def _in_name(ctx: Context, after: int) -> bool:
    """Whether a bracket that closes before ``after`` sits inside a name ("Sen. Ann Pike
    (R-Ore.) refused"), not after a dateline ("PARIS (Reuters) - …")."""
    return after < ctx.n and (ctx.texts[after].islower() or ctx.lower[after] == ",")


def _subject_start(ctx: Context, bounds: Bounds, start: int) -> int | None:
    """The first word of the subject: past clause openers ("But") and an opening adjunct
    with its comma ("In April, …", "On Monday, …")."""
    while start < ctx.n and (ctx.is_punct(start) or ctx.lower[start] in bounds.w("clause_openers")):
        start += 1
    if start >= ctx.n:
        return None
    if ctx.lower[start] in bounds.w("prepositions") or start in bounds.adjunct_tokens:
        comma = next((i for i in range(start, min(ctx.n, start + 10)) if ctx.lower[i] == ","), None)
        if comma is None:
            return None
        start = comma + 1
    return start


def _name_end(ctx: Context, start: int, limit: int) -> int | None:
    """The end of a run of capitalised words from ``start`` ("The" may open it, and
    "of", "at", "the" … join two runs: "Researchers at the University of Leeds")."""

    def capital(i: int) -> bool:
        return (ctx.title[i] or ctx.texts[i].isupper()) and not ctx.is_verb[i]

    first = start + 1 if ctx.lower[start] == "the" else start
    end = first
    while end < limit:
        if capital(end):
            end += 1
            continue
        joined = end
        while joined < limit and ctx.lower[joined] in _NAME_JOINERS:
            joined += 1
        if joined == end or joined >= limit or not capital(joined):
            break
        end = joined
    return end if end > first else None


def _phrase_end(ctx: Context, bounds: Bounds, start: int, limit: int) -> int | None:
    """The end of a short noun phrase: before its verb, or ``SUBJECT_TOKENS`` words."""
    for i in range(start + 1, min(limit, start + SUBJECT_TOKENS + 1)):
        word = ctx.lower[i]
        if ctx.is_punct(i) or ctx.is_verb[i] or word in bounds.w("auxiliaries"):
            return i
        if word.endswith("ed") or word in bounds.w("negators"):
            return i
    return None
