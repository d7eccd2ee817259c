"""Opening project files: checks, pragmas, backups and migrations, and write transactions."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.files.output import followed
from annotator.files.safety import (
    is_sqlite_file,
    new_file_beside,
    refuse_database_url,
    refuse_project_file,
    refuse_special_project,
    refuse_unsafe_output,
    shown,
    write_error,
)
from annotator.model.errors import AnnotatorError, StoreError, ValidationError
from annotator.store.objects import foreign_objects, refusal
from annotator.store.project_database import ProjectDatabase
from annotator.store.reading import connect_current, is_current
from annotator.store.recovery import (
    Hold,
    hold,
    keep_as_found,
    missing_side_files,
    recovery_notice,
    release,
    unfinished_log,
)

if TYPE_CHECKING:
    from annotator.store.lean import Database

# sqlite-utils (through lean and migrations) is imported by the ways of opening that
# need it: a current project opens with sqlite3 alone (ProjectDatabase makes sqlite-utils'
# Database when something first asks for its API).

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
"""How long a write waits for another process's write before giving up with a message."""


def open_database(
    path: str | Path,
    *,
    create: bool = True,
    allow_readonly: bool = False,
    readonly: bool = False,
    foreign_objects_ok: bool = False,
) -> Database:
    """Open the project database at ``path``, creating or upgrading it as needed.

    Side effects: creates the file if it does not exist (unless ``create`` is false);
    switches it to WAL; before applying pending migrations to an existing project it
    writes a backup next to it named ``<name>.backup-<old version>.db``. A file that
    cannot be written is opened read-only when ``allow_readonly`` (for reading commands
    such as export and check); with ``readonly`` it is always opened for reading only,
    and neither it nor its folder changes (an older project is upgraded in memory). A
    file holding schema objects this version does not
    create (a planted trigger, a view, an unknown table or column) is refused before
    anything runs on it, unless ``foreign_objects_ok`` (``annotator check``).

    :raises StoreError: the path is a folder or its folder is missing, the file is not
        an SQLite database (or not an Annotator project), it was written by a newer
        Annotator, it holds foreign schema objects, or it cannot be written (and
        ``allow_readonly`` is false, or it would need an upgrade).
    """
    try:
        refuse_database_url(path)
    except AnnotatorError as exc:
        raise StoreError(str(exc)) from None
    if str(path) == ":memory:":
        from annotator.store.lean import Database

        db = Database(memory=True)
        _configure(db, str(path))
        _migrate(db, None, [])
        return db
    path = Path(path).expanduser()
    _check_path(path, create=create)
    if readonly:
        if not path.exists():
            raise StoreError(f"{shown(path)} does not exist")
        return _open_readonly(path, foreign_objects_ok=foreign_objects_ok)
    readonly = path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    if readonly and not allow_readonly:
        raise StoreError(
            f"{path} is read-only: Annotator needs to write to its project file and its "
            "folder (make them writable, or work on a copy)"
        )
    if readonly:
        return _open_readonly(path, foreign_objects_ok=foreign_objects_ok)
    existed = path.exists()
    token, notices = _hold_keeping_evidence(path) if existed else (None, [])
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        release(token)
        raise StoreError(f"cannot open {path}: {exc}") from None
    db = ProjectDatabase(conn, hold=token, notices=notices)
    try:
        if existed and is_current(conn):  # nothing to refuse or upgrade
            _configure(db, str(path))
            return db
        applied = _check_version(db, path)  # reads only: a refused file is left untouched
        if foreign_objects_ok and foreign_objects(db.conn):
            db.close()  # looked at as it is: nothing of ours runs on it
            return _open_readonly(path, foreign_objects_ok=True)
        if not foreign_objects_ok:
            _refuse_foreign_objects(db, path)
        _configure(db, str(path))
        _migrate(db, path, applied)
        if not existed:
            db.hold = hold(path)  # the new file: others now see it open
    except StoreError as exc:
        db.close()
        # Permissions can say "writable" where writing fails (an immutable folder or a
        # read-only mount, even for root): a reading command then reads it as it is.
        if path.exists() and "unable to open" in str(exc):
            if allow_readonly:
                return _open_readonly(path, foreign_objects_ok=foreign_objects_ok)
            raise StoreError(
                f"{path} cannot be written: its folder is read-only or on a read-only disk "
                "(make it writable, or work on a copy)"
            ) from None
        raise
    except BaseException:
        db.close()
        raise
    return db


