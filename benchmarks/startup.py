"""Time from process start to the first painted article, next to a bare Qt window.

Floor: a bare ``QMainWindow`` holding a ``QPlainTextEdit`` with the same article text,
in a fresh Python process, timed the same way (spawn → first paint of the text viewport).
Measured: Annotator's window on a project holding the annotated sample article, built as
``annotator gui`` builds it (open the project, build the window, show it).

Run: ``python benchmarks/startup.py [--runs N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median_of, report, time_child

PAINT_PROBE = """
import time
from PySide6.QtCore import QEvent, QObject, QTimer
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "seen", False):
            self.seen = True
            print(time.time(), flush=True)
            QTimer.singleShot(0, app.quit)
        return False
probe = FirstPaint()
"""

BARE = (
    """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication([])
"""
    + PAINT_PROBE
    + """
window = QMainWindow()
edit = QPlainTextEdit()
edit.setReadOnly(True)
edit.setPlainText(open(sys.argv[1], encoding="utf-8").read())
edit.viewport().installEventFilter(probe)
window.setCentralWidget(edit)
window.resize(1280, 800)
window.show()
app.exec()
"""
)

ANNOTATOR = (
    """
import sys
from annotator.gui.app import create_window, make_application, warm_up_spacy
from PySide6.QtCore import QTimer
app = make_application()
"""
    + PAINT_PROBE
    + """
window = create_window(sys.argv[1], "bench")
window.view.viewport().installEventFilter(probe)
window.show()
QTimer.singleShot(0, warm_up_spacy)
app.exec()
"""
)

SEED = """
import sys
from annotator.core.project import Project
from annotator.core.samples import ensure_sample
with Project.open(sys.argv[1], annotator="bench") as project:
    ensure_sample(project)
    doc = project.documents()[0].id
    text = project.document(doc).text
    for phrase, label in [("South Korea’s defense minister", "source"), ("probably", "hedge"),
                          ("North Korean soldiers are probably engaged in combat", "claim"),
                          ("Russian forces", "actor")]:
        start = text.find(phrase)
        project.add_span(doc, start, start + len(phrase), label)
print(0)
"""


def main() -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from annotator.core.samples import sample_text

    with tempfile.TemporaryDirectory() as tmp:
        text_file = Path(tmp) / "article.txt"
        text_file.write_text(sample_text(), encoding="utf-8")
        db = Path(tmp) / "bench.db"
        time_child(SEED, str(db))
        # one warm-up each so that both read the libraries from the page cache
        time_child(BARE, str(text_file))
        time_child(ANNOTATOR, str(db))
        floor = median_of(lambda: time_child(BARE, str(text_file)), args.runs)
        measured = median_of(lambda: time_child(ANNOTATOR, str(db)), args.runs)
        first_run = median_of(
            lambda: time_child(ANNOTATOR, str(Path(tempfile.mkdtemp(dir=tmp)) / "new.db")),
            max(3, args.runs // 2),
        )
    return [
        report("start to first paint (existing project)", measured, floor, "bare Qt window"),
        report("start to first paint (first run, new project)", first_run, floor, "bare Qt window"),
    ]


if __name__ == "__main__":
    main()
