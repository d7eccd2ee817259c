"""Words in messages: counts with the noun in the right number."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, the noun plural unless ``number`` is one: ``"1 span"``,
    ``"0 spans"``, ``"3 new documents"``. ``plural`` is for nouns that do not simply take
    an *s* (``counted(2, "claim match", "claim matches")``)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
