"""File → Export: the format by its name, only that format's options, and a place to save
that starts in the user's documents folder (never the process's working folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.formats.export import ExportFilter
from annotator.formats.writers import EXPORTERS, LAYER_FORMATS, OUTPUT_SUFFIX, writes_folder
from annotator.gui.messages import literal, plain_label
from annotator.gui.settings import EXPORT_FOLDER

FORMAT_NAMES = {
    "native": "Annotator native JSONL (everything, for merging)",
    "prodigy": "Prodigy JSONL",
    "spacy": "spaCy DocBin",
    "doccano": "doccano JSONL",
    "labelstudio": "Label Studio JSON",
    "brat": "brat standoff (a folder)",
    "conll": "CoNLL BIO",
    "csv": "CSV (a row per span)",
    "claimreview": "ClaimReview JSON-LD (fact-checks)",
    "claims-csv": "Claims CSV (fact-checks)",
    "hf": "Hugging Face dataset (a folder: Parquet and a dataset card)",
}
"""What the dialog calls each format (a plug-in's format is shown by its name)."""


def documents_folder() -> Path:
    """The user's documents folder (``QStandardPaths``), else their home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_folder(key: str) -> Path:
    """Where a file dialog opens: the folder last used for ``key`` (a QSettings key) if it
    still exists, else the documents folder."""
    last = QSettings().value(key, "", type=str)
    return Path(last) if last and Path(last).is_dir() else documents_folder()


class ExportDialog(QDialog):
    """Format, destination, filters and the chosen format's options. ``accept`` refuses
    a destination that cannot be written, in the dialog, keeping every choice."""

    def __init__(self, parent: QWidget, annotator: str, project_name: str):
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export")
        self.annotator = annotator
        self.project_name = project_name or "annotations"
        self.format = QComboBox()
        for fmt in EXPORTERS:
            self.format.addItem(FORMAT_NAMES.get(fmt, fmt), fmt)
        self.path = QLineEdit()
        self.path.setObjectName("export_path")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.only_mine = QCheckBox(literal(f"Only {self.annotator}'s annotations"))
        self.only_done = QCheckBox("Only documents marked done")
        self.include_rejected = QCheckBox("Include layers answered reject / ignore")
        self.dev_fraction = QDoubleSpinBox()
        self.dev_fraction.setRange(0, 0.9)
        self.dev_fraction.setSingleStep(0.05)
        self.spans_key = QLineEdit("sc")
        self.ents = QCheckBox("Also fill doc.ents (non-overlapping spans)")
        self.conll_layout = QComboBox()
        self.conll_layout.addItem("One file, a column per label", "columns")
        self.conll_layout.addItem("A file per document (a folder)", "files")
        self.hf_split = QLineEdit("0.8,0.1,0.1")
        self.hf_split.setToolTip("Shares of the articles in train, validation and test")
        self.hf_license = QLineEdit()
        self.hf_license.setPlaceholderText("such as cc-by-4.0 (remembered)")
        self.problem = plain_label()
        self.problem.setObjectName("export_problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.form = form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Save to", row)
        # (group, label, widget): a group's rows show only for the formats it applies to
        self._rows = [
            ("filters", "", self.only_mine),
            ("filters", "", self.only_done),
            ("rejected", "", self.include_rejected),
            ("spacy", "Share for dev", self.dev_fraction),
            ("spacy", "Spans key", self.spans_key),
            ("spacy", "", self.ents),
            ("conll", "Layout", self.conll_layout),
            ("hf", "Splits", self.hf_split),
            ("hf", "Licence", self.hf_license),
        ]
        for _, label, widget in self._rows:
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._suggested = ""
        self.format.currentIndexChanged.connect(self._format_changed)
        self.dev_fraction.valueChanged.connect(self._format_changed)
        self.conll_layout.currentIndexChanged.connect(self._format_changed)
        self.format.setCurrentIndex(max(self.format.findData("prodigy"), 0))
        self._format_changed()

    @property
    def fmt(self) -> str:
        return self.format.currentData()

    def writes_folder(self) -> bool:
        """Whether the chosen format and options write a folder rather than a file."""
        return writes_folder(self.fmt, **self.settings()[3])

    def _format_changed(self) -> None:
        fmt = self.fmt
        shown = {
            "filters": fmt in LAYER_FORMATS or fmt == "native",
            "rejected": fmt in LAYER_FORMATS,
            "spacy": fmt == "spacy",
            "conll": fmt == "conll",
            "hf": fmt == "hf",
        }
        for group, _, widget in self._rows:
            self.form.setRowVisible(widget, shown[group])
        # A suggested name follows the format; a path the user typed or chose stays.
        if self.path.text() in ("", self._suggested):
            name = f"{self.project_name}-{fmt}"
            if not self.writes_folder():
                name += OUTPUT_SUFFIX.get(fmt, "")
            self._suggested = str(start_folder(EXPORT_FOLDER) / name)
            self.path.setText(self._suggested)
        self.adjustSize()

    def _browse(self) -> None:
        current = self.path.text() or str(start_folder(EXPORT_FOLDER))
        if self.writes_folder():
            chosen = QFileDialog.getExistingDirectory(self, "Export to folder", current)
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export", current)
        if chosen:
            self.path.setText(chosen)

    def destination(self) -> Path:
        """The path typed or chosen; a relative one is taken in the documents folder."""
        typed = Path(self.path.text().strip()).expanduser()
        return typed if typed.is_absolute() else documents_folder() / typed

    def problem_with_destination(self) -> str | None:
        """Why the destination cannot be written, in one line, or ``None``."""
        if not self.path.text().strip():
            return "Choose where to save the export."
        out = self.destination()
        if not out.parent.is_dir():
            return f"The folder {out.parent} does not exist."
        if self.writes_folder():
            if out.exists() and not out.is_dir():
                return f"{out} is a file; this format writes a folder."
        elif out.is_dir():
            return f"{out} is a folder; give the name of a file to write."
        return None

    def show_problem(self, text: str) -> None:
        """Say what is wrong, in the dialog (plain text), keeping every choice."""
        self.problem.setText(text)
        self.problem.show()
        self.path.setFocus()

    def accept(self) -> None:
        problem = self.problem_with_destination()
        if problem is not None:
            self.show_problem(problem)
            return
        QSettings().setValue(EXPORT_FOLDER, str(self.destination().parent))
        super().accept()

    def settings(self) -> tuple[str, Path, ExportFilter, dict[str, Any]]:
        fmt = self.fmt
        chosen = ExportFilter(
            annotators=(self.annotator,) if self.only_mine.isChecked() else None,
            statuses=("done",) if self.only_done.isChecked() else None,
            include_rejected=self.include_rejected.isChecked() or fmt == "native",
        )
        options = {
            "spacy": {
                "dev_fraction": self.dev_fraction.value(),
                "spans_key": self.spans_key.text() or "sc",
                "ents": self.ents.isChecked(),
            },
            "conll": {"layout": self.conll_layout.currentData()},
            "hf": {
                "split": self.hf_split.text().strip() or None,
                "license": self.hf_license.text().strip() or None,
            },
        }.get(fmt, {})
        return fmt, self.destination(), chosen, options
