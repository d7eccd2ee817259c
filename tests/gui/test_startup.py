"""The window paints before spaCy is imported, on a first run too (sample import)."""

import os
import subprocess
import sys

SCRIPT = """
import sys
from annotator.gui import open_window
window = open_window(sys.argv[1], "alice")
window.repaint()
print("spacy" in sys.modules, window.doc_model.rowCount())
"""


def test_first_window_does_not_import_spacy(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "new.db")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.stdout.split() == ["False", "1"]


def test_window_and_dialogs_show_the_application_icon(make_window):
    from PySide6.QtWidgets import QDialog

    from annotator.gui.app import make_application
    from annotator.shipped import APP_ID, ICON_SIZES

    app = make_application()
    window = make_window()
    assert app.desktopFileName() == APP_ID
    sizes = sorted(size.width() for size in window.windowIcon().availableSizes())
    assert sizes == list(ICON_SIZES)
    dialog = QDialog(window)
    assert dialog.windowIcon().cacheKey() == app.windowIcon().cacheKey()
    dialog.deleteLater()
