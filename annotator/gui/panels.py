"""Small panels around the article: the document list with its filters, the link picker
and the find bar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project import LinkOption
from annotator.gui.messages import plain_label
from annotator.gui.models import STATUS_TEXT, DocumentFilter, document_table, excerpt
from annotator.model.records import STATUSES


def make_table(
    model,
    *,
    stretch_column: int,
    samples: dict[int, str] | None = None,
    optional: tuple[int, ...] = (),
) -> QTableView:
    """A read-only, row-selecting table. Columns are sized from ``samples`` (the widest
    text each will show), never from the content: measuring 50,000 rows would stall.
    ``optional`` columns give way, last first, when the table is too narrow for them and
    a readable ``stretch_column`` (a laptop's side pane); they come back when it widens."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # both ends of a title show
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    fit_columns(table, samples or {})
    if optional:
        table.viewport().installEventFilter(ColumnsThatYield(table, optional))
    return table


def fit_columns(table: QTableView, samples: dict[int, str]) -> None:
    metrics = table.fontMetrics()
    header = table.horizontalHeader()
    for column, sample in samples.items():
        title = str(table.model().headerData(column, Qt.Orientation.Horizontal, 0) or "")
        width = max(
            metrics.horizontalAdvance(sample), header.fontMetrics().horizontalAdvance(title)
        )
        header.resizeSection(column, width + 16)


class ColumnsThatYield(QObject):
    """Hides a table's optional columns while each stretching column would get fewer
    than ``ROOM`` pixels, and shows them again when the table is wide enough."""

    ROOM = 110

    def __init__(self, table: QTableView, optional: tuple[int, ...]):
        super().__init__(table)
        self.table, self.optional = table, optional
        header = table.horizontalHeader()
        self.widths = {c: header.sectionSize(c) for c in range(table.model().columnCount())}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit(self.table.viewport().width())
        return False

    def fit(self, available: int) -> None:
        header = self.table.horizontalHeader()
        stretch = QHeaderView.ResizeMode.Stretch
        columns = range(self.table.model().columnCount())
        stretching = [c for c in columns if header.sectionResizeMode(c) == stretch]
        fixed = [c for c in columns if c not in stretching and c not in self.optional]
        used = sum(self.widths[c] for c in fixed) + len(stretching) * self.ROOM
        for column in self.optional:  # the first listed stays longest
            fits = used + self.widths[column] <= available
            self.table.setColumnHidden(column, not fits)
            if fits:
                used += self.widths[column]


def keep_width_out_of_layout(widget: QWidget) -> None:
    """A bar under the article takes the article's width and never asks for more:
    opening it must not move the splitters or re-wrap the article."""
    widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
    widget.setMinimumWidth(0)


class DocumentsPanel(QWidget):
    """The document list: filter by words and by status, with this annotator's counts."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = document_table()
        self.proxy = DocumentFilter()
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, stretch_column=0, samples={1: "000"})
        self.words = QLineEdit()
        self.words.setPlaceholderText("Filter documents…")
        self.words.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("All statuses", None)
        for status in STATUSES:
            self.status.addItem(STATUS_TEXT[status], status)
        self.words.textChanged.connect(self.proxy.set_words)
        self.status.currentIndexChanged.connect(
            lambda _: self.proxy.set_status(self.status.currentData())
        )
        self.order = QComboBox()
        self.order.setObjectName("document_order")
        self.order.addItem("Order: as imported", False)
        self.order.addItem("Order: least certain first", True)
        self.order.setToolTip("Triage: the documents a model was least sure about first")
        filters = QHBoxLayout()
        filters.addWidget(self.words, 2)
        filters.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.order)
        layout.addWidget(self.table)

    def set_uncertainty(self, scores: dict[int, float] | None) -> None:
        """Triage order from ``scores`` (``None``: as imported); keeps the selection."""
        current = self.current_document_id()
        self.proxy.set_uncertainty(scores)
        self.order.blockSignals(True)
        self.order.setCurrentIndex(1 if scores is not None else 0)
        self.order.blockSignals(False)
        if current is not None:
            self.select_document(current)

    def refresh_order(self, scores: dict[int, float]) -> None:
        """New scores arrived: re-sort if the list is in triage order."""
        if self.order.currentData():
            self.set_uncertainty(scores)

    def current_document_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def select_document(self, document_id: int) -> bool:
        """Make ``document_id`` current if the filter shows it."""
        row = self.model.row_of(document_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        if self.table.currentIndex().row() != index.row():
            self.table.selectRow(index.row())
        return True

    def neighbour(self, document_id: int | None, step: int) -> int | None:
        """The id ``step`` rows away from ``document_id`` in the filtered list."""
        ids = [
            self.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole)
            for r in range(self.proxy.rowCount())
        ]
        if not ids:
            return None
        if document_id not in ids:
            return ids[0] if step > 0 else ids[-1]
        position = ids.index(document_id) + step
        return ids[position] if 0 <= position < len(ids) else None


class LinkPicker(QWidget):
    """Candidates to link the selected span to: digits 1–9 or arrows + Enter pick one,
    Esc cancels; clicking a span in the article picks it too."""

    picked = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("link_candidates")
        self.list.setMaximumHeight(160)
        self.list.itemActivated.connect(self._activated)
        self.list.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        keep_width_out_of_layout(self)
        self.options: list[LinkOption] = []
        self.hide()

    def open(self, span_label: str, span_text: str, options: list[LinkOption], text: str) -> None:
        self.options = options
        self.title.setText(
            f"Link {span_label} “{excerpt(span_text, 50)}” to… "
            "(1–9 or ↑↓ Enter; click a span in the article; Esc cancels)"
        )
        self.list.clear()
        for n, option in enumerate(options, 1):
            span = option.span
            prefix = f"{n}  " if n <= 9 else "   "
            item = QListWidgetItem(
                f"{prefix}{span.label}: “{excerpt(text[span.start : span.end], 60)}”"
                f"   ({option.relation})"
            )
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.show()
        self.list.setFocus()

    def close_picker(self) -> None:
        self.options = []
        self.hide()

    @property
    def active(self) -> bool:
        return self.isVisible()

    def _activated(self, item: QListWidgetItem) -> None:
        self.picked.emit(self.options[self.list.row(item)])

    def eventFilter(self, obj, event) -> bool:
        if (
            obj is self.list
            and isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
        ):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.cancelled.emit()
                return True
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
                index = key - Qt.Key.Key_1
                if index < len(self.options):
                    self.picked.emit(self.options[index])
                return True
        return super().eventFilter(obj, event)


class FindBar(QWidget):
    """Find in the article: Enter finds the next match, Shift+Enter the previous, Esc closes."""

    search = Signal(str, bool)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName("find_text")
        self.edit.setPlaceholderText("Find in article (Enter: next, Shift+Enter: previous, Esc)")
        self.edit.installEventFilter(self)
        self.status = plain_label()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.status)
        keep_width_out_of_layout(self)
        self.hide()

    def open(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def eventFilter(self, obj, event) -> bool:
        if (
            obj is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
        ):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                backwards = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.search.emit(self.edit.text(), backwards)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.hide()
                self.closed.emit()
                return True
        return super().eventFilter(obj, event)
