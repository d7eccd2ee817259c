"""The window's one table model (:class:`RowTableModel`, rows shown through column specs),
the tables built from it, and the document filter.

Models hold records handed to them by the window; they never query the database.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from annotator.gui.messages import plain_tooltip
from annotator.model.records import Span, SpanRef
from annotator.model.words import counted

_Index = QModelIndex | QPersistentModelIndex
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}


def excerpt(text: str, limit: int = 80) -> str:
    """One-line preview of span text: line breaks shown as ⏎, long text shortened."""
    flat = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a :class:`RowTableModel`: its title and what it shows of a row.

    Each callable gets the row and the model's ``context`` (what the rows alone do not
    say: the article text, the label colours, the annotators being compared).
    """

    title: str
    value: Callable[[Any, Any], Any]
    tooltip: Callable[[Any, Any], str | None] | None = None
    background: Callable[[Any, Any], QColor | None] | None = None
    bold: Callable[[Any, Any], bool] | None = None
    alignment: Qt.AlignmentFlag | None = None
    sort_key: Callable[[Any, Any], Any] | None = None
    """What the column sorts by (``SORT_ROLE``), when not its value."""
    decoration: Callable[[Any, Any], QIcon | None] | None = None
    help: str | None = None
    """The header's tooltip (what a short title means)."""


SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class RowTableModel(QAbstractTableModel):
    """The one table model of the window: a list of rows (records the window hands it;
    it never queries the project) shown through :class:`Column` specs.

    ``key`` names a row (``UserRole`` returns it; the row itself without a key).
    With ``order`` the rows are kept sorted by it (a key unique per row), so a row is
    inserted and found in O(log n) — the span table holds up to 50,000. ``tally``
    counts rows by a value (``counts``), kept up to date as rows come and go.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Any], Hashable] | None = None,
        order: Callable[[Any], Any] | None = None,
        tally: Callable[[Any], Hashable] | None = None,
    ) -> None:
        super().__init__()
        self.columns = list(columns)
        self.context: Any = None
        self.counts: Counter[Hashable] = Counter()
        self._key, self._order, self._tally = key, order, tally
        self._rows: list[Any] = []
        self._by_key: dict[Hashable, Any] = {}
        self._positions: dict[Hashable, int] | None = None  # rebuilt when rows move

    # -- rows --------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Any], *, context: Any = None, in_order: bool = False) -> None:
        """Show ``rows`` (in ``order`` when the model has one) with ``context``.

        ``in_order`` says the rows already are in ``order`` (the store sorted them, or
        they come from this model): they are not sorted again, which matters for the
        50,000 spans of a long article. Not checked: rows out of order would be found
        and inserted in wrong places."""
        self.beginResetModel()
        if self._order and not in_order:
            self._rows = sorted(rows, key=self._order)
        else:
            self._rows = list(rows)
        keys = map(self._key, self._rows) if self._key else ()
        self._by_key = dict(zip(keys, self._rows, strict=False))
        self._positions = None
        self.counts = Counter(map(self._tally, self._rows)) if self._tally else Counter()
        self.context = context
        self.endResetModel()

    def set_columns(self, columns: Sequence[Column], rows: Iterable[Any], *, context: Any) -> None:
        """Change the columns too (their number may depend on the rows); the one reset
        of :meth:`set_rows` tells the views about both."""
        self.columns = list(columns)
        self.set_rows(rows, context=context)

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_at(self, position: int) -> Any | None:
        return self._rows[position] if 0 <= position < len(self._rows) else None

    def row_by_key(self, key: Hashable | None) -> Any | None:
        return self._by_key.get(key) if key is not None else None

    def row_of(self, key: Hashable | None) -> int | None:
        """The position of the row named ``key`` (``None`` if it is not shown)."""
        row = self.row_by_key(key)
        if row is None:
            return None
        if self._order:
            return bisect_left(self._rows, self._order(row), key=self._order)
        if self._positions is None:
            self._positions = {self._key(r): n for n, r in enumerate(self._rows)}
        return self._positions.get(key)

    def insert(self, row: Any) -> int:
        """Add a row (in order, else at the end); returns its position."""
        if self._order:
            position = bisect_left(self._rows, self._order(row), key=self._order)
        else:
            position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, row)
        if self._key:
            self._by_key[self._key(row)] = row
        self._positions = None
        if self._tally:
            self.counts[self._tally(row)] += 1
        self.endInsertRows()
        return position

    def remove(self, key: Hashable) -> None:
        position = self.row_of(key)
        if position is None:
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        row = self._rows.pop(position)
        del self._by_key[key]
        self._positions = None
        if self._tally:
            self.counts[self._tally(row)] -= 1
        self.endRemoveRows()

    def replace(self, row: Any) -> None:
        """Show a new version of a row already shown (same key, same place)."""
        position = self.row_of(self._key(row))
        if position is None:
            return
        self._rows[position] = row
        self._by_key[self._key(row)] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.columns) - 1))

    # -- Qt's side ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].help
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(row, self.context)
        if role == Qt.ItemDataRole.UserRole:
            return self._key(row) if self._key else row
        return self._styled(row, column, role)

    def _styled(self, row: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row, self.context)
        if role == Qt.ItemDataRole.DecorationRole and column.decoration:
            return column.decoration(row, self.context)
        if role == Qt.ItemDataRole.BackgroundRole and column.background:
            return column.background(row, self.context)
        if role == Qt.ItemDataRole.FontRole and column.bold and column.bold(row, self.context):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column.alignment is not None:
            return column.alignment
        if role == SORT_ROLE:
            sort_key = column.sort_key or column.value
            return sort_key(row, self.context)
        return None


# -- the window's tables ------------------------------------------------------------------


@dataclass(slots=True)
class ShownText:
    """What the span and link tables show besides their rows: the article and the
    label colours."""

    text: str = ""
    colours: dict[str, QColor] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, colours: dict[str, str]) -> ShownText:
        return cls(text, {label: QColor(colour) for label, colour in colours.items()})

    def excerpt(self, span: SpanRef | None, limit: int = 80) -> str:
        return "?" if span is None else excerpt(self.text[span.start : span.end], limit)


def _label_colour(span: SpanRef, shown: ShownText) -> QColor:
    colour = QColor(shown.colours.get(span.label, QColor("#888888")))
    colour.setAlpha(110)
    return colour


def span_key(span: Span | SpanRef) -> tuple[int, int, str, int]:
    """Text order: by start, longer first, then label and id (unique per span)."""
    return (span.start, -span.end, span.label, span.id)


def span_ref(span: Span | SpanRef) -> SpanRef:
    """What the span table keeps of a span (no attributes or notes: 50,000 rows)."""
    return SpanRef(span.id, span.start, span.end, span.label)


def span_table() -> RowTableModel:
    """Spans of the shown document in text order, counted by label (context: ShownText)."""
    columns = [
        Column("Label", lambda s, _: s.label, background=_label_colour),
        Column(
            "Text",
            lambda s, shown: shown.excerpt(s),
            tooltip=lambda s, shown: plain_tooltip(shown.text[s.start : s.end]),
        ),
        Column("Start", lambda s, _: s.start),
        Column("End", lambda s, _: s.end),
    ]
    return RowTableModel(columns, key=attrgetter("id"), order=span_key, tally=attrgetter("label"))


def document_table() -> RowTableModel:
    """Every document with this annotator's status (an icon before the title, in words in
    the tooltip) and span count: narrow enough for a laptop's side pane."""

    def tooltip(d, _) -> str:
        status = STATUS_TEXT.get(d.status, d.status)
        spans = counted(d.span_count, "span")
        return plain_tooltip(f"{d.title}\n{status} · {spans} · {d.length:,} characters")

    columns = [
        Column(
            "Document",
            lambda d, _: d.title,
            tooltip=tooltip,
            decoration=lambda d, _: status_icon(d.status),
        ),
        Column(
            "#",
            lambda d, _: d.span_count,
            tooltip=tooltip,
            alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            help="Your spans in the document",
        ),
    ]
    return RowTableModel(columns, key=lambda d: d.id)


