"""The inspector: attributes and note of the selected span or link, and the document note.

Widgets are generated from the schema. The inspector only emits what the user changed;
the window turns each into a core operation on the undo stack and then calls ``show_*``
again with the stored records.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.messages import literal, plain_label, plain_tooltip
from annotator.gui.models import excerpt
from annotator.model.records import Relation, Span
from annotator.model.schema import AttributeDef

UNSET = "—"


class NoteEdit(QPlainTextEdit):
    """A note editor that commits when it loses focus or on Ctrl+Enter."""

    committed = Signal(str)

    def __init__(self, placeholder: str):
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self.setFixedHeight(70)
        self._stored = ""

    def set_stored(self, text: str) -> None:
        """Show the stored note, unless the user is typing a change to it."""
        typing = self.hasFocus() and self.toPlainText() != self._stored
        self._stored = text
        if not typing and self.toPlainText() != text:
            self.setPlainText(text)

    def event(self, event: QEvent) -> bool:
        # Ctrl+Enter saves the note here; it must not reach the window ("done, next").
        if event.type() == QEvent.Type.ShortcutOverride and self._is_commit_key(event):
            event.accept()
            return True
        return super().event(event)

    @staticmethod
    def _is_commit_key(event: QKeyEvent) -> bool:
        return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and bool(
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        )

    def commit(self) -> None:
        if self.toPlainText() != self._stored:
            self._stored = self.toPlainText()
            self.committed.emit(self._stored)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.commit()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._is_commit_key(event):
            self.commit()
            return
        super().keyPressEvent(event)


def narrow_combo() -> QComboBox:
    """A combo box that can be narrower than its longest choice (it elides), so that the
    inspector reflows in a narrow column instead of scrolling sideways."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    return combo


def text_over_form(box: QGroupBox, text: QLabel) -> QFormLayout:
    """A box with a wrapped text over its form. The text is not a row of the form: a form
    row that wraps is given the height of one line less than it needs, and its second
    line is drawn over the next row."""
    layout = QVBoxLayout(box)
    layout.addWidget(text)
    form = wrapping_form()
    layout.addLayout(form)
    return form


def wrapped_label(text: str = "") -> QLabel:
    """Plain text that wraps to the inspector's width."""
    label = plain_label(text)
    label.setWordWrap(True)
    return label


def wrapping_form(parent: QWidget | None = None) -> QFormLayout:
    """A form whose fields go under their labels when the column is narrow."""
    form = QFormLayout(parent)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form


def _editor(definition: AttributeDef, value: Any) -> QWidget:
    if definition.type == "text":
        edit = QLineEdit(value or "")
        return edit
    combo = narrow_combo()
    options = ["yes", "no"] if definition.type == "bool" else list(definition.choices)
    combo.addItems([UNSET, *options])
    if definition.type == "bool" and value is not None:
        combo.setCurrentText("yes" if value else "no")
    elif value is not None:
        combo.setCurrentText(str(value))
    return combo


def _value(definition: AttributeDef, widget: QWidget) -> Any:
    if isinstance(widget, QLineEdit):
        return widget.text() or None
    text = widget.currentText()
    if text == UNSET:
        return None
    if definition.type == "bool":
        return text == "yes"
    return text


