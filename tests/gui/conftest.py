from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QTextCursor

from annotator.core.project import Project
from annotator.gui import open_window
from annotator.gui.settings import APPLICATION, FIND_STRUCTURES, ORGANISATION
from tests.conftest import add_document


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path, qapp):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    qapp.setOrganizationName("AnnotatorTests")
    # The attribution rules run in the background when a window shows an English article;
    # tests of other parts count ghosts, so they start with it off (structure tests turn
    # it on: ``find_structures``).
    _window_settings().setValue(FIND_STRUCTURES, False)


@pytest.fixture
def find_structures():
    _window_settings().setValue(FIND_STRUCTURES, True)


def _window_settings() -> QSettings:
    """The settings the window reads (it names the application itself)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


@pytest.fixture
def make_window(qtbot, db_path):
    """Open the real main window on ``db_path`` (optionally seeded with one text)."""
    windows = []

    def make(text: str | None = None, *, annotator: str = "alice"):
        if text is not None:
            with Project.open(db_path, annotator=annotator) as project:
                add_document(project, text, "doc")
        window = open_window(db_path, annotator)
        qtbot.addWidget(window)
        window.activateWindow()
        qtbot.waitExposed(window)
        window.view.setFocus()
        qtbot.waitUntil(window.view.hasFocus)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.project.close()


def utf16(text: str, index: int) -> int:
    """Qt position of code-point ``index``, computed independently of the app's converter."""
    return len(text[:index].encode("utf-16-le")) // 2


def select_qt(view, text: str, start: int, end: int) -> None:
    """Select ``text[start:end]`` by setting the view's own cursor in UTF-16 units."""
    cursor = view.textCursor()
    cursor.setPosition(utf16(text, start))
    cursor.setPosition(utf16(text, end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def sample_place(phrase: str) -> tuple[int, int]:
    """Where ``phrase`` is in the sample article, in code points."""
    from annotator.core.samples import sample_text

    start = sample_text().find(phrase)
    return start, start + len(phrase)


def painted(window) -> None:
    """Paint the article now (what the view exposes of its paint is then current)."""
    from PySide6.QtWidgets import QApplication

    window.view.viewport().repaint()
    QApplication.processEvents()
