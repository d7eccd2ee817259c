"""The real window driven through pytest-qt: select, press a label key, check the store."""

import pytest
from PySide6.QtCore import Qt

from annotator.core.project import Project
from annotator.core.samples import sample_text
from tests.conftest import TRICKY_TEXT
from tests.gui.conftest import select_qt

KEYS = {"claim": Qt.Key.Key_1, "source": Qt.Key.Key_2, "actor": Qt.Key.Key_3, "hedge": Qt.Key.Key_4}
LETTERS = {
    "claim": Qt.Key.Key_C,
    "source": Qt.Key.Key_S,
    "actor": Qt.Key.Key_A,
    "hedge": Qt.Key.Key_H,
}


def _stored(window):
    return sorted((s.start, s.end, s.label) for s in window.project.spans(window.document_id))


def label_phrase(qtbot, window, phrase, label, *, key=None):
    text = window.project.document(window.document_id).text
    start = text.find(phrase)
    assert start >= 0, phrase
    select_qt(window.view, text, start, start + len(phrase))
    qtbot.keyClick(window.view, key or KEYS[label])
    return start, start + len(phrase)


def test_window_opens_on_sample_for_new_project(make_window):
    window = make_window()
    assert window.project.document(window.document_id).text == sample_text()
    assert window.doc_model.rowCount() == 1


@pytest.mark.parametrize(
    ("phrase", "label"),
    [
        ("🇺🇦", "actor"),
        ("👩‍👩‍👧", "actor"),
        ("東京", "actor"),
        ("cafe\u0301", "claim"),
        ("NBSP\u00a0here", "claim"),
        ("line\u2028sep", "claim"),
        ("quiet.\r\nTab\there", "claim"),
        ("the 🚀 strike was\u00a0probably aimed at 北京 depots", "claim"),
        ("probably", "hedge"),
    ],
)
def test_label_key_stores_code_point_offsets(qtbot, make_window, phrase, label):
    window = make_window(TRICKY_TEXT)
    start, end = label_phrase(qtbot, window, phrase, label)
    assert _stored(window) == [(start, end, label)]
    assert TRICKY_TEXT[start:end] == phrase


@pytest.mark.parametrize("label", ["claim", "source", "actor", "hedge"])
def test_letter_keys_apply_labels(qtbot, make_window, label):
    window = make_window(TRICKY_TEXT)
    start, end = label_phrase(qtbot, window, "strike", label, key=LETTERS[label])
    assert _stored(window) == [(start, end, label)]


def test_partial_word_selection_snaps_to_token(qtbot, make_window):
    window = make_window()
    text = sample_text()
    start = text.find("probably")
    select_qt(window.view, text, start + 2, start + 5)
    qtbot.keyClick(window.view, Qt.Key.Key_H)
    assert _stored(window) == [(start, start + len("probably"), "hedge")]


def test_selection_with_spaces_is_trimmed(qtbot, make_window):
    window = make_window(TRICKY_TEXT)
    start = TRICKY_TEXT.find("strike")
    select_qt(window.view, TRICKY_TEXT, start - 1, start + len("strike") + 1)
    qtbot.keyClick(window.view, Qt.Key.Key_4)
    assert _stored(window) == [(start, start + len("strike"), "hedge")]


def test_nested_spans_both_stored_and_listed(qtbot, make_window):
    window = make_window()
    claim = (
        "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces"
    )
    label_phrase(qtbot, window, claim, "claim")
    label_phrase(qtbot, window, "probably", "hedge")
    assert [s.label for s in window.span_model.rows] == ["claim", "hedge"]
    assert "claim 1" in window.counts_label.text() and "hedge 1" in window.counts_label.text()


def test_delete_then_undo_restores_span(qtbot, make_window):
    window = make_window()
    span = label_phrase(qtbot, window, "probably", "hedge")
    window.select_span(window.span_model.row_at(0).id)
    assert window.inspector.span_box.title().startswith("Span: hedge")
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert _stored(window) == []
    assert window.span_model.rowCount() == 0
    assert window.inspector.span_box.title() == "Span"  # not the deleted span's
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored(window) == [(*span, "hedge")]
    assert window.span_model.rowCount() == 1


def test_undo_and_redo_add(qtbot, make_window):
    window = make_window()
    span = label_phrase(qtbot, window, "probably", "hedge")
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _stored(window) == []
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _stored(window) == [(*span, "hedge")]
    assert window.span_model.rowCount() == 1


