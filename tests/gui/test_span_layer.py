"""The article's span layer: spans bucketed by paragraph, added one by one or all at once
(opening a document) with the same result."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.gui.article_view import SpanLayer, ViewSpan
from annotator.model.records import SpanRef

# small numbers, so that spans often start or end right at a paragraph's start
blocks = st.lists(st.integers(1, 40), max_size=8, unique=True).map(lambda s: [0, *sorted(s)])
spans = st.lists(
    st.tuples(st.integers(0, 44), st.integers(0, 12), st.sampled_from(["claim", "hedge"])),
    max_size=40,
)


@given(blocks, spans, st.booleans())
def test_span_layer_add_many_matches_adding_one_by_one(starts, raw, in_order):
    made = [
        ViewSpan(n, start, start + length, label) for n, (start, length, label) in enumerate(raw)
    ]
    if in_order:
        made.sort(key=lambda s: (s.start, -s.end))
    one_by_one, at_once = SpanLayer(starts), SpanLayer(starts)
    for span in made:
        one_by_one.add(span)
    at_once.add_many(made)
    for block in range(len(starts)):
        assert at_once.in_block(block) == one_by_one.in_block(block)


def test_span_layer_takes_the_stores_span_refs_as_they_are():
    layer = SpanLayer([0, 10])
    layer.add_many([SpanRef(1, 2, 14, "claim"), SpanRef(2, 11, 12, "hedge")])
    assert [span.id for span, _ in layer.in_block(0)] == [1]
    assert [span.id for span, _ in layer.in_block(1)] == [1, 2]
    assert [span.id for span in layer.at(11)] == [2, 1]
