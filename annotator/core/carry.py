"""What an import carries besides documents, spans and links: the rest of a project.

A native export (or a project being merged) brings its label and link definitions, its
settings, annotators and patterns, the fact-checkers' claim records, evidence and claim
matches, and the change history. :func:`carry_project_data` stores them inside the
import's transaction, after the documents and spans they refer to.

Policies:

- An *untouched* project (no document, no history: just created) takes the file's
  definitions and settings as they are, so importing a native export into a new project
  gives back the same project. Otherwise the project's own are kept, what the file lacks
  is added, and every difference is reported.
- Claim records: one per claim; an existing record is replaced only when merging
  (``newer_wins``) and the incoming one was updated later. Evidence: items not already
  there are added. Matches: like records, by the pair of claims.
- History: events keep their origin (the project they were first recorded in and their
  id there), so the same history merged twice is stored once; a project's own history
  coming back is not stored again.
- Deletions (merging only): a span, link or evidence item whose history in the source
  ends with its deletion (or, for a span, with a relabel or move away from it) is deleted
  here too, unless it was changed here after that: later wins, deletions included, so a
  mistake an annotator removed does not come back with the next merge.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from annotator.model.records import dumps_json
from annotator.store import fetch_row, queries, writes
from annotator.store.inventory import PROJECT_SETTINGS, USER_TABLES
from annotator.store.portable import Portable

if TYPE_CHECKING:
    from annotator.core.project import Project
    from annotator.model.imports import DocumentIn, ImportReport, SchemaIn

_RECORD = ("status", "normalized", "verdict", "rating", "assignee", "updated")
_EVIDENCE = ("location", "quote", "stance", "retrieved", "annotator", "created")


def adopt_definitions(project: Project, schema: SchemaIn, report: ImportReport) -> None:
    """Give an untouched project the file's definitions of the labels and link types it
    already has (call before the schema plan adds the ones it lacks)."""
    from annotator.core.schema_growth import usable_keys

    db = project.db
    defined = {d["name"] for d in schema.labels}
    taken = {
        key.lower(): label.name
        for label in project.schema.labels
        if label.name not in defined
        for key in label.keys
    }
    for label in schema.labels:
        if fetch_row(db, "labels", (label["name"],)) is None:
            continue  # a new label: the schema plan adds it, checked
        colour = label.get("colour")
        update = {
            "keys": dumps_json(usable_keys(label, taken, report)),
            "description": label.get("description", ""),
            "attributes": dumps_json(label.get("attributes", [])),
        }
        if isinstance(colour, str) and _COLOUR.match(colour):
            update["colour"] = colour
        writes.update_row(db, "labels", label["name"], update)
    for relation in schema.relations:
        if fetch_row(db, "relation_types", (relation["name"],)) is not None:
            writes.update_row(
                db,
                "relation_types",
                relation["name"],
                {
                    "head_label": relation["head"],
                    "child_label": relation["child"],
                    "description": relation.get("description", ""),
                    "attributes": dumps_json(relation.get("attributes", [])),
                },
            )
    project.forget_cached_schema()


def adopt_order(project: Project, schema: SchemaIn) -> None:
    """Put the labels and link types in the file's order (after the schema plan)."""
    for table, definitions in (("labels", schema.labels), ("relation_types", schema.relations)):
        for n, definition in enumerate(definitions):
            if fetch_row(project.db, table, (definition["name"],)) is not None:
                position = definition.get("position", n)
                writes.update_row(project.db, table, definition["name"], {"position": position})
    project.forget_cached_schema()


_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def carry_settings(
    project: Project, schema: SchemaIn, report: ImportReport, *, adopt: bool, where: str
) -> None:
    """Project settings from the file: all of them into an untouched project; else those
    the project has not set, and a note for each that differs."""
    current = queries.project_values(project.db, PROJECT_SETTINGS)
    for key in sorted(schema.settings):
        value = schema.settings[key]
        if adopt or key not in current:
            writes.set_project_values(project.db, {key: value})
        elif current[key] != value:
            report.notes.append(
                f"{where}: setting {key!r} is {value!r} there; kept this project's {current[key]!r}"
            )


def carry_annotators(project: Project, schema: SchemaIn) -> None:
    """Annotators named in the file, each with the earliest date it was first seen."""
    for row in schema.annotators:
        name, created = row["name"], row["created"]
        stored = fetch_row(project.db, "annotators", (name,))
        if stored is None:
            writes.insert_row(project.db, "annotators", {"name": name, "created": created})
        elif created < stored["created"]:
            writes.update_row(project.db, "annotators", name, {"created": created})


