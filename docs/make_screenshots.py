"""Screenshots of the real window for the README (``make screenshot``).

Builds the window on a temporary project holding the sample article, labels it through
the same keyboard path a user takes (select, press the label key), and grabs the window.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui import open_window

HERE = Path(__file__).resolve().parent

FIRST_SENTENCE = [
    ("South Korea’s defense minister", Qt.Key.Key_2),
    (
        "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces",
        Qt.Key.Key_1,
    ),
    ("probably", Qt.Key.Key_4),
    ("North Korean soldiers", Qt.Key.Key_3),
    ("Russian forces", Qt.Key.Key_3),
    ("Seoul’s defense minister, Kim Yong-hyun", Qt.Key.Key_2),
    ("highly likely", Qt.Key.Key_4),
]


def label(window, phrase: str, key: Qt.Key) -> None:
    text = window.project.document(window.document_id).text
    start = text.find(phrase)
    window.view.select(start, start + len(phrase))
    QTest.keyClick(window.view, key)


def main(out_dir: Path = HERE) -> Path:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        window = open_window(Path(tmp) / "screenshot.db", "alice")
        window.resize(1400, 820)
        window.activateWindow()
        QTest.qWaitForWindowActive(window)
        window.view.setFocus()
        for phrase, key in FIRST_SENTENCE:
            label(window, phrase, key)
        window.select_span(window.span_model.span_at(1).id)  # the claim, with nested spans
        app.processEvents()
        target = out_dir / "screenshot.png"
        window.grab().save(str(target))
        window.close()
        window.project.close()
    print(target)
    return target


if __name__ == "__main__":
    main()
