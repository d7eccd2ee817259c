"""Copying whole documents from one project into another, row for row (merging).

A document the target does not hold yet comes with everything hanging from it: its text,
statuses, categories, spans, links, suggestions, claim records and evidence, and the
derived token and near-duplicate rows where the target would make the same. Rows keep
their values; ids move up by a fixed amount per table (the target's highest id so far,
or the highest it ever gave out), so a link still points at its spans without a table
of old and new ids. Ids become sparse, which nothing relies on them not to be.

The source's file is attached to the target's connection read-only where SQLite can
read it so exactly as the source's own connection does (:func:`attached`), and rows go
from table to table in SQL; otherwise (a source upgraded in memory, a log beside it)
they pass through Python as tuples. Either way a few hundred documents at a time. What
the import path would check or rewrite is checked on the way; a copy that meets
anything else stops with :class:`NotCopyable`, and the caller takes the record path,
which says what is wrong.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.model.records import dumps_json, text_sha256
from annotator.store import queries
from annotator.store.bands import SCHEME
from annotator.store.bulk import TOKEN_COLUMNS, span_bounds_checked
from annotator.store.inventory import USER_TABLES
from annotator.store.rows import insert_sql

if TYPE_CHECKING:
    from annotator.store.lean import Database

COPIED = (
    "documents",
    "document_texts",
    "document_status",
    "document_categories",
    "spans",
    "relations",
    "suggestions",
    "suggested_relations",
    "claim_records",
    "evidence",
)
"""The user tables a copied document brings, in an order that keeps references valid.
Claim matches and the history are carried by their natural keys, as from a file."""

WITH_IDS = tuple(t for t in COPIED if USER_TABLES[t].own_id)
BATCH = 500
"""Documents copied per round: ids go into ``IN (...)`` lists."""

JSON_OBJECTS = {"documents": "meta", "spans": "attributes", "relations": "attributes",
                "suggested_relations": "attributes"}  # fmt: skip
"""Columns holding a JSON object, which the record path would write back canonically."""

AttributeCheck = Callable[[str, str, dict[str, Any], int], None]
"""``(kind, name, values, length)``: raises ``ValueError`` when the attribute ``values``
of a span (``kind`` ``"label"``) or link (``"relation"``) of type ``name`` in a text of
``length`` code points are not what the target's schema takes as they are."""


ATTACHED = "merge_source"
"""The schema name the source's file is attached under."""


class NotCopyable(Exception):
    """Something in the source is not what a row-for-row copy may carry."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a copy reads: the source project's connection ``db``, and whether its file
    is attached to the target's connection too (then rows go from table to table in
    SQL and never become Python values)."""

    db: Database
    attached: bool = False

    def table(self, name: str) -> str:
        return f'{ATTACHED}."{name}"' if self.attached else f'"{name}"'


@contextmanager
def attached(target: Database, source: Database) -> Iterator[bool]:
    """Attach the file ``source`` reads to ``target``'s connection, read-only and
    without locks or side files (``immutable``), for the block; yields whether it did.
    Call outside a transaction. Only a file with no log beside it is attached (SQLite
    reads the file itself then, as ``source`` does), and only where SQLite takes the
    file's name as a URI; a source read from a copy in memory is not."""
    path = _file_of(source)
    if path is None or _log_beside(path) or not _takes_uris(target):
        yield False
        return
    try:
        target.execute(f"ATTACH DATABASE ? AS {ATTACHED}", [f"{path.as_uri()}?mode=ro&immutable=1"])
    except sqlite3.Error:
        yield False
        return
    try:
        yield True
    finally:
        target.execute(f"DETACH DATABASE {ATTACHED}")


def _file_of(db: Database) -> Path | None:
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file).resolve() if file else None
    return None


def _log_beside(path: Path) -> bool:
    wal, journal = Path(f"{path}-wal"), Path(f"{path}-journal")
    return journal.exists() or (wal.exists() and wal.stat().st_size > 0)


def _takes_uris(db: Database) -> bool:
    return any(row[0] == "USE_URI" for row in db.execute("PRAGMA compile_options"))


@dataclass(slots=True)
class Copied:
    """What a copy wrote: rows per table, and the target's ids of the documents made
    and ``(id, lang)`` of those whose tokens did not come along (made by another
    tokenizer than the target would use)."""

    rows: dict[str, int] = field(default_factory=dict)
    documents: list[int] = field(default_factory=list)
    untokenized: list[tuple[int, str]] = field(default_factory=list)


