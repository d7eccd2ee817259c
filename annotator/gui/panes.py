"""The window's columns: documents, the article, and the stack of review, spans, links
and inspector; sizes that fit a laptop; which panels show (View menu); all remembered.

At 1024×700 the columns get 300 px (a 36-character title shows whole), at least 480 px
for the article and 225 px for the stack; a wider window gives the stack up to a quarter
of its width, until the user drags a splitter (from then on, and once sizes were
remembered, only the article changes width with the window). Panels hidden from the View
menu stay hidden at the next start.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QScrollArea, QSplitter, QWidget

from annotator.gui.settings import HIDDEN_PANELS, RIGHT_SPLITTER_STATE, SPLITTER_STATE

DOCUMENTS_WIDTH = 300
ARTICLE_MIN_WIDTH = 480
STACK_WIDTH = 225
PANEL_NAMES = {
    "document_list": "Documents",
    "span_list": "Spans",
    "link_list": "Links",
    "inspector": "Inspector",
}
"""The panels the View menu shows or hides, by name."""


class Panes:
    """Builds the splitters around the widgets it is given and keeps their state."""

    def __init__(
        self,
        *,
        documents: QWidget,
        centre: QWidget,
        review: QWidget,
        spans: QWidget,
        links: QWidget,
        inspector: QWidget,
    ):
        self.inspector_scroll = QScrollArea()
        self.inspector_scroll.setWidget(inspector)
        self.inspector_scroll.setWidgetResizable(True)
        # The inspector reflows to the width it gets: never a sideways scrollbar. The
        # vertical one is always there, so that its coming and going never changes the
        # width wrapped text was measured for (a wrapped line would overlap the next row).
        self.inspector_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.inspector_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setChildrenCollapsible(False)
        for widget in (review, spans, links, self.inspector_scroll):
            self.right.addWidget(widget)
        self.right.setSizes([260, 260, 140, 300])
        self.right.setMinimumWidth(STACK_WIDTH - 5)
        documents.setMinimumWidth(200)
        centre.setMinimumWidth(ARTICLE_MIN_WIDTH)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        for widget in (documents, centre, self.right):
            self.splitter.addWidget(widget)
        for column, stretch in enumerate((0, 1, 0)):
            self.splitter.setStretchFactor(column, stretch)
        self.splitter.setSizes([DOCUMENTS_WIDTH, 720, STACK_WIDTH])
        self.splitter.splitterMoved.connect(self._sized_by_user)
        self.right.splitterMoved.connect(self._sized_by_user)
        self.sized_by_user = False
        self.panels: dict[str, QWidget] = {
            "document_list": documents,
            "span_list": spans,
            "link_list": links,
            "inspector": self.inspector_scroll,
        }

    def _sized_by_user(self, *_args: object) -> None:
        self.sized_by_user = True

    def fit(self, width: int) -> None:
        """The default column widths for a window ``width`` pixels wide (until the user
        sizes the columns, or sizes were remembered)."""
        if self.sized_by_user:
            return
        stack = STACK_WIDTH if width < 1200 else min(420, width // 4)
        centre = max(width - DOCUMENTS_WIDTH - stack - 2 * self.splitter.handleWidth(), 0)
        self.splitter.setSizes([DOCUMENTS_WIDTH, centre, stack])

    def shown(self, name: str) -> bool:
        """Whether the panel ``name`` is shown (hidden from the View menu or not)."""
        return not self.panels[name].isHidden()

    def show_panel(self, name: str, shown: bool) -> None:
        """Show or hide a panel; the right column goes when all of its panels are hidden."""
        self.panels[name].setHidden(not shown)
        stack = ("span_list", "link_list", "inspector")
        reviewing = not self.right.widget(0).isHidden()
        self.right.setHidden(not reviewing and not any(self.shown(n) for n in stack))

    def save(self) -> None:
        settings = QSettings()
        settings.setValue(SPLITTER_STATE, self.splitter.saveState())
        settings.setValue(RIGHT_SPLITTER_STATE, self.right.saveState())
        settings.setValue(HIDDEN_PANELS, [n for n in self.panels if not self.shown(n)])

    def restore(self) -> None:
        settings = QSettings()
        if state := settings.value(SPLITTER_STATE):
            self.splitter.restoreState(state)
            self.sized_by_user = True
        if state := settings.value(RIGHT_SPLITTER_STATE):
            self.right.restoreState(state)
        hidden = settings.value(HIDDEN_PANELS, [], type=list) or []
        for name in self.panels:
            self.show_panel(name, name not in hidden)
