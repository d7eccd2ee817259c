"""From found structures to :class:`Attribution`: hedges in each claim and ``same_as``
links between mentions of one source.

Hedges are the shipped hedge patterns' matches inside the claim, except where they
overlap a cue (a reporting verb is never a hedge) or a ``HEDGE_EXCLUDE`` match ("than
anyone expected"). A sourceless frame whose participle is epistemic ("is expected to",
"It is believed that") has that participle as a hedge too, as the guideline says.

``same_as`` (a later mention → the nearest earlier one), by simple rules over the
source spans in text order: the same words; a pronoun ("he", "they", "it") → the
nearest earlier mention of a fitting kind (person, group, organisation); a surname or
short name ("Kim", "Dr Price") → an earlier mention holding that name; a description
with the same head noun ("the council" → "Ashby District Council", "the minister" →
"Seoul's defense minister").
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from annotator.text.attribution_records import Attribution, Offsets
from annotator.text.attribution_rules import Context
from annotator.text.attribution_shapes import Found

LOOKBACK = 40
"""How many earlier source mentions a mention may refer to."""


def link_sources(ctx: Context, found: list[Found]) -> list[Attribution]:
    """The structures with hedges and ``same_as`` resolved, as code-point offsets."""
    cue_tokens = {i for f in found for i in f.cue}
    excluded = {i for s, e in ctx.matches.get("HEDGE_EXCLUDE", []) for i in range(s, e)}
    hedges = sorted(_hedge_tokens(ctx))
    starts = [h[0] for h in hedges]
    antecedents = _antecedents(ctx, [f.source for f in found if f.source is not None])
    result = []
    for f in found:
        frame_verb = _frame_hedge_verb(f)
        kept = [h for h in hedges if frame_verb is not None and h[0] <= frame_verb < h[1]]
        for first, last in hedges[bisect_left(starts, f.claim[0]) :]:
            if first >= f.claim[1]:
                break
            tokens = range(first, last)
            if last <= f.claim[1] and not any(i in cue_tokens or i in excluded for i in tokens):
                kept.append((first, last))
        earlier = antecedents.get(f.source) if f.source is not None else None
        result.append(
            Attribution(
                claim=ctx.char_span(*f.claim),
                source=None if f.source is None else ctx.char_span(*f.source),
                cue=_cue_parts(ctx, f.cue),
                stance=f.stance,
                quote=f.quote,
                hedges=tuple(sorted({ctx.char_span(*h) for h in kept})),
                same_as=() if earlier is None else (ctx.char_span(*earlier),),
                rule=f.shape,
            )
        )
    return result


def _hedge_tokens(ctx: Context) -> set[tuple[int, int]]:
    spans = (ctx.doc.char_span(start, end) for start, end in ctx.hedges)
    return {(span.start, span.end) for span in spans if span is not None}


def _frame_hedge_verb(f: Found) -> int | None:
    """The participle of a sourceless epistemic frame ("is expected to"), a hedge."""
    lexeme = f.anchor.lexeme
    if f.source is None and f.anchor.kind.startswith("FRAME") and lexeme and lexeme.epistemic:
        return f.anchor.verb
    return None


def _cue_parts(ctx: Context, tokens: tuple[int, ...]) -> tuple[Offsets, ...]:
    """Runs of adjacent cue tokens as code-point spans ("have … warned")."""
    parts: list[list[int]] = []
    for i in sorted(set(tokens)):
        if parts and parts[-1][-1] == i - 1:
            parts[-1].append(i)
        else:
            parts.append([i])
    return tuple(ctx.char_span(p[0], p[-1] + 1) for p in parts)


@dataclass(frozen=True, slots=True)
class _Mention:
    span: tuple[int, int]
    words: tuple[str, ...]
    lower: tuple[str, ...]
    kind: str  # pronoun-person, pronoun-group, pronoun-organisation, person, group, organisation
    heads: frozenset[str]
    names: frozenset[str]


def _antecedents(
    ctx: Context, sources: list[tuple[int, int]]
) -> dict[tuple[int, int], tuple[int, int]]:
    mentions: list[_Mention] = []
    links = {}
    for span in sorted(set(sources)):
        mention = _mention(ctx, span)
        for earlier in reversed(mentions[-LOOKBACK:]):
            if _corefers(mention, earlier):
                links[span] = earlier.span
                break
        mentions.append(mention)
    return links


def _mention(ctx: Context, span: tuple[int, int]) -> _Mention:
    tokens = [ctx.doc[i] for i in range(*span)]
    words = tuple(t.text for t in tokens)
    lower = tuple(t.lower_ for t in tokens)
    pronouns = ctx.pronouns
    if len(words) == 1 and lower[0] in pronouns:
        kind = f"pronoun-{pronouns[lower[0]]}"
        return _Mention(span, words, lower, kind, frozenset(), frozenset())
    segments = _segments(lower)
    first = segments[0] if segments else (0, len(lower))
    head_words = set()
    for start, end in segments:
        head_words.add(lower[end - 1])
        for i in range(start + 1, end):
            if lower[i] in {"of", "at", "for", "from"}:
                head_words.add(lower[i - 1])
    names = frozenset(_names(words, lower, segments, ctx.words("titles")))
    first_words = lower[first[0] : first[1]]
    orgs, persons = ctx.words("organisation_words"), ctx.words("person_words")
    if any(w in persons for w in first_words) or (
        not any(w in orgs for w in first_words)
        and sum(1 for i in range(*first) if words[i][:1].isupper()) >= 2
        and words[first[1] - 1][:1].isupper()
    ):
        kind = "person"
    elif any(w in orgs for w in first_words):
        kind = "organisation"
    else:
        kind = "group" if first_words[-1].endswith("s") else "organisation"
    heads = frozenset(h for h in head_words if not h.endswith("s") and h.isalpha())
    return _Mention(span, words, lower, kind, heads, names)


def _names(words, lower, segments, titles) -> list[str]:
    """Capitalised words after the last lower-case word of each segment, so "Rovers
    manager Danny Quinn" names Danny Quinn, not Rovers; a possessive is no name."""
    found = []
    for start, end in segments:
        first = start
        for i in range(start, end):
            after_hyphen = i > start and words[i - 1] == "-"
            if words[i][:1].islower() and not after_hyphen and lower[i] not in titles:
                first = i + 1
        for i in range(first, end):
            possessive = i + 1 < len(words) and lower[i + 1] in {"’s", "'s"}
            if words[i][:1].isupper() and lower[i] not in titles and not possessive:
                found.append(words[i])
    return found


def _segments(lower: tuple[str, ...]) -> list[tuple[int, int]]:
    segments, start = [], 0
    for i, word in enumerate(lower):
        if word == ",":
            if i > start:
                segments.append((start, i))
            start = i + 1
    if start < len(lower):
        segments.append((start, len(lower)))
    return segments


def _corefers(later: _Mention, earlier: _Mention) -> bool:
    if later.lower == earlier.lower:
        return True
    if later.kind.startswith("pronoun-"):
        wanted = later.kind.removeprefix("pronoun-")
        kind = earlier.kind.removeprefix("pronoun-")
        if wanted == "person":
            return kind == "person"
        return kind in ("group", "organisation") if wanted == "group" else kind == "organisation"
    if earlier.kind.startswith("pronoun-"):
        return False
    if later.names and len(later.words) <= 3 and later.names <= earlier.names:
        return True
    shared_head = bool(later.heads & earlier.heads)
    definite = later.lower[0] in {"the", "this", "that"}
    return shared_head and (definite or later.kind == earlier.kind == "person")
