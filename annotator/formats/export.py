"""What every exporter shares: the report, atomic output, choosing what to export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from annotator.core.project import Project
from annotator.model.records import Category, Document, Relation, Span
from annotator.model.words import counted
from annotator.store import queries

SpanKey = tuple[str, str, int, int]
"""(annotator, label, start, end): a span, independent of database ids."""


@dataclass(frozen=True, slots=True)
class Lost:
    """Something an export could not hold: a span or link, a part of one, or something
    of a layer or document.

    ``what`` names it (the keys of :data:`KINDS`); ``item`` is, for a span or a part of
    one (``attributes``, ``note``, ``label``, ``claim record``, ``evidence``, ``claim
    match``), the span's :data:`SpanKey`; for a link or its attributes ``(annotator,
    label, head SpanKey, child SpanKey)``; for a document category ``(annotator, label,
    value)``; for a ``status`` ``(annotator, status, answer)``; for an ``annotator``
    ``(annotator,)``; for ``document metadata`` the field names; for a ``document
    note`` ``()``.
    """

    document_id: int
    what: str
    item: tuple[Any, ...]
    reason: str

    def message(self) -> str:
        where = f"document {self.document_id}"
        if self.what == "category":
            annotator, label, value = self.item
            return f"{where}, {annotator}: category {label} = {value:g}: {self.reason}"
        if self.what == "status":
            annotator, status, answer = self.item
            shown = status.replace("_", " ") + (f" (answer {answer})" if answer else "")
            return f"{where}, {annotator}: status {shown}: {self.reason}"
        if self.what == "annotator":
            return f"{where}: the annotator name {self.item[0]!r}: {self.reason}"
        if self.what == "document metadata":
            return f"{where}: metadata {', '.join(self.item)}: {self.reason}"
        if self.what == "document note":
            return f"{where}: document note: {self.reason}"
        if self.what.startswith("link"):
            annotator, label, head, child = self.item
            thing = f"{label} link {_short(head)} → {_short(child)}"
        else:
            annotator, label, start, end = self.item
            thing = f"{label} [{start}, {end})"
        part = "" if self.what in ("span", "link") else f" {self.what.removeprefix('link ')}"
        return f"{where}, {annotator}: {thing}{part}: {self.reason}"


KINDS: dict[str, tuple[str, str]] = {
    "span": ("spans", "spans"),
    "label": ("labels", "spans"),
    "attributes": ("span attributes", "spans"),
    "note": ("span notes", "spans"),
    "link": ("links", "links"),
    "link attributes": ("link attributes", "links"),
    "category": ("document categories", "categories"),
    "status": ("statuses", "layers"),
    "annotator": ("annotator names", "layers"),
    "document metadata": ("document metadata", "documents"),
    "document note": ("document notes", "documents"),
    "claim record": ("claim records", "claims"),
    "evidence": ("evidence", "claims"),
    "claim match": ("claim matches", "matches"),
}
"""What a report can list as lost: ``what`` → (what the summary calls them, what it
counts)."""


@dataclass(frozen=True, slots=True)
class Holds:
    """What a layer format can hold besides spans, their labels and offsets: declared
    by each writer (its ``HOLDS``); :func:`select_layers` reports everything else of
    each exported layer, in one place. Losses that depend on the content (a span off
    token boundaries, a value brat cannot write) are the writer's to report."""

    name: str
    """How the report names the format ("Prodigy JSONL")."""
    span_attributes: bool = False
    span_notes: bool = False
    links: bool = False
    link_attributes: bool = False
    categories: bool = False
    statuses: bool = False
    """All four (new, in progress, done, skipped) and a Prodigy answer."""
    annotators: bool = True
    document_meta: bool = False
    """The metadata (outlet, url, author, …), title and language."""
    document_note: bool = False
    claim_records: bool = False
    evidence: bool = False
    claim_matches: bool = False
    advice: tuple[tuple[str, str], ...] = ()
    """(``what``, a hint the report adds to the reason) pairs."""


def _short(key: SpanKey) -> str:
    return f"{key[1]} [{key[2]}, {key[3]})"


