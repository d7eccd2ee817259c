"""What the readers share: JSON and JSON lines with line numbers, span checks, names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputFileError
from annotator.core.offsets import OffsetMap
from annotator.formats.encoding import read_text_file


def read_json(path: Path) -> Any:
    """A whole JSON file; a syntax error names the file and line."""
    text = read_text_file(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"malformed JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise InputFileError(path, TOO_DEEP) from None


TOO_DEEP = "malformed JSON: nested too deeply (more than 1,000 levels of [ and {)"


def json_reason(exc: orjson.JSONDecodeError) -> str:
    """Why orjson refused a value, in the words of the other messages."""
    return TOO_DEEP if "depth" in exc.msg else f"malformed JSON: {exc.msg}"


def read_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` for each JSON value of a JSON-lines file.

    Lines are split on ``\\n`` only (text may hold U+2028 or U+0085, which
    ``str.splitlines`` would split on). A file whose first value spans several lines
    (doccano writes "pretty-printed JSONL") is read as a sequence of JSON values.
    """
    text = read_text_file(path)
    lines = text.split("\n")
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return
    try:
        orjson.loads(lines[first])
    except orjson.JSONDecodeError:
        yield from _read_json_stream(path, text)
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputFileError(path, json_reason(exc), line=number) from None


_SPACE = re.compile(r"\s*")


def _read_json_stream(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    index = _SPACE.match(text, 0).end()
    while index < len(text):
        line = text.count("\n", 0, index) + 1
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"malformed JSON: {exc.msg}", line=exc.lineno) from None
        except RecursionError:
            raise InputFileError(path, TOO_DEEP, line=line) from None
        yield line, value
        index = _SPACE.match(text, index).end()


def checked_offsets(
    text: str, start: Any, end: Any, stated: str | None, notes: list[str], where: str
) -> tuple[int, int]:
    """Offsets of a span whose file also states its text.

    If the stated text is found at the offsets, they are kept. If it is found when the
    offsets are read as UTF-16 code units (JavaScript tools count emoji as two), they are
    converted and a note says so. Otherwise the span is refused: ``ValueError``.
    """
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        raise ValueError(f"span offsets must be integers, not {start!r}, {end!r}")
    if stated is None or text[start:end] == stated:
        return start, end
    offsets = OffsetMap(text)
    if not offsets.is_identity and 0 <= start <= end <= offsets.qt_length:
        converted = offsets.to_cp(start), offsets.to_cp(end)
        if text[converted[0] : converted[1]] == stated:
            notes.append(f"{where}: offsets counted UTF-16 units (a JavaScript tool); converted")
            return converted
    found = text[start:end] if 0 <= start <= end <= len(text) else "(outside the text)"
    raise ValueError(f"span [{start}, {end}) says {stated!r} but the text there is {found!r}")


_UNSAFE = re.compile(r"[^\w\-. ]+", re.UNICODE)
_RESERVED_STEM = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
_STEM_BYTES = 150
"""Room for a suffix, a clash number and the export's temporary-file prefix within the
255 bytes most file systems allow for one name."""


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


def record_error(exc: Exception) -> str:
    """A reader's exception as the reason a record is refused."""
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    if isinstance(exc, (TypeError, AttributeError)):
        return f"unexpected structure ({exc})"
    return str(exc)
