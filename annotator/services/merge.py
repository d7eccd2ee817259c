"""Merging projects: several annotators' files (or native exports) into one.

A project file is read as its native export would be (``native.project_records``), so
both kinds of source go through the one native import, with ``newer_wins``. Documents
are matched by the SHA-256 of their text. Every annotator's spans, links, attributes,
notes, statuses and suggestions come along with their provenance (annotator, origin,
times), and so do claim records, evidence, claim matches, patterns, settings and the
change history (marked with the project it was first recorded in); where the same span,
link, status, claim record or match is in both in different versions, the one updated
later wins. Merging the same file twice changes nothing. Labels the target lacks are
added; label definitions that differ are reported and the target's are kept, except in a
target that is still untouched, which takes the first source's as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from annotator.core.copying import DocumentsToCopy
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.formats.native import project_records, read_native
from annotator.formats.reader import count_records
from annotator.model.changes import ChangeSummary
from annotator.model.errors import AnnotatorError, InputFileError
from annotator.model.imports import ImportReport, SchemaIn
from annotator.model.schema import Schema
from annotator.store import queries
from annotator.store.check import describe_damage
from annotator.store.copying import NotCopyable, attached, matched_documents


@dataclass(slots=True)
class MergeReport:
    sources: list[str] = field(default_factory=list)
    documents_added: int = 0
    documents_matched: int = 0
    spans_added: int = 0
    spans_already_there: int = 0
    spans_updated: int = 0
    relations_added: int = 0
    relations_updated: int = 0
    claim_records_added: int = 0
    claim_records_updated: int = 0
    evidence_added: int = 0
    claim_matches_added: int = 0
    claim_matches_updated: int = 0
    patterns_added: int = 0
    categories_added: int = 0
    events_added: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    labels_added: list[str] = field(default_factory=list)
    schema_differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: ChangeSummary | None = None
    """What the merge changed, by meaning (``None`` when it changed nothing)."""

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if name != "summary"}


def schema_differences(target: Schema, source: Schema, name: str) -> list[str]:
    """How label and link definitions of ``source`` differ from ``target``'s."""
    differences = []
    for label in source.labels:
        if not target.has_label(label.name):
            continue
        ours = target.label(label.name)
        for part in ("colour", "keys", "description", "attributes"):
            if getattr(ours, part) != getattr(label, part):
                differences.append(
                    f"label {label.name!r}: {part} differs in {name} "
                    f"({_show(getattr(label, part))}); kept this project's "
                    f"({_show(getattr(ours, part))})"
                )
    ours_rel = {r.name: r for r in target.relations}
    for relation in source.relations:
        mine = ours_rel.get(relation.name)
        if mine is not None and (mine.head, mine.child) != (relation.head, relation.child):
            differences.append(
                f"link {relation.name!r}: {relation.head} → {relation.child} in {name}, "
                f"{mine.head} → {mine.child} here; kept this project's"
            )
    return differences


def _show(value: Any) -> str:
    if isinstance(value, tuple) and value and hasattr(value[0], "to_dict"):
        return ", ".join(v.name for v in value) or "none"
    return " ".join(value) if isinstance(value, tuple) else str(value)


