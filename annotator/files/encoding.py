"""Turning file bytes into text, or a clear refusal. Never mojibake, never a guess applied
silently: UTF-8 (with or without BOM) and UTF-16 with a BOM are read; anything else is
refused with what charset-normalizer thinks it is."""

from __future__ import annotations

import codecs
from pathlib import Path

from annotator.files.safety import refuse_unsafe_input
from annotator.model.errors import InputFileError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(data: bytes, path: str | Path) -> str:
    """The text of a file's bytes.

    :raises InputFileError: binary content, or an encoding other than UTF-8 / UTF-16
        with BOM (the message names the likely encoding).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    path, f"is not valid {encoding.upper()} ({exc.reason})"
                ) from None
    if b"\x00" in data:
        raise InputFileError(path, "looks like a binary file (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess = _guess_encoding(data)
        hint = f"; it looks like {guess} — convert it to UTF-8 and import again" if guess else ""
        raise InputFileError(
            path,
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02X} at byte offset {exc.start}){hint}",
        ) from None


def decode_leniently(data: bytes) -> str:
    """The text of the beginning of a file, for telling formats apart: undecodable bytes
    (a character cut at the end, another encoding) are dropped, never shown as text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="ignore")
    return data.decode("utf-8", errors="ignore")


def _guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def read_file_bytes(path: str | Path) -> bytes:
    """The bytes of an input file.

    :raises InputFileError: not a regular file (a FIFO or device is never read: it
        could block or never end), a file name that is not UTF-8, or unreadable.
    """
    path = Path(path)
    refuse_unsafe_input(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from None


def read_text_file(path: str | Path) -> str:
    """The text of an input file (see :func:`read_file_bytes` and :func:`decode_bytes`)."""
    return decode_bytes(read_file_bytes(path), path)
