"""Label tags above the lines and space between paragraphs.

The placement rule (``place_tags``) is checked on its own, by example and by property;
the view is checked through what its last paint drew (``label_tags``) and through the
line positions its layout gives the editor.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, QRectF, Qt

from annotator.core.samples import sample_text
from annotator.gui.article_layout import MAX_LANES, TAG_GAP, place_tags
from tests.gui.conftest import painted, sample_place

TEXT = sample_text()


def width_of(text: str) -> float:
    return 7.0 * len(text)


def _overlap(a, b) -> bool:
    return (
        a.line == b.line
        and a.lane == b.lane
        and a.left < b.left + b.width
        and b.left < a.left + a.width
    )


@pytest.mark.parametrize(
    "tags,lanes",
    [
        ([(0, 0.0, 40.0, "claim", 1), (0, 50.0, 40.0, "actor", 2)], [0, 0]),
        ([(0, 0.0, 40.0, "claim", 1), (0, 10.0, 40.0, "actor", 2)], [0, 1]),
        ([(0, 0.0, 40.0, "claim", 1), (1, 10.0, 40.0, "actor", 2)], [0, 0]),
        ([(0, 0.0, 40.0, "a", 1), (0, 20.0, 40.0, "b", 2), (0, 45.0, 40.0, "c", 3)], [0, 1, 0]),
    ],
)
def test_place_tags_takes_the_lowest_free_lane(tags, lanes):
    slots = place_tags(tags, width_of=width_of)
    assert [slot.lane for slot in slots] == lanes
    assert all(not slot.is_marker for slot in slots)


def test_place_tags_puts_what_does_not_fit_behind_a_marker():
    tags = [(0, float(n), 40.0, f"label{n}", n) for n in range(5)]
    slots = place_tags(tags, width_of=width_of)
    assert [slot.lane for slot in slots] == [0, 1, 2]
    marker = slots[2]
    assert marker.is_marker and marker.text == "+3" and marker.spans == (2, 3, 4)
    assert marker.width == width_of("+3")


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.floats(0, 400, allow_nan=False),
            st.floats(4, 120, allow_nan=False),
        ),
        max_size=40,
    )
)
def test_place_tags_never_overlaps_and_loses_no_span(raw):
    tags = [(line, left, width, "x", n) for n, (line, left, width) in enumerate(raw)]
    slots = place_tags(tags, width_of=width_of)
    assert sorted(span for slot in slots for span in slot.spans) == list(range(len(tags)))
    assert all(0 <= slot.lane < MAX_LANES for slot in slots)
    for n, a in enumerate(slots):
        for b in slots[n + 1 :]:
            assert not _overlap(a, b), (a, b)
    # one marker at most per line and lane, and only in the top lane
    assert all(slot.lane == MAX_LANES - 1 for slot in slots if slot.is_marker)
    assert TAG_GAP >= 0


def _text_rects(view) -> list[QRectF]:
    """Every visible line of text, in viewport coordinates."""
    rects = []
    for block, geometry in view._visible_blocks():
        layout = block.layout()
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            rects.append(line.rect().translated(geometry.topLeft()))
    return rects


NESTED = [
    ("North Korean soldiers are probably engaged in combat in Ukraine", "claim"),
    ("North Korean soldiers", "actor"),
    ("North Korean", "source"),
    ("North", "hedge"),
    ("North Korean soldiers are", "hedge"),
    ("probably", "hedge"),
]


def _annotated(window, phrases=NESTED) -> dict[str, int]:
    ids = {}
    for phrase, label in phrases:
        change = window.project.add_span(window.document_id, *sample_place(phrase), label)
        ids[f"{phrase}/{label}"] = change.spans_added[0].id
    window.open_document(window.document_id)
    painted(window)
    return ids


def test_every_span_gets_a_tag_and_no_tags_overlap_text_or_each_other(make_window):
    window = make_window()
    ids = _annotated(window)
    tags = window.view.label_tags
    assert sorted(span for tag in tags for span in tag.spans) == sorted(ids.values())
    # five start together: two tags, then a marker for the three that share the top lane
    assert max(len(tag.spans) for tag in tags) == 3
    assert any(tag.text == "+3" for tag in tags)
    for n, a in enumerate(tags):
        for b in tags[n + 1 :]:
            assert not a.rect.intersects(b.rect), (a, b)
    for tag in tags:
        assert window.view.viewport().rect().contains(tag.rect.toAlignedRect())
        assert not any(tag.rect.intersects(line) for line in _text_rects(window.view))


def test_a_tag_names_its_label_and_reads_on_its_colour(make_window):
    from annotator.gui.article_view import readable_on, relative_luminance

    window = make_window()
    ids = _annotated(window, [("probably", "hedge"), ("stated", "claim")])
    by_span = {tag.spans[0]: tag for tag in window.view.label_tags}
    assert by_span[ids["probably/hedge"]].text == "hedge"
    assert by_span[ids["stated/claim"]].text == "claim"
    for colour in window.view._colours.values():
        ink = readable_on(colour)
        light, dark = sorted((relative_luminance(colour), relative_luminance(ink)))
        assert (dark + 0.05) / (light + 0.05) >= 4.5


def test_tags_can_be_hidden_and_the_lines_close_up(make_window):
    window = make_window()
    _annotated(window)
    view = window.view
    first = view.document().firstBlock()
    tall = view.blockBoundingRect(first).height()
    view.set_tags_shown(False)
    painted(window)
    assert view.label_tags == []
    assert view.blockBoundingRect(first).height() < tall
    view.set_tags_shown(True)
    painted(window)
    assert view.label_tags and view.blockBoundingRect(first).height() == tall


def test_paragraphs_have_space_between_them(make_window):
    window = make_window()
    view = window.view
    view.set_tags_shown(False)
    second = view.document().firstBlock().next()
    first_line = second.layout().lineAt(0)
    line_spacing = view.fontMetrics().lineSpacing()
    assert first_line.y() >= 0.4 * line_spacing  # room above the paragraph's first line
    if second.layout().lineCount() > 1:  # lines inside a paragraph stay close
        gap = second.layout().lineAt(1).y() - (first_line.y() + first_line.height())
        assert gap < 0.4 * line_spacing


def test_adding_a_span_makes_room_for_its_tag(make_window):
    window = make_window()
    view = window.view
    painted(window)
    block = view.document().firstBlock()
    before = view.blockBoundingRect(block).height()
    window.view.select(*sample_place("stated"))
    window.annotate.apply_label("claim")
    painted(window)
    assert view.blockBoundingRect(block).height() > before
    assert [tag.text for tag in view.label_tags] == ["claim"]


def test_clicking_a_tag_selects_its_span(make_window, qtbot):
    window = make_window()
    ids = _annotated(window, [("probably", "hedge")])
    (tag,) = window.view.label_tags
    qtbot.mouseClick(
        window.view.viewport(), Qt.MouseButton.LeftButton, pos=tag.rect.center().toPoint()
    )
    assert window.state.current_span == ids["probably/hedge"]


def test_a_marker_lists_every_span_behind_it(make_window):
    window = make_window()
    _annotated(window)
    view = window.view
    marker = next(tag for tag in view.label_tags if len(tag.spans) > 1)
    assert view.tag_at(QPointF(marker.rect.center())) == marker
    described = [window.annotate.describe_span(span) for span in marker.spans]
    assert all(described) and len(set(described)) == len(described)


def test_arcs_join_the_tags_of_linked_spans(make_window):
    window = make_window()
    ids = _annotated(window, [("probably", "hedge"), (NESTED[0][0], "claim")])
    hedge, claim = ids["probably/hedge"], ids[f"{NESTED[0][0]}/claim"]
    window.project.add_relation(hedge, claim, "hedges")
    window.open_document(window.document_id)
    window.state.select_span(hedge)
    painted(window)
    (drawn,) = window.view.link_paths
    tags = {tag.spans[0]: tag.rect for tag in window.view.label_tags}
    start, end = drawn.path.elementAt(0), drawn.path.currentPosition()
    assert tags[hedge].left() <= start.x <= tags[hedge].right()
    assert start.y == pytest.approx(tags[hedge].top())
    assert tags[claim].left() <= end.x() <= tags[claim].right()
    assert end.y() == pytest.approx(tags[claim].top())


def test_view_menu_hides_tags_and_remembers(make_window):
    window = make_window()
    _annotated(window, [("probably", "hedge")])
    action = window.actions_by_name["label_tags"]
    assert action.isCheckable() and action.isChecked()
    action.trigger()
    painted(window)
    assert not window.view.tags_shown and window.view.label_tags == []
    window.close()
    again = make_window()
    assert not again.view.tags_shown
    assert not again.actions_by_name["label_tags"].isChecked()
