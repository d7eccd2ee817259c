"""Files the user names: outputs that never destroy anything, inputs that are plain files,
and paths that print safely whatever bytes their names hold.

Every export, the backup and pattern files write through :func:`new_file_beside` and
:func:`refuse_unsafe_output`; every import checks its files with
:func:`refuse_unsafe_input`. No Qt, no database: the store uses this module too.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from annotator.model.errors import AnnotatorError, InputFileError, printable

SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside a database: replacing one corrupts or loses the database."""


def shown(path: str | os.PathLike[str] | bytes) -> str:
    """``path`` as text that can always be printed (:func:`~annotator.model.errors.printable`)."""
    return printable(path)


def _kind(mode: int) -> str | None:
    """What a non-regular, non-folder file is, for a message (``None``: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def refuse_database_url(path: str | os.PathLike[str]) -> None:
    """Refuse a project named by a URL (``postgresql://…``): it is not a file path, and
    taken as one it would create a folder named after the scheme.

    :raises AnnotatorError: one line saying database servers are not supported.
    """
    text = os.fspath(path)
    if isinstance(text, str) and _URL.match(text):
        scheme = text.split(":", 1)[0]
        raise AnnotatorError(
            f"{shown(_without_password(text))}: a database server ({scheme}://) is not "
            "supported; give the path of a project file"
        )


def _without_password(url: str) -> str:
    """``url`` with the password of its ``user:password@`` part, if any, replaced."""
    return re.sub(r"^([^:/]+://[^:/@]*):[^@/]*@", r"\1:***@", url)


def refuse_special_project(path: Path) -> None:
    """Refuse a project path that exists but is a FIFO, device or socket: SQLite would
    block on it or write into it.

    :raises AnnotatorError: one line saying what it is.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    kind = _kind(mode)
    if kind is not None and kind != "a folder":
        raise AnnotatorError(f"{shown(path)} is {kind}, not a project file")


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` is a regular file starting with the SQLite header."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def refuse_project_file(path: str | Path, project_file: Path) -> None:
    """Refuse ``path`` if it is ``project_file`` or one of SQLite's files beside it
    (``-wal``, ``-shm``, ``-journal``), after resolving links.

    :raises AnnotatorError: one line saying so.
    """
    target, kept = Path(path).resolve(), project_file.resolve()
    if target == kept or any(target == Path(f"{kept}{side}") for side in SIDE_FILES):
        raise AnnotatorError(
            f"{shown(path)}: an output cannot replace the project file (or SQLite's files "
            "beside it); choose another name"
        )


def refuse_unsafe_output(
    path: str | Path, *, folder: bool = False, replace_databases: bool = False
) -> None:
    """Refuse an output ``path`` whose writing would destroy something.

    Refused: an SQLite database or a file SQLite keeps beside one (an export never
    replaces a project; ``replace_databases`` lets a backup replace an older backup); a
    device, FIFO or socket; a folder when a file is wanted (``folder`` false) and a file
    when a folder is wanted. Links are followed to see what they point to.

    :raises AnnotatorError: one line naming the path and why.
    """
    path = Path(path)
    target = path.resolve()
    for side in SIDE_FILES:
        base = target.name[: -len(side)]
        if target.name.endswith(side) and base and is_sqlite_file(target.with_name(base)):
            raise AnnotatorError(
                f"{shown(path)} belongs to the SQLite database beside it; choose another output"
            )
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise AnnotatorError(f"cannot write {shown(path)}: {exc.strerror}") from None
    kind = _kind(mode)
    if folder:
        if kind != "a folder":
            raise AnnotatorError(
                f"{shown(path)} is {kind or 'a file'}, not a folder; this export writes a folder"
            )
        return
    if kind == "a folder":
        raise AnnotatorError(f"{shown(path)} is a folder; give the name of a file to write")
    if kind is not None:
        raise AnnotatorError(f"{shown(path)} is {kind}, not a file; choose a file to write")
    if not replace_databases and is_sqlite_file(path):
        raise AnnotatorError(
            f"{shown(path)} is an SQLite database (an Annotator project?); an export never "
            "replaces one: choose another output"
        )


def new_file_beside(path: Path) -> tuple[int, Path]:
    """A new, empty temporary file in ``path``'s folder, to be renamed onto ``path``.

    The file gets the mode ``path`` has if it exists (so an export keeps the output's
    permissions), else the mode a plain ``open`` would give (``0o666`` less the umask).
    It is created exclusively and never through a link. Returns ``(fd, temp path)``.

    :raises OSError: the folder cannot be written.
    """
    try:
        existing = stat.S_IMODE(path.stat().st_mode) if path.is_file() else None
    except OSError:
        existing = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    while True:
        temp = path.with_name(f".{path.name[:100]}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(temp, flags, 0o666)
        except FileExistsError:
            continue
        break
    if existing is not None:
        try:
            os.chmod(temp, existing)
        except OSError:
            os.close(fd)
            os.unlink(temp)
            raise
    return fd, temp


def write_error(path: Path, exc: OSError, *, existed: bool) -> AnnotatorError:
    """A failed write (full disk, folder gone, no permission) as one line."""
    reason = exc.strerror or str(exc)
    kept = "the old file is unchanged" if existed else "nothing was written"
    return AnnotatorError(f"cannot write {shown(path)}: {reason}; {kept}")


def refuse_unsafe_input(path: Path) -> None:
    """Refuse an import input that is not a readable regular file with a UTF-8 name.

    A FIFO, device or socket would be read forever (``/dev/zero``) or block; a name
    that is not UTF-8 cannot be stored as a title.

    :raises InputFileError: one line naming the file.
    """
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise InputFileError(
            shown(path), "the file name is not valid UTF-8; rename the file and import again"
        ) from None
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputFileError(shown(path), "does not exist") from None
    except OSError as exc:
        raise InputFileError(shown(path), f"cannot be read ({exc.strerror})") from None
    kind = _kind(mode)
    if kind is not None and kind != "a folder":
        raise InputFileError(shown(path), f"is {kind}, not a file; give a file or a folder")
