"""Qt table models over core records: the document list and the span table.

Models hold records handed to them by the window; they never query the database.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from annotator.gui.messages import plain_tooltip
from annotator.model.records import DocumentSummary, Relation, Span, SpanRef

_Index = QModelIndex | QPersistentModelIndex
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}


def _span_key(span: Span | SpanRef) -> tuple[int, int, str, int]:
    return (span.start, -span.end, span.label, span.id)


def excerpt(text: str, limit: int = 80) -> str:
    """One-line preview of span text: line breaks shown as ⏎, long text shortened."""
    flat = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class SpanTableModel(QAbstractTableModel):
    """Spans of the shown document, in text order (as ``SpanRef``: no attributes or
    notes are loaded for a list that may hold 50,000 rows)."""

    HEADERS = ("Label", "Text", "Start", "End")

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[SpanRef] = []
        self._keys: list[tuple[int, int, str, int]] = []
        self._by_id: dict[int, SpanRef] = {}
        self.counts: Counter[str] = Counter()
        self._text = ""
        self._colours: dict[str, QColor] = {}

    def set_spans(
        self, spans: list[SpanRef] | list[Span], text: str, colours: dict[str, str]
    ) -> None:
        self.beginResetModel()
        refs = [SpanRef(s.id, s.start, s.end, s.label) for s in spans]
        refs.sort(key=_span_key)
        self._spans = refs
        self._keys = [(s.start, -s.end, s.label, s.id) for s in refs]  # = _span_key
        self._by_id = {s.id: s for s in self._spans}
        self.counts = Counter(s.label for s in self._spans)
        self._text = text
        self._colours = {k: QColor(v) for k, v in colours.items()}
        self.endResetModel()

    def add(self, span: Span | SpanRef) -> int:
        span = SpanRef(span.id, span.start, span.end, span.label)
        row = bisect_left(self._keys, _span_key(span))
        self.beginInsertRows(QModelIndex(), row, row)
        self._spans.insert(row, span)
        self._keys.insert(row, _span_key(span))
        self._by_id[span.id] = span
        self.counts[span.label] += 1
        self.endInsertRows()
        return row

    def remove(self, span_id: int) -> None:
        row = self.row_of(span_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        span = self._spans.pop(row)
        del self._keys[row]
        del self._by_id[span_id]
        self.counts[span.label] -= 1
        self.endRemoveRows()

    def row_of(self, span_id: int | None) -> int | None:
        """Row of a span in O(log n): rows are sorted by a key the span determines."""
        span = self._by_id.get(span_id) if span_id is not None else None
        return bisect_left(self._keys, _span_key(span)) if span is not None else None

    def span_by_id(self, span_id: int | None) -> SpanRef | None:
        return self._by_id.get(span_id) if span_id is not None else None

    def span_at(self, row: int) -> SpanRef | None:
        return self._spans[row] if 0 <= row < len(self._spans) else None

    @property
    def spans(self) -> list[SpanRef]:
        return list(self._spans)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._spans)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        span = self._spans[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                span.label,
                excerpt(self._text[span.start : span.end]),
                span.start,
                span.end,
            )[column]
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            colour = QColor(self._colours.get(span.label, QColor("#888888")))
            colour.setAlpha(110)
            return colour
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return plain_tooltip(self._text[span.start : span.end])
        if role == Qt.ItemDataRole.UserRole:
            return span.id
        return None


class DocumentListModel(QAbstractTableModel):
    """Every document with this annotator's span count and status."""

    HEADERS = ("Document", "Spans", "Status")

    def __init__(self) -> None:
        super().__init__()
        self._docs: list[DocumentSummary] = []

    def set_documents(self, documents: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._docs = list(documents)
        self.endResetModel()

    def update(self, summary: DocumentSummary) -> None:
        row = self.row_of(summary.id)
        if row is None:
            return
        self._docs[row] = summary
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def row_of(self, document_id: int) -> int | None:
        for row, doc in enumerate(self._docs):
            if doc.id == document_id:
                return row
        return None

    def document_at(self, row: int) -> DocumentSummary | None:
        return self._docs[row] if 0 <= row < len(self._docs) else None

    @property
    def documents(self) -> list[DocumentSummary]:
        return list(self._docs)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._docs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        doc = self._docs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (doc.title, doc.span_count, STATUS_TEXT.get(doc.status, doc.status))[
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"{doc.title}\n{doc.length:,} characters")
        if role == Qt.ItemDataRole.UserRole:
            return doc.id
        return None


class RelationTableModel(QAbstractTableModel):
    """Links of the shown document (or of the selected span), as readable rows."""

    HEADERS = ("Link", "From", "To", "Stance")

    def __init__(self) -> None:
        super().__init__()
        self._relations: list[Relation] = []
        self._spans: dict[int, SpanRef | None] = {}
        self._text = ""

    def set_relations(
        self, relations: list[Relation], spans: dict[int, SpanRef | None], text: str
    ) -> None:
        self.beginResetModel()
        self._relations = list(relations)
        self._spans = spans
        self._text = text
        self.endResetModel()

    @property
    def relations(self) -> list[Relation]:
        return list(self._relations)

    def relation_at(self, row: int) -> Relation | None:
        return self._relations[row] if 0 <= row < len(self._relations) else None

    def row_of(self, relation_id: int) -> int | None:
        for row, relation in enumerate(self._relations):
            if relation.id == relation_id:
                return row
        return None

    def _span_text(self, span_id: int) -> str:
        span = self._spans.get(span_id)
        if span is None:
            return "?"
        return f"{span.label}: {excerpt(self._text[span.start : span.end], 40)}"

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._relations)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        relation = self._relations[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                relation.label,
                self._span_text(relation.head_id),
                self._span_text(relation.child_id),
                relation.attributes.get("stance", ""),
            )[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return relation.id
        return None


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
        a, b = model.document_at(left.row()), model.document_at(right.row())
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
        doc = self.sourceModel().document_at(source_row)
        if doc is None:
            return False
        if self._status is not None and doc.status != self._status:
            return False
        return not self._words or self._words in doc.title.casefold()
