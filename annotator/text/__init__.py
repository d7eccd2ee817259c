"""spaCy: tokenization, snapping to tokens, token indices (no Qt; spaCy loaded lazily)."""

from annotator.text.tokens import (
    TokenOffsets,
    doc_from_offsets,
    get_nlp,
    offsets_of,
    snap_to_tokens,
    snap_with_offsets,
    token_bounds,
    tokenize,
    tokenize_many,
    tokenizer_name,
    tokenizer_note,
)

__all__ = [
    "TokenOffsets",
    "doc_from_offsets",
    "get_nlp",
    "offsets_of",
    "snap_to_tokens",
    "snap_with_offsets",
    "token_bounds",
    "tokenize",
    "tokenize_many",
    "tokenizer_name",
    "tokenizer_note",
]
