"""The annotation workbench driven by keyboard through the real window: links, cues,
stance, attributes, notes, navigation, status, the schema dialog, the shortcut list."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox

from annotator.core.samples import sample_text
from annotator.gui.dialogs import shortcut_rows
from annotator.gui.main_window import SHARED_KEY_ACTION
from annotator.model.schema import default_schema
from tests.gui.conftest import select_qt

HEDGE_DEFAULT = default_schema().label("hedge").colour  # the shipped colour

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TEXT = sample_text()
CLAIM = "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces"
SOURCE = "South Korea’s defense minister"


def label(qtbot, window, phrase, key, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.find(phrase, start + 1)
    select_qt(window.view, TEXT, start, start + len(phrase))
    qtbot.keyClick(window.view, key)
    return next(
        s for s in window.span_model.rows if (s.start, s.end) == (start, start + len(phrase))
    )


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick ``text`` in a combo box with the keyboard, as a user would."""
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    while combo.currentText() != text:
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def link_by_keyboard(qtbot, window, from_span, to_span):
    window.select_span(from_span.id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_L)
    assert window.link_picker.active
    digit = next(
        n for n, option in enumerate(window.link_picker.options, 1) if option.span.id == to_span.id
    )
    qtbot.keyClick(window.link_picker.list, getattr(Qt.Key, f"Key_{digit}"))
    assert not window.link_picker.active


@pytest.fixture
def window(make_window):
    return make_window()


def test_link_claim_to_source_with_cue_and_stance(qtbot, window):
    claim = label(qtbot, window, CLAIM, Qt.Key.Key_1)
    source = label(qtbot, window, SOURCE, Qt.Key.Key_2)
    link_by_keyboard(qtbot, window, claim, source)
    (relation,) = window.project.relations(window.document_id)
    assert (relation.label, relation.head_id, relation.child_id) == (
        "attributed_to",
        claim.id,
        source.id,
    )
    assert window.state.current_relation_id == relation.id
    cue = TEXT.find("stated")
    select_qt(window.view, TEXT, cue + 1, cue + 3)  # part of the word: snaps to "stated"
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_U)
    choose(qtbot, window.inspector.relation_editors["stance"], "asserts")
    stored = window.project.relation(relation.id)
    assert stored.attributes == {"cue": [[cue, cue + len("stated")]], "stance": "asserts"}


def test_refused_pair_gives_a_message_and_no_link(qtbot, window):
    hedge = label(qtbot, window, "probably", Qt.Key.Key_4)
    actor = label(qtbot, window, "Russian forces", Qt.Key.Key_3)
    label(qtbot, window, CLAIM, Qt.Key.Key_1)
    window.select_span(hedge.id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_L)
    assert [o.relation for o in window.link_picker.options] == ["hedges"]
    window.view.spanClicked.emit(actor.id)  # what a click on the actor in the article does
    assert "allows no link between a hedge and a actor" in window.statusBar().currentMessage()
    assert window.project.relations(window.document_id) == []
    assert window.link_picker.active  # still waiting for an allowed target
    qtbot.keyClick(window.link_picker.list, Qt.Key.Key_Escape)
    assert not window.link_picker.active


def test_link_by_clicking_the_target_span(qtbot, window):
    hedge = label(qtbot, window, "probably", Qt.Key.Key_4)
    claim = label(qtbot, window, CLAIM, Qt.Key.Key_1)
    window.select_span(hedge.id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_L)
    view = window.view
    cursor = view.textCursor()
    cursor.setPosition(TEXT.find("engaged") + 2)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(cursor).center()
    )
    (relation,) = window.project.relations(window.document_id)
    assert (relation.label, relation.head_id, relation.child_id) == ("hedges", hedge.id, claim.id)


