import pytest
import spacy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.text import (
    doc_from_offsets,
    get_nlp,
    snap_to_tokens,
    snap_with_offsets,
    token_bounds,
    tokenize,
)
from annotator.text import tokens as tokens_module
from tests.conftest import TRICKY_TEXT

PLAIN = "South Korea's defense minister stated on Tuesday that soldiers are probably there."


def _doc(text):
    return doc_from_offsets(text, tokenize(text))


def test_tokens_match_spacy_blank_on_ordinary_text():
    blank = spacy.blank("en")(PLAIN)
    offsets = tokenize(PLAIN)
    assert list(offsets.starts) == [t.idx for t in blank]
    assert list(offsets.ends) == [t.idx + len(t) for t in blank]


def test_quote_glued_to_a_word_is_split():
    text = "it was“highly likely” true"
    doc = _doc(text)
    assert [t.text for t in doc] == ["it", "was", "“", "highly", "likely", "”", "true"]


def test_doc_from_offsets_reproduces_tricky_text():
    assert _doc(TRICKY_TEXT).text == TRICKY_TEXT


def test_snap_expands_partial_word():
    doc = _doc(PLAIN)
    start = PLAIN.index("robab")
    assert snap_to_tokens(doc, start, start + 3) == (PLAIN.index("probably"), PLAIN.index(" there"))


def test_snap_trims_surrounding_whitespace():
    doc = _doc(PLAIN)
    start = PLAIN.index(" probably")
    assert snap_to_tokens(doc, start, start + len(" probably ")) == (start + 1, start + 9)


def test_snap_of_only_whitespace_is_none():
    doc = _doc("one  two")
    assert snap_to_tokens(doc, 3, 5) is None


def test_snap_across_crlf_and_nbsp_keeps_code_points():
    doc = _doc(TRICKY_TEXT)
    target = "probably aimed"
    start = TRICKY_TEXT.index(target)
    assert snap_to_tokens(doc, start + 1, start + len(target) - 1) == (start, start + len(target))


def test_token_bounds_are_inclusive_and_strict():
    doc = _doc(PLAIN)
    start = PLAIN.index("defense minister")
    assert token_bounds(doc, start, start + len("defense minister")) == (3, 4)
    assert token_bounds(doc, start + 1, start + len("defense minister")) is None


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_tokens_rebuild_any_text(text):
    assert _doc(text).text == text


@settings(max_examples=150, deadline=None)
@given(texts, st.data())
def test_snap_result_is_token_aligned_and_covers_the_trimmed_selection(text, data):
    doc = _doc(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    snapped = snap_to_tokens(doc, start, end)
    selected = text[start:end]
    if not selected.strip():
        assert snapped is None
        return
    assert snapped is not None
    s, e = snapped
    assert doc.char_span(s, e) is not None  # whole tokens
    first = start + (len(selected) - len(selected.lstrip()))
    last = end - (len(selected) - len(selected.rstrip()))
    assert s <= first and last <= e
    assert not text[s].isspace() and not text[e - 1].isspace()


@settings(max_examples=150, deadline=None)
@given(texts, st.data())
def test_snap_with_stored_offsets_equals_snap_on_whole_doc(text, data):
    offsets = tokenize(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = snap_to_tokens(doc_from_offsets(text, offsets), start, end)
    assert snap_with_offsets(text, offsets, start, end) == expected


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,.\n\t“")), max_size=80))
def test_long_texts_tokenised_in_pieces_equal_whole(monkeypatch_chunk, text):
    whole = get_nlp("en").make_doc(text)
    offsets = tokenize(text)
    assert list(offsets.starts) == [t.idx for t in whole]
    assert list(offsets.ends) == [t.idx + len(t) for t in whole]


@pytest.fixture(scope="module")
def monkeypatch_chunk():
    original = tokens_module.CHUNK_SIZE
    tokens_module.CHUNK_SIZE = 5
    yield
    tokens_module.CHUNK_SIZE = original


def test_sentences_split_at_full_stops_and_line_breaks():
    from annotator.text.sentences import sentence_bounds

    text = "Heading without stop\nFirst one. Second one?  Third\r\n\r\nLast."
    bounds = sentence_bounds(text, tokenize(text))
    assert [text[s:e] for s, e in zip(bounds.starts, bounds.ends, strict=True)] == [
        "Heading without stop",
        "First one.",
        "Second one?",
        "Third",
        "Last.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("“Who signed this?” the judge asked. Nobody did.", 2),
        ("She cried “Not again!” and left the room.", 1),
        ("“Who signed this?” The clerk had no idea.", 2),
        ("He asked “Who signed this?”\nthe clerk had no idea.", 2),
    ],
)
def test_sentences_go_on_after_a_quotation_ending_in_lower_case(text, sentences):
    from annotator.text.sentences import sentence_bounds

    assert len(sentence_bounds(text, tokenize(text)).starts) == sentences


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_stored_token_bounds_agree_with_spacy_char_span(text, data):
    offsets = tokenize(text)
    doc = doc_from_offsets(text, offsets)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))  # spans are never empty
    assert offsets.token_bounds(start, end) == token_bounds(doc, start, end)


@settings(max_examples=50, deadline=None)
@example(texts=["a aaa", "b a"])  # a text exactly CHUNK_SIZE long, then a short one
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab ,.\n“")), max_size=12), max_size=9))
def test_tokenize_many_equals_each_text_tokenised_alone(monkeypatch_chunk, texts):
    """Short texts go through spaCy's pipe together, long ones piece by piece, in
    groups of PIPE_BATCH: every text gets its own tokens, in order."""
    original = tokens_module.PIPE_BATCH
    tokens_module.PIPE_BATCH = 2
    try:
        together = [(list(o.starts), list(o.ends)) for o in tokens_module.tokenize_many(texts)]
    finally:
        tokens_module.PIPE_BATCH = original
    alone = [(list(o.starts), list(o.ends)) for o in map(tokenize, texts)]
    assert together == alone
