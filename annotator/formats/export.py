"""What every exporter shares: the report, atomic output files, choosing what to export."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, Span
from annotator.core.project import Project
from annotator.store import queries


@dataclass(slots=True)
class ExportReport:
    """What an export wrote, and every span or relation it could not hold exactly."""

    format: str
    path: str
    records: int = 0
    spans: int = 0
    relations: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": self.path,
            "records": self.records,
            "spans": self.spans,
            "relations": self.relations,
            "problems": self.problems,
        }


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary file handle whose content replaces ``path`` only if the block succeeds.

    A failed or cancelled export leaves any existing file untouched and no partial one.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise AnnotatorError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise AnnotatorError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def select_layers(
    project: Project,
    *,
    annotators: list[str] | None = None,
    statuses: list[str] | None = None,
    labels: list[str] | None = None,
) -> Iterator[tuple[Document, str, list[Span], str]]:
    """``(document, annotator, spans, status)`` for each annotation layer to export.

    A layer is one annotator's work on one document: it counts if it has spans or the
    document is marked done or skipped by that annotator.
    """
    for document_id in queries.document_ids(project.db):
        spans = queries.spans_of(project.db, document_id)
        layer_status = queries.statuses_of(project.db, document_id)
        who = {s.annotator for s in spans} | {
            a for a, st in layer_status.items() if st in ("done", "skipped")
        }
        document = None
        for annotator in sorted(who):
            if annotators is not None and annotator not in annotators:
                continue
            status = layer_status.get(annotator, "new")
            if statuses is not None and status not in statuses:
                continue
            chosen = [
                s
                for s in spans
                if s.annotator == annotator and (labels is None or s.label in labels)
            ]
            document = document or project.document(document_id)
            yield document, annotator, chosen, status
