"""The article: read-only plain text with span highlights painted on the visible lines.

Highlights are painted, not written into the document: each visible line gets a light
tint per span and a thin bar per span in its label colour, stacked in lanes so that
nested and overlapping spans all stay visible, and each span a tag with its label's name
above the line where it starts (in the room :class:`SpacedLayout` leaves there). Only
the blocks on screen are painted and a span change repaints the viewport, so the cost
does not grow with the span count. The text is set with ``setPlainText``: never
interpreted as HTML or rich text; tags and link labels are drawn as plain text.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import inf
from operator import itemgetter
from typing import NamedTuple

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QTextBlock,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from annotator.gui.article_layout import SpacedLayout, TagSlot, place_tags
from annotator.gui.messages import plain_tooltip
from annotator.gui.offsets import OffsetMap, display_text
from annotator.model.records import Span, SpanRef

Bounds = tuple[Sequence[int], Sequence[int]]
"""Starts and ends (code points, sorted) of tokens or sentences."""

TINT_ALPHA = 60
CURRENT_ALPHA = 120
BAR_STYLES = (
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
)
"""The underline of each label, by its place in the schema: a cue besides colour (the
fifth label's is the first's again)."""
BAR_HEIGHT = 2
LANE_STEP = 3
BAR_LANES = 2  # bars stack this high, inside the descent; deeper spans share the top one
ARC_HEIGHT = 9
DOCUMENT_MARGIN = 12  # room above the first line and left of every line for link arcs
LINK_GAP = 3  # how far above a line an arc runs
LINE_ROOM = 5  # free pixels above every line (where arcs run), more where tags stand
TAG_PADDING = 3  # pixels left and right of a tag's text
TAG_MAX_WIDTH = 110  # longer label names are elided in their tag


class ViewSpan(NamedTuple):
    """A span in Qt positions, as the view needs it (the fields of the store's
    ``SpanRef``, in its order: the view takes those as they are)."""

    id: int
    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class ViewLink:
    """A link as the view draws it: from ``head`` to ``child`` (span ids), its label and
    its cue parts (Qt positions)."""

    head: int
    child: int
    label: str
    cue: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class LabelTag:
    """A tag the last paint drew: where (viewport coordinates), its text and the spans
    it stands for (one, or those behind a "+N" marker)."""

    rect: QRectF
    text: str
    spans: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LinkPath:
    """What the last paint drew for a link: the arc (viewport coordinates) and the
    arrowhead at the child span (what tests and hit-testing read)."""

    link: ViewLink
    path: QPainterPath
    arrow: QPolygonF


class SpanLayer:
    """The shown document's spans, bucketed by text block so painting a block is cheap."""

    def __init__(self, block_starts: list[int]):
        self._block_starts = block_starts
        self.spans: dict[int, ViewSpan] = {}
        self._buckets: defaultdict[int, set[int]] = defaultdict(set)
        self._lanes: dict[int, list[tuple[ViewSpan, int]]] = {}

    def _blocks(self, span: ViewSpan) -> range:
        first = bisect_right(self._block_starts, span.start) - 1
        last = bisect_right(self._block_starts, max(span.start, span.end - 1)) - 1
        return range(max(first, 0), max(last, 0) + 1)

    def add(self, span: ViewSpan) -> range:
        self.spans[span.id] = span
        blocks = self._blocks(span)
        for block in blocks:
            self._buckets[block].add(span.id)
            self._lanes.pop(block, None)
        return blocks

    def add_many(self, spans: Iterable[ViewSpan | SpanRef]) -> None:
        """Add many spans at once (opening a document); same result as ``add`` each.

        Spans in start order (as the store gives them) cost a comparison or two each:
        the block walks forward with them, and a bisection is needed only for a span
        that ends in a later block or comes out of order."""
        spans = list(spans)
        self.spans.update(zip(map(itemgetter(0), spans), spans, strict=True))
        starts = self._block_starts
        last_block = len(starts) - 1
        buckets = self._buckets
        block = 0
        next_start = starts[1] if last_block else inf
        for span_id, start, end, _ in spans:
            if start < starts[block] or start >= next_start:
                block = max(bisect_right(starts, start) - 1, 0)
                next_start = starts[block + 1] if block < last_block else inf
            if end > next_start:
                for later in range(block, bisect_right(starts, end - 1)):
                    buckets[later].add(span_id)
            else:
                buckets[block].add(span_id)
        self._lanes.clear()

    def remove(self, span_id: int) -> range:
        span = self.spans.pop(span_id, None)
        if span is None:
            return range(0)
        blocks = self._blocks(span)
        for block in blocks:
            self._buckets[block].discard(span_id)
            self._lanes.pop(block, None)
        return blocks

    def in_block(self, block: int) -> list[tuple[ViewSpan, int]]:
        """Spans touching ``block`` with their lane (0 = bottom), longest first."""
        cached = self._lanes.get(block)
        if cached is None:
            ordered = sorted(
                (self.spans[i] for i in self._buckets.get(block, ())),
                key=lambda s: (s.start, -s.end, s.label, s.id),
            )
            lane_ends: list[int] = []
            cached = []
            for span in ordered:
                lane = next((n for n, end in enumerate(lane_ends) if end <= span.start), None)
                if lane is None:
                    lane = len(lane_ends)
                    lane_ends.append(span.end)
                else:
                    lane_ends[lane] = span.end
                cached.append((span, lane))
            self._lanes[block] = cached
        return cached

    def at(self, position: int) -> list[ViewSpan]:
        """Spans containing Qt ``position``, innermost (shortest) first."""
        block = max(bisect_right(self._block_starts, position) - 1, 0)
        hits = [s for s, _ in self.in_block(block) if s.start <= position < s.end]
        return sorted(hits, key=lambda s: (s.end - s.start, s.id))


