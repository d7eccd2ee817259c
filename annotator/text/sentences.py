"""Sentence boundaries with spaCy's rule-based ``Sentencizer`` (no model needed)."""

from __future__ import annotations

from array import array
from functools import cache

from annotator.text.tokens import TokenOffsets, doc_from_offsets


@cache
def _sentencizer():
    from spacy.pipeline import Sentencizer

    return Sentencizer()


def sentence_bounds(text: str, offsets: TokenOffsets, lang: str = "en") -> TokenOffsets:
    """Start and end (code points) of each sentence, whitespace at either end trimmed.

    A quotation closing on "?" or "!" ends no sentence when lower case follows it.
    Line breaks end a sentence too: articles put one paragraph per line, and a heading
    or byline without a full stop must not run into the next paragraph.
    """
    doc = _sentencizer()(doc_from_offsets(text, offsets, lang))
    for token in doc[1:]:
        before = doc[token.i - 1]
        if "\n" in before.text:
            token.is_sent_start = True
        elif token.is_sent_start and before.is_quote and token.text[:1].islower():
            # a quotation that ends in "?" or "!" goes on in lower case ('“Who signed
            # this?” the judge asked'): the sentence goes on with it
            token.is_sent_start = False
    starts, ends = array("i"), array("i")
    for sentence in doc.sents:
        start, end = sentence.start_char, sentence.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            starts.append(start)
            ends.append(end)
    return TokenOffsets(starts, ends)
