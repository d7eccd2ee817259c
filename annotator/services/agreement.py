"""Inter-annotator agreement, per label and overall, per pair and for all together.

Which work counts: an annotator "annotated" a document if they have spans in it or marked
it done; a document marked done with no spans counts as "nothing to mark". A pair is
compared on the documents both annotated; the all-annotators figures use the documents
at least two annotated.

- Span precision / recall / F1, exact match (same offsets and label) and overlap match
  (same label, overlapping, matched one to one, largest overlap first). With the first
  annotator of the pair as reference: precision = matched / second's spans.
- Token-level Cohen's kappa (pairs) and Fleiss' kappa (all, on documents everyone
  annotated): each non-space token is "in a span of label L" or not, per label; overall
  pools the per-label decisions.
- Krippendorff's alpha (nominal) on the same token decisions, missing data allowed.
- Link F1 over (head span, child span, label): both ends must match exactly.
- Per document: the mean exact F1 and token kappa over the pairs who both annotated it.

A figure is ``None`` when it is undefined (for example kappa when both annotators marked
nothing of a label anywhere: there is no disagreement to measure).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotator.core.project import Project
from annotator.core.review_ops import GOLD
from annotator.model.words import counted
from annotator.store import queries

SpanKey = tuple[int, int, str]
LinkKey = tuple[SpanKey, SpanKey, str]


@dataclass(slots=True)
class Layer:
    spans: set[SpanKey] = field(default_factory=set)
    links: set[LinkKey] = field(default_factory=set)


@dataclass(slots=True)
class DocumentData:
    id: int
    title: str
    tokens: list[tuple[int, int]]  # non-space tokens
    layers: dict[str, Layer]


# -- the measures ------------------------------------------------------------------------


def f1_scores(tp: int, n_a: int, n_b: int) -> dict[str, Any]:
    return {
        "tp": tp,
        "a": n_a,
        "b": n_b,
        "precision": tp / n_b if n_b else None,
        "recall": tp / n_a if n_a else None,
        "f1": 2 * tp / (n_a + n_b) if n_a + n_b else None,
    }


def overlap_matches(a: set[SpanKey], b: set[SpanKey]) -> int:
    """One-to-one matches of same-label overlapping spans, largest overlap first."""
    candidates = sorted(
        (
            (min(x[1], y[1]) - max(x[0], y[0]), x, y)
            for x in a
            for y in b
            if x[2] == y[2] and x[0] < y[1] and y[0] < x[1]
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_a: set[SpanKey] = set()
    used_b: set[SpanKey] = set()
    for _, x, y in candidates:
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
    return len(used_a)


def cohen_kappa(a: list[int], b: list[int]) -> float | None:
    """Cohen's kappa of two label sequences; ``None`` when chance agreement is total."""
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b[c] for c in set(a) | set(b)) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(counts: list[list[int]]) -> float | None:
    """Fleiss' kappa; ``counts[i][j]`` = raters who put item ``i`` in category ``j``
    (every item rated by the same number of raters)."""
    if not counts:
        return None
    raters = sum(counts[0])
    items = len(counts)
    if raters < 2:
        return None
    per_item = [(sum(c * c for c in row) - raters) / (raters * (raters - 1)) for row in counts]
    totals = [sum(row[j] for row in counts) for j in range(len(counts[0]))]
    shares = [t / (items * raters) for t in totals]
    expected = sum(p * p for p in shares)
    if expected == 1:
        return None
    return (sum(per_item) / items - expected) / (1 - expected)


