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