def id_shifts(target: Database) -> dict[str, int]:
    """How far each table's ids move: above every id the target holds or gave out."""
    given = dict(target.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    shifts = {}
    for table in WITH_IDS:
        highest = target.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"').fetchone()[0]
        shifts[table] = max(highest, given.get(table, 0))
    return shifts


def matched_documents(source: Database, target: Database) -> array:
    """Ids (in ``source``) of the source's documents whose text ``target`` holds."""
    matched = array("q")
    cursor = source.execute("SELECT text_sha256, id FROM documents ORDER BY id")
    while rows := cursor.fetchmany(BATCH):
        ids = dict(rows)
        found = queries.document_ids_by_hashes(target, list(ids))
        matched.extend(ids[sha] for sha in found)
    return matched


def documents_to_copy(source: Database, matched: Sequence[int]) -> Iterator[list[int]]:
    """The source's other documents, ``BATCH`` ids at a time, in id order."""
    skip = set(matched)
    cursor = source.execute("SELECT id FROM documents ORDER BY id")
    batch: list[int] = []
    for (document_id,) in cursor:
        if document_id not in skip:
            batch.append(document_id)
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def copy_documents(
    source: Source,
    target: Database,
    ids: list[int],
    shifts: Mapping[str, int],
    *,
    tokenizer_of: Callable[[str], str],
    check: AttributeCheck,
) -> Copied:
    """Copy the source documents ``ids`` (at most :data:`BATCH`) into ``target``, inside
    the target's write transaction. ``tokenizer_of(lang)`` names the tokenizer the target
    uses for a language; documents whose tokens another made come without them.

    :raises NotCopyable: a text does not match its SHA-256 or length, a span ends after
        its text, a JSON column is not a canonical JSON object, ``check`` refuses
        attribute values, or a row breaks a constraint (what is written is left to the
        transaction's rollback).
    """
    done = Copied()
    marks = ",".join("?" * len(ids))
    try:
        _check_values(source.db, ids, marks, check)
        for table in COPIED:
            before = target.conn.total_changes
            columns = _columns(table)
            if table == "document_texts":  # through Python: each is checked
                rows = _texts(source.db, ids, marks, shifts["documents"])
                target.conn.executemany(insert_sql(table, columns), rows)
            elif table == "spans":  # their bounds checked at once, not by a trigger each
                _check_span_bounds(source.db, ids, marks)
                select, params = _select(source, table, marks, shifts)
                with span_bounds_checked(target):
                    _copy(source, target, table, columns, select, [*params, *ids])
            else:
                select, params = _select(source, table, marks, shifts)
                _copy(source, target, table, columns, select, [*params, *ids])
            done.rows[table] = target.conn.total_changes - before
        done.documents = [i + shifts["documents"] for i in ids]
        _copy_tokens(source, target, ids, shifts["documents"], tokenizer_of, done)
    except sqlite3.IntegrityError as exc:
        raise NotCopyable(str(exc)) from None
    return done


def copy_bands(source: Source, target: Database, matched: Sequence[int], shift: int) -> None:
    """After :func:`copy_documents`: the near-duplicate band keys of the documents copied
    (those not ``matched``), if the source made them as the target would (this
    :data:`~annotator.store.bands.SCHEME`); the import's near-duplicate check writes
    their band rows with the others'."""
    if queries.project_value(source.db, "near_duplicate_scheme") != SCHEME:
        return
    if source.attached:  # the documents copied are those above the shift
        target.execute(
            f"""INSERT INTO main.document_band_keys
                SELECT document_id + ?, keys FROM {source.table("document_band_keys")}
                WHERE document_id + ? IN (SELECT id FROM main.documents WHERE id > ?)""",
            [shift, shift, shift],
        )
        return
    skip = set(matched)
    sql = "SELECT document_id, keys FROM document_band_keys ORDER BY document_id"
    target.conn.executemany(
        "INSERT INTO document_band_keys VALUES (?, ?)",
        ((i + shift, keys) for i, keys in source.db.execute(sql) if i not in skip),
    )


def _columns(table: str) -> tuple[str, ...]:
    return tuple(sorted(USER_TABLES[table].columns))


def _copy(
    source: Source,
    target: Database,
    table: str,
    columns: Sequence[str],
    select: str,
    params: list[Any],
) -> None:
    """Insert what ``select`` reads (``columns`` of ``table``) into the target: in SQL
    when the source is attached, else a tuple at a time through ``executemany``."""
    insert = insert_sql(table, tuple(columns))  # the target's table: main comes first
    if source.attached:
        target.execute(f"{insert.split(' VALUES ')[0]} {select}", params)
    else:
        target.conn.executemany(insert, source.db.execute(select, params))


def _select(
    source: Source, table: str, marks: str, shifts: Mapping[str, int]
) -> tuple[str, list[int]]:
    """The query reading the rows of ``table`` that belong to the documents whose ids
    fill ``marks``, their ids moved up, and its parameters before the ids."""
    spec = USER_TABLES[table]
    moved = dict(spec.references)
    if spec.own_id:
        moved[spec.own_id] = table
    shown, params = [], []
    for column in _columns(table):
        if column in moved:
            shown.append(f'"{column}" + ?')
            params.append(shifts[moved[column]])
        else:
            shown.append(f'"{column}"')
    if table == "documents":
        where = f"id IN ({marks})"
    elif "document_id" in spec.references:
        where = f"document_id IN ({marks})"
    else:  # claim records and evidence hang from spans
        spans = source.table("spans")
        where = f"span_id IN (SELECT id FROM {spans} WHERE document_id IN ({marks}))"
    return f"SELECT {', '.join(shown)} FROM {source.table(table)} WHERE {where}", params


def _texts(source: Database, ids: list[int], marks: str, shift: int) -> Iterator[tuple[int, str]]:
    """``(document_id, text)`` rows of ``document_texts`` (its columns in order), each
    text checked against the SHA-256 and length its document row holds."""
    sql = f"""SELECT t.document_id + ?, t.text, d.text_sha256, d.length FROM document_texts t
              JOIN documents d ON d.id = t.document_id WHERE t.document_id IN ({marks})"""
    count = 0
    for document_id, text, sha, length in source.execute(sql, [shift, *ids]):
        if len(text) != length or text_sha256(text) != sha:
            raise NotCopyable(
                f"document {document_id - shift}: its text does not match its SHA-256"
            )
        count += 1
        yield document_id, text
    if count != len(ids):
        raise NotCopyable("a document has no text")


def _check_span_bounds(source: Database, ids: list[int], marks: str) -> None:
    """What the spans' bounds trigger would refuse, for all of a batch in one query."""
    sql = f"""SELECT count(*) FROM spans s JOIN documents d ON d.id = s.document_id
              WHERE s.document_id IN ({marks}) AND s."end" > d.length"""
    if source.execute(sql, ids).fetchone()[0]:
        raise NotCopyable("a span ends after the end of its document text")


def _check_values(source: Database, ids: list[int], marks: str, check: AttributeCheck) -> None:
    """Languages as the record path would write them, JSON objects as canonical JSON, and
    attribute values the target's schema takes as they are."""
    sql = f"""SELECT count(*) FROM documents WHERE id IN ({marks})
              AND (lang = '' OR lang != lower(trim(lang)))"""
    if source.execute(sql, ids).fetchone()[0]:
        raise NotCopyable("a document's language is not written as an import writes it")
    for table, column in JSON_OBJECTS.items():
        kind = {"spans": "label", "relations": "relation"}.get(table)
        named = "x.label" if kind else "''"
        key = "id" if table == "documents" else "document_id"
        sql = f"""SELECT {named}, x."{column}", d.length FROM "{table}" x
                  JOIN documents d ON d.id = x.{key}
                  WHERE x.{key} IN ({marks}) AND x."{column}" != '{{}}'"""
        for name, raw, length in source.execute(sql, ids):
            try:
                values = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise NotCopyable(f"{table}.{column} holds no JSON") from None
            if not isinstance(values, dict) or dumps_json(values) != raw:
                raise NotCopyable(f"{table}.{column} holds no JSON object as Annotator writes it")
            if kind is not None:
                try:
                    check(kind, name, values, length)
                except ValueError as exc:
                    raise NotCopyable(str(exc)) from None


def _copy_tokens(
    source: Source,
    target: Database,
    ids: list[int],
    shift: int,
    tokenizer_of: Callable[[str], str],
    done: Copied,
) -> None:
    """Token rows made by the tokenizer the target uses for the document's language;
    the other documents are listed in ``done.untokenized``."""
    marks = ",".join("?" * len(ids))
    sql = f"""SELECT d.id, d.lang, t.tokenizer FROM documents d
              LEFT JOIN document_tokens t ON t.document_id = d.id WHERE d.id IN ({marks})"""
    same = []
    for document_id, lang, tokenizer in source.db.execute(sql, ids).fetchall():
        if tokenizer is not None and tokenizer == tokenizer_of(lang):
            same.append(document_id)
        else:
            done.untokenized.append((document_id + shift, lang))
    if same:
        marks = ",".join("?" * len(same))
        sql = f"""SELECT document_id + ?, tokenizer, starts, ends
                  FROM {source.table("document_tokens")} WHERE document_id IN ({marks})"""
        _copy(source, target, "document_tokens", TOKEN_COLUMNS, sql, [shift, *same])