def _hold_keeping_evidence(path: Path) -> tuple[Hold, list[str]]:
    """This open's share of the lock on ``path`` and, when no other Annotator has it
    open and a log is beside it, the notice that the project and its log were copied
    aside as found (SQLite applies the log next)."""
    token = hold(path)
    log = unfinished_log(path) if token.alone else None
    if log is None:
        return token, []
    try:
        copy = keep_as_found(path, log)
    except StoreError:
        release(token)
        raise
    return token, [recovery_notice(path, log, copy)]


def _open_readonly(path: Path, *, foreign_objects_ok: bool = False) -> Database:
    """``path`` opened for reading only: nothing in the file or beside it changes. In a
    folder where SQLite cannot create its shared-memory file next to a WAL project, the
    file is read as immutable: nobody can be writing to it there. A log beside a closed
    project is read as found, not applied (a command that writes keeps a copy first). A
    project of an older version is upgraded in memory, not on disk."""
    uri = path.resolve().as_uri()
    if path.stat().st_size == 0:
        raise StoreError(f"{shown(path)} is an empty file, not an Annotator project")
    token = hold(path)
    log = unfinished_log(path) if token.alone else None
    notices = (
        [
            f"{shown(path)}: read with {shown(log.name)} found beside it (left by a crash, or "
            "copied from elsewhere); the next command that writes keeps a copy of both first"
        ]
        if log
        else []
    )
    if log is not None and log.name.endswith("-journal"):
        # A read-only connection cannot roll a hot journal back: read a rolled-back copy.
        try:
            return _rolled_back_in_memory(path, log, token, notices, foreign_objects_ok)
        except BaseException:
            release(token)
            raise
    created = missing_side_files(path)
    if log is None and not foreign_objects_ok:
        conn = connect_current(path)  # a current project, as it is
        if conn is not None:
            return ProjectDatabase(conn, hold=token, created=created, notices=notices)
    from annotator.store.migrations import migrations

    for options in ("mode=ro", "mode=ro&immutable=1"):
        db = ProjectDatabase(
            sqlite3.connect(f"{uri}?{options}", uri=True),
            hold=token,
            notices=notices,
            created=created,
        )
        try:
            applied = _check_version(db, path)
            if not foreign_objects_ok:
                _refuse_foreign_objects(db, path)
            if migrations.pending(db):
                return _upgraded_in_memory(db, path, applied)
            _configure(db, str(path), readonly=True)
            return db
        except StoreError as exc:
            db.conn.close()
            if "unable to open" not in str(exc) or "immutable" in options:
                release(token, created=created)
                raise
        except BaseException:
            db.close()
            raise
    raise AssertionError("unreachable")


