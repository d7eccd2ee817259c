"""Desktop manners and safety nets of the window: other windows' changes, project files,
the crash handler, literal display of hostile text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from annotator.core.project import Project
from annotator.gui.crash import CrashHandler, log_path
from annotator.gui.messages import plain_tooltip
from annotator.gui.settings import RECENT_PROJECTS
from tests.conftest import add_document


def test_window_shows_spans_saved_by_another_window(make_window, db_path):
    window = make_window()
    text = window.state.text
    start = text.find("probably")
    with Project.open(db_path, annotator="alice") as other:  # a second window, same person
        other.add_span(window.document_id, start, start + 8, "hedge")
    assert window.desktop.check_external_changes()
    assert [(s.start, s.label) for s in window.span_model.rows] == [(start, "hedge")]
    assert not window.desktop.check_external_changes()  # nothing new since


def test_own_edits_do_not_count_as_external(make_window):
    window = make_window()
    window.desktop.check_external_changes()
    window.run(lambda: window.project.add_span(window.document_id, 0, 5, "claim"))
    assert not window.desktop.check_external_changes()


def test_new_open_and_recent_projects(make_window, tmp_path):
    window = make_window()
    first = window.project.path
    second = tmp_path / "second.db"
    assert window.desktop.switch_project(second)
    assert window.project.path == second and window.doc_model.rowCount() == 0
    assert window.document_id is None
    with Project.open(first, annotator="x") as project:
        add_document(project, "Another article in the first project.", "another")
    assert window.desktop.switch_project(first)
    assert window.doc_model.rowCount() == 2
    recent = QSettings().value(RECENT_PROJECTS)
    assert recent[:2] == [str(first), str(second)]
    assert [a.text() for a in window.recent_menu.actions()] == [str(second)]


def test_opening_a_bad_file_keeps_the_current_project(make_window, tmp_path, monkeypatch):
    window = make_window()
    bad = tmp_path / "notes.db"
    bad.write_text("not a database")
    shown = []
    monkeypatch.setattr(
        "annotator.gui.desktop.warn", lambda parent, title, text: shown.append(text)
    )
    assert not window.desktop.switch_project(bad)
    assert "not an SQLite database" in shown[0]
    assert window.project.path != bad and window.doc_model.rowCount() == 1


def test_crash_handler_logs_and_tells_the_user_work_is_saved(
    make_window, tmp_path, monkeypatch, qtbot
):
    monkeypatch.setenv("ANNOTATOR_LOG_DIR", str(tmp_path / "logs"))
    window = make_window()
    handler = CrashHandler(window)
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        handler.handle(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: handler.last_dialog is not None)
    text = handler.last_dialog.text()
    assert "RuntimeError: boom in a slot" in text and "Your work is saved" in text
    assert handler.last_dialog.textFormat() == Qt.TextFormat.PlainText
    logged = log_path().read_text("utf-8")
    assert "Traceback" in logged and "boom in a slot" in logged
    handler.last_dialog.close()


HOSTILE = (
    '<html><body onload="x()"><img src="http://example.invalid/a.png"><b>bold</b>'
    '<a href="http://example.invalid">link</a> &amp; &lt;tag&gt; <qt>rich</qt>'
    "\x00\x07\x1b[31m ANSI \u202e RLO \ufeff BOM\n<script>alert(1)</script>"
)


def test_hostile_article_text_is_shown_literally(make_window):
    window = make_window(HOSTILE)
    document = window.view.document()
    assert document.characterCount() - 1 == len(HOSTILE)
    assert "<img" in document.toRawText()
    assert document.toHtml().count("<img") == 0  # nothing was interpreted as an image
    window.run(lambda: window.project.add_span(window.document_id, 0, 40, "claim"))
    tooltip = window.span_model.data(window.span_model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;html&gt;" in tooltip and "<img" not in tooltip


@pytest.mark.parametrize("text", ["<b>x</b>", "a & b", "line\nbreak", "<img src=x>"])
def test_plain_tooltip_escapes(text):
    import html

    assert html.unescape(plain_tooltip(text).split(">", 1)[1].rsplit("<", 1)[0]) == text
