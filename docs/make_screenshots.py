"""Screenshots of the real window for the README (``make screenshot``).

Builds the window on a temporary project holding the sample article and annotates it
through the same keyboard path a user takes: select, press the label key, press L and a
digit to link, select the cue and press U. Then grabs the window.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui import open_window

# The windows' settings (sizes, panels, choices) live in a folder of the run's own, so that
# a screenshot never depends on what an earlier window remembered.
SETTINGS = tempfile.mkdtemp(prefix="annotator-screenshots-")
for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
    QSettings.setPath(settings_format, QSettings.Scope.UserScope, SETTINGS)

HERE = Path(__file__).resolve().parent
CLAIM = "North Korean soldiers are probably engaged in combat in Ukraine alongside Russian forces"
LABELS = [
    ("South Korea’s defense minister", Qt.Key.Key_2),
    (CLAIM, Qt.Key.Key_1),
    ("probably", Qt.Key.Key_4),
    ("North Korean soldiers", Qt.Key.Key_3),
    ("Russian forces", Qt.Key.Key_3),
    ("Seoul’s defense minister, Kim Yong-hyun", Qt.Key.Key_2),
    ("highly likely", Qt.Key.Key_4),
    ("the report was accurate", Qt.Key.Key_1),
]


def find(window, phrase: str) -> tuple[int, int]:
    start = window.project.document(window.document_id).text.find(phrase)
    return start, start + len(phrase)


def label(window, phrase: str, key: Qt.Key) -> int:
    window.view.select(*find(window, phrase))
    QTest.keyClick(window.view, key)
    return window.view.current_span


def link(window, head: int, target: int) -> None:
    window.select_span(head)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_L)
    digit = 1 + [o.span.id for o in window.link_picker.options].index(target)
    QTest.keyClick(window.link_picker.list, getattr(Qt.Key, f"Key_{digit}"))


def annotate(window) -> dict[str, int]:
    ids = {phrase: label(window, phrase, key) for phrase, key in LABELS}
    link(window, ids[CLAIM], ids["South Korea’s defense minister"])
    window.view.select(*find(window, "stated"))
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_U)
    stance = window.inspector.relation_editors["stance"]
    stance.setCurrentText("asserts")
    stance.activated.emit(stance.currentIndex())
    link(window, ids["probably"], ids[CLAIM])
    link(window, ids[CLAIM], ids["North Korean soldiers"])
    link(window, ids[CLAIM], ids["Russian forces"])
    return ids


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in [
        (QPalette.ColorRole.Window, "#2B2B2B"),
        (QPalette.ColorRole.WindowText, "#E6E6E6"),
        (QPalette.ColorRole.Base, "#1E1E1E"),
        (QPalette.ColorRole.AlternateBase, "#2B2B2B"),
        (QPalette.ColorRole.Text, "#E6E6E6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#E6E6E6"),
        (QPalette.ColorRole.Highlight, "#3D6FB6"),
        (QPalette.ColorRole.HighlightedText, "#FFFFFF"),
        (QPalette.ColorRole.PlaceholderText, "#8C8C8C"),  # as dark desktop themes set it
    ]:
        palette.setColor(role, QColor(colour))
    return palette


@contextlib.contextmanager
def fresh_window(
    db_name: str, *, dark: bool = False, size: tuple[int, int] = (1480, 860)
) -> Iterator[tuple[QApplication, object]]:
    """The real window on a new project in a temporary folder (the sample article shown),
    at the README's size, focused on the article; closed afterwards."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    with tempfile.TemporaryDirectory() as tmp:
        window = open_window(Path(tmp) / db_name, "alice")
        window.resize(*size)
        window.activateWindow()
        QTest.qWaitForWindowActive(window)
        window.view.setFocus()
        try:
            yield app, window
        finally:
            window.close()
            window.project.close()


def save(app: QApplication, window, name: str) -> Path:
    """Grab the window, scrolled to the top, into ``docs/NAME``."""
    window.view.verticalScrollBar().setValue(0)
    app.processEvents()
    target = HERE / name
    window.grab().save(str(target))
    print(target)
    return target


