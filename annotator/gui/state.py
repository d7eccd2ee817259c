"""What the window is showing, in one object the parts of the window share.

The project, the shown document (its text and links), the selected span and link, and
the layer being edited. Setting the selection or the layer here emits a signal; each
part that shows it (the article, the tables, the inspector, the review panel) listens
and refreshes itself, so a selection is set once and shown once.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.project import GOLD, Project
from annotator.model.records import Relation


class WindowState(QObject):
    spanSelected = Signal(object)
    """The selected span changed (its id, or ``None``)."""
    layerChanged = Signal(str)
    """The layer being edited changed (an annotator's own, or gold while reviewing)."""

    def __init__(self, project: Project, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.document_id: int | None = None
        self.text = ""
        """The shown document's text (code points; empty when none is shown)."""
        self.relations: list[Relation] = []
        """The shown document's links in the layer being edited."""
        self.current_span: int | None = None
        self.current_relation_id: int | None = None

    @property
    def reviewing(self) -> bool:
        """Whether the gold layer is being edited (adjudication)."""
        return self.project.layer == GOLD

    def select_span(self, span_id: int | None) -> None:
        """Make ``span_id`` the selected span (``None``: no span); every part showing the
        selection follows."""
        self.current_span = span_id
        self.spanSelected.emit(span_id)

    def set_layer(self, layer: str) -> None:
        """Edit ``layer`` from now on."""
        self.project.layer = layer
        self.layerChanged.emit(layer)

    def reload_relations(self) -> None:
        """Read the shown document's links again."""
        document_id = self.document_id
        self.relations = self.project.relations(document_id) if document_id is not None else []
