"""Bringing documents and their annotations into a project, all or nothing.

Readers in ``annotator.formats`` turn files into :class:`DocumentIn` records; this
module checks them, grows the schema for labels the project does not know yet (refused
with ``strict``), tokenises new texts, and writes everything in one transaction. The
records are read, checked and written a batch at a time (``BATCH_SIZE``), so memory
does not grow with their number; a bad record, Cancel or a killed process leaves the
project as it was, because the batches share the one transaction.

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

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any

from annotator.core import carry
from annotator.core.copying import DocumentsToCopy, copy_new_documents
from annotator.core.import_tokens import ImportTokens
from annotator.core.record_checks import check_record
from annotator.core.schema_growth import (
    SchemaCheck,
    apply_schema_growth,
    apply_schema_plan,
    fix_colours,
    plan_schema,
)
from annotator.model.changes import KINDS, ChangeSummary, bulk_summary
from annotator.model.errors import InputFileError
from annotator.model.imports import Cancelled, DocumentIn, ImportReport, SchemaIn
from annotator.model.records import dumps_json, text_sha256
from annotator.model.words import counted
from annotator.store import queries, writes
from annotator.store.bands import flag_near_duplicates, insert_bands
from annotator.store.bulk import (
    insert_checked_spans,
    insert_rows,
    small_cache,
    texts_indexed_after,
)
from annotator.store.copying import Copied
from annotator.store.portable import Portable

if TYPE_CHECKING:
    from annotator.core.project import Project


def _split_where(where: str) -> tuple[str, int | None]:
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return where, None


BATCH_SIZE = 1000
"""Records checked, tokenised and written together: what an import holds at once."""
IMPORT_CACHE_KIB = 8192
"""The page cache of an import or merge: it appends rows and walks indexes in order, so
a larger cache only holds memory (60 MB more at 100,000 documents, for no time)."""


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
    batch_size: int = BATCH_SIZE,
    copy: DocumentsToCopy | None = None,
) -> ImportReport:
    """Check, tokenise and store ``records`` in one transaction, ``batch_size`` records
    at a time (``records`` is read as it goes: memory does not grow with their number).

    Without ``skip_invalid`` the first bad record raises :class:`InputFileError` and the
    project is unchanged; with it, bad records are listed in ``report.skipped``. With
    ``strict``, labels or relation types the project does not know are errors.
    ``progress`` gets the number of records handled so far; ``cancelled`` returning
    true stops with :class:`Cancelled` and the project unchanged. A record's language is
    its own, else ``lang`` or ``language`` in its metadata, else ``lang``, else the
    project's default. With ``newer_wins`` (merging), a span, link or status already stored
    takes the incoming version when that one was updated later, and a document note is
    filled in when the stored one is empty. With ``tokenize=False``
    tokens are computed on first use (the first window imports the sample this way, so
    spaCy loads after the paint). With ``copy`` (merging a project), its documents that
    ``records`` leave out are copied row for row (:mod:`annotator.core.copying`); that
    raises :class:`~annotator.store.copying.NotCopyable`, with the project unchanged,
    at a row the record path would check, rewrite or grow the schema for. An attribute
    the import adds to the schema takes its type from the first batch that holds it;
    later values must fit that type.
    """
    given = schema or SchemaIn()
    batches = batched(records, batch_size)
    # Reading the first batch reads a native file's header (its schema) too. No name
    # holds a batch but ``pending``, so one is let go before the next is read.
    pending = [next(batches, ())]
    adopt = given.complete and queries.is_untouched(project.db)
    check = SchemaCheck(project, given, strict=strict, adopt=adopt)
    check.definitions()  # the project's schema as it is before anything is adopted
    run = _Run(project, check, given=given, adopt=adopt, skip_invalid=skip_invalid, lang=lang,
               tokenize=tokenize, newer_wins=newer_wins, progress=progress,
               cancelled=cancelled, copy=copy)  # fmt: skip
    report = run.report
    fix_colours(given, report.notes)
    op = "merge" if newer_wins else "import"
    with (
        small_cache(project.db, kib=IMPORT_CACHE_KIB),  # the search index and commit too
        project.transact(op, op.capitalize()) as transaction,
        run.tokens_made(),
    ):
        db = project.db
        changes_before = db.conn.total_changes
        if adopt:
            carry.adopt_definitions(project, given, report)
        with texts_indexed_after(db):
            while pending:
                run.batch(pending.pop())
                pending.extend(islice(batches, 1))
            if run.tokens is not None:
                run.tokens.finish()
        portable = Portable(db, project.uuid)
        carry.carry_matches(project, given, portable, newer_wins=newer_wins, report=report)
        carry.carry_events(project, given, portable, report)
        if newer_wins:
            run.touched |= carry.carry_deletions(
                project, given, portable, run.held, report, made=run.created
            )
        if db.conn.total_changes != changes_before:  # an import that added nothing is no event
            if run.tokens is not None:  # banded by the helper while the rest was written
                run.tokens.store_bands()
            _flag_near_duplicates(db, run.created, report)
            report.summary = _summary(op, report, run.touched, run.created)
            transaction.description = f"{op.capitalize()} {counted(run.accepted, 'document')}"
            transaction.record_bulk(report.to_dict(), report.summary, at=run.stamp)
        if cancelled is not None and cancelled():
            raise Cancelled()
    return report


class _Run:
    """One import, a batch at a time: what it keeps between batches is the ids of the
    documents it created, matched and touched, and its report."""

    def __init__(self, project: Project, check: SchemaCheck, **options: Any):
        self.project, self.check = project, check
        self.given: SchemaIn = options["given"]
        self.adopt: bool = options["adopt"]
        self.skip_invalid: bool = options["skip_invalid"]
        self.lang: str | None = options["lang"]
        self.tokenize: bool = options["tokenize"]
        self.newer_wins: bool = options["newer_wins"]
        self.progress: Callable[[int], None] | None = options["progress"]
        self.cancelled: Callable[[], bool] | None = options["cancelled"]
        self.copy: DocumentsToCopy | None = options["copy"]
        self.report = ImportReport()
        self.default_lang = project.default_lang()
        self.stamp = _now()
        self.created: set[int] = set()
        self.existing: set[int] = set()  # documents stored before that records matched
        self.touched: set[int] = set()
        # Merging: what the source holds (carry.held_keys), 8 bytes a key: a merge of
        # a million spans would hold ~70 MB of Python ints in a set.
        self.held = array("q")
        self.tokenizers: dict[str, str] = {}
        self.tokens: ImportTokens | None = None
        self.accepted = self.handled = 0
        self.definitions_carried = False

    def batch(self, records: Sequence[DocumentIn]) -> None:
        """Check, plan the schema for, and write one batch of records."""
        project, report = self.project, self.report
        accepted = [record for record in records if self._accept(record)]
        plan = plan_schema(project, accepted, self.check, report.notes)
        apply_schema_plan(project, plan, report)
        if not self.definitions_carried:  # once, between the first labels and attributes
            _carry_definitions(project, self.given, report, adopt=self.adopt)
            self.definitions_carried = True
        apply_schema_growth(project, plan, report)
        self.check.refresh()  # what this batch added is known to the next one
        if self.copy is not None:  # once, when the annotators the rows name are here
            copy, self.copy = self.copy, None
            copy_new_documents(project, copy, self.check, self._tokenizer, report, self._copied)
        items, created, hashes = self._documents(accepted)
        self.created |= created
        if self.newer_wins:
            _take_newer(project, [(r, i) for r, i in items if i not in self.created], report)
            incoming = zip(hashes, accepted, strict=True)
            self.held.extend(carry.held_keys(incoming, project.annotator))
        _insert_annotations(project, items, created, self.stamp, report)
        carry.carry_claims(project, items, newer_wins=self.newer_wins, report=report)
        self.touched |= {i for record, i in items if record.spans or record.note or record.statuses}
        self.accepted += len(accepted)
        self.handled += len(records)
        self._step(self.handled)

    def _accept(self, record: DocumentIn) -> bool:
        try:
            check_record(record)
            self.check(record)
        except ValueError as exc:
            if not self.skip_invalid:
                path, line = _split_where(record.where)
                raise InputFileError(path, str(exc), line=line) from None
            self.report.skipped.append(f"{record.where}: {exc}")
            return False
        meta_lang = record.meta.get("lang") or record.meta.get("language")
        record.lang = record.lang or (meta_lang if isinstance(meta_lang, str) else None)
        record.lang = (record.lang or self.lang or self.default_lang).strip().lower()
        return True

    def _documents(
        self, accepted: list[DocumentIn]
    ) -> tuple[list[tuple[DocumentIn, int]], set[int], list[str]]:
        """The document of each record (stored before, or created now with its tokens);
        returns ``(record, id)`` pairs, the ids created and the SHA-256 of each text.
        A text met in an earlier batch is stored by now, so the database tells it."""
        hashes = [text_sha256(record.text) for record in accepted]
        firsts: dict[str, DocumentIn] = {}  # a text twice: its first record makes it
        for sha, record in zip(hashes, accepted, strict=True):
            firsts.setdefault(sha, record)
        ids = queries.document_ids_by_hashes(self.project.db, list(firsts))
        self.existing.update(i for i in ids.values() if i not in self.created)
        self.report.documents_existing = len(self.existing)
        new = [(sha, record) for sha, record in firsts.items() if sha not in ids]
        created = _insert_documents(self.project, new, self.stamp)
        if self.tokens is not None:
            self.tokens.store([(created[sha], record) for sha, record in new])
        copied = [(created[sha], record.bands) for sha, record in new if record.bands]
        insert_bands(self.project.db, copied)
        self.report.documents_added += len(new)
        ids.update(created)
        items = [(r, ids[sha]) for sha, r in zip(hashes, accepted, strict=True)]
        return items, set(created.values()), hashes

    def _copied(self, copied: Copied) -> None:
        """One batch of documents copied in: remembered, counted, shown."""
        self.created.update(copied.documents)
        self.accepted += len(copied.documents)
        self.handled += len(copied.documents)
        self._step(self.handled)

    def _tokenizer(self, lang: str) -> str:
        """The name of the tokenizer for ``lang`` (loaded on first use)."""
        from annotator.text import tokenizer_name, tokenizer_note

        if lang not in self.tokenizers:
            self.tokenizers[lang] = tokenizer_name(lang)  # loads the tokenizer
            if note := tokenizer_note(lang):  # known once the tokenizer is loaded
                self.report.notes.append(note)
        return self.tokenizers[lang]

    @contextmanager
    def tokens_made(self) -> Iterator[None]:
        """The import's block: new texts are tokenised in it (some in a helper process,
        see :mod:`annotator.core.import_tokens`), and the helper stops however the block
        ends."""
        if not self.tokenize:
            yield
            return
        made = 0

        def count(texts: int) -> None:  # progress while tokenising, the slow part
            nonlocal made
            made += texts
            self._step(max(self.handled, made))

        self.tokens = ImportTokens(
            self.project.db,
            tokenizer_of=self._tokenizer,
            made=count,
            poll=lambda: self._step(self.handled),
        )
        try:
            yield
        finally:
            self.tokens.close()

    def _step(self, done: int) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled()
        if self.progress is not None:
            self.progress(done)


def batched(records: Iterable[DocumentIn], size: int) -> Iterator[tuple[DocumentIn, ...]]:
    """``records`` in tuples of ``size`` (the last may be shorter)."""
    it = iter(records)
    while True:
        batch = tuple(islice(it, size))
        if not batch:
            return
        yield batch
        del batch  # not held while the next one is read


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


SPAN_COLUMNS = (
    "document_id", "start", "end", "label", "annotator", "origin", "attributes", "note",
    "created", "updated",
)  # fmt: skip
_SPAN_ANNOTATOR = SPAN_COLUMNS.index("annotator")
SUGGESTION_COLUMNS = (
    "document_id", "start", "end", "label", "source", "score", "status", "created",
)  # fmt: skip


def _insert_documents(
    project: Project, new: list[tuple[str, DocumentIn]], stamp: str
) -> dict[str, int]:
    """Insert new documents (rows and texts); returns ``{sha256: id}``."""
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
    writes.insert_rows(
        db, "annotators", ({"name": n, "created": stamp} for n in sorted(names)), ignore=True
    )
    insert_checked_spans(db, SPAN_COLUMNS, span_rows)  # check_record put each in its text
    report.spans_added += len(span_rows)
    _insert_relations(project, items, record_keys, new_ids, stamp, report)
    writes.upsert_rows(
        db,
        "document_status",
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
    writes.insert_rows(db, "suggested_relations", rows, ignore=True)
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
    writes.upsert_rows(
        project.db, "document_categories", changed, pk=("document_id", "annotator", "label")
    )
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
    writes.insert_rows(db, "relations", rows)
    report.relations_added += len(rows)


def _flag_near_duplicates(db, created: set[int], report: ImportReport) -> None:
    if not created:
        return
    found = flag_near_duplicates(db, min(created))
    titles = queries.titles_of(db, sorted({i for pair in found for i in pair[:2]}))
    for new_id, other, similarity in found:
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
        stored = queries.span_versions(db, document_id)
        ids = {}
        for span in record.spans:
            key = (span.annotator or fallback, span.label, span.start, span.end)
            if key not in stored:
                continue
            span_id, attributes, note, origin, updated = stored[key]
            ids[key] = span_id
            incoming = (dumps_json(span.attributes), span.note, span.origin)
            if span.updated and span.updated > updated and incoming != (attributes, note, origin):
                values = dict(zip(("attributes", "note", "origin"), incoming, strict=True))
                writes.update_row(db, "spans", span_id, {**values, "updated": span.updated})
                report.spans_updated += 1
        for relation in record.relations:
            head = record.spans[relation.head]
            child = record.spans[relation.child]
            head_key = (head.annotator or fallback, head.label, head.start, head.end)
            child_key = (child.annotator or fallback, child.label, child.start, child.end)
            if head_key not in ids or child_key not in ids:
                continue
            who = relation.annotator or head_key[0]
            row = queries.relation_version(db, ids[head_key], ids[child_key], relation.label, who)
            incoming = dumps_json(relation.attributes)
            if row and relation.updated and relation.updated > row[2] and incoming != row[1]:
                writes.update_row(
                    db, "relations", row[0], {"attributes": incoming, "updated": relation.updated}
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
            current = queries.document_note(db, document_id)
            if not current:
                writes.update_row(db, "documents", document_id, {"note": record.note})
            elif current != record.note:
                report.notes.append(
                    f"{record.where}: document note differs; kept the one already here"
                )


def _now() -> str:
    from annotator.core.base import now

    return now()
