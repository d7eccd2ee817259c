"""What every exporter shares: the report, atomic output, choosing what to export."""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import AnnotatorError
from annotator.core.files import new_file_beside, refuse_unsafe_output, shown, write_error
from annotator.core.model import Category, Document, Relation, Span
from annotator.core.project import Project
from annotator.formats.common import safe_file_stem
from annotator.store import queries

SpanKey = tuple[str, str, int, int]
"""(annotator, label, start, end): a span, independent of database ids."""


@dataclass(frozen=True, slots=True)
class Lost:
    """Something an export could not hold: a span or link, or a part of one.

    ``what`` is ``span``, ``label``, ``attributes``, ``note``, ``link``,
    ``link attributes`` or ``category``; ``item`` is the span's :data:`SpanKey`, for a
    link ``(annotator, label, head SpanKey, child SpanKey)``, for a document category
    ``(annotator, label, value)``.
    """

    document_id: int
    what: str
    item: tuple[Any, ...]
    reason: str

    def message(self) -> str:
        if self.what == "category":
            annotator, label, value = self.item
            return (
                f"document {self.document_id}, {annotator}: category {label} = {value:g}: "
                f"{self.reason}"
            )
        if self.what.startswith("link"):
            annotator, label, head, child = self.item
            thing = f"{label} link {_short(head)} → {_short(child)}"
        else:
            annotator, label, start, end = self.item
            thing = f"{label} [{start}, {end})"
        part = "" if self.what in ("span", "link") else f" {self.what.removeprefix('link ')}"
        return f"document {self.document_id}, {annotator}: {thing}{part}: {self.reason}"


def _short(key: SpanKey) -> str:
    return f"{key[1]} [{key[2]}, {key[3]})"


def span_key(span: Span) -> SpanKey:
    return (span.annotator, span.label, span.start, span.end)


@dataclass(slots=True)
class ExportReport:
    """What an export wrote, everything it could not hold (``lost``), and remarks."""

    format: str
    path: str
    records: int = 0
    spans: int = 0
    relations: int = 0
    lost: list[Lost] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lose_span(self, layer: Layer, span: Span, what: str, reason: str) -> None:
        self.lost.append(Lost(layer.document.id, what, span_key(span), reason))

    def lose_link(self, layer: Layer, relation: Relation, what: str, reason: str) -> None:
        by_id = {s.id: s for s in layer.spans}
        item = (
            relation.annotator,
            relation.label,
            span_key(by_id[relation.head_id]),
            span_key(by_id[relation.child_id]),
        )
        self.lost.append(Lost(layer.document.id, what, item, reason))

    def lose_category(self, layer: Layer, category: Category, reason: str) -> None:
        item = (category.annotator, category.label, category.value)
        self.lost.append(Lost(layer.document.id, "category", item, reason))

    def lose_extras(self, layer: Layer, reason: str) -> None:
        """Span attributes and notes, and link attributes, that the format cannot hold."""
        for span in layer.spans:
            if span.attributes:
                self.lose_span(layer, span, "attributes", reason)
            if span.note:
                self.lose_span(layer, span, "note", reason)
        for relation in layer.relations:
            if relation.attributes:
                self.lose_link(layer, relation, "link attributes", reason)

    @property
    def problems(self) -> list[str]:
        return [*self.notes, *(lost.message() for lost in self.lost)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": self.path,
            "records": self.records,
            "spans": self.spans,
            "relations": self.relations,
            "problems": self.problems,
        }


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which annotation layers to export. ``None`` means all."""

    annotators: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    include_rejected: bool = False
    """Layers answered reject or ignore (imported from Prodigy) are training data only
    when asked for."""


@dataclass(slots=True)
class Layer:
    """One annotator's work on one document."""

    document: Document
    annotator: str
    spans: list[Span]
    relations: list[Relation]
    status: str
    answer: str | None
    categories: list[Category] = field(default_factory=list)
    """The document's categories in this layer (text classification)."""


def where(document: Document, span: Span | None = None) -> str:
    """How a report names a document (and a span in it)."""
    name = f"document {document.id} ({document.title})"
    if span is None:
        return name
    return f"{name}: {span.label} [{span.start}, {span.end}) by {span.annotator}"


def _open_temp(fd: int, mode: str) -> IO[Any]:
    """The handle an export writes through (tests replace it to simulate a full disk)."""
    return os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""}))


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """A file handle whose content replaces ``path`` only if the block succeeds.

    A failed or cancelled export (a full disk too) leaves any existing file untouched
    and no partial one; the new file keeps the old one's permissions. An output that
    writing would destroy (a folder, a device, a FIFO, a database) is refused first.

    :raises AnnotatorError: the output is refused, or writing it failed (one line).
    """
    path = Path(path)
    refuse_unsafe_output(path)
    if not path.parent.is_dir():
        raise AnnotatorError(
            f"cannot write {shown(path)}: the folder {shown(path.parent)} does not exist"
        )
    existed = path.exists()
    try:
        fd, temp = new_file_beside(path)
    except OSError as exc:
        raise write_error(path, exc, existed=existed) from None
    try:
        with _open_temp(fd, mode) as handle:
            yield handle
        os.replace(temp, path)
    except OSError as exc:
        _remove(temp)
        raise write_error(path, exc, existed=existed) from None
    except BaseException:
        _remove(temp)
        raise


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


