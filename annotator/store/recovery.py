"""Knowing whether a project is open elsewhere, and keeping the evidence before SQLite
recovers a log found beside a closed project.

SQLite applies a ``-wal`` (or a hot ``-journal``) it finds beside a database the next
time anyone opens it, whatever the log came from: a crash (the usual case, and the
right thing), but also a teammate's copied ``-wal``, or the old log left beside a
backup copied over the project, whose replay silently deletes work. Which it is cannot
be told from the files, so before SQLite applies a log that no running Annotator is
writing, the project and its log are copied aside as found
(``<name>.before-recovery-<time>.db`` and its ``-wal``) and the user is told.

"No running Annotator" is known from an advisory lock: every open of a project file
holds a shared ``flock`` on it while it is open; an open that can take the lock
exclusively is alone. (``flock`` locks are separate from the POSIX locks SQLite uses on
Linux and macOS. One descriptor per file per process is kept, and closed only when the
last open of that file in this process closes: closing a descriptor would drop the
process's POSIX locks on the file.)
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; every open is taken as alone (copies only)
    fcntl = None  # type: ignore[assignment]

from annotator.files.safety import shown
from annotator.model.errors import StoreError

LOGS = ("-wal", "-journal")
"""SQLite's logs that it applies to the database when it opens it."""
COPY_TAG = "before-recovery"


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[tuple[int, int], _Held] = {}
_guard = threading.Lock()


@dataclass(frozen=True)
class Hold:
    """One open's share of the lock on a project file (see :func:`hold`)."""

    key: tuple[int, int]
    alone: bool
    """No other process (and no other open in this one) had the file open."""


def hold(path: Path, *, exclusive: bool = False) -> Hold:
    """Take this open's share of the lock on ``path`` (an existing file).

    With ``exclusive`` the lock stays exclusive until :func:`release` (``restore``);
    it is refused at once when another process has the file open.

    :raises StoreError: ``exclusive`` and another process (or open) has the file.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise StoreError(f"cannot open {shown(path)}: {exc.strerror}") from None
    key = (stat.st_dev, stat.st_ino)
    with _guard:
        held = _held.get(key)
        if held is not None:
            if exclusive:
                raise StoreError(_open_elsewhere(path))
            held.count += 1
            return Hold(key, alone=False)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        alone = _try_exclusive(fd)
        if exclusive and not alone:
            os.close(fd)
            raise StoreError(_open_elsewhere(path))
        if not exclusive and fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while another open checks
        _held[key] = _Held(fd, 1)
        return Hold(key, alone=alone)


def _try_exclusive(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _open_elsewhere(path: Path) -> str:
    return f"{shown(path)} is open in another Annotator window or command; close it there first"


def release(token: Hold | None, *, created: tuple[Path, ...] = ()) -> None:
    """Give back one open's share; the lock goes when the last open of the file closes.

    ``created``: SQLite's side files a read-only open made (a read-only connection
    creates an empty ``-wal`` and a ``-shm`` it cannot remove); they are removed when
    this was the last open anywhere and the ``-wal`` is still empty, so that reading
    leaves the folder as it was.
    """
    if token is None:
        return
    with _guard:
        held = _held.get(token.key)
        if held is None:
            return
        held.count -= 1
        if held.count:
            return
        del _held[token.key]
        try:
            if created and _try_exclusive(held.fd) and _all_empty_logs(created):
                for side in created:
                    with contextlib.suppress(OSError):
                        side.unlink()
        finally:
            os.close(held.fd)


def _all_empty_logs(paths: tuple[Path, ...]) -> bool:
    for side in paths:
        with contextlib.suppress(OSError):
            if side.name.endswith("-wal") and side.stat().st_size > 0:
                return False
    return True


def missing_side_files(path: Path) -> tuple[Path, ...]:
    """SQLite's ``-wal`` and ``-shm`` beside ``path`` that are not there yet: a read-only
    connection creates them and cannot remove them; :func:`release` does, with this."""
    return tuple(p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if not p.exists())


def unfinished_log(path: Path) -> Path | None:
    """The log beside ``path`` that SQLite would apply on opening it, if any (a
    ``-wal`` or ``-journal`` that is not empty)."""
    for suffix in LOGS:
        log = Path(f"{path}{suffix}")
        with contextlib.suppress(OSError):
            if log.is_file() and log.stat().st_size > 0:
                return log
    return None


def keep_as_found(path: Path, log: Path | None, *, tag: str = COPY_TAG) -> Path:
    """Copy ``path`` and ``log`` (if any) byte for byte to ``<name>.<tag>-<time>.db``
    and its log beside it, before SQLite applies the log; returns the copy of the
    project.

    :raises StoreError: the copies cannot be written (nothing is then opened).
    """
    import shutil  # 3 ms (it loads the compression modules): after a crash only

    stamp = time.strftime("%Y%m%d-%H%M%S")
    copy = path.with_name(f"{path.stem}.{tag}-{stamp}{path.suffix}")
    n = 1
    while copy.exists():
        n += 1
        copy = path.with_name(f"{path.stem}.{tag}-{stamp}-{n}{path.suffix}")
    try:
        shutil.copyfile(path, copy)
        if log is not None:
            shutil.copyfile(log, f"{copy}{log.name[len(path.name) :]}")
    except OSError as exc:
        with contextlib.suppress(OSError):
            copy.unlink()
        raise StoreError(
            f"cannot keep a copy of {shown(path)} as found before changing it "
            f"({exc.strerror}); nothing was changed"
        ) from None
    return copy


def recovery_notice(path: Path, log: Path, copy: Path) -> str:
    return (
        f"{shown(path)}: applied {shown(log.name)} found beside it (left by a crash, or "
        f"copied from elsewhere); the project and that log as found are kept in "
        f"{shown(copy.name)}"
    )


def copies_kept(path: Path) -> list[Path]:
    """Copies kept beside ``path`` by recoveries, restores and repairs, oldest first."""
    found: list[Path] = []
    for tag in (COPY_TAG, "before-restore", "before-repair"):
        found += path.parent.glob(f"{_glob_escape(path.stem)}.{tag}-*{path.suffix}")
    return sorted(found, key=lambda p: p.name.split(".")[-2].split("-", 2)[-1])


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


@contextlib.contextmanager
def held_exclusively(path: Path) -> Iterator[None]:
    """``path`` locked against every other Annotator open while the block runs."""
    token = hold(path, exclusive=True)
    try:
        yield
    finally:
        release(token)