def test_duplicate_is_refused_with_message(qtbot, make_window):
    window = make_window()
    label_phrase(qtbot, window, "probably", "hedge")
    label_phrase(qtbot, window, "probably", "hedge")
    assert len(_stored(window)) == 1
    assert "already labelled" in window.statusBar().currentMessage()


def test_label_key_on_selected_span_relabels_it(qtbot, make_window):
    window = make_window()
    start, end = label_phrase(qtbot, window, "Russian forces", "source")
    window.select_span(window.span_model.row_at(0).id)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert _stored(window) == [(start, end, "actor")]


def test_span_table_row_selects_and_scrolls_to_span(qtbot, make_window):
    window = make_window()
    window.resize(1024, 700)
    label_phrase(qtbot, window, "Moscow exercised its veto power", "claim")  # far down
    label_phrase(qtbot, window, "probably", "hedge")  # on the first line
    window.view.verticalScrollBar().setValue(0)
    late = window.span_model.row_of(window.span_model.rows[-1].id)
    window.span_table.selectRow(late)
    assert window.view.current_span == window.span_model.rows[-1].id
    assert window.view.verticalScrollBar().value() > 0
    visible = window.view.cursorRect(window.view.textCursor())
    assert window.view.viewport().rect().contains(visible.center())


def test_clicking_the_selected_spans_row_brings_it_back_into_view(qtbot, make_window):
    window = make_window()
    window.resize(1024, 700)
    label_phrase(qtbot, window, "Moscow exercised its veto power", "claim")
    window.view.verticalScrollBar().setValue(0)  # the user scrolled away
    index = window.span_model.index(0, 1)
    qtbot.mouseClick(
        window.span_table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.span_table.visualRect(index).center(),
    )
    visible = window.view.cursorRect(window.view.textCursor())
    assert window.view.viewport().rect().contains(visible.center())


def test_click_on_span_selects_row(qtbot, make_window):
    window = make_window()
    label_phrase(qtbot, window, "probably", "hedge")
    window.select_span(None)
    view = window.view
    text = sample_text()
    cursor = view.textCursor()
    cursor.setPosition(text.find("probably") + 3)
    point = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.span_table.currentIndex().row() == 0
    assert view.current_span == window.span_model.row_at(0).id


def test_spans_persist_after_reopen(qtbot, make_window, db_path):
    window = make_window()
    span = label_phrase(qtbot, window, "probably", "hedge")
    window.close()
    window.project.close()
    again = make_window()
    assert _stored(again) == [(*span, "hedge")]
    assert again.span_model.rowCount() == 1
    with Project.open(db_path, annotator="alice") as project:
        assert project.documents()[0].status == "in_progress"


def test_status_bar_counts_follow_edits(qtbot, make_window):
    window = make_window()
    label_phrase(qtbot, window, "probably", "hedge")
    label_phrase(qtbot, window, "Russian forces", "actor")
    assert "2 spans, 0 links" in window.counts_label.text()
    assert "actor 1" in window.counts_label.text()


def test_tab_cycles_through_spans(qtbot, make_window):
    window = make_window()
    label_phrase(qtbot, window, "probably", "hedge")
    label_phrase(qtbot, window, "Russian forces", "actor")
    window.select_span(None)
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    first = window.view.current_span
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert [first, window.view.current_span] == [s.id for s in window.span_model.rows]


def test_article_is_plain_text_never_html(qtbot, make_window):
    html = '<b>bold</b> <img src="http://example.invalid/x.png"> &amp; <a href="x">link</a>'
    window = make_window(html)
    assert window.view.toPlainText() == html


def test_label_key_on_a_linked_span_removes_the_links_it_breaks_in_one_undo_step(
    qtbot, make_window
):
    window = make_window()
    project = window.project
    claim_start, claim_end = label_phrase(qtbot, window, "the report was accurate", "claim")
    label_phrase(qtbot, window, "Kim Yong-hyun", "source")
    claim, source = sorted(project.spans(window.document_id), key=lambda s: s.label)
    window.run(lambda: project.add_relation(claim.id, source.id))
    window.select_span(claim.id)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert (claim_start, claim_end, "actor") in _stored(window)
    assert project.relations(window.document_id) == []
    message = window.statusBar().currentMessage()
    assert 'removing 1 link an actor cannot have: attributed_to to "Kim Yong-hyun"' in message
    window.undo_stack.undo()
    assert (claim_start, claim_end, "claim") in _stored(window)
    assert [r.label for r in project.relations(window.document_id)] == ["attributed_to"]
