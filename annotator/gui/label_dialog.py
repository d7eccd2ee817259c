"""Settings → Labels: add a label or change a label's colour, keys and description.

Every save is one core operation on the undo stack, like any other edit.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.commands import Editor
from annotator.gui.messages import plain_label
from annotator.gui.screen import fit_on_screen
from annotator.gui.state import WindowState

NEW = "＋ New label"


class LabelDialog(QDialog):
    def __init__(self, parent: QWidget, state: WindowState, editor: Editor):
        super().__init__(parent)
        self.setObjectName("label_dialog")
        self.setWindowTitle("Labels")
        self.state, self.editor = state, editor
        self.labels = QListWidget()
        self.name = QLineEdit()
        self.colour = QLineEdit()
        self.colour.setPlaceholderText("#RRGGBB")
        pick = QPushButton("Pick…")
        pick.clicked.connect(self._pick_colour)
        self.keys = QLineEdit()
        self.keys.setPlaceholderText("keys separated by spaces, e.g. 5 q")
        self.description = QLineEdit()
        self.error = plain_label()
        self.error.setStyleSheet("color: #C0392B")
        self.error.setWordWrap(True)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.colour, 1)
        colour_row.addWidget(pick)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Colour", colour_row)
        form.addRow("Keys", self.keys)
        form.addRow("Description", self.description)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton("Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.labels, 1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.error)
        right.addStretch(1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(buttons)
        self.labels.currentTextChanged.connect(self._show)
        self._reload()
        fit_on_screen(self, 620, 320)

    def _reload(self, select: str | None = None) -> None:
        self.labels.clear()
        self.labels.addItems([*self.state.project.schema.label_names, NEW])
        names = [self.labels.item(i).text() for i in range(self.labels.count())]
        self.labels.setCurrentRow(names.index(select) if select in names else 0)

    def _show(self, name: str) -> None:
        self.error.clear()
        is_new = name == NEW or not name
        self.name.setEnabled(is_new)
        if is_new:
            for field in (self.name, self.colour, self.keys, self.description):
                field.clear()
            return
        label = self.state.project.schema.label(name)
        self.name.setText(label.name)
        self.colour.setText(label.colour)
        self.keys.setText(" ".join(label.keys))
        self.description.setText(label.description)

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour.text() or "#888888"), self, "Colour")
        if colour.isValid():
            self.colour.setText(colour.name().upper())

    def save(self) -> bool:
        """Add or update the label shown; an error is shown in the dialog."""
        self.error.clear()
        project = self.state.project
        name = self.name.text().strip()
        fields = {
            "colour": self.colour.text().strip(),
            "keys": tuple(self.keys.text().split()),
            "description": self.description.text().strip(),
        }
        if self.labels.currentItem() is not None and self.labels.currentItem().text() == NEW:
            change = self.editor.run(
                lambda: project.add_label(name, **fields), on_error=self.error.setText
            )
        else:
            change = self.editor.run(
                lambda: project.update_label(name, **fields), on_error=self.error.setText
            )
        if change is None:
            return False
        self._reload(select=name)
        return True