class ClaimBox(QGroupBox):
    """The fact-checker's record of the selected claim: status, normalised claim, verdict,
    rating, assignee, evidence. Its widgets live as long as the box: updates keep focus."""

    fieldChanged = Signal(int, str, str)
    evidenceAdd = Signal(int)
    evidenceRemove = Signal(int)

    def __init__(self) -> None:
        super().__init__("Claim record")
        self.span_id: int | None = None
        self.status = narrow_combo()
        self.normalized = QLineEdit()
        self.normalized.setPlaceholderText("the claim in under 75 characters")
        self.counter = plain_label()
        self.verdict = NoteEdit("the verdict, for readers")
        self.rating = QLineEdit()
        self.rating.setPlaceholderText("e.g. False, Misleading, Mostly true")
        self.assignee = QLineEdit()
        self.shared = plain_label()
        self.shared.setWordWrap(True)
        self.evidence = QListWidget()
        self.evidence.setMaximumHeight(90)
        self.history = QLabel()
        self.history.setObjectName("claim_history")
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        # Short words: the buttons sit side by side even in a narrow inspector.
        add, remove = QPushButton("Add…"), QPushButton("Remove")
        add.setToolTip("Add evidence: an address, its stance and a quote")
        remove.setToolTip("Remove the selected evidence")
        add.clicked.connect(lambda: self.span_id and self.evidenceAdd.emit(self.span_id))
        remove.clicked.connect(self._remove)
        for name, widget in (
            ("normalized", self.normalized),
            ("rating", self.rating),
            ("assignee", self.assignee),
        ):
            widget.setObjectName(f"claim_{name}")
            widget.editingFinished.connect(lambda n=name, w=widget: self._emit(n, w.text()))
        self.normalized.textChanged.connect(self._count)
        self.status.setObjectName("claim_status")
        self.status.activated.connect(lambda _: self._emit("status", self.status.currentText()))
        self.verdict.committed.connect(lambda text: self._emit("verdict", text))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        form = wrapping_form(self)
        form.addRow(self.shared)
        form.addRow("Status", self.status)
        form.addRow("Normalised", self.normalized)
        form.addRow("", self.counter)
        form.addRow("Verdict", self.verdict)
        form.addRow("Rating", self.rating)
        form.addRow("Assignee", self.assignee)
        form.addRow("Evidence", self.evidence)
        form.addRow(buttons)
        form.addRow("History", self.history)
        self.hide()

    def show_record(self, record: dict[str, Any] | None, statuses: list[str]) -> None:
        if record is None:
            self.verdict.commit()
            self.span_id = None
            self.hide()
            return
        if self.span_id != record["span_id"]:
            self.verdict.commit()
        self.span_id = record["span_id"]
        for widget in (self.status, self.normalized, self.rating, self.assignee):
            widget.blockSignals(True)
        if [self.status.itemText(i) for i in range(self.status.count())] != statuses:
            self.status.clear()
            self.status.addItems(statuses)
        self.status.setCurrentText(record["status"])
        for name, widget in (
            ("normalized", self.normalized),
            ("rating", self.rating),
            ("assignee", self.assignee),
        ):
            if not widget.hasFocus() and widget.text() != record[name]:
                widget.setText(record[name])
                widget.setCursorPosition(0)  # show the start of a long value
        for widget in (self.status, self.normalized, self.rating, self.assignee):
            widget.blockSignals(False)
        self.verdict.set_stored(record["verdict"])
        self._count()
        self.shared.setText(
            f"Shared with the main claim (span {record['span_id']}): edits change both."
            if record["shared"]
            else ""
        )
        self.shared.setVisible(bool(record["shared"]))
        self.evidence.clear()
        for item in record["evidence"]:
            entry = QListWidgetItem(
                f"{item['stance']}: {item['location']}"
                + (f" — “{item['quote']}”" if item["quote"] else "")
            )
            entry.setData(Qt.ItemDataRole.UserRole, item["id"])
            entry.setToolTip(plain_tooltip(entry.text()))
            self.evidence.addItem(entry)
        self._show_history(record.get("history", []))
        self.show()

    def _show_history(self, history: list[dict[str, str]]) -> None:
        """The latest changes in the box, all of them in its tooltip (plain text)."""
        lines = [f"{h['at'][:16].replace('T', ' ')} {h['annotator']}: {h['what']}" for h in history]
        self.history.setText("\n".join(reversed(lines[-3:])) if lines else "no changes yet")
        self.history.setToolTip(plain_tooltip("\n".join(reversed(lines))))

    def _emit(self, name: str, value: str) -> None:
        if self.span_id is not None:
            self.fieldChanged.emit(self.span_id, name, value)

    def _count(self) -> None:
        length = len(self.normalized.text())
        self.counter.setText(
            f"{length} / 75" + (" — too long for ClaimReview" if length >= 75 else "")
        )

    def _remove(self) -> None:
        item = self.evidence.currentItem()
        if item is not None:
            self.evidenceRemove.emit(item.data(Qt.ItemDataRole.UserRole))