_STATUS_ICONS: dict[str, QIcon] = {}


def status_icon(status: str) -> QIcon:
    """A document's status at a glance: an empty ring (new), a half-filled one (in
    progress), a filled green disc (done), a struck-through grey one (skipped)."""
    if status not in _STATUS_ICONS:
        size = 16
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ring = QRectF(2.5, 2.5, size - 5, size - 5)
        colour = {
            "in_progress": QColor("#2F6FD0"),
            "done": QColor("#2E9E4F"),
        }.get(status, QColor("#8A8A8A"))
        painter.setPen(QPen(colour, 1.6))
        if status == "done":
            painter.setBrush(colour)
        painter.drawEllipse(ring)
        if status == "in_progress":
            painter.setBrush(colour)
            painter.drawPie(ring, 90 * 16, 180 * 16)
        if status == "skipped":
            painter.drawLine(QPointF(4, size - 4), QPointF(size - 4, 4))
        painter.end()
        _STATUS_ICONS[status] = QIcon(pixmap)
    return _STATUS_ICONS[status]


def link_table() -> RowTableModel:
    """Links of the shown document (or of the selected span), as readable rows
    (context: :class:`LinkEnds`)."""

    def end(span_id: int, ends: LinkEnds) -> str:
        span = ends.spans.get(span_id)
        return "?" if span is None else f"{span.label}: {ends.shown.excerpt(span, 40)}"

    columns = [
        Column("Link", lambda r, _: r.label),
        Column("From", lambda r, ends: end(r.head_id, ends)),
        Column("To", lambda r, ends: end(r.child_id, ends)),
        Column("Stance", lambda r, _: r.attributes.get("stance", "")),
    ]
    return RowTableModel(columns, key=lambda r: r.id)


@dataclass(slots=True)
class LinkEnds:
    """What the link table shows of each link's two spans."""

    spans: dict[int, SpanRef | None]
    shown: ShownText


class DocumentFilter(QSortFilterProxyModel):
    """Filters the document list by status and by words in the title."""

    def __init__(self) -> None:
        super().__init__()
        self._status: str | None = None
        self._words = ""
        self._uncertainty: dict[int, float] | None = None

    def set_uncertainty(self, scores: dict[int, float] | None) -> None:
        """Order by how unsure a model was, most unsure first (``None``: as imported)."""
        self._uncertainty = scores
        self.invalidate()
        if scores is None:
            self.sort(-1, Qt.SortOrder.AscendingOrder)  # the source model's order
        else:
            self.sort(0, Qt.SortOrder.DescendingOrder)

    def lessThan(self, left: _Index, right: _Index) -> bool:
        scores = self._uncertainty or {}
        model = self.sourceModel()
        a, b = model.row_at(left.row()), model.row_at(right.row())
        key_a = (scores.get(a.id, -1.0), -a.id)
        key_b = (scores.get(b.id, -1.0), -b.id)
        return key_a < key_b

    def set_status(self, status: str | None) -> None:
        self._refilter(lambda: setattr(self, "_status", status))

    def set_words(self, words: str) -> None:
        self._refilter(lambda: setattr(self, "_words", words.casefold().strip()))

    def _refilter(self, change) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10; invalidateFilter is deprecated
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        doc = self.sourceModel().row_at(source_row)
        if doc is None:
            return False
        if self._status is not None and doc.status != self._status:
            return False
        return not self._words or self._words in doc.title.casefold()
