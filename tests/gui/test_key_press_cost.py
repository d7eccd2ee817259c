"""A label key press costs a few SQL statements and refreshes the selected span once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.samples import sample_text

MAX_STATEMENTS = 25


def test_hedge_key_press_runs_few_statements_and_one_span_refresh(qtbot, make_window, monkeypatch):
    window = make_window()
    text = sample_text()
    start = text.find("probably")
    window.view.select(start, start + len("probably"))
    window.view.setFocus()
    window.project.token_offsets(window.document_id)  # stored once, at the first look
    for _ in range(5):
        QApplication.processEvents()
    refreshes = []
    shown = window.annotate.show_span
    monkeypatch.setattr(window.annotate, "show_span", lambda i: (refreshes.append(i), shown(i)))
    statements: list[str] = []
    window.project.db.conn.set_trace_callback(statements.append)
    try:
        qtbot.keyClick(window.view, Qt.Key.Key_4)
        for _ in range(10):
            QApplication.processEvents()
    finally:
        window.project.db.conn.set_trace_callback(None)
    assert [s.label for s in window.project.spans(window.document_id)] == ["hedge"]
    assert "COMMIT" in statements
    assert len(statements) <= MAX_STATEMENTS, "\n".join(statements)
    assert not [s for s in statements if "sqlite_master" in s or s.startswith("PRAGMA table")]
    assert len(refreshes) == 1
