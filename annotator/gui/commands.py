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


MERGEABLE_OPS = ("set_span_attributes", "set_relation_attributes", "set_claim_record")
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
        """Consecutive edits of the same attribute of one span or link merge into one undo
        step (choosing a value in a list with the arrow keys saves at every step)."""
        return MERGE_ID if self._change.op in MERGEABLE_OPS else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        mine, theirs = self._change, getattr(other, "_change", None)
        if (
            theirs is None
            or theirs.op != mine.op
            or theirs.description != mine.description
            or theirs.summary.identity != mine.summary.identity
        ):
            return False
        self._change = Change(mine.op, mine.description, mine.rows + theirs.rows)
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
