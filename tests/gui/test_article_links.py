"""Links you can see in the article: selecting a link outlines its two spans and marks
its cue; the selected span's links are arcs with arrowheads, across lines too, inside
the viewport. Read from what the view's last paint drew (``link_paths``, ``cue_rects``,
``outlined``)."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from annotator.core.samples import sample_text
from tests.gui.conftest import painted, sample_place

TEXT = sample_text()
CLAIM = "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces"
SOURCE = "Seoul’s defense minister, Kim Yong-hyun"  # two paragraphs further down
CUE = "stated"


def _linked(window):
    project = window.project
    claim = project.add_span(window.document_id, *sample_place(CLAIM), "claim").spans_added[0]
    source = project.add_span(window.document_id, *sample_place(SOURCE), "source").spans_added[0]
    link = project.add_relation(claim.id, source.id, "attributed_to").relations_added[0]
    project.set_relation_attributes(link.id, {"cue": [list(sample_place(CUE))]})
    window.open_document(window.document_id)
    return claim, source, link


def test_selecting_a_link_outlines_its_spans_and_marks_its_cue(make_window):
    window = make_window()
    claim, source, link = _linked(window)
    window.annotate.select_relation(link.id)
    painted(window)
    assert {claim.id, source.id} <= window.view.outlined
    assert len(window.view.cue_rects) == 1
    cue = window.view.cue_rects[0]
    assert cue.width() > 0 and window.view.viewport().rect().contains(cue.center().toPoint())
    window.annotate.select_relation(None)
    painted(window)
    assert window.view.cue_rects == []


def test_span_links_across_lines_are_arcs_with_arrowheads_in_view(make_window):
    window = make_window()
    claim, source, _ = _linked(window)
    window.state.select_span(claim.id)
    painted(window)
    (drawn,) = window.view.link_paths
    assert (drawn.link.head, drawn.link.child, drawn.link.label) == (
        claim.id,
        source.id,
        "attributed_to",
    )
    bounds = drawn.path.boundingRect()
    assert bounds.height() > 20  # from one paragraph down to another
    viewport = window.view.viewport().rect()
    assert all(viewport.contains(point.toPoint()) for point in drawn.arrow)
    assert bounds.top() >= viewport.top()
    at_source = QTextCursor(window.view.document())
    at_source.setPosition(sample_place(SOURCE)[0])  # no astral characters: Qt position = offset
    source_line = window.view.cursorRect(at_source)
    (tag,) = [tag.rect for tag in window.view.label_tags if tag.spans == (source.id,)]
    assert tag.bottom() <= source_line.top()  # the source's tag, above its line
    assert abs(drawn.arrow[0].y() - tag.top()) <= 1  # the tip touches the source's tag
    assert tag.left() <= drawn.arrow[0].x() <= tag.right()
    assert bounds.bottom() <= source_line.top()


def test_no_arc_without_a_selection(make_window):
    window = make_window()
    _linked(window)
    window.state.select_span(None)
    painted(window)
    assert window.view.link_paths == []


def test_clicking_an_arc_selects_its_link(qtbot, make_window):
    from PySide6.QtCore import Qt

    window = make_window()
    claim, _, link = _linked(window)
    window.state.select_span(claim.id)
    painted(window)
    (drawn,) = window.view.link_paths
    assert window.state.current_relation_id is None
    on_arc = drawn.path.pointAtPercent(0.5).toPoint()  # the margin part of the route
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=on_arc)
    assert window.state.current_relation_id == link.id
    assert window.relation_table.currentIndex().row() == window.relation_model.row_of(link.id)
    painted(window)
    assert len(window.view.cue_rects) == 1  # the clicked link's cue is marked
