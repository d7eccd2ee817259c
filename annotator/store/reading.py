"""Opening a project for a command that only reads, with ``sqlite3`` alone.

A reading command such as ``annotator search`` would spend most of its time importing
sqlite-utils (and numpy through it) and the core before running one query. When the file
is a current project in its ordinary state — no log left beside it by a crash, exactly
this version's migrations applied, no schema object this version does not create — it
is read here through a read-only ``sqlite3`` connection. Anything else gives ``None``,
and the command opens the file the usual way
(:func:`annotator.store.database.open_database`), which recovers what needs recovering,
upgrades an older project in memory, or says in one line what is wrong.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.model.errors import StoreError
from annotator.store.objects import foreign_objects, recorded_migrations
from annotator.store.recovery import hold, missing_side_files, release, unfinished_log


@contextmanager
def plain_reading(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection to the project at ``path`` for the block, or ``None`` when
    the file needs the full opening. Like every open it takes its share of the lock
    that tells other Annotator processes the file is open, and leaves the folder as it
    found it (SQLite's side files a read-only connection makes are removed after)."""
    path = Path(path).expanduser()
    if not path.is_file() or path.stat().st_size == 0:
        yield None
        return
    try:
        token = hold(path)
    except StoreError:
        yield None
        return
    created: tuple[Path, ...] = ()
    conn = None
    try:
        if token.alone and unfinished_log(path) is not None:
            yield None  # a crash left a log: the full opening keeps a copy first
            return
        created = missing_side_files(path)
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            current = _current(conn)
            conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error:
            current = False
        yield conn if current else None
    finally:
        if conn is not None:
            conn.close()
        release(token, created=created)


def _current(conn: sqlite3.Connection) -> bool:
    """Whether ``conn`` holds a project of exactly this version and nothing foreign."""
    applied = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'annotator' ORDER BY id"
        )
    ]
    return applied == recorded_migrations() and not foreign_objects(conn)
