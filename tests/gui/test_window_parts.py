"""The window is made of parts: controllers that receive the window state, the editor
and their widgets, and never reach back to the main window."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.import_graph import imports_within, reachable

GUI = Path(__file__).resolve().parents[2] / "annotator" / "gui"
CONTROLLERS = ("annotate", "assist", "review")
GONE = {"AnnotateMixin", "AssistMixin", "ReviewMixin"}


def _gui_imports(module: str) -> set[str]:
    return imports_within("gui", module)


def _reachable(start: str) -> set[str]:
    return reachable("gui", start)


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
