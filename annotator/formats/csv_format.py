"""CSV: articles in, one row per span out.

Read: a header row, then one document per row. The text is the ``text`` column (or
``content``, ``body``, ``article``; ``text_column`` chooses another); ``title`` is the
title; every other column goes to the document's metadata. Annotator's own span export
is recognised by its header and refused with a hint (it holds spans, not articles).

Written: one row per span: ``document_id, title, annotator, status, label, start, end,
text, attributes (JSON), note, origin, created, updated``. It is a report for people and
spreadsheets, not an exchange format: read it back as articles only. A text cell that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading ``'`` (:func:`spreadsheet_cell`).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.project import Project
from annotator.files.encoding import read_text_file
from annotator.files.output import atomic_output
from annotator.formats.export import ExportFilter, ExportReport, Holds, select_layers
from annotator.model.errors import InputFileError
from annotator.model.imports import DocumentIn

TEXT_COLUMNS = ("text", "content", "body", "article")
COLUMNS = (
    "document_id",
    "title",
    "annotator",
    "status",
    "label",
    "start",
    "end",
    "text",
    "attributes",
    "note",
    "origin",
    "created",
    "updated",
)


SPAN_EXPORT_COLUMNS = {"document_id", "annotator", "label", "start", "end", "text"}
"""Columns that mark a file as Annotator's own span export (see :data:`COLUMNS`)."""


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""What a spreadsheet reads a cell starting with as a formula (OWASP CSV injection; the
full-width forms too, which some spreadsheets also take)."""


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a text that would start a formula
    (``=HYPERLINK(…)``, ``+``, ``-``, ``@``) gets a leading ``'``, which spreadsheets hide
    and read as "this is text" (OWASP's advice). Numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SpreadsheetWriter:
    """``csv.writer`` for files that people open in spreadsheets: every cell through
    :func:`spreadsheet_cell`."""

    def __init__(self, handle: Any) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_cell(value) for value in row])


def read_csv(
    path: Path, messages: list[str], *, text_column: str | None = None
) -> Iterator[DocumentIn]:
    """A document per row; a row that is not CSV (a quote left open, a quoted field
    followed by more text) or that has more or fewer fields than the header is a bad
    record of its own line, and the rows after it are still read.

    :raises InputFileError: no text column, or the file is Annotator's span export.
    """
    content = read_text_file(path)
    # an article is often longer than the csv module's default field limit (128 KiB)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:  # only the delimiter: the sniffer's guesses about quoting misread open quotes
        delimiter = csv.Sniffer().sniff(content[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows = _rows(content, delimiter)
    _, header = next(rows, (1, []))
    if isinstance(header, str):
        raise InputFileError(path, f"malformed CSV header: {header}", line=1)
    if set(header) >= SPAN_EXPORT_COLUMNS:
        raise InputFileError(
            path,
            "this is Annotator's span export (a row per span), not articles: import "
            "the native JSONL export instead (annotator export --format native)",
            line=1,
        )
    column = text_column or next((c for c in header if c.strip().lower() in TEXT_COLUMNS), None)
    if column is None or column not in header:
        wanted = text_column or " or ".join(TEXT_COLUMNS)
        raise InputFileError(path, f"has no {wanted} column (columns: {', '.join(header)})", line=1)
    for number, row in rows:
        location = f"{path}:{number}"
        if isinstance(row, str):
            yield DocumentIn.invalid(location, f"malformed CSV: {row}")
            continue
        if len(row) != len(header):
            reason = f"{len(row)} fields, the header has {len(header)}"
            yield DocumentIn.invalid(location, reason)
            continue
        fields = dict(zip(header, row, strict=True))
        text = fields[column]
        if not text.strip():
            messages.append(f"{location}: empty text, skipped")
            continue
        meta = {k: v for k, v in fields.items() if k not in (column, "title")}
        title = fields.get("title") or text.strip().split("\n", 1)[0][:60]
        yield DocumentIn(text=text, title=title, where=location, meta=meta)


def _rows(content: str, delimiter: str) -> Iterator[tuple[int, list[str] | str]]:
    """``(line where the row starts, fields)``, or the reason for a row that is not CSV;
    reading starts again on the line after a bad row's first line."""
    lines = list(io.StringIO(content, newline=""))  # splits on \n and \r only, as csv does
    start = 0
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=delimiter, strict=True)
        consumed = 0
        try:
            for row in reader:
                if row:
                    yield start + consumed + 1, row
                consumed = reader.line_num
            return
        except csv.Error as exc:
            yield start + consumed + 1, str(exc)
            start += consumed + 1


HOLDS = Holds("the CSV", span_attributes=True, span_notes=True, statuses=True)
"""What the CSV export holds (a row per span); the export reports the rest."""


def export_csv(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    report = ExportReport(format="csv", path=str(out), holds=HOLDS)
    with atomic_output(out, "w") as handle:
        writer = SpreadsheetWriter(handle)
        writer.writerow(COLUMNS)
        for n, layer in enumerate(select_layers(project, chosen, report), 1):
            document = layer.document
            for span in layer.spans:
                writer.writerow(
                    [
                        document.id,
                        document.title,
                        layer.annotator,
                        layer.status,
                        span.label,
                        span.start,
                        span.end,
                        document.text[span.start : span.end],
                        orjson.dumps(span.attributes).decode(),
                        span.note,
                        span.origin,
                        span.created,
                        span.updated,
                    ]
                )
                report.spans += 1
            if not layer.spans and layer.status != "new":
                item = (layer.annotator, layer.status, layer.answer)
                report.lose(document.id, "status", item, "no row: a row is a span")
            report.records += 1
            if progress is not None:
                progress(n)
    return report
