"""The attribution extractor's records: what every other attribution module shares.

At the bottom of the attribution modules: it imports none of them. Above it come the
rule data and token context (``attribution_rules``), the shapes and their bounds, the
parse refinement and the source links; the facade (``attribution``) runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Offsets = tuple[int, int]
"""``(start, end)`` in code points, half-open."""

STANCES = ("asserts", "denies", "questions")
QUOTES = ("direct", "indirect", "mixed")


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution structure. All offsets are code points into the text.

    ``cue`` lists the cue's parts in text order (two parts for "have … stated" or
    "told … that"). ``same_as`` holds earlier source mentions this structure's source
    refers to (the nearest one; empty for a first mention). ``rule`` names the shape
    in ``rules.json`` that found the structure."""

    claim: Offsets
    source: Offsets | None
    cue: tuple[Offsets, ...]
    stance: str = "asserts"
    quote: str = "indirect"
    hedges: tuple[Offsets, ...] = ()
    same_as: tuple[Offsets, ...] = ()
    rule: str = ""

    def texts(self, text: str) -> dict[str, Any]:
        """The structure with its spans as text (for reading and debugging)."""
        return {
            "claim": text[slice(*self.claim)],
            "source": None if self.source is None else text[slice(*self.source)],
            "cue": " … ".join(text[s:e] for s, e in self.cue),
            "stance": self.stance,
            "quote": self.quote,
            "hedges": [text[s:e] for s, e in self.hedges],
            "same_as": [text[s:e] for s, e in self.same_as],
            "rule": self.rule,
        }
