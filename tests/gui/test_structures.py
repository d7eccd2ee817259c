"""Suggested attribution structures in the real window: found in the background on a
fresh English article, drawn as ghosts with links, accepted whole with Ctrl+Return."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.project import ATTRIBUTION_SOURCE, Project, Suggestion
from annotator.core.samples import ensure_sample, sample_text
from annotator.text import get_nlp

CTRL = Qt.KeyboardModifier.ControlModifier
TEXT = sample_text()


@pytest.fixture
def window(make_window, db_path, qtbot, find_structures):
    get_nlp("en")
    with Project.open(db_path, annotator="alice") as project:
        ensure_sample(project)
    made = make_window()
    qtbot.waitUntil(lambda: made.view.ghost_link_count > 0, timeout=20_000)
    return made


def _select_ghost(window, phrase: str, label: str) -> None:
    start = TEXT.find(phrase)
    ghost = next(
        s for s in window.assist.suggestions if s.label == label and s.start <= start < s.end
    )
    window.view.select(ghost.start, ghost.end)
    window.view.setFocus()


def test_window_shows_structures_of_a_fresh_article_with_their_links(window):
    labels = {s.label for s in window.assist.suggestions if s.source == ATTRIBUTION_SOURCE}
    assert {"claim", "source"} <= labels
    assert window.view.ghost_link_count >= 5
    assert window.project.structures_stored(window.document_id)


def test_ctrl_return_accepts_the_structure_in_one_undo_step(qtbot, window):
    project, document = window.project, window.document_id
    _select_ghost(window, "North Korean soldiers are probably", "claim")
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    spans = {(s.label, TEXT[s.start : s.end]) for s in project.spans(document)}
    assert ("source", "South Korea’s defense minister") in spans
    assert ("hedge", "probably") in spans
    relations = {r.label: r for r in project.relations(document)}
    assert set(relations) == {"attributed_to", "hedges"}
    cue = relations["attributed_to"].attributes["cue"]
    assert [TEXT[s:e] for s, e in cue] == ["stated"]
    assert relations["attributed_to"].attributes["stance"] == "asserts"
    assert project.document_summary(document).status != "done"  # not "done, next"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert project.spans(document) == [] and project.relations(document) == []


def test_ctrl_return_without_a_selected_suggestion_still_marks_done(qtbot, window):
    window.view.select(0, 0)
    qtbot.keyClick(window.view, Qt.Key.Key_Return, CTRL)
    assert window.project.spans(1) == []
    assert window.project.document_summary(1).status == "done"


def test_rejected_part_stays_hidden_after_reopening(qtbot, window, make_window):
    _select_ghost(window, "North Korean soldiers are probably", "claim")
    claim = window.assist.selected_suggestion()
    qtbot.keyClick(window.view, Qt.Key.Key_X)
    assert claim.place not in {s.place for s in window.assist.suggestions}
    window.close()
    window.project.close()
    again = make_window()
    assert claim.place not in {s.place for s in again.assist.suggestions}
    assert again.view.ghost_link_count > 0


def test_label_key_relabels_a_suggested_part_and_drops_the_links_it_breaks(qtbot, window):
    _select_ghost(window, "South Korea’s defense minister", "source")
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    actor = window.assist.selected_suggestion()
    assert actor is not None and actor.label == "actor"
    assert window.project.spans(window.document_id) == []  # still a suggestion
    _, links = window.project.structure_at(window.document_id, actor.place)
    assert [k.label for k in links] == []  # attributed_to claim -> actor is not allowed


def test_f8_names_ctrl_return_only_on_a_part_of_a_structure(qtbot, window):
    window.view.select(0, 0)
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    chosen = window.assist.selected_suggestion()
    assert chosen.place in window.assist.linked_places
    assert "Ctrl+Return accepts its structure" in window.statusBar().currentMessage()
    start = TEXT.find("Vladimir Putin")
    found = [Suggestion(start, start + len("Vladimir Putin"), "actor", "model:test")]
    window.run(lambda: window.project.store_suggestions(window.document_id, found))
    lone = next(s for s in window.assist.suggestions if s.source == "model:test")
    assert lone.place not in window.assist.linked_places
    window.view.select(lone.start - 1, lone.start - 1)
    qtbot.keyClick(window.view, Qt.Key.Key_F8)
    assert window.assist.selected_suggestion() == lone
    assert "Ctrl+Return" not in window.statusBar().currentMessage()