def span_key(span: Span) -> SpanKey:
    return (span.annotator, span.label, span.start, span.end)


@dataclass(slots=True)
class ExportReport:
    """What an export wrote, everything it could not hold (``lost``), and remarks.
    ``holds``: what the format holds (with it, :func:`select_layers` reports the rest)."""

    format: str
    path: str
    holds: Holds | None = None
    records: int = 0
    spans: int = 0
    relations: int = 0
    lost: list[Lost] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lose(self, document_id: int, what: str, item: tuple[Any, ...], reason: str) -> None:
        self.lost.append(Lost(document_id, what, item, reason))

    def lose_span(self, layer: Layer, span: Span, what: str, reason: str) -> None:
        self.lose(layer.document.id, what, span_key(span), reason)

    def lose_link(self, layer: Layer, relation: Relation, what: str, reason: str) -> None:
        by_id = {s.id: s for s in layer.spans}
        item = (
            relation.annotator,
            relation.label,
            span_key(by_id[relation.head_id]),
            span_key(by_id[relation.child_id]),
        )
        self.lose(layer.document.id, what, item, reason)

    def lose_category(self, layer: Layer, category: Category, reason: str) -> None:
        item = (category.annotator, category.label, category.value)
        self.lose(layer.document.id, "category", item, reason)

    @property
    def problems(self) -> list[str]:
        """Every note and every lost item, one line each."""
        return [*self.notes, *(lost.message() for lost in self.lost)]

    def summary(self, limit: int = 3) -> list[str]:
        """:attr:`problems` for people: the notes, then the lost items of each kind and
        reason, one by one when there are at most ``limit`` of them, else counted on one
        line (``document notes: 12 documents (Prodigy JSONL has no place for them)``)."""
        groups: dict[tuple[str, str], list[Lost]] = {}
        for lost in self.lost:
            groups.setdefault((lost.what, lost.reason), []).append(lost)
        lines = list(self.notes)
        for (what, reason), found in groups.items():
            if len(found) <= limit:
                lines += [lost.message() for lost in found]
                continue
            title, unit = KINDS.get(what, (what, "items"))
            documents = len({lost.document_id for lost in found})
            where = "" if unit == "documents" else f" in {counted(documents, 'document')}"
            lines.append(f"{title}: {len(found)} {unit}{where} ({reason})")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": self.path,
            "records": self.records,
            "spans": self.spans,
            "relations": self.relations,
            "problems": self.problems,
            "summary": self.summary(),
            "lost": [
                {"document_id": x.document_id, "what": x.what, "item": x.item, "reason": x.reason}
                for x in self.lost
            ],
        }

    def audit(self, layer: Layer, marks: dict[int, queries.ClaimMarks], *, first: bool) -> None:
        """Report what of ``layer`` the format does not hold (:attr:`holds`); with
        ``first`` (the document's first exported layer) also what of its document."""
        holds = self.holds
        assert holds is not None

        def reason(what: str) -> str:
            hint = dict(holds.advice).get(what)
            return f"{holds.name} has no place for {KINDS[what][0]}" + (f"; {hint}" if hint else "")

        document = layer.document
        if first and document.note and not holds.document_note:
            self.lose(document.id, "document note", (), reason("document note"))
        if first and document.meta and not holds.document_meta:
            item = tuple(sorted(document.meta))
            self.lose(document.id, "document metadata", item, reason("document metadata"))
        if layer.status != "new" and not holds.statuses:
            item = (layer.annotator, layer.status, layer.answer)
            self.lose(document.id, "status", item, reason("status"))
        if not holds.annotators:
            self.lose(document.id, "annotator", (layer.annotator,), reason("annotator"))
        for span in layer.spans:
            if span.attributes and not holds.span_attributes:
                self.lose_span(layer, span, "attributes", reason("attributes"))
            if span.note and not holds.span_notes:
                self.lose_span(layer, span, "note", reason("note"))
            mark = marks.get(span.id)
            if mark is None:
                continue
            if mark.record and not holds.claim_records:
                self.lose_span(layer, span, "claim record", reason("claim record"))
            if mark.evidence and not holds.evidence:
                self.lose_span(layer, span, "evidence", reason("evidence"))
            for _ in range(mark.matches if not holds.claim_matches else 0):
                self.lose_span(layer, span, "claim match", reason("claim match"))
        for relation in layer.relations:
            if not holds.links:
                self.lose_link(layer, relation, "link", reason("link"))
            elif relation.attributes and not holds.link_attributes:
                self.lose_link(layer, relation, "link attributes", reason("link attributes"))
        for category in layer.categories if not holds.categories else ():
            self.lose_category(layer, category, reason("category"))


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which annotation layers to export. ``None`` means all."""

    annotators: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    include_rejected: bool = False
    """Layers answered reject or ignore (imported from Prodigy) are training data only
    when asked for."""


@dataclass(slots=True)
class Layer:
    """One annotator's work on one document."""

    document: Document
    annotator: str
    spans: list[Span]
    relations: list[Relation]
    status: str
    answer: str | None
    categories: list[Category] = field(default_factory=list)
    """The document's categories in this layer (text classification)."""