def check_source(path: Path) -> None:
    """Refuse, before anything is written, a source that is neither a project file nor
    a native export (a Prodigy file, say: that is for ``annotator import``)."""
    from annotator.files.safety import shown
    from annotator.formats.reader import detect_format

    if path.is_dir():
        raise AnnotatorError(
            f"{shown(path)} is a folder: merge takes project files and native exports"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise AnnotatorError(f"cannot read {shown(path)}: {exc.strerror}") from None
    if head == b"SQLite format 3\x00":
        return
    fmt = detect_format(path) if path.suffix.lower() in (".jsonl", ".json") else None
    if fmt != "native":
        kind = f"a {fmt} file" if fmt else "not an Annotator project or native export"
        raise AnnotatorError(
            f"{shown(path)} is {kind}: merge takes project files and native exports; "
            f"bring it in with `annotator import {shown(path)}`"
        )


def merge_into(
    target: Project,
    sources: list[Path],
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> MergeReport:
    """Merge every source (a project file or a native JSONL export) into ``target``.

    Each source is merged in its own transaction; a source that cannot be read stops the
    merge with a message, and the sources before it stay merged. ``on_total`` gets about
    how many documents the sources hold before the first is merged; ``progress`` the
    number of them merged so far.
    """
    report = MergeReport(sources=[str(p) for p in sources])
    for path in sources:
        check_source(path)
    if on_total is not None:
        on_total(sum(_documents_in(path, target.annotator) for path in sources))
    done = 0
    for path in sources:
        if path.resolve() == (target.path.resolve() if target.path else None):
            raise AnnotatorError(f"{path} is the project being merged into")
        step = None if progress is None else (lambda n, before=done: progress(before + n))
        with ExitStack() as stack:
            imported = _merge_one(target, path, stack, report, step, cancelled)
        done += imported.documents_added + imported.documents_existing + len(imported.skipped)
        for name in _COUNTED:
            setattr(report, name, getattr(report, name) + getattr(imported, name))
        for table, count in imported.deleted.items():
            report.deleted[table] = report.deleted.get(table, 0) + count
        report.documents_matched += imported.documents_existing
        report.spans_already_there += imported.spans_duplicate
        report.labels_added += imported.labels_added
        report.notes += imported.notes
        if (merged := imported.summary) is not None:
            report.summary = merged if report.summary is None else report.summary.union(merged)
    return report


def _documents_in(path: Path, annotator: str) -> int:
    """About how many documents a source holds (for progress), without reading them."""
    if path.suffix.lower() in (".jsonl", ".json"):
        return count_records([path], "native")
    try:
        with Project.open(path, annotator=annotator, create=False, readonly=True) as source:
            return queries.document_count(source.db)
    except AnnotatorError:
        return 0  # the merge itself says what is wrong with it


def _merge_one(
    target: Project,
    path: Path,
    stack: ExitStack,
    report: MergeReport,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> ImportReport:
    """Import one source's records as they are read (never all of them at once); from a
    project file defining labels and links as the target does, the documents the target
    lacks are copied row for row instead (:mod:`annotator.core.copying`)."""
    source = None
    if path.suffix.lower() not in (".jsonl", ".json"):
        source = stack.enter_context(
            Project.open(path, annotator=target.annotator, create=False, readonly=True)
        )
    copy = _documents_to_copy(target, source) if source is not None else None
    if copy is not None:  # read in SQL where SQLite can read the source's file alike
        copy.attached = stack.enter_context(attached(target.db, copy.source))
    try:
        return _import_one(target, path, source, report, progress, cancelled, copy)
    except NotCopyable:  # the record path says what is wrong, or takes it after all
        return _import_one(target, path, source, report, progress, cancelled, None)


def _documents_to_copy(target: Project, source: Project) -> DocumentsToCopy | None:
    """What of ``source`` is copied row for row: nothing unless both define the same
    labels and links (or the target, untouched, takes the source's)."""
    alike = set(target.schema.labels) == set(source.schema.labels) and set(
        target.schema.relations
    ) == set(source.schema.relations)
    if not (alike or queries.is_untouched(target.db)):
        return None
    return DocumentsToCopy(source.db, matched_documents(source.db, target.db))


def _import_one(
    target: Project,
    path: Path,
    source: Project | None,
    report: MergeReport,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
    copy: DocumentsToCopy | None,
) -> ImportReport:
    schema = SchemaIn()
    if source is None:
        records = read_native(path, report.notes, schema)
    else:
        records = project_records(
            source, schema, documents=copy.matched if copy is not None else None
        )
    first = next(records, None)  # the header, with the source's schema, is read by now
    if not queries.is_untouched(target.db):  # an untouched target takes them as they are
        given = Schema.from_dicts(schema.labels, schema.relations)
        report.schema_differences += schema_differences(target.schema, given, path.name)
    try:
        return import_documents(
            target,
            chain([first] if first is not None else [], records),
            schema=schema,
            newer_wins=True,
            progress=progress,
            cancelled=cancelled,
            copy=copy,
        )
    except InputFileError:
        if source is None:
            raise
        damage = describe_damage(path)  # rows that make no valid record: tampered?
        if damage is None:
            raise
        raise AnnotatorError(damage) from None


_COUNTED = (
    "documents_added",
    "spans_added",
    "spans_updated",
    "relations_added",
    "relations_updated",
    "claim_records_added",
    "claim_records_updated",
    "evidence_added",
    "claim_matches_added",
    "claim_matches_updated",
    "patterns_added",
    "categories_added",
    "events_added",
)