def test_deleting_a_span_removes_its_links_and_undo_restores_both(qtbot, window):
    claim = label(qtbot, window, CLAIM, Qt.Key.Key_1)
    source = label(qtbot, window, SOURCE, Qt.Key.Key_2)
    link_by_keyboard(qtbot, window, claim, source)
    window.select_span(claim.id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.project.relations(window.document_id) == []
    assert window.relation_model.rowCount() == 0
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    (relation,) = window.project.relations(window.document_id)
    assert (relation.head_id, relation.child_id) == (claim.id, source.id)
    assert claim.id in {s.id for s in window.span_model.rows}


def test_selected_span_shows_its_links(qtbot, window):
    claim = label(qtbot, window, CLAIM, Qt.Key.Key_1)
    source = label(qtbot, window, SOURCE, Qt.Key.Key_2)
    hedge = label(qtbot, window, "probably", Qt.Key.Key_4)
    label(qtbot, window, "highly likely", Qt.Key.Key_4)
    link_by_keyboard(qtbot, window, claim, source)
    link_by_keyboard(qtbot, window, hedge, claim)
    window.select_span(source.id)
    assert window.relation_model.rowCount() == 1
    window.select_span(claim.id)
    assert window.relation_model.rowCount() == 2
    assert window.view._emphasised == {source.id, hedge.id}


def test_attribute_edit_and_undo(qtbot, window):
    claim = label(qtbot, window, CLAIM, Qt.Key.Key_1)
    window.select_span(claim.id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_I)
    checkworthy = window.inspector.editors["checkworthy"]
    assert checkworthy.hasFocus()
    choose(qtbot, checkworthy, "yes")
    choose(qtbot, window.inspector.editors["claim_type"], "other")
    assert window.project.span(claim.id).attributes == {"checkworthy": True, "claim_type": "other"}
    window.undo_stack.undo()
    assert window.project.span(claim.id).attributes == {"checkworthy": True}
    assert window.inspector.editors["claim_type"].currentText() == "—"


def test_span_note_and_document_note_with_undo(qtbot, window):
    hedge = label(qtbot, window, "probably", Qt.Key.Key_4)
    window.select_span(hedge.id)
    note = window.inspector.span_note
    qtbot.waitUntil(note.isVisible)
    note.setFocus()
    qtbot.keyClicks(note, "epistemic adverb")
    qtbot.keyClick(note, Qt.Key.Key_Return, CTRL)
    assert window.project.span(hedge.id).note == "epistemic adverb"
    doc_note = window.inspector.document_note
    qtbot.waitUntil(doc_note.isVisible)
    doc_note.setFocus()
    qtbot.keyClicks(doc_note, "AFP wire")
    window.view.setFocus()  # leaving the field saves it
    qtbot.waitUntil(lambda: window.project.document(window.document_id).note == "AFP wire")
    window.undo_stack.undo()
    assert window.project.document(window.document_id).note == ""
    window.undo_stack.undo()
    assert window.project.span(hedge.id).note == ""


def test_shift_arrows_extend_selection_by_token(qtbot, window):
    start = TEXT.find("probably")
    select_qt(window.view, TEXT, start, start)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, SHIFT)
    assert window.view.selection() == (start, start + len("probably engaged"))
    qtbot.keyClick(window.view, Qt.Key.Key_Left, SHIFT)
    assert window.view.selection() == (start, start + len("probably "))
    qtbot.keyClick(window.view, Qt.Key.Key_4)
    assert [(s.start, s.end) for s in window.project.spans(window.document_id)] == [
        (start, start + len("probably"))
    ]


def test_arrows_move_by_token(qtbot, window):
    start = TEXT.find("Tuesday that")
    select_qt(window.view, TEXT, start + 2, start + 2)
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    assert window.view.caret() == TEXT.find("that North")
    qtbot.keyClick(window.view, Qt.Key.Key_Left)
    qtbot.keyClick(window.view, Qt.Key.Key_Left)
    assert window.view.caret() == TEXT.find("on Tuesday")


def test_select_sentence_with_one_key(qtbot, window):
    inside = TEXT.find("missile strike")
    select_qt(window.view, TEXT, inside, inside)
    qtbot.keyClick(window.view, Qt.Key.Key_L, CTRL)
    start, end = window.view.selection()
    assert TEXT[start:end].startswith("Over the weekend, Ukrainian media reported")
    assert TEXT[start:end].endswith("six North Korean military officers.")


def test_sentence_keys_move_between_sentences(qtbot, window):
    select_qt(window.view, TEXT, 5, 5)
    qtbot.keyClick(window.view, Qt.Key.Key_Down, CTRL)
    assert window.view.caret() == TEXT.find("Over the weekend")
    qtbot.keyClick(window.view, Qt.Key.Key_Up, CTRL)
    assert window.view.caret() == 0


def test_mark_done_moves_on_and_filter_by_status(qtbot, make_window, db_path):
    from annotator.core.project import Project
    from tests.conftest import add_document

    with Project.open(db_path, annotator="alice") as project:
        for name in ("first", "second", "third"):
            add_document(project, f"The {name} article.", name)
    window = make_window()
    first = window.document_id
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    assert window.project.status(first) == "done"
    assert window.project.document(window.document_id).title == "second"
    assert "1 of 3 done" in window.progress_label.text()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL | SHIFT)
    panel = window.documents
    panel.status.setCurrentIndex(panel.status.findData("done"))
    assert panel.proxy.rowCount() == 1
    panel.status.setCurrentIndex(panel.status.findData("new"))
    assert [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())] == ["third"]
    panel.status.setCurrentIndex(panel.status.findData(None))
    panel.words.setText("SECOND")
    assert panel.proxy.rowCount() == 1
    assert window.doc_model.row_at(window.doc_model.row_of(first)).status == "done"


