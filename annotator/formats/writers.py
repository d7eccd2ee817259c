"""The exporters by name: what ``annotator export --format`` and File → Export offer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.core.project import Project
from annotator.files.safety import refuse_project_file
from annotator.formats.export import ExportFilter, ExportReport
from annotator.formats.registry import Registry
from annotator.model.words import counted
from annotator.store import queries

EXPORTERS = Registry(
    "annotator.writers",
    {
        "native": "annotator.formats.native:export_native",
        "prodigy": "annotator.formats.prodigy:export_prodigy",
        "spacy": "annotator.formats.spacy_docbin:export_docbin",
        "doccano": "annotator.formats.doccano:export_doccano",
        "labelstudio": "annotator.formats.labelstudio:export_labelstudio",
        "brat": "annotator.formats.brat:export_brat",
        "conll": "annotator.formats.conll:export_conll",
        "csv": "annotator.formats.csv_format:export_csv",
    },
)
"""Exporters by name. ``claimreview`` and ``claims-csv`` come from ``annotator.services``
through the ``annotator.writers`` entry points (see ``formats.registry``)."""
FOLDER_OUTPUT = {"brat", "hf"}
"""Formats whose output is a folder (spaCy with a dev split and CoNLL per file too:
:func:`writes_folder`)."""
OUTPUT_SUFFIX = {
    "native": ".jsonl",
    "prodigy": ".jsonl",
    "doccano": ".jsonl",
    "labelstudio": ".json",
    "spacy": ".spacy",
    "conll": ".conll",
    "csv": ".csv",
    "claimreview": ".json",
    "claims-csv": ".csv",
}
"""The file name ending each format's output usually has (a folder has none)."""


def writes_folder(fmt: str, **options: Any) -> bool:
    """Whether exporting ``fmt`` with ``options`` (its own, as :func:`export` takes them)
    writes a folder rather than one file."""
    return (
        fmt in FOLDER_OUTPUT
        or (fmt == "spacy" and options.get("dev_fraction", 0) > 0)
        or (fmt == "conll" and options.get("layout") == "files")
    )


LAYER_FORMATS = ("prodigy", "spacy", "doccano", "labelstudio", "brat", "conll", "csv", "hf")
"""Formats that export annotation layers: each declares what it holds (its ``HOLDS``)
and the export reports everything else (``select_layers``). ``native`` holds
everything; ``claimreview`` and ``claims-csv`` export fact-checks, not layers."""


def export(
    project: Project,
    fmt: str,
    out: str | Path,
    *,
    chosen: ExportFilter | None = None,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> ExportReport:
    """Export with the exporter called ``fmt``; ``options`` are that format's own.

    :raises AnnotatorError: ``out`` is the project's own file (or SQLite's files beside
        it), or anything else an export never replaces (see ``refuse_unsafe_output``).
    """
    exporter = EXPORTERS[fmt]
    if project.path is not None:
        refuse_project_file(out, project.path)
    report = exporter(project, out, chosen=chosen, progress=progress, **options)
    for table, count in queries.dangling_rows(project.db).items():
        report.notes.append(
            f"{counted(count, 'row')} of {table} left out: they refer to a row that is gone "
            "(`annotator check` lists them)"
        )
    return report
