"""Settings → Patterns and Tools → Train model: the dialogs of model assistance.

Training runs ``annotator train --progress json`` in a child process (``QProcess``): the
window stays responsive, Cancel kills the child, and a killed run leaves no model (the
child trains into a temporary folder that is only moved into place at the end).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QProcess, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project import Project
from annotator.gui.commands import Editor
from annotator.gui.models import Column, RowTableModel
from annotator.gui.screen import fit_on_screen
from annotator.gui.state import WindowState
from annotator.model.words import counted
from annotator.text.patterns import CUE

_Index = QModelIndex | QPersistentModelIndex
PATTERN_FILTER = "Pattern files (*.jsonl *.json);;All files (*)"


def pattern_table() -> RowTableModel:
    """The patterns in use: label, the pattern as written, and its set."""
    columns = [
        Column("Label", lambda p, _: p.label),
        Column("Pattern", lambda p, _: p.shown(), tooltip=lambda p, _: p.shown()),
        Column("Set", lambda p, _: p.pattern_set),
    ]
    return RowTableModel(columns)


class PatternsDialog(QDialog):
    """The patterns in use: the shipped sets and the project's own. Add one (a phrase,
    or token patterns as JSON), remove one (a shipped one is switched off), import a
    Prodigy pattern file, export the list. Every change is undoable in the window."""

    def __init__(self, parent: QWidget, state: WindowState, editor: Editor):
        super().__init__(parent)
        self.setObjectName("patterns_dialog")
        self.setWindowTitle("Patterns")
        self.state, self.editor = state, editor
        self.model = pattern_table()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.label = QComboBox()
        self.pattern = QLineEdit()
        self.pattern.setPlaceholderText('a phrase ("highly likely"), or [{"LOWER": "may"}]')
        self.pattern.returnPressed.connect(self.add)
        add = QPushButton("Add")
        add.clicked.connect(self.add)
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, activated=self.remove)
        load = QPushButton("Import…")
        load.clicked.connect(self.import_file)
        save = QPushButton("Export…")
        save.clicked.connect(self.export_file)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        row.addWidget(self.label)
        row.addWidget(self.pattern, 1)
        row.addWidget(add)
        buttons = QHBoxLayout()
        for button in (remove, load, save):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Phrases match whole words in any case; token patterns use spaCy's Matcher "
                "syntax. Cue patterns find reporting verbs (for link cues) and keep them "
                "from being suggested as hedges."
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(close)
        fit_on_screen(self, 760, 520)
        self.refresh()

    def refresh(self) -> None:
        project = self.state.project
        self.model.set_rows(project.patterns())
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 480)
        current = self.label.currentText()
        self.label.clear()
        self.label.addItems([*project.schema.label_names, CUE])
        if current:
            self.label.setCurrentText(current)

    def _run(self, operation) -> bool:
        self.message.clear()
        change = self.editor.run(operation, on_error=self.message.setText)
        self.refresh()
        return change is not None

    def add(self) -> None:
        text = self.pattern.text().strip()
        if not text:
            self.message.setText("Type a phrase or a token pattern first.")
            return
        pattern: Any = text
        if text.startswith("["):
            try:
                pattern = json.loads(text)
            except ValueError as exc:
                self.message.setText(f"Token patterns are JSON: {exc}")
                return
        label = self.label.currentText()
        if self._run(lambda: self.state.project.add_pattern(label, pattern)):
            self.pattern.clear()

    def remove(self) -> None:
        row = self.table.currentIndex().row()
        if self.model.row_at(row) is None:
            self.message.setText("Pick a pattern in the list first.")
            return
        chosen = self.model.row_at(row)
        self._run(lambda: self.state.project.remove_pattern(chosen.label, chosen.as_spacy()))

    def import_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import patterns", "", PATTERN_FILTER)
        if not path:
            return
        skipped: list[int] = []

        def operation():
            change, already = self.state.project.import_patterns(path)
            skipped.append(already)
            return change

        if self._run(operation):
            self.message.setText(f"Imported; {counted(skipped[0], 'pattern')} were already in use.")

    def export_file(self, path: str | None = None) -> None:
        from annotator.model.errors import AnnotatorError
        from annotator.text.patterns import write_patterns

        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export patterns", "patterns.jsonl", PATTERN_FILTER
            )
        if not path:
            return
        try:
            write_patterns(path, self.model.rows)
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Wrote {counted(self.model.rowCount(), 'pattern')} to {path}.")


class TrainingDialog(QDialog):
    """Tools → Train model: a span categorizer from the project's annotations, trained in
    a child process with progress and Cancel; then precision, recall and F1 per label."""

    suggestRequested = Signal()
    """Suggest in this document (with the model just trained)."""
    processEnded = Signal()
    """The training process ended: it may have stored the model's place in the project."""
    trained = Signal()
    """A model was trained and stored."""

    def __init__(self, parent: QWidget, project: Project):
        super().__init__(parent)
        self.setObjectName("training_dialog")
        self.setWindowTitle("Train a model")
        self.project = project
        self.process: QProcess | None = None
        self.report: dict[str, Any] | None = None
        default = project.project_value("model_path") or (
            str(project.path.with_name(project.path.stem + "-model")) if project.path else ""
        )
        self.output = QLineEdit(default)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        self.steps = QSpinBox()
        self.steps.setRange(50, 20000)
        self.steps.setSingleStep(100)
        self.steps.setValue(600)
        where = QHBoxLayout()
        where.addWidget(self.output, 1)
        where.addWidget(browse)
        form = QFormLayout()
        form.addRow("model folder", where)
        form.addRow("training steps", self.steps)
        self.progress = QProgressBar()
        self.status = QLabel("Trains a spaCy span categorizer on your accepted annotations.")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.results = QTableWidget(0, 5)
        self.results.setHorizontalHeaderLabels(["Label", "Precision", "Recall", "F1", "Dev spans"])
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.train_button = QPushButton("Train")
        self.train_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.suggest_button = QPushButton("Suggest in this document")
        self.suggest_button.setEnabled(False)
        self.suggest_button.clicked.connect(self.suggestRequested)
        buttons = QHBoxLayout()
        for button in (self.train_button, self.cancel_button, self.suggest_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(close)
        fit_on_screen(self, 620, 460)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Model folder", self.output.text())
        if folder:
            self.output.setText(folder)

    def start(self) -> None:
        project = self.project
        output = self.output.text().strip()
        if project.path is None or not output:
            self.status.setText("Choose a model folder first.")
            return
        self.report = None
        self._stdout = b""
        self.process = QProcess(self)
        self.process.setProgram(sys.executable)
        self.process.setArguments(
            [
                "-m",
                "annotator",
                "train",
                "--db",
                str(project.path),
                "--annotator",
                project.annotator,
                "-o",
                output,
                "--max-steps",
                str(self.steps.value()),
                "--progress",
                "json",
            ]
        )
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._finished)
        self.progress.setRange(0, self.steps.value())
        self.progress.setValue(0)
        self.status.setText("Preparing the examples…")
        self.results.setRowCount(0)
        self.train_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.suggest_button.setEnabled(False)
        self.process.start()

    def _read(self) -> None:
        self._stdout += bytes(self.process.readAllStandardOutput().data())
        *lines, self._stdout = self._stdout.split(b"\n")
        for line in lines:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "report" in message:
                self.report = message["report"]
            elif "step" in message:
                self.progress.setValue(min(message["step"], self.progress.maximum()))
                if message.get("dev_f1") is not None:
                    self.status.setText(
                        f"Step {message['step']} of {message['total']}: "
                        f"dev F1 {message['dev_f1']:.3f}"
                    )

    def _finished(self, code: int, _status: Any) -> None:
        self._read()
        self.processEnded.emit()
        self.train_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        error = bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")
        self.process = None
        if code != 0 or self.report is None:
            reason = [line for line in error.splitlines() if line.startswith("Error:")]
            self.status.setText(
                reason[-1].removeprefix("Error: ") if reason else "Training stopped."
            )
            return
        self.progress.setValue(self.progress.maximum())
        self._show_report(self.report)
        self.suggest_button.setEnabled(True)
        self.trained.emit()

    def _show_report(self, report: dict[str, Any]) -> None:
        rows = [*report["labels"].items(), ("all", report | {"support": report["dev_spans"]})]
        self.results.setRowCount(len(rows))
        for row, (label, s) in enumerate(rows):
            values = [label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}"]
            for column, value in enumerate([*values, str(s["support"])]):
                self.results.setItem(row, column, QTableWidgetItem(value))
        notes = " ".join(report["notes"])
        self.status.setText(
            f"Dev F1 {report['f1']:.3f} (memorising the training spans: "
            f"{report['baseline_f1']:.3f}); {report['train_documents']} train and "
            f"{report['dev_documents']} dev examples, {report['seconds']:.0f} s. {notes}".strip()
        )

    def cancel(self) -> None:
        """Stop the child; it leaves its temporary folder, which is removed here."""
        if self.process is None:
            return
        self.process.kill()
        self.process.waitForFinished(5000)
        output = Path(self.output.text().strip())
        for stale in output.parent.glob(f".{output.name}.training-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.status.setText("Training cancelled: no model was written.")

    def reject(self) -> None:
        self.cancel()
        super().reject()
