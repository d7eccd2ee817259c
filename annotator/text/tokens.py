"""Tokens: spaCy's tokenizer for the document's language, loaded lazily.

spaCy is imported on first use only (the window paints before it is needed). Token
boundaries are computed once at import and stored; :func:`doc_from_offsets` rebuilds a
spaCy ``Doc`` from them without re-tokenising, and snapping and token indices then use
spaCy's own ``Doc.char_span``.

The tokenizer is ``spacy.blank(lang)`` with one addition: double quotation marks glued
inside a word are split off (``was“highly`` becomes ``was``, ``“``, ``highly``), so a
hedge such as "highly likely" in the sample article can be a whole-token span.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from spacy.language import Language
    from spacy.tokens import Doc

RULES_VERSION = "1"
CHUNK_SIZE = 20_000
FALLBACK_LANG = "xx"
_QUOTE_INFIX = r"[“”„‟«»]"

_lock = threading.Lock()
_notes: dict[str, str] = {}
_loaded: set[str] = set()


@dataclass(frozen=True, slots=True)
class TokenOffsets:
    """Token boundaries of one text: ``starts[i]``/``ends[i]`` in code points, half-open."""

    starts: array
    ends: array

    def __len__(self) -> int:
        return len(self.starts)

    def token_bounds(self, start: int, end: int) -> tuple[int, int] | None:
        """First and last (inclusive) token of ``[start, end)`` if it starts and ends on
        token boundaries, else ``None``: what ``Doc.char_span(alignment_mode="strict")``
        answers (a test checks they agree), without building a ``Doc`` for export."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.ends, end)
        if (
            first < len(self.starts)
            and last < len(self.ends)
            and self.starts[first] == start
            and self.ends[last] == end
            and first <= last
        ):
            return first, last
        return None

    def to_blobs(self) -> tuple[bytes, bytes]:
        return self.starts.tobytes(), self.ends.tobytes()

    @classmethod
    def from_blobs(cls, starts: bytes, ends: bytes) -> TokenOffsets:
        s, e = array("i"), array("i")
        s.frombytes(starts)
        e.frombytes(ends)
        return cls(s, e)


@cache
def tokenizer_name(lang: str) -> str:
    """Identifies the rules that produced stored tokens; a change means re-tokenising."""
    return _name_for(resolve_lang(lang))


@cache
def _name_for(resolved: str) -> str:
    from importlib.metadata import version  # 8 ms: not before tokens are looked at

    return f"spacy-{version('spacy')}/{resolved}/annotator-{RULES_VERSION}"


def tokens_current(stored_name: str, lang: str) -> bool:
    """Whether tokens stored under ``stored_name`` are what tokenising in ``lang`` gives
    now. Tokens made by ``lang``'s own tokenizer under these rules are recognised by name
    without loading spaCy (a reading command never waits for it); only tokens made another
    way need spaCy, to learn whether ``lang`` still falls back to ``xx``."""
    return stored_name == _name_for(lang) or stored_name == tokenizer_name(lang)


def resolve_lang(lang: str) -> str:
    """The language whose tokenizer is really used (``xx`` if ``lang`` cannot load)."""
    get_nlp(lang)
    return FALLBACK_LANG if lang in _notes else lang


def tokenizer_note(lang: str) -> str | None:
    """Why ``lang`` uses the fallback tokenizer, or ``None`` if its own one loaded."""
    return _notes.get(lang)


@cache
def _load(lang: str) -> Language:
    import spacy
    from spacy.util import compile_infix_regex

    try:
        nlp = spacy.blank(lang)
        nlp.make_doc("Test, test.")  # some languages need extra packages only here
    except Exception as exc:  # a missing optional package, an unknown code
        _notes[lang] = (
            f"no spaCy tokenizer for language {lang!r} ({type(exc).__name__}: {exc}); "
            "using the multi-language tokenizer instead"
        )
        nlp = spacy.blank(FALLBACK_LANG)
    infixes = [*nlp.Defaults.infixes, _QUOTE_INFIX]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.max_length = 2**31 - 1  # tokenizer only: no parser memory limits apply
    _loaded.add(lang)
    return nlp


def nlp_ready(lang: str = "en") -> bool:
    """Whether the pipeline for ``lang`` is loaded (using it now will not wait for spaCy)."""
    return lang in _loaded


def get_nlp(lang: str = "en") -> Language:
    """The blank pipeline (tokenizer only) for ``lang``; thread-safe, loaded once."""
    with _lock:
        return _load(lang)


def warm_up(lang: str = "en") -> threading.Thread:
    """Load the pipeline for ``lang`` in a background thread (the window does this after
    its first paint, so labelling never waits for spaCy)."""
    thread = threading.Thread(target=get_nlp, args=(lang,), name="spacy-warm-up", daemon=True)
    thread.start()
    return thread


def offsets_of(doc: Doc, shift: int = 0) -> TokenOffsets:
    """Token boundaries of ``doc`` (plus ``shift``), read with ``Doc.to_array``."""
    from spacy.attrs import IDX, LENGTH

    table = doc.to_array([IDX, LENGTH]).astype("int64")
    starts = table[:, 0] + shift
    ends = starts + table[:, 1]
    return TokenOffsets(
        array("i", starts.astype("<i4").tobytes()), array("i", ends.astype("<i4").tobytes())
    )


