"""What is selected in the article follows what the annotator does: a click beside every
span deselects, undoing a delete selects the span again, and a suggestion reached with F8
shows its label's colour instead of the plain selection colour."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QTextCursor

from annotator.core.samples import sample_text
from annotator.text import get_nlp

TEXT = sample_text()
CTRL = Qt.KeyboardModifier.ControlModifier


def _span(window, phrase: str, label: str):
    start = TEXT.find(phrase)
    change = window.run(
        lambda: window.project.add_span(window.document_id, start, start + len(phrase), label)
    )
    return change.spans_added[0]


def _click_at(qtbot, view, position: int) -> None:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    point = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_click_beside_every_span_deselects(qtbot, make_window):
    window = make_window()
    hedge = _span(window, "probably", "hedge")
    window.state.select_span(hedge.id)
    assert window.view.current_span == hedge.id
    _click_at(qtbot, window.view, TEXT.find("weekend") + 2)
    assert window.state.current_span is None and window.view.current_span is None
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # a stray label key relabels nothing
    assert [s.label for s in window.project.spans(window.document_id)] == ["hedge"]


def test_click_on_a_span_still_selects_it(qtbot, make_window):
    window = make_window()
    hedge = _span(window, "probably", "hedge")
    _click_at(qtbot, window.view, TEXT.find("probably") + 3)
    assert window.state.current_span == hedge.id


def test_undo_of_a_delete_selects_the_span_again(qtbot, make_window):
    window = make_window()
    hedge = _span(window, "probably", "hedge")
    window.state.select_span(hedge.id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.state.current_span is None
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.state.current_span == hedge.id == window.view.current_span
    assert window.span_table.currentIndex().row() == window.span_model.row_of(hedge.id)


def test_suggestion_reached_with_f8_shows_its_label_colour(qtbot, make_window):
    get_nlp("en")  # what the window's warm-up does after the first paint: patterns match
    window = make_window()
    window.view.select(0, 0)
    window.view.setFocus()
    plain = window.view.palette().color(QPalette.ColorRole.Highlight)
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    chosen = window.assist.selected_suggestion()
    assert chosen is not None and window.view.focused_suggestion is not None
    shown = window.view.palette().color(QPalette.ColorRole.Highlight)
    label = window.view._colours[chosen.label]
    assert (shown.red(), shown.green(), shown.blue()) == (label.red(), label.green(), label.blue())
    qtbot.keyClick(window.view, Qt.Key.Key_Right)  # the selection moves on
    assert window.view.focused_suggestion is None
    assert window.view.palette().color(QPalette.ColorRole.Highlight) == plain


def test_hovering_a_span_tells_what_it_is_as_plain_text(qtbot, make_window):
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    window = make_window()
    hedge = _span(window, "probably", "hedge")
    claim = _span(window, "North Korean soldiers are probably engaged in combat", "claim")
    window.run(lambda: window.project.set_span_note(hedge.id, "<b>not bold</b>"))
    window.run(lambda: window.project.add_relation(hedge.id, claim.id, "hedges"))
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(TEXT.find("probably") + 3)
    point = window.view.cursorRect(cursor).center()
    viewport = window.view.viewport()
    event = QHelpEvent(QHelpEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    shown = QToolTip.text()
    assert "hedge, by alice (manual)" in shown
    assert "&lt;b&gt;not bold&lt;/b&gt;" in shown  # user text is never rich text
    assert "→ hedges North Korean soldiers" in shown
    QToolTip.hideText()
