"""The one place where stored offsets meet Qt positions.

Stored offsets count Unicode code points; Qt counts UTF-16 code units
(:class:`~annotator.model.offsets.OffsetMap` converts). And ``QTextDocument`` turns
``\r\n`` into one block separator, which would shift every later position by one: the
view shows the ``\r`` of a CRLF as a space instead, keeping one Qt unit per UTF-16 unit.
Text is never read back from Qt (``toPlainText()`` changes NBSP and U+2028), only
positions. Pure Python (no Qt import) so it can be tested on its own.
"""

from __future__ import annotations

from annotator.model.offsets import OffsetMap


def display_text(text: str) -> str:
    """What the view shows: ``text`` with each CRLF's ``\r`` as a space (same length)."""
    return text.replace("\r\n", " \n")


__all__ = ["OffsetMap", "display_text"]
