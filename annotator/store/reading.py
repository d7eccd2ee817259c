"""Opening a project for a command that only reads, with ``sqlite3`` alone.

A reading command such as ``annotator search`` would spend most of its time importing
sqlite-utils (and numpy through it) and the core before running one query. When the file
is a current project in its ordinary state — no log left beside it by a crash, exactly
this version's migrations applied, no schema object this version does not create — it
is read here through a read-only ``sqlite3`` connection. Anything else gives ``None``,
and the command opens the file the usual way
(:func:`annotator.store.database.open_database`), which recovers what needs recovering,
upgrades an older project in memory, or says in one line what is wrong.

The usual opening for reading takes the same way for such a file (a
:class:`~annotator.store.project_database.ProjectDatabase` on this connection), so that an
export does not import sqlite-utils either.
"""

from __future__ import annotations

import contextlib
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
        conn = connect_current(path)
        yield conn
    finally:
        if conn is not None:
            conn.close()
        release(token, created=created)


def connect_current(path: Path) -> sqlite3.Connection | None:
    """A read-only connection (``query_only``) to the project at ``path`` if it is current
    (exactly this version's migrations, nothing foreign), else ``None``. The caller holds
    the file's lock and has made sure no log is beside it."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    if is_current(conn):
        with contextlib.suppress(sqlite3.Error):
            conn.execute("PRAGMA query_only = ON")
            return conn
    conn.close()
    return None


def is_current(conn: sqlite3.Connection) -> bool:
    """Whether ``conn`` holds a project of exactly this version and nothing foreign: one
    that opens with nothing to check, upgrade or refuse. ``False`` for anything else (a
    new empty file, another database, a file SQLite cannot read)."""
    try:
        applied = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'annotator' ORDER BY id"
            )
        ]
        return applied == recorded_migrations() and not foreign_objects(conn)
    except sqlite3.Error:
        return False  # not a project, or its folder keeps SQLite from reading it