class ArticleView(QPlainTextEdit):
    """Shows one document; converts offsets between stored code points and Qt positions."""

    spanClicked = Signal(int)
    textClicked = Signal()
    """A click on text outside every span (no selection made): nothing is selected."""
    linkClicked = Signal(int, int, str)
    """A click on a drawn link's arc: its head and child span ids and its label."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0) * 1.15)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setCursorWidth(2)
        self._tags_shown = True
        self._tag_slots: dict[int, list[TagSlot]] = {}
        self.label_tags: list[LabelTag] = []
        """The tags the last paint drew (for tests, clicks and tooltips)."""
        self._set_fonts()
        self._offsets = OffsetMap("")
        self._layer = SpanLayer([0])
        document = QTextDocument(self)
        self._line_layout = SpacedLayout(document, self._room_above)
        document.setDocumentLayout(self._line_layout)
        self.setDocument(document)
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        self._colours: dict[str, QColor] = {}
        self._bar_styles: dict[str, Qt.PenStyle] = {}
        self._current: int | None = None
        self._emphasised: set[int] = set()
        self._anchors: dict[int, QRectF] = {}
        self._tag_anchors: dict[int, QRectF] = {}
        self._links: list[ViewLink] = []  # the selected span's links
        self._anchored: set[int] = set()  # spans whose first fragment the paint records
        self._selected_link: ViewLink | None = None
        self.link_paths: list[LinkPath] = []
        """The arcs the last paint drew (for tests and clicks)."""
        self.cue_rects: list[QRectF] = []
        """Where the last paint marked the selected link's cue."""
        self._ghosts = SpanLayer([0])
        self._ghost_links: list[tuple[int, int, str]] = []
        self._ghost_anchors: dict[int, QRectF] = {}
        self.tokens_provider: Callable[[], Bounds] | None = None
        self.sentences_provider: Callable[[], Bounds] | None = None
        self._focused_suggestion: tuple[int, int, str] | None = None
        self._plain_palette = self.palette()
        self.tooltip_provider: Callable[[int], str] | None = None
        """What a span is, in words, for its hover tooltip (plain text)."""
        self.selectionChanged.connect(self._selection_moved)

    def _set_fonts(self) -> None:
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.62, 7.0))
        self._small_font = small
        self._small_metrics = QFontMetricsF(small)
        self._tag_height = int(self._small_metrics.height()) + 2
        self._paragraph_gap = round(QFontMetricsF(self.font()).lineSpacing() * 0.5)

    # -- content --------------------------------------------------------------------

    def set_document(
        self, text: str, spans: list[Span] | list[SpanRef], colours: dict[str, str]
    ) -> None:
        """Show ``text`` (exactly, as plain text) with ``spans`` highlighted."""
        self._offsets = OffsetMap(text)
        self.setPlainText(display_text(text))
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        starts = []
        block = self.document().firstBlock()
        while block.isValid():
            starts.append(block.position())
            block = block.next()
        self._layer = SpanLayer(starts or [0])
        self._ghosts = SpanLayer(starts or [0])
        self._forget_tags()
        self._ghost_links = []
        self.set_colours(colours)
        self._current = None
        self._emphasised = set()
        self._links, self._selected_link = [], None
        # No character above U+FFFF: positions are offsets, and what the layer reads of
        # a ViewSpan (id, start, end, label), the store's SpanRef has too.
        identity = self._offsets.is_identity
        self._layer.add_many(spans if identity else map(self._view_span, spans))
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.viewport().update()

    def set_ghosts(self, spans: list[ViewSpan]) -> None:
        """Proposals that are not annotations of the shown layer (other annotators' spans
        in review, suggestions): drawn as dashed outlines. Offsets in code points."""
        self._ghosts = SpanLayer(self._layer._block_starts)
        self._ghost_links = []
        to_qt = self._offsets.to_qt
        self._ghosts.add_many(ViewSpan(s.id, to_qt(s.start), to_qt(s.end), s.label) for s in spans)
        self.viewport().update()

    def set_ghost_links(self, links: list[tuple[int, int, str]]) -> None:
        """Links between ghosts, ``(head ghost id, child ghost id, link label)``: drawn as
        dashed curves with an arrowhead at the child (suggested structures)."""
        self._ghost_links = list(links)
        self.viewport().update()

    @property
    def ghost_count(self) -> int:
        return len(self._ghosts.spans)

    @property
    def ghost_link_count(self) -> int:
        return len(self._ghost_links)

    def set_colours(self, colours: dict[str, str]) -> None:
        """The label colours, in schema order (which also gives each its underline)."""
        self._colours = {name: QColor(value) for name, value in colours.items()}
        self._bar_styles = {name: BAR_STYLES[n % len(BAR_STYLES)] for n, name in enumerate(colours)}
        self.viewport().update()

    def set_tags_shown(self, shown: bool) -> None:
        """Show or hide the label tags above the lines (the lines close up without)."""
        self._tags_shown = shown
        self._forget_tags()
        self.viewport().update()

    @property
    def tags_shown(self) -> bool:
        return self._tags_shown

    def _forget_tags(self, blocks: range | None = None) -> None:
        """Place the tags of ``blocks`` (all when ``None``) again when next shown."""
        self._line_layout.forget(blocks)
        if blocks is None:
            self._tag_slots.clear()
        else:
            for number in blocks:
                self._tag_slots.pop(number, None)

    def _room_above(self, block: QTextBlock) -> list[int]:
        """Pixels to leave above each line of ``block``: a little for arcs, a paragraph
        gap before every block but the first, and the lanes its tags need (placed here,
        since the line breaks are known only now)."""
        number = block.blockNumber()
        slots = self._plan_tags(block) if self._tags_shown else []
        self._tag_slots[number] = slots
        lanes = [0] * block.layout().lineCount()
        for slot in slots:
            lanes[slot.line] = max(lanes[slot.line], slot.lane + 1)
        rooms = [LINE_ROOM + used * self._tag_height for used in lanes]
        if rooms:  # the first paragraph too: room for arcs over the first line
            rooms[0] += self._paragraph_gap
        return rooms

    def _tag_width(self, text: str) -> float:
        return self._small_metrics.horizontalAdvance(text) + 2 * TAG_PADDING

    def _plan_tags(self, block: QTextBlock) -> list[TagSlot]:
        """Where the tags of the spans that start in ``block`` go (see ``place_tags``)."""
        spans = self._layer.in_block(block.blockNumber())
        if not spans:
            return []
        layout = block.layout()
        position = block.position()
        text_end = position + max(block.length() - 1, 1)
        wanted = []
        for span, _ in spans:
            if not position <= span.start < text_end:
                continue  # it started in an earlier paragraph, where its tag is
            line = layout.lineForTextPosition(span.start - position)
            if not line.isValid():
                continue
            text = self._small_metrics.elidedText(
                span.label, Qt.TextElideMode.ElideRight, TAG_MAX_WIDTH
            )
            width = self._tag_width(text)
            right = line.x() + line.width()
            left = max(min(line.cursorToX(span.start - position)[0], right - width), 0.0)
            wanted.append((line.lineNumber(), left, width, text, span.id))
        return place_tags(wanted, width_of=self._tag_width)

    def tag_at(self, point: QPointF) -> LabelTag | None:
        """The tag drawn at ``point`` (viewport coordinates), if any."""
        return next((tag for tag in self.label_tags if tag.rect.contains(point)), None)

    def bar_style(self, label: str) -> Qt.PenStyle:
        """How spans of ``label`` are underlined (solid, dashed, dotted, dash-dot)."""
        return self._bar_styles.get(label, Qt.PenStyle.SolidLine)

    def _view_span(self, span: Span | SpanRef) -> ViewSpan:
        to_qt = self._offsets.to_qt
        return ViewSpan(span.id, to_qt(span.start), to_qt(span.end), span.label)

    def add_span(self, span: Span) -> None:
        self._forget_tags(self._layer.add(self._view_span(span)))
        self.viewport().update()

    def remove_span(self, span_id: int) -> None:
        self._forget_tags(self._layer.remove(span_id))
        if self._current == span_id:
            self._current = None
        self.viewport().update()

    def set_current_span(self, span_id: int | None, *, emphasised: set[int] | None = None) -> None:
        """Outline ``span_id`` (and emphasise linked spans) and scroll it into view."""
        self._current = span_id
        self._emphasised = emphasised or set()
        self.reveal_span(span_id)
        self.viewport().update()

    def reveal_span(self, span_id: int | None) -> None:
        """Put the caret at the start of ``span_id`` and scroll it into view."""
        span = self._layer.spans.get(span_id) if span_id is not None else None
        if span is not None:
            cursor = self.textCursor()
            cursor.setPosition(span.start)
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    @property
    def current_span(self) -> int | None:
        return self._current

    def set_links(self, links: list[tuple[int, int, str]]) -> None:
        """The links to draw as arcs: ``(head span id, child span id, label)`` (those of
        the selected span)."""
        self._links = [ViewLink(head, child, label) for head, child, label in links]
        self.viewport().update()

    def set_selected_link(self, link: tuple[int, int, str, list[tuple[int, int]]] | None) -> None:
        """The link selected in the link list: ``(head, child, label, cue parts in code
        points)``; its spans are outlined, its cue marked, its arc drawn."""
        if link is None:
            self._selected_link = None
        else:
            head, child, label, cue = link
            to_qt = self._offsets.to_qt
            parts = tuple((to_qt(a), to_qt(b)) for a, b in cue)
            self._selected_link = ViewLink(head, child, label, parts)
        self.viewport().update()

    @property
    def outlined(self) -> set[int]:
        """Spans drawn outlined: the selected one, its linked ones, the selected link's."""
        ends = (
            {self._selected_link.head, self._selected_link.child} if self._selected_link else set()
        )
        return ({self._current} - {None}) | self._emphasised | ends

    # -- positions ------------------------------------------------------------------

    def selection(self) -> tuple[int, int]:
        """The selected range in code points (``start == end`` when nothing is selected)."""
        cursor = self.textCursor()
        to_cp = self._offsets.to_cp
        return to_cp(cursor.selectionStart()), to_cp(cursor.selectionEnd())

    def caret(self) -> int:
        return self._offsets.to_cp(self.textCursor().position())

    def select(self, start: int, end: int) -> None:
        """Select ``[start, end)`` given in code points, and scroll to it."""
        to_qt = self._offsets.to_qt
        cursor = self.textCursor()
        cursor.setPosition(to_qt(start))
        cursor.setPosition(to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def select_suggestion(self, start: int, end: int, label: str) -> None:
        """Select a suggestion (code points) drawn in its label's colour with a focus
        outline instead of the plain selection colour, which would hide what it is."""
        self.select(start, end)
        to_qt = self._offsets.to_qt
        if self._focused_suggestion is None:
            self._plain_palette = self.palette()  # restored when the selection moves
        self._focused_suggestion = (to_qt(start), to_qt(end), label)
        palette = QPalette(self._plain_palette)
        tint = QColor(self._colours.get(label, QColor("#888888")))
        tint.setAlpha(CURRENT_ALPHA)
        palette.setColor(QPalette.ColorRole.Highlight, tint)
        palette.setColor(QPalette.ColorRole.HighlightedText, palette.color(QPalette.ColorRole.Text))
        self.setPalette(palette)
        self.viewport().update()

    def _selection_moved(self) -> None:
        """The selection left the suggestion: the usual selection colours again."""
        if self._focused_suggestion is None:
            return
        cursor = self.textCursor()
        start, end, _ = self._focused_suggestion
        if (cursor.selectionStart(), cursor.selectionEnd()) != (start, end):
            self._focused_suggestion = None
            self.setPalette(self._plain_palette)
            self.viewport().update()

    @property
    def focused_suggestion(self) -> tuple[int, int, str] | None:
        """The suggestion selected by F8 (Qt positions and label), if still selected."""
        return self._focused_suggestion

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def spans_at_caret(self) -> list[int]:
        """Ids of spans under the caret, innermost first."""
        return [s.id for s in self._layer.at(self.textCursor().position())]

    # -- keyboard navigation by token and sentence ----------------------------------------

    def _anchor_and_position(self) -> tuple[int, int]:
        cursor = self.textCursor()
        to_cp = self._offsets.to_cp
        return to_cp(cursor.anchor()), to_cp(cursor.position())

    def _place(self, anchor: int, position: int) -> None:
        to_qt = self._offsets.to_qt
        cursor = self.textCursor()
        cursor.setPosition(to_qt(anchor))
        cursor.setPosition(to_qt(position), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def _step(self, bounds: Bounds, forward: bool, extend: bool) -> None:
        starts, ends = bounds
        anchor, position = self._anchor_and_position()
        if forward:
            targets = ends if extend else starts
            i = bisect_right(targets, position)
            target = targets[i] if i < len(targets) else self._offsets.length
        else:
            i = bisect_left(starts, position) - 1
            target = starts[i] if i >= 0 else 0
        self._place(anchor if extend else target, target)

    def move_by_token(self, forward: bool, *, extend: bool = False) -> None:
        """Caret to the next/previous token start; with ``extend``, grow the selection
        to the next token end or the previous token start."""
        if self.tokens_provider is not None:
            self._step(self.tokens_provider(), forward, extend)

    def move_by_sentence(self, forward: bool, *, extend: bool = False) -> None:
        if self.sentences_provider is not None:
            self._step(self.sentences_provider(), forward, extend)

    def select_sentence(self) -> None:
        """Select the sentence holding the caret (or the next one)."""
        if self.sentences_provider is None:
            return
        starts, ends = self.sentences_provider()
        _, position = self._anchor_and_position()
        i = bisect_right(ends, position)
        if i >= len(starts):
            i = len(starts) - 1
        if i >= 0:
            self._place(starts[i], ends[i])

    # -- events ---------------------------------------------------------------------

    def link_at(self, point: QPointF) -> ViewLink | None:
        """The drawn link whose arc or arrowhead passes within a few pixels of ``point``
        (viewport coordinates), if any."""
        stroker = QPainterPathStroker()
        stroker.setWidth(6)
        for drawn in reversed(self.link_paths):
            if stroker.createStroke(drawn.path).contains(point) or drawn.arrow.containsPoint(
                point, Qt.FillRule.OddEvenFill
            ):
                return drawn.link
        return None

    def viewportEvent(self, event: QEvent) -> bool:
        """Hovering a span shows what it is (label, who, attributes, links) as plain
        text, from ``tooltip_provider``."""
        if event.type() == QEvent.Type.ToolTip and self.tooltip_provider is not None:
            tag = self.tag_at(QPointF(event.pos()))
            if tag is not None:  # a "+N" marker lists every span behind it
                text = "\n\n".join(filter(None, map(self.tooltip_provider, tag.spans)))
            else:
                position = self.cursorForPosition(event.pos()).position()
                hits = self._layer.at(position)
                text = self.tooltip_provider(hits[0].id) if hits else ""
            if text:
                QToolTip.showText(event.globalPos(), plain_tooltip(text), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        if (link := self.link_at(event.position())) is not None:
            self.linkClicked.emit(link.head, link.child, link.label)
            return
        if (tag := self.tag_at(event.position())) is not None:
            self.spanClicked.emit(tag.spans[0])
            return
        position = self.cursorForPosition(event.position().toPoint()).position()
        hits = self._layer.at(position) or self._layer.at(max(position - 1, 0))
        if hits:
            self.spanClicked.emit(hits[0].id)
        else:
            self.textClicked.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        self._anchors = {}
        self._tag_anchors = {}
        self._ghost_anchors = {}
        self.link_paths = []
        self.cue_rects = []
        self.label_tags = []
        links = self._shown_links()
        self._anchored = self.outlined | {end for link in links for end in (link.head, link.child)}
        painter = QPainter(self.viewport())
        try:
            self._paint_spans(painter, event.rect().bottom())
        finally:
            painter.end()
        super().paintEvent(event)
        if self._ghost_links and self._ghost_anchors:
            painter = QPainter(self.viewport())
            try:
                self._paint_ghost_links(painter)
            finally:
                painter.end()
        if self._anchors and (links or self._emphasised or self._selected_link):
            painter = QPainter(self.viewport())
            try:
                self._paint_links(painter, links)
            finally:
                painter.end()
        if self.label_tags:
            painter = QPainter(self.viewport())
            try:
                self._paint_tags(painter)
            finally:
                painter.end()

    def _shown_links(self) -> list[ViewLink]:
        """The selected span's links, and the selected link (once)."""
        links = list(self._links)
        chosen = self._selected_link
        if chosen is not None and not any(
            (link.head, link.child, link.label) == (chosen.head, chosen.child, chosen.label)
            for link in links
        ):
            links.append(chosen)
        return links

    def _visible_blocks(self, bottom: float | None = None):
        """``(block, geometry)`` of the blocks on screen (down to ``bottom``, by default
        the viewport's)."""
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        bottom = self.viewport().rect().bottom() if bottom is None else bottom
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > bottom:
                break
            if block.isVisible():
                yield block, geometry
            block = block.next()

    def _fragments(self, block, geometry: QRectF, start: int, end: int):
        """Rectangles covering Qt positions ``[start, end)`` on the lines of ``block``."""
        layout = block.layout()
        position = block.position()
        text_end = position + block.length() - 1
        a0, b0 = max(start, position) - position, min(end, text_end) - position
        for n in range(layout.lineCount() if b0 > a0 else 0):
            line = layout.lineAt(n)
            a = max(a0, line.textStart())
            b = min(b0, line.textStart() + line.textLength())
            if a < b:
                x1, x2 = line.cursorToX(a)[0], line.cursorToX(b)[0]
                yield QRectF(
                    geometry.left() + min(x1, x2),
                    geometry.top() + line.y(),
                    abs(x2 - x1),
                    line.height(),
                )

    def _paint_ghosts(self, painter: QPainter, block, geometry: QRectF) -> None:
        focused = self._focused_suggestion
        for span, _ in self._ghosts.in_block(block.blockNumber()):
            colour = QColor(self._colours.get(span.label, QColor("#888888")))
            is_focused = focused is not None and focused == (span.start, span.end, span.label)
            for rect in self._fragments(block, geometry, span.start, span.end):
                if is_focused:  # drawn over by the selection: an outline that shows
                    painter.setPen(QPen(colour.darker(140), 2.0))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5))
                tint = QColor(colour)
                tint.setAlpha(25)
                painter.fillRect(rect, tint)
                painter.setPen(QPen(colour, 1.0, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
                self._ghost_anchors.setdefault(span.id, rect)

    def _paint_ghost_links(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for head_id, child_id, _ in self._ghost_links:
            head = self._ghost_anchors.get(head_id)
            child = self._ghost_anchors.get(child_id)
            span = self._ghosts.spans.get(head_id)
            if head is None or child is None or span is None:
                continue
            colour = QColor(self._colours.get(span.label, QColor("#888888")))
            colour.setAlpha(170)
            start = QPointF(head.center().x(), head.top())
            end = QPointF(child.center().x(), child.top())
            turn = min(start.y(), end.y()) - ARC_HEIGHT * 1.5
            path = QPainterPath(start)
            path.cubicTo(QPointF(start.x(), turn), QPointF(end.x(), turn), end)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(colour, 1.3, Qt.PenStyle.DashLine))
            painter.drawPath(path)
            head_size = 4.0
            arrow = QPainterPath(end)
            arrow.lineTo(end.x() - head_size, end.y() - head_size * 1.6)
            arrow.lineTo(end.x() + head_size, end.y() - head_size * 1.6)
            arrow.closeSubpath()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawPath(arrow)

    def _colour_of(self, span_id: int) -> QColor:
        span = self._layer.spans.get(span_id)
        return QColor(self._colours.get(span.label if span else "", QColor("#888888")))

    def _paint_links(self, painter: QPainter, links: list[ViewLink]) -> None:
        """Linked spans get a dashed outline, the selected link's two spans a solid one
        and its cue a box; every shown link an arc with an arrowhead at its child span:
        over the line when both are on one line, else through the left margin."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for span_id in self._emphasised:
            if (target := self._anchors.get(span_id)) is not None:
                painter.setPen(QPen(self._colour_of(span_id), 1.2, Qt.PenStyle.DashLine))
                painter.drawRect(target.adjusted(-1, -1, 0, 0))
        chosen = self._selected_link
        if chosen is not None:
            colour = self._colour_of(chosen.head)
            for end in (chosen.head, chosen.child):
                if (target := self._anchors.get(end)) is not None:
                    painter.setPen(QPen(self._colour_of(end), 2.0))
                    painter.drawRect(target.adjusted(-1.5, -1.5, 0.5, 0.5))
            painter.setPen(QPen(colour, 1.6))
            for block, geometry in self._visible_blocks():
                for a, b in chosen.cue:
                    for rect in self._fragments(block, geometry, a, b):
                        painter.drawRect(rect.adjusted(-1, 0, 1, 0))
                        self.cue_rects.append(rect)
        painter.setFont(self._small_font)
        for link in links:
            head, child = self._arc_end(link.head), self._arc_end(link.child)
            if head is None or child is None or link.head == link.child:
                continue
            path, arrow, label_at = self._route(head, child)
            colour = self._colour_of(link.head)
            selected = self._same(link, chosen)
            colour.setAlpha(230 if selected else 190)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(colour, 2.2 if selected else 1.5))
            painter.drawPath(path)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawPolygon(arrow)
            box = self._small_metrics.boundingRect(link.label).translated(label_at)
            painter.fillRect(box.adjusted(-2, 0, 2, 0), self._label_backdrop())
            painter.setPen(colour)
            painter.drawText(label_at, link.label)  # plain text, never rich text
            self.link_paths.append(LinkPath(link, path, arrow))

    def _arc_end(self, span_id: int) -> QRectF | None:
        """Where an arc meets a span: its tag when shown (arcs join tags, as in brat and
        INCEpTION, and so never cross them), else its first fragment on screen."""
        tag = self._tag_anchors.get(span_id)
        return tag if tag is not None else self._anchors.get(span_id)

    def _label_backdrop(self) -> QColor:
        backdrop = QColor(self.palette().color(QPalette.ColorRole.Base))
        backdrop.setAlpha(215)
        return backdrop

    @staticmethod
    def _same(link: ViewLink, other: ViewLink | None) -> bool:
        return other is not None and (link.head, link.child, link.label) == (
            other.head,
            other.child,
            other.label,
        )

    def _route(self, head: QRectF, child: QRectF) -> tuple[QPainterPath, QPolygonF, QPointF]:
        """The arc from ``head`` to ``child`` (first fragments, viewport coordinates), its
        arrowhead at the child and where its label goes; kept inside the viewport."""
        top = self.viewport().rect().top() + 1
        start = QPointF(head.center().x(), head.top())
        end = QPointF(child.center().x(), child.top())
        path = QPainterPath(start)
        if abs(head.top() - child.top()) < 1:  # one line: an arch over it
            lift = max(head.top() - ARC_HEIGHT * 1.6, top)
            path.cubicTo(QPointF(start.x(), lift), QPointF(end.x(), lift), end)
            label_at = QPointF((start.x() + end.x()) / 2 - 10, max(lift + 2, top + 8))
        else:  # other lines: up into the gap, through the left margin, over the child
            margin = max(self.document().documentMargin() / 2 + self.contentOffset().x(), 2)
            above_head = max(head.top() - LINK_GAP, top)
            above_child = max(child.top() - LINK_GAP, top)
            for point in (
                QPointF(start.x(), above_head),
                QPointF(margin, above_head),
                QPointF(margin, above_child),
                QPointF(end.x(), above_child),
                end,
            ):
                path.lineTo(point)
            label_at = QPointF(margin + 3, above_head - 1 if above_head > top + 8 else top + 8)
        size = 4.5
        arrow = QPolygonF(
            [
                end,
                QPointF(end.x() - size, end.y() - size * 1.5),
                QPointF(end.x() + size, end.y() - size * 1.5),
            ]
        )
        return path, arrow, label_at

    def _paint_spans(self, painter: QPainter, bottom: float) -> None:
        for block, geometry in self._visible_blocks(bottom):
            self._paint_block(painter, block, geometry)

    def _paint_block(self, painter: QPainter, block, geometry: QRectF) -> None:
        self._paint_ghosts(painter, block, geometry)
        spans = self._layer.in_block(block.blockNumber())
        if not spans:
            return
        layout = block.layout()
        position = block.position()
        text_end = position + block.length() - 1
        for span, lane in spans:
            start = max(span.start, position) - position
            end = min(span.end, text_end) - position
            if end <= start:
                continue
            colour = self._colours.get(span.label, QColor("#888888"))
            tint = QColor(colour)
            current = span.id == self._current or span.id in self._emphasised
            tint.setAlpha(CURRENT_ALPHA if current else TINT_ALPHA)
            for n in range(layout.lineCount()):
                line = layout.lineAt(n)
                line_start = line.textStart()
                a = max(start, line_start)
                b = min(end, line_start + line.textLength())
                if a >= b:
                    continue
                x1 = line.cursorToX(a)[0]
                x2 = line.cursorToX(b)[0]
                rect = QRectF(
                    geometry.left() + min(x1, x2),
                    geometry.top() + line.y(),
                    abs(x2 - x1),
                    line.height(),
                )
                painter.fillRect(rect, tint)
                if span.id in self._anchored and span.id not in self._anchors:
                    self._anchors[span.id] = rect
                bar_y = rect.bottom() - BAR_HEIGHT / 2 - min(lane, BAR_LANES - 1) * LANE_STEP
                pen = QPen(colour, BAR_HEIGHT, self.bar_style(span.label))
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                painter.setPen(pen)
                painter.drawLine(QPointF(rect.left(), bar_y), QPointF(rect.right(), bar_y))
                if span.id == self._current:
                    painter.setPen(colour.darker(130))
                    painter.drawRect(rect.adjusted(0, 0, -1, -1))
        self._place_tags(block, geometry)

    def _place_tags(self, block, geometry: QRectF) -> None:
        """Where the block's tags are on screen, in the room above its lines."""
        slots = self._tag_slots.get(block.blockNumber())
        if not slots:
            return
        layout = block.layout()
        height = self._tag_height
        for slot in slots:
            top = geometry.top() + layout.lineAt(slot.line).y() - (slot.lane + 1) * height
            rect = QRectF(geometry.left() + slot.left, top, slot.width, height - 1)
            self.label_tags.append(LabelTag(rect, slot.text, slot.spans))
            if not slot.is_marker:
                self._tag_anchors.setdefault(slot.spans[0], rect)

    def _paint_tags(self, painter: QPainter) -> None:
        """The tags, last (arcs pass under them): the label's colour with black or white
        text, whichever reads better on it; a "+N" marker in the window's grey."""
        painter.setFont(self._small_font)
        marker = self.palette().color(QPalette.ColorRole.Mid)
        for tag in self.label_tags:
            if len(tag.spans) > 1:
                fill = marker
            else:
                span = self._layer.spans.get(tag.spans[0])
                fill = self._colours.get(span.label if span else "", QColor("#888888"))
            painter.fillRect(tag.rect, fill)
            painter.setPen(readable_on(fill))
            painter.drawText(tag.rect, Qt.AlignmentFlag.AlignCenter, tag.text)  # plain text


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour (0 black … 1 white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def readable_on(fill: QColor) -> QColor:
    """Black or white, whichever has the higher WCAG contrast ratio on ``fill``."""
    luminance = relative_luminance(fill)
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return QColor("#000000") if on_black >= on_white else QColor("#ffffff")
