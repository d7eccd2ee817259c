"""Render the application icon's PNG sizes from its SVG (run after editing the SVG):

    .venv/bin/python scripts/render_icons.py

Writes ``resources/icons/<N>x<N>/org.annotator.Annotator.png`` for every size of
``annotator.shipped.ICON_SIZES`` with Qt's own SVG renderer, so the PNGs and the SVG
never disagree; the PNGs are committed (the app and the desktop use them as they are).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from annotator.shipped import APP_ID, ICON_SIZES

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render(size: int, renderer: QSvgRenderer) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(ICONS / f"{APP_ID}.svg"))
    if not renderer.isValid():
        print(f"cannot read {ICONS / f'{APP_ID}.svg'}", file=sys.stderr)
        return 1
    for size in ICON_SIZES:
        target = ICONS / f"{size}x{size}" / f"{APP_ID}.png"
        target.parent.mkdir(exist_ok=True)
        if not render(size, renderer).save(str(target)):
            print(f"cannot write {target}", file=sys.stderr)
            return 1
        print(target.relative_to(ICONS.parents[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
