"""The main window: documents on the left, the article in the centre, spans on the right.

Every edit calls one core operation, pushes its ``Change`` on the ``QUndoStack`` and
refreshes the widgets from that change (:meth:`MainWindow.on_change`). No SQL here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import Change
from annotator.core.project import Project
from annotator.gui import dialogs
from annotator.gui.actions import ActionSpec, action_specs
from annotator.gui.article_view import ArticleView
from annotator.gui.commands import ChangeCommand
from annotator.gui.models import DocumentListModel, SpanTableModel
from annotator.gui.settings import SPLITTER_STATE, WINDOW_GEOMETRY, WINDOW_STATE

STATUS_TIMEOUT_MS = 6000


def colour_icon(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class MainWindow(QMainWindow):
    def __init__(self, project: Project):
        super().__init__()
        self.project = project
        self.undo_stack = QUndoStack(self)
        self.document_id: int | None = None
        self._text = ""
        self.actions_by_name: dict[str, QAction] = {}
        self.specs: list[ActionSpec] = []

        self.doc_model = DocumentListModel()
        self.doc_list = self._table(self.doc_model, stretch_column=0)
        self.view = ArticleView()
        self.span_model = SpanTableModel()
        self.span_table = self._table(self.span_model, stretch_column=1)
        self._fit_label_column()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget, stretch in ((self.doc_list, 1), (self.view, 4), (self.span_table, 2)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.indexOf(widget), stretch)
        self.splitter.setSizes([240, 720, 320])
        self.setCentralWidget(self.splitter)
        self.counts_label = QLabel()
        self.statusBar().addPermanentWidget(self.counts_label)

        self._build_actions()
        self.doc_list.selectionModel().currentRowChanged.connect(self._on_document_row)
        self.span_table.selectionModel().currentRowChanged.connect(self._on_span_row)
        self.view.spanClicked.connect(self.select_span)

        self.setWindowTitle(f"Annotator — {self._project_name()} — {project.annotator}")
        self.resize(1280, 800)
        self._restore_state()
        self.reload_documents()
        if self.doc_model.rowCount():
            self.doc_list.selectRow(0)
        self.view.setFocus()

    # -- building -------------------------------------------------------------------

    def _table(self, model, *, stretch_column: int) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setTabKeyNavigation(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        return table

    def _fit_label_column(self) -> None:
        """Label names are short and known: size the column to the longest one."""
        metrics = self.span_table.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(n) for n in self.project.schema.label_names), default=40
        )
        header = self.span_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, widest + 24)

    def _build_actions(self) -> None:
        self.specs = action_specs(self.project.schema)
        handlers = {
            "import_text": self.import_text,
            "export_prodigy": self.export_prodigy,
            "quit": self.close,
            "undo": self.undo_stack.undo,
            "redo": self.undo_stack.redo,
            "delete_span": self.delete_selected_span,
            "find": self.find_in_article,
            "next_span": lambda: self.step_span(1),
            "previous_span": lambda: self.step_span(-1),
            "next_document": lambda: self.step_document(1),
            "previous_document": lambda: self.step_document(-1),
            "shortcuts": lambda: dialogs.show_shortcuts(self, self.specs),
            "about": lambda: dialogs.show_about(self),
        }
        colours = {label.name: label.colour for label in self.project.schema.labels}
        toolbar = QToolBar("Labels")
        toolbar.setObjectName("labels_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(toolbar)
        menus = {
            name: self.menuBar().addMenu(name)
            for name in ("&File", "&Edit", "&Label", "&Go", "&Help")
        }
        for spec in self.specs:
            action = QAction(spec.text, self)
            action.setObjectName(spec.name)
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            action.setToolTip(
                f"{spec.help} ({', '.join(spec.shortcuts)})" if spec.shortcuts else spec.help
            )
            if spec.name.startswith("label:"):
                label = spec.name.split(":", 1)[1]
                action.triggered.connect(lambda _=False, name=label: self.apply_label(name))
                action.setIcon(colour_icon(colours[label]))
                action.setText(f"{label}  [{' / '.join(spec.shortcuts).lower()}]")
                toolbar.addAction(action)
            else:
                action.triggered.connect(lambda _=False, fn=handlers[spec.name]: fn())
            if spec.scope == "annotate":
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.view.addAction(action)
                self.span_table.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            menus[spec.menu].addAction(action)
            self.actions_by_name[spec.name] = action
        self.undo_stack.canUndoChanged.connect(self.actions_by_name["undo"].setEnabled)
        self.undo_stack.canRedoChanged.connect(self.actions_by_name["redo"].setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.actions_by_name["undo"].setText(f"&Undo {text}".rstrip())
        )
        self.undo_stack.redoTextChanged.connect(
            lambda text: self.actions_by_name["redo"].setText(f"&Redo {text}".rstrip())
        )
        self.actions_by_name["undo"].setEnabled(False)
        self.actions_by_name["redo"].setEnabled(False)

    def _project_name(self) -> str:
        return self.project.path.name if self.project.path else "in memory"

    # -- documents ------------------------------------------------------------------

    def reload_documents(self) -> None:
        self.doc_model.set_documents(self.project.documents())

    def _on_document_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        summary = self.doc_model.document_at(current.row())
        if summary is not None and summary.id != self.document_id:
            self.open_document(summary.id)

    def open_document(self, document_id: int) -> None:
        """Show a document and this annotator's spans on it."""
        document = self.project.document(document_id)
        spans = self.project.spans(document_id)
        colours = self._colours()
        self.document_id = document_id
        self._text = document.text
        self.view.set_document(document.text, spans, colours)
        self.span_model.set_spans(spans, document.text, colours)
        row = self.doc_model.row_of(document_id)
        if row is not None and self.doc_list.currentIndex().row() != row:
            self.doc_list.selectRow(row)
        self._update_counts()

    def step_document(self, step: int) -> None:
        row = self.doc_list.currentIndex().row() + step
        if 0 <= row < self.doc_model.rowCount():
            self.doc_list.selectRow(row)
            self.view.setFocus()

    def _colours(self) -> dict[str, str]:
        return {label.name: label.colour for label in self.project.schema.labels}

    # -- spans ----------------------------------------------------------------------

    def apply_label(self, label: str) -> None:
        """Label the selection (snapped to tokens), or relabel the selected span."""
        if self.document_id is None:
            return
        start, end = self.view.selection()
        if start == end:
            span_id = self._selected_span_id()
            if span_id is None:
                self.show_message("Select some text first, then press a label key.")
                return
            self.run(lambda: self.project.relabel_span(span_id, label))
            return
        snapped = self.project.snap(self.document_id, start, end)
        if snapped is None:
            self.show_message("The selection holds only spaces: nothing to label.")
            return
        change = self.run(lambda: self.project.add_span(self.document_id, *snapped, label))
        if change is not None:
            self.view.clear_selection()
            added = change.spans_added
            if added:
                self.select_span(added[0].id)

    def delete_selected_span(self) -> None:
        span_id = self._selected_span_id()
        if span_id is None:
            self.show_message("No span selected: click a span or pick one in the list.")
            return
        self.run(lambda: self.project.delete_span(span_id))

    def _selected_span_id(self) -> int | None:
        if self.view.current_span is not None:
            return self.view.current_span
        under_caret = self.view.spans_at_caret()
        return under_caret[0] if under_caret else None

    def select_span(self, span_id: int | None) -> None:
        """Make ``span_id`` the current span in the table and the article."""
        row = self.span_model.row_of(span_id) if span_id is not None else None
        if row is None:
            self.span_table.clearSelection()
            self.view.set_current_span(None)
            return
        self.span_table.selectionModel().setCurrentIndex(
            self.span_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.span_table.scrollTo(self.span_model.index(row, 0))
        self.view.set_current_span(span_id)

    def _on_span_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        span = self.span_model.span_at(current.row())
        if span is not None and span.id != self.view.current_span:
            self.view.set_current_span(span.id)

    def step_span(self, step: int) -> None:
        if not self.span_model.rowCount():
            return
        row = self.span_model.row_of(self.view.current_span) if self.view.current_span else None
        row = (
            row + step if row is not None else (0 if step > 0 else -1)
        ) % self.span_model.rowCount()
        self.select_span(self.span_model.span_at(row).id)

    # -- the one edit path ------------------------------------------------------------

    def run(self, operation) -> Change | None:
        """Run a core operation, put its change on the undo stack, refresh from it.

        User errors (a duplicate span, an unknown label) go to the status bar.
        """
        try:
            change = operation()
        except AnnotatorError as exc:
            self.report_error(exc)
            return None
        if change.is_empty:
            return change
        self.undo_stack.push(ChangeCommand(self, change))
        self.on_change(change)
        return change

    def on_change(self, change: Change) -> None:
        """Refresh every widget from what ``change`` did (after an edit, undo or redo)."""
        if self.document_id in change.document_ids:
            for span in change.spans_removed:
                self.view.remove_span(span.id)
                self.span_model.remove(span.id)
            for before, after in change.spans_updated:
                self.view.remove_span(before.id)
                self.span_model.remove(before.id)
                if after.annotator == self.project.annotator:
                    self.view.add_span(after)
                    self.span_model.add(after)
            for span in change.spans_added:
                if span.annotator == self.project.annotator:
                    self.view.add_span(span)
                    self.span_model.add(span)
            if self.view.current_span is not None:
                self.select_span(self.view.current_span)
            self._update_counts()
        for document_id in change.document_ids:
            self.doc_model.update(self.project.document_summary(document_id))

    def report_error(self, exc: Exception) -> None:
        self.show_message(str(exc))

    def show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)

    def _update_counts(self) -> None:
        counts = Counter(span.label for span in self.span_model.spans)
        parts = [
            f"{label.name} {counts.get(label.name, 0)}" for label in self.project.schema.labels
        ]
        total = sum(counts.values())
        self.counts_label.setText(f"{' · '.join(parts)}   —   {total} span(s)")

    # -- find -----------------------------------------------------------------------

    def find_in_article(self) -> None:
        dialogs.find_in_view(self, self.view)

    # -- files ----------------------------------------------------------------------

    def import_text(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import text files", "", "Text files (*.txt);;All files (*)"
        )
        if not paths:
            return
        from annotator.core.ingest import import_documents
        from annotator.formats.reader import read_paths

        messages: list[str] = []
        try:
            records = list(read_paths([Path(p) for p in paths], "auto", messages))
            report = import_documents(self.project, records)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Import failed", f"{exc}\n\nNothing was imported.")
            return
        self.reload_documents()
        summary = (
            f"Imported {report.documents_added} new document(s); "
            f"{report.documents_existing} already present."
        )
        if messages:
            summary += "\n\n" + "\n".join(messages)
        QMessageBox.information(self, "Import", summary)

    def export_prodigy(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export Prodigy JSONL", "annotations.jsonl", "JSON lines (*.jsonl)"
        )
        if not path:
            return
        from annotator.formats.prodigy import export_prodigy

        try:
            report = export_prodigy(self.project, path)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Export failed", str(exc))
            return
        text = f"Wrote {report.records} record(s) with {report.spans} span(s) to {path}."
        if report.problems:
            text += "\n\nNot exact:\n" + "\n".join(report.problems[:20])
        QMessageBox.information(self, "Export", text)

    # -- state ----------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        if geometry := settings.value(WINDOW_GEOMETRY):
            self.restoreGeometry(geometry)
        if state := settings.value(WINDOW_STATE):
            self.restoreState(state)
        if splitter := settings.value(SPLITTER_STATE):
            self.splitter.restoreState(splitter)

    def closeEvent(self, event) -> None:
        settings = QSettings()
        settings.setValue(WINDOW_GEOMETRY, self.saveGeometry())
        settings.setValue(WINDOW_STATE, self.saveState())
        settings.setValue(SPLITTER_STATE, self.splitter.saveState())
        super().closeEvent(event)
