"""One write in progress: what :meth:`ProjectBase.transact` hands an operation.

An operation applies its row changes through :meth:`Transaction.apply` (in steps when a
later step needs the ids an earlier one got) and reads the result as
:attr:`Transaction.change` once the ``with`` block is over. Bulk writers (import, merge)
insert rows in batches themselves and say what they did with
:meth:`Transaction.record_bulk`. Everything else a write needs (the annotators' names,
the history event, the listeners) is the runner's business, not the operation's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from annotator.model.changes import ChangeSummary
from annotator.model.records import Change, RowChange
from annotator.store import apply_row_changes

if TYPE_CHECKING:
    from annotator.core.base import ProjectBase
    from annotator.store.lean import Database


class Transaction:
    """The rows one operation has applied so far, in order, and what it is called.

    ``description`` may be set (or passed to :meth:`apply`) once the operation knows
    what it did; it is what the history and the Undo menu show.
    """

    def __init__(
        self,
        project: ProjectBase,
        op: str,
        description: str,
        *,
        before_first_rows: Callable[[], None] | None = None,
    ):
        self.project = project
        self.op = op
        self.description = description
        self.rows: list[RowChange] = []
        self.report: dict[str, Any] | None = None
        self.at: str | None = None
        self._bulk_summary: ChangeSummary | None = None
        self._before_first_rows = before_first_rows

    @property
    def db(self) -> Database:
        return self.project.db

    def apply(
        self, rows: Iterable[RowChange], description: str | None = None
    ) -> tuple[RowChange, ...]:
        """Write ``rows`` now, in order; returns them with the keys SQLite assigned.

        :raises ConflictError: a row is not what its ``before`` side says (another window
            changed it); the whole transaction rolls back.
        """
        if description is not None:
            self.description = description
        rows = list(rows)
        if rows and self._before_first_rows is not None:
            self._before_first_rows()  # rows name their layer, history its annotator
            self._before_first_rows = None
        applied = apply_row_changes(self.db, rows)
        self.rows.extend(applied)
        return applied

    def record_bulk(
        self, report: dict[str, Any], summary: ChangeSummary, *, at: str | None = None
    ) -> None:
        """What a bulk write did: its ``report`` becomes the history event (instead of
        rows) and ``summary`` what the change says it changed."""
        self.report, self._bulk_summary, self.at = report, summary, at

    @property
    def wrote(self) -> bool:
        """Whether there is anything to record: rows applied or a bulk report."""
        return bool(self.rows) or self.report is not None

    @property
    def change(self) -> Change:
        """What the operation changed (rows for undo; a bulk write's summary)."""
        return Change(self.op, self.description, tuple(self.rows), self._bulk_summary)
