"""``annotator check``: is the file sound, and does every stored fact still hold?

Also what every command and the window use when something fails on a project:
:func:`describe_damage` says, in one line, what is wrong with a file whose tables were
tampered with (a dropped table or column, text that is not JSON where JSON belongs,
token arrays that do not fit the text), or ``None`` when the file is sound, so that a
real bug is still reported as one.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from array import array
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from annotator.model.errors import StoreError, printable
from annotator.store.objects import foreign_objects, refusal, repair_statements
from annotator.store.recovery import hold, missing_side_files, release

if TYPE_CHECKING:
    from annotator.store.lean import Database

JSON_COLUMNS: dict[str, dict[str, tuple[type, ...]]] = {
    "labels": {"keys": (list,), "attributes": (list,)},
    "relation_types": {"attributes": (list,)},
    "documents": {"meta": (dict,)},
    "spans": {"attributes": (dict,)},
    "relations": {"attributes": (dict,)},
    "suggested_relations": {"attributes": (dict,)},
    "events": {"rows": (list, dict)},
    "patterns": {"pattern": (list, str)},
    "document_band_keys": {"keys": (list,)},
}
"""Every column that holds JSON, with the JSON types its values must have (a test
checks that no other column of a project holds JSON arrays or objects)."""
JSON_PROJECT_VALUES = {"claim_statuses": (list,)}
"""Keys of the ``project`` table whose values are JSON."""
_ROW_NAMES = {
    "labels": "label",
    "relation_types": "link type",
    "documents": "document",
    "spans": "span",
    "relations": "link",
    "suggested_relations": "suggested link",
    "events": "event",
    "patterns": "pattern",
    "document_band_keys": "document's band keys",
}


@cache
def expected_structure() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """Tables (with their columns) and triggers as this version's migrations create them
    (FTS shadow tables, which SQLite manages, left out)."""
    from annotator.store.database import open_database

    db = open_database(":memory:")
    try:
        tables = {
            name: tuple(row[1] for row in db.execute(f'PRAGMA table_info("{name}")'))
            for schema, name, kind, *_ in db.execute("PRAGMA table_list").fetchall()
            if schema == "main" and kind in ("table", "virtual") and not name.startswith("sqlite_")
        }
        triggers = frozenset(
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        )
        return tables, triggers
    finally:
        db.close()


def structure_problems(conn: sqlite3.Connection) -> list[str]:
    """Tables and columns of this version that the file lacks."""
    present = {
        table: {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    problems = []
    for table, columns in expected_structure()[0].items():
        if table not in present:
            problems.append(f"the table {table} is missing")
            continue
        problems += [f"{table}.{c} is missing" for c in columns if c not in present[table]]
    return problems


def trigger_problems(conn: sqlite3.Connection) -> list[str]:
    """Triggers of this version (they keep texts immutable and spans inside them) that
    the file lacks."""
    present = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    return [f"the trigger {name} is missing" for name in sorted(expected_structure()[1] - present)]


def text_problems(conn: sqlite3.Connection, missing: set[str]) -> Iterator[str]:
    """Text values that are not UTF-8 (SQLite stores what it is given; reading them
    back fails)."""
    for table, columns in expected_structure()[0].items():
        if table in missing or table.endswith("_fts"):
            continue
        types = {row[1]: row[2].upper() for row in conn.execute(f'PRAGMA table_info("{table}")')}
        key = _key_column(conn, table)
        for column in columns:
            if types.get(column) != "TEXT" or f"{table}.{column}" in missing:
                continue
            sql = (
                f'SELECT {_blob(key)}, {_blob(column)} FROM "{table}" '
                f"WHERE typeof(\"{column}\") = 'text'"
            )
            for ident, raw in conn.execute(sql):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    noun = _ROW_NAMES.get(table, f"{table} row")
                    yield f"{table}.{column} of {noun} {_shown(ident)} is not UTF-8 text"
                    break


def _key_column(conn: sqlite3.Connection, table: str) -> str:
    keys = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")') if row[5] == 1]
    return f'"{keys[0]}"' if len(keys) == 1 else "rowid"


def json_problems(conn: sqlite3.Connection, missing: set[str]) -> Iterator[str]:
    """Values of JSON columns that are not JSON, or not the JSON they should be."""
    for table, columns in JSON_COLUMNS.items():
        if table in missing:
            continue
        key = _key_column(conn, table)
        noun = _ROW_NAMES[table]
        for column, types in columns.items():
            if f"{table}.{column}" in missing:
                continue
            sql = f'SELECT {_blob(key)}, {_blob(column)} FROM "{table}"'
            shape = _SHAPES.get(f"{table}.{column}")
            for ident, raw in conn.execute(sql):
                reason = _json_reason(raw, types, shape)
                if reason:
                    yield f"{table}.{column} of {noun} {_shown(ident)} {reason}"
    if "project" not in missing:
        for key, types in JSON_PROJECT_VALUES.items():
            sql = "SELECT CAST(value AS BLOB) FROM project WHERE key = ?"
            for (raw,) in conn.execute(sql, [key]):
                reason = _json_reason(raw, types)
                if reason:
                    yield f"the project setting {key} {reason}"


def _blob(column: str) -> str:
    """``column`` read as bytes: a value that is not UTF-8 is reported, not fatal (and the
    connection's text handling is left as it is)."""
    name = column if column == "rowid" or column.startswith('"') else f'"{column}"'
    return f"CAST({name} AS BLOB)"


def _shown(ident: object) -> str:
    return printable(ident) if isinstance(ident, (bytes, str)) else str(ident)


def _event_rows_reason(value: object) -> str | None:
    """Why an event's ``rows`` cannot be read back as the rows of a change (a list of
    ``{table, key, before, after}``; an import's event holds its report, an object)."""
    if isinstance(value, dict):
        return None
    for row in value:
        if not isinstance(row, dict):
            return "holds a row that is not an object"
        if not isinstance(row.get("table"), str) or not isinstance(row.get("key"), list):
            return "holds a row without its table and key"
        sides = ("before", "after")
        if any(side not in row or not isinstance(row[side], (dict, type(None))) for side in sides):
            return "holds a row whose before or after is not an object"
    return None


_SHAPES = {"events.rows": _event_rows_reason}
"""JSON columns whose values must also have the shape the code reads."""


def _json_reason(
    raw: object, types: tuple[type, ...], shape: Callable[[Any], str | None] | None = None
) -> str | None:
    if not isinstance(raw, (bytes, str)):
        return "is not JSON text"
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return "is not JSON"
    if not isinstance(value, types):
        wanted = " or ".join(
            {list: "an array", dict: "an object", str: "a string"}[t] for t in types
        )
        return f"is JSON but not {wanted}"
    return shape(value) if shape is not None else None


def token_problems(conn: sqlite3.Connection, missing: set[str]) -> Iterator[str]:
    """Stored token arrays that do not fit their text (they are rebuilt when read)."""
    if {"document_tokens", "documents"} & missing:
        return
    sql = """SELECT t.document_id, t.starts, t.ends, d.length FROM document_tokens t
             JOIN documents d ON d.id = t.document_id"""
    for document_id, starts, ends, length in conn.execute(sql):
        problem = offsets_problem(starts, ends, length)
        if problem:
            yield f"document {document_id}: its stored tokens {problem} (rebuilt when read)"


_SMALL_ARRAY_BYTES = 512 * 4
"""Token arrays shorter than this (512 tokens) are checked without numpy, unless it is
loaded already. Measured: for 285 tokens Python takes 11 µs and numpy 15 µs; they are
even near 400 tokens; for 2,000 tokens Python takes 64 µs and numpy 15 µs. Importing
numpy costs a process 40 ms, which a reading command such as an export of short
articles would otherwise pay for nothing."""


def _checked_in_python(size: int) -> bool:
    """Whether arrays of ``size`` bytes are checked without numpy."""
    return size < _SMALL_ARRAY_BYTES and "numpy" not in sys.modules


def _in_order(starts: bytes, ends: bytes, length: int) -> bool:
    """Whether the tokens (blobs of 32-bit ints, as long as each other) are each in
    order, in the text and in text order: start₀ ≤ end₀ ≤ start₁ ≤ … ≤ length."""
    bounds = array("i", bytes(len(starts) * 2))
    bounds[0::2] = array("i", starts)
    bounds[1::2] = array("i", ends)
    # a sort of numbers already in order is one pass of comparisons in C
    ordered = bounds.tolist()
    return not ordered or (ordered[0] >= 0 and ordered[-1] <= length and ordered == sorted(ordered))


def offsets_problem(starts: object, ends: object, length: int) -> str | None:
    """Why token arrays (blobs of 32-bit ints) cannot be the tokens of a ``length``-long
    text: lengths differ, a token ends before it starts, tokens go back or leave the
    text. ``None`` if they can."""
    if not isinstance(starts, bytes) or not isinstance(ends, bytes):
        return "are not binary arrays"
    if len(starts) != len(ends):
        return "have starts and ends of different lengths"
    if len(starts) % array("i").itemsize:
        return "are not arrays of 32-bit numbers"
    if _checked_in_python(len(starts)) and _in_order(starts, ends, length):
        return None  # else numpy says what is wrong (a damaged cache: rare)
    import numpy

    first = numpy.frombuffer(starts, dtype=numpy.int32)
    last = numpy.frombuffer(ends, dtype=numpy.int32)
    if len(first) == 0:
        return None
    if (first > last).any():
        return "have a token that ends before it starts"
    if first[0] < 0 or last[-1] > length or (last > length).any():
        return "reach outside the text"
    if (
        (numpy.diff(first) < 0).any()
        or (numpy.diff(last) < 0).any()
        or (first[1:] < last[:-1]).any()
    ):
        return "are not in order"
    return None


def check_database(db: Database) -> tuple[list[str], dict[str, int]]:
    """Problems found (empty when all is well) and what was checked.

    Runs SQLite's integrity and foreign-key checks, checks that every table and column
    of this version is there, that JSON columns hold JSON of the right kind and token
    arrays fit their text, recomputes every text's SHA-256 and length, and checks every
    span's bounds and every link's document. A missing table or column is reported and
    the checks that need it are left out.
    """
    conn = db.conn
    problems = [
        f"SQLite integrity check: {row[0]}"
        for row in conn.execute("PRAGMA integrity_check").fetchall()
        if row[0] != "ok"
    ]
    problems += [
        f"foreign key: {table} row {rowid} refers to a missing {parent} row"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()
    ]
    problems += [
        f"{item.describe()}: Annotator did not create it (`annotator check --repair` removes it)"
        for item in foreign_objects(conn)
    ]
    structure = structure_problems(conn)
    problems += structure
    missing = {p.split()[2] if p.startswith("the table") else p.split()[0] for p in structure}
    problems += trigger_problems(conn)
    problems += json_problems(conn, missing)
    problems += text_problems(conn, missing)
    problems += token_problems(conn, missing)
    counts = {"documents": 0, "spans": 0, "relations": 0}
    needed = {"documents", "document_texts", "spans", "relations", "relation_types"}
    if needed & {m.split(".")[0] for m in missing}:
        return problems, counts
    problems += _document_problems(conn, counts)
    return problems, counts


def _document_problems(conn: sqlite3.Connection, counts: dict[str, int]) -> list[str]:
    problems = []
    sql = """SELECT d.id, d.length, CAST(d.text_sha256 AS BLOB), CAST(t.text AS BLOB)
             FROM documents d LEFT JOIN document_texts t ON t.document_id = d.id"""
    for document_id, length, sha, text in conn.execute(sql):
        counts["documents"] += 1
        if text is None:
            problems.append(f"document {document_id}: its text is missing")
            continue
        try:
            decoded = text.decode("utf-8")
        except (UnicodeDecodeError, AttributeError):
            problems.append(f"document {document_id}: its text is not UTF-8 text")
            continue
        if hashlib.sha256(text).hexdigest() != _shown(sha):
            problems.append(f"document {document_id}: the text no longer matches its SHA-256")
        if len(decoded) != length:
            problems.append(f"document {document_id}: stored length {length} != {len(decoded)}")
    bad_spans = conn.execute(
        """SELECT s.id, s.document_id, s.start, s."end", d.length FROM spans s
           JOIN documents d ON d.id = s.document_id
           WHERE s.start < 0 OR s."end" <= s.start OR s."end" > d.length"""
    ).fetchall()
    problems += [
        f"span {span_id} of document {doc}: [{start}, {end}) is outside the text (0 to {length})"
        for span_id, doc, start, end, length in bad_spans
    ]
    bad_links = conn.execute(
        """SELECT r.id FROM relations r JOIN spans h ON h.id = r.head_id
           JOIN spans c ON c.id = r.child_id
           WHERE h.document_id != r.document_id OR c.document_id != r.document_id"""
    ).fetchall()
    problems += [f"link {row[0]} joins spans of different documents" for row in bad_links]
    problems += [
        f"link {link_id} ({label}) goes from {head} to {child}, which its type does not "
        f"allow (only {allowed_head} to {allowed_child})"
        for link_id, label, head, child, allowed_head, allowed_child in conn.execute(
            _LINKS_AGAINST_SCHEMA
        )
    ]
    counts["spans"] = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    counts["relations"] = conn.execute("SELECT count(*) FROM relations").fetchone()[0]
    return problems


_LINKS_AGAINST_SCHEMA = """
SELECT r.id, r.label, h.label, c.label, t.head_label, t.child_label FROM relations r
JOIN spans h ON h.id = r.head_id
JOIN spans c ON c.id = r.child_id
JOIN relation_types t ON t.name = r.label
WHERE t.head_label NOT IN (h.label, '*') OR t.child_label NOT IN (c.label, '*')
ORDER BY r.id"""


def describe_damage(path: str | Path | None) -> str | None:
    """One line saying how the project file at ``path`` is damaged, naming the first
    problem and ``annotator check``; ``None`` if it is sound (or cannot be read at all).

    Reads only (the file is opened read-only); used when a command or the window fails
    on a project, to tell a damaged file from a bug in Annotator.
    """
    if path is None or str(path) == ":memory:":
        return None
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return None  # a FIFO or device would block SQLite; it and an empty file are refused
    created = missing_side_files(path)
    try:
        token = hold(path)
    except StoreError:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.Error, OSError, ValueError):
        release(token, created=created)
        return None
    try:
        if not _looks_like_a_project(conn):
            return None  # another application's database: refused as not a project
        foreign = foreign_objects(conn)
        if foreign:
            return refusal(printable(path), foreign)
        first = _first_damage(conn)
    except sqlite3.OperationalError as exc:
        if "unable to open" in str(exc):
            return None  # not damage: a folder SQLite cannot use (read-only, gone)
        first = f"SQLite cannot read it: {exc}"
    except sqlite3.DatabaseError as exc:
        first = f"SQLite cannot read it: {exc}"
    finally:
        conn.close()
        release(token, created=created)  # reading leaves no side files behind
    if first is None:
        return None
    shown = printable(path)
    return f"{shown} is damaged ({first}); run `annotator check --db {shown}` to list every problem"


