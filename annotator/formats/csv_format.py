"""CSV: articles in, one row per span out.

Read: a header row, then one document per row. The text is the ``text`` column (or
``content``, ``body``, ``article``; ``text_column`` chooses another); ``title`` is the
title; every other column goes to the document's metadata.

Written: one row per span: ``document_id, title, annotator, status, label, start, end,
text, attributes (JSON), note, origin, created, updated``. It is a report for people and
spreadsheets, not an exchange format: read it back as articles only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import orjson

from annotator.core.errors import InputFileError
from annotator.core.ingest import DocumentIn
from annotator.core.project import Project
from annotator.formats.encoding import read_text_file
from annotator.formats.export import ExportFilter, ExportReport, atomic_output, select_layers

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


def read_csv(
    path: Path, messages: list[str], *, text_column: str | None = None
) -> Iterator[DocumentIn]:
    content = read_text_file(path)
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content, newline=""), dialect=dialect)
    header = reader.fieldnames or []
    column = text_column or next((c for c in header if c.strip().lower() in TEXT_COLUMNS), None)
    if column is None or column not in header:
        wanted = text_column or " or ".join(TEXT_COLUMNS)
        raise InputFileError(path, f"has no {wanted} column (columns: {', '.join(header)})", line=1)
    try:
        for row in reader:
            location = f"{path}:{reader.line_num}"
            text = row.get(column) or ""
            if not text.strip():
                messages.append(f"{location}: empty text, skipped")
                continue
            meta = {k: v for k, v in row.items() if k not in (column, "title") and k is not None}
            title = row.get("title") or text.strip().split("\n", 1)[0][:60]
            yield DocumentIn(text=text, title=title, where=location, meta=meta)
    except csv.Error as exc:
        raise InputFileError(path, f"malformed CSV: {exc}", line=reader.line_num) from None


def export_csv(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    report = ExportReport(format="csv", path=str(out))
    with atomic_output(out, "w") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n, layer in enumerate(select_layers(project, chosen), 1):
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
            for relation in layer.relations:
                report.lose_link(layer, relation, "link", "the CSV has one row per span")
            report.records += 1
            if progress is not None:
                progress(n)
    return report
