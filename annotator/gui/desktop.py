"""Projects as files: New, Open, Open Recent, and noticing another window's changes.
Mixed into :class:`~annotator.gui.main_window.MainWindow`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QFileDialog, QMenu

from annotator.core.project import Project
from annotator.gui.messages import literal, warn
from annotator.gui.settings import RECENT_PROJECTS
from annotator.model.errors import AnnotatorError

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object

MAX_RECENT = 8
POLL_MS = 1500
PROJECT_FILTER = "Annotator projects (*.db *.sqlite *.annotator);;All files (*)"


class DesktopMixin(_Base):
    # -- projects -----------------------------------------------------------------------

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", "project.db", PROJECT_FILTER)
        if path:
            if Path(path).exists():
                warn(self, "New project", f"{path} exists already: use File → Open for it.")
                return
            self.switch_project(Path(path))

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "", PROJECT_FILTER)
        if path:
            self.switch_project(Path(path))

    def switch_project(self, path: Path) -> bool:
        """Work on the project at ``path`` (created if new); the current one stays open
        if that fails."""
        self.inspector.commit_notes()
        try:
            project = Project.open(path, annotator=self.project.annotator)
        except AnnotatorError as exc:
            warn(self, "Open project", str(exc))
            return False
        old, self.project = self.project, project
        old.close()
        self.undo_stack.clear()
        self.document_id = None
        self._data_version = None
        self.on_schema_changed()
        self._update_title()
        self.reload_documents()
        first = self.documents.neighbour(None, 1)
        if first is not None:
            self.open_document(first)
        else:
            self.clear_document()
        self.remember_project(path)
        return True

    def remember_project(self, path: Path) -> None:
        settings = QSettings()
        recent = [p for p in (settings.value(RECENT_PROJECTS) or []) if p != str(path)]
        settings.setValue(RECENT_PROJECTS, [str(path), *recent][:MAX_RECENT])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        menu: QMenu = self.recent_menu
        menu.clear()
        current = str(self.project.path) if self.project.path else None
        for entry in QSettings().value(RECENT_PROJECTS) or []:
            if entry == current:
                continue
            action = menu.addAction(literal(entry))
            action.triggered.connect(lambda _=False, p=entry: self.switch_project(Path(p)))
        menu.setEnabled(bool(menu.actions()))

    # -- other windows ----------------------------------------------------------------

    def watch_other_windows(self) -> None:
        """Poll SQLite's ``data_version``: it changes when another connection commits."""
        self._data_version = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.check_external_changes)
        self._poll.start()

    def note_own_writes(self) -> None:
        """What this window wrote through another connection (an import or merge in a
        worker) is its own: the next poll does not report it as another window's."""
        try:
            self._data_version = self.project.data_version()
        except Exception:  # the file went away: the next edit will say so clearly
            self._data_version = None

    def check_external_changes(self) -> bool:
        """Reload what another window or process changed; returns whether it did."""
        try:
            version = self.project.data_version()
        except Exception:  # the file went away: the next edit will say so clearly
            return False
        previous, self._data_version = self._data_version, version
        if previous is None or previous == version:
            return False
        self.project.forget_cached_schema()
        self.project.forget_cached_document()  # another window may have changed a language
        self.on_schema_changed()
        current_span = self.view.current_span
        scroll = self.view.verticalScrollBar().value()
        self.reload_documents()
        if self.document_id is not None and self.doc_model.row_of(self.document_id) is not None:
            self.open_document(self.document_id)
            self.view.verticalScrollBar().setValue(scroll)
            if current_span is not None and self.span_model.row_of(current_span) is not None:
                self.select_span(current_span)
        self.show_message("Updated with changes saved by another window.")
        return True
