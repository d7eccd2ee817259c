"""Boundaries from a dependency parse, when an installed pipeline with a parser is given.

The rules find the structures; the parse only moves their edges: a cue verb's subject
subtree (``nsubj``/``nsubjpass``, without a relative clause) becomes the source and its
clausal complement (``ccomp``, without the "that") the claim, each only where it
overlaps what the rules found, so a bad parse cannot move a span elsewhere. The parser
runs on the app's own tokens, so offsets stay those of the rules.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from annotator.text.attribution_bounds import Bounds
from annotator.text.attribution_rules import Context
from annotator.text.attribution_shapes import Found

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

SUBJECTS = ("nsubj", "nsubjpass")
RELATIVE = ("relcl", "acl")


def parse_heads(nlp: Language, doc: Doc) -> Doc | None:
    """``doc``'s tokens run through ``nlp``; ``None`` if it sets no dependency parse."""
    from spacy.tokens import Doc

    words = [t.text for t in doc]
    spaces = [bool(t.whitespace_) for t in doc]
    parsed = nlp(Doc(nlp.vocab, words=words, spaces=spaces))
    return parsed if parsed.has_annotation("DEP") else None


def refine(ctx: Context, found: list[Found], parsed: Doc) -> list[Found]:
    """``found`` with source and claim edges taken from the parse where it agrees."""
    bounds = Bounds(ctx)
    result = []
    for f in found:
        if f.anchor.kind != "CUE" or f.shape == "quote-continued":
            result.append(f)
            continue
        verb = parsed[f.anchor.verb]
        source, claim = f.source, f.claim
        subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
        if subject is not None and source is not None and f.shape.find("inherit") < 0:
            span = bounds.trim(*_without_relative(subject))
            if span is not None and _overlap(span, source):
                source = span
        complement = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if complement is not None and f.quote != "direct":
            start, end = complement.left_edge.i, complement.right_edge.i + 1
            while start < end and parsed[start].dep_ == "mark":
                start += 1
            span = bounds.trim(start, end)
            if span is not None and _overlap(span, claim):
                claim = span
        result.append(replace(f, source=source, claim=claim))
    return result


def _without_relative(token: Token) -> tuple[int, int]:
    end = token.right_edge.i + 1
    for child in token.rights:
        if child.dep_ in RELATIVE:
            end = min(end, child.left_edge.i)
    return token.left_edge.i, end


def _overlap(a: tuple[int, int], b: tuple[int, int] | None) -> bool:
    return b is not None and a[0] < b[1] and b[0] < a[1]
