"""Review mode through the real window: adopt by keyboard, edit, undo, gold export; the
agreement report with its chart; File → Merge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotator.core.project import GOLD, Project
from annotator.formats.export import ExportFilter
from annotator.formats.prodigy import iter_records
from tests.gui.conftest import select_qt

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def contested(db_path):
    """The sample annotated by two people who agree on one claim and not on the rest."""
    from annotator.core.samples import ensure_sample, sample_text

    text = sample_text()

    def add(project, phrase, label):
        start = text.find(phrase)
        return project.add_span(1, start, start + len(phrase), label).spans_added[0]

    with Project.open(db_path, annotator="ana") as ana:
        ensure_sample(ana)
        claim = add(ana, "North Korean soldiers are probably engaged in combat", "claim")
        source = add(ana, "South Korea’s defense minister", "source")
        ana.add_relation(claim.id, source.id)
        ana.set_status(1, "done")
    with Project.open(db_path, annotator="ben") as ben:
        add(ben, "North Korean soldiers are probably engaged in combat", "claim")
        add(ben, "probably", "hedge")
        ben.set_status(1, "done")
    return text


def _row(window, label, kind="span"):
    for n, item in enumerate(window.review_model.rows):
        if item["label"] == label and item["kind"] == kind:
            return n
    raise AssertionError(label)


def test_review_adopts_by_keyboard_and_undo_takes_it_back(qtbot, make_window, contested):
    window = make_window(annotator="lead")
    qtbot.keyClick(window.view, Qt.Key.Key_R, CTRL)
    assert window.reviewing and window.review_panel.isVisible()
    assert window.review_model.context.annotators == ("ana", "ben")
    assert window.view.ghost_count == 3  # every proposal outlined, none in gold yet
    window.review_table.setFocus()
    qtbot.waitUntil(window.review_table.hasFocus)
    window.review_table.selectRow(_row(window, "claim"))
    qtbot.keyClick(window.review_table, Qt.Key.Key_Return)
    window.review_table.selectRow(_row(window, "attributed_to", "link"))
    qtbot.keyClick(window.review_table, Qt.Key.Key_G)
    gold = window.project.spans(1, annotator=GOLD)
    assert sorted(s.label for s in gold) == ["claim", "source"]
    assert len(window.project.relations(1, annotator=GOLD)) == 1
    assert window.view.ghost_count == 1  # the hedge is still only a proposal
    assert window.review_model.data(window.review_model.index(_row(window, "claim"), 4)) == "✓"
    qtbot.keyClick(window.review_table, Qt.Key.Key_Z, CTRL)
    assert len(window.project.relations(1, annotator=GOLD)) == 0
    assert sorted(s.label for s in window.project.spans(1, annotator=GOLD)) == ["claim"]


def test_review_removes_from_gold_and_edits_gold_spans(qtbot, make_window, contested):
    window = make_window(annotator="lead")
    window.review.set_review(True)
    window.review_table.setFocus()
    qtbot.waitUntil(window.review_table.hasFocus)
    window.review_table.selectRow(_row(window, "hedge"))
    qtbot.keyClick(window.review_table, Qt.Key.Key_Return)
    assert [s.label for s in window.project.spans(1, annotator=GOLD)] == ["hedge"]
    qtbot.keyClick(window.review_table, Qt.Key.Key_Delete)
    assert window.project.spans(1, annotator=GOLD) == []
    # the article edits gold like any layer: label a span the annotators missed
    window.view.setFocus()
    start = contested.find("Russian forces")
    select_qt(window.view, contested, start, start + len("Russian forces"))
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    (span,) = window.project.spans(1, annotator=GOLD)
    assert (span.label, span.annotator) == ("actor", GOLD)


def test_adjudicated_document_and_gold_export(qtbot, make_window, contested, tmp_path):
    window = make_window(annotator="lead")
    window.review.set_review(True)
    window.review_table.selectRow(_row(window, "claim"))
    window.review.adopt_selected()
    qtbot.keyClick(window.review_table, Qt.Key.Key_Return, CTRL)  # mark adjudicated
    rows = dict(
        window.project.db.execute(
            "SELECT annotator, status FROM document_status WHERE document_id = 1"
        ).fetchall()
    )
    assert rows[GOLD] == "done"
    report = window.transfer.run_export(
        "prodigy", tmp_path / "gold.jsonl", chosen=ExportFilter(annotators=(GOLD,))
    )
    assert report.records == 1
    (record,) = iter_records(tmp_path / "gold.jsonl")
    assert [s["label"] for s in record["spans"]] == ["claim"]
    window.review.set_review(False)
    assert window.project.layer == "lead" and not window.review_panel.isVisible()


def test_agreement_dialog_shows_figures_and_chart(qtbot, make_window, contested):
    window = make_window(annotator="lead")
    dialog = window.review.show_agreement()
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(0) == "ana – ben"
    assert dialog.report["pairs"][0]["exact"]["overall"]["tp"] == 1
    dialog.tabs.setCurrentIndex(0)
    image = dialog.grab()
    assert not image.isNull()
    summary = dialog.findChild(QLabel).text()
    assert summary.startswith("2 annotators compared on 1 document annotated by at least two")


def _sample_with(db_path, work: dict[str, list[tuple[str, str]]]) -> None:
    from annotator.core.samples import ensure_sample, sample_text

    text = sample_text()
    for who, spans in work.items():
        with Project.open(db_path, annotator=who) as project:
            ensure_sample(project)
            for phrase, label in spans:
                start = text.find(phrase)
                project.add_span(1, start, start + len(phrase), label)


def test_agreement_with_one_annotator_says_what_it_needs(qtbot, make_window, db_path):
    _sample_with(db_path, {"alice": [("probably", "hedge"), ("Kim Yong-hyun", "source")]})
    window = make_window()
    dialog = window.review.show_agreement()
    qtbot.addWidget(dialog)
    summary = dialog.findChild(QLabel).text()
    assert summary.startswith("Only one annotator so far (alice: 2 spans in 1 document).")
    assert "two or more annotators on the same documents" in summary
    assert "File → Merge projects" in summary
    assert dialog.tabs.isHidden()


def test_agreement_with_nothing_annotated_says_so(qtbot, make_window):
    window = make_window()
    dialog = window.review.show_agreement()
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel).text().startswith("Nothing is annotated yet.")


def test_merge_from_the_window(qtbot, make_window, tmp_path, contested, db_path):
    other = tmp_path / "carl.db"
    with Project.open(other, annotator="carl") as carl:
        from annotator.core.samples import ensure_sample

        ensure_sample(carl)
        carl.add_span(1, 0, 5, "source")
    window = make_window(annotator="lead")
    report = window.transfer.run_merge([other])
    assert (report.documents_matched, report.spans_added) == (1, 1)
    assert "carl" in {s.annotator for s in window.project.spans(1, annotator=None)}


def test_merge_shows_what_it_brought_into_the_open_article(make_window, tmp_path, db_path):
    """The window refreshes from the merge's summary: spans merged into the open
    article in this annotator's own layer are shown at once, with their label."""
    from annotator.core.samples import ensure_sample

    window = make_window(annotator="lead")
    assert window.document_id == 1 and window.span_model.rowCount() == 0
    laptop = tmp_path / "laptop.db"
    with Project.open(laptop, annotator="lead") as copy:
        ensure_sample(copy)
        copy.add_span(1, 0, 5, "source")
    window.desktop.check_external_changes()
    report = window.transfer.run_merge([laptop])
    assert report.summary.documents == {1}
    assert window.span_model.rowCount() == 1
    assert window.desktop.check_external_changes() is False
