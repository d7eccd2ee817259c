"""Scoring attribution structures against gold ones (the benchmark and the tests).

Per article, spans are compared as sets (a claim shared by a claim and its denial counts
once). *Exact* matching wants the same offsets; *overlap* matching pairs each gold span
with at most one predicted span that shares a character with it (largest overlaps
first). A link ``attributed_to`` matches when both its claim and its source overlap
(one-to-one); stance and quote kind are scored on the matched links. Cues and hedges are
matched exactly. ``same_as`` is scored as pairs of exactly matched source spans that
end up in one chain (the transitive closure), gold against predicted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.text.attribution_gold import GoldArticle
from annotator.text.attribution_records import Attribution, Offsets

TARGETS = {
    "claim overlap F1": 0.85,
    "source overlap F1": 0.85,
    "claim exact F1": 0.70,
    "source exact F1": 0.70,
    "cue exact F1": 0.90,
    "link F1": 0.80,
    "hedge F1": 0.90,
}
"""The targets the rules were developed towards on the project's test set, with no
installed pipeline."""


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, predicted: int, gold: int) -> None:
        self.tp += tp
        self.fp += predicted - tp
        self.fn += gold - tp

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 1.0 if total == 0 else 2 * self.tp / total

    @property
    def precision(self) -> float:
        return 1.0 if self.tp + self.fp == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        return 1.0 if self.tp + self.fn == 0 else self.tp / (self.tp + self.fn)


@dataclass
class Scores:
    """Counts over a set of articles; :meth:`figures` gives the printed figures."""

    counts: dict[str, Counts] = field(default_factory=dict)
    stance_right: int = 0
    quote_right: int = 0
    matched_links: int = 0
    articles: int = 0

    def count(self, name: str) -> Counts:
        return self.counts.setdefault(name, Counts())

    def figures(self) -> dict[str, float]:
        names = [
            ("claim exact F1", "claim exact"),
            ("claim overlap F1", "claim overlap"),
            ("source exact F1", "source exact"),
            ("source overlap F1", "source overlap"),
            ("cue exact F1", "cue"),
            ("link F1", "link"),
            ("hedge F1", "hedge"),
            ("same_as F1", "same_as"),
        ]
        result = {shown: self.count(name).f1 for shown, name in names}
        matched = self.matched_links or 1
        result["stance accuracy"] = self.stance_right / matched if self.matched_links else 1.0
        result["quote accuracy"] = self.quote_right / matched if self.matched_links else 1.0
        return result


def score(pairs: Iterable[tuple[GoldArticle, list[Attribution]]]) -> Scores:
    """Scores of predicted structures against each article's gold ones."""
    scores = Scores()
    for gold, predicted in pairs:
        scores.articles += 1
        _score_article(scores, list(gold.attributions), predicted)
    return scores


def _score_article(scores: Scores, gold: list[Attribution], predicted: list[Attribution]) -> None:
    for name, getter in (("claim", _claims), ("source", _sources)):
        g, p = getter(gold), getter(predicted)
        scores.count(f"{name} exact").add(len(g & p), len(p), len(g))
        scores.count(f"{name} overlap").add(len(match_overlapping(g, p)), len(p), len(g))
    g_cues = {s.cue for s in gold}
    p_cues = {s.cue for s in predicted}
    scores.count("cue").add(len(g_cues & p_cues), len(p_cues), len(g_cues))
    g_extents, p_extents = _cue_extents(gold), _cue_extents(predicted)
    overlapping = match_overlapping(g_extents, p_extents)
    scores.count("cue overlap").add(len(overlapping), len(p_extents), len(g_extents))
    g_hedges = {h for s in gold for h in s.hedges}
    p_hedges = {h for s in predicted for h in s.hedges}
    scores.count("hedge").add(len(g_hedges & p_hedges), len(p_hedges), len(g_hedges))
    g_links = _links(gold)
    p_links = _links(predicted)
    matched = _match_links(list(g_links), list(p_links))
    scores.count("link").add(len(matched), len(p_links), len(g_links))
    scores.count("link exact").add(len(set(g_links) & set(p_links)), len(p_links), len(g_links))
    for g, p in matched:
        scores.matched_links += 1
        scores.stance_right += g_links[g].stance == p_links[p].stance
        scores.quote_right += g_links[g].quote == p_links[p].quote
    g_pairs, p_pairs = _chain_pairs(gold), _chain_pairs(predicted)
    scores.count("same_as").add(len(g_pairs & p_pairs), len(p_pairs), len(g_pairs))


