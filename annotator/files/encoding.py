"""Turning file bytes into text, or a clear refusal. Never mojibake, never a guess applied
silently: UTF-8 (with or without BOM) and UTF-16 with a BOM are read; anything else is
refused with what charset-normalizer thinks it is."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
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
        raise _not_utf8(path, data[exc.start], exc.start, data[:65536]) from None


def decode_leniently(data: bytes) -> str:
    """The text of the beginning of a file, for telling formats apart: undecodable bytes
    (a character cut at the end, another encoding) are dropped, never shown as text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="ignore")
    return data.decode("utf-8", errors="ignore")


def _guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()  # the beginning is enough to tell
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


_CHUNK = 1 << 20  # bytes read at a time when a file is checked or read line by line


def read_text_lines(path: str | Path) -> Iterator[str]:
    """The lines of an input file, split on ``\\n`` only (each without it), read as they
    are needed: a file of any size costs memory for one line.

    The whole file is checked first, a megabyte at a time (the same checks and messages
    as :func:`decode_bytes`), so a bad file is refused before its first line is used.
    UTF-16 files are decoded whole.

    :raises InputFileError: as :func:`read_file_bytes` and :func:`decode_bytes`.
    """
    refuse_unsafe_input(Path(path))
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(codecs.BOM_UTF8))
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                text = decode_bytes(head + handle.read(), path)
                start = 0
                while start <= len(text):
                    end = text.find("\n", start)
                    end = len(text) if end < 0 else end
                    yield text[start:end]
                    start = end + 1
                return
            skip = len(codecs.BOM_UTF8) if head == codecs.BOM_UTF8 else 0
            _check_utf8(handle, path, skip, bom=skip > 0)
            handle.seek(skip)
            line = b""
            for line in handle:  # binary lines end at b"\n" only
                yield (line[:-1] if line.endswith(b"\n") else line).decode("utf-8")
            if not line or line.endswith(b"\n"):
                yield ""  # after a final newline, as ``str.split("\n")`` gives
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror})") from None


def _check_utf8(handle, path: str | Path, start: int, *, bom: bool) -> None:
    """Raise what :func:`decode_bytes` raises for the file's bytes from ``start``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    handle.seek(start)
    offset = start  # of the first byte of ``data``
    while True:
        data = handle.read(_CHUNK)
        if not bom and b"\x00" in data:
            raise InputFileError(path, "looks like a binary file (it contains NUL bytes), not text")
        pending = decoder.getstate()[0]  # the bytes of a character cut by the last chunk
        try:
            decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            if bom:
                raise InputFileError(path, f"is not valid UTF-8 ({exc.reason})") from None
            at = offset - len(pending) + exc.start
            handle.seek(at)
            byte = handle.read(1)[0]
            handle.seek(0)
            raise _not_utf8(path, byte, at, handle.read(65536)) from None
        if not data:
            return
        offset += len(data)


def _not_utf8(path: str | Path, byte: int, at: int, sample: bytes) -> InputFileError:
    guess = _guess_encoding(sample)
    hint = f"; it looks like {guess} — convert it to UTF-8 and import again" if guess else ""
    return InputFileError(path, f"is not valid UTF-8 (byte 0x{byte:02X} at byte offset {at}){hint}")