def shoot(name: str, *, dark: bool = False, size: tuple[int, int] = (1480, 860)) -> Path:
    with fresh_window("screenshot.db", dark=dark, size=size) as (app, window):
        ids = annotate(window)
        window.select_span(ids[CLAIM])
        window.select_relation(window.relation_model.row_at(0).id)
        return save(app, window, name)


def shoot_link_across_lines() -> Path:
    """A link between spans two paragraphs apart, selected in the link list: both spans
    outlined, the cue boxed, the arc through the margin."""
    with fresh_window("link.db") as (app, window):
        ids = annotate(window)
        seoul = ids["Seoul’s defense minister, Kim Yong-hyun"]
        link(window, ids[CLAIM], seoul)
        window.select_span(ids[CLAIM])
        chosen = next(r for r in window.relation_model.rows if r.child_id == seoul)
        window.view.select(*find(window, "informed"))
        window.select_relation(chosen.id)
        QTest.keyClick(window.view, Qt.Key.Key_U)  # the cue, from the selection
        window.select_span(ids[CLAIM])
        window.select_relation(chosen.id)
        return save(app, window, "screenshot-link.png")


NESTED = [
    ("North Korean soldiers are probably engaged in combat in Ukraine", Qt.Key.Key_1),
    ("North Korean soldiers", Qt.Key.Key_3),
    ("North Korean", Qt.Key.Key_2),
    ("probably", Qt.Key.Key_4),
    ("probably engaged", Qt.Key.Key_4),
    ("combat in Ukraine", Qt.Key.Key_3),
    ("Ukraine", Qt.Key.Key_3),
]


def shoot_nested() -> Path:
    """A close-up of nested and overlapping spans: tags in lanes over their line."""
    with fresh_window("nested.db") as (app, window):
        for phrase, key in NESTED:
            label(window, phrase, key)
        window.view.select(0, 0)
        window.state.select_span(None)
        window.view.verticalScrollBar().setValue(0)
        app.processEvents()
        view = window.view
        corner = view.viewport().mapTo(window, view.viewport().rect().topLeft())
        target = HERE / "screenshot-nested.png"
        window.grab(QRect(corner, QSize(760, 150))).save(str(target))
        print(target)
        return target


def shoot_review() -> list[Path]:
    """Two annotators' work in review mode, and the agreement report."""
    from annotator.core.project import Project

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setPalette(app.style().standardPalette())
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "team.db"
        window = open_window(db, "alice")
        window.activateWindow()
        QTest.qWaitForWindowActive(window)
        window.view.setFocus()
        annotate(window)
        text = window.state.text
        window.close()
        window.project.close()
        with Project.open(db, annotator="bob") as bob:
            for phrase, label in [
                (CLAIM, "claim"),
                ("probably", "hedge"),
                ("South Korea’s defense minister stated", "source"),
                ("highly likely", "hedge"),
                ("Kim Yong-hyun", "source"),
            ]:
                start = text.find(phrase)
                bob.add_span(1, start, start + len(phrase), label)
            bob.set_status(1, "done")
        window = open_window(db, "lead")
        window.resize(1480, 860)
        window.review.set_review(True)
        window.review_table.selectRow(0)
        window.review.adopt_selected()
        app.processEvents()
        targets.append(HERE / "screenshot-review.png")
        window.grab().save(str(targets[-1]))
        dialog = window.review.show_agreement()
        dialog.resize(760, 640)
        app.processEvents()
        targets.append(HERE / "screenshot-agreement.png")
        dialog.grab().save(str(targets[-1]))
        dialog.close()
        window.close()
        window.project.close()
    for target in targets:
        print(target)
    return targets


