"""The attribution modules import one way: records at the bottom, the facade on top, no
module reaching (at the top, inside a function or for type checking) one that reaches
back to it."""

from __future__ import annotations

import ast
from pathlib import Path

TEXT = Path(__file__).resolve().parents[2] / "annotator" / "text"
MODULES = sorted(p.stem for p in TEXT.glob("attribution*.py"))


def _imports(module: str) -> set[str]:
    tree = ast.parse((TEXT / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            name = node.module.rpartition(".")[2]
            if node.module.startswith("annotator.text.") and name in MODULES:
                found.add(name)
    return found - {module}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for name in _imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def test_attribution_modules_import_each_other_without_a_cycle():
    assert len(MODULES) >= 8
    assert sorted(name for name in MODULES if name in _reachable(name)) == []


def test_attribution_records_are_at_the_bottom():
    assert _imports("attribution_records") == set()
    assert "attribution" not in set().union(*(_imports(m) for m in MODULES if m != "attribution"))
