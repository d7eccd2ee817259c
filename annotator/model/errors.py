"""Errors the user can cause. Their message is shown as it is: one clear line, no traceback.

Anything that is not an ``AnnotatorError`` is a bug in Annotator and is reported as such.
"""

from __future__ import annotations

import os


class AnnotatorError(Exception):
    """Base class: a problem with the user's input, files or environment, not with the code."""


class ValidationError(AnnotatorError):
    """An edit was refused: out of range, unknown label, duplicate, self-link, ..."""


class DuplicateSpanError(ValidationError):
    """The same annotator already has a span with this label on these exact offsets."""


class NotFoundError(AnnotatorError):
    """A document, span or relation id that does not exist (any more)."""


class ConflictError(AnnotatorError):
    """Undo/redo found the row changed by someone else since; nothing was written."""


class StoreError(AnnotatorError):
    """The database cannot be used: not SQLite, corrupt, locked, read-only, too new."""


class Cancelled(AnnotatorError):
    """The user cancelled a long operation; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("cancelled: nothing was changed")


class InputFileError(AnnotatorError):
    """A file given to import cannot be read. ``path`` and ``line`` locate the problem."""

    def __init__(self, path: object, message: str, *, line: int | None = None):
        self.path = printable(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


def printable(value: object) -> str:
    """``value`` as text that can always be printed and stored: bytes of a file name that
    are not UTF-8 (lone surrogates from ``surrogateescape``) appear as ``\\xNN``, other
    lone surrogates as ``\\udNNN``."""
    text = os.fspath(value) if isinstance(value, os.PathLike) else value
    if isinstance(text, bytes):
        return text.decode("utf-8", "backslashreplace")
    text = str(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
