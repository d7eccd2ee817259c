"""Which modules of one ``annotator`` package a module imports, anywhere in it (at the
top, inside functions, or for type checking): for the tests that keep the layers and
the parts of a package one-way."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "annotator"


def imports_within(package: str, module: str) -> set[str]:
    """The modules of ``annotator.<package>`` that ``annotator.<package>.<module>``
    imports (by their short names), itself left out."""
    folder = PACKAGE / package
    prefix = f"annotator.{package}."
    tree = ast.parse((folder / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.startswith(prefix):
                short = name[len(prefix) :].split(".")[0]
                if (folder / f"{short}.py").exists():
                    found.add(short)
    return found - {module}


def reachable(package: str, start: str) -> set[str]:
    """Every module of the package that ``start`` reaches through its imports."""
    seen, todo = set(), [start]
    while todo:
        for name in imports_within(package, todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen
