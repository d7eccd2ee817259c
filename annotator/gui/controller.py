"""What every part of the window shares: the window state, the editor, a message line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from annotator.core.project import Project
from annotator.gui.commands import Editor
from annotator.gui.state import WindowState
from annotator.model.records import Change


class Controller(QObject):
    """A part of the window: it receives the window state, the editor and its widgets,
    keeps its own state and refreshes itself; ``message`` goes to the status bar."""

    message = Signal(str)
    """Something to tell the annotator (the status bar)."""

    def __init__(self, state: WindowState, editor: Editor, parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.editor = state, editor

    @property
    def project(self) -> Project:
        return self.state.project

    def run(self, operation: Callable[[], Change]) -> Change | None:
        """Run a core operation through the editor (undo stack, refresh)."""
        return self.editor.run(operation)
