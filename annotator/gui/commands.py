"""The undo stack's commands: each wraps one core ``Change`` that is already applied.

The core does the work and says what changed; the command only asks the core to revert
or reapply that change and hands the result to the window to refresh from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from annotator.model.errors import AnnotatorError
from annotator.model.records import Change

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow


MERGE_ID = 1


class ChangeCommand(QUndoCommand):
    def __init__(self, window: MainWindow, change: Change):
        super().__init__(change.description)
        self._window = window
        self._change = change
        self._applied = True  # pushing calls redo(); the change is already in the database

    def redo(self) -> None:
        if self._applied:
            return
        try:
            self._change = self._window.project.reapply(self._change)
        except AnnotatorError as exc:
            self.setObsolete(True)  # QUndoStack drops it: it can no longer be redone
            self._window.report_error(exc)
            return
        self._applied = True
        self._window.on_change(self._change)

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
            inverse = self._window.project.revert(self._change)
        except AnnotatorError as exc:
            self.setObsolete(True)
            self._window.report_error(exc)
            return
        self._applied = False
        self._window.on_change(inverse)