def _rolled_back_in_memory(
    path: Path, log: Path, token: Hold, notices: list[str], foreign_objects_ok: bool
) -> Database:
    """``path`` as SQLite recovers it from the hot rollback journal ``log``, in memory:
    the file and its journal are copied to a temporary folder, where SQLite rolls the
    copy back, and read from there (the project is left exactly as it was)."""
    with tempfile.TemporaryDirectory(prefix="annotator-read-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(log, f"{copy}-journal")
        source = sqlite3.connect(str(copy))
        memory = ProjectDatabase(sqlite3.connect(":memory:"), hold=token, notices=notices)
        try:
            source.backup(memory.conn)  # reading the copy rolls its journal back first
        except sqlite3.DatabaseError as exc:
            memory.conn.close()
            raise store_error(str(path), exc) from None
        finally:
            source.close()
    try:
        applied = _check_version(memory, path)
        if not foreign_objects_ok:
            _refuse_foreign_objects(memory, path)
        _configure(memory, ":memory:")
        _migrate(memory, None, applied)
    except BaseException:
        memory.conn.close()
        raise
    return memory


def _upgraded_in_memory(db: ProjectDatabase, path: Path, applied: list[str]) -> Database:
    """A copy in memory of the older project ``db``, upgraded to this version, for a
    command that only reads (the file itself stays as it is)."""
    copy = ProjectDatabase(
        sqlite3.connect(":memory:"), hold=db.hold, notices=db.notices, created=db.created
    )
    try:
        db.conn.backup(copy.conn)
        db.conn.close()
        _configure(copy, ":memory:")
        _migrate(copy, None, applied)
    except BaseException:
        copy.close()
        raise
    return copy


def is_readonly(db: Database) -> bool:
    return bool(db.execute("PRAGMA query_only").fetchone()[0])


def _check_path(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a project file")
    try:
        refuse_special_project(path)
    except AnnotatorError as exc:
        raise StoreError(str(exc)) from None
    if not path.exists():
        if not create:
            raise StoreError(f"{path} does not exist")
        if not path.parent.is_dir():
            raise StoreError(f"cannot create {path}: the folder {path.parent} does not exist")
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path} is not an Annotator project (it is not an SQLite database)")


def _configure(db: Database, where: str, *, readonly: bool = False) -> None:
    try:
        if readonly:
            db.execute("PRAGMA query_only = ON")
            return
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        db.execute("PRAGMA cache_size = -65536")  # 64 MiB: a 50,000-span document stays hot
        if where != ":memory:" and db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.enable_wal()
            # WAL + NORMAL: a commit survives an application crash; only an OS crash or
            # power loss can lose the last transactions, never corrupt the file.
            db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise store_error(where, exc) from None


def _check_version(db: Database, path: Path) -> list[str]:
    """The migrations the file has; refuses a newer or foreign file without writing."""
    from annotator.store.migrations import known_migration_names, migrations

    known = known_migration_names()
    try:
        applied = [m.name for m in migrations.applied(db)]
        tables = set(db.table_names())
    except sqlite3.DatabaseError as exc:
        raise store_error(str(path), exc) from None
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise StoreError(
            f"{path} was written by a newer version of Annotator (schema {applied[-1]}); "
            "upgrade Annotator to open it. The file was not modified."
        )
    if not applied and tables - {"sqlite_sequence"}:
        raise StoreError(f"{path} is an SQLite database but not an Annotator project")
    return applied


def _refuse_foreign_objects(db: Database, path: Path) -> None:
    """Refuse a project holding schema objects this version does not create (see
    :mod:`annotator.store.objects`), before any statement of ours could fire them."""
    try:
        found = foreign_objects(db.conn)
    except sqlite3.DatabaseError as exc:
        raise store_error(str(path), exc) from None
    if found:
        raise StoreError(refusal(shown(path), found))


def _migrate(
    db: Database, path: Path | None, applied: list[str], *, readonly: bool = False
) -> None:
    from annotator.store.migrations import migrations

    pending = migrations.pending(db)
    if not pending:
        return
    if readonly:
        raise StoreError(f"{path} needs upgrading to this version, and it is read-only")
    if applied and path is not None:
        backup = path.with_name(f"{path.stem}.backup-{applied[-1]}{path.suffix}")
        backup_database(db, backup, force=True)  # the same version's copy, if any
    try:
        # Under the write lock, and asked again: another process opening the same new
        # file may be migrating it right now (its migrations are then not run twice).
        with write_transaction(db):
            if migrations.pending(db):
                migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise store_error(str(path), exc) from None


def backup_database(db: Database, target: str | Path, *, force: bool = False) -> Path:
    """Write a consistent copy of ``db`` to ``target`` with SQLite's online backup API.

    Safe while other connections (the open window) keep writing: the copy is one
    snapshot. It is written beside ``target`` and renamed onto it when complete, so an
    existing ``target`` is replaced only by a whole copy, and keeps its permissions. An
    existing ``target`` must be an earlier backup of the same project, unless ``force``;
    a link is written to the file it points to. The database's own file, SQLite's files
    beside it, a folder, a device or a FIFO are always refused.

    :raises StoreError: the target is refused or cannot be written (a full disk too).
    """
    target = Path(target)
    source = _file_of(db)
    try:
        if source is not None:
            refuse_project_file(target, source)
        target = followed(target)
        refuse_unsafe_output(target, replace_databases=True)
    except AnnotatorError as exc:
        raise StoreError(str(exc)) from None
    if not target.parent.is_dir():
        raise StoreError(f"cannot write {target}: the folder {target.parent} does not exist")
    existed = target.exists()
    if existed and not force:
        _refuse_foreign_target(db, target)
    try:
        fd, temp = new_file_beside(target)
        os.close(fd)
    except OSError as exc:
        raise StoreError(str(write_error(target, exc, existed=existed))) from None
    try:
        dest = sqlite3.connect(str(temp))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
        os.replace(temp, target)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        kept = "the old file is unchanged" if existed else "nothing was written"
        raise StoreError(f"cannot write the backup {target}: {exc}; {kept}") from None
    return target


def _refuse_foreign_target(db: Database, target: Path) -> None:
    """Refuse replacing ``target`` unless it is an earlier backup of ``db``'s project
    (an Annotator project with the same project id)."""
    ours = project_uuid(db.conn)
    theirs = None
    if is_sqlite_file(target):
        try:
            # immutable: no -wal or -shm is created beside a file that is only looked at
            conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error:
            conn = None
        if conn is not None:
            try:
                theirs = project_uuid(conn)
            finally:
                conn.close()
    if ours is None or theirs != ours:
        what = "an Annotator project" if theirs else "a file"
        raise StoreError(
            f"{shown(target)} exists and is {what} but not a backup of this project; "
            "choose another name, or add --force to replace it"
        )


def project_uuid(conn: sqlite3.Connection) -> str | None:
    """The project id stored in a project file (``None``: none, or not a project)."""
    try:
        row = conn.execute("SELECT value FROM project WHERE key = 'uuid'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row and isinstance(row[0], str) else None


def _file_of(db: Database) -> Path | None:
    """The file of the main database of ``db`` (``None`` in memory)."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file)
    return None


def store_error(where: str, exc: sqlite3.Error) -> StoreError:
    message = str(exc)
    if "query_only" in message or "readonly" in message or "read-only" in message:
        return StoreError(f"{where} is read-only: Annotator needs to write to its project file")
    if "not a database" in message or "malformed" in message:
        return StoreError(f"{where} is corrupt or not an SQLite database ({message})")
    if "locked" in message or "busy" in message:
        return StoreError(f"{where} is locked by another program; try again in a moment")
    if "full" in message:
        return StoreError(f"cannot write {where}: the disk is full; nothing was saved")
    if "disk I/O" in message or "unable to open" in message:
        return StoreError(
            f"cannot write {where}: the file or its folder is gone or unreachable ({message})"
        )
    return StoreError(f"{where}: {message}")


_on_wait: ContextVar[Callable[[str], None] | None] = ContextVar("on_wait", default=None)
_FIRST_TRY_MS = 200
"""How long a patient write tries before it says it is waiting."""


@contextlib.contextmanager
def waiting_for_writers(on_wait: Callable[[str], None]) -> Iterator[None]:
    """Inside, writes wait as long as another process writes (import, merge and suggest
    in the command line), calling ``on_wait(the project's path)`` when a write has to
    wait; outside, a write gives up after ``BUSY_TIMEOUT_S`` (edits in the window)."""
    token = _on_wait.set(on_wait)
    try:
        yield
    finally:
        _on_wait.reset(token)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _begin_immediate(db: Database) -> None:
    on_wait = _on_wait.get()
    if on_wait is None:
        db.conn.execute("BEGIN IMMEDIATE")  # waits up to BUSY_TIMEOUT_S
        return
    db.conn.execute(f"PRAGMA busy_timeout = {_FIRST_TRY_MS}")
    try:
        while True:
            try:
                db.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                on_wait(str(_file_of(db) or "the project"))
                db.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


@contextlib.contextmanager
def checked_write(db: Database, where: str) -> Iterator[Database]:
    """:func:`write_transaction`, its database errors said in the user's terms.

    :raises ValidationError: the data breaks a constraint (a duplicate, a missing
        parent row); nothing is written.
    :raises StoreError: ``where`` (the project, as the message names it) is locked,
        read-only, full or gone; nothing is written.
    """
    try:
        with write_transaction(db):
            yield db
    except sqlite3.IntegrityError as exc:
        raise ValidationError(str(exc)) from None
    except sqlite3.OperationalError as exc:
        raise store_error(where, exc) from None


def engine_versions() -> dict[str, str]:
    """The versions of what stores projects (for an About box): SQLite and sqlite-utils."""
    from importlib.metadata import version  # 8 ms: when asked for only

    return {"SQLite": sqlite3.sqlite_version, "sqlite-utils": version("sqlite-utils")}


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One atomic write: everything inside commits together or not at all.

    Unlike ``db.atomic()`` (a deferred ``BEGIN``), this takes the write lock up front
    with ``BEGIN IMMEDIATE``: when another process is writing, SQLite's busy timeout
    then waits for it instead of failing with "database is locked" after a read.
    Inside, ``db.atomic()`` nests as savepoints.

    Inside :func:`waiting_for_writers` (bulk commands), the write waits as long as
    another process holds the lock instead of failing after ``BUSY_TIMEOUT_S``.

    :raises StoreError: the file is locked for longer than the busy timeout, read-only,
        or the disk is full; the transaction is rolled back.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        _begin_immediate(db)
    except sqlite3.OperationalError as exc:
        raise store_error("the project file", exc) from None
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    try:
        db.conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise store_error("the project file", exc) from None
