"""The Qt front end. The only package that imports PySide6."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow


def open_window(db_path: str | Path, annotator: str | None = None) -> QMainWindow:
    """Build the main window in-process on ``db_path``, show it and return it.

    It shows the first document (a project that never had one gets the sample article).
    It never blocks on a dialog: the annotator's name is ``annotator``, else
    ``$ANNOTATOR_NAME``, else the stored setting, else the login name.
    """
    from annotator.core.config import fallback_annotator, resolve_annotator
    from annotator.gui.app import create_window, make_application

    make_application()
    window = create_window(db_path, resolve_annotator(annotator) or fallback_annotator())
    window.show()
    return window


__all__ = ["open_window"]
