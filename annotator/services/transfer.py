"""Import and export as the command line and the window both run them.

``import_paths`` reads files (every format, folders walked) and imports them in one
transaction; ``export_project`` checks the filters and writes one format; both report what
they did in the same words wherever they are shown (``import_lines``, ``export_lines``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.core.project import Project
from annotator.formats.export import ExportFilter, ExportReport
from annotator.formats.writers import export
from annotator.model.imports import ImportReport, SchemaIn
from annotator.model.words import counted


def import_paths(
    project: Project,
    paths: list[Path],
    *,
    fmt: str = "auto",
    skip_invalid: bool = False,
    strict: bool = False,
    lang: str | None = None,
    text_column: str | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_read: Callable[[int], None] | None = None,
) -> ImportReport:
    """Read ``paths`` as ``fmt`` (``auto``: by content) and import them, all or nothing
    unless ``skip_invalid`` (then the report lists each skipped record and file).

    Records are imported as they are read (a batch at a time: memory does not grow with
    the number of documents). ``on_read`` gets about how many records there are before
    the import starts (:func:`~annotator.formats.reader.count_records`), the total of
    its ``progress``; ``cancelled`` is asked as records are read and imported.

    :raises InputFileError: a bad file or record (nothing imported).
    :raises Cancelled: the user cancelled (nothing imported).
    """
    # The readers and the write path, imported here: an export needs neither (0.1 s).
    from annotator.core.ingest import import_documents
    from annotator.formats.reader import count_records, read_paths

    messages: list[str] = []
    skipped: list[str] | None = [] if skip_invalid else None
    schema = SchemaIn()
    if on_read is not None:
        on_read(count_records(list(paths), fmt, text_column=text_column))
    records = read_paths(
        list(paths), fmt, messages, skipped=skipped, schema=schema, text_column=text_column
    )
    report = import_documents(
        project,
        records,
        skip_invalid=skip_invalid,
        strict=strict,
        schema=schema,
        lang=lang,
        progress=progress,
        cancelled=cancelled,
    )
    report.skipped[:0] = skipped or []
    report.notes[:0] = messages
    return report


def imported_nothing(report: ImportReport) -> bool:
    """Whether an import brought no document at all (a failure for the user)."""
    return not (report.documents_added or report.documents_existing)


def import_lines(report: ImportReport, paths: list[Path], where: object) -> list[str]:
    """What an import did, a sentence a line, for the terminal and the window."""
    if imported_nothing(report):
        return [f"nothing imported: no document in {', '.join(map(str, paths))}"]
    lines = [
        f"imported {counted(report.documents_added, 'new document')}, "
        f"{report.documents_existing} already present, {counted(report.spans_added, 'span')}, "
        f"{counted(report.relations_added, 'link')} into {where}"
    ]
    if report.categories_added:
        lines.append(f"document categories: {report.categories_added}")
    if report.spans_duplicate or report.relations_duplicate:
        lines.append(
            f"duplicates stored once: {counted(report.spans_duplicate, 'span')}, "
            f"{counted(report.relations_duplicate, 'link')}"
        )
    return lines


def schema_line(report: ImportReport) -> str | None:
    """The labels and link types an import added to the schema, if any."""
    added = report.labels_added + report.relation_types_added
    return f"added to the schema: {', '.join(added)}" if added else None


FORMAT_OPTIONS: dict[str, tuple[str, ...]] = {
    "spacy": ("spans_key", "ents", "dev_fraction"),
    "conll": ("layout", "comments"),
    "claimreview": ("publisher", "review_url"),
    "hf": ("split", "seed", "license"),
}
"""The options each format takes (all others take none)."""


def format_options(fmt: str, **given: Any) -> dict[str, Any]:
    """The options of ``given`` that ``fmt`` takes (those left ``None`` are left out)."""
    return {k: given[k] for k in FORMAT_OPTIONS.get(fmt, ()) if given.get(k) is not None}


def export_project(
    project: Project,
    fmt: str,
    out: str | Path,
    *,
    chosen: ExportFilter | None = None,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> ExportReport:
    """Export with the exporter called ``fmt`` (``options``: its own, see
    :func:`format_options`).

    :raises AnnotatorError: a filter names an annotator or label the project does not
        have (a typo, not a request for an empty file), or the output is refused.
    """
    chosen = chosen or ExportFilter()
    project.require_names(annotators=chosen.annotators or (), labels=chosen.labels or ())
    return export(project, fmt, out, chosen=chosen, progress=progress, **options)


def export_lines(report: ExportReport, out: object) -> list[str]:
    """What an export wrote, then what it could not hold (summarised)."""
    return [
        f"wrote {counted(report.records, 'record')}, {counted(report.spans, 'span')}, "
        f"{counted(report.relations, 'link')} to {out}",
        *(f"not exported exactly: {problem}" for problem in report.summary()),
    ]
