"""Writes go through one runner (``Project.transact``): nothing else opens a write
transaction, applies rows or writes history events, and the window reads change
summaries, never tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from annotator.store import inventory

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"
PRIVATE_WRITES = {"_writing", "_record_event", "_register_names"}
RUNNER = PACKAGE / "core" / "base.py"
TRANSACTION = PACKAGE / "core" / "transaction.py"
MIGRATIONS = PACKAGE / "store" / "database.py"  # upgrades the file before a project opens
TABLES = {*inventory.USER_TABLES, *inventory.DERIVED_TABLES, *inventory.SYSTEM_TABLES}


def _python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("path", _python_files(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_write_path_is_used_only_by_the_projects_own_operations(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    outside = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in PRIVATE_WRITES
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert outside == [], f"{path.name} opens the write path from outside (lines {outside})"


@pytest.mark.parametrize(
    "path", _python_files(PACKAGE / "gui"), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_window_reads_no_table_of_a_change_row(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rows = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "table"
        and isinstance(node.value, ast.Name)
        and node.value.id in {"row", "r", "change_row"}
    ]
    assert rows == [], f"{path.name} reads change rows' tables (lines {rows})"


def _calls(tree: ast.AST, name: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and name in {getattr(node.func, "id", None), getattr(node.func, "attr", None)}
    ]


@pytest.mark.parametrize("path", _python_files(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_runner_opens_a_write_transaction_or_applies_rows(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if path != RUNNER:
        assert _calls(tree, "_writing") == [], f"{path.name} opens a write transaction"
    if path not in {RUNNER, MIGRATIONS}:
        assert _calls(tree, "write_transaction") == [], f"{path.name} opens a write transaction"
    if path != TRANSACTION:
        assert _calls(tree, "apply_row_changes") == [], f"{path.name} applies rows itself"


@pytest.mark.parametrize("path", _python_files(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_runner_writes_history_events(path):
    """The runner records events through the store's one statement (``record_event``);
    the history copied from another file by a merge (``carry_events``) is the only other
    writer: those events were recorded by that file's runner."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    inserts = [  # the store's row writers, given the events table
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) in {"insert_row", "insert_rows"}
        and any(isinstance(a, ast.Constant) and a.value == "events" for a in node.args)
    ]
    statements = (
        source.count("INSERT INTO events") + source.count('db["events"].insert') + len(inserts)
    )
    calls = len(_calls(tree, "record_event"))
    allowed = {
        RUNNER: (0, 1),
        PACKAGE / "store" / "writes.py": (1, 0),
        PACKAGE / "core" / "carry.py": (1, 0),
    }.get(path, (0, 0))
    assert (statements, calls) == allowed, f"{path.name} writes history events"


@pytest.mark.parametrize(
    "path", _python_files(PACKAGE / "gui"), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_window_names_no_stored_table(path):
    """A key read from a report (``report["labels"]``) names the report's field, not a
    table; every other string equal to a table name would be the window knowing the
    store."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    keys = {
        id(node.slice)
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
    }
    named = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in TABLES and id(node) not in keys
    ]
    assert named == [], f"{path.name} names tables: {named}"
