"""Qt table models over core records: the document list and the span table.

Models hold records handed to them by the window; they never query the database.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.core.model import DocumentSummary, Span

_Index = QModelIndex | QPersistentModelIndex
STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done", "skipped": "skipped"}


def _span_key(span: Span) -> tuple[int, int, str, int]:
    return (span.start, -span.end, span.label, span.id)


def excerpt(text: str, limit: int = 80) -> str:
    """One-line preview of span text: line breaks shown as ⏎, long text shortened."""
    flat = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class SpanTableModel(QAbstractTableModel):
    """Spans of the shown document, in text order."""

    HEADERS = ("Label", "Text", "Start", "End")

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[Span] = []
        self._keys: list[tuple[int, int, str, int]] = []
        self._text = ""
        self._colours: dict[str, QColor] = {}

    def set_spans(self, spans: list[Span], text: str, colours: dict[str, str]) -> None:
        self.beginResetModel()
        self._spans = sorted(spans, key=_span_key)
        self._keys = [_span_key(s) for s in self._spans]
        self._text = text
        self._colours = {k: QColor(v) for k, v in colours.items()}
        self.endResetModel()

    def add(self, span: Span) -> int:
        row = bisect_left(self._keys, _span_key(span))
        self.beginInsertRows(QModelIndex(), row, row)
        self._spans.insert(row, span)
        self._keys.insert(row, _span_key(span))
        self.endInsertRows()
        return row

    def remove(self, span_id: int) -> None:
        row = self.row_of(span_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._spans[row]
        del self._keys[row]
        self.endRemoveRows()

    def row_of(self, span_id: int) -> int | None:
        for row, span in enumerate(self._spans):
            if span.id == span_id:
                return row
        return None

    def span_at(self, row: int) -> Span | None:
        return self._spans[row] if 0 <= row < len(self._spans) else None

    @property
    def spans(self) -> list[Span]:
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
            return self._text[span.start : span.end]
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
            return f"{doc.title}\n{doc.length:,} characters"
        if role == Qt.ItemDataRole.UserRole:
            return doc.id
        return None
