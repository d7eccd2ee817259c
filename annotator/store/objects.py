"""The schema objects of a project file compared with what this version creates.

A project holds only the tables, columns, indexes and triggers its migrations made. A
trigger planted in a file runs inside Annotator's own writes (an ``AFTER INSERT`` that
deletes every span), a recursive view hangs whoever reads it, and an unknown index or
column changes what a write does. So every open compares the file's objects with this
version's (:func:`foreign_objects`), refuses a file holding anything else, and
``annotator check --repair`` removes it (:func:`repair_statements`) after a copy. A file
that has not yet applied a migration may still hold what that migration removes or
redefines (recorded as its "retired" objects): that migration, run on opening, takes
care of it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from annotator.shipped import DATABASE_OBJECTS, database_objects_file, shipped_bytes


@dataclass(frozen=True)
class ForeignObject:
    """One schema object of a file that this version does not create as it is."""

    kind: str
    """``table``, ``view``, ``index``, ``trigger`` or ``column``."""
    name: str
    """The object's name (``table.column`` for a column)."""
    changed: bool = False
    """A known name whose definition differs (a rewritten trigger or index)."""

    def describe(self) -> str:
        if self.changed:
            return f"the {self.kind} {self.name} differs from the one Annotator creates"
        return f"an unknown {self.kind} {self.name}"


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """``(kind, name) -> normalised SQL`` of the tables, views, indexes and triggers of
    ``conn``'s main database, without SQLite's own and FTS shadow tables; each table's
    columns as ``("column", "table.column")``."""
    kinds = {
        name: kind for schema, name, kind, *_ in conn.execute("PRAGMA main.table_list") if schema
    }
    found: dict[tuple[str, str], str] = {}
    sql = "SELECT type, name, tbl_name, sql FROM main.sqlite_master"
    for kind, name, _table, text in conn.execute(sql).fetchall():
        if name.startswith("sqlite_") or kinds.get(name) == "shadow":
            continue
        found[(kind, name)] = _normal(text)
        if kind == "table" and kinds.get(name) == "table":
            for row in conn.execute(f'PRAGMA main.table_info("{name}")'):
                found[("column", f"{name}.{row[1]}")] = ""
    return found


@cache
def _record() -> dict:
    return json.loads(shipped_bytes(DATABASE_OBJECTS))


@cache
def expected_objects() -> dict[tuple[str, str], str]:
    """The objects this version's migrations create in a new project, as recorded in
    the shipped ``database_objects.json`` (so that opening a file does not first run
    every migration in memory to learn them: 40 ms a process). A test fails when the
    record and the migrations differ."""
    return {(kind, name): sql for kind, name, sql in _record()["objects"]}


@cache
def retired_objects() -> dict[str, dict[tuple[str, str], str]]:
    """For each migration that removes or redefines objects an earlier one created: those
    objects as the earlier migrations left them (recorded like :func:`expected_objects`)."""
    return {
        migration: {(kind, name): sql for kind, name, sql in rows}
        for migration, rows in _record().get("retired", {}).items()
    }


def recorded_migrations() -> list[str]:
    """The names of this version's migrations, oldest first, as recorded beside the
    objects (a current project has applied exactly these)."""
    return list(_record()["migrations"])


def created_objects() -> dict[tuple[str, str], str]:
    """The objects the migrations create, found by running them on a new in-memory
    project (what ``database_objects.json`` records)."""
    from annotator.store.database import open_database

    db = open_database(":memory:")
    try:
        return _objects(db.conn)
    finally:
        db.close()


