"""The records every layer shares.

Offsets are Python ``str`` indices (Unicode code points), half-open ``[start, end)``,
into ``Document.text`` exactly as stored. Records are immutable snapshots of rows; an
edit produces a :class:`Change` that lists the rows before and after.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from annotator.model.changes import ChangeSummary, summarize

STATUSES = ("new", "in_progress", "done", "skipped")


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 encoding of ``text``: the document's identity."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dumps_json(value: Any) -> str:
    """Canonical JSON text for storage (sorted keys, UTF-8, no spaces)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def loads_json(value: str | bytes | None) -> Any:
    return orjson.loads(value) if value else {}


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    title: str
    text: str
    text_sha256: str
    lang: str
    meta: dict[str, Any]
    note: str
    created: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Document:
        return cls(
            id=row["id"],
            title=row["title"],
            text=row["text"],
            text_sha256=row["text_sha256"],
            lang=row["lang"],
            meta=loads_json(row["meta"]),
            note=row["note"],
            created=row["created"],
        )


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One line of the document list: no text, so listing 100k documents stays cheap."""

    id: int
    title: str
    length: int
    span_count: int
    status: str


@dataclass(slots=True)
class Span:
    """A labelled range. Treat as immutable: it is not ``frozen`` only because frozen
    dataclasses build 3.5 times slower, and opening a document builds 50,000 of them."""

    id: int
    document_id: int
    start: int
    end: int
    label: str
    annotator: str
    origin: str = "manual"
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    created: str = ""
    updated: str = ""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Span:
        return cls(
            id=row["id"],
            document_id=row["document_id"],
            start=row["start"],
            end=row["end"],
            label=row["label"],
            annotator=row["annotator"],
            origin=row["origin"],
            attributes=loads_json(row["attributes"]),
            note=row["note"],
            created=row["created"],
            updated=row["updated"],
        )

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]


class SpanRef(NamedTuple):
    """Where a span is and what it is: all the article view and span list need, and
    cheap enough to load 50,000 of when a document opens."""

    id: int
    start: int
    end: int
    label: str


@dataclass(slots=True)
class Relation:
    """A typed link between two spans of one document. Treat as immutable (see Span)."""

    id: int
    document_id: int
    head_id: int
    child_id: int
    label: str
    annotator: str
    attributes: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    updated: str = ""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Relation:
        return cls(
            id=row["id"],
            document_id=row["document_id"],
            head_id=row["head_id"],
            child_id=row["child_id"],
            label=row["label"],
            annotator=row["annotator"],
            attributes=loads_json(row["attributes"]),
            created=row["created"],
            updated=row["updated"],
        )


@dataclass(frozen=True, slots=True)
class Category:
    """A category of a whole document (text classification) in one annotator's layer:
    ``value`` 1.0 means it applies, 0.0 that it does not (scores may lie between)."""

    document_id: int
    annotator: str
    label: str
    value: float
    updated: str


@dataclass(frozen=True, slots=True)
class RowChange:
    """One row of one table, as it was (``before``) and as it is (``after``).

    ``None`` means the row does not exist on that side, so an insert has ``before=None``
    and a delete ``after=None``. Rows are the raw stored values (JSON as text), which
    makes applying a change in either direction exact.
    """

    table: str
    key: tuple[Any, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def inverse(self) -> RowChange:
        return RowChange(self.table, self.key, self.after, self.before)


@dataclass(frozen=True, slots=True)
class Change:
    """What one operation changed: the unit of undo, redo, history and GUI refresh."""

    op: str
    description: str
    rows: tuple[RowChange, ...]
    given_summary: ChangeSummary | None = field(default=None, compare=False, repr=False)
    """What a bulk write (import, merge) did, which keeps no rows."""

    def inverse(self) -> Change:
        """The change that undoes this one (rows in reverse order, sides swapped)."""
        return Change(
            op=f"undo:{self.op}" if not self.op.startswith("undo:") else self.op[5:],
            description=self.description,
            rows=tuple(row.inverse() for row in reversed(self.rows)),
        )

    def _rows(self, table: str) -> list[RowChange]:
        return [row for row in self.rows if row.table == table]

    @property
    def spans_added(self) -> list[Span]:
        return [Span.from_row(r.after) for r in self._rows("spans") if r.before is None and r.after]

    @property
    def spans_removed(self) -> list[Span]:
        return [
            Span.from_row(r.before) for r in self._rows("spans") if r.after is None and r.before
        ]

    @property
    def spans_updated(self) -> list[tuple[Span, Span]]:
        return [
            (Span.from_row(r.before), Span.from_row(r.after))
            for r in self._rows("spans")
            if r.before is not None and r.after is not None
        ]

    @property
    def relations_added(self) -> list[Relation]:
        rows = self._rows("relations")
        return [Relation.from_row(r.after) for r in rows if r.before is None and r.after]

    @property
    def relations_removed(self) -> list[Relation]:
        rows = self._rows("relations")
        return [Relation.from_row(r.before) for r in rows if r.after is None and r.before]

    @property
    def summary(self) -> ChangeSummary:
        """What this change did, by meaning (what the window reads; see
        :mod:`annotator.model.changes`)."""
        if self.given_summary is not None:
            return self.given_summary
        return summarize(self.rows, self.op)

    def joins(self, previous: Change) -> bool:
        """Whether this change is one undo step with ``previous`` (the same kind of edit
        of the same thing, such as stepping through a list of values)."""
        mine = self.summary
        return (
            mine.mergeable
            and previous.op == self.op
            and previous.description == self.description
            and previous.summary.identity == mine.identity
        )

    def then(self, later: Change) -> Change:
        """This change followed by ``later``, as one change (one undo step)."""
        return Change(self.op, self.description, self.rows + later.rows)

    @property
    def document_ids(self) -> set[int]:
        """Documents whose annotations this change touches."""
        return set(self.summary.documents)

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed span: code-point offsets, label, where it came from (``pattern:hedges``,
    ``model:NAME``) and the model's score when it has one."""

    start: int
    end: int
    label: str
    source: str
    score: float | None = None

    @property
    def place(self) -> tuple[str, int, int]:
        return (self.label, self.start, self.end)