def carry_patterns(project: Project, schema: SchemaIn, report: ImportReport, where: str) -> None:
    """Project patterns and switched-off shipped ones the project does not have yet."""
    for row in schema.patterns:
        stored = queries.pattern_row(project.db, row["label"], row["pattern"])
        if stored is None:
            writes.insert_row(project.db, "patterns", {k: row[k] for k in _PATTERN_COLUMNS})
            report.patterns_added += 1
        elif (stored["enabled"], stored["pattern_set"]) != (row["enabled"], row["pattern_set"]):
            state = "on" if row["enabled"] else "off"
            report.notes.append(
                f"{where}: pattern {row['label']} {row['pattern']} is switched {state} "
                "there; kept this project's"
            )
    if schema.patterns:
        project.forget_cached_suggestion_inputs()


_PATTERN_COLUMNS = ("label", "pattern", "pattern_set", "ident", "enabled", "annotator", "created")


def carry_claims(
    project: Project,
    items: list[tuple[DocumentIn, int]],
    *,
    newer_wins: bool,
    report: ImportReport,
) -> None:
    """Claim records and evidence of the spans of ``items`` (records and their ids)."""
    db = project.db
    ids_by_document: dict[int, dict[tuple[str, str, int, int], int]] = {}
    fallback = project.annotator
    for record, document_id in items:
        claimed = [s for s in record.spans if s.claim is not None or s.evidence]
        if not claimed:
            continue
        if document_id not in ids_by_document:
            ids_by_document[document_id] = queries.span_ids_by_key(db, document_id)
        ids = ids_by_document[document_id]
        for span in claimed:
            span_id = ids[(span.annotator or fallback, span.label, span.start, span.end)]
            if span.claim is not None:
                _carry_record(project, span_id, span.claim, newer_wins, report, record.where)
            if span.evidence:
                _carry_evidence(project, span_id, span.evidence, report)


def _carry_record(
    project: Project,
    span_id: int,
    incoming: dict[str, str],
    newer_wins: bool,
    report: ImportReport,
    where: str,
) -> None:
    stored = fetch_row(project.db, "claim_records", (span_id,))
    row = {"span_id": span_id, **{k: incoming[k] for k in _RECORD}}
    if stored is None:
        writes.insert_row(project.db, "claim_records", row)
        report.claim_records_added += 1
    elif all(stored[k] == row[k] for k in _RECORD):
        return
    elif newer_wins and row["updated"] > stored["updated"]:
        writes.update_row(project.db, "claim_records", span_id, row)
        report.claim_records_updated += 1
    else:
        report.notes.append(f"{where}: a claim's record differs; kept the one already here")


def _carry_evidence(
    project: Project, span_id: int, items: list[dict[str, Any]], report: ImportReport
) -> None:
    def key(item: dict[str, Any]) -> tuple:
        return tuple(item[k] for k in _EVIDENCE)

    have = Counter(key(row) for row in queries.evidence_of(project.db, span_id))
    for item in items:
        if have[key(item)]:
            have[key(item)] -= 1
            continue
        evidence = {"span_id": span_id, **{k: item[k] for k in _EVIDENCE}}
        writes.insert_row(project.db, "evidence", evidence)
        report.evidence_added += 1


def carry_matches(
    project: Project, schema: SchemaIn, portable: Portable, *, newer_wins: bool, report
) -> None:
    """Confirmed, rejected and suggested claim matches, by the pair of claims."""
    for match in schema.claim_matches:
        main = portable.resolve("spans", match["main"])
        other = portable.resolve("spans", match["other"])
        if main is None or other is None or main == other:
            report.notes.append(f"{match['where']}: a claim match names a claim not here; skipped")
            continue
        row = {
            "main_span_id": main,
            "other_span_id": other,
            **{k: match[k] for k in ("similarity", "state", "annotator", "updated")},
        }
        stored = queries.match_row(project.db, main, other)
        if stored is None:
            writes.insert_row(project.db, "claim_matches", row)
            report.claim_matches_added += 1
        elif newer_wins and row["updated"] > stored["updated"] and stored["state"] != row["state"]:
            writes.update_row(project.db, "claim_matches", stored["id"], row)
            report.claim_matches_updated += 1


