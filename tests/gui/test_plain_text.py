"""Label names, titles, annotator names and other user text are shown literally in the
window: never as rich text (``<img src=x>`` stays those characters), never losing an
``&`` to a mnemonic."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QGroupBox, QLabel

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.model.imports import DocumentIn, SpanIn, StatusIn
from annotator.model.schema import AttributeDef

IMG = "<img src=x>"
BOLD = "<b>bold<b>"
AMP = "R&D"
WHO = "<i>bob"
TITLE = "<b>Title</b> &amp; more"


def _seed(db_path) -> None:
    with Project.open(db_path, annotator=WHO) as project:
        project.add_label(IMG, "#123456", keys=("7",), attributes=(AttributeDef(BOLD, "bool"),))
        project.add_label(AMP, "#654321", keys=("8",))
        import_documents(
            project,
            [
                DocumentIn(
                    text="Officials said troops will arrive.",
                    title=TITLE,
                    where="t",
                    spans=[SpanIn(0, 9, IMG, annotator=WHO), SpanIn(15, 21, AMP, annotator=WHO)],
                    statuses=[StatusIn(WHO, "in_progress")],
                )
            ],
        )


def _rendered(tooltip: str) -> str:
    """What a tooltip shows: Qt renders it as rich text when it looks like HTML."""
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def _user_text_labels(window) -> list[QLabel]:
    needles = (IMG, BOLD, AMP, WHO, TITLE)
    return [
        label
        for label in window.findChildren(QLabel)
        if any(needle in label.text() for needle in needles)
    ]


def test_label_names_titles_and_annotators_are_shown_literally(qtbot, make_window, db_path):
    _seed(db_path)
    window = make_window(annotator=WHO)
    span = next(s for s in window.span_model.rows if s.label == IMG)
    window.select_span(span.id)
    shown = _user_text_labels(window)
    texts = " | ".join(label.text() for label in shown)
    assert f"{IMG} 1" in window.counts_label.text()  # the status bar's counts
    assert f"by {WHO}" in texts and BOLD.replace("_", " ") in texts  # the inspector
    for label in shown:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    action = window.actions_by_name[f"label:{IMG}"]
    assert IMG in _rendered(action.toolTip())
    amp = window.actions_by_name[f"label:{AMP}"]
    assert amp.text().startswith("R&&D")  # shown as "R&D", not "RD" with D underlined
    box = window.inspector.findChild(QGroupBox, None)
    titles = [b.title() for b in window.inspector.findChildren(QGroupBox)]
    assert box is not None and f"Span: {IMG}" in " ".join(titles)
    index = window.doc_model.index(0, 0)
    tooltip = window.doc_model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert TITLE in _rendered(tooltip) and html.escape(TITLE) in tooltip


def test_label_dialog_error_shows_names_literally_and_refuses_command_keys(
    qtbot, make_window, db_path
):
    _seed(db_path)
    window = make_window(annotator=WHO)
    dialog = window.open_label_dialog()
    qtbot.addWidget(dialog)
    dialog.labels.setCurrentRow(dialog.labels.count() - 1)  # "New label"
    dialog.name.setText(IMG)
    dialog.colour.setText("#000000")
    assert not dialog.save()
    assert IMG in dialog.error.text()
    assert dialog.error.textFormat() == Qt.TextFormat.PlainText
    dialog.name.setText("quote")
    dialog.keys.setText("Ctrl+Z")
    assert not dialog.save()
    assert "used by the command Undo" in dialog.error.text()
    assert not window.project.schema.has_label("quote")
