"""Writes go through the project's own write path: nothing outside the project's
operations opens its transaction or applies rows, and the window reads change summaries,
not the rows' tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"
PRIVATE_WRITES = {"_writing", "_apply", "_applied"}


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
