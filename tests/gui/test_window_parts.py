"""The window is made of parts: controllers that receive the window state, the editor
and their widgets, and never reach back to the main window."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parents[2] / "annotator" / "gui"
CONTROLLERS = ("annotate", "assist", "review")
GONE = {"AnnotateMixin", "AssistMixin", "ReviewMixin"}


def _gui_imports(module: str) -> set[str]:
    """The ``annotator.gui`` modules ``module`` imports anywhere (at the top, inside
    functions, or for type checking)."""
    tree = ast.parse((GUI / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.startswith("annotator.gui.") and (GUI / f"{name.split('.')[2]}.py").exists():
                found.add(name.split(".")[2])
    return found - {module}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for name in _gui_imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def test_main_window_inherits_no_controller_mixin():
    tree = ast.parse((GUI / "main_window.py").read_text(encoding="utf-8"))
    (window,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "MainWindow"]
    bases = {getattr(b, "id", getattr(b, "attr", "")) for b in window.bases}
    assert not bases & GONE
    defined = {
        node.name
        for path in GUI.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    }
    assert not defined & GONE


@pytest.mark.parametrize("controller", CONTROLLERS)
def test_controller_never_reaches_the_main_window(controller):
    reached = _reachable(controller)
    assert "main_window" not in reached and "app" not in reached, sorted(reached)


def test_main_window_is_a_qmainwindow_and_nothing_else_of_ours():
    from annotator.gui.main_window import MainWindow

    ours = [c.__qualname__ for c in MainWindow.__mro__ if c.__module__.startswith("annotator")]
    assert ours == ["MainWindow"]


def test_only_the_app_module_imports_the_main_window():
    importers = sorted(
        path.stem
        for path in GUI.glob("*.py")
        if path.stem not in ("main_window", "app") and "main_window" in _gui_imports(path.stem)
    )
    assert importers == []


def test_gui_modules_import_each_other_without_a_cycle():
    graph = {path.stem: _gui_imports(path.stem) for path in GUI.glob("*.py")}
    cycles = sorted(name for name in graph if name in _reachable(name))
    assert cycles == []
