"""The subject of the clause a cue hangs on, for shapes whose source is ``subject``:
a participle or a second verb with no source of its own ("Mr. Ortega revised his plans
in May, saying that …", "The council met on Monday and said it …").

Without a parser the subject is found from the words: the clause begins after the
nearest clause boundary before the cue (punctuation such as ";" or a dash, a quotation
mark, a boundary word such as "when" or "after"); an opening adjunct up to its comma
("In April, …") is skipped; the subject is then a personal pronoun, a run of
capitalised words (a name with its title: "Sen. Ana Ruiz"), or a short phrase up to
the first word that looks like its verb (an auxiliary, a cue, a word in "-ed").

A cue right after "who" or "which" takes the pronoun's antecedent, read right to left
from the pronoun: a determiner and its words, "of" phrases, a capitalised name.
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
    if lower in ctx.pronouns:
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


def relative_antecedent(ctx: Context, bounds: Bounds, anchor: Anchor) -> tuple[int, int] | None:
    """The phrase a relative pronoun right before ``anchor`` stands for ("the mayor, who
    said …", "voters who have said …"), or ``None``. The guideline's source is who
    makes the claim: the antecedent, not "who"."""
    rel = anchor.start - 1
    if rel < 1 or ctx.lower[rel] not in bounds.w("relative_subjects"):
        return None
    end = rel - 1 if ctx.lower[rel - 1] == "," else rel
    start = _noun_phrase_start(ctx, bounds, end)
    return None if start is None else bounds.trim(start, end)


def _noun_phrase_start(ctx: Context, bounds: Bounds, end: int) -> int | None:
    """Where the noun phrase that ends at ``end`` begins, read right to left: lower-case
    words up to a determiner ("the state party officials"), "of" joining two phrases
    ("the mayor of Paris"), a run of capitalised words ("the Border Protection chief");
    without a determiner or a name, only the last word ("… met officials")."""
    first, _ = ctx.unit_bounds(max(end - 1, 0))
    pronouns = ctx.pronouns
    start, lows, named = end, 0, False
    while start > first and lows < SUBJECT_TOKENS:
        j, word = start - 1, ctx.lower[start - 1]
        if word in ("'s", "’s") or (word == "of" and start < end):
            start, named, lows = j, False, 0  # a possessor or an "of" phrase: go on
            continue
        if word in bounds.w("noun_markers"):
            if j - 1 > first and ctx.lower[j - 1] == "of":
                start, named, lows = j - 1, False, 0  # "the chief of the office": go on
                continue
            return j  # the determiner opens the phrase
        if named:
            break
        if word == ")" and (opened := bounds.bracket_opened(j)):
            start = opened
            continue
        if ctx.texts[j][:1].isupper() and word not in pronouns and not ctx.is_punct(j):
            if lows > 1:
                return end - 1  # "Trump met officials who …": the last word
            start, named = _name_start(ctx, j, first), True
            continue
        if ctx.is_punct(j) or bounds.verb_like(j) or word in bounds.w("left_boundaries"):
            break
        if word in pronouns or word in bounds.w("relative"):
            break
        start, lows = j, lows + 1
    if start >= end or ctx.lower[start] in ("of", "'s", "’s"):
        return None
    return start if named or lows <= 1 else end - 1


def _name_start(ctx: Context, last: int, first: int) -> int:
    """The first word of the run of capitalised words that ends at ``last`` ("Customs
    and Border Protection")."""
    start = last
    while start > first:
        j = start - 1
        capital = ctx.texts[j][:1].isupper() and not ctx.is_punct(j)
        joiner = ctx.lower[j] in _NAME_JOINERS - {"the"} and ctx.texts[j - 1][:1].isupper()
        if not (capital or (joiner and j > first)):
            break
        start = j
    return start
