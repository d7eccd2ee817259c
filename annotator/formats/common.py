"""What the readers share: JSON and JSON lines with line numbers, span checks, names."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from annotator.files.encoding import read_text_file, read_text_lines
from annotator.model.errors import InputFileError
from annotator.model.imports import DocumentIn
from annotator.model.offsets import OffsetMap


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


class Malformed(NamedTuple):
    """A JSON-lines record that is not JSON: where it is refused, the reading goes on."""

    reason: str


def read_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` for each JSON value of a JSON-lines file; a record that
    is not JSON gives :class:`Malformed` with the reason, and the records after it are
    still read (so ``--skip-invalid`` skips exactly the bad lines).

    Lines are split on ``\\n`` only (text may hold U+2028 or U+0085, which
    ``str.splitlines`` would split on). A file whose first line is not JSON on its own
    (doccano writes "pretty-printed JSONL") is read as a sequence of JSON values
    instead, which gives the same records for a JSON-lines file.
    """
    first = True
    for number, line in enumerate(read_text_lines(path), 1):  # never the whole file
        if not line.strip():
            continue
        try:
            value: Any = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            value = Malformed(json_reason(exc))
        if first and isinstance(value, Malformed):  # pretty-printed, or a bad first line
            yield from _read_json_stream(read_text_file(path))
            return
        first = False
        yield number, value  # one record at a time: the file's records are never all held


RECORD_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)
"""What a reader's conversion of one malformed record raises (see :func:`record_error`)."""


def read_json_line_records(
    path: Path, convert: Callable[[Any, str], DocumentIn]
) -> Iterator[DocumentIn]:
    """A document for each record of a JSON-lines file, ``convert(value, "file:line")``
    making it; a line that is not JSON, or that ``convert`` refuses, becomes an invalid
    record naming its line (refused, or skipped with ``--skip-invalid``)."""
    for line, value in read_json_lines(path):
        where = f"{path}:{line}"
        if isinstance(value, Malformed):
            yield DocumentIn.invalid(where, value.reason)
            continue
        try:
            yield convert(value, where)
        except RECORD_ERRORS as exc:
            yield DocumentIn.invalid(where, record_error(exc))


_SPACE = re.compile(r"\s*")
_RECORD_START = re.compile(r"^[{\[]", re.MULTILINE)


def _next_record(text: str, start: int) -> int:
    """Where to read on after a bad record starting at ``start``: the next line that
    opens an object or array (a record of its own in JSON lines and pretty-printed
    files alike)."""
    following = _RECORD_START.search(text, text.find("\n", start) + 1 or len(text))
    return following.start() if following else len(text)


def _read_json_stream(text: str) -> Iterator[tuple[int, Any]]:
    """JSON values one after another, however they are spread over lines. After a
    malformed value, reading resumes at the next line that opens an object or array."""
    decoder = json.JSONDecoder()
    index = _SPACE.match(text, 0).end()
    while index < len(text):
        line, start = text.count("\n", 0, index) + 1, index
        try:
            value, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            at = f" (line {exc.lineno})" if exc.lineno != line else ""
            yield line, Malformed(f"malformed JSON: {exc.msg}{at}")
            index = _next_record(text, start)
            continue
        except RecursionError:
            yield line, Malformed(TOO_DEEP)
            index = _next_record(text, start)
            continue
        end_of_line = text.find("\n", index)
        after = text[index : end_of_line if end_of_line >= 0 else len(text)].strip()
        if after and after[0] not in "{[":  # `{...}}`: one bad record, not a good one
            yield line, Malformed("malformed JSON: unexpected text after the value")
            index = _next_record(text, start)
            continue
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


"""Room for a suffix, a clash number and the export's temporary-file prefix within the
255 bytes most file systems allow for one name."""


def record_error(exc: Exception) -> str:
    """A reader's exception as the reason a record is refused."""
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    if isinstance(exc, (TypeError, AttributeError)):
        return f"unexpected structure ({exc})"
    return str(exc)