def carry_events(project: Project, schema: SchemaIn, portable: Portable, report) -> None:
    """The history, in this project's ids; each event once, whatever its route here."""
    own = project.uuid
    for event in schema.events:
        if event["origin"] == own:
            continue  # this project's own history, coming back
        document = event["document_id"]
        row = {
            "at": event["at"],
            "annotator": event["annotator"],
            "op": event["op"],
            "description": event["description"],
            "document_id": portable.resolve("documents", document) if document else None,
            "rows": dumps_json(portable.change_rows_in(event["rows"])),
            "origin": event["origin"],
            "origin_id": event["origin_id"],
        }
        before = project.db.conn.total_changes
        writes.insert_row(project.db, "events", row, ignore=True)  # unique (origin, origin_id)
        report.events_added += project.db.conn.total_changes - before


_DELETABLE = {"spans": "updated", "relations": "updated", "evidence": "created"}
"""Tables whose rows a merge deletes when the source deleted them, and the column saying
when a row here last changed."""


def carry_deletions(
    project: Project,
    schema: SchemaIn,
    portable: Portable,
    held: Iterable[int],
    report,
    *,
    made: set[int] | frozenset[int] = frozenset(),
) -> set[int]:
    """Delete what the source's history deleted last and the source no longer holds
    (``held``: :func:`held_keys` of its records, read once); see the module's policies.
    Nothing of the documents ``made`` by this merge is deleted: they hold what the
    source holds now. Returns the documents touched."""
    last: dict[tuple[str, str], tuple[str, Any]] = {}  # (table, key) -> (at, gone or None)
    for event in schema.events:
        for row in event["rows"]:
            table = row["table"]
            if table not in _DELETABLE:
                continue
            before, after = _natural(table, row["before"]), _natural(table, row["after"])
            if before is not None and before != after:
                last[(table, before)] = (event["at"], row["before"])
            if after is not None:
                last[(table, after)] = (event["at"], None)
    gone_keys = {hash(key) for key, (_, gone) in last.items() if gone is not None}
    still_held = {h for h in held if h in gone_keys}  # one pass; only these are kept
    touched: set[int] = set()
    for (table, key), (at, gone) in sorted(last.items(), key=lambda item: item[1][0]):
        if gone is None or hash((table, key)) in still_held:
            continue
        spec = USER_TABLES[table]
        ref = [gone[c] for c in spec.natural_key]
        local = portable.resolve(table, ref)
        stored = fetch_row(project.db, table, (local,)) if local is not None else None
        if stored is None or stored[_DELETABLE[table]] > at:
            continue
        document = _document_of(project, stored)
        if document in made:
            continue
        writes.delete_row(project.db, table, local)
        portable.forget()
        report.deleted[table] = report.deleted.get(table, 0) + 1
        touched.add(document)
    return touched


def _document_of(project: Project, row: dict[str, Any]) -> int:
    """The document a span, link or evidence row belongs to."""
    if "document_id" in row:
        return row["document_id"]
    return next(iter(queries.documents_of_spans(project.db, {row["span_id"]})))


def _natural(table: str, row: dict[str, Any] | None) -> str | None:
    """A portable row's natural key as text (``None`` for no row)."""
    if row is None:
        return None
    return dumps_json([row.get(c) for c in USER_TABLES[table].natural_key])


def held_keys(records: Iterable[tuple[str, DocumentIn]], fallback: str) -> set[int]:
    """Hashes of the natural keys (``(table, key)`` as :func:`_natural` writes them) of
    the spans, links and evidence ``records`` hold (with the SHA-256 of their text).
    Hashes, because a merge keeps them for every record of its source; two keys of the
    same hash can only keep a row a deletion would have removed, never remove one."""
    held: set[tuple[str, str]] = set()
    for sha, record in records:
        refs = [[sha, s.annotator or fallback, s.label, s.start, s.end] for s in record.spans]
        held |= {("spans", dumps_json(ref)) for ref in refs}
        for r in record.relations:
            who = r.annotator or refs[r.head][1]
            held.add(("relations", dumps_json([refs[r.head], refs[r.child], r.label, who])))
        for ref, span in zip(refs, record.spans, strict=True):
            for item in span.evidence:
                held.add(("evidence", dumps_json([ref, *(item[k] for k in _EVIDENCE)])))
    return {hash(key) for key in held}
