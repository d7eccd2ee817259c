"""What the annotator does in the article: label, select, link, set cues, edit attributes,
move by token and sentence, find. Mixed into :class:`~annotator.gui.main_window.MainWindow`.

Each edit is one core operation through ``MainWindow.run``; nothing here writes data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QTextDocument

from annotator.core.project import LinkOption
from annotator.model.records import Change, Relation

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class AnnotateMixin(_Base):
    # -- labels -----------------------------------------------------------------------

    def apply_label(self, label: str) -> Change | None:
        """Label the selection (snapped to tokens), or relabel the selected span.

        Returns the change made, or ``None`` if nothing was (the status bar says why)."""
        if self.document_id is None:
            return None
        start, end = self.view.selection()
        if start == end:
            span_id = self.selected_span_id()
            if span_id is None:
                self.show_message("Select some text first, then press a label key.")
                return None
            change = self.run(lambda: self.project.relabel_span(span_id, label))
            if change is not None and change.relations_removed:
                self.show_message(f"{change.description} (Ctrl+Z restores them)")
            return change
        if self.relabel_suggestion(label):
            return None
        snapped = self.project.snap(self.document_id, start, end)
        if snapped is None:
            self.show_message("The selection holds only spaces: nothing to label.")
            return None
        change = self.run(lambda: self.project.add_span(self.document_id, *snapped, label))
        if change is not None and change.spans_added:
            self.view.clear_selection()
            self.select_span(change.spans_added[0].id)
        return change

    def delete_selected_span(self) -> Change | None:
        """Delete: the selected link when the link list has the focus, else the span."""
        if self.relation_table.hasFocus() and self.current_relation_id is not None:
            self.delete_selected_link()
            return None
        span_id = self.selected_span_id()
        if span_id is None:
            self.show_message("No span selected: click a span or pick one in the list.")
            return None
        return self.run(lambda: self.project.delete_span(span_id))

    def selected_span_id(self) -> int | None:
        if self.view.current_span is not None:
            return self.view.current_span
        under_caret = self.view.spans_at_caret()
        return under_caret[0] if under_caret else None

    # -- links ------------------------------------------------------------------------

    def start_link(self) -> None:
        """Offer the spans the selected one can be linked to (press a digit or click one)."""
        span_id = self.selected_span_id()
        if span_id is None:
            self.show_message("Select a span first (Tab, or click it), then press L.")
            return
        span = self.project.span(span_id)
        options = self.project.link_options(span_id)
        if not options:
            self.show_message(f"Nothing else in this document can be linked to this {span.label}.")
            return
        self._link_from = span_id
        self.link_picker.open(span.label, self._text[span.start : span.end], options, self._text)

    def _link_picked(self, option: LinkOption) -> None:
        self._finish_link(
            lambda: self.project.add_relation(option.head_id, option.child_id, option.relation)
        )

    def _link_to_clicked(self, span_id: int) -> None:
        """A click on a span while linking: link to it, or say why the schema refuses."""
        source = self._link_from
        if source is None or span_id == source:
            return
        self._finish_link(lambda: self.project.add_relation(source, span_id))

    def _finish_link(self, operation) -> None:
        change = self.run(operation)
        if change is None:  # refused: keep the picker open so another target can be chosen
            return
        self.cancel_link()
        if change.relations_added:
            self.select_relation(change.relations_added[0].id)

    def cancel_link(self) -> None:
        self._link_from = None
        self.link_picker.close_picker()
        self.view.setFocus()

    def delete_selected_link(self) -> None:
        relation_id = self.current_relation_id
        if relation_id is None:
            self.show_message("Select a link in the link list first.")
            return
        self.run(lambda: self.project.delete_relation(relation_id))

    def _cue_target(self) -> Relation | None:
        if self.current_relation_id is not None:
            return self.project.relation(self.current_relation_id)
        span_id = self.selected_span_id()
        candidates = [
            r
            for r in self._relations
            if r.label == "attributed_to" and span_id in (r.head_id, r.child_id)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def set_cue(self, *, add: bool = False, relation_id: int | None = None) -> None:
        """Make the selected words the cue of a link (``add``: one more cue part)."""
        relation = self.project.relation(relation_id) if relation_id else self._cue_target()
        if relation is None:
            self.show_message("Select the attributed_to link (in the link list) to set its cue.")
            return
        start, end = self.view.selection()
        snapped = self.project.snap(self.document_id, start, end) if start != end else None
        if snapped is None and start == end and not add:
            snapped = self.project.suggested_cue(relation.id)  # the cue patterns' guess
        if snapped is None:
            self.show_message("Select the cue words (the reporting verb) first, then press U.")
            return
        parts = list(relation.attributes.get("cue", [])) if add else []
        if list(snapped) not in parts:
            parts.append(list(snapped))
        parts.sort()
        self.run(lambda: self.project.set_relation_attributes(relation.id, {"cue": parts}))
        self.view.clear_selection()
        self.select_relation(relation.id)

    # -- inspector --------------------------------------------------------------------

    def _span_attribute(self, span_id: int, name: str, value: Any) -> None:
        self.run(lambda: self.project.set_span_attributes(span_id, {name: value}))

    def _span_note(self, span_id: int, note: str) -> None:
        self.run(lambda: self.project.set_span_note(span_id, note))

    def _relation_attribute(self, relation_id: int, name: str, value: Any) -> None:
        self.run(lambda: self.project.set_relation_attributes(relation_id, {name: value}))

    def _clear_cue(self, relation_id: int) -> None:
        self.run(lambda: self.project.set_relation_attributes(relation_id, {"cue": None}))

    def _document_note(self, document_id: int, note: str) -> None:
        self.run(lambda: self.project.set_document_note(document_id, note))

    def focus_inspector(self) -> None:
        self.inspector.focus_first_editor()

    # -- keyboard navigation ------------------------------------------------------------

    def _token_bounds(self):
        offsets = self.project.token_offsets(self.document_id)
        return offsets.starts, offsets.ends

    def _sentence_bounds(self):
        bounds = self.project.sentence_bounds(self.document_id)
        return bounds.starts, bounds.ends

    # -- find -------------------------------------------------------------------------

    def find_in_article(self) -> None:
        self.find_bar.open()

    def find_next(self, text: str | None = None, backwards: bool = False) -> bool:
        text = self.find_bar.edit.text() if text is None else text
        if not text:
            self.find_bar.open()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backwards else QTextDocument.FindFlag(0)
        found = self.view.find(text, flags)
        if not found:  # wrap around once
            cursor = self.view.textCursor()
            cursor.movePosition(
                cursor.MoveOperation.End if backwards else cursor.MoveOperation.Start
            )
            self.view.setTextCursor(cursor)
            found = self.view.find(text, flags)
        self.find_bar.status.setText("" if found else "not found")
        return found
