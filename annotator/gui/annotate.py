"""The annotate controller: what the annotator does in the article — label, select,
link, set cues, edit attributes and notes, move by token and sentence, find — and how
the article, the span and link tables and the inspector show it.

Each edit is one core operation through the :class:`~annotator.gui.commands.Editor`;
nothing here writes data. The controller shows the selected span when the window state
says it changed, and refreshes its widgets from each change's summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTableView

from annotator.core.project import LinkOption
from annotator.gui.article_view import ArticleView
from annotator.gui.commands import Editor
from annotator.gui.controller import Controller
from annotator.gui.inspector import Inspector
from annotator.gui.models import LinkEnds, RowTableModel, ShownText, excerpt, span_ref
from annotator.gui.panels import FindBar, LinkPicker, fit_columns
from annotator.gui.state import WindowState
from annotator.model.changes import Kind
from annotator.model.records import Change, Relation, Span, SpanRef


class AnnotateController(Controller):
    """Owns the article view, the span and link tables, the link picker, the find bar
    and the inspector's span and link parts."""

    def __init__(
        self,
        state: WindowState,
        editor: Editor,
        *,
        view: ArticleView,
        span_table: QTableView,
        relation_table: QTableView,
        inspector: Inspector,
        link_picker: LinkPicker,
        find_bar: FindBar,
        relabel_suggestion: Callable[[str], bool] = lambda _label: False,
        parent: QObject | None = None,
    ):
        super().__init__(state, editor, parent)
        self.view, self.inspector = view, inspector
        self.span_table, self.relation_table = span_table, relation_table
        self.span_model: RowTableModel = span_table.model()
        self.relation_model: RowTableModel = relation_table.model()
        self.link_picker, self.find_bar = link_picker, find_bar
        self.relabel_suggestion = relabel_suggestion
        """A label key on a selected suggestion relabels it (the assist controller's)."""
        self._link_from: int | None = None
        view.tooltip_provider = self.describe_span
        view.tokens_provider = self._token_bounds
        view.sentences_provider = self._sentence_bounds
        state.spanSelected.connect(self._on_span_selected)
        span_table.selectionModel().currentRowChanged.connect(self._on_span_row)
        span_table.clicked.connect(self._on_span_row_clicked)
        relation_table.selectionModel().currentRowChanged.connect(self._on_relation_row)
        view.spanClicked.connect(self._on_span_clicked)
        view.textClicked.connect(self._on_text_clicked)
        view.linkClicked.connect(self._on_link_clicked)
        link_picker.picked.connect(self._link_picked)
        link_picker.cancelled.connect(self.cancel_link)
        find_bar.search.connect(self.find_next)
        find_bar.closed.connect(view.setFocus)
        inspector.spanAttributeChanged.connect(self._span_attribute)
        inspector.spanNoteChanged.connect(self._span_note)
        inspector.relationAttributeChanged.connect(self._relation_attribute)
        inspector.cueRequested.connect(lambda rid: self.set_cue(relation_id=rid))
        inspector.cueCleared.connect(self._clear_cue)
        inspector.documentNoteChanged.connect(self._document_note)

    # -- showing a document -------------------------------------------------------------

    def show_spans(self, spans: list[SpanRef], colours: dict[str, str]) -> None:
        """Show the spans of the document the state now holds, in text order (as
        ``Project.span_refs`` gives them: the list does not sort them again)."""
        self.view.set_document(self.state.text, spans, colours)
        shown = ShownText.of(self.state.text, colours)
        self.span_model.set_rows(spans, context=shown, in_order=True)

    def on_schema_changed(self, colours: dict[str, str]) -> None:
        """Labels changed: their colours, and the width of the label column."""
        names = self.project.schema.label_names
        fit_columns(self.span_table, {0: max(names, key=len, default="label")})
        self.view.set_colours(colours)
        shown = ShownText.of(self.state.text, colours)
        self.span_model.set_rows(self.span_model.rows, context=shown, in_order=True)

    def on_change(self, change: Change) -> None:
        """Show what ``change`` did to the shown document (an edit, undo or redo)."""
        summary = change.summary
        document_id = self.state.document_id
        if document_id not in summary.documents:
            if summary.touches(Kind.CLAIMS):
                self.show_span(self.state.current_span)  # its claim record changed
            return
        mine = self.project.layer
        current = shown = self.state.current_span
        # Rows move while several spans go: the table must not select (and read) a span
        # that is already gone from the project; the selection is set below.
        selection = self.span_table.selectionModel()
        blocked = selection.blockSignals(True)
        try:
            for span in change.spans_removed:
                self.view.remove_span(span.id)
                self.span_model.remove(span.id)
            for before, after in change.spans_updated:
                self.view.remove_span(before.id)
                self.span_model.remove(before.id)
                if after.annotator == mine:
                    self.view.add_span(after)
                    self.span_model.insert(span_ref(after))
            for span in change.spans_added:
                if span.annotator == mine:
                    self.view.add_span(span)
                    self.span_model.insert(span_ref(span))
        finally:
            selection.blockSignals(blocked)
        self.state.reload_relations()
        if document_id in summary.details:
            self.inspector.show_document(document_id, self.project.document(document_id).note)
        if current is not None and self.span_model.row_of(current) is None:
            current = None
        restored = [s.id for s in change.spans_added if s.annotator == mine]
        if summary.origin == "undo" and restored:
            current = restored[0]  # an undone delete: the span is back, and selected
        if current is not None or shown is not None:
            self.state.select_span(current)  # nothing was shown and nothing is: no refresh

    # -- the selected span and link ------------------------------------------------------

    def _on_span_selected(self, span_id: int | None) -> None:
        """The state's selection changed: select it in the table and show it."""
        row = self.span_model.row_of(span_id) if span_id is not None else None
        selection = self.span_table.selectionModel()
        blocked = selection.blockSignals(True)  # the span is shown once, below
        try:
            if row is None:
                self.span_table.clearSelection()
                self.span_table.setCurrentIndex(QModelIndex())
                span_id = self.state.current_span = None
            else:
                selection.setCurrentIndex(
                    self.span_model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.span_table.scrollTo(self.span_model.index(row, 0))
        finally:
            selection.blockSignals(blocked)
        self.span_table.viewport().update()  # the selection changed without its signals
        self.show_span(span_id)

    def show_span(self, span_id: int | None) -> None:
        """Show ``span_id`` as the selected span: outlined with its linked spans in the
        article, its links in the link list, its attributes and claim record in the
        inspector."""
        linked = {
            other
            for r in self.state.relations
            if span_id in (r.head_id, r.child_id)
            for other in (r.head_id, r.child_id)
            if other != span_id
        }
        self.view.set_current_span(span_id, emphasised=linked)
        self.view.set_links(
            [
                (r.head_id, r.child_id, r.label)
                for r in self.state.relations
                if span_id is not None and span_id in (r.head_id, r.child_id)
            ]
        )
        self._show_relations_of(span_id)
        span = self._span(span_id)
        schema = self.project.schema
        known = span is not None and schema.has_label(span.label)
        attributes = schema.label(span.label).attributes if known else ()
        self.inspector.show_span(span, self.state.text, attributes)
        claim = span is not None and span.label == "claim"
        record = self.project.claim_record(span.id) if claim else None
        if record is not None:
            record["history"] = self.project.claim_history(span.id)
        self.inspector.claim_box.show_record(record, self.project.claim_statuses())

    def describe_span(self, span_id: int) -> str:
        """A span in words, for its tooltip: label, who made it and how, its attributes,
        its note and its links (plain text)."""
        span = self._span(span_id)
        if span is None:
            return ""
        lines = [f"{span.label}, by {span.annotator} ({span.origin})"]
        lines += [f"{name}: {value}" for name, value in sorted(span.attributes.items())]
        if span.note:
            lines.append(f"note: {span.note}")
        text = self.state.text
        for r in self.state.relations:
            if span_id in (r.head_id, r.child_id):
                other = self.span_model.row_by_key(
                    r.child_id if r.head_id == span_id else r.head_id
                )
                shown = excerpt(text[other.start : other.end], 40) if other else "?"
                arrow = "→" if r.head_id == span_id else "←"
                lines.append(f"{arrow} {r.label} {shown}")
        return "\n".join(lines)

    def _span(self, span_id: int | None) -> Span | None:
        """The whole span (attributes, note) for the inspector, read when selected."""
        if self.span_model.row_by_key(span_id) is None:
            return None
        return self.project.span(span_id)

    def _on_span_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        span = self.span_model.row_at(current.row())
        if span is not None and span.id != self.state.current_span:
            self.state.current_span = span.id  # the table has it selected already
            self.show_span(span.id)

    def _on_span_row_clicked(self, index: QModelIndex) -> None:
        """A click on the selected span's row brings it back into view too (the current
        row does not change, so ``_on_span_row`` is not told)."""
        span = self.span_model.row_at(index.row())
        if span is not None and span.id == self.state.current_span:
            self.view.reveal_span(span.id)

    def _on_span_clicked(self, span_id: int) -> None:
        if self.link_picker.active:
            self._link_to_clicked(span_id)
        else:
            self.state.select_span(span_id)

    def _on_link_clicked(self, head: int, child: int, label: str) -> None:
        """A click on an arc selects its link (in the list, the inspector, the article)."""
        for relation in self.state.relations:
            if (relation.head_id, relation.child_id, relation.label) == (head, child, label):
                self.select_relation(relation.id)
                return

    def _on_text_clicked(self) -> None:
        """A click beside every span deselects (a stray label key then labels nothing)."""
        if not self.link_picker.active and self.state.current_span is not None:
            self.state.select_span(None)

    def step_span(self, step: int) -> None:
        count = self.span_model.rowCount()
        if not count:
            return
        current = self.state.current_span
        row = self.span_model.row_of(current) if current is not None else None
        row = (row + step) % count if row is not None else (0 if step > 0 else count - 1)
        self.state.select_span(self.span_model.row_at(row).id)

    def _show_relations_of(self, span_id: int | None) -> None:
        """The link list shows the current span's links, or all links of the document."""
        shown = [
            r for r in self.state.relations if span_id is None or span_id in (r.head_id, r.child_id)
        ]
        ends = {i for r in shown for i in (r.head_id, r.child_id)}
        spans = {i: self.span_model.row_by_key(i) for i in ends}
        self.relation_model.set_rows(shown, context=LinkEnds(spans, self.span_model.context))
        if self.state.current_relation_id is not None:
            row = self.relation_model.row_of(self.state.current_relation_id)
            if row is None:
                self.state.current_relation_id = None
            else:
                self.relation_table.selectRow(row)
        self._show_current_relation()

    def select_relation(self, relation_id: int | None) -> None:
        self.state.current_relation_id = relation_id
        row = self.relation_model.row_of(relation_id) if relation_id is not None else None
        if row is not None:
            self.relation_table.selectRow(row)
        self._show_current_relation()

    def _on_relation_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        relation = self.relation_model.row_at(current.row())
        if relation is not None and relation.id != self.state.current_relation_id:
            self.state.current_relation_id = relation.id
            self._show_current_relation()

    def _show_current_relation(self) -> None:
        current = self.state.current_relation_id
        relation = next((r for r in self.state.relations if r.id == current), None)
        if relation is None:
            self.inspector.show_relation(None, "", (), "")
            self.view.set_selected_link(None)
            return
        text = self.state.text
        cue_parts = [tuple(part) for part in relation.attributes.get("cue", [])]
        self.view.set_selected_link(
            (relation.head_id, relation.child_id, relation.label, cue_parts)
        )

        def quoted(span: SpanRef | None) -> str:
            if span is None:
                return "?"
            return f"{span.label} “{excerpt(text[span.start : span.end], 50)}”"

        head = self.span_model.row_by_key(relation.head_id)
        child = self.span_model.row_by_key(relation.child_id)
        rel_type = next(
            (r for r in self.project.schema.relations if r.name == relation.label), None
        )
        cue = " … ".join(text[s:e] for s, e in relation.attributes.get("cue", []))
        suggested = ""
        if not cue and relation.label == "attributed_to":
            found = self.project.suggested_cue(relation.id)
            suggested = text[found[0] : found[1]] if found else ""
        self.inspector.show_relation(
            relation,
            f"{quoted(head)} → {quoted(child)}",
            rel_type.attributes if rel_type else (),
            cue,
            suggested,
        )

    # -- labels -----------------------------------------------------------------------

    def apply_label(self, label: str) -> Change | None:
        """Label the selection (snapped to tokens), or relabel the selected span.

        Returns the change made, or ``None`` if nothing was (the status bar says why)."""
        document_id = self.state.document_id
        if document_id is None:
            return None
        start, end = self.view.selection()
        if start == end:
            span_id = self.selected_span_id()
            if span_id is None:
                self.message.emit("Select some text first, then press a label key.")
                return None
            change = self.run(lambda: self.project.relabel_span(span_id, label))
            if change is not None and change.relations_removed:
                self.message.emit(f"{change.description} (Ctrl+Z restores them)")
            return change
        if self.relabel_suggestion(label):
            return None
        snapped = self.project.snap(document_id, start, end)
        if snapped is None:
            self.message.emit("The selection holds only spaces: nothing to label.")
            return None
        change = self.run(lambda: self.project.add_span(document_id, *snapped, label))
        if change is not None and change.spans_added:
            self.view.clear_selection()
            self.state.select_span(change.spans_added[0].id)
        return change

    def delete_selected_span(self) -> Change | None:
        """Delete: the selected link when the link list has the focus, else the span."""
        if self.relation_table.hasFocus() and self.state.current_relation_id is not None:
            self.delete_selected_link()
            return None
        span_id = self.selected_span_id()
        if span_id is None:
            self.message.emit("No span selected: click a span or pick one in the list.")
            return None
        return self.run(lambda: self.project.delete_span(span_id))

    def selected_span_id(self) -> int | None:
        """The selected span, else the innermost one under the caret."""
        if self.state.current_span is not None:
            return self.state.current_span
        under_caret = self.view.spans_at_caret()
        return under_caret[0] if under_caret else None

    # -- links ------------------------------------------------------------------------

    def start_link(self) -> None:
        """Offer the spans the selected one can be linked to (press a digit or click one)."""
        span_id = self.selected_span_id()
        if span_id is None:
            self.message.emit("Select a span first (Tab, or click it), then press L.")
            return
        span = self.project.span(span_id)
        options = self.project.link_options(span_id)
        if not options:
            self.message.emit(f"Nothing else in this document can be linked to this {span.label}.")
            return
        self._link_from = span_id
        text = self.state.text
        self.link_picker.open(span.label, text[span.start : span.end], options, text)

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

    def _finish_link(self, operation: Callable[[], Change]) -> None:
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
        relation_id = self.state.current_relation_id
        if relation_id is None:
            self.message.emit("Select a link in the link list first.")
            return
        self.run(lambda: self.project.delete_relation(relation_id))

    def _cue_target(self) -> Relation | None:
        if self.state.current_relation_id is not None:
            return self.project.relation(self.state.current_relation_id)
        span_id = self.selected_span_id()
        candidates = [
            r
            for r in self.state.relations
            if r.label == "attributed_to" and span_id in (r.head_id, r.child_id)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def set_cue(self, *, add: bool = False, relation_id: int | None = None) -> None:
        """Make the selected words the cue of a link (``add``: one more cue part)."""
        relation = self.project.relation(relation_id) if relation_id else self._cue_target()
        if relation is None:
            self.message.emit("Select the attributed_to link (in the link list) to set its cue.")
            return
        start, end = self.view.selection()
        document_id = self.state.document_id
        snapped = self.project.snap(document_id, start, end) if start != end else None
        if snapped is None and start == end and not add:
            snapped = self.project.suggested_cue(relation.id)  # the cue patterns' guess
        if snapped is None:
            self.message.emit("Select the cue words (the reporting verb) first, then press U.")
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
        offsets = self.project.token_offsets(self.state.document_id)
        return offsets.starts, offsets.ends

    def _sentence_bounds(self):
        bounds = self.project.sentence_bounds(self.state.document_id)
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
