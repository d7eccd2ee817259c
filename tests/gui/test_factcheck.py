"""The fact-checker's views in the real window: claims table, record editor with undo,
duplicate suggestions, search, article details."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.project import Project
from annotator.core.samples import ensure_sample
from annotator.services.claims import claim_rows
from tests.factcheck.conftest import MISSILES, TEXT, add, cue

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(make_window, db_path):
    with Project.open(db_path, annotator="alice") as project:
        ensure_sample(project)
        missiles = add(project, MISSILES, "claim", attributes={"checkworthy": True})
        specialists = add(project, "Specialists", "source", attributes={"specificity": "vague"})
        capitals = add(project, "both Moscow and Pyongyang", "source")
        project.add_relation(
            missiles.id, specialists.id, attributes={"cue": cue("have stated"), "stance": "asserts"}
        )
        project.add_relation(
            missiles.id, capitals.id, attributes={"cue": cue("have dismissed"), "stance": "denies"}
        )
        add(
            project,
            "South Korea also alleges that Pyongyang has shipped thousands of containers",
            "claim",
            nth=0,
        )
        add(
            project,
            "South Korea also alleges that Pyongyang has shipped thousands of containers",
            "claim",
            nth=1,
        )
    return make_window()


def test_claims_view_lists_both_stances_and_jumps_to_the_claim(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_C, CTRL_SHIFT)
    dialog = window.checks.claims_dialog
    qtbot.addWidget(dialog)
    texts = [dialog.model.data(dialog.model.index(r, 0)) for r in range(dialog.model.rowCount())]
    row = texts.index(MISSILES)
    sources = dialog.model.data(dialog.model.index(row, 2))
    assert sources == "asserts: Specialists; denies: both Moscow and Pyongyang"
    dialog.vague.setChecked(True)
    assert dialog.proxy.rowCount() == 2  # the two repeated claims have no source
    dialog.vague.setChecked(False)
    dialog.worthy.setCurrentIndex(dialog.worthy.findData("yes"))
    assert [dialog.proxy.index(r, 0).data() for r in range(dialog.proxy.rowCount())] == [MISSILES]
    dialog.worthy.setCurrentIndex(dialog.worthy.findData("unset"))
    assert dialog.proxy.rowCount() == 2
    dialog.worthy.setCurrentIndex(0)
    dialog.words.setText("missiles")
    assert dialog.proxy.rowCount() == 1
    dialog.jump(dialog.proxy.index(0, 0))
    assert window.span_model.row_by_key(window.view.current_span).label == "claim"
    current = window.project.span(window.view.current_span)
    assert TEXT[current.start : current.end] == MISSILES


def test_claim_record_editor_with_undo(qtbot, window):
    claim = next(r for r in claim_rows(window.project) if r.text == MISSILES)
    window.select_span(claim.span_id)
    box = window.inspector.claim_box
    qtbot.waitUntil(box.isVisible)
    box.status.setFocus()
    while box.status.currentText() != "false":
        qtbot.keyClick(box.status, Qt.Key.Key_Down)
    box.normalized.setFocus()
    qtbot.keyClicks(box.normalized, "Russia fires DPRK missiles")
    qtbot.keyClick(box.normalized, Qt.Key.Key_Return)
    record = window.project.claim_record(claim.span_id)
    assert (record["status"], record["normalized"]) == ("false", "Russia fires DPRK missiles")
    assert box.counter.text().startswith("26 / 75")
    window.undo_stack.undo()  # the normalised claim
    window.undo_stack.undo()  # the status (arrow-key steps merged into one)
    record = window.project.claim_record(claim.span_id)
    assert (record["status"], record["normalized"]) == ("unstarted", "")
    assert box.status.currentText() == "unstarted"
    latest = box.history.text().splitlines()  # newest first: the status steps, undone
    assert latest[0].endswith("alice: status: in_progress → unstarted")
    assert "normalized: Russia fires DPRK missiles → —" in box.history.toolTip()


def test_evidence_added_and_removed_through_the_window(qtbot, window, monkeypatch):
    claim = next(r for r in claim_rows(window.project) if r.text == MISSILES)
    window.select_span(claim.span_id)
    window.run(
        lambda: window.project.add_evidence(
            claim.span_id, "https://example.org/x", stance="refutes", quote="no debris"
        )
    )
    box = window.inspector.claim_box
    assert box.evidence.count() == 1 and "refutes" in box.evidence.item(0).text()
    box.evidence.setCurrentRow(0)
    box._remove()
    assert box.evidence.count() == 0
    window.undo_stack.undo()
    assert box.evidence.count() == 1


def test_duplicate_suggestions_confirm_shares_the_record(qtbot, window):
    dialog = window.checks.show_claims()
    qtbot.addWidget(dialog)
    assert dialog.passages.count() == 2  # the sample's two repeated sentences
    dialog.find_similar()
    assert dialog.suggestions.count() == 1
    main, other = dialog.suggestions.item(0).data(Qt.ItemDataRole.UserRole)
    window.run(lambda: window.project.set_claim_record(main, status="verified"))
    dialog.suggestions.setCurrentRow(0)
    dialog.decide("confirmed")
    assert window.project.claim_record(other)["status"] == "verified"
    assert dialog.suggestions.count() == 0
    # both are in one article and layer: the guideline's same_claim link is made too
    links = [(r.head_id, r.child_id, r.label) for r in window.project.relations(1)]
    assert (main, other, "same_claim") in links
    window.undo_stack.undo()  # the confirmation, with its link
    assert window.project.claim_record(other)["status"] == "unstarted"
    assert all(r.label != "same_claim" for r in window.project.relations(1))


def test_search_dialog_finds_and_opens(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_F, CTRL_SHIFT)
    dialog = window.checks.search_dialog
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.query.hasFocus)  # typing goes to the dialog, not the article
    qtbot.keyClicks(dialog.query, "dismissed")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert dialog.results.count() >= 1
    dialog.open_hit(dialog.results.item(0))
    start, end = window.view.selection()
    assert TEXT[start:end] == "dismissed"


def test_article_details_are_editable_and_undoable(qtbot, window, monkeypatch):
    from annotator.gui import factcheck_views

    monkeypatch.setattr(
        factcheck_views.DetailsDialog,
        "exec",
        lambda self: (self.fields["author"].setText("Agence France-Presse"), 1)[1],
    )
    window.checks.edit_details()
    assert window.project.document(window.document_id).meta["author"] == "Agence France-Presse"
    window.undo_stack.undo()
    assert "author" not in window.project.document(window.document_id).meta
    monkeypatch.setattr(factcheck_views, "inform", lambda *a: None)
    assert window.checks.verify_text()
