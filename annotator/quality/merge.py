"""Merging projects: several annotators' files (or native exports) into one.

Documents are matched by the SHA-256 of their text. Every annotator's spans, links,
attributes, notes, statuses and suggestions come along with their provenance (annotator,
origin, times); where the same span, link or status is in both in different versions,
the one updated later wins. The change history comes along too, marked with the project
it came from, so merging the same file twice changes nothing. Labels the target lacks are
added; label definitions that differ are reported and the target's are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.ingest import DocumentIn, SchemaIn, import_documents
from annotator.core.project import Project
from annotator.core.schema import Schema
from annotator.formats.export import ExportFilter
from annotator.formats.native import document_record, read_native, record_to_document
from annotator.store import queries


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
    events_added: int = 0
    labels_added: list[str] = field(default_factory=list)
    schema_differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


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


def _records_of_project(source: Project) -> Iterator[DocumentIn]:
    everything = ExportFilter(include_rejected=True)
    for document, stored in queries.iter_annotated_documents(source.db):
        record = document_record(source, document, everything, stored)
        yield record_to_document(record, f"{source.path}: document {document.id}")


def merge_into(
    target: Project,
    sources: list[Path],
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> MergeReport:
    """Merge every source (a project file or a native JSONL export) into ``target``.

    Each source is merged in its own transaction; a source that cannot be read stops the
    merge with a message, and the sources before it stay merged.
    """
    report = MergeReport(sources=[str(p) for p in sources])
    for n, path in enumerate(sources, 1):
        if path.resolve() == (target.path.resolve() if target.path else None):
            raise AnnotatorError(f"{path} is the project being merged into")
        schema = SchemaIn()
        if path.suffix.lower() in (".jsonl", ".json"):
            records = list(read_native(path, report.notes, schema))
            events: list[dict[str, Any]] = []
            origin = None
        else:
            with Project.open(
                path, annotator=target.annotator, create=False, allow_readonly=True
            ) as source:
                report.schema_differences += schema_differences(
                    target.schema, source.schema, path.name
                )
                schema.labels = [label.to_dict() for label in source.schema.labels]
                schema.relations = [rel.to_dict() for rel in source.schema.relations]
                records = list(_records_of_project(source))
                events = _events_of(source)
                origin = source.uuid or str(path.resolve())
        imported = import_documents(
            target, records, schema=schema, newer_wins=True, cancelled=cancelled
        )
        report.documents_added += imported.documents_added
        report.documents_matched += imported.documents_existing
        report.spans_added += imported.spans_added
        report.spans_already_there += imported.spans_duplicate
        report.spans_updated += imported.spans_updated
        report.relations_added += imported.relations_added
        report.relations_updated += imported.relations_updated
        report.labels_added += imported.labels_added
        report.notes += imported.notes
        if origin is not None:
            report.events_added += _copy_events(target, events, origin)
        if progress is not None:
            progress(n)
    return report


def _events_of(source: Project) -> list[dict[str, Any]]:
    rows = list(source.db.query("SELECT * FROM events ORDER BY id"))
    sha_of = dict(source.db.execute("SELECT id, text_sha256 FROM documents").fetchall())
    for row in rows:
        row["sha256"] = sha_of.get(row["document_id"])
    return rows


def _copy_events(target: Project, events: list[dict[str, Any]], origin: str) -> int:
    """History of another project, marked with where it came from (once only)."""
    with target._writing() as db:
        before = db.execute("SELECT count(*) FROM events").fetchone()[0]
        hashes = [e["sha256"] for e in events if e["sha256"]]
        ids = queries.document_ids_by_hashes(db, hashes)
        db["events"].insert_all(
            (
                {
                    "at": e["at"],
                    "annotator": e["annotator"],
                    "op": e["op"],
                    "description": e["description"],
                    "document_id": ids.get(e["sha256"]),
                    "rows": e["rows"],
                    "origin": e["origin"] or origin,
                    "origin_id": e["origin_id"] if e["origin"] else e["id"],
                }
                for e in events
            ),
            ignore=True,  # the unique (origin, origin_id): already merged before
        )
        return db.execute("SELECT count(*) FROM events").fetchone()[0] - before
