"""The window at 1024×700 (offscreen, the default font): titles show whole, the article
keeps its width, the inspector reflows, bars under the article move nothing, panels can
be hidden from the View menu and stay so."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from annotator.core.samples import sample_text
from annotator.gui.panes import ARTICLE_MIN_WIDTH

TITLE = "North Korean troops in Ukraine, 2024"  # 36 characters
CLAIM = "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces"


@pytest.fixture
def laptop(make_window, db_path):
    from annotator.core.ingest import import_documents
    from annotator.model.imports import DocumentIn

    with Project.open(db_path, annotator="alice") as project:
        import_documents(project, [DocumentIn(text=sample_text(), title=TITLE, where="t")])
    window = make_window()
    window.resize(1024, 700)
    window.show()
    QApplication.processEvents()
    return window


def test_laptop_window_shows_a_36_character_title_whole(laptop):
    table = laptop.documents.table
    row = next(
        n
        for n in range(laptop.documents.proxy.rowCount())
        if laptop.documents.proxy.index(n, 0).data() == TITLE
    )
    index = laptop.documents.proxy.index(row, 0)
    needed = table.fontMetrics().horizontalAdvance(TITLE)
    icon = table.iconSize().width() if not table.iconSize().isEmpty() else 16
    cell = table.visualRect(index)
    assert cell.width() >= needed + icon + 8  # text, status icon and the cell's margins
    assert table.visualRect(index).right() <= table.viewport().width()


def test_laptop_window_leaves_the_article_its_width(laptop):
    assert laptop.view.width() >= ARTICLE_MIN_WIDTH
    assert all(size > 0 for size in laptop.splitter.sizes())


def test_laptop_inspector_reflows_instead_of_scrolling_sideways(qtbot, laptop):
    start = sample_text().find(CLAIM)
    laptop.view.select(start, start + len(CLAIM))
    qtbot.keyClick(laptop.view, Qt.Key.Key_C)  # a claim: the inspector's longest form
    QApplication.processEvents()
    scroll = laptop.panes.inspector_scroll
    assert laptop.inspector.span_box.title().startswith("Span: claim")
    assert laptop.inspector.minimumSizeHint().width() <= scroll.viewport().width()
    assert not scroll.horizontalScrollBar().isVisible()


def test_link_picker_and_find_bar_move_nothing(qtbot, laptop):
    source = "South Korea’s defense minister"
    start = sample_text().find(source)
    laptop.view.select(start, start + len(source))
    qtbot.keyClick(laptop.view, Qt.Key.Key_S)
    start = sample_text().find(CLAIM)
    laptop.view.select(start, start + len(CLAIM))
    qtbot.keyClick(laptop.view, Qt.Key.Key_C)
    before = (laptop.splitter.sizes(), laptop.right.sizes(), laptop.view.viewport().width())
    qtbot.keyClick(laptop.view, Qt.Key.Key_L)
    QApplication.processEvents()
    assert laptop.link_picker.isVisible()
    opened = (laptop.splitter.sizes(), laptop.right.sizes(), laptop.view.viewport().width())
    qtbot.keyClick(laptop.link_picker.list, Qt.Key.Key_Escape)
    laptop.annotate.find_in_article()
    QApplication.processEvents()
    found = (laptop.splitter.sizes(), laptop.right.sizes(), laptop.view.viewport().width())
    assert opened == before and found == before


def test_view_menu_hides_panels_and_remembers(make_window, laptop):
    laptop.actions_by_name["show_document_list"].trigger()
    laptop.actions_by_name["show_inspector"].trigger()
    assert laptop.documents.isHidden() and laptop.panes.inspector_scroll.isHidden()
    assert not laptop.actions_by_name["show_document_list"].isChecked()
    laptop.close()
    again = make_window()
    assert again.documents.isHidden() and again.panes.inspector_scroll.isHidden()
    assert not again.span_table.isHidden()
    assert not again.actions_by_name["show_inspector"].isChecked()
    again.actions_by_name["show_document_list"].trigger()
    assert not again.documents.isHidden()


def test_hiding_every_panel_on_the_right_gives_the_article_the_room(laptop):
    width = laptop.view.width()
    for name in ("span_list", "link_list", "inspector"):
        laptop.actions_by_name[f"show_{name}"].trigger()
    QApplication.processEvents()
    assert laptop.right.isHidden()
    assert laptop.view.width() > width


def test_dialogs_are_never_larger_than_the_screen(qtbot, laptop):
    room = laptop.screen().availableGeometry()
    for dialog in (laptop.checks.show_claims(), laptop.review.show_agreement()):
        qtbot.addWidget(dialog)
        assert dialog.width() <= room.width() and dialog.height() <= room.height()


def test_a_wide_window_gives_the_lists_more_room_until_the_user_sizes_them(laptop):
    laptop.resize(1600, 900)
    QApplication.processEvents()
    wide = laptop.right.width()
    assert wide >= 380
    assert not laptop.span_table.isColumnHidden(2)  # room for the offsets again
    laptop.splitter.splitterMoved.emit(700, 2)  # the user dragged a handle
    laptop.resize(1300, 900)
    QApplication.processEvents()
    assert laptop.right.width() == wide  # only the article gave way


def test_the_link_list_shows_its_type_and_stance_when_there_is_room(laptop):
    laptop.resize(1600, 900)
    QApplication.processEvents()
    assert not laptop.relation_table.isColumnHidden(0)
    assert not laptop.relation_table.isColumnHidden(3)
    laptop.resize(1024, 700)
    QApplication.processEvents()
    assert laptop.relation_table.isColumnHidden(0)  # the two ends matter most when narrow


@pytest.mark.parametrize(
    "phrase,key", [("South Korea’s defense minister", Qt.Key.Key_S), (CLAIM, Qt.Key.Key_C)]
)
def test_laptop_inspector_gives_wrapped_text_its_height(qtbot, laptop, phrase, key):
    from PySide6.QtWidgets import QLabel

    start = sample_text().find(phrase)
    laptop.view.select(start, start + len(phrase))
    qtbot.keyClick(laptop.view, key)
    qtbot.wait(100)  # the layouts settle over several passes of the event loop
    wrapped = [
        label
        for label in laptop.inspector.findChildren(QLabel)
        if label.wordWrap() and label.isVisible() and label.text()
    ]
    assert wrapped
    for label in wrapped:  # no line of a wrapped text drawn over the next row
        assert label.height() >= label.heightForWidth(label.width()), label.text()
