"""A project's open connection: plain ``sqlite3`` for what the store runs, sqlite-utils'
``Database`` over the same connection for the rest, made when first asked for.

Opening a current project, reading it and the window's edits run statements through
:meth:`ProjectDatabase.execute` and the connection itself; none of that needs
sqlite-utils, whose import (with click, dateutil and pluggy behind it) would cost a
command or the window's first paint about 40 ms. Table creation, migrations and bulk
inserts use sqlite-utils' API (``db["spans"].insert_all(…)``, ``db.atomic()``): the
first such call builds a :class:`annotator.store.lean.Database` on the connection and
every later one goes to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from annotator.store.recovery import Hold, release

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE")


class ProjectDatabase:
    """A project's connection, with this open's share of the lock that tells other
    Annotator processes the file is open (see :mod:`annotator.store.recovery`), the
    notices of opening it (a log recovered) for the command or window to show, and the
    SQLite side files a read-only open made (removed on :meth:`close`)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        hold: Hold | None,
        notices: list[str] | None = None,
        created: tuple[Path, ...] = (),
    ):
        self.conn = conn
        self.hold = hold
        self.notices = notices if notices is not None else []
        self.created = created
        self._full: Any = None
        # as sqlite-utils sets every connection it is given: a trigger's own deletes
        # (REPLACE, cascades) fire triggers too
        conn.execute("PRAGMA recursive_triggers = on")

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """Run one statement, as sqlite-utils' ``Database.execute`` does: a write outside
        a transaction is committed at once (a failed one rolled back), and one inside a
        transaction becomes part of it.

        :raises sqlite3.Error: the statement failed.
        """
        if self._full is not None:
            return self._full.execute(sql, parameters)
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            cursor = conn.execute(sql) if parameters is None else conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if (
            not was_in_transaction
            and conn.in_transaction
            and cursor.description is None
            and not sql.lstrip().upper().startswith(_TRANSACTION_CONTROL)
        ):
            conn.execute("COMMIT")  # Python's sqlite3 opened a transaction for the write
        return cursor

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            release(self.hold, created=self.created)
            self.hold = None

    @property
    def full(self) -> Any:
        """sqlite-utils' ``Database`` on this connection (imported and made the first
        time; :attr:`conn` and :meth:`execute` are the same either way)."""
        if self._full is None:
            from annotator.store.lean import Database

            self._full = Database(self.conn)
        return self._full

    @property
    def full_made(self) -> bool:
        """Whether sqlite-utils' ``Database`` has been made on this connection."""
        return self._full is not None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_full":
            raise AttributeError(name)
        return getattr(self.full, name)

    def __getitem__(self, table: str) -> Any:
        return self.full[table]
