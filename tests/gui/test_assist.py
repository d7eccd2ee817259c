"""Model assistance in the real window: suggestions as ghost spans, accepting and
rejecting by keyboard with undo, patterns, a trained model's suggestions, triage,
suggested cues, the training dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotator.core.project import Project
from annotator.core.samples import ensure_sample
from annotator.services.training import train_spancat
from annotator.text import get_nlp
from tests.factcheck.conftest import TEXT, add
from tests.nlp.planted import planted_project

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | SHIFT


def _ghost_texts(window) -> list[str]:
    return [TEXT[s.start : s.end] for s in window.assist.suggestions]


@pytest.fixture
def window(make_window, db_path):
    get_nlp("en")  # what the window's warm-up thread does after the first paint
    with Project.open(db_path, annotator="alice") as project:
        ensure_sample(project)
    made = make_window()
    return made


def _caret_on(qtbot, window, phrase: str, nth: int = 0) -> None:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.find(phrase, start + 1)
    window.view.select(start + 1, start + 1)
    window.view.setFocus()


def test_pattern_suggestions_are_ghosts(window):
    assert window.view.ghost_count == 8
    assert {"probably", "highly likely", "expected", "may"} <= set(_ghost_texts(window))
    assert "stated" not in _ghost_texts(window)


def test_return_accepts_the_suggestion_under_the_caret_and_undo_restores_it(qtbot, window):
    _caret_on(qtbot, window, "probably")
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    span = window.project.span(window.view.current_span)
    assert (TEXT[span.start : span.end], span.label, span.origin) == (
        "probably",
        "hedge",
        "pattern:hedges",
    )
    assert window.view.ghost_count == 7
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.spans(1) == []
    assert window.view.ghost_count == 8


def test_x_rejects_and_moves_on_and_undo_brings_it_back(qtbot, window):
    _caret_on(qtbot, window, "may")
    qtbot.keyClick(window.view, Qt.Key.Key_X)
    assert "may" not in _ghost_texts(window)
    assert window.project.spans(1) == []
    window.undo_stack.undo()
    assert "may" in _ghost_texts(window)


def test_f8_walks_the_suggestions_and_a_label_key_relabels_one(qtbot, window):
    window.view.select(0, 0)
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    start, end = window.view.selection()
    assert TEXT[start:end] == "probably"
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    assert TEXT[slice(*window.view.selection())] == "expected"
    qtbot.keyClick(window.view, Qt.Key.Key_F8, SHIFT)
    assert TEXT[slice(*window.view.selection())] == "probably"
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # claim, not hedge: the user decides
    span = window.project.span(window.view.current_span)
    assert (span.label, span.origin) == ("claim", "manual")


def test_shift_return_accepts_all_in_one_undo_step(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_Return, SHIFT)
    assert len(window.project.spans(1)) == 8
    assert window.view.ghost_count == 0
    window.undo_stack.undo()
    assert window.project.spans(1) == []


def test_add_pattern_from_span_suggests_the_other_occurrences(qtbot, window):
    start = TEXT.find("Pyongyang")
    window.view.select(start, start + len("Pyongyang"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # actor
    qtbot.keyClick(window.view, Qt.Key.Key_K, CTRL_SHIFT)
    assert _ghost_texts(window).count("Pyongyang") == TEXT.count("Pyongyang") - 1
    window.undo_stack.undo()  # the pattern; the other occurrences stay as known actors
    assert any(p.pattern == "Pyongyang" for p in window.project.patterns()) is False


def test_suggestions_can_be_hidden(window):
    window.actions_by_name["show_suggestions"].trigger()
    assert window.view.ghost_count == 0
    window.actions_by_name["show_suggestions"].trigger()
    assert window.view.ghost_count == 8


def test_patterns_dialog_adds_removes_and_reports_bad_files(qtbot, window, tmp_path):
    dialog = window.assist.open_patterns_dialog()
    qtbot.addWidget(dialog)
    dialog.label.setCurrentText("hedge")
    qtbot.waitUntil(dialog.pattern.hasFocus)
    qtbot.keyClicks(dialog.pattern, "considering")
    qtbot.keyClick(dialog.pattern, Qt.Key.Key_Return)
    assert "considering" in _ghost_texts(window)
    row = next(n for n, p in enumerate(dialog.model.rows) if p.pattern == "probably")
    dialog.table.selectRow(row)
    dialog.remove()
    assert "probably" not in _ghost_texts(window)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "hedge"}\n', encoding="utf-8")
    dialog.import_file(str(bad))
    assert dialog.message.text().startswith(f"{bad}:1:")
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert {"probably"} <= set(_ghost_texts(window)) and "considering" not in _ghost_texts(window)


def test_u_without_a_selection_takes_the_suggested_cue(qtbot, window):
    claim = add(
        window.project,
        "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces",
        "claim",
    )
    minister = add(window.project, "South Korea’s defense minister", "source")
    link = window.project.add_relation(claim.id, minister.id).relations_added[0]
    window.open_document(1)
    window.select_span(claim.id)
    window.select_relation(link.id)
    shown = window.inspector.findChild(QLabel, "rel_cue")
    assert shown.text() == "none yet; suggested “stated”: press U to take it"
    window.view.clear_selection()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_U)
    ((start, end),) = window.project.relation(link.id).attributes["cue"]
    assert TEXT[start:end] == "stated"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    with Project.open(folder / "planted.db", annotator="alice") as project:
        planted_project(project, 300)
        train_spancat(project, folder / "model", max_steps=150)
    return folder / "model"


@pytest.mark.slow
def test_model_suggestions_appear_as_ghosts_and_are_accepted_by_keyboard(
    qtbot, make_window, db_path, model_dir
):
    get_nlp("en")
    with Project.open(db_path, annotator="alice") as project:
        planted_project(project, 5, seed=42)
        project.set_project_value("model_path", str(model_dir))
    window = make_window(annotator="bob")  # bob has annotated nothing yet
    qtbot.keyClick(window.view, Qt.Key.Key_G, CTRL_SHIFT)
    from_model = [s for s in window.assist.suggestions if s.source == "model:model"]
    planted = {
        (s.start, s.end, s.label)
        for s in window.project.spans(window.document_id, annotator="alice")
    }
    assert len(planted & {(s.start, s.end, s.label) for s in from_model}) >= 0.8 * len(planted)
    first = from_model[0]
    # the progress dialog, if the model took long enough to show it, hands activation
    # back to the window through the event loop, as before a user's next key
    qtbot.waitUntil(window.isActiveWindow)
    window.view.select(first.start, first.end)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    span = window.project.span(window.view.current_span)
    assert (span.start, span.label, span.origin) == (first.start, first.label, "model:model")
    window.undo_stack.undo()
    assert window.project.spans(window.document_id) == []


def test_triage_orders_the_documents_least_certain_first(qtbot, make_window, db_path):
    with Project.open(db_path, annotator="alice") as project:
        planted_project(project, 4, seed=1)
        ids = [d.id for d in project.documents()]
        for document_id, score in zip(ids, (0.1, 0.9, 0.0, 0.5), strict=True):
            project.set_uncertainty(document_id, "model:m", score)
    window = make_window()
    panel = window.documents
    panel.order.setCurrentIndex(1)
    shown = [panel.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(4)]
    assert shown == [ids[1], ids[3], ids[0], ids[2]]
    window.open_document(ids[1])
    window.step_document(1)
    assert window.document_id == ids[3]
    panel.order.setCurrentIndex(0)
    assert [panel.proxy.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(4)] == ids


@pytest.mark.slow
def test_training_dialog_trains_in_a_child_process_and_reports(
    qtbot, make_window, db_path, tmp_path
):
    with Project.open(db_path, annotator="alice") as project:
        planted_project(project, 120, seed=8)
    window = make_window()
    dialog = window.assist.open_training_dialog()
    qtbot.addWidget(dialog)
    dialog.output.setText(str(tmp_path / "trained"))
    dialog.steps.setValue(60)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.process is None, timeout=120_000)
    assert dialog.report is not None, dialog.status.text()
    labels = {dialog.results.item(r, 0).text() for r in range(dialog.results.rowCount())}
    assert labels == {"actor", "hedge", "source", "all"}
    assert (tmp_path / "trained" / "config.cfg").is_file()
    assert window.project.project_value("model_path") == str((tmp_path / "trained").resolve())


def test_training_dialog_cancel_leaves_no_model(qtbot, make_window, db_path, tmp_path):
    with Project.open(db_path, annotator="alice") as project:
        planted_project(project, 120, seed=8)
    window = make_window()
    dialog = window.assist.open_training_dialog()
    qtbot.addWidget(dialog)
    dialog.output.setText(str(tmp_path / "trained"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.process is not None and dialog.process.state() != 0)
    dialog.cancel()
    assert "cancelled" in dialog.status.text()
    assert not (tmp_path / "trained").exists()
    assert not list(tmp_path.glob(".trained.training-*"))