class FolderOutput:
    """Files an export writes into one folder, all or nothing (see :func:`atomic_folder`).

    Each file is written to a temporary file in the folder and renamed onto its name
    only when the whole export succeeded. Names are single file names (never a path);
    an existing link of that name is replaced by the file, never written through.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._taken: set[str] = set()
        self._written: list[tuple[Path, Path]] = []  # (temporary file, final path)

    def name(self, stem: str, suffix: str = "") -> str:
        """A file name from ``stem`` (a title, label or annotator: anything) that stays
        in the folder and differs from every other name given out (ignoring case)."""
        return safe_file_stem(stem, self._taken) + suffix

    @contextlib.contextmanager
    def open(self, name: str, mode: str = "wb") -> Iterator[IO[Any]]:
        """A handle writing the file ``name`` of the folder (renamed into place at the end)."""
        final = self.folder / _checked_name(name)
        self._taken.add(Path(name).stem.lower())
        try:
            mode_now = final.lstat().st_mode
        except FileNotFoundError:
            mode_now = None
        if mode_now is not None and not (stat.S_ISREG(mode_now) or stat.S_ISLNK(mode_now)):
            raise AnnotatorError(
                f"cannot write {shown(final)}: it is not a file (a folder, device or FIFO)"
            )
        try:
            fd, temp = new_file_beside(final)
        except OSError as exc:
            raise write_error(final, exc, existed=mode_now is not None) from None
        self._written.append((temp, final))
        try:
            with _open_temp(fd, mode) as handle:
                yield handle
        except OSError as exc:
            raise write_error(final, exc, existed=mode_now is not None) from None

    def write(self, name: str, data: bytes) -> None:
        with self.open(name) as handle:
            handle.write(data)

    def _commit(self) -> None:
        for temp, final in self._written:
            try:
                os.replace(temp, final)  # a link of that name is replaced, not followed
            except OSError as exc:
                raise write_error(final, exc, existed=True) from None
        self._written.clear()

    def _discard(self) -> None:
        for temp, _ in self._written:
            _remove(temp)
        self._written.clear()


_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def _checked_name(name: str) -> str:
    """``name`` if it is one plain file name; anything else is a bug in the exporter."""
    if (
        not name
        or name in (".", "..")
        or any(c in name for c in "/\\\x00")
        or len(name.encode("utf-8", "surrogatepass")) > 240
        or _RESERVED.match(name)
    ):
        raise ValueError(f"not a safe file name: {name!r}")
    return name


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[FolderOutput]:
    """The folder ``path`` (created if missing) for an export writing several files.

    The files appear only if the block succeeds; on failure or cancel the temporary
    files are removed (and the folder, if this export created it), old files stay.

    :raises AnnotatorError: ``path`` is a file, device or FIFO, or cannot be created
        or written.
    """
    folder = Path(path)
    refuse_unsafe_output(folder, folder=True)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AnnotatorError(f"cannot create the folder {shown(folder)}: {exc.strerror}") from None
    output = FolderOutput(folder)
    try:
        yield output
        output._commit()
    except BaseException:
        output._discard()
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: nothing else was there
        raise


def select_layers(project: Project, chosen: ExportFilter | None = None) -> Iterator[Layer]:
    """Each annotation layer to export, document by document.

    A layer counts if its annotator has spans or categories in the document or marked
    it done or skipped. Relations come along when both their spans do.
    """
    chosen = chosen or ExportFilter()
    with_categories = queries.has_categories(project.db)
    for document, stored in queries.iter_annotated_documents(project.db):
        categories = queries.categories_of(project.db, document.id) if with_categories else []
        yield from _layers(document, *stored, chosen, categories)


def _layers(
    document: Document,
    spans: list[Span],
    relations: list[Relation],
    status_rows: list[dict[str, Any]],
    chosen: ExportFilter,
    categories: list[Category],
) -> Iterator[Layer]:
    statuses = {row["annotator"]: row for row in status_rows}
    who = (
        {s.annotator for s in spans}
        | {c.annotator for c in categories}
        | {a for a, row in statuses.items() if row["status"] in ("done", "skipped")}
    )
    for annotator in sorted(who):
        if chosen.annotators is not None and annotator not in chosen.annotators:
            continue
        row = statuses.get(annotator)
        status = row["status"] if row else "new"
        answer = row["answer"] if row else None
        if chosen.statuses is not None and status not in chosen.statuses:
            continue
        if not chosen.include_rejected and answer in ("reject", "ignore"):
            continue
        mine = [
            s
            for s in spans
            if s.annotator == annotator and (chosen.labels is None or s.label in chosen.labels)
        ]
        ids = {s.id for s in mine}
        linked = [
            r
            for r in relations
            if r.annotator == annotator and r.head_id in ids and r.child_id in ids
        ]
        theirs = [c for c in categories if c.annotator == annotator]
        yield Layer(document, annotator, mine, linked, status, answer, theirs)


def report_categories_not_held(
    project: Project, chosen: ExportFilter | None, report: ExportReport, reason: str
) -> None:
    """List in ``report`` every document category of the exported layers, for a format
    that has no place for them (a second pass over the layers, only when the project
    has categories at all)."""
    if not queries.has_categories(project.db):
        return
    for layer in select_layers(project, chosen):
        for category in layer.categories:
            report.lose_category(layer, category, reason)
