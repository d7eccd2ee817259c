"""Code points ↔ UTF-16 code units, for one text.

Stored offsets count Unicode code points (Python ``str`` indices). Qt and JavaScript
tools (Label Studio before 1.x, doccano before 1.0) count UTF-16 code units, in which every
character above U+FFFF takes two. Pure Python, no Qt.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts between code-point offsets into ``text`` and Qt (UTF-16) positions."""

    __slots__ = ("_astral_cp", "_astral_qt", "length", "qt_length")

    def __init__(self, text: str):
        # Code-point indices of astral characters, and where each starts in UTF-16.
        self._astral_cp = array("q", (m.start() for m in _ASTRAL.finditer(text)))
        self._astral_qt = array("q", (cp + n for n, cp in enumerate(self._astral_cp)))
        self.length = len(text)
        self.qt_length = len(text) + len(self._astral_cp)

    @property
    def is_identity(self) -> bool:
        return not self._astral_cp

    def to_qt(self, cp: int) -> int:
        """Qt position of code-point offset ``cp`` (0 ≤ cp ≤ length)."""
        if not self._astral_cp:
            return cp
        return cp + bisect_left(self._astral_cp, cp)

    def to_cp(self, qt: int) -> int:
        """Code-point offset of Qt position ``qt``; a position inside a surrogate pair
        (which Qt's cursor never takes) maps to the start of that character."""
        if not self._astral_qt:
            return qt
        before = bisect_left(self._astral_qt, qt)
        if before and qt == self._astral_qt[before - 1] + 1:
            return self._astral_cp[before - 1]
        return qt - before
