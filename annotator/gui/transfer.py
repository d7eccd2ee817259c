"""File → Import, Merge and Export: every format, in a worker thread with progress and
Cancel. Mixed into :class:`~annotator.gui.main_window.MainWindow`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

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
)

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.export import ExportFilter, ExportReport
from annotator.formats.reader import read_paths
from annotator.formats.writers import EXPORTERS, export
from annotator.gui.jobs import Job, run_job
from annotator.gui.messages import ask, inform, literal, warn
from annotator.model.errors import AnnotatorError
from annotator.model.imports import Cancelled, ImportReport, SchemaIn

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object

IMPORT_FILTER = (
    "Articles and annotations (*.txt *.html *.htm *.jsonl *.json *.spacy *.conll *.bio *.csv "
    "*.ann);;All files (*)"
)
FOLDER_FORMATS = {"brat"}
SUFFIX = {
    "native": ".jsonl",
    "prodigy": ".jsonl",
    "doccano": ".jsonl",
    "labelstudio": ".json",
    "spacy": ".spacy",
    "conll": ".conll",
    "csv": ".csv",
}


class TransferMixin(_Base):
    def _in_worker(self, title: str, work) -> Any:
        """Run ``work(job, project)`` off the GUI thread on its own connection."""
        path = self.project.path
        annotator = self.project.annotator

        def job_work(job: Job) -> Any:
            if path is None:  # an in-memory project has no second connection
                return work(job, self.project)
            with Project.open(path, annotator=annotator, create=False) as project:
                return work(job, project)

        if path is None:
            return job_work(Job(lambda _: None))
        try:
            return run_job(self, title, job_work)
        finally:
            self.note_own_writes()  # this window's import or merge is not "another window"

    # -- import -----------------------------------------------------------------------

    def run_import(
        self, paths: list[Path], *, fmt: str = "auto", skip_invalid: bool = False
    ) -> ImportReport:
        """Import ``paths`` (all or nothing unless ``skip_invalid``) and refresh.

        :raises AnnotatorError: a file or record is bad (nothing imported), or Cancelled.
        """

        def work(job: Job, project: Project) -> ImportReport:
            job.stage("Reading files…")
            messages: list[str] = []
            skipped: list[str] | None = [] if skip_invalid else None
            schema = SchemaIn()
            records = []
            for record in read_paths(paths, fmt, messages, skipped=skipped, schema=schema):
                if job.cancelled():
                    raise Cancelled()
                records.append(record)
            job.stage(f"Importing {len(records)} document(s)…", len(records))
            report = import_documents(
                project,
                records,
                skip_invalid=skip_invalid,
                schema=schema,
                progress=job.step,
                cancelled=job.cancelled,
            )
            report.skipped[:0] = skipped or []
            report.notes[:0] = messages
            return report

        report = self._in_worker("Import", work)
        self.on_bulk_change(report.summary)
        if self.document_id is None and self.doc_model.rowCount():
            self.open_document(self.documents.neighbour(None, 1))
        self.show_message(describe_import(report).splitlines()[0])
        return report

    def import_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import", "", IMPORT_FILTER)
        if not paths:
            return
        paths = [Path(p) for p in paths]
        try:
            report = self.run_import(paths)
        except Cancelled:
            self.show_message("Import cancelled: nothing was imported.")
            return
        except AnnotatorError as exc:
            question = f"{exc}\n\nNothing was imported. Import the rest and skip what is bad?"
            if not ask(self, "Import failed", question):
                return
            try:
                report = self.run_import(paths, skip_invalid=True)
            except AnnotatorError as again:
                warn(self, "Import failed", str(again))
                return
        inform(self, "Import", describe_import(report))

    # -- merge ------------------------------------------------------------------------

    def merge_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Merge projects into this one",
            "",
            "Annotator projects and native exports (*.db *.sqlite *.jsonl);;All files (*)",
        )
        if not paths:
            return
        try:
            report = self.run_merge([Path(p) for p in paths])
        except AnnotatorError as exc:
            warn(self, "Merge failed", str(exc))
            return
        lines = [
            f"Merged {len(paths)} file(s): {report.documents_added} new document(s), "
            f"{report.documents_matched} matched; {report.spans_added} span(s) added, "
            f"{report.spans_already_there} already here, {report.spans_updated} updated; "
            f"{report.relations_added} link(s); {report.events_added} history event(s).",
            *report.schema_differences,
            *report.notes[:20],
        ]
        inform(self, "Merge", "\n".join(lines))

    def run_merge(self, paths: list[Path]):
        from annotator.services.merge import merge_into

        def work(job: Job, project: Project):
            job.stage("Merging…", len(paths))
            return merge_into(project, paths, progress=job.step, cancelled=job.cancelled)

        report = self._in_worker("Merge", work)
        self.on_bulk_change(report.summary)
        return report

    # -- export -----------------------------------------------------------------------

    def run_export(
        self, fmt: str, out: Path, *, chosen: ExportFilter | None = None, **options: Any
    ) -> ExportReport:
        def work(job: Job, project: Project) -> ExportReport:
            job.stage(f"Exporting to {out.name}…", self.doc_model.rowCount())
            return export(project, fmt, out, chosen=chosen, progress=job.step, **options)

        return self._in_worker("Export", work)

    def export_files(self) -> None:
        dialog = ExportDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        fmt, out, chosen, options = dialog.settings()
        try:
            report = self.run_export(fmt, out, chosen=chosen, **options)
        except Cancelled:
            self.show_message("Export cancelled: nothing was written.")
            return
        except AnnotatorError as exc:
            warn(self, "Export failed", str(exc))
            return
        text = (
            f"Wrote {report.records} record(s), {report.spans} span(s) and "
            f"{report.relations} link(s) to {out}."
        )
        problems = report.summary()
        if problems:
            shown = "\n".join(problems[:25])
            more = len(problems) - 25
            text += f"\n\nNot exported exactly:\n{shown}" + (
                f"\n… and {more} more" if more > 0 else ""
            )
        inform(self, "Export", text)


def describe_import(report: ImportReport) -> str:
    lines = [
        f"Imported {report.documents_added} new document(s) "
        f"({report.documents_existing} already present), {report.spans_added} span(s), "
        f"{report.relations_added} link(s)."
    ]
    if report.spans_duplicate or report.relations_duplicate:
        lines.append(
            f"Duplicates stored once: {report.spans_duplicate} span(s), "
            f"{report.relations_duplicate} link(s)."
        )
    if report.labels_added or report.relation_types_added:
        lines.append(
            f"Added to the schema: {', '.join(report.labels_added + report.relation_types_added)}."
        )
    if not (report.documents_added or report.documents_existing):
        lines[0] = "Nothing was imported: no document in these files."
    if report.categories_added:
        lines.append(f"Document categories: {report.categories_added}.")
    lines += [f"Skipped: {s}" for s in report.skipped[:20]]
    lines += report.notes[:20]
    return "\n".join(lines)


class ExportDialog(QDialog):
    """Format, destination and filters of an export."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export")
        self.annotator = window.project.annotator
        self.format = QComboBox()
        self.format.addItems(list(EXPORTERS))
        self.format.setCurrentText("prodigy")
        self.path = QLineEdit()
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
        self.conll_layout.addItems(["columns", "files"])
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Save to", row)
        form.addRow("", self.only_mine)
        form.addRow("", self.only_done)
        form.addRow("", self.include_rejected)
        form.addRow("spaCy dev share", self.dev_fraction)
        form.addRow("spaCy spans key", self.spans_key)
        form.addRow("", self.ents)
        form.addRow("CoNLL layout", self.conll_layout)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        fmt = self.format.currentText()
        folder = fmt in FOLDER_FORMATS or (fmt == "spacy" and self.dev_fraction.value() > 0)
        if folder:
            chosen = QFileDialog.getExistingDirectory(self, "Export to folder")
        else:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export", f"annotations{SUFFIX.get(fmt, '')}"
            )
        if chosen:
            self.path.setText(chosen)

    def settings(self) -> tuple[str, Path, ExportFilter, dict[str, Any]]:
        fmt = self.format.currentText()
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
            "conll": {"layout": self.conll_layout.currentText()},
        }.get(fmt, {})
        return fmt, Path(self.path.text()), chosen, options
