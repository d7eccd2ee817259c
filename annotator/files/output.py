"""Outputs that appear whole or not at all: one file (``atomic_output``) or a folder of
files (``atomic_folder``), written beside their final names and renamed at the end, with
file names made from titles, labels and annotators that never leave the folder."""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from annotator.files.safety import new_file_beside, refuse_unsafe_output, shown, write_error
from annotator.model.errors import AnnotatorError


def _open_temp(fd: int, mode: str) -> IO[Any]:
    """The handle an export writes through (tests replace it to simulate a full disk)."""
    return os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""}))


STDOUT = "-"
"""The output name that means standard output (one-file formats only)."""


def is_stdout(path: str | Path) -> bool:
    """``-``, or a name for this process's standard output (``/dev/stdout``, a link to
    where it goes): written as a stream, never replaced by a file."""
    if str(path) == STDOUT:
        return True
    try:
        if not Path(path).is_symlink():
            return False
        mine, named = os.fstat(1), os.stat(path)
    except (OSError, ValueError):
        return False
    return (mine.st_dev, mine.st_ino) == (named.st_dev, named.st_ino)


def followed(path: Path) -> Path:
    """The file a link at ``path`` points to (``path`` itself if it is no link): an
    output given as a link is written to its target, never replaced by a file."""
    return path.resolve() if path.is_symlink() else path


@contextlib.contextmanager
def _stdout(mode: str) -> Iterator[IO[Any]]:
    import sys

    buffer = sys.stdout.buffer
    if "b" in mode:
        yield buffer
        buffer.flush()
        return
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    try:
        yield text
        text.flush()
    finally:
        text.detach()  # standard output stays open


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """A file handle whose content replaces ``path`` only if the block succeeds.

    A failed or cancelled export (a full disk too) leaves any existing file untouched
    and no partial one; the new file keeps the old one's permissions. An output that
    writing would destroy (a folder, a device, a FIFO, a database) is refused first.
    ``-`` writes to standard output; a link is written to the file it points to (after
    the same checks on that file), never replaced.

    :raises AnnotatorError: the output is refused, or writing it failed (one line).
    """
    if is_stdout(path):
        with _stdout(mode) as handle:
            yield handle
        return
    path = followed(Path(path))
    refuse_unsafe_output(path)
    if not path.parent.is_dir():
        raise AnnotatorError(
            f"cannot write {shown(path)}: the folder {shown(path.parent)} does not exist"
        )
    existed = path.exists()
    try:
        fd, temp = new_file_beside(path)
    except OSError as exc:
        raise write_error(path, exc, existed=existed) from None
    try:
        with _open_temp(fd, mode) as handle:
            yield handle
        os.replace(temp, path)
    except OSError as exc:
        _remove(temp)
        raise write_error(path, exc, existed=existed) from None
    except BaseException:
        _remove(temp)
        raise


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


class FolderOutput:
    """Files an export writes into one folder, all or nothing (see :func:`atomic_folder`).

    Each file is written to a temporary file in the folder and renamed onto its name
    only when the whole export succeeded. Names are single file names (never a path);
    an existing link of that name is replaced by the file, never written through.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._taken: set[str] = set()
        self._written: list[tuple[Path, Path]] = []  # (temporary file, final path)

    def name(self, stem: str, suffix: str = "") -> str:
        """A file name from ``stem`` (a title, label or annotator: anything) that stays
        in the folder and differs from every other name given out (ignoring case)."""
        return safe_file_stem(stem, self._taken) + suffix

    @contextlib.contextmanager
    def open(self, name: str, mode: str = "wb") -> Iterator[IO[Any]]:
        """A handle writing the file ``name`` of the folder (renamed into place at the end)."""
        final = self.folder / _checked_name(name)
        self._taken.add(Path(name).stem.lower())
        try:
            mode_now = final.lstat().st_mode
        except FileNotFoundError:
            mode_now = None
        if mode_now is not None and not (stat.S_ISREG(mode_now) or stat.S_ISLNK(mode_now)):
            raise AnnotatorError(
                f"cannot write {shown(final)}: it is not a file (a folder, device or FIFO)"
            )
        try:
            fd, temp = new_file_beside(final)
        except OSError as exc:
            raise write_error(final, exc, existed=mode_now is not None) from None
        self._written.append((temp, final))
        try:
            with _open_temp(fd, mode) as handle:
                yield handle
        except OSError as exc:
            raise write_error(final, exc, existed=mode_now is not None) from None

    def write(self, name: str, data: bytes) -> None:
        with self.open(name) as handle:
            handle.write(data)

    def _commit(self) -> None:
        for temp, final in self._written:
            try:
                os.replace(temp, final)  # a link of that name is replaced, not followed
            except OSError as exc:
                raise write_error(final, exc, existed=True) from None
        self._written.clear()

    def _discard(self) -> None:
        for temp, _ in self._written:
            _remove(temp)
        self._written.clear()


_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def _checked_name(name: str) -> str:
    """``name`` if it is one plain file name; anything else is a bug in the exporter."""
    if (
        not name
        or name in (".", "..")
        or any(c in name for c in "/\\\x00")
        or len(name.encode("utf-8", "surrogatepass")) > 240
        or _RESERVED.match(name)
    ):
        raise ValueError(f"not a safe file name: {name!r}")
    return name


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[FolderOutput]:
    """The folder ``path`` (created if missing) for an export writing several files.

    The files appear only if the block succeeds; on failure or cancel the temporary
    files are removed (and the folder, if this export created it), old files stay.

    :raises AnnotatorError: ``path`` is a file, device or FIFO, or cannot be created
        or written.
    """
    if is_stdout(path):
        raise AnnotatorError(
            "this export writes a folder: give its name (- writes standard output only "
            "for formats that write one file)"
        )
    folder = Path(path)
    refuse_unsafe_output(folder, folder=True)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AnnotatorError(f"cannot create the folder {shown(folder)}: {exc.strerror}") from None
    output = FolderOutput(folder)
    try:
        yield output
        output._commit()
    except BaseException:
        output._discard()
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: nothing else was there
        raise


_UNSAFE = re.compile(r"[^\w\-. ]+", re.UNICODE)
_RESERVED_STEM = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
_STEM_BYTES = 150


def safe_file_stem(name: str, taken: set[str], *, fallback: str = "document") -> str:
    """A file name stem from a title that cannot leave the output folder or clash.

    Path separators, ``..``, control characters, unpaired surrogates and leading dots
    are removed; names are shortened (to 80 characters and 150 UTF-8 bytes); names
    Windows reserves (``CON``, ``NUL``, ``COM1``…) get a ``_``; a number is appended when
    the stem is already ``taken`` (which it then joins).
    """
    stem = _UNSAFE.sub("_", name).strip(" ._")[:80]
    while len(stem.encode("utf-8", "surrogatepass")) > _STEM_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .") or fallback
    first, dot, rest = stem.partition(".")
    if _RESERVED_STEM.match(first):
        stem = f"{first}_{dot}{rest}"
    candidate, n = stem, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}_{n}"
    taken.add(candidate.lower())
    return candidate
