"""Where sources, claims and clauses begin and end, from tokens, punctuation and the
word lists of ``rules.json`` (no parser needed).

- A source before its cue runs back to the clause start: a boundary word ("that",
  "after", "and"), punctuation, an adjunct or a cue already used. A comma just before
  the cue means an appositive ("Seoul's defense minister, Kim Yong-hyun, said"): the
  source takes two comma segments (an age such as ", 74," rides along), or one when
  the last segment is a relative clause (", who chairs the committee,").
- A source after its cue ("said the minister") runs to the clause end, stopping at a
  relative clause, a quotation, another cue or a trailing adjunct ("on Tuesday").
- A claim after its cue runs to the end of the unit or a clause stop: ";", a dash, a
  comma before "with"/"while"/"although"/"according to"/a participle cue/a claim noun
  with its own cue (", a claim X denied"), or "and" before a cue ("and promised that").
  Quoted fragments inside a claim are skipped whole.
"""

from __future__ import annotations

from annotator.text.attribution_rules import Anchor, Context

DASHES = frozenset({"—", "–", "--"})


class Bounds:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.w = ctx.words
        self.limits = ctx.res.rules.get("limits", {})
        self.adjunct_tokens = {i for s, e in ctx.matches.get("ADJUNCT", []) for i in range(s, e)}
        self.anchor_end = {a.start: a.end for a in ctx.anchors if a.kind == "CUE"}

    # -- clause ends ----------------------------------------------------------------
    def is_end(self, pos: int) -> bool:
        """Whether the clause ends at ``pos``: the unit's end or a clause stop."""
        ctx = self.ctx
        if pos >= ctx.unit_end(max(pos - 1, 0)):
            return True
        word = ctx.lower[pos]
        if word == ";" or word in DASHES:
            return True
        return word == "," and self._stop_after_comma(pos + 1)

    def next_end(self, pos: int) -> int:
        end = self.ctx.unit_end(max(pos - 1, 0))
        while pos < end and not self.is_end(pos):
            pos += 1
        return pos

    def _stop_after_comma(self, i: int) -> bool:
        ctx = self.ctx
        if i >= ctx.n:
            return True
        word = ctx.lower[i]
        if ctx.is_open(i) or word in self.w("comma_stops") or word in self.w("relative"):
            return True
        if word in self.w("claim_splits"):
            return True  # "…, she said, and the talks are over."
        return self._participle_cue(i) or self._participle(i)

    def _participle(self, i: int) -> bool:
        """A word in "-ing" opening a phrase after a comma ("…,” Ruiz asked, looking
        up."): the clause before it has ended."""
        word = self.ctx.texts[i]
        return (
            word.islower()
            and len(word) >= 6
            and word.endswith("ing")
            and word not in self.w("not_participles")
        )

    def _participle_cue(self, i: int) -> bool:
        return i in self.ctx.participle_starts

    def is_start(self, pos: int) -> bool:
        ctx = self.ctx
        start, _ = ctx.unit_bounds(pos)
        while pos > start and (
            ctx.lower[pos - 1] in self.w("clause_openers") or ctx.lower[pos - 1] == ","
        ):
            pos -= 1
        return (
            pos == start
            or ctx.lower[pos - 1] in self.w("boundary_punct")
            or ctx.lower[pos - 1] in DASHES
        )

    def tail_ok(self, start: int, end: int, anchor: Anchor) -> bool:
        """Adjuncts or a cue's object between the cue and the clause end."""
        ctx = self.ctx
        if end - start > int(self.limits.get("tail_tokens", 10)):
            return False
        i = start
        while i < end:
            if ctx.is_open(i) and ctx.pairs[i] < end and self._title(i + 1, ctx.pairs[i]):
                i = ctx.pairs[i] + 1  # a quoted title: 'on CNN’s “State of the Union”'
                continue
            if i in ctx.cue_verbs or ctx.is_quote(i) or ctx.lower[i] == "that":
                return False  # a new cue or quotation: not a tail
            i += 1
        takes_object = anchor.lexeme is not None and anchor.lexeme.object in (
            "required",
            "optional",
        )
        return (
            takes_object
            or ctx.lower[start] in self.w("prepositions")
            or start in self.adjunct_tokens
            or self._manner_adverb(start, end)
        )

    def _manner_adverb(self, start: int, end: int) -> bool:
        """ "said sarcastically", "said quietly on Friday": an adverb in "-ly" alone or
        before adjuncts."""
        ctx, word = self.ctx, self.ctx.texts[start]
        if not (word.islower() and len(word) >= 5 and word.endswith("ly")):
            return False
        after = start + 1
        return (
            after >= end
            or after in self.adjunct_tokens
            or ctx.lower[after] in self.w("prepositions")
        )

    def _title(self, start: int, end: int) -> bool:
        """Whether tokens ``start``–``end`` are a title: every word of four letters or
        more capitalised ("State of the Union", "Meet the Press")."""
        ctx = self.ctx
        words = [i for i in range(start, end) if not ctx.is_punct(i)]
        return bool(words) and all(ctx.title[i] for i in words if len(ctx.texts[i]) >= 4)

    # -- validity -------------------------------------------------------------------
    def valid(self, kind: str, start: int, end: int) -> bool:
        ctx = self.ctx
        if start >= end or start < 0 or end > ctx.n:
            return False
        if ctx.unit_of[start] != ctx.unit_of[end - 1]:
            return False
        words = [i for i in range(start, end) if not ctx.is_punct(i)]
        if kind == "SUBJECT":
            return bool(words) and not any(ctx.is_quote(i) for i in range(start, end))
        if kind == "CLAIM":
            if any(i in ctx.consumed for i in range(start, end)):
                return False  # holds the cue of a structure already found
            if ctx.lower[start] == "," and start + 1 < end and self._new_clause(start + 1):
                return False  # "…, she said, and the talks are over": no claim of hers
            if all(i in self.adjunct_tokens for i in words) or (
                self._manner_adverb(start, end) and all(i in self.adjunct_tokens for i in words[1:])
            ):
                return False  # "it said in a statement", "he said quietly": no claim
            if (
                ctx.lower[start] in self.w("not_claim_openers")
                and not self._opens_unit(start)
                and not self.infinitive_claim(start)
            ):
                # "she said of the union": no claim after its cue begins with a
                # preposition; one that opens the sentence may ("About 270 …, she said")
                return False
            return len(words) >= int(self.limits.get("min_claim_tokens", 2))
        if not words or any(ctx.is_quote(i) or i in ctx.consumed for i in range(start, end)):
            return False
        if kind == "GAP":
            return (
                end - start <= int(self.limits.get("that_window", 8))
                and ctx.lower[start] in self.w("prepositions")
                and end < ctx.n
                and ctx.lower[end] in self.w("complementizers")
                and not any(
                    ctx.is_punct(i) or ctx.is_verb[i] or ctx.lower[i] in self.w("complementizers")
                    for i in range(start, end)
                )
            )
        if kind == "OBJECT":
            if ctx.lower[start] in self.w("prepositions") or start in self.adjunct_tokens:
                return False  # "warned for years that": an adjunct, not an addressee
            return end - start <= int(self.limits.get("object_tokens", 6)) and not any(
                ctx.is_punct(i) or ctx.is_verb[i] or ctx.lower[i] == "that"
                for i in range(start, end)
            )
        if any(self._inflected_cue(i) for i in range(start + 1, end)):
            return False  # "The findings, the authors wrote": a cue inside is no source
        first = ctx.lower[start]
        barred = self.w("left_boundaries") | self.w("comma_left_boundaries") | self.w("relative")
        if (first in barred and self._boundary_word(start)) or first == "to" or ctx.is_punct(start):
            return False
        return end - start <= int(self.limits.get("source_tokens", 16))

    def pronoun_clause(self, start: int, end: int) -> bool:
        """Whether words after a cue open with a personal pronoun and go on ("she voted
        …"): a clause, which no source after its cue is."""
        ctx = self.ctx
        if end - start < 2:
            return False  # nothing, or one word ("…, said she."), which may be a source
        pronouns = ctx.pronouns
        return ctx.lower[start] in pronouns and not ctx.is_punct(start + 1)

    def verb_like(self, i: int) -> bool:
        """A lower-case word that a verb phrase or a prepositional phrase opens with
        (a cue in a verb's form, an auxiliary, "not", a preposition, "-ing", "-ed")."""
        ctx = self.ctx
        if ctx.texts[i][:1].isupper():
            return False
        word = ctx.lower[i]
        return (
            self._inflected_cue(i)
            or word in self.w("auxiliaries")
            or word in self.w("negators")
            or word in self.w("prepositions")
            or word in self.w("speaker_acts")
            or word.endswith(("ing", "ed"))
        )

    def holds_verb(self, start: int, end: int) -> bool:
        """Whether the words hold something that looks like a verb: a cue in a verb's
        form, an auxiliary, a lower-case word in "-ed" or "-ing"."""
        ctx = self.ctx
        return any(
            self._inflected_cue(i)
            or ctx.lower[i] in self.w("auxiliaries")
            or (
                ctx.texts[i].islower()
                and len(ctx.texts[i]) >= 5
                and ctx.lower[i].endswith(("ed", "ing"))
            )
            for i in range(start, end)
        )

    def _inflected_cue(self, i: int) -> bool:
        """A cue verb in a form that is no noun ("wrote", "said", "adding"; not
        "report" or "reports", as in "A UN report seen by Reuters says")."""
        ctx = self.ctx
        if i not in ctx.cue_verbs:
            return False
        lexeme = ctx.res.forms[ctx.lower[i]]
        return ctx.lower[i] != lexeme.lemma and not ctx.lower[i].endswith("s")

    def infinitive_claim(self, start: int) -> bool:
        """A claim "to …" right after a cue that takes one ("vowed to appeal")."""
        ctx = self.ctx
        if ctx.lower[start] != "to":
            return False
        i = start - 1
        while i >= 0 and i in self.adjunct_tokens:
            i -= 1
        lexeme = ctx.res.forms.get(ctx.lower[i]) if i in ctx.cue_verbs else None
        return lexeme is not None and lexeme.infinitive

    def _opens_unit(self, i: int) -> bool:
        """Whether only punctuation (an opening quotation mark) comes before token ``i``
        in its unit."""
        first, _ = self.ctx.unit_bounds(i)
        return all(self.ctx.is_punct(j) for j in range(first, i))

    def claim_opens(self, start: int) -> bool:
        """Whether a claim may begin with this word when nothing marks its start
        ("told the Herald she would appeal": "she", not "Herald")."""
        ctx = self.ctx
        return ctx.lower[start] in self.w("claim_openers") or ctx.num[start]

    def natural_start(self, kind: str, pos: int) -> int | None:
        if kind in ("SOURCE", "SUBJECT"):
            return self.source_start(pos)
        if kind == "CLAIM":
            return self.claim_start(pos)
        return None

    # -- sources --------------------------------------------------------------------
    def source_start(self, pos: int) -> int | None:
        """Where the source before a cue (at ``pos``) begins; ``None`` if it is empty."""
        ctx = self.ctx
        unit_start, _ = ctx.unit_bounds(pos)
        trailing = pos - 1 >= unit_start and ctx.lower[pos - 1] == ","
        segments = []  # (start, end), rightmost first
        end = pos - 1 if trailing else pos
        while True:
            start = end
            while start > unit_start and ctx.lower[start - 1] != ",":
                if ctx.lower[start - 1] == ")" and (opened := self.bracket_opened(start - 1)):
                    start = opened  # "Sen. Ann Pike (R-Ore.)": the bracket is in the name
                    continue
                if not trailing and self._adjuncts_only(start - 1, end):
                    start -= 1  # "Tom Hale on Thursday evening said": past the adjunct
                    continue
                if self._left_stop(start - 1, adjuncts=not trailing):
                    if trailing and not segments and self._joins_appositive(start - 1):
                        start -= 1  # ", an economist and former official," is one segment
                        continue
                    if self._restrictive_relative(start - 1) and (trailing or start < end):
                        # "a cardiologist who was not involved," is one segment, and so is
                        # "others who want the plant closed" before its cue
                        start -= 1
                        continue
                    if not (trailing and self._relative_after_comma(start - 1)):
                        break
                    start -= 1  # ", who lives on Mill Lane," stays one segment
                    break
                start -= 1
            segments.append((start, end))
            if (
                not trailing
                or start <= unit_start
                or ctx.lower[start - 1] != ","
                or len(segments) > 5
            ):
                break
            end = start - 1
        chosen = self._appositive(segments) if trailing else segments[:1]
        if not chosen or chosen[0][0] >= chosen[0][1]:
            return None
        first = chosen[-1][0]
        while first < pos and (ctx.lower[first] in self.w("clause_openers") or ctx.is_punct(first)):
            first += 1
        return first if first < chosen[0][1] else None

    def natural_source_end(self, kind: str, start: int | None, pos: int) -> int:
        """Where a source that begins at ``start`` before a cue at ``pos`` ends: before
        the cue, or before a relative clause between them ("The union, which …, said")."""
        ctx = self.ctx
        if kind != "SOURCE" or start is None:
            return pos
        for i in range(start + 1, pos):
            if ctx.lower[i - 1] == "," and self._aside_segment(i, pos):
                return i - 1
        end = pos
        while end > start and end - 1 in self.adjunct_tokens:
            end -= 1  # the adjunct before the cue is the cue's ("on Thursday")
        return end

    def bracket_opened(self, closed: int) -> int | None:
        """The "(" that the ")" at ``closed`` closes, a few words before it and not first
        in its unit ("Sen. Ann Pike (R-Ore.)"); ``None`` otherwise."""
        opened = self._bracket_partner(closed, -1)
        first, _ = self.ctx.unit_bounds(closed)
        return opened if opened is not None and opened > first else None

    def _bracket_closed(self, opened: int) -> int | None:
        """The ")" that closes the "(" at ``opened`` a few words on, in its unit."""
        return self._bracket_partner(opened, 1)

    def _bracket_partner(self, i: int, step: int) -> int | None:
        """The bracket that pairs with the one at ``i`` within 7 words in its unit,
        looking left (``step`` -1) for "(" or right (1) for ")"."""
        ctx = self.ctx
        first, last = ctx.unit_bounds(i)
        wanted, other = ("(", ")") if step < 0 else (")", "(")
        j = i + step
        while first <= j < last and abs(j - i) < 8:
            if ctx.lower[j] == wanted:
                return j
            if ctx.lower[j] == other:
                return None
            j += step
        return None

    def _adjuncts_only(self, i: int, end: int) -> bool:
        """Whether ``i`` and every word after it up to ``end`` belong to adjuncts."""
        return all(j in self.adjunct_tokens for j in range(i, end))

    def _appositive(self, segments: list[tuple[int, int]]) -> list[tuple[int, int]]:
        ctx = self.ctx
        if len(segments) < 2:
            return []  # "A, said …" is no appositive: the comma ends a claim ("…, says X")
        segs = list(segments)
        single = False
        while segs and self._aside_segment(*segs[0]):
            segs.pop(0)
            single = True
        if not segs:
            return []
        need, chosen = (1 if single else 2), []
        for seg in segs:
            if seg[0] >= seg[1]:
                break
            chosen.append(seg)
            if not all(ctx.num[i] for i in range(*seg)):
                need -= 1
            if need == 0:
                break
        if single and chosen:
            # the relative clause is left out: the source ends with the kept segments
            return chosen
        return chosen

    def _left_stop(self, i: int, adjuncts: bool = True) -> bool:
        ctx = self.ctx
        word = ctx.lower[i]
        if word in self.w("boundary_punct") or word in DASHES or ctx.is_quote(i):
            return True
        if i in ctx.consumed or (adjuncts and i in self.adjunct_tokens):
            return True
        if not self._boundary_word(i):
            return False
        if word in self.w("left_boundaries"):
            return True
        return word in self.w("comma_left_boundaries") and i > 0 and ctx.lower[i - 1] == ","

    def _boundary_word(self, i: int) -> bool:
        """Lower case, or first in its unit: a capitalised "Which" mid-sentence is a
        name ("Which Consumer said")."""
        ctx = self.ctx
        return ctx.texts[i][:1].islower() or i == ctx.unit_bounds(i)[0]

    def _relative_segment(self, start: int, end: int) -> bool:
        """ ", who lives on Mill Lane," or ", many of whom have lived here,"."""
        ctx = self.ctx
        for i in range(start, min(end, start + 4)):
            if ctx.lower[i] == ",":
                return False
            if ctx.lower[i] in self.w("relative"):
                # ", who …" or ", many of whom …"; not ", a cardiologist who …"
                return i == start or ctx.lower[i - 1] == "of"
        return False

    def _aside_segment(self, start: int, end: int) -> bool:
        """A relative clause or a participle phrase between a source and its cue
        ("Ann Pike, facing a hard race, said"): no part of the source."""
        return self._relative_segment(start, end) or self._participle(start)

    def _restrictive_relative(self, i: int) -> bool:
        """A relative pronoun right after a word: it belongs to that word's phrase."""
        ctx = self.ctx
        return ctx.lower[i] in self.w("relative") and i > 0 and not ctx.is_punct(i - 1)

    def _joins_appositive(self, i: int) -> bool:
        """ "and" inside the description that closes a source ("Tom Hale, an economist
        and former official, said"): one phrase, when a comma comes before it."""
        ctx = self.ctx
        if ctx.lower[i] not in self.w("appositive_joiners"):
            return False
        first, _ = ctx.unit_bounds(i)
        return any(ctx.lower[j] == "," for j in range(first, i))

    def _relative_after_comma(self, i: int) -> bool:
        ctx = self.ctx
        return ctx.lower[i] in self.w("relative") and i > 0 and ctx.lower[i - 1] == ","

    def source_end(self, pos: int) -> int:
        """Where a source after its cue (or after "according to") ends."""
        ctx = self.ctx
        end = ctx.unit_end(pos)
        i = pos
        while i < end:
            word = ctx.lower[i]
            if word == "(" and i > pos and (closed := self._bracket_closed(i)) is not None:
                i = closed + 1  # "said Rep. Tom Hale (D-Wis.), a member of …"
                continue
            if word in self.w("boundary_punct") or word in DASHES or ctx.is_quote(i):
                break
            if i > pos and (ctx.is_verb[i] or word in self.w("complementizers")):
                break
            if word == "," and (
                i + 1 >= end
                or ctx.lower[i + 1] in self.w("relative")
                or self._stop_after_comma(i + 1)
            ):
                break
            if (
                i > pos
                and i in ctx.match_at.get("ADJUNCT", {})
                and self._only_adjuncts_to_end(i)
                and not self._participle_before(pos, i)
            ):
                break
            i += 1
        while i > pos and ctx.lower[i - 1] in {",", ";", ":"}:
            i -= 1
        return i

    def _participle_before(self, start: int, end: int) -> bool:
        """ "data released by the board on Thursday": the adjunct belongs to the
        participle inside the source, not to the cue."""
        return any(
            self.ctx.lower[i].endswith("ed") and self.ctx.texts[i][:1].islower()
            for i in range(start + 1, end)
        )

    def _only_adjuncts_to_end(self, i: int) -> bool:
        ctx = self.ctx
        adjuncts = ctx.match_at.get("ADJUNCT", {})
        while i in adjuncts:
            i = adjuncts[i]
        return self.is_end(i)

    def appositive_ends(self, pos: int, following: frozenset[str]) -> list[int]:
        """For "according to Dr Helen Achebe, a lecturer at Marlow University, …": the
        end after the appositive, when the source is a name and an indefinite
        appositive is closed by a second comma."""
        ctx = self.ctx
        if "," not in following:
            return []
        comma = pos
        while comma < ctx.n and ctx.lower[comma] != "," and comma - pos < 6:
            comma += 1
        if comma >= ctx.n or ctx.lower[comma] != "," or comma == pos:
            return []
        if not all(ctx.title[i] or ctx.lower[i] in self.w("titles") for i in range(pos, comma)):
            return []
        if comma + 1 >= ctx.n or ctx.lower[comma + 1] not in {"a", "an"}:
            return []
        second = comma + 1
        limit = min(ctx.n, comma + int(self.limits.get("source_tokens", 16)))
        while second < limit and ctx.lower[second] != "," and not ctx.is_punct(second):
            second += 1
        return [second] if second < limit and ctx.lower[second] == "," else []

    # -- claims ---------------------------------------------------------------------
    def claim_start(self, pos: int) -> int:
        """Where a claim that ends at ``pos`` (before its source and cue) begins."""
        ctx = self.ctx
        start, _ = ctx.unit_bounds(max(pos - 1, 0))
        i = pos
        while i > start:
            j = i - 1
            word = ctx.lower[j]
            if ctx.is_close(j) and ctx.pairs[j] >= start:
                i = ctx.pairs[j]
                continue
            if word in DASHES and (partner := self._dash_partner(j, start, -1)) is not None:
                i = partner  # "… cast — or about 0.2 points — in the returns": an aside
                continue
            if word in {";", ":"} or word in DASHES or ctx.is_open(j):
                break
            i = j
        while i < pos and (ctx.lower[i] in self.w("clause_openers") or ctx.is_punct(i)):
            i += 1
        return i

    def claim_end(self, pos: int) -> int:
        """Where a claim that starts at ``pos`` (after its cue) ends."""
        ctx = self.ctx
        end = ctx.unit_end(pos)
        i = pos
        while i < end:
            word = ctx.lower[i]
            if ctx.is_open(i) and ctx.pairs[i] < end:
                i = ctx.pairs[i] + 1
                continue
            if word in DASHES and (partner := self._dash_partner(i, end, 1)) is not None:
                i = partner + 1  # "said the plan — which cost $5m — was over": an aside
                continue
            if ctx.is_close(i) or word == ";" or word in DASHES:
                break
            if word == "," and self._claim_stop_after_comma(i + 1):
                break
            if (
                i > pos
                and word in self.w("claim_splits")
                and (self._cue_follows(i + 1) or self._speaker_act(i + 1))
            ):
                break
            i += 1
        return i

    def continues_clause(self, i: int) -> bool:
        """Whether the words from ``i``, after a parenthetical source and cue, carry on
        the clause before them ("The plan, she said, was dead") rather than start
        another ("…, she said, and …", "…, she said, adding …", "…, she said, “…”")."""
        ctx = self.ctx
        return not (self._new_clause(i) or i in ctx.cue_starts or ctx.is_quote(i))

    def _new_clause(self, i: int) -> bool:
        """ "and", "but", "however", a participle: what follows a comma is a clause of
        its own."""
        word = self.ctx.lower[i]
        return (
            word in self.w("claim_splits")
            or word in self.w("clause_openers")
            or self._participle(i)
        )

    def _dash_partner(self, i: int, limit: int, step: int) -> int | None:
        """The dash that pairs with the dash at ``i`` around an aside, looking towards
        ``limit`` (``step`` -1: left, 1: right); dashes pair in order within a unit, so
        the one at ``i`` opens an aside when an even number come before it."""
        ctx = self.ctx
        first, _ = ctx.unit_bounds(i)
        before = sum(ctx.lower[j] in DASHES for j in range(first, i))
        if (before % 2 == 1) != (step < 0):
            return None  # a closing dash seen from the left, or an opening one from the right
        j = i + step
        while (j >= limit) if step < 0 else (j < limit):
            if ctx.lower[j] in DASHES:
                return j
            if ctx.lower[j] == ";" or ctx.is_quote(j):
                return None
            j += step
        return None

    def _claim_stop_after_comma(self, i: int) -> bool:
        ctx = self.ctx
        if i >= ctx.n:
            return True
        if ctx.lower[i] in self.w("comma_stops") or self._participle_cue(i):
            return True
        if ctx.lower[i] in self.w("claim_splits") and self._clause_with_cue(i + 1):
            return True  # "…, and the firm suggested that …": a new attribution
        if self._trailing_attribution(i):
            return True  # "…, she noted.": the attribution of what comes before
        if i in ctx.match_at.get("ACCORDING", {}):
            return True
        if i in ctx.match_at.get("FRAME_NOUN", {}):
            after = ctx.match_at["FRAME_NOUN"][i]
            return any(j in ctx.cue_starts for j in range(after, after + 8))
        return False

    def _trailing_attribution(self, i: int) -> bool:
        """A source and its cue from ``i`` to the end of the clause ("she noted.")."""
        ctx = self.ctx
        if not self._clause_with_cue(i):
            return False
        cue = next(j for j in range(i, ctx.n) if j in ctx.cue_starts)
        end = self.anchor_end[cue]
        return end >= ctx.unit_end(cue) or ctx.is_punct(end)

    def _clause_with_cue(self, i: int) -> bool:
        """A cue within a source's length after ``i``, with no punctuation before it."""
        ctx = self.ctx
        limit = min(ctx.n, i + int(self.limits.get("source_tokens", 16)))
        for j in range(i, limit):
            if ctx.is_punct(j):
                return False
            if j in ctx.cue_starts:
                return j > i
        return False

    def _speaker_act(self, i: int) -> bool:
        """ "and apologised", "but declined to comment": what the source did next."""
        return i < self.ctx.n and self.ctx.lower[i] in self.w("speaker_acts")

    def _cue_follows(self, i: int) -> bool:
        """ "and promised that": a cue right after a conjunction, with no subject."""
        return i in self.ctx.cue_starts

    # -- trimming and quotations ----------------------------------------------------
    def trim(self, start: int, end: int) -> tuple[int, int] | None:
        """Without punctuation at either end, nor quotation marks whose partner is
        outside the span."""
        while start < end and self._loose(start, start, end):
            start += 1
        while end > start and self._loose(end - 1, start, end):
            end -= 1
        return (start, end) if start < end else None

    def _loose(self, i: int, start: int, end: int) -> bool:
        ctx = self.ctx
        if ctx.space[i]:
            return True
        if ctx.is_quote(i):
            partner = ctx.pairs.get(i)
            return partner is None or not (start <= partner < end)
        if ctx.lower[i] == ")" and i == end - 1:
            opened = self.bracket_opened(i)
            return opened is None or opened < start  # "Rep. Tom Hale (D-Wis.)" keeps it
        return not any(c.isalnum() for c in ctx.texts[i])  # punctuation, symbols, emoji

    def quote_content(self, opened: int, closed: int) -> tuple[int, int] | None:
        """The claim of a direct quotation: its words, without the marks and the
        final comma or full stop; ``None`` for a quoted word or two (a scare quote)."""
        span = self.trim(opened + 1, closed)
        if span is None:
            return None
        words = [i for i in range(*span) if not self.ctx.is_punct(i)]
        if len(words) >= 3:
            return span
        # two words are a quotation when they open the sentence and close on their own
        # punctuation ("“Never again,” she wrote"), a scare quote otherwise
        closes = self.ctx.lower[closed - 1] in {",", "!", "?", "."}
        if len(words) == 2 and closes and self._opens_unit(opened):
            return span
        return None

    def quote_kind(self, start: int, end: int) -> str:
        return "mixed" if any(self.ctx.is_quote(i) for i in range(start, end)) else "indirect"