def where(document: Document, span: Span | None = None) -> str:
    """How a report names a document (and a span in it)."""
    name = f"document {document.id} ({document.title})"
    if span is None:
        return name
    return f"{name}: {span.label} [{span.start}, {span.end}) by {span.annotator}"


def select_layers(
    project: Project,
    chosen: ExportFilter | None = None,
    report: ExportReport | None = None,
    *,
    tokens: bool = False,
) -> Iterator[Layer]:
    """Each annotation layer to export, document by document.

    A layer counts if its annotator has spans or categories in the document or marked
    it done or skipped. Relations come along when both their spans do. With a
    ``report`` that says what its format holds, everything else of each layer is
    reported as it is read (:meth:`ExportReport.audit`). With ``tokens`` (a format that
    writes tokens), the stored tokens of each batch of documents are read in one query
    ahead of :meth:`~annotator.core.project.Project.token_offsets`.
    """
    chosen = chosen or ExportFilter()
    db = project.db
    with_categories = queries.has_categories(db)
    holds = report.holds if report is not None else None
    claims = holds is not None and queries.has_claim_data(db)
    for batch in queries.iter_annotated_batches(db):
        marks = queries.claim_marks_of_many(db, [d.id for d, _ in batch]) if claims else {}
        if tokens:
            project.read_tokens_ahead([d.id for d, _ in batch])
        for document, stored in batch:
            categories = queries.categories_of(db, document.id) if with_categories else []
            for n, layer in enumerate(_layers(document, *stored, chosen, categories)):
                if report is not None and holds is not None:
                    report.audit(layer, marks, first=n == 0)
                yield layer


def _layers(
    document: Document,
    spans: list[Span],
    relations: list[Relation],
    status_rows: list[dict[str, Any]],
    chosen: ExportFilter,
    categories: list[Category],
) -> Iterator[Layer]:
    statuses = {row["annotator"]: row for row in status_rows}
    who = (
        {s.annotator for s in spans}
        | {c.annotator for c in categories}
        | {a for a, row in statuses.items() if row["status"] in ("done", "skipped")}
    )
    for annotator in sorted(who):
        if chosen.annotators is not None and annotator not in chosen.annotators:
            continue
        row = statuses.get(annotator)
        status = row["status"] if row else "new"
        answer = row["answer"] if row else None
        if chosen.statuses is not None and status not in chosen.statuses:
            continue
        if not chosen.include_rejected and answer in ("reject", "ignore"):
            continue
        mine = [
            s
            for s in spans
            if s.annotator == annotator and (chosen.labels is None or s.label in chosen.labels)
        ]
        ids = {s.id for s in mine}
        linked = [
            r
            for r in relations
            if r.annotator == annotator and r.head_id in ids and r.child_id in ids
        ]
        theirs = [c for c in categories if c.annotator == annotator]
        yield Layer(document, annotator, mine, linked, status, answer, theirs)
