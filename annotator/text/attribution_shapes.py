"""The shapes of ``rules.json`` run over a :class:`Context`.

A shape is an anchor (a cue verb group, "according to", a passive frame) with the
elements expected ``before`` and ``after`` it, in text order. Elements:

- ``SOURCE``, ``CLAIM``, ``OBJECT``, ``SUBJECT``, ``GAP``: free stretches of tokens (a
  ``SUBJECT`` begins like a source but belongs to the claim: "The chef, 52, is said
  to …"; a ``GAP`` is a short prepositional phrase right before "that": "said in
  Parliament that"). Next to a fixed element they end where it matches (nearest first); at the
  outer end of a side they extend to their natural boundary
  (:mod:`annotator.text.attribution_bounds`).
- ``QUOTE``: a quotation, ending just before (``before``) or starting just after
  (``after``) the anchor's side; its content is the claim of a ``direct`` shape.
- ``ADJUNCT``, ``FRAME_NOUN``, ``CLAIM_REF``: a match of that pattern label.
- ``TAIL``: adjuncts or an object between a cue and the end of its clause.
- ``$`` the end of the clause, ``^`` its start; anything else is literal words,
  ``|`` between alternatives. A trailing ``?`` makes an element optional, ``*``
  repeatable.

Shapes are tried in file order, quotation shapes over all anchors first; the first that
matches an anchor wins. Then claims joined by "and that" are split, quotations that
continue an attributed one inherit its attribution, and structures whose cue lies
inside another structure's claim are dropped (the outer one is the attribution).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from annotator.text.attribution_bounds import Bounds
from annotator.text.attribution_rules import Anchor, Context
from annotator.text.attribution_subject import clause_subject, relative_antecedent

FREE = ("SOURCE", "CLAIM", "OBJECT", "SUBJECT", "GAP")
Bind = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Element:
    raw: str
    kind: str  # free, quote, label, tail, end, start, word
    value: str
    words: frozenset[str] = frozenset()
    optional: bool = False
    repeat: bool = False

    @classmethod
    def parse(cls, raw: str) -> Element:
        core = raw.rstrip("?*")
        optional, repeat = raw.endswith(("?", "*")), raw.endswith("*")
        kinds = {"QUOTE": "quote", "TAIL": "tail", "$": "end", "^": "start"}
        if core in FREE:
            kind = "free"
        elif core in kinds:
            kind = kinds[core]
        elif core.isupper() and core.replace("_", "").isalpha():
            kind = "label"
        else:
            words = frozenset(w.lower() for w in core.split("|"))
            return cls(raw, "word", core, words, optional, repeat)
        return cls(raw, kind, core, frozenset(), optional, repeat)


@dataclass(frozen=True)
class Shape:
    name: str
    anchor: str
    before: tuple[Element, ...]
    after: tuple[Element, ...]
    quote: str = ""
    source: str = "span"  # span, inherit, subject, none
    claim: str = "span"  # span, previous, around
    stance: tuple[str, ...] = ()
    form: str = ""
    object: bool | None = None
    cue_takes: str = ""
    simple: bool = False
    """The cue is one finite verb without auxiliaries (quotative inversion: "said the
    minister")."""
    claim_opens: bool = False
    """The claim must begin with a pronoun, determiner or number (no "that" marks it)."""
    deferred: bool = False
    """Tried after every other shape (a frame inside another structure's claim)."""

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Shape:
        return cls(
            name=data["name"],
            anchor=data.get("anchor", "CUE"),
            before=tuple(Element.parse(e) for e in data.get("before", [])),
            after=tuple(Element.parse(e) for e in data.get("after", [])),
            quote=data.get("quote", ""),
            source=data.get("source", "span"),
            claim=data.get("claim", "span"),
            stance=tuple(data.get("stance", ())),
            form=data.get("form", ""),
            object=data.get("object"),
            cue_takes=data.get("cue_takes", ""),
            simple=bool(data.get("simple", False)),
            claim_opens=bool(data.get("claim_opens", False)),
            deferred=bool(data.get("deferred", False)),
        )


@dataclass(frozen=True, slots=True)
class Found:
    """A structure in token indices (claim and source half-open)."""

    shape: str
    anchor: Anchor
    claim: tuple[int, int]
    source: tuple[int, int] | None
    cue: tuple[int, ...]
    stance: str
    quote: str
    end: int = -1
    """Where the shape's ``after`` side stopped (for quotations that continue)."""
    borrowed: bool = False
    """The claim is an earlier structure's (a denial of it)."""


_LATER_SOURCES = frozenset({"inherit", "subject"})


def find_structures(ctx: Context) -> list[Found]:
    """All structures of ``ctx`` (token indices), in text order of their cues."""
    shapes = [Shape.parse(s) for s in ctx.res.rules.get("shapes", [])]
    run = _Runner(ctx)
    # quotations first, over the whole text; a quotation whose source comes from an
    # earlier structure or from its clause (", adding, “…”") waits for the others
    quoted = [s for s in shapes if s.quote == "direct" and s.source not in _LATER_SOURCES]
    for anchor in ctx.anchors:
        run.try_shapes(quoted, anchor)
    run.continue_quotations()
    inside_quotes = {i for f in run.found if f.quote == "direct" for i in range(*f.claim)}
    for deferred in (False, True):
        others = [s for s in shapes if s not in quoted and s.deferred == deferred]
        for anchor in ctx.anchors:
            if anchor.start not in inside_quotes:
                run.try_shapes(others, anchor)
    found = _split_coordinated(ctx, run.found)
    return sorted(_drop_nested(ctx, found), key=lambda f: (f.anchor.start, f.claim))


class _Runner:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.bounds = Bounds(ctx)
        self.found: list[Found] = []
        self.by_unit: dict[int, list[Found]] = {}

    def add(self, found: Found) -> None:
        self.found.append(found)
        self.by_unit.setdefault(self.ctx.unit_of[found.anchor.start], []).append(found)

    def in_units(self, first: int, last: int) -> list[Found]:
        return [f for unit in range(first, last + 1) for f in self.by_unit.get(unit, [])]

    def try_shapes(self, shapes: list[Shape], anchor: Anchor) -> None:
        if any(i in self.ctx.consumed for i in anchor.cue_tokens):
            return
        for shape in shapes:
            if shape.anchor != anchor.kind or not self._anchor_fits(shape, anchor):
                continue
            found = self._match(shape, anchor)
            if found is not None:
                self.add(found)
                self.ctx.consumed.update(found.cue)
                return

    def _anchor_fits(self, shape: Shape, anchor: Anchor) -> bool:
        lexeme = anchor.lexeme
        if shape.stance and (lexeme is None or lexeme.stance not in shape.stance):
            return False
        if shape.form == "ing" and not self.ctx.lower[anchor.verb].endswith("ing"):
            return False
        if shape.simple and (
            len(anchor.cue_tokens) != 1 or self.ctx.lower[anchor.verb].endswith("ing")
        ):
            return False  # quotative inversion is "said the minister", never "saying …"
        if shape.object is not None and lexeme is not None:
            takes = lexeme.object in ("required", "optional")
            return takes if shape.object else lexeme.object != "required"
        return True

    def _bare_participle(self, anchor: Anchor) -> bool:
        """A cue in "-ing" with no auxiliary ("reminding", not "is reminding")."""
        return anchor.start == anchor.verb and self.ctx.lower[anchor.verb].endswith("ing")

    def _match(self, shape: Shape, anchor: Anchor) -> Found | None:
        side = _Sides(self, shape, anchor)
        for after in side.after(0, anchor.end, {}):
            for bind in side.before(0, anchor.start, after):
                found = self._build(shape, anchor, bind)
                if found is not None:
                    return found
        return None

    def _build(self, shape: Shape, anchor: Anchor, bind: Bind) -> Found | None:
        ctx = self.ctx
        lexeme = anchor.lexeme
        has_comp = any(e.words & ctx.words("complementizers") for e in shape.after)
        claim = self._claim(shape, anchor, bind)
        needs_that = lexeme is not None and lexeme.needs_that and has_comp
        if needs_that and "COMP" not in bind and not self._infinitive(claim):
            return None
        if claim is None or (shape.claim_opens and not self.bounds.claim_opens(claim[0])):
            return None
        parenthetical = shape.claim == "around" and "CLAIM<" in bind and "CLAIM>" in bind
        if parenthetical and not self.bounds.continues_clause(bind["CLAIM>"][0]):
            return None  # "The plan is dead, she said, adding …": two clauses
        source = self._source(shape, anchor, bind)
        if shape.source == "antecedent" and source is not None:
            claim = self._relative_claim(source, claim)
        if "SOURCE<" in bind and self._bare_participle(anchor):
            start, end = bind["SOURCE<"]
            if self.bounds.verb_like(start) or self.bounds.holds_verb(start, end):
                # "The group issued a statement saying …": the words before the
                # participle are a clause; its subject is the source
                source = clause_subject(self.ctx, self.bounds, anchor)
        if shape.source != "none" and source is None:
            return None
        cue = anchor.cue_tokens
        if shape.cue_takes == "that" and "COMP" in bind:
            cue = (*cue, bind["COMP"])
        quote = shape.quote or self.bounds.quote_kind(*claim)
        stance = lexeme.stance if lexeme is not None else "asserts"
        borrowed = shape.claim == "previous"
        return Found(
            shape.name, anchor, claim, source, cue, stance, quote, bind.get("$", -1), borrowed
        )

    def _relative_claim(self, source: tuple[int, int], claim: tuple[int, int]) -> tuple[int, int]:
        """A claim in a relative clause inside the subject ("The mayor, who said that …,
        left early") ends at the comma that closes the clause."""
        ctx = self.ctx
        if not self.bounds._opens_unit(source[0]):
            return claim
        i = claim[0]
        while i < claim[1]:
            if ctx.is_open(i) and ctx.pairs[i] < claim[1]:
                i = ctx.pairs[i] + 1
                continue
            if ctx.lower[i] == ",":
                return self.bounds.trim(claim[0], i) or claim
            i += 1
        return claim

    def _infinitive(self, claim: tuple[int, int] | None) -> bool:
        """A "to …" claim of a cue that takes one: it stands in for "that"."""
        return claim is not None and self.bounds.infinitive_claim(claim[0])

    def _claim(self, shape: Shape, anchor: Anchor, bind: Bind) -> tuple[int, int] | None:
        if shape.quote == "direct":
            return self.bounds.quote_content(*bind["QUOTE"])
        if shape.claim == "previous":
            return self._previous_claim(anchor, bind)
        if shape.claim == "around":
            first = bind.get("SUBJECT<", bind.get("CLAIM<", (anchor.start, anchor.start)))[0]
            last = bind.get("CLAIM>", (anchor.end, anchor.end))[1]
            return self.bounds.trim(first, last)
        claim = bind.get("CLAIM>") or bind.get("CLAIM<")
        return None if claim is None else self.bounds.trim(*claim)

    def _previous_claim(self, anchor: Anchor, bind: Bind) -> tuple[int, int] | None:
        """The claim a denial refers to: the latest structure's claim ending before the
        clause (same unit, or the unit before for "X denied the report."), else the
        clause before the punctuation."""
        limit = bind.get("PUNCT", anchor.start)
        unit = self.ctx.unit_of[anchor.start]
        earliest_unit = unit if "PUNCT" in bind else unit - 1
        earlier = [
            f
            for f in self.in_units(earliest_unit, unit)
            if f.claim[1] <= limit and earliest_unit <= self.ctx.unit_of[f.claim[0]] <= unit
        ]
        if earlier:
            return max(earlier, key=lambda f: f.claim[1]).claim
        if "PUNCT" not in bind:
            return None
        return self.bounds.trim(self.bounds.claim_start(limit), limit)

    def _source(self, shape: Shape, anchor: Anchor, bind: Bind) -> tuple[int, int] | None:
        if shape.source == "none":
            return None
        if shape.source == "inherit":
            unit = self.ctx.unit_of[anchor.start]
            earlier = [
                f
                for f in self.in_units(unit, unit)
                if f.source is not None and f.anchor.start < anchor.start
            ]
            return max(earlier, key=lambda f: f.anchor.start).source if earlier else None
        if shape.source == "subject":
            return clause_subject(self.ctx, self.bounds, anchor)
        if shape.source == "antecedent":
            return relative_antecedent(self.ctx, self.bounds, anchor)
        source = bind.get("SOURCE>") or bind.get("SOURCE<")
        return None if source is None else self.bounds.trim(*source)

    def continue_quotations(self) -> None:
        """Quotations that carry on an attributed one: after its attribution and a comma
        ("“…,” he said, “…”"), or as the next unit on their own ("“…,” he said. “…”")."""
        ctx = self.ctx
        used = {f.claim[0] - 1 for f in self.found if f.quote == "direct"}
        for opened, closed in sorted(ctx.pairs.items()):
            if closed < opened or opened in used:
                continue
            previous = self._quotation_before(opened)
            if previous is None:
                continue
            claim = self.bounds.quote_content(opened, closed)
            if claim is None:
                continue
            self.add(replace(previous, shape="quote-continued", claim=claim, end=-1))
            used.add(opened)

    def _quotation_before(self, opened: int) -> Found | None:
        ctx = self.ctx
        unit = ctx.unit_of[opened]
        for f in self.in_units(unit, unit):
            after_comma = f.end >= 0 and ctx.lower[f.end] == "," and f.end + 1 == opened
            if f.quote == "direct" and after_comma:
                return f
        start, _ = ctx.unit_bounds(opened)
        closed = ctx.pairs[opened]
        if opened != start or closed < ctx.unit_end(opened) - 1:
            return None  # not a unit that is only a quotation
        unit_end = ctx.unit_bounds(opened)[1]
        if any(i in ctx.cue_starts and not opened < i < closed for i in range(start, unit_end)):
            return None  # the unit has an attribution of its own
        before = [
            f
            for f in self.in_units(unit - 1, unit - 1)
            if f.quote == "direct" and ctx.unit_of[f.claim[0]] == unit - 1
        ]
        return max(before, key=lambda f: f.claim[0]) if before else None


class _Sides:
    """Matching one shape's elements around one anchor (generators of bindings)."""

    def __init__(self, runner: _Runner, shape: Shape, anchor: Anchor):
        self.ctx, self.b, self.shape, self.anchor = runner.ctx, runner.bounds, shape, anchor
        self.after_els = shape.after
        self.before_els = tuple(reversed(shape.before))
        self.limits = runner.ctx.res.rules.get("limits", {})

    # -- after the anchor, left to right --------------------------------------------
    def after(self, k: int, pos: int, bind: Bind) -> Iterator[Bind]:
        if k == len(self.after_els):
            yield bind
            return
        el, ctx = self.after_els[k], self.ctx
        if el.kind == "word" and pos < ctx.n and ctx.lower[pos] in el.words:
            bound = self._word(bind, el, pos)
            if k == len(self.after_els) - 1 and ctx.is_punct(pos):
                bound = {**bound, "$": pos}  # the shape's last mark ends its clause
            yield from self.after(k + 1, pos + 1, bound)
        elif el.kind == "label" and el.repeat:
            chain = [pos]
            while chain[-1] in ctx.match_at.get(el.value, {}):
                chain.append(ctx.match_at[el.value][chain[-1]])
            for end in reversed(chain):
                yield from self.after(k + 1, end, bind)
        elif el.kind == "label" and pos in ctx.match_at.get(el.value, {}):
            yield from self.after(k + 1, ctx.match_at[el.value][pos], bind)
        elif el.kind == "quote" and ctx.is_open(pos) and self.b.quote_content(pos, ctx.pairs[pos]):
            yield from self.after(
                k + 1, ctx.pairs[pos] + 1, {**bind, "QUOTE": (pos, ctx.pairs[pos])}
            )
        elif el.kind == "end" and self.b.is_end(pos):
            yield from self.after(k + 1, pos, {**bind, "$": pos})
        elif el.kind == "tail":
            end = self.b.next_end(pos)
            if end > pos and self.b.tail_ok(pos, end, self.anchor):
                yield from self.after(k + 1, end, bind)
        elif el.kind == "free":
            for end in self._free_ends(el, k, pos):
                if el.value == "SOURCE" and self.b.pronoun_clause(pos, end):
                    continue  # "…, said she voted against it": a clause, not a source
                if self.b.valid(el.value, pos, end):
                    yield from self.after(k + 1, end, {**bind, el.value + ">": (pos, end)})
        if el.optional and not el.repeat:
            yield from self.after(k + 1, pos, bind)

    def _free_ends(self, el: Element, k: int, pos: int) -> list[int]:
        rest = self.after_els[k + 1 :]
        limit = self._limit(el.value)
        _, unit_end = self.ctx.unit_bounds(pos)
        nearest = list(range(pos + 1, min(pos + limit, unit_end) + 1))
        if el.value == "CLAIM" and all(e.kind == "end" for e in rest):
            return [self.b.claim_end(pos)]
        if el.value == "SOURCE":
            if rest and rest[0].kind == "word":
                return self.b.appositive_ends(pos, rest[0].words) + nearest
            return [self.b.source_end(pos), *nearest]
        return nearest

    # -- before the anchor, right to left -------------------------------------------
    def before(self, k: int, pos: int, bind: Bind) -> Iterator[Bind]:
        if k == len(self.before_els):
            yield bind
            return
        el, ctx = self.before_els[k], self.ctx
        prev = pos - 1
        if el.kind == "word" and prev >= 0 and ctx.lower[prev] in el.words:
            bound = self._word(bind, el, prev)
            if ctx.is_punct(prev):
                bound = {**bound, "PUNCT": prev}
            yield from self.before(k + 1, prev, bound)
        elif el.kind == "label" and pos in ctx.match_ending.get(el.value, {}):
            yield from self.before(k + 1, ctx.match_ending[el.value][pos], bind)
        elif el.kind == "quote" and prev >= 0 and ctx.is_close(prev):
            opened = ctx.pairs[prev]
            if self.b.quote_content(opened, prev):
                yield from self.before(k + 1, opened, {**bind, "QUOTE": (opened, prev)})
        elif el.kind == "start" and self.b.is_start(pos):
            yield from self.before(k + 1, pos, bind)
        elif el.kind == "free":
            key = el.value + "<"
            if k == len(self.before_els) - 1:
                start = self.b.natural_start(el.value, pos)
                end = self.b.natural_source_end(el.value, start, pos)
                if start is not None and self.b.valid(el.value, start, end):
                    yield from self.before(k + 1, start, {**bind, key: (start, end)})
            else:
                unit_start, _ = ctx.unit_bounds(max(pos - 1, 0))
                for start in range(pos - 1, max(pos - self._limit(el.value), unit_start) - 1, -1):
                    if self.b.valid(el.value, start, pos):
                        yield from self.before(k + 1, start, {**bind, key: (start, pos)})
        if el.optional and not el.repeat:
            yield from self.before(k + 1, pos, bind)

    def _word(self, bind: Bind, el: Element, i: int) -> Bind:
        if el.words & self.ctx.words("complementizers"):
            return {**bind, "COMP": i}
        return bind

    def _limit(self, kind: str) -> int:
        names = {"SOURCE": "source_tokens", "OBJECT": "object_tokens", "GAP": "that_window"}
        return int(self.limits.get(names.get(kind, ""), 60))


def _split_coordinated(ctx: Context, found: list[Found]) -> list[Found]:
    """Split "X said that A and that B" into two claims with the same source: the
    second one's cue takes its own "that" when the cue includes "that"."""
    result = []
    splitters = ctx.words("claim_splits")
    comps = ctx.words("complementizers")
    for f in found:
        pieces = [f]
        if f.quote != "direct" and f.claim[1] - f.claim[0] > 3:
            first, last = f.claim
            i = first + 1
            while i < last - 1:
                if ctx.is_open(i):
                    i = max(ctx.pairs[i], i) + 1
                    continue
                if ctx.lower[i] in splitters and ctx.lower[i + 1] in comps:
                    head = Bounds(ctx).trim(pieces[-1].claim[0], i)
                    tail = Bounds(ctx).trim(i + 2, last)
                    if head is None or tail is None:
                        break
                    cue = f.cue
                    if ctx.lower[f.cue[-1]] in comps and f.cue[-1] not in f.anchor.cue_tokens:
                        cue = (*f.cue[:-1], i + 1)
                    quote_head = Bounds(ctx).quote_kind(*head)
                    pieces[-1] = replace(pieces[-1], claim=head, quote=quote_head)
                    pieces.append(
                        replace(f, claim=tail, cue=cue, quote=Bounds(ctx).quote_kind(*tail))
                    )
                    i += 2
                    continue
                i += 1
        result.extend(pieces)
    return result


def _drop_nested(ctx: Context, found: list[Found]) -> list[Found]:
    """Leave out structures whose cue lies inside another structure's claim. A frame's
    claim holds its own cue and a denial's claim is another structure's: neither is
    the outer one."""
    outers: dict[int, list[Found]] = {}
    for g in found:
        own_cue_inside = g.claim[0] <= min(g.cue) and max(g.cue) < g.claim[1]
        if not own_cue_inside and not g.borrowed:
            for unit in {ctx.unit_of[g.claim[0]], ctx.unit_of[g.claim[1] - 1]}:
                outers.setdefault(unit, []).append(g)
    return [
        f
        for f in found
        if not any(
            g is not f and g.claim[0] <= min(f.cue) and max(f.cue) < g.claim[1]
            for g in outers.get(ctx.unit_of[min(f.cue)], [])
        )
    ]