def test_shortcut_list_matches_the_actions(window):
    listed = {(keys, command) for keys, command, _ in shortcut_rows(window.specs)}
    actual = {
        (
            ", ".join(k.toString() for k in action.shortcuts()),
            window.specs[[sp.name for sp in window.specs].index(action.objectName())]
            .text.replace("&", "")
            .rstrip("…"),
        )
        for action in window.actions_by_name.values()
        if action.shortcuts()
    }
    # Ctrl+Return is held by "done, next", which accepts a structure when a suggestion
    # is selected; the menu shows the key next to "Accept structure".
    shared = window.actions_by_name[SHARED_KEY_ACTION]
    assert shared.text().endswith("\tCtrl+Return") and not shared.shortcuts()
    actual.add(("Ctrl+Return", "Accept structure"))
    assert listed == actual
    assert len(listed) >= 35
    # A key may serve two commands only in widgets that never have the focus together.
    by_scope: dict[str, list[str]] = {}
    for spec in window.specs:
        if spec.name == SHARED_KEY_ACTION:
            continue  # shown with its key, held by "done, next" (checked above)
        for key in spec.shortcuts:
            by_scope.setdefault(spec.scope, []).append(QKeySequence(key).toString())
    for scope, keys in by_scope.items():
        assert len(keys) == len(set(keys)), f"two {scope} commands share a key"
    window_keys = set(by_scope["window"])
    for scope in ("annotate", "article", "review"):
        assert not window_keys & set(by_scope[scope]), scope
    assert not set(by_scope["annotate"]) & set(by_scope["article"])


def test_label_added_in_schema_dialog_is_usable(qtbot, window):
    dialog = window.open_label_dialog()
    qtbot.addWidget(dialog)
    dialog.labels.setCurrentRow(dialog.labels.count() - 1)  # "New label"
    dialog.name.setText("quote")
    dialog.colour.setText("#76B7B2")
    dialog.keys.setText("5 q")
    dialog.description.setText("Direct quotation")
    assert dialog.save()
    assert "quote" in window.project.schema.label_names
    assert any("quote" in a.text() for a in window.label_toolbar.actions())
    window.view.setFocus()
    start = TEXT.find("We assess")
    select_qt(window.view, TEXT, start, start + len("We assess"))
    qtbot.keyClick(window.view, Qt.Key.Key_Q)
    assert [s.label for s in window.project.spans(window.document_id)] == ["quote"]


def test_schema_dialog_shows_errors_and_changes_nothing(qtbot, window):
    dialog = window.open_label_dialog()
    qtbot.addWidget(dialog)
    dialog.labels.setCurrentRow(dialog.labels.count() - 1)
    dialog.name.setText("quote")
    dialog.colour.setText("#76B7B2")
    dialog.keys.setText("c")
    assert not dialog.save()
    assert "already used by label 'claim'" in dialog.error.text()
    assert window.project.schema.label_names == ["claim", "source", "actor", "hedge"]


def test_label_colour_change_is_undoable(qtbot, window):
    dialog = window.open_label_dialog()
    qtbot.addWidget(dialog)
    dialog.labels.setCurrentRow(3)  # hedge
    dialog.colour.setText("#AA0000")
    assert dialog.save()
    assert window.view._colours["hedge"].name().upper() == "#AA0000"
    window.undo_stack.undo()
    assert window.project.schema.label("hedge").colour == HEDGE_DEFAULT
    assert window.view._colours["hedge"].name().upper() == HEDGE_DEFAULT


def test_find_bar_finds_and_wraps(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "highly likely")
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert window.view.selection() == (TEXT.find("highly likely"), TEXT.find("highly likely") + 13)
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    second = TEXT.find("highly likely", TEXT.find("highly likely") + 1)
    assert window.view.selection()[0] == second


def test_guideline_is_shown_in_the_app(qtbot, window):
    from PySide6.QtWidgets import QTextBrowser

    from annotator.gui.dialogs import show_guideline

    dialog = show_guideline(window)
    qtbot.addWidget(dialog)
    (browser,) = dialog.findChildren(QTextBrowser)
    assert "have cautioned" in browser.toPlainText()
    assert "Worked example" in browser.toPlainText()


def test_rename_annotator_records_new_name(qtbot, window):
    window.set_annotator("carol")
    hedge = label(qtbot, window, "probably", Qt.Key.Key_4)
    assert window.project.span(hedge.id).annotator == "carol"
    assert "carol" in window.windowTitle()


def test_delete_in_link_list_removes_the_link_not_the_span(qtbot, window):
    claim = label(qtbot, window, CLAIM, Qt.Key.Key_1)
    source = label(qtbot, window, SOURCE, Qt.Key.Key_2)
    link_by_keyboard(qtbot, window, claim, source)
    window.relation_table.setFocus()
    qtbot.waitUntil(window.relation_table.hasFocus)
    qtbot.keyClick(window.relation_table, Qt.Key.Key_Delete)
    assert window.project.relations(window.document_id) == []
    assert {s.id for s in window.project.spans(window.document_id)} == {claim.id, source.id}
