"""The main window: documents on the left, the article in the centre, spans, links and
the inspector on the right.

Every edit calls one core operation, pushes its ``Change`` on the ``QUndoStack`` and
refreshes the widgets from that change (:meth:`MainWindow.on_change`). No SQL here.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QHeaderView,
    QInputDialog,
    QMainWindow,
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.core.config import save_config
from annotator.core.project import Project
from annotator.gui import dialogs
from annotator.gui.actions import MENUS, ActionSpec, action_specs
from annotator.gui.annotate import AnnotateController
from annotator.gui.article_view import ArticleView
from annotator.gui.assist import AssistController
from annotator.gui.commands import Editor
from annotator.gui.desktop import DesktopController
from annotator.gui.factcheck_views import FactCheckController
from annotator.gui.inspector import Inspector
from annotator.gui.label_dialog import LabelDialog
from annotator.gui.messages import literal, plain_label, plain_tooltip
from annotator.gui.models import link_table, span_table
from annotator.gui.panels import DocumentsPanel, FindBar, LinkPicker, make_table
from annotator.gui.panes import PANEL_NAMES, Panes
from annotator.gui.review import ReviewController, review_table
from annotator.gui.screen import fit_on_screen
from annotator.gui.settings import LABEL_TAGS, WINDOW_GEOMETRY, WINDOW_STATE
from annotator.gui.state import WindowState
from annotator.gui.transfer import TransferController
from annotator.model.changes import ChangeSummary, Kind
from annotator.model.records import Change
from annotator.model.words import counted

STATUS_TIMEOUT_MS = 6000


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Building 50,000 span objects triggers the cyclic garbage collector dozens of times,
    each scanning every object alive (~0.4 s in all); none of them form cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def colour_icon(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


SHARED_KEY_ACTION = "accept_structure"
"""The action whose key another action holds (see ``accept_structure_or_done``)."""


class MainWindow(QMainWindow):
    def __init__(self, project: Project):
        super().__init__()
        self.state = WindowState(project, self)
        self.editor = Editor(self.state, self)
        self.undo_stack = self.editor.undo_stack
        self.editor.changed.connect(self.on_change)
        self.editor.failed.connect(self.report_error)
        self.actions_by_name: dict[str, QAction] = {}
        self.specs: list[ActionSpec] = []
        self.label_dialog: LabelDialog | None = None

        self.documents = DocumentsPanel()
        self.doc_model = self.documents.model
        self.view = ArticleView()
        self.view.set_tags_shown(QSettings().value(LABEL_TAGS, True, type=bool))
        self.link_picker = LinkPicker()
        self.find_bar = FindBar()
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.view, self.link_picker, self.find_bar):
            centre_layout.addWidget(widget)
        centre_layout.setStretch(0, 1)

        self.span_model = span_table()
        self.span_table = make_table(
            self.span_model,
            stretch_column=1,
            samples={2: "0000000", 3: "0000000"},
            optional=(2, 3),
        )
        self.relation_model = link_table()
        self.relation_table = make_table(
            self.relation_model,
            stretch_column=1,
            samples={0: "attributed_to", 3: "questions"},
            optional=(0, 3),  # in a narrow list its two ends matter most (tooltips say all)
        )
        self.relation_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.review_model = review_table()
        self.review_table = make_table(self.review_model, stretch_column=1)
        self.review_header = plain_label()
        self.review_header.setWordWrap(True)
        self.review_panel = QWidget()
        review_layout = QVBoxLayout(self.review_panel)
        review_layout.setContentsMargins(0, 0, 0, 0)
        review_layout.addWidget(self.review_header)
        review_layout.addWidget(self.review_table)
        self.review_panel.hide()
        self.inspector = Inspector()
        self.panes = Panes(
            documents=self.documents,
            centre=centre,
            review=self.review_panel,
            spans=self.span_table,
            links=self.relation_table,
            inspector=self.inspector,
        )
        self.right, self.splitter = self.panes.right, self.panes.splitter
        self.setCentralWidget(self.splitter)
        self.progress_label = plain_label()
        self.counts_label = plain_label()
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.counts_label)

        self.annotate = AnnotateController(
            self.state,
            self.editor,
            view=self.view,
            span_table=self.span_table,
            relation_table=self.relation_table,
            inspector=self.inspector,
            link_picker=self.link_picker,
            find_bar=self.find_bar,
            relabel_suggestion=lambda label: self.assist.relabel_suggestion(label),
            parent=self,
        )
        self.annotate.message.connect(self.show_message)
        self.assist = AssistController(
            self.state,
            self.editor,
            view=self.view,
            documents=self.documents,
            selected_span=self.annotate.selected_span_id,
            window=self,
            parent=self,
        )
        self.assist.message.connect(self.show_message)
        self.review = ReviewController(
            self.state,
            self.editor,
            panel=self.review_panel,
            header=self.review_header,
            table=self.review_table,
            view=self.view,
            inspector=self.inspector,
            window=self,
            parent=self,
        )
        self.review.message.connect(self.show_message)
        self.transfer = TransferController(self.state, self.editor, window=self, parent=self)
        self.transfer.message.connect(self.show_message)
        self.transfer.imported.connect(self.on_bulk_change)
        self.checks = FactCheckController(
            self.state,
            self.editor,
            view=self.view,
            inspector=self.inspector,
            open_document=self.open_document,
            find_text=self.annotate.find_next,
            window=self,
            parent=self,
        )
        self.checks.message.connect(self.show_message)
        self.desktop = DesktopController(
            self.state, self.editor, inspector=self.inspector, window=self, parent=self
        )
        self.desktop.message.connect(self.show_message)
        self.desktop.projectSwitched.connect(self._on_project_switched)
        self.desktop.changedElsewhere.connect(self._on_changed_elsewhere)
        self.assist.wroteOwnChanges.connect(self.desktop.note_own_writes)
        self.transfer.wroteOwnChanges.connect(self.desktop.note_own_writes)
        self.state.layerChanged.connect(self._on_layer_changed)
        self._build_actions()
        self.annotate.on_schema_changed(self._colours())
        self._connect()
        self._update_title()
        fit_on_screen(self, 1360, 820)
        self._restore_state()
        self.reload_documents()
        first = self.documents.neighbour(None, 1)
        if first is not None:
            self.open_document(first)
        self.view.setFocus()
        self.desktop.watch_other_windows()

    # -- what is shown (the window state) ---------------------------------------------

    @property
    def project(self) -> Project:
        return self.state.project

    @property
    def document_id(self) -> int | None:
        return self.state.document_id

    # -- building -------------------------------------------------------------------

    def _connect(self) -> None:
        self.documents.table.selectionModel().currentRowChanged.connect(self._on_document_row)

    def _handlers(self) -> dict[str, Callable[[], object]]:
        view, annotate, assist = self.view, self.annotate, self.assist
        return {
            "merge": self.transfer.merge_files,
            "review": self.review.toggle_review,
            "adopt": self.review.adopt_selected,
            "reject": self.review.reject_selected,
            "agreement": self.review.show_agreement,
            "accept_suggestion": assist.accept_suggestion,
            "reject_suggestion": assist.reject_suggestion,
            "accept_all_suggestions": assist.accept_all_suggestions,
            "accept_structure": assist.accept_structure,
            "find_structures": assist.toggle_find_structures,
            "next_suggestion": lambda: assist.step_suggestion(1),
            "previous_suggestion": lambda: assist.step_suggestion(-1),
            "show_suggestions": assist.toggle_suggestions,
            "label_tags": self._toggle_label_tags,
            **{
                f"show_{name}": lambda name=name: self.panes.show_panel(
                    name, not self.panes.shown(name)
                )
                for name in PANEL_NAMES
            },
            "suggest_model": assist.suggest_in_document,
            "add_pattern": assist.add_pattern_from_span,
            "edit_patterns": assist.open_patterns_dialog,
            "train": assist.open_training_dialog,
            "claims": self.checks.show_claims,
            "search": self.checks.show_search,
            "details": self.checks.edit_details,
            "verify": self.checks.verify_text,
            "new_project": self.desktop.new_project,
            "open_project": self.desktop.open_project,
            "import": self.transfer.import_files,
            "export": self.transfer.export_files,
            "quit": self.close,
            "delete_span": annotate.delete_selected_span,
            "link": annotate.start_link,
            "set_cue": annotate.set_cue,
            "add_cue": lambda: annotate.set_cue(add=True),
            "delete_link": annotate.delete_selected_link,
            "find": annotate.find_in_article,
            "find_next": annotate.find_next,
            "token_right": lambda: view.move_by_token(True),
            "token_left": lambda: view.move_by_token(False),
            "extend_right": lambda: view.move_by_token(True, extend=True),
            "extend_left": lambda: view.move_by_token(False, extend=True),
            "sentence_next": lambda: view.move_by_sentence(True),
            "sentence_previous": lambda: view.move_by_sentence(False),
            "extend_sentence": lambda: view.move_by_sentence(True, extend=True),
            "extend_sentence_back": lambda: view.move_by_sentence(False, extend=True),
            "select_sentence": view.select_sentence,
            "next_span": lambda: annotate.step_span(1),
            "previous_span": lambda: annotate.step_span(-1),
            "inspector": annotate.focus_inspector,
            "article": view.setFocus,
            "next_document": lambda: self.step_document(1),
            "previous_document": lambda: self.step_document(-1),
            "done_next": self.accept_structure_or_done,
            "skip_next": lambda: self.mark_and_next("skipped"),
            "in_progress": lambda: self.mark("in_progress"),
            "edit_labels": self.open_label_dialog,
            "rename": self.rename_annotator,
            "shortcuts": lambda: dialogs.show_shortcuts(self, self.specs),
            "guideline": lambda: dialogs.show_guideline(self),
            "about": lambda: dialogs.show_about(self),
        }

    def _build_actions(self) -> None:
        """Create every QAction from the action table (labels from the schema)."""
        for action in self.actions_by_name.values():
            for widget in action.associatedObjects():
                widget.removeAction(action)
            action.deleteLater()
        self.actions_by_name = {}
        self.menuBar().clear()
        if not hasattr(self, "label_toolbar"):
            self.label_toolbar = QToolBar("Labels")
            self.label_toolbar.setObjectName("labels_toolbar")
            self.label_toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.addToolBar(self.label_toolbar)
        self.label_toolbar.clear()
        self.specs = action_specs(self.project.schema)
        handlers = self._handlers()
        colours = self._colours()
        menus = {name: self.menuBar().addMenu(name) for name in MENUS}
        widgets = {
            "annotate": [self.view, self.span_table, self.relation_table],
            "article": [self.view],
            "review": [self.review_table],
        }
        for spec in self.specs:
            action = self._new_action(spec)
            action.setObjectName(spec.name)
            if spec.name == SHARED_KEY_ACTION:
                # Ctrl+Return is also "done, next": one action holds the key and decides
                # (accept_structure_or_done); this one shows it in the menu.
                action.setText(f"{spec.text}\t{spec.shortcuts[0]}")
            else:
                action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
            action.setToolTip(
                plain_tooltip(
                    f"{spec.help} ({', '.join(spec.shortcuts)})" if spec.shortcuts else spec.help
                )
            )
            if spec.name in ("undo", "redo"):
                pass  # QUndoStack's own actions: they trigger it and follow its state
            elif spec.name.startswith("label:"):
                label = spec.name.split(":", 1)[1]
                action.triggered.connect(
                    lambda _=False, name=label: self.annotate.apply_label(name)
                )
                action.setIcon(colour_icon(colours[label]))
                action.setText(f"{literal(label)}  [{' / '.join(spec.shortcuts).lower()}]")
                self.label_toolbar.addAction(action)
            else:
                action.triggered.connect(lambda _=False, fn=handlers[spec.name]: fn())
            if spec.name == "review":
                action.setCheckable(True)
                action.setChecked(self.reviewing)
            if spec.name == "show_suggestions":
                action.setCheckable(True)
                action.setChecked(self.assist.shown)
                action.toggled.connect(lambda on: setattr(self.assist, "shown", on))
            if spec.name == "label_tags":
                action.setCheckable(True)
                action.setChecked(self.view.tags_shown)
            if spec.name.startswith("show_") and spec.name[5:] in PANEL_NAMES:
                action.setCheckable(True)
                action.setChecked(self.panes.shown(spec.name[5:]))
            if spec.name == "find_structures":
                action.setCheckable(True)
                action.setChecked(self.assist.finds_structures())
            if spec.scope in widgets:
                context = (
                    Qt.ShortcutContext.WidgetShortcut
                    if spec.scope == "article"
                    else Qt.ShortcutContext.WidgetWithChildrenShortcut
                )
                action.setShortcutContext(context)
                for widget in widgets[spec.scope]:
                    widget.addAction(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            menus[spec.menu].addAction(action)
            self.actions_by_name[spec.name] = action
        self.recent_menu = QMenu("Open &Recent", self)
        menus["&File"].insertMenu(self.actions_by_name["import"], self.recent_menu)
        menus["&File"].insertSeparator(self.actions_by_name["import"])
        self.desktop.fill_recent_menu(self.recent_menu)

    def _new_action(self, spec: ActionSpec) -> QAction:
        if spec.name == "undo":
            return self.undo_stack.createUndoAction(self, "&Undo")
        if spec.name == "redo":
            return self.undo_stack.createRedoAction(self, "&Redo")
        return QAction(spec.text, self)

    def _update_title(self) -> None:
        name = self.project.path.name if self.project.path else "in memory"
        mode = " — reviewing (gold)" if self.reviewing else ""
        self.setWindowTitle(f"Annotator — {name} — {self.project.annotator}{mode}")

    def _colours(self) -> dict[str, str]:
        return {label.name: label.colour for label in self.project.schema.labels}

    # -- documents ------------------------------------------------------------------

    def reload_documents(self) -> None:
        self.doc_model.set_rows(self.project.documents())
        if self.document_id is not None:
            self.documents.select_document(self.document_id)
        self._update_progress()

    def _on_document_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        document_id = current.data(Qt.ItemDataRole.UserRole) if current.isValid() else None
        if document_id is not None and document_id != self.document_id:
            self.open_document(document_id)

    def open_document(self, document_id: int) -> None:
        """Show a document with this annotator's spans and links."""
        self.inspector.commit_notes()
        self.annotate.cancel_link()
        document = self.project.document(document_id)
        self.state.document_id = document_id
        self.state.text = document.text
        self.state.current_relation_id = None
        with paused_gc():
            self.annotate.show_spans(self.project.span_refs(document_id), self._colours())
        self.state.reload_relations()
        self.documents.select_document(document_id)
        self.inspector.show_document(document_id, document.note)
        self.state.select_span(None)
        self._update_counts()
        self.refresh_ghosts()
        if note := self.project.tokenizer_fallback(document_id):
            self.show_message(note)

    def clear_document(self) -> None:
        """Show nothing (a project without documents)."""
        self.state.document_id = None
        self.state.text = ""
        self.state.relations = []
        self.annotate.show_spans([], self._colours())
        self.state.select_span(None)
        self.inspector.show_document(None, "")
        self._update_counts()

    def step_document(self, step: int) -> None:
        target = self.documents.neighbour(self.document_id, step)
        if target is None:
            self.show_message("No more documents in this direction (check the list filter).")
            return
        self.open_document(target)
        self.view.setFocus()

    def mark(self, status: str) -> Change | None:
        if self.document_id is None:
            return None
        document_id = self.document_id
        return self.run(lambda: self.project.set_status(document_id, status))

    def accept_structure_or_done(self) -> None:
        """Ctrl+Return: with a suggestion selected in the article, accept its structure;
        otherwise mark the document done and open the next one."""
        if self.view.hasFocus() and self.assist.selected_suggestion() is not None:
            self.assist.accept_structure()
        else:
            self.mark_and_next("done")

    def mark_and_next(self, status: str) -> None:
        if self.mark(status) is not None:
            self.step_document(1)

    # -- spans and links ----------------------------------------------------------------

    def select_span(self, span_id: int | None) -> None:
        """Select ``span_id`` (``None``: no span); see :meth:`WindowState.select_span`."""
        self.state.select_span(span_id)

    def select_relation(self, relation_id: int | None) -> None:
        self.annotate.select_relation(relation_id)

    # -- the one edit path ------------------------------------------------------------

    def run(
        self, operation: Callable[[], Change], *, on_error: Callable[[str], object] | None = None
    ) -> Change | None:
        """Run a core operation through the editor (undo stack, refresh); see
        :meth:`Editor.run`."""
        return self.editor.run(operation, on_error=on_error)

    def on_change(self, change: Change) -> None:
        """Refresh every part of the window from what ``change`` did (after an edit, undo
        or redo): each part reads the change's summary and decides what concerns it."""
        summary = change.summary
        if summary.touches(Kind.SCHEMA):
            self.on_schema_changed()
        self.annotate.on_change(change)
        if self.document_id in summary.documents:
            self._update_counts()
        for document_id in summary.documents:
            self.doc_model.replace(self.project.document_summary(document_id))
        self._update_progress()
        self.assist.on_change(change)
        if self.document_id in summary.documents:
            self.refresh_ghosts()

    def refresh_ghosts(self) -> None:
        """The article's dashed outlines: the proposals while reviewing, else the
        suggestions (each controller decides whether it is its turn)."""
        self.review.refresh()
        self.assist.refresh_suggestions()

    def on_bulk_change(self, summary: ChangeSummary | None) -> None:
        """Refresh after this window's import or merge (written by a worker on its own
        connection; ``None`` when it changed nothing): it keeps no rows, so the
        documents it touched are read again."""
        if summary is None:
            return
        self.project.notice(summary)
        if summary.touches(Kind.SCHEMA):
            self.on_schema_changed()
        self.reload_documents()
        if self.document_id in summary.documents:
            scroll = self.view.verticalScrollBar().value()
            current_span = self.state.current_span
            self.open_document(self.document_id)
            self.view.verticalScrollBar().setValue(scroll)
            if current_span is not None and self.span_model.row_of(current_span) is not None:
                self.state.select_span(current_span)
        elif summary.touches(Kind.PATTERNS):
            self.assist.refresh_suggestions()
        if self.document_id is None and self.doc_model.rowCount():
            self.open_document(self.documents.neighbour(None, 1))  # the first documents

    def on_schema_changed(self) -> None:
        """Labels changed (dialog, undo, import): rebuild keys, bar, menus and colours."""
        self._build_actions()
        self.annotate.on_schema_changed(self._colours())

    def report_error(self, exc: Exception | str) -> None:
        self.show_message(str(exc))

    def show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)

    def _update_counts(self) -> None:
        counts = self.span_model.counts
        parts = [f"{name} {counts.get(name, 0)}" for name in self.project.schema.label_names]
        total = sum(counts.values())
        links = len(self.state.relations)
        self.counts_label.setText(
            f"{' · '.join(parts)}  —  {counted(total, 'span')}, {counted(links, 'link')}"
        )

    def _update_progress(self) -> None:
        progress = self.project.progress()
        self.progress_label.setText(
            f"{progress['done']} of {progress['total']} done · {progress['skipped']} skipped · "
            f"{progress['in_progress']} in progress   |"
        )

    # -- settings -------------------------------------------------------------------

    def _toggle_label_tags(self) -> None:
        shown = not self.view.tags_shown  # the checkable action has toggled itself
        self.view.set_tags_shown(shown)
        QSettings().setValue(LABEL_TAGS, shown)

    def open_label_dialog(self) -> LabelDialog:
        self.label_dialog = LabelDialog(self, self.state, self.editor)
        self.label_dialog.show()
        return self.label_dialog

    def rename_annotator(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Your name", "Name recorded on your annotations:", text=self.project.annotator
        )
        if ok and name.strip():
            self.set_annotator(name.strip())

    def _on_project_switched(self) -> None:
        """Another project file is open: read everything again."""
        self.on_schema_changed()
        self._update_title()
        self.reload_documents()
        first = self.documents.neighbour(None, 1)
        if first is not None:
            self.open_document(first)
        else:
            self.clear_document()

    def _on_changed_elsewhere(self) -> None:
        """Another window saved to this project: read it again, keeping the place."""
        self.on_schema_changed()
        current_span = self.state.current_span
        scroll = self.view.verticalScrollBar().value()
        self.reload_documents()
        if self.document_id is not None and self.doc_model.row_of(self.document_id) is not None:
            self.open_document(self.document_id)
            self.view.verticalScrollBar().setValue(scroll)
            if current_span is not None and self.span_model.row_of(current_span) is not None:
                self.state.select_span(current_span)

    @property
    def reviewing(self) -> bool:
        return self.state.reviewing

    def _on_layer_changed(self, _layer: str) -> None:
        """Another layer is edited (review on or off): its own undo history, title and
        documents."""
        self.undo_stack.clear()
        if self.reviewing:
            self.right.setSizes([420, 200, 80, 200])
        self.actions_by_name["review"].setChecked(self.reviewing)
        self._update_title()
        self.reload_documents()
        if self.document_id is not None:
            self.open_document(self.document_id)

    def set_annotator(self, name: str) -> None:
        """Work as ``name`` from now on (stored for the next start)."""
        save_config({"annotator": name})
        self.project.set_annotator(name)
        self.undo_stack.clear()
        self._update_title()
        self.reload_documents()
        if self.document_id is not None:
            self.open_document(self.document_id)

    # -- files ----------------------------------------------------------------------

    # -- state ----------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        if geometry := settings.value(WINDOW_GEOMETRY):
            self.restoreGeometry(geometry)
        if state := settings.value(WINDOW_STATE):
            self.restoreState(state)
        self.panes.restore()
        for name in PANEL_NAMES:
            self.actions_by_name[f"show_{name}"].setChecked(self.panes.shown(name))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.panes.fit(self.centralWidget().width())

    def closeEvent(self, event) -> None:
        self.assist.stop()
        self.desktop.stop()
        self.inspector.commit_notes()
        settings = QSettings()
        settings.setValue(WINDOW_GEOMETRY, self.saveGeometry())
        settings.setValue(WINDOW_STATE, self.saveState())
        self.panes.save()
        super().closeEvent(event)