def shoot_factcheck() -> list[Path]:
    """The claims view, and a claim's record in the inspector."""
    from annotator.core.project import Project
    from annotator.core.samples import ensure_sample

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setPalette(app.style().standardPalette())
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "factcheck.db"
        with Project.open(path, annotator="alice") as project:
            ensure_sample(project)
            project.set_document_meta(
                1, outlet="Wire service", published="2024-10-08", url="https://wire.example/nk"
            )
        window = open_window(path, "alice")
        window.resize(1480, 940)
        window.activateWindow()
        QTest.qWaitForWindowActive(window)
        window.view.setFocus()
        ids = annotate(window)
        missiles = label(
            window, "Russian forces are using North Korean missiles in Ukraine", Qt.Key.Key_1
        )
        specialists = label(window, "Specialists", Qt.Key.Key_2)
        capitals = label(window, "both Moscow and Pyongyang", Qt.Key.Key_2)
        for source, cue, stance in (
            (specialists, "have stated", "asserts"),
            (capitals, "have dismissed", "denies"),
        ):
            link(window, missiles, source)
            window.view.select(*find(window, cue))
            window.view.setFocus()
            QTest.keyClick(window.view, Qt.Key.Key_U)
            editor = window.inspector.relation_editors["stance"]
            editor.setCurrentText(stance)
            editor.activated.emit(editor.currentIndex())
        window.run(
            lambda: window.project.set_claim_record(
                missiles,
                status="inconclusive",
                normalized="Russia uses North Korean missiles in Ukraine",
                verdict="Specialists say so; Moscow and Pyongyang deny it. No public evidence yet.",
                assignee="dana",
            )
        )
        window.run(
            lambda: window.project.add_evidence(
                missiles,
                "https://ministry.example/statement",
                stance="context",
                quote="We have no evidence of such transfers.",
            )
        )
        window.run(lambda: window.project.set_claim_record(ids[CLAIM], status="in_progress"))
        window.select_span(missiles)
        window.right.setSizes([0, 170, 90, 640])
        app.processEvents()
        scroll = window.inspector.parentWidget().parentWidget()  # the inspector's scroll area
        scroll.verticalScrollBar().setValue(window.inspector.claim_box.y() - 8)
        app.processEvents()
        targets.append(HERE / "screenshot-claim-record.png")
        window.grab().save(str(targets[-1]))
        dialog = window.checks.show_claims()
        dialog.resize(1300, 420)
        app.processEvents()
        targets.append(HERE / "screenshot-claims.png")
        dialog.grab().save(str(targets[-1]))
        dialog.close()
        window.close()
        window.project.close()
    for target in targets:
        print(target)
    return targets


def find_structures(on: bool) -> None:
    """Whether windows run the attribution rules (a window setting; the other
    screenshots leave it off so that they always look the same)."""
    from PySide6.QtCore import QSettings

    from annotator.gui.settings import APPLICATION, FIND_STRUCTURES, ORGANISATION

    QApplication.instance() or QApplication(sys.argv[:1])
    QSettings(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    ).setValue(FIND_STRUCTURES, on)


def shoot_structures() -> Path:
    """Suggested attribution structures: ghosts joined by dashed arrows, one structure
    accepted with Ctrl+Return, the next claim selected by F8."""
    from annotator.text import get_nlp

    get_nlp("en")
    find_structures(True)
    try:
        with fresh_window("structures.db") as (app, window):
            for _ in range(200):
                if window.view.ghost_link_count:
                    break
                QTest.qWait(50)
            start, end = find(window, CLAIM)
            window.view.select(start, end)
            QTest.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            window.view.select(end, end)
            QTest.keyClick(window.view, Qt.Key.Key_F8)
            return save(app, window, "screenshot-structures.png")
    finally:
        find_structures(False)


def shoot_suggestions() -> Path:
    """Pattern suggestions as ghost spans, one accepted, the next one selected by F8."""
    from annotator.text import get_nlp

    get_nlp("en")  # the window's warm-up does this after the first paint
    with fresh_window("suggest.db") as (app, window):
        label(window, "South Korea’s defense minister", Qt.Key.Key_2)
        window.view.select(0, 0)
        QTest.keyClick(window.view, Qt.Key.Key_F8)
        QTest.keyClick(window.view, Qt.Key.Key_Return)  # accept "probably"
        QTest.keyClick(window.view, Qt.Key.Key_F8)  # select "expected"
        return save(app, window, "screenshot-suggestions.png")


if __name__ == "__main__":
    find_structures(False)
    shoot("screenshot.png")
    shoot("screenshot-dark.png", dark=True)
    shoot("screenshot-laptop.png", size=(1024, 700))
    shoot_link_across_lines()
    shoot_nested()
    shoot_review()
    shoot_factcheck()
    shoot_suggestions()
    shoot_structures()