class Inspector(QWidget):
    spanAttributeChanged = Signal(int, str, object)
    spanNoteChanged = Signal(int, str)
    relationAttributeChanged = Signal(int, str, object)
    cueRequested = Signal(int)
    cueCleared = Signal(int)
    documentNoteChanged = Signal(int, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # Never squeeze the rows: inside its scroll area the inspector scrolls instead.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.span_box = QGroupBox("Span")
        self.span_text = wrapped_label()
        self.span_text.setObjectName("span_text")
        self.span_form = text_over_form(self.span_box, self.span_text)
        self.claim_box = ClaimBox()
        self.relation_box = QGroupBox("Link")
        self.relation_text = wrapped_label()
        self.relation_text.setObjectName("relation_text")
        self.relation_form = text_over_form(self.relation_box, self.relation_text)
        self.document_box = QGroupBox("Document note")
        self.document_note = NoteEdit("A note about this article…")
        QVBoxLayout(self.document_box).addWidget(self.document_note)
        for box in (self.span_box, self.claim_box, self.relation_box, self.document_box):
            layout.addWidget(box)
        layout.addStretch(1)
        self.span_note: NoteEdit | None = None
        self.editors: dict[str, QWidget] = {}
        self.relation_editors: dict[str, QWidget] = {}
        self._span_id: int | None = None
        self._relation_id: int | None = None
        self._document_id: int | None = None
        self._span_shape: tuple | None = None
        self._relation_shape: tuple | None = None
        self._cue_text = ""
        self.document_note.committed.connect(self._document_note_committed)
        self.show_span(None, "", ())
        self.show_relation(None, "", (), "")

    # -- span -------------------------------------------------------------------------

    def show_span(
        self, span: Span | None, text: str, definitions: tuple[AttributeDef, ...]
    ) -> None:
        """Show ``span`` (``text`` is the document text) with editors for its label.

        Showing the span already shown (after one of its attributes changed) updates the
        editors in place, so the keyboard focus stays where the user is.
        """
        shape = (span.id, span.label, definitions) if span else None
        if span is not None and shape == self._span_shape:
            self._update_editors(self.editors, definitions, span.attributes)
            self.span_note.set_stored(span.note)
            return
        self._span_shape = shape
        if self.span_note is not None:
            self.span_note.commit()
        _clear(self.span_form)
        self.editors = {}
        self.span_note = None
        self._span_id = span.id if span else None
        self.span_box.setEnabled(span is not None)
        if span is None:
            self.span_box.setTitle("Span")
            self.span_text.setText("Select a span to see its attributes.")
            return
        self.span_box.setTitle(literal(f"Span: {span.label}  [{span.start}, {span.end})"))
        self.span_text.setText(f"“{excerpt(text[span.start : span.end], 120)}”")
        for definition in definitions:
            editor = _editor(definition, span.attributes.get(definition.name))
            editor.setObjectName(f"attr_{definition.name}")
            self._connect(editor, lambda value, d=definition: self._span_attr(d, value))
            self.span_form.addRow(plain_label(definition.name.replace("_", " ")), editor)
            self.editors[definition.name] = editor
        self.span_note = NoteEdit("A note about this span…")
        self.span_note.setObjectName("span_note")
        self.span_note.set_stored(span.note)
        self.span_note.committed.connect(self._span_note_committed)
        self.span_form.addRow("Note", self.span_note)
        self.span_form.addRow(plain_label(f"by {span.annotator}, {span.origin}"))

    def _span_attr(self, definition: AttributeDef, widget: QWidget) -> None:
        if self._span_id is not None:
            self.spanAttributeChanged.emit(
                self._span_id, definition.name, _value(definition, widget)
            )

    def _span_note_committed(self, note: str) -> None:
        if self._span_id is not None:
            self.spanNoteChanged.emit(self._span_id, note)

    # -- relation ---------------------------------------------------------------------

    def show_relation(
        self,
        relation: Relation | None,
        summary: str,
        definitions: tuple[AttributeDef, ...],
        cue_text: str,
        suggested_cue: str = "",
    ) -> None:
        """Show a link; ``suggested_cue`` is what the cue patterns propose when it has none."""
        shape = (relation.id, relation.label, definitions, suggested_cue) if relation else None
        if relation is not None and shape == self._relation_shape and cue_text == self._cue_text:
            self._update_editors(self.relation_editors, definitions, relation.attributes)
            return
        self._relation_shape = shape
        self._cue_text = cue_text
        _clear(self.relation_form)
        self.relation_editors = {}
        self._relation_id = relation.id if relation else None
        self.relation_box.setEnabled(relation is not None)
        if relation is None:
            self.relation_box.setTitle("Link")
            self.relation_text.setText("Select a link to edit its cue and stance.")
            return
        self.relation_box.setTitle(literal(f"Link: {relation.label}"))
        self.relation_text.setText(summary)
        for definition in definitions:
            if definition.type == "offsets":
                if cue_text:
                    shown = QLabel(f"“{cue_text}”")
                elif suggested_cue:
                    shown = QLabel(f"none yet; suggested “{suggested_cue}”: press U to take it")
                else:
                    shown = QLabel("(none: select words, press U)")
                shown.setWordWrap(True)
                shown.setTextFormat(Qt.TextFormat.PlainText)
                shown.setObjectName(f"rel_{definition.name}")
                set_button = QPushButton("From selection (U)")
                set_button.clicked.connect(lambda: self.cueRequested.emit(self._relation_id))
                clear_button = QPushButton("Clear")
                clear_button.clicked.connect(lambda: self.cueCleared.emit(self._relation_id))
                self.relation_form.addRow(plain_label(definition.name), shown)
                self.relation_form.addRow("", set_button)
                self.relation_form.addRow("", clear_button)
                continue
            editor = _editor(definition, relation.attributes.get(definition.name))
            editor.setObjectName(f"rel_{definition.name}")
            self._connect(editor, lambda value, d=definition: self._relation_attr(d, value))
            self.relation_form.addRow(plain_label(definition.name), editor)
            self.relation_editors[definition.name] = editor

    def _relation_attr(self, definition: AttributeDef, widget: QWidget) -> None:
        if self._relation_id is not None:
            self.relationAttributeChanged.emit(
                self._relation_id, definition.name, _value(definition, widget)
            )

    # -- document ---------------------------------------------------------------------

    def show_document(self, document_id: int | None, note: str) -> None:
        self.document_note.commit()
        self._document_id = document_id
        self.document_note.set_stored(note)

    def _document_note_committed(self, note: str) -> None:
        if self._document_id is not None:
            self.documentNoteChanged.emit(self._document_id, note)

    def commit_notes(self) -> None:
        """Save notes being typed (before switching document or closing)."""
        if self.span_note is not None:
            self.span_note.commit()
        self.claim_box.verdict.commit()
        self.document_note.commit()

    def focus_first_editor(self) -> None:
        widgets = [*self.editors.values(), *self.relation_editors.values()]
        target = widgets[0] if widgets else (self.span_note or self.document_note)
        target.setVisible(True)  # rows added this event-loop turn are shown only later
        target.setFocus()

    @staticmethod
    def _update_editors(
        editors: dict[str, QWidget], definitions: tuple[AttributeDef, ...], values: dict[str, Any]
    ) -> None:
        for definition in definitions:
            editor = editors.get(definition.name)
            if editor is None:
                continue
            value = values.get(definition.name)
            editor.blockSignals(True)
            if isinstance(editor, QLineEdit):
                editor.setText(value or "")
            elif value is None:
                editor.setCurrentText(UNSET)
            elif definition.type == "bool":
                editor.setCurrentText("yes" if value else "no")
            else:
                editor.setCurrentText(str(value))
            editor.blockSignals(False)

    @staticmethod
    def _connect(editor: QWidget, slot) -> None:
        if isinstance(editor, QComboBox):
            editor.activated.connect(lambda _=0, e=editor: slot(e))
        else:
            editor.editingFinished.connect(lambda e=editor: slot(e))


def _clear(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)