def chunk_bounds(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """Cut a long text into pieces of about ``size`` characters at single spaces between
    two non-space characters. spaCy splits on such a space first, so tokenising the
    pieces gives exactly the tokens of the whole text, much faster (its cache works)."""
    size = size or CHUNK_SIZE
    bounds, start = [], 0
    while len(text) - start > size:
        cut = start + size
        while cut < len(text) - 1 and not (
            text[cut] == " " and not text[cut - 1].isspace() and not text[cut + 1].isspace()
        ):
            cut += 1
        if cut >= len(text) - 1:
            break
        bounds.append((start, cut))
        start = cut + 1
    bounds.append((start, len(text)))
    return bounds


def tokenize(text: str, lang: str = "en") -> TokenOffsets:
    """Token boundaries of ``text`` (long texts are tokenised piece by piece)."""
    tokenizer = get_nlp(lang).tokenizer
    starts, ends = array("i"), array("i")
    bounds = chunk_bounds(text)
    for (offset, _), doc in zip(bounds, tokenizer.pipe(text[s:e] for s, e in bounds), strict=True):
        piece = offsets_of(doc, offset)
        starts.extend(piece.starts)
        ends.extend(piece.ends)
    return TokenOffsets(starts, ends)


PIPE_BATCH = 256
"""Texts tokenised together by spaCy's ``pipe`` (and held at once)."""


def tokenize_many(texts: Iterable[str], lang: str = "en") -> Iterator[TokenOffsets]:
    """Token offsets of each text, in order, exactly as :func:`tokenize` gives them.
    Texts that need no cutting go through the tokenizer's ``pipe`` together,
    :data:`PIPE_BATCH` at a time (a tenth faster than one call per text)."""
    texts = iter(texts)
    while group := list(islice(texts, PIPE_BATCH)):  # no text, no spaCy loaded
        docs = get_nlp(lang).tokenizer.pipe(text for text in group if len(text) <= CHUNK_SIZE)
        for text in group:
            yield offsets_of(next(docs)) if len(text) <= CHUNK_SIZE else tokenize(text, lang)


def doc_from_offsets(text: str, offsets: TokenOffsets, lang: str = "en") -> Doc:
    """A spaCy ``Doc`` with exactly these tokens (its ``.text`` equals ``text``)."""
    from spacy.tokens import Doc

    words, spaces = words_and_spaces(text, offsets)
    return Doc(get_nlp(lang).vocab, words=words, spaces=spaces)


def words_and_spaces(
    text: str, offsets: TokenOffsets, *, check: bool = True
) -> tuple[list[str], list[bool]]:
    """Token texts and whether one space follows each: what ``Doc(words, spaces)`` needs.

    :raises ValueError: (with ``check``) the offsets leave a gap that is not one space or
        do not cover the text (stored by other rules): a ``Doc`` would not reproduce it.
    """
    starts, ends = offsets.starts, offsets.ends
    words = [text[s:e] for s, e in zip(starts, ends, strict=True)]
    following = [*starts[1:], len(text)]
    spaces = [nxt > end for end, nxt in zip(ends, following, strict=True)]
    if not check:
        return words, spaces
    gaps_ok = all(
        nxt == end or (nxt == end + 1 and text[end] == " ")
        for end, nxt in zip(ends, following, strict=True)
    )
    if not gaps_ok or (starts and starts[0] != 0) or (not starts and text):
        raise ValueError("stored token offsets do not reproduce the document text")
    return words, spaces


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def snap_to_tokens(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Grow a character selection to whole tokens, after trimming surrounding whitespace.

    Returns the snapped ``(start, end)`` in code points, or ``None`` if the selection
    holds only whitespace or is empty.
    """
    start, end = _trim(doc.text, start, end)
    if start >= end:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    return span.start_char, span.end_char


def snap_with_offsets(
    text: str, offsets: TokenOffsets, start: int, end: int, lang: str = "en"
) -> tuple[int, int] | None:
    """:func:`snap_to_tokens` using stored token boundaries: builds a ``Doc`` of only the
    tokens around the selection, so snapping costs the same in a 5 MB article."""
    start, end = _trim(text, start, end)
    if start >= end:
        return None
    first = max(bisect_right(offsets.ends, start) - 1, 0)
    last = min(bisect_left(offsets.starts, end) + 1, len(offsets))
    if first >= last:
        return None
    window = TokenOffsets(offsets.starts[first:last], offsets.ends[first:last])
    base = window.starts[0]
    local_end = window.ends[-1] - base
    shifted = TokenOffsets(
        array("i", (s - base for s in window.starts)), array("i", (e - base for e in window.ends))
    )
    doc = doc_from_offsets(text[base : base + local_end], shifted, lang)
    snapped = snap_to_tokens(doc, start - base, end - base)
    if snapped is None:
        return None
    return snapped[0] + base, snapped[1] + base


def token_bounds(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """First and last (inclusive) token index of an aligned span, else ``None``."""
    span = doc.char_span(start, end, alignment_mode="strict")
    if span is None:
        return None
    return span.start, span.end - 1
