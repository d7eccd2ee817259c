"""Small dialogs: keyboard shortcuts, about, find."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.gui.actions import SCOPES, ActionSpec
from annotator.gui.screen import fit_on_screen
from annotator.shipped import guideline_file


def shortcut_rows(specs: list[ActionSpec]) -> list[tuple[str, str, str]]:
    """``(keys, command, where)`` for every action that has a shortcut."""

    def keys(spec: ActionSpec) -> str:
        return ", ".join(QKeySequence(s).toString() for s in spec.shortcuts)

    return [
        (keys(spec), spec.text.replace("&", "").rstrip("…"), SCOPES[spec.scope])
        for spec in specs
        if spec.shortcuts
    ]


def show_shortcuts(parent: QWidget, specs: list[ActionSpec]) -> QDialog:
    dialog = QDialog(parent)
    dialog.setObjectName("shortcuts_dialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    rows = shortcut_rows(specs)
    table = QTableWidget(len(rows), 3, dialog)
    table.setHorizontalHeaderLabels(["Keys", "Command", "Works in"])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    fit_on_screen(dialog, 560, 480)
    dialog.show()
    return dialog


def versions() -> dict[str, str]:
    from importlib.metadata import version  # 8 ms, for the About box only: not at start

    from annotator.store import engine_versions

    return {
        "Annotator": __version__,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "spaCy": version("spacy"),
        **engine_versions(),
    }


def show_about(parent: QWidget) -> None:
    lines = "\n".join(f"{name}: {value}" for name, value in versions().items())
    QMessageBox.about(
        parent,
        "About Annotator",
        "Annotator — offline annotation of claims, sources, actors and hedges "
        f"in news articles.\n\n{lines}",
    )


def guideline_text() -> str:
    return guideline_file().read_text("utf-8")


def show_guideline(parent: QWidget) -> QDialog:
    from PySide6.QtWidgets import QTextBrowser

    dialog = QDialog(parent)
    dialog.setObjectName("guideline_dialog")
    dialog.setWindowTitle("Annotation guideline")
    browser = QTextBrowser(dialog)
    browser.setOpenLinks(False)  # the guideline is ours; still, never follow a link
    browser.setMarkdown(guideline_text())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    layout.addWidget(buttons)
    fit_on_screen(dialog, 760, 640)
    dialog.show()
    return dialog