def _looks_like_a_project(conn: sqlite3.Connection) -> bool:
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return bool(names & {"_sqlite_migrations", "project", "documents", "spans"})


def _first_damage(conn: sqlite3.Connection) -> str | None:
    structure = structure_problems(conn)
    if structure:
        return structure[0]
    for problem in json_problems(conn, set()):
        return problem
    for problem in text_problems(conn, set()):
        return problem
    for (result,) in conn.execute("PRAGMA quick_check(1)"):
        if result != "ok":
            return f"SQLite: {result}"
    return None


def repair(path: Path, *, stamp: str) -> tuple[Path | None, list[str]]:
    """Remove from the project at ``path`` the schema objects this version does not
    create (and restore changed triggers and indexes), after copying the file as found
    to ``<name>.before-repair-<stamp>.db`` beside it.

    Returns the copy (``None`` when there was nothing to repair) and one line per object
    removed. Runs on a plain connection: none of Annotator's writes (which a planted
    trigger would follow) happen before the objects are gone.

    :raises StoreError: the copy or the repair failed; the project is then unchanged.
    """
    from annotator.store.database import backup_database
    from annotator.store.lean import Database

    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        found = foreign_objects(conn)
        if not found:
            return None, []
        copy = path.with_name(f"{path.stem}.before-repair-{stamp}{path.suffix}")
        backup_database(Database(conn), copy)
        conn.execute("BEGIN IMMEDIATE")
        try:
            for item in found:
                for statement in repair_statements(item):
                    conn.execute(statement)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StoreError(f"cannot repair {printable(path)}: {exc}; it is unchanged") from None
    finally:
        conn.close()
    return copy, [f"removed {item.describe()}" for item in found]
