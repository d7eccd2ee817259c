"""The code-point ↔ UTF-16 converter, against Python and against a real QTextDocument."""

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument

from annotator.gui.offsets import OffsetMap, display_text
from tests.conftest import TRICKY_TEXT

any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
AWKWARD_PIECES = [
    *"a é\r\n\t\u00a0\u2028\u2029\u0085\x00\x0b\x0c",
    *["🇺🇦", "👩\u200d👩\u200d👧", "東", "e\u0301", "😀", "\r\n"],
]
awkward = st.lists(st.sampled_from(AWKWARD_PIECES), max_size=30).map("".join)


def _utf16(text, i):
    return len(text[:i].encode("utf-16-le")) // 2


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_to_qt_matches_utf16_length(text):
    offsets = OffsetMap(text)
    assert [offsets.to_qt(i) for i in range(len(text) + 1)] == [
        _utf16(text, i) for i in range(len(text) + 1)
    ]


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_to_cp_inverts_to_qt(text):
    offsets = OffsetMap(text)
    assert all(offsets.to_cp(offsets.to_qt(i)) == i for i in range(len(text) + 1))


def test_position_inside_surrogate_pair_maps_to_character_start():
    offsets = OffsetMap("a😀b")
    assert [offsets.to_cp(q) for q in range(5)] == [0, 1, 1, 2, 3]


@settings(max_examples=200, deadline=None)
@given(awkward)
def test_qt_document_has_one_position_per_utf16_unit(qapp, text):
    """What the view shows keeps every character at its UTF-16 position (CRLF included)."""
    document = QTextDocument()
    document.setPlainText(display_text(text))
    units = text.encode("utf-16-le")
    assert document.characterCount() - 1 == len(units) // 2
    for i, ch in enumerate(text):
        if ch not in "\r\n\u2029" and ord(ch) <= 0xFFFF:
            assert document.characterAt(_utf16(text, i)) == ch


def test_display_text_keeps_length_of_tricky_text():
    assert len(display_text(TRICKY_TEXT)) == len(TRICKY_TEXT)