def removed_objects() -> dict[str, dict[tuple[str, str], str]]:
    """The objects each migration removes or redefines, as the migrations before it left
    them, found by running the migrations one at a time on a new in-memory database
    (what ``database_objects.json`` records as "retired")."""
    from annotator.store.lean import Database
    from annotator.store.migrations import known_migration_names, migrations

    names = known_migration_names()
    removed: dict[str, dict[tuple[str, str], str]] = {}
    before: dict[tuple[str, str], str] = {}
    db = Database(memory=True)
    try:
        for name, following in zip(names, [*names[1:], None], strict=True):
            migrations.apply(db, stop_before=following)  # up to and with ``name``
            after = _objects(db.conn)
            if gone := {key: sql for key, sql in before.items() if after.get(key) != sql}:
                removed[name] = gone
            before = after
    finally:
        db.close()
    return removed


def write_schema_record(path: Path | None = None) -> None:
    """Record the migrations' names, :func:`created_objects` and :func:`removed_objects`
    in the shipped ``database_objects.json`` of a checkout (or at ``path``), one object a
    line (after a new migration)."""
    from annotator.store.migrations import known_migration_names

    rows = sorted([kind, name, sql] for (kind, name), sql in created_objects().items())
    retired = {
        migration: sorted([kind, name, sql] for (kind, name), sql in objects.items())
        for migration, objects in removed_objects().items()
    }
    text = (
        '{"migrations": '
        + json.dumps(known_migration_names())
        + ',\n"retired": '
        + json.dumps(retired, ensure_ascii=False)
        + ',\n"objects": [\n'
        + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
        + "\n]}\n"
    )
    (path or Path(str(database_objects_file()))).write_text(text, encoding="utf-8")


def foreign_objects(conn: sqlite3.Connection) -> list[ForeignObject]:
    """Objects of the file this version does not create: unknown tables, columns, views,
    indexes and triggers, and known triggers and indexes with another definition (in
    the order they would be removed: triggers and views first, tables last). Missing
    objects are not listed here (``check`` reports them as damage). What a migration the
    file has not applied removes or redefines is taken as it was before it."""
    expected = {key: {sql} for key, sql in expected_objects().items()}
    applied = _applied(conn)
    for migration, objects in retired_objects().items():
        if migration not in applied:
            for key, sql in objects.items():
                expected.setdefault(key, set()).add(sql)
    found = []
    for (kind, name), sql in _objects(conn).items():
        if (kind, name) not in expected:
            table = name.split(".")[0]
            if kind == "column" and ("table", table) not in expected:
                continue  # an unknown table goes whole
            found.append(ForeignObject(kind, name))
        elif kind in ("trigger", "index") and sql not in expected[(kind, name)]:
            found.append(ForeignObject(kind, name, changed=True))
    order = {"trigger": 0, "view": 1, "index": 2, "column": 3, "table": 4}
    return sorted(found, key=lambda item: (order[item.kind], item.name))


def _applied(conn: sqlite3.Connection) -> set[str]:
    try:
        return {row[0] for row in conn.execute("SELECT name FROM main._sqlite_migrations")}
    except sqlite3.OperationalError:  # no migration yet: nothing is expected of it either
        return set()


def repair_statements(item: ForeignObject) -> list[str]:
    """The SQL that removes ``item`` (and puts back the definition this version has, for
    a changed trigger or index)."""
    if item.kind == "column":
        table, column = item.name.split(".", 1)
        return [f'ALTER TABLE "{table}" DROP COLUMN "{column}"']
    statements = [f'DROP {item.kind.upper()} IF EXISTS "{item.name}"']
    if item.changed:
        statements.append(_expected_sql(item.kind, item.name))
    return statements


@cache
def _expected_sql(kind: str, name: str) -> str:
    from annotator.store.database import open_database

    db = open_database(":memory:")
    try:
        row = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = ? AND name = ?", [kind, name]
        ).fetchone()
        return row[0]
    finally:
        db.close()


def refusal(shown_path: str, found: list[ForeignObject]) -> str:
    """The one line that refuses a project holding ``found``."""
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return (
        f"{shown_path} holds {found[0].describe()}{more} that Annotator did not create; "
        f"nothing was run on it. `annotator check --repair --db {shown_path}` removes it "
        "(after a copy)"
    )
