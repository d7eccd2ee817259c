"""Model assistance in the project: patterns, suggestions, accepting and rejecting them.

A suggestion is a span a pattern, a model or an imported prediction proposes; it never
becomes an annotation on its own. What the window shows for a document:

- matches of the project's patterns (the shipped ones in ``resources/patterns`` minus
  those switched off, plus the project's own), computed when asked, not stored;
- occurrences of actors already annotated in the project ("annotate all occurrences"),
  unless an installed spaCy pipeline is configured for actors;
- stored suggestions (``annotator suggest``: a trained model, an installed pipeline's
  named entities, or patterns over many documents; Label Studio predictions);

minus those rejected for the document (from whatever source) and those already
annotated in the current layer. Accepting one adds a span whose ``origin`` is where it
came from (``pattern:hedges``, ``model:NAME``); both accept and reject are undoable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.core.base import ProjectBase, now
from annotator.model.errors import NotFoundError, ValidationError
from annotator.model.records import Change, RowChange, Suggestion, dumps_json
from annotator.model.words import counted
from annotator.store import fetch_row, queries

if TYPE_CHECKING:
    from annotator.text.patterns import Match, Pattern, PatternMatcher

LIVE_LIMIT = 200_000
"""Longer documents get pattern suggestions from ``annotator suggest`` only, so opening
a 5 MB article does not wait for the matcher."""
ACTOR_SET = "project-actors"


class SuggestionOps(ProjectBase):
    # -- patterns ---------------------------------------------------------------------

    def patterns(self) -> list[Pattern]:
        """The patterns in use: shipped ones not switched off, then the project's own."""
        return list(self._patterns_and_key()[0])

    def _patterns_and_key(self) -> tuple[tuple[Pattern, ...], tuple]:
        """The patterns in use and a key that identifies them (kept until the patterns
        table changes: a 2,000-document ``suggest`` asks once per document)."""
        if self._patterns_in_use is None:
            used = self._read_patterns()
            key = tuple((p.label, _pattern_key(p), p.pattern_set) for p in used)
            self._patterns_in_use = (tuple(used), key)
        return self._patterns_in_use

    def _read_patterns(self) -> list[Pattern]:
        from annotator.text.patterns import default_patterns, parse_pattern

        rows = queries.pattern_rows(self.db)
        off = {(r["label"], r["pattern"]) for r in rows if not r["enabled"]}
        used = [p for p in default_patterns() if (p.label, _pattern_key(p)) not in off]
        shipped = {(p.label, _pattern_key(p)) for p in used}
        for row in rows:
            if row["enabled"] and (row["label"], row["pattern"]) not in shipped:
                data = {"label": row["label"], "pattern": orjson.loads(row["pattern"])}
                used.append(parse_pattern(data | {"id": row["ident"]}, row["pattern_set"]))
        return used

    def add_pattern(
        self, label: str, pattern: str | list[dict[str, Any]], *, ident: str = ""
    ) -> Change:
        """Add a pattern to the project (a shipped one that was switched off is switched
        back on).

        :raises ValidationError: a label the schema does not have (``cue`` is always
            allowed), an empty or invalid pattern, or one the project already uses.
        """
        from annotator.text.patterns import CUE, parse_pattern

        if label != CUE and not self.schema.has_label(label):
            raise ValidationError(f"unknown label {label!r} for a pattern")
        try:
            parsed = parse_pattern({"label": label, "pattern": pattern, "id": ident}, "project")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        key = _pattern_key(parsed)
        if any(p.label == label and _pattern_key(p) == key for p in self.patterns()):
            raise ValidationError(f"the {label} pattern {parsed.shown()!r} is already in use")
        with self.transact("add_pattern", "Add pattern") as transaction:
            transaction.apply(self._pattern_rows([parsed]))
        return transaction.change

    def add_pattern_from_span(self, span_id: int) -> Change:
        """A phrase pattern from a span's text and label (matched case-insensitively)."""
        span = self.span(span_id)
        text, _ = self.text_and_lang(span.document_id)
        return self.add_pattern(span.label, " ".join(text[span.start : span.end].split()))

    def import_patterns(self, path: str | Path) -> tuple[Change, int]:
        """Add every pattern of a Prodigy JSON lines file; returns the change and how many
        were already in use (skipped). All or nothing.

        :raises InputFileError: a line that is not a valid pattern, or for a label the
            schema does not have (file and line).
        """
        from annotator.text.patterns import read_patterns

        read = read_patterns(path, "project", labels=self.schema.label_names)
        used = {(p.label, _pattern_key(p)) for p in self.patterns()}
        fresh: dict[tuple[str, str], Pattern] = {}
        for p in read:
            if (p.label, _pattern_key(p)) not in used:
                fresh.setdefault((p.label, _pattern_key(p)), p)
        with self.transact("import_patterns") as transaction:
            rows = self._pattern_rows(list(fresh.values()))
            transaction.apply(rows, f"Import {counted(len(rows), 'pattern')}")
        return transaction.change, len(read) - len(fresh)

    def remove_pattern(self, label: str, pattern: str | list[dict[str, Any]]) -> Change:
        """Stop using a pattern: the project's own is deleted, a shipped one switched off."""
        from annotator.text.patterns import Pattern, default_patterns

        key = _pattern_key(
            Pattern(label, pattern if isinstance(pattern, str) else tuple(pattern), "")
        )
        with self.transact("remove_pattern", "Remove pattern") as transaction:
            row = queries.pattern_row(self.db, label, key)
            shipped = any(p.label == label and _pattern_key(p) == key for p in default_patterns())
            if shipped:
                after = {
                    **(row or {}),
                    "label": label,
                    "pattern": key,
                    "pattern_set": "default",
                    "ident": "",
                    "enabled": 0,
                    "annotator": self.annotator,
                    "created": row["created"] if row else now(),
                }
                if row and not row["enabled"]:
                    raise ValidationError("that pattern is already switched off")
                rows = [RowChange("patterns", (row["id"],) if row else (None,), row, after)]
            elif row is not None and row["enabled"]:
                rows = [RowChange("patterns", (row["id"],), row, None)]
            else:
                raise ValidationError(f"no {label} pattern {key} in use")
            transaction.apply(rows)
        return transaction.change

    def _pattern_rows(self, patterns: list[Pattern]) -> list[RowChange]:
        rows = []
        for p in patterns:
            key = _pattern_key(p)
            before = queries.pattern_row(self.db, p.label, key)
            after = {
                "label": p.label,
                "pattern": key,
                "pattern_set": p.pattern_set if before is None else before["pattern_set"],
                "ident": p.id,
                "enabled": 1,
                "annotator": self.annotator,
                "created": now(),
            }
            if before is not None:
                after = {**before, "enabled": 1}
            rows.append(
                RowChange("patterns", (before["id"],) if before else (None,), before, after)
            )
        return rows

    def pattern_matcher(self, lang: str) -> PatternMatcher:
        """A matcher for the patterns in use (rebuilt when they change)."""
        return self._pattern_matcher_and_key(lang)[0]

    def _pattern_matcher_and_key(self, lang: str) -> tuple[PatternMatcher, tuple]:
        from annotator.text.patterns import PatternMatcher

        patterns, patterns_key = self._patterns_and_key()
        key = (lang, patterns_key)
        return self._cached_matcher(key, lambda: PatternMatcher(list(patterns), lang)), key

    def _cached_matcher(self, key: tuple, build) -> PatternMatcher:
        if key not in self._matchers:
            self._matchers[key] = build()
            while len(self._matchers) > 4:
                self._matchers.popitem(last=False)
        self._matchers.move_to_end(key)
        return self._matchers[key]

    def pattern_matches(self, document_id: int) -> list[Match]:
        """Matches of the patterns in use (cues included) in a document's stored tokens
        (kept for the last documents asked: texts never change, and the key holds the
        language and the patterns)."""
        _, lang = self.text_and_lang(document_id)
        matcher, matcher_key = self._pattern_matcher_and_key(lang)
        key = (document_id, matcher_key)
        found = self._match_cache.get(key)
        if found is None:
            found = self._match_cache[key] = matcher.matches(self.spacy_doc(document_id))
            while len(self._match_cache) > 16:
                self._match_cache.popitem(last=False)
        return found

    def suggested_cue(self, relation_id: int) -> tuple[int, int] | None:
        """Where the reporting verb of an ``attributed_to`` link probably is: a cue-pattern
        match in the sentences of its claim and source, between the two if one is there,
        else the nearest to the source."""
        try:
            relation = self.relation(relation_id)
            claim, source = self.span(relation.head_id), self.span(relation.child_id)
        except NotFoundError:  # deleted meanwhile (a window refreshing after an undo)
            return None
        text, _ = self.text_and_lang(relation.document_id)
        if len(text) > LIVE_LIMIT:
            return None
        bounds = self.sentence_bounds(relation.document_id)
        low = min(claim.start, source.start)
        high = max(claim.end, source.end)
        first = max((s for s in bounds.starts if s <= low), default=0)
        last = min((e for e in bounds.ends if e >= high), default=len(text))
        cues = [
            m
            for m in self.pattern_matches(relation.document_id)
            if m.label == "cue" and first <= m.start and m.end <= last
        ]
        cues = [m for m in cues if not _overlaps(m, claim) and not _overlaps(m, source)]
        if not cues:
            return None
        gap = (min(claim.end, source.end), max(claim.start, source.start))
        between = [m for m in cues if gap[0] <= m.start and m.end <= gap[1]]
        best = min(between or cues, key=lambda m: abs(m.start - source.start))
        return best.start, best.end

    # -- suggestions ------------------------------------------------------------------

    def suggestions(self, document_id: int, *, live: bool = True) -> list[Suggestion]:
        """What to propose in a document (see the module notes), in text order."""
        found: dict[tuple[str, int, int], Suggestion] = {}
        for row in queries.suggestions_of(self.db, document_id):
            if row["status"] == "open":
                s = Suggestion(row["start"], row["end"], row["label"], row["source"], row["score"])
                found.setdefault(s.place, s)
        text, _ = self.text_and_lang(document_id)
        if live and len(text) <= LIVE_LIMIT:
            for s in self.live_suggestions(document_id):
                found.setdefault(s.place, s)
        if not found:
            return []
        closed = queries.closed_suggestion_places(self.db, document_id)
        annotated = queries.annotated_places(self.db, document_id, self.layer, set(found))
        return sorted(
            (s for place, s in found.items() if place not in closed and place not in annotated),
            key=lambda s: (s.start, -s.end, s.label),
        )

    def live_suggestions(self, document_id: int) -> list[Suggestion]:
        """Pattern matches for the schema's labels and occurrences of known actors."""
        labels = set(self.schema.label_names)
        found = [
            Suggestion(m.start, m.end, m.label, f"pattern:{m.pattern_set}")
            for m in self.pattern_matches(document_id)
            if m.label in labels
        ]
        if "actor" in labels and not self.project_value("ner_model"):
            found += self.actor_occurrences(document_id)
        return found

    def actor_occurrences(self, document_id: int) -> list[Suggestion]:
        """Every occurrence in the document of a text annotated as an actor anywhere in
        the project (the same tokens, case as annotated: "US" is not "us")."""
        from annotator.text.patterns import Pattern, PatternMatcher
        from annotator.text.tokens import get_nlp

        if self._actor_names is None:
            self._actor_names = tuple(queries.actor_texts(self.db))
        names = self._actor_names
        if not names:
            return []
        _, lang = self.text_and_lang(document_id)

        def build() -> PatternMatcher:
            make_doc = get_nlp(lang).make_doc
            patterns = [
                Pattern("actor", tuple({"ORTH": t.text} for t in make_doc(name)), ACTOR_SET)
                for name in names
            ]
            return PatternMatcher(patterns, lang)

        matcher = self._cached_matcher(("actors", lang, names), build)
        return [
            Suggestion(m.start, m.end, "actor", f"pattern:{ACTOR_SET}")
            for m in matcher.matches(self.spacy_doc(document_id))
        ]

    def accept_suggestion(self, document_id: int, suggestion: Suggestion) -> Change:
        """Add the suggested span (origin: its source) and mark the suggestion accepted.

        :raises DuplicateSpanError: the span exists already in this layer.
        """
        return self.accept_suggestions(document_id, [suggestion])

    def accept_suggestions(self, document_id: int, suggestions: list[Suggestion]) -> Change:
        """Accept several suggestions in one change (one undo step)."""
        if not suggestions:
            return Change("accept_suggestions", "Accept suggestions", ())
        with self.transact("accept_suggestions") as transaction:
            rows = []
            for s in suggestions:
                rows += self._new_span_rows(document_id, s.start, s.end, s.label, s.source)
                rows += self._suggestion_rows(document_id, s, "accepted")
            rows += self._status_rows(document_id, "in_progress", only_from_new=True)
            what = "suggestion" if len(suggestions) == 1 else f"{len(suggestions)} suggestions"
            transaction.apply(rows, f"Accept {what}")
        return transaction.change

    def reject_suggestion(self, document_id: int, suggestion: Suggestion) -> Change:
        """Mark a suggestion rejected: nothing suggests this label at this place in this
        document again."""
        with self.transact("reject_suggestion", "Reject suggestion") as transaction:
            rows = self._suggestion_rows(document_id, suggestion, "rejected")
            transaction.apply(rows)
        return transaction.change

    def store_suggestions(
        self,
        document_id: int,
        suggestions: list[Suggestion],
        *,
        replace_sources: tuple[str, ...] = (),
    ) -> Change:
        """Store suggestions for one document as open (see :meth:`store_suggestions_many`)."""
        return self.store_suggestions_many(
            {document_id: suggestions}, replace_sources=replace_sources
        )

    def store_suggestions_many(
        self,
        suggestions: dict[int, list[Suggestion]],
        *,
        replace_sources: tuple[str, ...] = (),
        uncertainty: dict[int, float] | None = None,
        model: str = "",
    ) -> Change:
        """Store suggestions of several documents as open, in one change: open ones from
        ``replace_sources`` are replaced; places a person accepted or rejected and spans
        already annotated in this layer are left out. ``uncertainty`` (with the ``model``
        that judged it) is stored for triage in the same change."""
        with self.transact("store_suggestions", "Store suggestions") as transaction:
            rows: list[RowChange] = []
            stamp = now()
            for document_id, found in suggestions.items():
                rows += self._suggestion_store_rows(document_id, found, replace_sources, stamp)
            for document_id, value in (uncertainty or {}).items():
                before = fetch_row(self.db, "document_uncertainty", (document_id,))
                after = {
                    "document_id": document_id,
                    "model": model,
                    "uncertainty": float(value),
                    "updated": stamp,
                }
                rows.append(RowChange("document_uncertainty", (document_id,), before, after))
            transaction.apply(rows)
        return transaction.change

    def _suggestion_store_rows(
        self,
        document_id: int,
        suggestions: list[Suggestion],
        replace_sources: tuple[str, ...],
        stamp: str,
    ) -> list[RowChange]:
        closed = queries.closed_suggestion_places(self.db, document_id)
        places = {s.place for s in suggestions}
        annotated = queries.annotated_places(self.db, document_id, self.layer, places)
        wanted = {
            (*s.place, s.source): s
            for s in suggestions
            if s.place not in closed and s.place not in annotated
        }
        rows, present = [], set()
        for row in queries.suggestions_of(self.db, document_id):
            key = (row["label"], row["start"], row["end"], row["source"])
            present.add(key)
            if row["status"] == "open" and row["source"] in replace_sources and key not in wanted:
                rows.append(RowChange("suggestions", (row["id"],), row, None))
        for key, s in wanted.items():
            if key in present:
                continue  # stored already (open, or decided by a person)
            row = {
                "document_id": document_id,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "source": s.source,
                "score": s.score,
                "status": "open",
                "created": stamp,
            }
            rows.append(RowChange("suggestions", (None,), None, row))
        return rows

    def uncertainties(self) -> dict[int, float]:
        """``{document id: uncertainty}`` of the documents a model scored (for triage)."""
        return queries.uncertainties(self.db)

    def set_uncertainty(self, document_id: int, model: str, uncertainty: float) -> Change:
        """How unsure ``model`` is about a document (0 sure … 1 a coin toss), for triage."""
        with self.transact("set_uncertainty", "Score document") as transaction:
            before = fetch_row(self.db, "document_uncertainty", (document_id,))
            after = {
                "document_id": document_id,
                "model": model,
                "uncertainty": float(uncertainty),
                "updated": now(),
            }
            rows = [RowChange("document_uncertainty", (document_id,), before, after)]
            transaction.apply(rows)
        return transaction.change

    def _suggestion_rows(
        self, document_id: int, suggestion: Suggestion, status: str
    ) -> list[RowChange]:
        before = queries.suggestion_row(self.db, document_id, suggestion.place, suggestion.source)
        if before is not None:
            return [RowChange("suggestions", (before["id"],), before, {**before, "status": status})]
        row = {
            "document_id": document_id,
            "start": suggestion.start,
            "end": suggestion.end,
            "label": suggestion.label,
            "source": suggestion.source,
            "score": suggestion.score,
            "status": status,
            "created": now(),
        }
        return [RowChange("suggestions", (None,), None, row)]


def _pattern_key(pattern: Pattern) -> str:
    """The stored form of a pattern: its JSON (a phrase keeps its case)."""
    return dumps_json(pattern.as_spacy())


def _overlaps(match: Match, span: Any) -> bool:
    return match.start < span.end and span.start < match.end
