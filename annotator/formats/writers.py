"""The exporters by name: what ``annotator export --format`` and File → Export offer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.core.project import Project
from annotator.files.safety import refuse_project_file
from annotator.formats.brat import export_brat
from annotator.formats.conll import export_conll
from annotator.formats.csv_format import export_csv
from annotator.formats.doccano import export_doccano
from annotator.formats.export import ExportFilter, ExportReport
from annotator.formats.labelstudio import export_labelstudio
from annotator.formats.native import export_native
from annotator.formats.prodigy import export_prodigy
from annotator.formats.spacy_docbin import export_docbin


def _claimreview(*args: Any, **kwargs: Any) -> ExportReport:
    from annotator.services.claimreview import export_claimreview

    return export_claimreview(*args, **kwargs)


def _claims_csv(*args: Any, **kwargs: Any) -> ExportReport:
    from annotator.services.claimreview import export_claims_csv

    return export_claims_csv(*args, **kwargs)


EXPORTERS: dict[str, Callable[..., ExportReport]] = {
    "native": export_native,
    "prodigy": export_prodigy,
    "spacy": export_docbin,
    "doccano": export_doccano,
    "labelstudio": export_labelstudio,
    "brat": export_brat,
    "conll": export_conll,
    "csv": export_csv,
    "claimreview": _claimreview,
    "claims-csv": _claims_csv,
}
FOLDER_OUTPUT = {"brat"}
"""Formats whose output is a folder (spaCy with a dev split and CoNLL per file too)."""
LAYER_FORMATS = ("prodigy", "spacy", "doccano", "labelstudio", "brat", "conll", "csv")
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
    return exporter(project, out, chosen=chosen, progress=progress, **options)
