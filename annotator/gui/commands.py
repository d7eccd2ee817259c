"""The window's undo runner (:class:`Editor`) and the commands on its undo stack.

The core does the work and says what changed; a command wraps one ``Change`` that is
already applied and only asks the core to revert or reapply it. The editor tells every
part of the window what changed (``changed``), after an edit, an undo or a redo.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.gui.state import WindowState
from annotator.model.errors import AnnotatorError
from annotator.model.records import Change

MERGE_ID = 1


class Editor(QObject):
    """Runs core operations for the window: each change goes on the undo stack and
    ``changed`` tells the window's parts; a user error goes to ``failed``."""

    changed = Signal(object)
    """A change was made, undone or redone (the ``Change`` applied)."""
    failed = Signal(str)
    """An edit was refused or could not be undone (one line for the status bar)."""

    def __init__(self, state: WindowState, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.undo_stack = QUndoStack(self)

    def run(
        self, operation: Callable[[], Change], *, on_error: Callable[[str], object] | None = None
    ) -> Change | None:
        """Run a core operation, put its change on the undo stack and announce it.

        A user error (a duplicate span, a refused link) goes to ``failed``, or to
        ``on_error`` (a dialog's message line); returns ``None`` then.
        """
        try:
            change = operation()
        except AnnotatorError as exc:
            if on_error is not None:
                on_error(str(exc))
            else:
                self.failed.emit(str(exc))
            return None
        if change.is_empty:
            return change
        self.undo_stack.push(ChangeCommand(self, change))
        self.changed.emit(change)
        return change


class ChangeCommand(QUndoCommand):
    def __init__(self, editor: Editor, change: Change):
        super().__init__(change.description)
        self._editor = editor
        self._change = change
        self._applied = True  # pushing calls redo(); the change is already in the database

    def redo(self) -> None:
        if self._applied:
            return
        try:
            self._change = self._editor.state.project.reapply(self._change)
        except AnnotatorError as exc:
            self.setObsolete(True)  # QUndoStack drops it: it can no longer be redone
            self._editor.failed.emit(str(exc))
            return
        self._applied = True
        self._editor.changed.emit(self._change)

    def id(self) -> int:
        """Changes the core calls mergeable may join the previous undo step."""
        return MERGE_ID if self._change.summary.mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        theirs = getattr(other, "_change", None)
        if theirs is None or not theirs.joins(self._change):
            return False
        self._change = self._change.then(theirs)
        return True

    def undo(self) -> None:
        try:
            inverse = self._editor.state.project.revert(self._change)
        except AnnotatorError as exc:
            self.setObsolete(True)
            self._editor.failed.emit(str(exc))
            return
        self._applied = False
        self._editor.changed.emit(inverse)
