"""Rows in a form that means the same in any project file: local ids replaced by natural keys.

A span's id means nothing in another file; its document's SHA-256 with its annotator,
label and offsets does. :class:`Portable` turns the local id of a row into its
*reference* (the natural key declared in :mod:`annotator.store.inventory`, with the ids
inside it replaced in turn: a span is ``[sha256, annotator, label, start, end]``, a
document its ``sha256``) and back. The native export writes the change history this way
so that it survives import and merge; :func:`user_state` describes a whole project this
way so that tests can compare two projects exactly.

A reference to a row that no longer exists (a span deleted since the event that
mentions it) is ``"gone:<project uuid>:<table>:<id>"``; one that cannot be found in the
receiving project is ``"missing:<reference as JSON>"``. Both are kept as they are, so the
history says what it said, and neither can be mistaken for a local id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from annotator.store.inventory import LOCAL_EVENT_OPS, PROJECT_SETTINGS, REFERENCES, USER_TABLES
from annotator.store.rows import KEY_COLUMNS

if TYPE_CHECKING:
    from annotator.store.lean import Database

Ref = Any
"""A reference: a string (a document's SHA-256, or a gone/missing marker) or a list."""


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


class Portable:
    """Translate local ids of ``db`` to references and back (cached per id)."""

    def __init__(self, db: Database, uuid: str):
        self.db = db
        self.uuid = uuid
        self._refs: dict[tuple[str, int], Ref] = {}
        self._ids: dict[tuple[str, str], int | None] = {}

    # -- out: local id -> reference ----------------------------------------------------

    def ref(self, table: str, local_id: Any) -> Ref:
        """The reference of the row of ``table`` whose id is ``local_id``."""
        if not isinstance(local_id, int) or isinstance(local_id, bool):
            return local_id  # already portable (a gone or missing marker), or None
        cached = self._refs.get((table, local_id))
        if cached is not None:
            return cached
        spec = USER_TABLES[table]
        names = ", ".join(f'"{c}"' for c in spec.natural_key)
        row = self.db.execute(
            f'SELECT {names} FROM "{table}" WHERE "{spec.own_id}" = ?', [local_id]
        ).fetchone()
        if row is None:
            ref: Ref = f"gone:{self.uuid}:{table}:{local_id}"
        else:
            parts = [
                self.ref(spec.references[c], v) if c in spec.references else v
                for c, v in zip(spec.natural_key, row, strict=True)
            ]
            ref = parts[0] if len(parts) == 1 else parts
        self._refs[(table, local_id)] = ref
        return ref

    def row_out(self, table: str, row: dict[str, Any] | None) -> dict[str, Any] | None:
        """``row`` of ``table`` with its own id and the ids it refers to as references."""
        if row is None:
            return None
        return {c: self._out(table, c, v) for c, v in row.items()}

    def key_out(self, table: str, key: list[Any]) -> list[Any]:
        columns = KEY_COLUMNS.get(table, ())
        return [self._out(table, c, v) for c, v in zip(columns, key, strict=False)]

    def _out(self, table: str, column: str, value: Any) -> Any:
        target = _target(table, column)
        return self.ref(target, value) if target else value

    def change_rows_out(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows of an event (``table``, ``key``, ``before``, ``after``) made portable."""
        return [
            {
                "table": r["table"],
                "key": self.key_out(r["table"], r["key"]),
                "before": self.row_out(r["table"], r["before"]),
                "after": self.row_out(r["table"], r["after"]),
            }
            for r in rows
        ]

    # -- in: reference -> local id -----------------------------------------------------

    def resolve(self, table: str, ref: Ref) -> int | None:
        """The local id of the row ``ref`` names, or ``None`` when there is none."""
        if ref is None or (isinstance(ref, str) and ref.startswith(("gone:", "missing:"))):
            return None
        cache_key = (table, _dumps(ref))
        if cache_key in self._ids:
            return self._ids[cache_key]
        spec = USER_TABLES[table]
        parts = [ref] if len(spec.natural_key) == 1 else list(ref)
        values = []
        for column, part in zip(spec.natural_key, parts, strict=True):
            if column in spec.references:
                part = self.resolve(spec.references[column], part)
                if part is None:
                    break
            values.append(part)
        found = None
        if len(values) == len(spec.natural_key):
            where = " AND ".join(f'"{c}" = ?' for c in spec.natural_key)
            row = self.db.execute(
                f'SELECT "{spec.own_id}" FROM "{table}" WHERE {where} ORDER BY 1 LIMIT 1',
                values,
            ).fetchone()
            found = row[0] if row else None
        self._ids[cache_key] = found
        return found

    def forget(self) -> None:
        """Forget resolved ids (call after inserting rows that references may name)."""
        self._ids.clear()

    def _in(self, table: str, column: str, value: Any) -> Any:
        target = _target(table, column)
        if target is None or value is None:
            return value
        if isinstance(value, str) and value.startswith(("gone:", "missing:")):
            return value
        found = self.resolve(target, value)
        return found if found is not None else f"missing:{_dumps(value)}"

    def change_rows_in(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Portable event rows back in this project's ids."""
        out = []
        for r in rows:
            table = r["table"]
            columns = KEY_COLUMNS.get(table, ())
            out.append(
                {
                    "table": table,
                    "key": [self._in(table, c, v) for c, v in zip(columns, r["key"], strict=False)],
                    "before": _map_row(r["before"], lambda c, v, t=table: self._in(t, c, v)),
                    "after": _map_row(r["after"], lambda c, v, t=table: self._in(t, c, v)),
                }
            )
        return out


def _map_row(row: dict[str, Any] | None, convert) -> dict[str, Any] | None:
    return None if row is None else {c: convert(c, v) for c, v in row.items()}


def _target(table: str, column: str) -> str | None:
    """The table whose ids ``column`` of ``table`` holds (its own id included)."""
    spec = USER_TABLES.get(table)
    if spec is not None and column == spec.own_id:
        return table
    return REFERENCES.get(table, {}).get(column)


# -- the whole user state, for comparing projects ----------------------------------------


def user_state(db: Database, uuid: str) -> dict[str, list[Any]]:
    """Every row of user data in portable form: ``{table: [row, ...]}``.

    Rows are sorted (the history in its order), ids replaced by references, the
    project's own events given its ``uuid`` as origin, and what belongs to one file only
    (local project keys, import events) left out. Two projects hold the same user data
    exactly when their user states are equal. Reads everything: for checks and tests.
    """
    portable = Portable(db, uuid)
    state: dict[str, list[Any]] = {}
    for name, spec in USER_TABLES.items():
        order = f'"{spec.own_id}"' if spec.own_id else "rowid"
        cursor = db.execute(f'SELECT * FROM "{name}" ORDER BY {order}')
        columns = [d[0] for d in cursor.description]
        rows = []
        for values in cursor:
            row = dict(zip(columns, values, strict=True))
            if name == "project" and row["key"] not in PROJECT_SETTINGS:
                continue
            if name == "events":
                if row["op"] in LOCAL_EVENT_OPS:
                    continue
                row = portable_event(portable, row)
            else:
                row = portable.row_out(name, row)
                if spec.own_id:
                    del row[spec.own_id]
            rows.append(row)
        state[name] = rows if name == "events" else sorted(rows, key=_dumps)
    return state


def portable_event(portable: Portable, row: dict[str, Any]) -> dict[str, Any]:
    """One stored event in portable form (what the native export writes)."""
    own = row["origin"] is None
    return {
        "origin": portable.uuid if own else row["origin"],
        "origin_id": row["id"] if own else row["origin_id"],
        "at": row["at"],
        "annotator": row["annotator"],
        "op": row["op"],
        "description": row["description"],
        "document_id": portable.ref("documents", row["document_id"]),
        "rows": portable.change_rows_out(orjson.loads(row["rows"])),
    }
