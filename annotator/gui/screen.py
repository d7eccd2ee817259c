"""Window and dialog sizes that fit the screen they open on."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MARGIN = 24
"""Pixels left free around a window that would fill the screen (its frame, a panel)."""


def fit_on_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width`` × ``height`` pixels, or less: never larger than the
    available geometry of its screen (a laptop's 1024×700 takes a 1100 px dialog)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() - MARGIN)
        height = min(height, room.height() - MARGIN)
    widget.resize(max(width, widget.minimumWidth()), max(height, widget.minimumHeight()))
