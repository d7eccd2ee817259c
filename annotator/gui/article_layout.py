"""The article's line layout: room above each line for label tags, space between paragraphs.

``QPlainTextDocumentLayout`` (the only layout that opens a 5 MB article at once: it lays
out lazily, block by block, and scrolls by lines) puts every line right under the one
before and ignores block formats (line height, margins). :class:`SpacedLayout` lets Qt
lay each block out as usual, then moves its lines down: each line gets the room its label
tags need, and each paragraph after the first a gap. Only line positions change, never
the line breaks or the line count, so the editor's line-based scrolling, hit-testing and
cursor geometry (which all read the line positions) stay right.

:func:`place_tags` decides where tags go: pure geometry, no Qt, so the rule is tested on
its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

MAX_LANES = 3
"""Tags are stacked at most this high above a line; the rest go behind a "+N" marker."""
TAG_GAP = 3
"""Pixels kept free between two tags side by side."""


@dataclass(frozen=True, slots=True)
class TagSlot:
    """Where one tag goes on a block's line: ``lane`` 0 is just above the text, ``left``
    and ``width`` are pixels in the block's layout. ``spans`` are the span ids it stands
    for: one for a label tag, several for a "+N" marker (the first is the one whose place
    it took)."""

    line: int
    lane: int
    left: float
    width: float
    text: str
    spans: tuple[int, ...]

    @property
    def is_marker(self) -> bool:
        return len(self.spans) > 1


def place_tags(
    tags: Iterable[tuple[int, float, float, str, int]],
    *,
    width_of: Callable[[str], float],
    lanes: int = MAX_LANES,
) -> list[TagSlot]:
    """Stack tags ``(line, left, width, text, span id)`` in lanes so that no two overlap.

    Each tag goes in the lowest lane where it clears the tag before it (by ``TAG_GAP``).
    A tag that fits in none of the ``lanes`` joins the last tag of the top lane, which
    becomes a "+N" marker (N spans behind it, as wide as ``width_of`` its text says), so
    the number of lanes never grows past ``lanes`` and the marker still overlaps nothing.
    Tags are taken line by line, left to right, in the given order at one place.
    """
    slots: list[TagSlot] = []
    line_now, ends, last_in_lane = None, [], []
    for line, left, width, text, span_id in sorted(tags, key=lambda t: (t[0], t[1])):
        if line != line_now:
            line_now, ends, last_in_lane = line, [], []
        lane = next((n for n, end in enumerate(ends) if end <= left), None)
        if lane is None and len(ends) < lanes:
            lane = len(ends)
            ends.append(0.0)
            last_in_lane.append(-1)
        if lane is not None:
            slots.append(TagSlot(line, lane, left, width, text, (span_id,)))
            ends[lane] = left + width + TAG_GAP
            last_in_lane[lane] = len(slots) - 1
            continue
        top = lanes - 1
        held = slots[last_in_lane[top]]
        spans = (*held.spans, span_id)
        marker = f"+{len(spans)}"
        marker_width = max(width_of(marker), 0.0)
        slots[last_in_lane[top]] = TagSlot(line, top, held.left, marker_width, marker, spans)
        ends[top] = max(ends[top], held.left + marker_width + TAG_GAP)
    return slots


class SpacedLayout(QPlainTextDocumentLayout):
    """Qt's plain-text layout with ``room_above(block)`` pixels (whole numbers, one per
    line of the laid-out block) left free above each line."""

    def __init__(self, document: QTextDocument, room_above: Callable[[QTextBlock], Sequence[int]]):
        super().__init__(document)
        self._room_above = room_above
        self._first_room: dict[int, float] = {}

    def forget(self, blocks: Iterable[int] | None = None) -> None:
        """Ask ``room_above`` again for ``blocks`` (block numbers; every block when
        ``None``) the next time they are measured (their spans or the tags changed)."""
        if blocks is None:
            self._first_room.clear()
        else:
            for number in blocks:
                self._first_room.pop(number, None)

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        # Qt lays a block out with its first line at y = 0, and the first line's room is
        # never 0, so a first line at any other place than the remembered room means Qt
        # laid the block out again (new width, new text): place its lines again.
        self.ensureBlockLayout(block)
        layout = block.layout()
        count = layout.lineCount()
        if count:
            number = block.blockNumber()
            first = self._first_room.get(number)
            if first is None or layout.lineAt(0).y() != first:
                rooms = self._room_above(block)
                y = 0.0
                for n in range(count):
                    line = layout.lineAt(n)
                    y += rooms[n]
                    line.setPosition(QPointF(line.x(), y))
                    y += line.height()
                self._first_room[number] = float(rooms[0])
        return super().blockBoundingRect(block)
