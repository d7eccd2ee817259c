"""Message boxes and tooltips that show text literally.

Qt guesses whether a message or tooltip string is rich text (``Qt::mightBeRichText``):
a title or span text holding ``<b>`` or ``<img src=…>`` would be rendered. Everything
shown from user data goes through these helpers instead.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def message_box(
    parent: QWidget | None,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def inform(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, title, text).exec()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, title, text, QMessageBox.Icon.Warning).exec()


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    box = message_box(parent, title, text, QMessageBox.Icon.Question, buttons)
    return box.exec() == QMessageBox.StandardButton.Yes


def plain_label(text: str = "") -> QLabel:
    """A label that shows its text exactly, whatever it holds (never rich text)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def literal(text: str) -> str:
    """``text`` for an action, button, tab or group-box title, where ``&`` would mark a
    mnemonic and disappear: each ``&`` doubled shows one."""
    return text.replace("&", "&&")


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` exactly (escaped, line breaks kept)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