PARTS = (
    ("source", "source overlap", "source exact"),
    ("cue", "cue overlap", "cue"),
    ("content (claim)", "claim overlap", "claim exact"),
    ("attribution", "link", "link exact"),
)
"""The rows of :func:`prf_table`: a name and the counts matched by overlap and exactly
(an attribution is a claim and its source, both overlapping or both exact)."""


def prf_table(scores: Scores) -> list[str]:
    """Precision, recall and F1 of sources, cues, contents and attributions, matched by
    overlap and exactly, as printed lines (the PolNeAR benchmark's table)."""
    lines = [f"{'':<18}{'overlap P':>10}{'R':>7}{'F1':>7}{'exact P':>10}{'R':>7}{'F1':>7}"]
    for name, overlap, exact in PARTS:
        row = f"{name:<18}"
        for key, width in ((overlap, 10), (exact, 10)):
            counts = scores.count(key)
            row += f"{counts.precision:>{width}.2f}{counts.recall:>7.2f}{counts.f1:>7.2f}"
        lines.append(row)
    return lines


def _cue_extents(structures: list[Attribution]) -> set[Offsets]:
    """Each cue from its first part's start to its last part's end."""
    return {(s.cue[0][0], s.cue[-1][1]) for s in structures if s.cue}


def _claims(structures: list[Attribution]) -> set[Offsets]:
    return {s.claim for s in structures}


def _sources(structures: list[Attribution]) -> set[Offsets]:
    return {s.source for s in structures if s.source is not None}


def _links(structures: list[Attribution]) -> dict[tuple[Offsets, Offsets], Attribution]:
    return {(s.claim, s.source): s for s in structures if s.source is not None}


def _overlap(a: Offsets, b: Offsets) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_overlapping(gold: set[Offsets], predicted: set[Offsets]) -> list[tuple[Offsets, Offsets]]:
    """One-to-one pairs of overlapping spans, largest overlaps first."""
    candidates = sorted(
        ((_overlap(g, p), g, p) for g in gold for p in predicted if _overlap(g, p) > 0),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_g, used_p, pairs = set(), set(), []
    for _, g, p in candidates:
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            pairs.append((g, p))
    return pairs


def _match_links(gold: list, predicted: list) -> list[tuple]:
    candidates = []
    for g in gold:
        for p in predicted:
            claim, source = _overlap(g[0], p[0]), _overlap(g[1], p[1])
            if claim and source:
                candidates.append((-(claim + source), g, p))
    used_g, used_p, pairs = set(), set(), []
    for _, g, p in sorted(candidates):
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            pairs.append((g, p))
    return pairs


def _chain_pairs(structures: list[Attribution]) -> set[frozenset[Offsets]]:
    """Unordered pairs of source spans in one ``same_as`` chain."""
    parent: dict[Offsets, Offsets] = {}

    def root(x: Offsets) -> Offsets:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for s in structures:
        for earlier in s.same_as:
            if s.source is not None:
                parent[root(s.source)] = root(earlier)
    groups: dict[Offsets, list[Offsets]] = {}
    for span in list(parent):
        groups.setdefault(root(span), []).append(span)
    return {
        frozenset((a, b)) for members in groups.values() for a in members for b in members if a < b
    }
