"""Bringing documents and their annotations into a project, all or nothing.

Readers in ``annotator.formats`` turn files into :class:`DocumentIn` records; this
module checks them, grows the schema for labels the project does not know yet (refused
with ``strict``), tokenises new texts, and writes everything in one transaction. Token
rows are made as they are written, a batch at a time, so their memory does not grow
with the number of documents; Cancel during tokenising rolls the transaction back.

Policies (the README documents them):

- A document whose text is already stored (same SHA-256) is not copied: its
  annotations are added to the stored one.
- A span outside the text, an empty span, a relation to a missing span or to itself:
  the record is refused (``file:line: reason``).
- The same span twice (same annotator, label and offsets): stored once, counted in
  ``spans_duplicate``. The same relation twice likewise.
- Labels and relation types the project does not know are added to its schema and
  listed in ``labels_added`` / ``relations_added``; attributes and choices likewise
  (listed in ``notes``). With ``strict`` a record that needs any of them is refused.
- An attribute value of the wrong type for the schema refuses its record
  (:class:`~annotator.core.schema_growth.SchemaCheck`), so every stored value can be
  edited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from annotator.core import carry
from annotator.core.schema_growth import (
    SchemaCheck,
    apply_schema_growth,
    apply_schema_plan,
    fix_colours,
    plan_schema,
)
from annotator.model.changes import KINDS, ChangeSummary, bulk_summary
from annotator.model.errors import InputFileError
from annotator.model.imports import (
    ANSWERS,
    Cancelled,
    DocumentIn,
    ImportReport,
    SchemaIn,
)
from annotator.model.names import name_problem, unpaired_surrogate
from annotator.model.records import STATUSES, dumps_json, text_sha256
from annotator.model.words import counted
from annotator.store import queries
from annotator.store.bands import flag_near_duplicates
from annotator.store.bulk import insert_rows
from annotator.store.portable import Portable

if TYPE_CHECKING:
    from annotator.core.project import Project


def _check(record: DocumentIn) -> None:
    """Raise ``ValueError`` with the reason if the record cannot be imported as it is."""
    if record.error:
        raise ValueError(record.error)
    if not isinstance(record.text, str) or not record.text:
        raise ValueError("the document text is empty")
    if where := unpaired_surrogate(record):
        raise ValueError(
            f"{'the text' if where == 'text' else where} holds an unpaired surrogate "
            "(such as \\ud800), which cannot be stored"
        )
    if record.lang is not None and not isinstance(record.lang, str):
        raise ValueError(f"the language ('lang') must be a code such as 'en', not {record.lang!r}")
    _check_types(record)
    length = len(record.text)
    for span in record.spans:
        if not (isinstance(span.start, int) and isinstance(span.end, int)):
            raise ValueError(f"span offsets must be integers, not {span.start!r}, {span.end!r}")
        if not (0 <= span.start < span.end <= length):
            raise ValueError(
                f"span [{span.start}, {span.end}) {span.label!r} is outside the text "
                f"(0 to {length}) or empty"
            )
        if problem := name_problem(span.label):
            raise ValueError(problem)
    for suggestion in record.suggestions:
        if problem := name_problem(suggestion.label):
            raise ValueError(problem)
    _check_suggested_relations(record)
    for relation in record.relations:
        if problem := name_problem(relation.label, "link type"):
            raise ValueError(problem)
        if not (0 <= relation.head < len(record.spans) and 0 <= relation.child < len(record.spans)):
            raise ValueError(f"relation {relation.label!r} refers to a span that is not there")
        same = record.spans[relation.head]
        other = record.spans[relation.child]
        if relation.head == relation.child or (
            (same.start, same.end, same.label) == (other.start, other.end, other.label)
        ):
            raise ValueError(f"relation {relation.label!r} links a span to itself")
    for category in record.categories:
        if not isinstance(category.label, str) or not category.label.strip():
            raise ValueError("a document category has no name")
        value = category.value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(
                f"category {category.label!r} has the value {value!r}, not a number from 0 to 1"
            )
    for status in record.statuses:
        if status.status not in STATUSES or (status.answer and status.answer not in ANSWERS):
            raise ValueError(f"unknown status {status.status!r} / answer {status.answer!r}")
    for item in (*record.spans, *record.relations, *record.statuses, *record.categories):
        if item.annotator is not None and (problem := name_problem(item.annotator, "annotator")):
            raise ValueError(problem)


def _check_suggested_relations(record: DocumentIn) -> None:
    places = [(s.label, s.start, s.end, s.source) for s in record.suggestions]
    for link in record.suggested_relations:
        if problem := name_problem(link.label, "link type"):
            raise ValueError(problem)
        ends = (link.head, link.child)
        if not all(isinstance(i, int) and 0 <= i < len(places) for i in ends):
            raise ValueError(f"suggested relation {link.label!r} refers to a suggestion not there")
        if places[link.head] == places[link.child]:
            raise ValueError(f"suggested relation {link.label!r} links a suggestion to itself")
        if link.status not in ("open", "accepted", "rejected"):
            raise ValueError(f"suggested relation {link.label!r} has the status {link.status!r}")
        if not isinstance(link.source, str) or not link.source:
            raise ValueError(f"suggested relation {link.label!r} has no source")


def _check_types(record: DocumentIn) -> None:
    """What every reader should have checked already, said plainly if one did not."""
    if not isinstance(record.title, str) or not isinstance(record.note, str):
        raise ValueError("the title and the document note must be texts")
    if not isinstance(record.meta, dict):
        raise ValueError(f"the metadata ('meta') must be an object, not {record.meta!r}")
    for item in (*record.spans, *record.statuses, *record.categories):
        if item.annotator is not None and not isinstance(item.annotator, str):
            raise ValueError(f"an annotator must be a name, not {item.annotator!r}")
    for span in record.spans:
        if not isinstance(span.attributes, dict):
            raise ValueError(f"span attributes must be an object, not {span.attributes!r}")
        if not isinstance(span.note, str):
            raise ValueError(f"a span's note must be a text, not {span.note!r}")
    for relation in record.relations:
        if not isinstance(relation.attributes, dict):
            raise ValueError(f"link attributes must be an object, not {relation.attributes!r}")
        if relation.annotator is not None and not isinstance(relation.annotator, str):
            raise ValueError(f"a link's annotator must be a name, not {relation.annotator!r}")
        ends = (relation.head, relation.child)
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in ends):
            raise ValueError(f"a link's head and child must be span numbers, not {ends!r}")


def _split_where(where: str) -> tuple[str, int | None]:
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return where, None


def import_documents(
    project: Project,
    records: Iterable[DocumentIn],
    *,
    skip_invalid: bool = False,
    strict: bool = False,
    schema: SchemaIn | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    tokenize: bool = True,
    lang: str | None = None,
    newer_wins: bool = False,
) -> ImportReport:
    """Check, tokenise and store ``records`` in one transaction.

    Without ``skip_invalid`` the first bad record raises :class:`InputFileError` and the
    project is unchanged; with it, bad records are listed in ``report.skipped``. With
    ``strict``, labels or relation types the project does not know are errors.
    ``progress`` gets the number of records tokenised so far; ``cancelled`` returning
    true stops with :class:`Cancelled` and the project unchanged. A record's language is
    its own, else ``lang`` or ``language`` in its metadata, else ``lang``, else the
    project's default. With ``newer_wins`` (merging), a span, link or status already stored
    takes the incoming version when that one was updated later, and a document note is
    filled in when the stored one is empty. With ``tokenize=False``
    tokens are computed on first use (the first window imports the sample this way, so
    spaCy loads after the paint).
    """
    from annotator.text import tokenize_many, tokenizer_name, tokenizer_note

    report = ImportReport()
    default_lang = project.default_lang()
    given = schema or SchemaIn()
    adopt = given.complete and queries.is_untouched(project.db)
    check = SchemaCheck(project, given, strict=strict, adopt=adopt)
    accepted: list[DocumentIn] = []
    for record in records:
        try:
            _check(record)
            check(record)
        except ValueError as exc:
            if not skip_invalid:
                path, line = _split_where(record.where)
                raise InputFileError(path, str(exc), line=line) from None
            report.skipped.append(f"{record.where}: {exc}")
            continue
        meta_lang = record.meta.get("lang") or record.meta.get("language")
        record.lang = record.lang or (meta_lang if isinstance(meta_lang, str) else None)
        record.lang = (record.lang or lang or default_lang).strip().lower()
        accepted.append(record)
    fix_colours(given, report.notes)
    plan = plan_schema(project, accepted, check, report.notes)

    # Documents are told apart by their text's hash, before anything is written.
    hashes = [text_sha256(record.text) for record in accepted]
    by_hash: dict[str, DocumentIn] = {}
    for sha, record in zip(hashes, accepted, strict=True):
        by_hash.setdefault(sha, record)
    stored = queries.document_ids_by_hashes(project.db, list(by_hash))
    new = [(sha, record) for sha, record in by_hash.items() if sha not in stored]
    languages = sorted({record.lang for _, record in new}) if tokenize else []
    names = {lang: tokenizer_name(lang) for lang in languages}  # loads each tokenizer
    for lang in languages:
        if note := tokenizer_note(lang):  # known once the tokenizer is loaded
            report.notes.append(note)

    def tokens(ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
        """Token rows of the new documents, made as they are written (a batch at a
        time, never all at once); tokenising is the slow part, so progress and Cancel
        are here."""
        done = 0
        for lang in languages:
            group = [(sha, record) for sha, record in new if record.lang == lang]
            texts = (record.text for _, record in group)
            for (sha, _), offsets in zip(group, tokenize_many(texts, lang), strict=True):
                yield (ids[sha], names[lang], *offsets.to_blobs())  # TOKEN_COLUMNS
                done += 1
                if cancelled is not None and cancelled():
                    raise Cancelled()
                if progress is not None:
                    progress(done)

    op = "merge" if newer_wins else "import"
    description = f"{op.capitalize()} {counted(len(accepted), 'document')}"
    with project.transact(op, description) as transaction:
        db = project.db
        changes_before = db.conn.total_changes
        stamp = _now()
        if adopt:
            carry.adopt_definitions(project, given, report)
        apply_schema_plan(project, plan, report)
        _carry_definitions(project, given, report, adopt=adopt)
        apply_schema_growth(project, plan, report)
        created = _insert_documents(project, new, tokens, stamp)
        ids = {**stored, **created}
        report.documents_added = len(new)
        report.documents_existing = len(by_hash) - len(new)
        items = [(record, ids[sha]) for sha, record in zip(hashes, accepted, strict=True)]
        if newer_wins:
            _take_newer(project, [(r, i) for r, i in items if i not in created.values()], report)
        _insert_annotations(project, items, set(created.values()), stamp, report)
        carry.carry_claims(project, items, newer_wins=newer_wins, report=report)
        portable = Portable(db, project.uuid)
        carry.carry_matches(project, given, portable, newer_wins=newer_wins, report=report)
        carry.carry_events(project, given, portable, report)
        deleted_in = set()
        if newer_wins:
            incoming = list(zip(hashes, accepted, strict=True))
            deleted_in = carry.carry_deletions(project, given, portable, incoming, report)
        if db.conn.total_changes != changes_before:  # an import that added nothing is no event
            touched = {i for record, i in items if record.spans or record.note or record.statuses}
            touched |= deleted_in
            _flag_near_duplicates(db, sorted(created.values()), report)
            report.summary = _summary(op, report, touched, set(created.values()))
            transaction.record_bulk(report.to_dict(), report.summary, at=stamp)
        if cancelled is not None and cancelled():
            raise Cancelled()
    return report


def _summary(op: str, report: ImportReport, touched: set[int], created: set[int]) -> ChangeSummary:
    """What an import or merge changed, by meaning, from its report."""
    counted = {
        "details": report.documents_added,
        "spans": report.spans_added + report.spans_updated,
        "links": report.relations_added + report.relations_updated,
        "statuses": report.statuses_updated,
        "suggestions": report.suggestions_added + report.suggested_relations_added,
        "claims": report.claim_records_added
        + report.claim_records_updated
        + report.evidence_added
        + report.claim_matches_added
        + report.claim_matches_updated,
        "patterns": report.patterns_added,
        "categories": report.categories_added,
    }
    kinds = {kind for kind, count in counted.items() if count}
    kinds |= {KINDS.get(table, table) for table, count in report.deleted.items() if count}
    # Files bring definitions, settings and names along without counting each of them.
    kinds |= {"schema", "settings", "annotators"}
    details = created | touched if op == "merge" else created  # merging may fill in notes
    return bulk_summary(op, kinds=kinds, documents=touched | created, details=details)


# -- writing ------------------------------------------------------------------------------


def _carry_definitions(project: Project, given: SchemaIn, report: ImportReport, *, adopt: bool):
    """Definitions, settings, annotators and patterns that came with the file."""
    where = given.source or "the file"
    if adopt:
        carry.adopt_order(project, given)
    carry.carry_settings(project, given, report, adopt=adopt, where=where)
    carry.carry_annotators(project, given)
    carry.carry_patterns(project, given, report, where)


TOKEN_COLUMNS = ("document_id", "tokenizer", "starts", "ends")
SPAN_COLUMNS = (
    "document_id", "start", "end", "label", "annotator", "origin", "attributes", "note",
    "created", "updated",
)  # fmt: skip
_SPAN_ANNOTATOR = SPAN_COLUMNS.index("annotator")
SUGGESTION_COLUMNS = (
    "document_id", "start", "end", "label", "source", "score", "status", "created",
)  # fmt: skip


def _insert_documents(
    project: Project,
    new: list[tuple[str, DocumentIn]],
    tokens: Callable[[dict[str, int]], Iterator[tuple[Any, ...]]],
    stamp: str,
) -> dict[str, int]:
    """Insert new documents (rows, texts, then the token rows ``tokens(ids)`` makes);
    returns ``{sha256: id}``."""
    db = project.db
    insert_rows(
        db,
        "documents",
        ("title", "length", "text_sha256", "lang", "meta", "note", "created"),
        (
            (
                record.title,
                len(record.text),
                sha,
                record.lang,
                dumps_json(record.meta),
                record.note,
                record.created or stamp,
            )
            for sha, record in new
        ),
    )
    ids = queries.document_ids_by_hashes(db, [sha for sha, _ in new])
    insert_rows(
        db, "document_texts", ("document_id", "text"), ((ids[sha], r.text) for sha, r in new)
    )
    insert_rows(db, "document_tokens", TOKEN_COLUMNS, tokens(ids))
    return ids


def _insert_annotations(
    project: Project,
    items: list[tuple[DocumentIn, int]],
    new_ids: set[int],
    stamp: str,
    report: ImportReport,
) -> None:
    """Spans, links, statuses and suggestions of every record, in a few bulk inserts."""
    db = project.db
    fallback = project.annotator
    span_rows: list[tuple[Any, ...]] = []  # SPAN_COLUMNS
    record_keys: list[list[tuple[str, str, int, int]]] = []
    stored_keys: dict[int, set[tuple[str, str, int, int]]] = {}
    for record, document_id in items:
        if document_id not in stored_keys:
            stored_keys[document_id] = (
                set() if document_id in new_ids else queries.span_keys(db, document_id)
            )
        seen = stored_keys[document_id]
        keys = []
        for span in record.spans:
            key = (span.annotator or fallback, span.label, span.start, span.end)
            keys.append(key)
            if key in seen:
                report.spans_duplicate += 1
                continue
            seen.add(key)
            span_rows.append(
                (
                    document_id,
                    span.start,
                    span.end,
                    span.label,
                    key[0],
                    span.origin,
                    dumps_json(span.attributes),
                    span.note,
                    span.created or stamp,
                    span.updated or span.created or stamp,
                )
            )
        record_keys.append(keys)
    # Only the names the rows refer to: importing is not annotating, so the person
    # importing a native export does not join its annotators.
    names = {row[_SPAN_ANNOTATOR] for row in span_rows}
    for record, _ in items:
        names |= {r.annotator for r in record.relations if r.annotator}
        names |= {s.annotator or fallback for s in record.statuses}
        names |= {c.annotator or fallback for c in record.categories}
    db["annotators"].insert_all(
        ({"name": name, "created": stamp} for name in sorted(names)), ignore=True
    )
    insert_rows(db, "spans", SPAN_COLUMNS, span_rows)
    report.spans_added += len(span_rows)
    _insert_relations(project, items, record_keys, new_ids, stamp, report)
    db["document_status"].upsert_all(
        (
            {
                "document_id": document_id,
                "annotator": status.annotator or fallback,
                "status": status.status,
                "answer": status.answer,
                "updated": status.updated or stamp,
            }
            for record, document_id in items
            for status in record.statuses
        ),
        pk=("document_id", "annotator"),
    )
    _insert_categories(project, items, new_ids, stamp, report)
    report.suggestions_added += insert_rows(
        db,
        "suggestions",
        SUGGESTION_COLUMNS,
        (
            (document_id, g.start, g.end, g.label, g.source, g.score, g.status, g.created or stamp)
            for record, document_id in items
            for g in record.suggestions
        ),
        ignore=True,
    )
    _insert_suggested_relations(db, items, stamp, report)


def _insert_suggested_relations(
    db, items: list[tuple[DocumentIn, int]], stamp: str, report: ImportReport
) -> None:
    """Links between the records' suggestions, found by their places (an import keeps a
    link already there as it is, like the suggestions)."""
    wanted = [(record, document_id) for record, document_id in items if record.suggested_relations]
    if not wanted:
        return
    ids = queries.suggestion_ids(db, sorted({document_id for _, document_id in wanted}))
    rows = []
    for record, document_id in wanted:
        places = [(document_id, s.label, s.start, s.end, s.source) for s in record.suggestions]
        for link in record.suggested_relations:
            rows.append(
                {
                    "document_id": document_id,
                    "head_id": ids[places[link.head]],
                    "child_id": ids[places[link.child]],
                    "label": link.label,
                    "source": link.source,
                    "attributes": dumps_json(link.attributes),
                    "status": link.status,
                    "created": link.created or stamp,
                }
            )
    db["suggested_relations"].insert_all(rows, ignore=True, batch_size=5000)
    report.suggested_relations_added += len(rows)


def _insert_categories(
    project: Project,
    items: list[tuple[DocumentIn, int]],
    new_ids: set[int],
    stamp: str,
    report: ImportReport,
) -> None:
    """Document categories: one per document, annotator and label; an import replaces
    the stored value (merging keeps the newer: see :func:`_take_newer`)."""
    fallback = project.annotator
    rows = {
        (document_id, category.annotator or fallback, category.label): {
            "document_id": document_id,
            "annotator": category.annotator or fallback,
            "label": category.label,
            "value": float(category.value),
            "updated": category.updated or stamp,
        }
        for record, document_id in items
        for category in record.categories
    }
    changed = [
        row
        for key, row in rows.items()
        if key[0] in new_ids
        or (queries.category_row(project.db, *key) or {}).get("value") != row["value"]
    ]
    project.db["document_categories"].upsert_all(changed, pk=("document_id", "annotator", "label"))
    report.categories_added += len(changed)


def _insert_relations(
    project: Project,
    items: list[tuple[DocumentIn, int]],
    record_keys: list[list[tuple[str, str, int, int]]],
    new_ids: set[int],
    stamp: str,
    report: ImportReport,
) -> None:
    db = project.db
    span_ids: dict[int, dict[tuple[str, str, int, int], int]] = {}
    stored: dict[int, set[tuple[int, int, str, str]]] = {}
    rows = []
    for (record, document_id), keys in zip(items, record_keys, strict=True):
        if not record.relations:
            continue
        if document_id not in span_ids:
            span_ids[document_id] = queries.span_ids_by_key(db, document_id)
            stored[document_id] = (
                set() if document_id in new_ids else queries.relation_keys(db, document_id)
            )
        ids, seen = span_ids[document_id], stored[document_id]
        for relation in record.relations:
            who = relation.annotator or keys[relation.head][0]
            key = (ids[keys[relation.head]], ids[keys[relation.child]], relation.label, who)
            if key in seen:
                report.relations_duplicate += 1
                continue
            seen.add(key)
            rows.append(
                {
                    "document_id": document_id,
                    "head_id": key[0],
                    "child_id": key[1],
                    "label": relation.label,
                    "annotator": who,
                    "attributes": dumps_json(relation.attributes),
                    "created": relation.created or stamp,
                    "updated": relation.updated or relation.created or stamp,
                }
            )
    db["relations"].insert_all(rows, batch_size=5000)
    report.relations_added += len(rows)


def _flag_near_duplicates(db, new_ids: list[int], report: ImportReport) -> None:
    if not new_ids:
        return
    titles = dict(db.execute("SELECT id, title FROM documents").fetchall())
    for new_id, other, similarity in flag_near_duplicates(db, new_ids):
        report.near_duplicates.append((new_id, other, round(similarity, 3)))
        report.notes.append(
            f"{titles[new_id]!r} is almost the same text as {titles[other]!r} "
            f"({similarity:.0%} of the word sequences)"
        )


def _take_newer(
    project: Project, items: list[tuple[DocumentIn, int]], report: ImportReport
) -> None:
    """For records of documents already stored: where the same span, link or status is
    stored in an older version, update it; fill an empty document note. The bulk insert
    that follows then treats them as duplicates."""
    db = project.db
    fallback = project.annotator
    for record, document_id in items:
        stored = {
            row[:4]: row[4:]
            for row in db.execute(
                'SELECT annotator, label, start, "end", id, attributes, note, origin, updated '
                "FROM spans WHERE document_id = ?",
                [document_id],
            )
        }
        ids = {}
        for span in record.spans:
            key = (span.annotator or fallback, span.label, span.start, span.end)
            if key not in stored:
                continue
            span_id, attributes, note, origin, updated = stored[key]
            ids[key] = span_id
            incoming = (dumps_json(span.attributes), span.note, span.origin)
            if span.updated and span.updated > updated and incoming != (attributes, note, origin):
                db.execute(
                    "UPDATE spans SET attributes = ?, note = ?, origin = ?, updated = ? "
                    "WHERE id = ?",
                    [*incoming, span.updated, span_id],
                )
                report.spans_updated += 1
        for relation in record.relations:
            head = record.spans[relation.head]
            child = record.spans[relation.child]
            head_key = (head.annotator or fallback, head.label, head.start, head.end)
            child_key = (child.annotator or fallback, child.label, child.start, child.end)
            if head_key not in ids or child_key not in ids:
                continue
            who = relation.annotator or head_key[0]
            row = db.execute(
                "SELECT id, attributes, updated FROM relations WHERE head_id = ? AND child_id = ? "
                "AND label = ? AND annotator = ?",
                [ids[head_key], ids[child_key], relation.label, who],
            ).fetchone()
            incoming = dumps_json(relation.attributes)
            if row and relation.updated and relation.updated > row[2] and incoming != row[1]:
                db.execute(
                    "UPDATE relations SET attributes = ?, updated = ? WHERE id = ?",
                    [incoming, relation.updated, row[0]],
                )
                report.relations_updated += 1
        for status in list(record.statuses):
            who = status.annotator or fallback
            row = queries.status_of(db, document_id, who)
            if row is not None and (not status.updated or status.updated <= row["updated"]):
                record.statuses.remove(status)  # the stored one is as new or newer
            elif row is not None:
                report.statuses_updated += 1
        for category in list(record.categories):
            row = queries.category_row(
                db, document_id, category.annotator or fallback, category.label
            )
            if row is not None and (not category.updated or category.updated <= row["updated"]):
                record.categories.remove(category)  # the stored one is as new or newer
        if record.note:
            current = db.execute(
                "SELECT note FROM documents WHERE id = ?", [document_id]
            ).fetchone()[0]
            if not current:
                db.execute("UPDATE documents SET note = ? WHERE id = ?", [record.note, document_id])
            elif current != record.note:
                report.notes.append(
                    f"{record.where}: document note differs; kept the one already here"
                )


def _now() -> str:
    from annotator.core.base import now

    return now()
