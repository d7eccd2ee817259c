"""A project's ``Database``: sqlite-utils' with the file's lock and the notices of opening it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.store.lean import Database
from annotator.store.recovery import Hold, release


class ProjectDatabase(Database):
    """A project's ``Database``: holds this open's share of the lock that tells other
    Annotator processes the file is open (see :mod:`annotator.store.recovery`), and the
    notices of opening it (a log recovered), for the command or window to show."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        hold: Hold | None,
        notices: list[str],
        created: tuple[Path, ...] = (),
    ):
        super().__init__(conn)
        self.hold = hold
        self.notices = notices
        self.created = created
        """SQLite's side files this (read-only) open made, removed on closing."""

    def close(self) -> None:
        try:
            super().close()
        finally:
            release(self.hold, created=self.created)
            self.hold = None
