"""What every exporter shares: the report, atomic output, choosing what to export."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import AnnotatorError
from annotator.core.model import Category, Document, Relation, Span
from annotator.core.project import Project
from annotator.store import queries

SpanKey = tuple[str, str, int, int]
"""(annotator, label, start, end): a span, independent of database ids."""


@dataclass(frozen=True, slots=True)
class Lost:
    """Something an export could not hold: a span or link, or a part of one.

    ``what`` is ``span``, ``label``, ``attributes``, ``note``, ``link``,
    ``link attributes`` or ``category``; ``item`` is the span's :data:`SpanKey`, for a
    link ``(annotator, label, head SpanKey, child SpanKey)``, for a document category
    ``(annotator, label, value)``.
    """

    document_id: int
    what: str
    item: tuple[Any, ...]
    reason: str

    def message(self) -> str:
        if self.what == "category":
            annotator, label, value = self.item
            return (
                f"document {self.document_id}, {annotator}: category {label} = {value:g}: "
                f"{self.reason}"
            )
        if self.what.startswith("link"):
            annotator, label, head, child = self.item
            thing = f"{label} link {_short(head)} → {_short(child)}"
        else:
            annotator, label, start, end = self.item
            thing = f"{label} [{start}, {end})"
        part = "" if self.what in ("span", "link") else f" {self.what.removeprefix('link ')}"
        return f"document {self.document_id}, {annotator}: {thing}{part}: {self.reason}"


def _short(key: SpanKey) -> str:
    return f"{key[1]} [{key[2]}, {key[3]})"


def span_key(span: Span) -> SpanKey:
    return (span.annotator, span.label, span.start, span.end)


@dataclass(slots=True)
class ExportReport:
    """What an export wrote, everything it could not hold (``lost``), and remarks."""

    format: str
    path: str
    records: int = 0
    spans: int = 0
    relations: int = 0
    lost: list[Lost] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lose_span(self, layer: Layer, span: Span, what: str, reason: str) -> None:
        self.lost.append(Lost(layer.document.id, what, span_key(span), reason))

    def lose_link(self, layer: Layer, relation: Relation, what: str, reason: str) -> None:
        by_id = {s.id: s for s in layer.spans}
        item = (
            relation.annotator,
            relation.label,
            span_key(by_id[relation.head_id]),
            span_key(by_id[relation.child_id]),
        )
        self.lost.append(Lost(layer.document.id, what, item, reason))

    def lose_category(self, layer: Layer, category: Category, reason: str) -> None:
        item = (category.annotator, category.label, category.value)
        self.lost.append(Lost(layer.document.id, "category", item, reason))

    def lose_extras(self, layer: Layer, reason: str) -> None:
        """Span attributes and notes, and link attributes, that the format cannot hold."""
        for span in layer.spans:
            if span.attributes:
                self.lose_span(layer, span, "attributes", reason)
            if span.note:
                self.lose_span(layer, span, "note", reason)
        for relation in layer.relations:
            if relation.attributes:
                self.lose_link(layer, relation, "link attributes", reason)

    @property
    def problems(self) -> list[str]:
        return [*self.notes, *(lost.message() for lost in self.lost)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": self.path,
            "records": self.records,
            "spans": self.spans,
            "relations": self.relations,
            "problems": self.problems,
        }


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


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """A file handle whose content replaces ``path`` only if the block succeeds.

    A failed or cancelled export leaves any existing file untouched and no partial one.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise AnnotatorError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise AnnotatorError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(
            fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})
        ) as handle:
            yield handle
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def select_layers(project: Project, chosen: ExportFilter | None = None) -> Iterator[Layer]:
    """Each annotation layer to export, document by document.

    A layer counts if its annotator has spans or categories in the document or marked
    it done or skipped. Relations come along when both their spans do.
    """
    chosen = chosen or ExportFilter()
    with_categories = queries.has_categories(project.db)
    for document, stored in queries.iter_annotated_documents(project.db):
        categories = queries.categories_of(project.db, document.id) if with_categories else []
        yield from _layers(document, *stored, chosen, categories)


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


def report_categories_not_held(
    project: Project, chosen: ExportFilter | None, report: ExportReport, reason: str
) -> None:
    """List in ``report`` every document category of the exported layers, for a format
    that has no place for them (a second pass over the layers, only when the project
    has categories at all)."""
    if not queries.has_categories(project.db):
        return
    for layer in select_layers(project, chosen):
        for category in layer.categories:
            report.lose_category(layer, category, reason)
