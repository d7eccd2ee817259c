"""Starting the window: the QApplication, the annotator's name, spaCy warm-up."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator.core.config import fallback_annotator, resolve_annotator, save_config
from annotator.core.project import Project
from annotator.core.samples import ensure_sample
from annotator.gui.crash import CrashHandler
from annotator.gui.main_window import MainWindow
from annotator.gui.messages import message_box
from annotator.gui.settings import APPLICATION, ORGANISATION
from annotator.model.errors import AnnotatorError, StoreError
from annotator.shipped import APP_ID, ICON_SIZES, icon_bytes
from annotator.store.check import describe_damage
from annotator.text.tokens import warm_up


def make_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName(APP_ID)  # the desktop matches windows to the installed entry
    app.setWindowIcon(application_icon())  # every window and dialog shows it
    return app


def application_icon() -> QIcon:
    """The application's icon at every shipped size (read from the package's data, so it
    works from a wheel too)."""
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(icon_bytes(size), "PNG"):
            icon.addPixmap(pixmap)
    return icon


def create_window(db_path: str | Path, annotator: str) -> MainWindow:
    """The main window on ``db_path``; a project that never had a document gets the sample."""
    project = Project.open(db_path, annotator=annotator)
    try:
        ensure_sample(project)
        window = MainWindow(project)
        if project.notices:
            window.show_message(project.notices[-1])
        return window
    except BaseException:
        project.close()
        raise


def open_or_explain(db_path: str | Path, annotator: str) -> tuple[MainWindow | None, str | None]:
    """The window on ``db_path``, or why there is none: a user error's message, or for a
    damaged project file the one line saying what is wrong and offering
    ``annotator check``. Anything else is a bug and propagates (the crash report)."""
    try:
        return create_window(db_path, annotator), None
    except StoreError as exc:  # SQLite refused the file: perhaps it is damaged
        return None, describe_damage(db_path) or str(exc)
    except AnnotatorError as exc:
        return None, str(exc)
    except Exception:
        damage = describe_damage(db_path)
        if damage is None:
            raise
        return None, damage


def ask_annotator_name() -> str:
    """Ask once, on the first interactive start; the answer is stored for next time."""
    default = fallback_annotator()
    name, ok = QInputDialog.getText(
        None,
        "Welcome to Annotator",
        "Your name (recorded on every annotation you make; change it later in Settings):",
        text=default,
    )
    name = name.strip() if ok and name.strip() else default
    save_config({"annotator": name})
    return name


def run(db_path: str | Path, *, annotator: str | None = None) -> int:
    """The interactive application; returns the exit code."""
    app = make_application()
    name = resolve_annotator(annotator) or ask_annotator_name()
    window, problem = open_or_explain(db_path, name)
    if window is None:
        message_box(None, "Annotator", problem or "", QMessageBox.Icon.Critical).exec()
        return 1
    CrashHandler(window).install()
    window.show()
    if window.project.notices:  # a log was recovered: say where the copy is
        notice = message_box(
            window, "Annotator", "\n\n".join(window.project.notices), QMessageBox.Icon.Information
        )
        notice.open()
    QTimer.singleShot(0, warm_up)
    try:
        return app.exec()
    finally:
        window.project.close()
