"""A tampered project file does not crash the window at start-up: one message says what
is damaged and offers ``annotator check``; later failures caused by the damage say so too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.core.samples import sample_text
from annotator.gui import app
from annotator.gui.crash import CrashHandler
from tests.conftest import add_document, wal_of_a_copy

TAMPERING = {
    "meta not JSON": "UPDATE documents SET meta = '{bad'",
    "label attributes not JSON": "UPDATE labels SET attributes = 'x' WHERE name = 'claim'",
    "dropped table": "DROP TABLE spans",
    "dropped project table": "DROP TABLE project",
}
"""Damage the window reads while it starts."""
LATER = {
    "attributes not JSON": (
        "UPDATE spans SET attributes = 'not json'",
        "spans.attributes of span 1 is not JSON",
    ),
    "missing column": ("ALTER TABLE spans DROP COLUMN note", "spans.note is missing"),
}
"""Damage the window reads only when the span is selected (it starts on light records)."""


def _project(db_path) -> None:
    with Project.open(db_path, annotator="alice") as project:
        doc = add_document(project, sample_text(), "sample")
        project.add_span(doc, 0, 5, "claim", attributes={"checkworthy": True})


def _tamper(db_path, sql: str) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("tampering", list(TAMPERING))
def test_window_start_on_a_tampered_project_gives_one_message(qapp, db_path, tampering):
    _project(db_path)
    _tamper(db_path, TAMPERING[tampering])
    window, problem = app.open_or_explain(db_path, "alice")
    assert window is None
    assert f"{db_path} is damaged (" in problem
    assert f"run `annotator check --db {db_path}`" in problem


@pytest.mark.parametrize("tampering", list(LATER))
def test_damage_met_later_gives_the_same_message(qtbot, db_path, tampering):
    _project(db_path)
    sql, problem = LATER[tampering]
    _tamper(db_path, sql)
    window, message = app.open_or_explain(db_path, "alice")
    assert message is None
    qtbot.addWidget(window)
    try:
        with qtbot.captureExceptions() as caught:  # raised in the selection's slot
            try:
                window.select_span(1)
            except Exception as exc:  # ... or directly: what the damage raises
                caught.append((type(exc), exc, exc.__traceback__))
        assert caught
        handler = CrashHandler(window)
        handler.handle(*caught[0])
        qtbot.waitUntil(lambda: handler.last_dialog is not None)
        text = handler.last_dialog.text()
        assert f"({problem})" in text and "annotator check" in text
    finally:
        window.close()  # its background work stops before the project closes
        window.project.close()


def test_run_shows_the_message_instead_of_crashing(qapp, db_path, monkeypatch):
    _project(db_path)
    _tamper(db_path, TAMPERING["meta not JSON"])
    shown = []

    class Box:
        def __init__(self, parent, title, text, icon):
            shown.append(text)

        def exec(self):
            return 0

    monkeypatch.setattr(app, "message_box", Box)
    assert app.run(db_path, annotator="alice") == 1
    assert len(shown) == 1 and "documents.meta of document 1 is not JSON" in shown[0]


def test_a_sound_project_still_opens(qapp, db_path):
    _project(db_path)
    window, problem = app.open_or_explain(db_path, "alice")
    assert problem is None and window is not None
    window.close()
    window.project.close()


def test_an_error_from_damage_while_working_says_so(qtbot, make_window, db_path):
    window = make_window(sample_text())
    handler = CrashHandler(window)
    _tamper(db_path, "UPDATE documents SET meta = '{bad'")
    handler.handle(ValueError, ValueError("boom"), None)
    qtbot.waitUntil(lambda: handler.last_dialog is not None)
    text = handler.last_dialog.text()
    assert "documents.meta of document 1 is not JSON" in text and "annotator check" in text
    assert "Something went wrong" not in text


def test_a_bug_while_working_is_still_reported_as_one(qtbot, make_window):
    window = make_window(sample_text())
    handler = CrashHandler(window)
    handler.handle(ValueError, ValueError("boom"), None)
    qtbot.waitUntil(lambda: handler.last_dialog is not None)
    assert "Something went wrong: ValueError: boom" in handler.last_dialog.text()


def test_window_on_a_planted_trigger_offers_the_repair(qapp, db_path):
    _project(db_path)
    _tamper(db_path, "CREATE TRIGGER evil AFTER INSERT ON spans BEGIN DELETE FROM spans; END")
    window, problem = app.open_or_explain(db_path, "alice")
    assert window is None
    assert "an unknown trigger evil" in problem and "check --repair" in problem


def test_window_on_a_project_with_a_log_beside_it_names_the_copy(qtbot, db_path, tmp_path):
    _project(db_path)
    Path(f"{db_path}-wal").write_bytes(wal_of_a_copy(db_path, tmp_path, "DELETE FROM spans"))
    window, problem = app.open_or_explain(db_path, "alice")
    assert problem is None
    qtbot.addWidget(window)
    try:
        (kept,) = db_path.parent.glob("project.before-recovery-*.db")
        assert f"kept in {kept.name}" in window.statusBar().currentMessage()
        assert window.project.notices and kept.name in window.project.notices[0]
    finally:
        window.close()  # its background work stops before the project closes
        window.project.close()
