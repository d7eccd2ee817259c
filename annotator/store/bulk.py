"""Bulk inserts for import and merge: rows as tuples in column order, already
serialised (JSON columns hold their text), through one ``executemany`` per table.

sqlite-utils' ``insert_all`` inspects and serialises every value of every row
(``jsonify_if_needed``), a fifth of an import's time; an import knows its columns and
serialises its JSON itself. ``executemany`` takes an iterator, so rows are made as they
are written: nothing holds every row. Call inside the write transaction (the runner's);
elsewhere sqlite-utils stays the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from annotator.store.rows import insert_sql

if TYPE_CHECKING:
    from annotator.store.lean import Database

TOKEN_COLUMNS = ("document_id", "tokenizer", "starts", "ends")
"""The columns of ``document_tokens``, in the order token rows are written."""


def insert_rows(
    db: Database,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    ignore: bool = False,
) -> int:
    """Insert ``rows`` (each a sequence of values in ``columns`` order) into ``table``;
    with ``ignore``, rows that break a unique constraint are left out. Returns the
    number of rows inserted. :raises sqlite3.IntegrityError: a constraint fails (without
    ``ignore``), leaving the transaction to its runner."""
    before = db.conn.total_changes
    db.conn.executemany(insert_sql(table, tuple(columns), ignore=ignore), rows)
    return db.conn.total_changes - before


_SPAN_BOUNDS_TRIGGER = "spans_within_text_insert"


def insert_checked_spans(
    db: Database, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """:func:`insert_rows` into ``spans`` of rows whose offsets the caller has checked
    against their documents' texts (every import does, record by record): the trigger
    that would look each document's length up again is left out for this statement (a
    fifth of the spans' insert). Returns the number of rows inserted."""
    with span_bounds_checked(db):
        return insert_rows(db, "spans", columns, rows)


@contextmanager
def span_bounds_checked(db: Database) -> Iterator[None]:
    """For a block that inserts spans whose bounds the caller checked against their
    texts (in bulk, or record by record): the trigger that would look each document's
    length up again is paused (:func:`_trigger_paused`)."""
    with _trigger_paused(db, _SPAN_BOUNDS_TRIGGER):
        yield


@contextmanager
def _trigger_paused(db: Database, name: str) -> Iterator[str | None]:
    """Inside a write transaction: the trigger ``name`` is dropped for the block and made
    again after it; yields its SQL (``None`` if there is no such trigger). Both are part
    of the transaction, so a block that raises leaves the trigger as it was once the
    runner rolls back."""
    row = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]
    ).fetchone()
    if row is None:
        yield None
        return
    db.execute(f'DROP TRIGGER "{name}"')
    yield row[0]
    db.execute(row[0])


@contextmanager
def texts_indexed_after(db: Database) -> Iterator[None]:
    """Inside a write transaction: the document texts inserted in the block join the
    full-text index in one statement at its end, instead of one by one through the
    trigger (FTS5 indexes 10,000 articles about four times faster at once). Texts are
    immutable and never deleted, so :func:`rows_indexed_after` holds."""
    with rows_indexed_after(db, "document_texts", ("text",)):
        yield


@contextmanager
def rows_indexed_after(db: Database, table: str, columns: Sequence[str]) -> Iterator[None]:
    """Inside a write transaction: the rows of ``table`` inserted in the block join its
    full-text index (``{table}_fts`` over ``columns``, kept by the ``{table}_ai``
    trigger that sqlite-utils' ``enable_fts`` made) in one statement at the block's end.

    The trigger is paused for the block (:func:`_trigger_paused`). The rows inserted
    are those with a rowid above the highest before the block, so the block must not
    delete rows of ``table`` (SQLite could give a deleted rowid to a new row)."""
    last = db.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0]
    with _trigger_paused(db, f"{table}_ai") as trigger:
        yield
        if trigger is not None:  # (no index to keep: not expected in a migrated project)
            names = ", ".join(f'"{column}"' for column in columns)
            db.execute(
                f'INSERT INTO "{table}_fts" (rowid, {names}) '
                f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ?',
                [last],
            )


@contextmanager
def small_cache(db: Database, kib: int = 4096) -> Iterator[None]:
    """For the block: a page cache of ``kib`` KiB instead of the project's. A statement
    that sorts everything it writes (SQLite's sorter holds up to the cache size in
    memory before it spills) and then writes it in key order needs no more: at 100,000
    documents the band rows' sort then takes 4 MB instead of 60, and less time."""
    size = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(size)}")
