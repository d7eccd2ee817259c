"""One handler for every unexpected error in the window.

The user sees what failed and that their work is saved (every change is committed when
it happens); the traceback goes to a log file in the user log folder. User errors that
escape an action are shown as what they are, without the "a bug" wording.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator.gui.messages import message_box
from annotator.model.errors import AnnotatorError

ENV_LOG_DIR = "ANNOTATOR_LOG_DIR"
_logger = logging.getLogger("annotator")


def log_path() -> Path:
    import platformdirs  # on the first error only

    folder = Path(os.environ.get(ENV_LOG_DIR) or platformdirs.user_log_dir("annotator"))
    return folder / "annotator.log"


def _ensure_log_handler() -> Path:
    path = log_path()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in _logger.handlers):
        import logging.handlers  # 6 ms (sockets, pickle, queues): on the first error only

        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _logger.addHandler(handler)
        _logger.setLevel(logging.INFO)
    return path


class CrashHandler:
    """Installed as ``sys.excepthook`` (and ``threading.excepthook``) by the app."""

    def __init__(self, parent: QWidget | None = None):
        self.parent = parent
        self.last_dialog: QMessageBox | None = None

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(
            args.exc_type, args.exc_value, args.exc_traceback
        )

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        path = _ensure_log_handler()
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        damage = None if isinstance(exc, AnnotatorError) else self._damage()
        if isinstance(exc, AnnotatorError):
            _logger.warning("user error not handled by its action: %s\n%s", exc, details)
            text = f"{exc}\n\nYour work is saved."
        elif damage is not None:
            _logger.warning("damaged project: %s\n%s", damage, details)
            text = f"{damage}.\n\nYour other work is saved."
        else:
            _logger.error("unexpected error\n%s", details)
            text = (
                f"Something went wrong: {exc_type.__name__}: {exc}\n\n"
                "Your work is saved: every change is written to the project file when you "
                f"make it.\nThe details are in {path}; please include them in a bug report."
            )
        # Show it from the event loop: the error may come from inside a paint or a thread.
        QTimer.singleShot(0, lambda: self._show(text))

    def _damage(self) -> str | None:
        """What is wrong with the window's project file, if it is damaged (the error was
        then caused by the file, not by a bug)."""
        from annotator.store.check import describe_damage

        try:
            return describe_damage(self.parent.project.path)
        except Exception:  # the report must never fail: fall back to the bug report
            return None  # (no window, no project, no file, or the check failed)

    def _show(self, text: str) -> None:
        box = message_box(self.parent, "Annotator", text, QMessageBox.Icon.Critical)
        box.setModal(False)
        box.show()
        self.last_dialog = box
