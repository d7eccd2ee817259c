"""Putting a backup in place of a project: the safe version of copying files by hand.

Copying a backup over a project whose ``-wal`` is still beside it makes SQLite replay
that old log onto the backup (deleting work again). ``restore`` keeps the current
project and its log as found, removes the log, and renames a complete copy of the
backup onto the project, while holding the project's lock so that no Annotator opens it
meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from annotator.files.safety import new_file_beside, shown
from annotator.model.errors import StoreError
from annotator.store.recovery import held_exclusively, keep_as_found, unfinished_log

SIDE = ("-wal", "-shm", "-journal")


def restore_backup(backup: Path, project: Path) -> Path | None:
    """Replace ``project`` by a copy of ``backup``; returns where the project as it was
    is kept (``<name>.before-restore-<time>.db``, with its log if it had one), or
    ``None`` when there was no project yet.

    The backup is read through SQLite (a log beside it is included) and checked to be
    an Annotator project; the copy is written beside the project and renamed onto it
    once complete, after the project's ``-wal``/``-shm`` are removed.

    :raises StoreError: the backup is not an Annotator project or cannot be read, it is
        the project itself, the project is open in another window or command, or
        writing failed (the project is then as it was).
    """
    from annotator.store.database import open_database

    if backup.resolve() == project.resolve():
        raise StoreError(f"{shown(backup)} is the project itself; name a backup of it")
    source = open_database(backup, create=False, readonly=True)
    try:
        if not project.exists():
            _copy_into(source.conn, project)
            return None
        with held_exclusively(project):
            kept = _keep_current(project)
            fd, temp = new_file_beside(project)
            os.close(fd)
            try:
                _write_copy(source.conn, Path(temp))
                for suffix in SIDE:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{project}{suffix}")
                os.replace(temp, project)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            return kept
    finally:
        source.close()


def _keep_current(project: Path) -> Path:
    """The project and the log beside it (if any), copied as found."""
    return keep_as_found(project, unfinished_log(project), tag="before-restore")


def _copy_into(conn: sqlite3.Connection, project: Path) -> None:
    if not project.parent.is_dir():
        raise StoreError(f"cannot write {shown(project)}: its folder does not exist")
    fd, temp = new_file_beside(project)
    os.close(fd)
    try:
        _write_copy(conn, Path(temp))
        os.replace(temp, project)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _write_copy(conn: sqlite3.Connection, temp: Path) -> None:
    try:
        dest = sqlite3.connect(str(temp))
        try:
            conn.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot write {shown(temp.name)}: {exc}; nothing was changed") from None
