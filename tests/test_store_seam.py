"""Only the store speaks to the database: no layer above it runs a statement or uses
sqlite-utils' table API, so that a second kind of database needs a second store only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "annotator"
ABOVE = ("core", "services", "formats", "gui", "cli", "text", "files", "model")
STATEMENT_CALLS = {"execute", "executescript", "executemany", "query", "table"}


def _files() -> list[Path]:
    return sorted(p for layer in ABOVE for p in (PACKAGE / layer).rglob("*.py"))


def _database_uses(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in STATEMENT_CALLS:
            found.append(node.lineno)
        elif isinstance(node, ast.Subscript) and getattr(node.value, "attr", None) == "db":
            found.append(node.lineno)  # project.db["spans"]: sqlite-utils' table API
        elif isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "db":
            found.append(node.lineno)
    return found


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_layer_above_the_store_runs_a_statement(path):
    assert _database_uses(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_check_finds_a_statement_and_a_table():
    tree = ast.parse('project.db.execute("SELECT 1")\ndb["spans"].insert({})\n')
    assert _database_uses(tree) == [1, 2]
