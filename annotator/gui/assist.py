"""The assist controller: model assistance in the window — suggestions as ghost spans,
accepting and rejecting them by keyboard, structures found in the background, patterns,
a model's suggestions, training, triage.

Suggestions are drawn as dashed outlines with a faint tint (annotations have a solid
bar). Return accepts the one under the caret, X rejects it, F8 / Shift+F8 move to the
next / previous one. Every accept and reject is a core operation on the undo stack.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QWidget

from annotator.core.project import Suggestion
from annotator.gui.article_view import ArticleView, ViewSpan
from annotator.gui.commands import Editor
from annotator.gui.controller import Controller
from annotator.gui.jobs import run_job
from annotator.gui.panels import DocumentsPanel
from annotator.gui.settings import FIND_STRUCTURES
from annotator.gui.state import WindowState
from annotator.model.changes import Kind
from annotator.model.errors import AnnotatorError
from annotator.model.records import Change
from annotator.model.words import counted

if TYPE_CHECKING:
    from annotator.text.attribution import Layers


class StructureSearch:
    """The attribution rules run over one text in a thread (pure computation: the result
    is stored by the GUI thread, through the project)."""

    def __init__(self, text: str, lang: str):
        self.found: Layers | None = None
        self.thread = threading.Thread(
            target=self._run, args=(text, lang), name="attribution", daemon=True
        )
        self.thread.start()

    def _run(self, text: str, lang: str) -> None:
        from annotator.text.attribution import extract_attributions, to_layers

        try:
            self.found = to_layers(extract_attributions(text, lang))
        except Exception:  # a rule that fails on one text must not take the window down
            logging.getLogger(__name__).exception("attribution rules failed")


class AssistController(Controller):
    """Owns the suggestions shown in the article, the background search for attribution
    structures, the loaded models and the triage order of the document list."""

    wroteOwnChanges = Signal()
    """This window changed the project through another connection (the training
    process): the next poll must not take it for another window's change."""

    def __init__(
        self,
        state: WindowState,
        editor: Editor,
        *,
        view: ArticleView,
        documents: DocumentsPanel,
        selected_span: Callable[[], int | None],
        window: QWidget,
        parent: QObject | None = None,
    ):
        super().__init__(state, editor, parent)
        self.view, self.documents, self.window = view, documents, window
        self.selected_span = selected_span
        """The selected span, else the one under the caret (the annotate controller's)."""
        self.suggestions: list[Suggestion] = []  # shown as ghosts
        self.linked_places: set = set()  # suggestions in a shown structure
        self.shown = True  # Suggest → Show suggestions
        self._suggesters: dict = {}  # loaded models, by folder
        self._nlp_timer = QTimer(self)  # waits for spaCy before pattern suggestions
        self._nlp_timer.timeout.connect(self._check_nlp)
        self._nlp_started = False
        self._nlp_lang = "en"
        self._structures_asked: set[int] = set()  # documents the attribution rules ran on
        self._structures_pending: dict[int, StructureSearch] = {}
        self._structures_timer = QTimer(self)  # stores structures found in the background
        self._structures_timer.timeout.connect(self._store_found_structures)
        documents.order.currentIndexChanged.connect(
            lambda _: self.set_triage(bool(documents.order.currentData()))
        )

    @property
    def document_id(self) -> int | None:
        return self.state.document_id

    def on_change(self, change: Change) -> None:
        """Suggestions follow the patterns; the triage order follows the scores."""
        summary = change.summary
        if summary.touches(Kind.PATTERNS) and self.document_id not in summary.documents:
            self.refresh_suggestions()
        if summary.touches(Kind.TRIAGE):
            self.documents.refresh_order(self.project.uncertainties())

    def stop(self) -> None:
        """The window closes: what is still being found is not stored."""
        self._structures_timer.stop()
        self._structures_pending.clear()

    # -- showing ----------------------------------------------------------------------

    def refresh_suggestions(self) -> None:
        """Read the shown document's suggestions again and draw them as ghosts.

        Pattern matches need spaCy: until it has loaded (in the background after the
        first paint) only stored suggestions are shown, and the rest follow when ready."""
        from annotator.text.tokens import nlp_ready

        if self.state.reviewing:
            return  # the review controller's proposals are the ghosts then
        self.suggestions = []
        if self.document_id is not None and self.suggestions_shown():
            _, lang = self.project.text_and_lang(self.document_id)
            ready = nlp_ready(lang)
            if not ready:
                self._wait_for_nlp(lang)
            try:
                self.suggestions = self.project.suggestions(self.document_id, live=ready)
            except AnnotatorError as exc:  # a broken pattern must not break the window
                self.message.emit(f"No suggestions: {exc}")
        self.view.set_ghosts(
            [ViewSpan(-n - 1, s.start, s.end, s.label) for n, s in enumerate(self.suggestions)]
        )
        self._show_suggested_links()
        self._find_structures_later()

    def _show_suggested_links(self) -> None:
        """Dashed links between the ghosts of suggested structures."""
        ghost = {s.place: -n - 1 for n, s in enumerate(self.suggestions)}
        links = []
        self.linked_places = set()  # suggestions that are part of a shown structure
        if self.document_id is not None and self.suggestions:
            for link in self.project.suggested_links(self.document_id):
                if link.head in ghost and link.child in ghost:
                    links.append((ghost[link.head], ghost[link.child], link.label))
                    self.linked_places |= {link.head, link.child}
        self.view.set_ghost_links(links)

    # -- attribution structures, found in the background -------------------------------

    def _find_structures_later(self) -> None:
        """For an English document the attribution rules have not seen, find its
        structures in a thread (after the first paint) and store them as suggestions,
        as ``annotator suggest`` does; the ghosts follow when they are stored."""
        document_id = self.document_id
        if (
            document_id is None
            or not self.suggestions_shown()
            or not self.finds_structures()
            or document_id in self._structures_asked
        ):
            return
        from annotator.text.tokens import nlp_ready

        text, lang = self.project.text_and_lang(document_id)
        if not nlp_ready(lang):
            return  # spaCy is loading (refresh_suggestions comes back when it has)
        self._structures_asked.add(document_id)
        if lang.split("-")[0].lower() != "en" or self.project.structures_stored(document_id):
            return
        self._structures_pending[document_id] = StructureSearch(text, lang)
        if not self._structures_timer.isActive():
            self._structures_timer.start(50)

    def finds_structures(self) -> bool:
        """Whether structures are looked for in the background (a QSettings choice)."""
        return QSettings().value(FIND_STRUCTURES, True, type=bool)

    def toggle_find_structures(self) -> None:
        on = not self.finds_structures()  # the checkable action has toggled itself
        QSettings().setValue(FIND_STRUCTURES, on)
        if on:
            self._structures_asked.clear()
            self.refresh_suggestions()

    def _store_found_structures(self) -> None:
        from annotator.services.suggest import fit_to_schema

        for document_id, search in list(self._structures_pending.items()):
            if search.thread.is_alive():
                continue
            del self._structures_pending[document_id]
            if search.found is None:
                continue  # the rules failed on this text: it just gets no ghosts
            try:
                self.project.store_structures(
                    {document_id: fit_to_schema(self.project, search.found)}
                )
            except AnnotatorError as exc:
                self.message.emit(f"No suggested structures: {exc}")
                continue
            if document_id == self.document_id:
                self.refresh_suggestions()
        if not self._structures_pending:
            self._structures_timer.stop()

    def _wait_for_nlp(self, lang: str) -> None:
        """Have spaCy loaded in a thread, then refresh (``_check_nlp`` polls for it)."""
        self._nlp_lang = lang
        if not self._nlp_timer.isActive():
            self._nlp_timer.start(100)

    def _check_nlp(self) -> None:
        from annotator.text.tokens import nlp_ready, warm_up

        if not self._nlp_started:
            self._nlp_started = True
            warm_up(self._nlp_lang)
        if nlp_ready(self._nlp_lang):
            self._nlp_timer.stop()
            self.refresh_suggestions()

    def suggestions_shown(self) -> bool:
        return self.shown

    def selected_suggestion(self) -> Suggestion | None:
        """The suggestion the selection covers exactly (``None`` without a selection)."""
        start, end = self.view.selection()
        if start == end:
            return None
        return next((s for s in self.suggestions if (s.start, s.end) == (start, end)), None)

    def suggestion_at_caret(self) -> Suggestion | None:
        """The suggestion the selection equals, else the innermost one under the caret."""
        start, end = self.view.selection()
        exact = [s for s in self.suggestions if (s.start, s.end) == (start, end)]
        if exact:
            return exact[0]
        caret = self.view.caret()
        under = [s for s in self.suggestions if s.start <= caret < s.end] or [
            s for s in self.suggestions if s.start <= caret <= s.end
        ]
        return min(under, key=lambda s: s.end - s.start, default=None)

    # -- deciding ---------------------------------------------------------------------

    def accept_suggestion(self) -> None:
        suggestion = self.suggestion_at_caret()
        if suggestion is None:
            self.message.emit("No suggestion here: F8 moves to the next one.")
            return
        document_id = self.document_id
        change = self.run(lambda: self.project.accept_suggestion(document_id, suggestion))
        if change is not None and change.spans_added:
            self.view.clear_selection()
            self.state.select_span(change.spans_added[0].id)

    def accept_structure(self) -> None:
        """Accept the whole structure of the suggestion under the caret (one undo step)."""
        suggestion = self.suggestion_at_caret()
        if suggestion is None:
            self.message.emit("No suggestion here: F8 moves to the next one.")
            return
        document_id = self.document_id
        change = self.run(lambda: self.project.accept_structure(document_id, suggestion))
        if change is None:
            return
        self.view.clear_selection()
        added = [s for s in change.spans_added if (s.label, s.start, s.end) == suggestion.place]
        if added or change.spans_added:
            self.state.select_span((added or change.spans_added)[0].id)
        links = len(change.relations_added)
        self.message.emit(
            f"Accepted {counted(len(change.spans_added), 'span')} and {counted(links, 'link')} "
            "(Ctrl+Z undoes them all)."
        )

    def relabel_suggestion(self, label: str) -> bool:
        """A label key on a selected suggestion of a structure proposes it with that label
        (its links the new label breaks are dropped); ``False`` if that does not apply."""
        suggestion = self.selected_suggestion()
        if suggestion is None or suggestion.label == label or self.document_id is None:
            return False
        if suggestion.place not in self.linked_places:
            return False
        document_id = self.document_id
        if self.run(lambda: self.project.relabel_suggestion(document_id, suggestion, label)):
            self.view.select(suggestion.start, suggestion.end)
            self.message.emit(
                f"Suggested as {label}: Ctrl+Return accepts the structure, Return this part."
            )
        return True

    def reject_suggestion(self) -> None:
        suggestion = self.suggestion_at_caret()
        if suggestion is None:
            self.message.emit("No suggestion here: F8 moves to the next one.")
            return
        document_id = self.document_id
        if self.run(lambda: self.project.reject_suggestion(document_id, suggestion)):
            self.step_suggestion(1, after=suggestion.start)

    def accept_all_suggestions(self) -> None:
        if not self.suggestions:
            self.message.emit("No suggestions in this document.")
            return
        document_id, chosen = self.document_id, list(self.suggestions)
        change = self.run(lambda: self.project.accept_suggestions(document_id, chosen))
        if change is not None:
            self.message.emit(
                f"Accepted {counted(len(chosen), 'suggestion')} (Ctrl+Z undoes them all)."
            )

    def step_suggestion(self, step: int, *, after: int | None = None) -> None:
        """Select the next (``step`` 1) or previous (-1) suggestion from the caret."""
        if not self.suggestions:
            self.message.emit("No suggestions in this document.")
            return
        caret = self.view.caret() if after is None else after
        starts = [s.start for s in self.suggestions]
        if step > 0:
            ahead = [n for n, start in enumerate(starts) if start > caret]
            index = ahead[0] if ahead else 0
        else:
            behind = [n for n, start in enumerate(starts) if start < self.view.selection()[0]]
            index = behind[-1] if behind else len(starts) - 1
        chosen = self.suggestions[index]
        self.state.select_span(None)  # the suggestion is selected, not a span
        self.view.select_suggestion(chosen.start, chosen.end, chosen.label)
        self.view.setFocus()
        score = f", score {chosen.score:.2f}" if chosen.score is not None else ""
        structure = (
            "Ctrl+Return accepts its structure, " if chosen.place in self.linked_places else ""
        )
        self.message.emit(
            f"Suggested {chosen.label} (from {chosen.source}{score}): "
            f"Return accepts, {structure}X rejects, a label key labels it otherwise."
        )

    def toggle_suggestions(self) -> None:
        self.refresh_suggestions()

    # -- patterns ---------------------------------------------------------------------

    def add_pattern_from_span(self) -> None:
        span_id = self.selected_span()
        if span_id is None:
            self.message.emit("Select a span first: its text becomes a pattern for its label.")
            return
        if self.run(lambda: self.project.add_pattern_from_span(span_id)) is not None:
            span = self.project.span(span_id)
            self.message.emit(
                f"Pattern added: “{self.state.text[span.start : span.end]}” suggests {span.label}."
            )

    def open_patterns_dialog(self):
        from annotator.gui.assist_dialogs import PatternsDialog

        self.patterns_dialog = PatternsDialog(self.window, self.state, self.editor)
        self.patterns_dialog.show()
        self.patterns_dialog.activateWindow()  # typing goes to the dialog, not the article
        self.patterns_dialog.pattern.setFocus()
        return self.patterns_dialog

    # -- models -----------------------------------------------------------------------

    def suggest_in_document(self) -> None:
        """Run the project's model (and entity pipeline) over the shown document and store
        what they suggest (undoable); patterns are shown without this."""
        if self.document_id is None:
            return
        model_path = self.project.project_value("model_path")
        ner_name = self.project.project_value("ner_model")
        if not model_path and not ner_name:
            self.message.emit("No model yet: Tools → Train model… makes one from your annotations.")
            return
        document_id = self.document_id
        text, _ = self.project.text_and_lang(document_id)
        offsets = self.project.token_offsets(document_id)
        labels = self.project.schema.label_names

        def work(job) -> list[Suggestion]:
            from annotator.services.model import model_name
            from annotator.text.tokens import words_and_spaces

            job.stage("Loading the model…", 0)
            found: list[Suggestion] = []
            words, spaces = words_and_spaces(text, offsets)
            for name, ner in ((model_path, False), (ner_name, True)):
                if not name:
                    continue
                suggester = self._suggester(name, labels, ner=ner)
                job.stage(f"Suggesting with {model_name(name)}…", 0)
                (prediction,) = suggester.predict([suggester.make_doc(words, spaces)])
                found += [s for s in prediction.suggestions if s.label in labels]
            return found

        try:
            found = run_job(self.window, "Suggest", work)
        except AnnotatorError as exc:
            self.message.emit(str(exc))
            return
        sources = tuple({s.source for s in found}) or ()
        change = self.run(
            lambda: self.project.store_suggestions(document_id, found, replace_sources=sources)
        )
        if change is not None:
            self.message.emit(
                f"{counted(len(found), 'suggestion')} from the model; F8 goes to the first."
            )

    def _suggester(self, name: str, labels: list[str], *, ner: bool) -> Any:
        """A loaded model, kept while its folder is unchanged (loading takes a while)."""
        from annotator.services.model import ModelSuggester, load_pipeline, model_name

        path = Path(name).expanduser()
        key = (name, ner, path.stat().st_mtime if path.exists() else 0.0)
        if key not in self._suggesters:
            self._suggesters[key] = ModelSuggester(
                load_pipeline(name),
                model_name(name),
                labels=["actor"] if ner else labels,
                actors_from_entities=ner,
            )
        return self._suggesters[key]

    def open_training_dialog(self):
        from annotator.gui.assist_dialogs import TrainingDialog

        dialog = TrainingDialog(self.window, self.project)
        dialog.suggestRequested.connect(self.suggest_in_document)
        dialog.processEnded.connect(self._training_ended)
        dialog.trained.connect(
            lambda: self.message.emit("Model trained: Tools → Suggest with the model uses it.")
        )
        self.training_dialog = dialog
        dialog.show()
        return dialog

    def _training_ended(self) -> None:
        """The training process stored the model's place in the project's settings,
        through its own connection: read them again, and it is not another window."""
        self.project.forget_cached_schema()
        self.wroteOwnChanges.emit()

    # -- triage -----------------------------------------------------------------------

    def set_triage(self, on: bool) -> None:
        """Order the document list with the documents the model is least sure of first."""
        scores = self.project.uncertainties() if on else None
        if on and not scores:
            self.message.emit(
                "No document has been scored yet: run `annotator suggest --model DIR` "
                "(or Tools → Suggest with the model) first."
            )
        self.documents.set_uncertainty(scores)
