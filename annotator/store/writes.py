"""The store's own writes that are no edit of annotations: a new project's defaults, the
token cache, project settings, the annotators known and the history of events.

The core calls these inside its write path (:meth:`annotator.core.base.ProjectBase.transact`)
and never writes a table itself; edits of annotations go through
:func:`annotator.store.rows.apply_row_changes`. Each function runs in the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from annotator.store.rows import delete_keyed, insert_sql, update_keyed

if TYPE_CHECKING:
    from annotator.store.lean import Database


def set_project_values(db: Database, values: dict[str, str]) -> None:
    """Store project-wide settings (``project`` table), replacing those already set."""
    for key, value in values.items():
        db.execute(
            "INSERT INTO project (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def insert_default_schema(
    db: Database, labels: Iterable[dict[str, Any]], relation_types: Iterable[dict[str, Any]]
) -> None:
    """A new project's labels and relation types (rows of their tables' columns)."""
    for table, rows in (("labels", labels), ("relation_types", relation_types)):
        for row in rows:
            insert_row(db, table, row)


def store_tokens(
    db: Database, document_id: int, tokenizer: str, starts: bytes, ends: bytes
) -> None:
    """Cache a document's token boundaries (blobs of 32-bit ints), replacing any."""
    db.execute(
        """INSERT OR REPLACE INTO document_tokens (document_id, tokenizer, starts, ends)
           VALUES (?, ?, ?, ?)""",
        [document_id, tokenizer, starts, ends],
    )


def register_annotators(db: Database, names: Iterable[str], created: str) -> None:
    """Make ``names`` known as annotators of the project (those known are left as they are)."""
    for name in names:
        db.execute(
            "INSERT OR IGNORE INTO annotators (name, created) VALUES (?, ?)", [name, created]
        )


def record_event(
    db: Database,
    *,
    at: str,
    annotator: str,
    op: str,
    description: str,
    document_id: int | None,
    rows_json: str,
) -> None:
    """Append one event to the history (``rows_json``: the JSON of the rows it changed)."""
    db.execute(
        """INSERT INTO events (at, annotator, op, description, document_id, rows)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [at, annotator, op, description, document_id, rows_json],
    )


# -- rows of a table, for the importer and the merge ----------------------------------------

_BATCH = 5000
"""Rows a bulk insert hands the database at once."""


def insert_row(db: Database, table: str, row: dict[str, Any], *, ignore: bool = False) -> None:
    """Insert one row, its values as stored (``ignore``: a row breaking a unique
    constraint is left out)."""
    db.execute(insert_sql(table, tuple(row), ignore=ignore), list(row.values()))


def insert_rows(
    db: Database, table: str, rows: Iterable[dict[str, Any]], *, ignore: bool = False
) -> None:
    """Insert rows in batches (``ignore``: those breaking a unique constraint are left
    out)."""
    db[table].insert_all(rows, ignore=ignore, batch_size=_BATCH)


def upsert_rows(
    db: Database, table: str, rows: Iterable[dict[str, Any]], *, pk: str | tuple[str, ...]
) -> None:
    """Insert rows, or update the columns they hold of those whose key ``pk`` is stored."""
    db[table].upsert_all(rows, pk=pk)


def update_row(db: Database, table: str, key: Any, values: dict[str, Any]) -> None:
    """Set ``values`` in the row of ``table`` whose primary key is ``key`` (a tuple for a
    key of several columns; the table is one of :data:`annotator.store.rows.KEY_COLUMNS`)."""
    update_keyed(db, table, key if isinstance(key, tuple) else (key,), values)


def delete_row(db: Database, table: str, key: Any) -> None:
    """Delete the row of ``table`` whose primary key is ``key`` (what refers to it goes
    with it where the schema says so; the table is one of
    :data:`annotator.store.rows.KEY_COLUMNS`)."""
    delete_keyed(db, table, key if isinstance(key, tuple) else (key,))