def krippendorff_alpha(units: list[list[int]]) -> float | None:
    """Krippendorff's alpha, nominal; ``units`` hold the values given to each unit (by any
    number of coders; units with fewer than two values do not count)."""
    coincidence: Counter[tuple[int, int]] = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - (1 if c == k else 0))
                if pairs:
                    coincidence[(c, k)] += pairs / (m - 1)
    totals: Counter[int] = Counter()
    for (c, _), value in coincidence.items():
        totals[c] += value
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(v for (c, k), v in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


# -- the data ----------------------------------------------------------------------------


def collect(
    project: Project, annotators: list[str] | None = None, labels: list[str] | None = None
) -> list[DocumentData]:
    """Every document at least two of ``annotators`` (default: all but ``gold``) annotated."""
    documents = []
    for document in queries.iter_documents(project.db):
        spans = queries.spans_of(project.db, document.id)
        statuses = queries.statuses_of(project.db, document.id)
        layers: dict[str, Layer] = {}
        for span in spans:
            if labels is None or span.label in labels:
                layers.setdefault(span.annotator, Layer()).spans.add(
                    (span.start, span.end, span.label)
                )
        for who, status in statuses.items():
            if status == "done":
                layers.setdefault(who, Layer())
        for who in {s.annotator for s in spans}:
            layers.setdefault(who, Layer())
        if annotators is not None:
            layers = {who: layer for who, layer in layers.items() if who in annotators}
        else:  # the adjudicated layer is not an annotator: compare with it when asked to
            layers.pop(GOLD, None)
        if len(layers) < 2:
            continue
        by_id = {s.id: (s.start, s.end, s.label) for s in spans}
        for relation in queries.relations_of(project.db, document.id):
            if relation.annotator in layers:
                head, child = by_id[relation.head_id], by_id[relation.child_id]
                if labels is None or (head[2] in labels and child[2] in labels):
                    layers[relation.annotator].links.add((head, child, relation.label))
        offsets = project.token_offsets(document.id)
        tokens = [
            (s, e)
            for s, e in zip(offsets.starts, offsets.ends, strict=True)
            if document.text[s:e].strip()
        ]
        documents.append(DocumentData(document.id, document.title, tokens, layers))
    return documents


def token_decisions(document: DocumentData, layer: Layer, label: str) -> list[int]:
    """1 for each non-space token inside a span of ``label``, else 0."""
    ranges = [(s, e) for s, e, lab in layer.spans if lab == label]
    return [int(any(s < end and start < e for s, e in ranges)) for start, end in document.tokens]


# -- the report --------------------------------------------------------------------------


def agreement(
    project: Project, annotators: list[str] | None = None, labels: list[str] | None = None
) -> dict[str, Any]:
    """All the figures, as plain data (what ``annotator agreement --json`` prints)."""
    documents = collect(project, annotators, labels)
    names = sorted({who for d in documents for who in d.layers})
    label_names = labels or sorted(
        {lab for d in documents for layer in d.layers.values() for _, _, lab in layer.spans}
    )
    pairs = [_pair(documents, a, b, label_names) for a, b in combinations(names, 2)]
    # Everyone's work, compared or not: what the report says when nothing can be compared
    # yet (one annotator, or no document two of them share).
    wanted = set(annotators) if annotators is not None else None
    annotated = {
        who: {"documents": documents_of, "spans": spans_of}
        for who, (documents_of, spans_of) in queries.annotation_counts(project.db).items()
        if (who in wanted if wanted is not None else who != GOLD)
    }
    return {
        "annotated": annotated,
        "annotators": names,
        "labels": label_names,
        "documents": len(documents),
        "pairs": [p for p in pairs if p["documents"]],
        "all": _all(documents, names, label_names),
        "per_document": _per_document(documents, label_names),
    }


def _pair(documents: list[DocumentData], a: str, b: str, labels: list[str]) -> dict[str, Any]:
    shared = [d for d in documents if a in d.layers and b in d.layers]
    exact, overlap = Counter(), Counter()
    sizes_a, sizes_b = Counter(), Counter()
    links = Counter()
    decisions: dict[str, tuple[list[int], list[int]]] = {label: ([], []) for label in labels}
    for d in shared:
        la, lb = d.layers[a], d.layers[b]
        for label in labels:
            sa = {s for s in la.spans if s[2] == label}
            sb = {s for s in lb.spans if s[2] == label}
            exact[label] += len(sa & sb)
            overlap[label] += overlap_matches(sa, sb)
            sizes_a[label] += len(sa)
            sizes_b[label] += len(sb)
            decisions[label][0].extend(token_decisions(d, la, label))
            decisions[label][1].extend(token_decisions(d, lb, label))
        links["tp"] += len(la.links & lb.links)
        links["a"] += len(la.links)
        links["b"] += len(lb.links)

    def scores(matched: Counter) -> dict[str, Any]:
        by_label = {lab: f1_scores(matched[lab], sizes_a[lab], sizes_b[lab]) for lab in labels}
        overall = f1_scores(sum(matched.values()), sum(sizes_a.values()), sum(sizes_b.values()))
        return {"overall": overall, "by_label": by_label}

    pooled_a = [x for label in labels for x in decisions[label][0]]
    pooled_b = [x for label in labels for x in decisions[label][1]]
    return {
        "a": a,
        "b": b,
        "documents": len(shared),
        "exact": scores(exact),
        "overlap": scores(overlap),
        "kappa": {
            "overall": cohen_kappa(pooled_a, pooled_b),
            "by_label": {lab: cohen_kappa(*decisions[lab]) for lab in labels},
        },
        "alpha": {
            "overall": krippendorff_alpha(
                [[x, y] for x, y in zip(pooled_a, pooled_b, strict=True)]
            ),
            "by_label": {
                lab: krippendorff_alpha([[x, y] for x, y in zip(*decisions[lab], strict=True)])
                for lab in labels
            },
        },
        "links": f1_scores(links["tp"], links["a"], links["b"]),
    }


def _all(documents: list[DocumentData], names: list[str], labels: list[str]) -> dict[str, Any]:
    units: dict[str, list[list[int]]] = {label: [] for label in labels}
    fleiss: dict[str, list[list[int]]] = {label: [] for label in labels}
    for d in documents:
        everyone = len(d.layers) == len(names)
        for label in labels:
            per_coder = [token_decisions(d, layer, label) for layer in d.layers.values()]
            for values in zip(*per_coder, strict=True):
                units[label].append(list(values))
                if everyone:
                    fleiss[label].append([values.count(0), values.count(1)])
    pooled_units = [u for label in labels for u in units[label]]
    pooled_fleiss = [u for label in labels for u in fleiss[label]]
    return {
        "fleiss_kappa": {
            "overall": fleiss_kappa(pooled_fleiss) if len(names) > 2 else None,
            "by_label": {
                lab: fleiss_kappa(fleiss[lab]) if len(names) > 2 else None for lab in labels
            },
            "documents": sum(len(d.layers) == len(names) for d in documents),
        },
        "alpha": {
            "overall": krippendorff_alpha(pooled_units),
            "by_label": {lab: krippendorff_alpha(units[lab]) for lab in labels},
        },
    }


def _per_document(documents: list[DocumentData], labels: list[str]) -> list[dict[str, Any]]:
    rows = []
    for d in documents:
        f1s, kappas = [], []
        for a, b in combinations(sorted(d.layers), 2):
            la, lb = d.layers[a], d.layers[b]
            f1 = f1_scores(len(la.spans & lb.spans), len(la.spans), len(lb.spans))["f1"]
            pooled_a = [x for lab in labels for x in token_decisions(d, la, lab)]
            pooled_b = [x for lab in labels for x in token_decisions(d, lb, lab)]
            kappa = cohen_kappa(pooled_a, pooled_b)
            if f1 is not None:
                f1s.append(f1)
            if kappa is not None:
                kappas.append(kappa)
        rows.append(
            {
                "document_id": d.id,
                "title": d.title,
                "annotators": sorted(d.layers),
                "f1_exact": sum(f1s) / len(f1s) if f1s else None,
                "kappa": sum(kappas) / len(kappas) if kappas else None,
            }
        )
    return sorted(
        rows, key=lambda r: (r["f1_exact"] if r["f1_exact"] is not None else 2, r["document_id"])
    )


def annotated_summary(report: dict[str, Any]) -> str:
    """Whose work the project holds, from a report's ``annotated``: ``"alice: 2 spans in
    1 document; bob: …"`` (empty when nothing is annotated). What the window's agreement
    dialog and ``annotator agreement`` say when no document has two annotators."""
    return "; ".join(
        f"{who}: {counted(n['spans'], 'span')} in {counted(n['documents'], 'document')}"
        for who, n in report["annotated"].items()
    )
