"""The desktop controller: projects as files — New, Open, Open Recent — and noticing what
another window or process saved to the open project."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from annotator.core.project import Project
from annotator.gui.commands import Editor
from annotator.gui.controller import Controller
from annotator.gui.inspector import Inspector
from annotator.gui.messages import literal, warn
from annotator.gui.settings import RECENT_PROJECTS
from annotator.gui.state import WindowState
from annotator.model.errors import AnnotatorError

MAX_RECENT = 8
POLL_MS = 1500
PROJECT_FILTER = "Annotator projects (*.db *.sqlite *.annotator);;All files (*)"


class DesktopController(Controller):
    """Opens and switches project files, keeps the recent list (QSettings) and polls
    SQLite's ``data_version`` for commits by other connections."""

    projectSwitched = Signal()
    """Another project file is open: everything shown must be read again."""
    changedElsewhere = Signal()
    """Another window or process saved to this project: what is shown is read again."""

    def __init__(
        self,
        state: WindowState,
        editor: Editor,
        *,
        inspector: Inspector,
        window: QWidget,
        parent: QObject | None = None,
    ):
        super().__init__(state, editor, parent)
        self.inspector, self.window = inspector, window
        self.recent_menu: QMenu | None = None
        self._data_version: int | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.check_external_changes)

    # -- projects -----------------------------------------------------------------------

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "New project", "project.db", PROJECT_FILTER
        )
        if path:
            if Path(path).exists():
                warn(self.window, "New project", f"{path} exists already: use File → Open for it.")
                return
            self.switch_project(Path(path))

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", "", PROJECT_FILTER)
        if path:
            self.switch_project(Path(path))

    def switch_project(self, path: Path) -> bool:
        """Work on the project at ``path`` (created if new); the current one stays open
        if that fails."""
        self.inspector.commit_notes()
        try:
            project = Project.open(path, annotator=self.state.project.annotator)
        except AnnotatorError as exc:
            warn(self.window, "Open project", str(exc))
            return False
        old, self.state.project = self.state.project, project
        old.close()
        self.editor.undo_stack.clear()
        self.state.document_id = None
        self._data_version = None
        self.projectSwitched.emit()
        self.remember_project(path)
        return True

    def remember_project(self, path: Path) -> None:
        settings = QSettings()
        recent = [p for p in (settings.value(RECENT_PROJECTS) or []) if p != str(path)]
        settings.setValue(RECENT_PROJECTS, [str(path), *recent][:MAX_RECENT])
        self.fill_recent_menu()

    def fill_recent_menu(self, menu: QMenu | None = None) -> None:
        """List the recent projects (but the open one) in File → Open Recent."""
        self.recent_menu = menu or self.recent_menu
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        path = self.state.project.path
        current = str(path) if path else None
        for entry in QSettings().value(RECENT_PROJECTS) or []:
            if entry == current:
                continue
            action = self.recent_menu.addAction(literal(entry))
            action.triggered.connect(lambda _=False, p=entry: self.switch_project(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    # -- other windows ----------------------------------------------------------------

    def watch_other_windows(self) -> None:
        """Poll SQLite's ``data_version``: it changes when another connection commits."""
        self._data_version = None
        self._poll.start()
        self.check_external_changes()  # the baseline

    def stop(self) -> None:
        self._poll.stop()

    def note_own_writes(self) -> None:
        """What this window wrote through another connection (an import or merge in a
        worker) is its own: the next poll does not report it as another window's."""
        try:
            self._data_version = self.state.project.data_version()
        except Exception:  # the file went away: the next edit will say so clearly
            self._data_version = None

    def check_external_changes(self) -> bool:
        """Reload what another window or process changed; returns whether it did."""
        project = self.state.project
        try:
            version = project.data_version()
        except Exception:  # the file went away: the next edit will say so clearly
            return False
        previous, self._data_version = self._data_version, version
        if previous is None or previous == version:
            return False
        project.forget_cached_schema()
        project.forget_cached_document()  # another window may have changed a language
        self.changedElsewhere.emit()
        self.message.emit("Updated with changes saved by another window.")
        return True
