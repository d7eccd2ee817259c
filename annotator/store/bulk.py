"""Bulk inserts for import and merge: rows as tuples in column order, already
serialised (JSON columns hold their text), through one ``executemany`` per table.

sqlite-utils' ``insert_all`` inspects and serialises every value of every row
(``jsonify_if_needed``), a fifth of an import's time; an import knows its columns and
serialises its JSON itself. ``executemany`` takes an iterator, so rows are made as they
are written: nothing holds every row. Call inside the write transaction (the runner's);
elsewhere sqlite-utils stays the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from annotator.store.rows import insert_sql


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
