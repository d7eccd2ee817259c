"""The transfer controller: File → Import, Merge and Export, every format, through the
same services as the command line, in a worker thread with progress and Cancel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from annotator.core.project import Project
from annotator.formats.export import ExportFilter, ExportReport
from annotator.gui.commands import Editor
from annotator.gui.controller import Controller
from annotator.gui.export_dialog import ExportDialog, start_folder
from annotator.gui.jobs import Job, run_job
from annotator.gui.messages import ask, inform, warn
from annotator.gui.settings import IMPORT_FOLDER
from annotator.gui.state import WindowState
from annotator.model.errors import AnnotatorError, Cancelled
from annotator.model.words import counted

if TYPE_CHECKING:
    from annotator.model.imports import ImportReport
    from annotator.services.merge import MergeReport

IMPORT_FILTER = (
    "Articles and annotations (*.txt *.html *.htm *.jsonl *.json *.spacy *.conll *.bio *.csv "
    "*.ann);;All files (*)"
)


class TransferController(Controller):
    """File → Import, Merge and Export, run by the same services as the command line,
    each in a worker on its own connection with progress and Cancel."""

    imported = Signal(object)
    """An import or merge changed the project (its ``ChangeSummary``)."""
    wroteOwnChanges = Signal()
    """This window changed the project through another connection (the worker's): the
    next poll must not take it for another window's change."""

    def __init__(
        self,
        state: WindowState,
        editor: Editor,
        *,
        window: QWidget,
        parent: QObject | None = None,
    ):
        super().__init__(state, editor, parent)
        self.window = window

    def _in_worker(self, title: str, work: Callable[[Job, Project], Any]) -> Any:
        """Run ``work(job, project)`` off the GUI thread on its own connection."""
        path = self.project.path
        annotator = self.project.annotator
        shown = self.project

        def job_work(job: Job) -> Any:
            if path is None:  # an in-memory project has no second connection
                return work(job, shown)
            with Project.open(path, annotator=annotator, create=False) as project:
                return work(job, project)

        if path is None:
            return job_work(Job(lambda _: None))
        try:
            return run_job(self.window, title, job_work)
        finally:
            self.wroteOwnChanges.emit()  # this window's import is not "another window"

    # -- import -----------------------------------------------------------------------

    def run_import(
        self, paths: list[Path], *, fmt: str = "auto", skip_invalid: bool = False
    ) -> ImportReport:
        """Import ``paths`` (all or nothing unless ``skip_invalid``) as ``annotator
        import`` does, and refresh.

        :raises AnnotatorError: a file or record is bad (nothing imported), or Cancelled.
        """

        # The services (readers, writers, merge) are imported when first used: the
        # window paints before it loads them.
        from annotator.services.transfer import import_paths

        def work(job: Job, project: Project) -> ImportReport:
            job.stage("Reading files…")
            return import_paths(
                project,
                paths,
                fmt=fmt,
                skip_invalid=skip_invalid,
                progress=job.step,
                cancelled=job.cancelled,
                on_read=lambda n: job.stage(f"Importing {counted(n, 'document')}…", n),
            )

        report = self._in_worker("Import", work)
        self.imported.emit(report.summary)
        self.message.emit(describe_import(report, paths, self._where()).splitlines()[0])
        return report

    def _where(self) -> str:
        return self.project.path.name if self.project.path else "this project"

    def _open_files(self, title: str, filters: str) -> list[Path]:
        """Files chosen in a dialog that starts where the last import or merge was."""
        start = str(start_folder(IMPORT_FOLDER))
        chosen, _ = QFileDialog.getOpenFileNames(self.window, title, start, filters)
        if chosen:
            QSettings().setValue(IMPORT_FOLDER, str(Path(chosen[0]).parent))
        return [Path(p) for p in chosen]

    def import_files(self) -> None:
        paths = self._open_files("Import", IMPORT_FILTER)
        if not paths:
            return
        try:
            report = self.run_import(paths)
        except Cancelled:
            self.message.emit("Import cancelled: nothing was imported.")
            return
        except AnnotatorError as exc:
            question = f"{exc}\n\nNothing was imported. Import the rest and skip what is bad?"
            if not ask(self.window, "Import failed", question):
                return
            try:
                report = self.run_import(paths, skip_invalid=True)
            except AnnotatorError as again:
                warn(self.window, "Import failed", str(again))
                return
        inform(self.window, "Import", describe_import(report, paths, self._where()))

    # -- merge ------------------------------------------------------------------------

    def merge_files(self) -> None:
        paths = self._open_files(
            "Merge projects into this one",
            "Annotator projects and native exports (*.db *.sqlite *.jsonl);;All files (*)",
        )
        if not paths:
            return
        try:
            report = self.run_merge(paths)
        except AnnotatorError as exc:
            warn(self.window, "Merge failed", str(exc))
            return
        lines = [
            f"Merged {counted(len(paths), 'file')}: "
            f"{counted(report.documents_added, 'new document')}, "
            f"{report.documents_matched} matched; {counted(report.spans_added, 'span')} added, "
            f"{report.spans_already_there} already here, {report.spans_updated} updated; "
            f"{counted(report.relations_added, 'link')}; "
            f"{counted(report.events_added, 'history event')}.",
            *report.schema_differences,
            *report.notes[:20],
        ]
        inform(self.window, "Merge", "\n".join(lines))

    def run_merge(self, paths: list[Path]) -> MergeReport:
        """Merge project files or native exports into this project, as ``annotator
        merge`` does, and refresh."""

        from annotator.services.merge import merge_into

        def work(job: Job, project: Project) -> MergeReport:
            job.stage("Merging…")
            return merge_into(
                project,
                paths,
                progress=job.step,
                cancelled=job.cancelled,
                on_total=lambda n: job.stage(f"Merging {counted(n, 'document')}…", n),
            )

        report = self._in_worker("Merge", work)
        self.imported.emit(report.summary)
        return report

    # -- export -----------------------------------------------------------------------

    def run_export(
        self, fmt: str, out: Path, *, chosen: ExportFilter | None = None, **options: Any
    ) -> ExportReport:
        """Export as ``annotator export`` does (the same checks of the filters)."""
        documents = self.project.progress()["total"]

        from annotator.services.transfer import export_project

        def work(job: Job, project: Project) -> ExportReport:
            job.stage(f"Exporting to {out.name}…", documents)
            return export_project(project, fmt, out, chosen=chosen, progress=job.step, **options)

        return self._in_worker("Export", work)

    def export_files(self) -> None:
        """File → Export: a failed export shows why in the dialog, which stays open with
        every choice as it was."""
        name = self.project.path.stem if self.project.path else "annotations"
        self.export_dialog = dialog = ExportDialog(self.window, self.project.annotator, name)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            fmt, out, chosen, options = dialog.settings()
            try:
                report = self.run_export(fmt, out, chosen=chosen, **options)
            except Cancelled:
                self.message.emit("Export cancelled: nothing was written.")
                return
            except AnnotatorError as exc:
                dialog.show_problem(f"Export failed: {exc}")
                continue
            self._exported(report, out)
            return

    def _exported(self, report: ExportReport, out: Path) -> None:
        from annotator.services.transfer import export_lines

        written, *problems = export_lines(report, out)
        text = _sentence(written)
        if problems:
            shown = "\n".join(problems[:25])
            more = len(problems) - 25
            text += f"\n\n{shown}" + (f"\n… and {more} more" if more > 0 else "")
        inform(self.window, "Export", text)


def _sentence(line: str) -> str:
    return line[:1].upper() + line[1:] + ("" if line.endswith(".") else ".")


def describe_import(report: ImportReport, paths: list[Path], where: object) -> str:
    """What an import did, in the command line's words, one sentence a line."""
    from annotator.services.transfer import import_lines, schema_line

    lines = [_sentence(line) for line in import_lines(report, paths, where)]
    if added := schema_line(report):
        lines.append(_sentence(added))
    lines += [f"Skipped: {s}" for s in report.skipped[:20]]
    lines += report.notes[:20]
    return "\n".join(lines)
