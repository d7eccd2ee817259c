"""The fact-check controller and its views: claims, sources, duplicates, search,
article details, the claim record in the inspector."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.claim_matching import suggest_claim_matches, suggested_matches
from annotator.core.claim_ops import EVIDENCE_STANCES, META_FIELDS
from annotator.gui.article_view import ArticleView
from annotator.gui.commands import Editor
from annotator.gui.controller import Controller
from annotator.gui.inspector import Inspector
from annotator.gui.messages import inform, plain_label, plain_tooltip, warn
from annotator.gui.models import Column, RowTableModel, excerpt
from annotator.gui.screen import fit_on_screen
from annotator.gui.state import WindowState
from annotator.model.errors import AnnotatorError
from annotator.model.records import Document
from annotator.model.words import counted
from annotator.services.claims import (
    ClaimRow,
    claim_rows,
    describe_sources,
    source_table,
    vague_shares,
)
from annotator.services.duplicates import near_duplicates, repeated_passages
from annotator.services.search import search

_Index = QModelIndex | QPersistentModelIndex


def claims_table() -> RowTableModel:
    """Every claim with its record, sources, hedges and actors (``UserRole``: the row)."""
    columns = [
        Column(
            "Claim", lambda r, _: excerpt(r.text, 90), tooltip=lambda r, _: plain_tooltip(r.text)
        ),
        Column("Status", lambda r, _: r.status + (" (shared)" if r.shared_with else "")),
        Column("Sources", lambda r, _: describe_sources(r) or "no source"),
        Column("Hedged by", lambda r, _: ", ".join(r.hedges)),
        Column("Actors", lambda r, _: ", ".join(r.actors)),
        Column("Article", lambda r, _: r.title),
        Column("Date", lambda r, _: r.published),
        Column("Check-worthy", lambda r, _: "" if r.checkworthy is None else _worthy(r)),
        Column("Assignee", lambda r, _: r.assignee),
        Column("By", lambda r, _: r.annotator),
    ]
    return RowTableModel(columns)


def _worthy(row: ClaimRow) -> str:
    return "unset" if row.checkworthy is None else ("yes" if row.checkworthy else "no")


class ClaimFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.vague_only = False
        self.annotator: str | None = None
        self.checkworthy: str | None = None  # "yes", "no", "unset" or None for any
        self.claim_type: str | None = None
        self.words = ""

    def refilter(self) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.10
            self.beginFilterChange()
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        row: ClaimRow = self.sourceModel().row_at(source_row)
        return (
            (self.status is None or row.status == self.status)
            and (not self.vague_only or row.vague)
            and (self.annotator is None or row.annotator == self.annotator)
            and (self.checkworthy is None or _worthy(row) == self.checkworthy)
            and (self.claim_type is None or row.claim_type == self.claim_type)
            and (not self.words or self.words in f"{row.text} {row.title}".casefold())
        )


class FactCheckDialog(QDialog):
    """Tools → Claims: the claims table, the sources, and duplicates."""

    def __init__(self, checks: FactCheckController):
        super().__init__(checks.window)
        self.setObjectName("factcheck_dialog")
        self.setWindowTitle("Claims")
        self.checks = checks
        self.model = claims_table()
        self.proxy = ClaimFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # article and text order
        self.table.horizontalHeader().setSortIndicatorClearable(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(lambda index: self.jump(index))
        self.table.activated.connect(lambda index: self.jump(index))
        self.status = QComboBox()
        self.annotator = QComboBox()
        self.worthy = QComboBox()
        for text, value in (
            ("Any check-worthiness", None),
            ("Check-worthy", "yes"),
            ("Not check-worthy", "no"),
            ("Not judged", "unset"),
        ):
            self.worthy.addItem(text, value)
        self.claim_type = QComboBox()
        self.vague = QCheckBox("Vague sources only")
        self.words = QLineEdit()
        self.words.setPlaceholderText("Filter claims…")
        for widget in (self.status, self.annotator, self.worthy, self.claim_type):
            widget.currentIndexChanged.connect(self._filter)
        self.vague.toggled.connect(self._filter)
        self.words.textChanged.connect(self._filter)
        filters = QHBoxLayout()
        for widget in (
            self.words,
            self.status,
            self.worthy,
            self.claim_type,
            self.annotator,
            self.vague,
        ):
            filters.addWidget(widget)
        claims_page = QWidget()
        layout = QVBoxLayout(claims_page)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.sources = QTableWidget()
        self.shares = QTableWidget()
        sources_page = QWidget()
        layout = QVBoxLayout(sources_page)
        layout.addWidget(QLabel("Sources, by the number of claims resting on them"))
        layout.addWidget(self.sources, 2)
        layout.addWidget(QLabel("Articles: share of claims resting on vague sources only"))
        layout.addWidget(self.shares, 1)
        self.passages = QListWidget()
        self.passages.itemActivated.connect(self._select_passage)
        self.near = QListWidget()
        self.suggestions = QListWidget()
        find = QPushButton("Find similar claims")
        find.clicked.connect(self.find_similar)
        confirm = QPushButton("Confirm: same claim")
        confirm.clicked.connect(lambda: self.decide("confirmed"))
        reject = QPushButton("Reject")
        reject.clicked.connect(lambda: self.decide("rejected"))
        buttons = QHBoxLayout()
        for button in (find, confirm, reject):
            buttons.addWidget(button)
        duplicates_page = QWidget()
        layout = QVBoxLayout(duplicates_page)
        layout.addWidget(QLabel("Passages repeated in this article"))
        layout.addWidget(self.passages, 1)
        layout.addWidget(QLabel("Near-duplicate articles"))
        layout.addWidget(self.near, 1)
        layout.addWidget(QLabel("Claims that look the same (confirm to share one record)"))
        layout.addWidget(self.suggestions, 2)
        layout.addLayout(buttons)
        self.tabs = QTabWidget()
        self.tabs.addTab(claims_page, "Claims")
        self.tabs.addTab(sources_page, "Sources")
        self.tabs.addTab(duplicates_page, "Duplicates")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        main = QVBoxLayout(self)
        main.addWidget(self.tabs)
        main.addWidget(close)
        fit_on_screen(self, 1100, 640)
        self.refresh()

    def refresh(self) -> None:
        project = self.checks.project
        rows = claim_rows(project)
        self.model.set_rows(rows)
        for combo, first, values in (
            (self.status, "All statuses", project.claim_statuses()),
            (self.annotator, "All annotators", sorted({r.annotator for r in rows})),
            (self.claim_type, "All claim types", _claim_types(project, rows)),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, 360)
        for column in range(1, self.model.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 240))
        _fill(
            self.sources,
            ["Source", "Claims", "Articles", "Stances", "Specificity", "Statuses"],
            [
                [
                    e["source"],
                    e["claims"],
                    e["documents"],
                    _counts(e["stances"]),
                    _counts(e["specificity"]),
                    _counts(e["statuses"]),
                ]
                for e in source_table(project)
            ],
        )
        _fill(
            self.shares,
            ["Article", "Claims", "Vague only", "Share"],
            [
                [s["title"], s["claims"], s["vague"], f"{s['share']:.0%}"]
                for s in vague_shares(project)
            ],
        )
        self._fill_duplicates()

    def _fill_duplicates(self) -> None:
        checks = self.checks
        self.passages.clear()
        if checks.state.document_id is not None:
            for passage in repeated_passages(checks.project, checks.state.document_id):
                item = QListWidgetItem(f"{len(passage.occurrences)}×  {excerpt(passage.text, 120)}")
                item.setData(Qt.ItemDataRole.UserRole, passage.occurrences)
                self.passages.addItem(item)
        self.near.clear()
        for pair in near_duplicates(checks.project):
            self.near.addItem(
                f"{pair['similarity']:.0%}  {pair['title']}  ≈  {pair['other_title']}"
            )
        self.suggestions.clear()
        texts = {r.span_id: r for r in self.model.rows}
        for match in suggested_matches(checks.project):
            main, other = texts.get(match["main_span_id"]), texts.get(match["other_span_id"])
            if main and other:
                item = QListWidgetItem(
                    f"{match['similarity']:.0%}  “{excerpt(main.text, 60)}” "
                    f"≈ “{excerpt(other.text, 60)}” ({other.title})"
                )
                item.setData(Qt.ItemDataRole.UserRole, (main.span_id, other.span_id))
                self.suggestions.addItem(item)

    def _filter(self, *_: object) -> None:
        self.proxy.status = self.status.currentData()
        self.proxy.annotator = self.annotator.currentData()
        self.proxy.checkworthy = self.worthy.currentData()
        self.proxy.claim_type = self.claim_type.currentData()
        self.proxy.vague_only = self.vague.isChecked()
        self.proxy.words = self.words.text().casefold().strip()
        self.proxy.refilter()

    def jump(self, index: QModelIndex) -> None:
        row: ClaimRow = index.data(Qt.ItemDataRole.UserRole) or self.model.row_at(
            self.proxy.mapToSource(index).row()
        )
        self.checks.go_to_span(row.document_id, row.span_id, row.annotator)

    def _select_passage(self, item: QListWidgetItem) -> None:
        start, end = item.data(Qt.ItemDataRole.UserRole)[0]
        self.checks.view.select(start, end)

    def find_similar(self) -> None:
        change = self.checks.run(lambda: suggest_claim_matches(self.checks.project))
        if change is not None and change.is_empty:
            self.checks.message.emit("No new similar claims.")
        self.refresh()

    def decide(self, state: str) -> None:
        item = self.suggestions.currentItem()
        if item is None:
            return
        main, other = item.data(Qt.ItemDataRole.UserRole)
        self.checks.run(lambda: self.checks.project.set_match(main, other, state))
        self.refresh()


def _claim_types(project: Any, rows: list[ClaimRow]) -> list[str]:
    """The schema's claim types, then any other value the claims carry."""
    if not project.schema.has_label("claim"):
        return sorted({r.claim_type for r in rows if r.claim_type})
    declared = [
        value
        for attribute in project.schema.label("claim").attributes
        if attribute.name == "claim_type"
        for value in attribute.choices
    ]
    extra = sorted({r.claim_type for r in rows if r.claim_type} - set(declared))
    return declared + extra


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: -kv[1]))


def _fill(table: QTableWidget, headers: list[str], rows: list[list[Any]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(str(value)))
    table.resizeColumnsToContents()


class SearchDialog(QDialog):
    """Ctrl+Shift+F: search the whole project; Enter on a result opens it."""

    def __init__(self, checks: FactCheckController):
        super().__init__(checks.window)
        self.setObjectName("search_dialog")
        self.setWindowTitle("Search the project")
        self.checks = checks
        self.query = QLineEdit()
        self.query.setPlaceholderText('words, "a phrase", prefix*, OR, NOT — then Enter')
        self.kind = QComboBox()
        for label, value in (
            ("Everything", None),
            ("Articles", ("article", "title")),
            ("Claims", ("claim",)),
            ("Notes", ("note", "document_note")),
        ):
            self.kind.addItem(label, value)
        self.status = QComboBox()
        self.status.addItem("Any status", None)
        for status in checks.project.claim_statuses():
            self.status.addItem(status, status)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.itemActivated.connect(self.open_hit)
        self.count = plain_label()
        self.query.returnPressed.connect(self.run)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.kind)
        row.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.count)
        fit_on_screen(self, 760, 520)

    def run(self) -> None:
        self.results.clear()
        try:
            hits = search(
                self.checks.project,
                self.query.text(),
                kinds=self.kind.currentData(),
                status=self.status.currentData(),
                limit=100,
            )
        except AnnotatorError as exc:
            self.count.setText(str(exc))
            return
        for hit in hits:
            item = QListWidgetItem(f"{hit.kind} · {hit.title}\n{' '.join(hit.snippet.split())}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        self.count.setText(f"{counted(len(hits), 'result')}")
        if hits:
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def open_hit(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if hit.span_id is not None:
            self.checks.go_to_span(hit.document_id, hit.span_id)
            return
        self.checks.open_document(hit.document_id)
        marked = hit.snippet.split("[", 1)[1].split("]", 1)[0] if "[" in hit.snippet else ""
        if marked:
            self.checks.find_text(marked)


class DetailsDialog(QDialog):
    """Document → Article details: title and metadata (the text never changes)."""

    def __init__(self, parent: QWidget, document: Document):
        super().__init__(parent)
        self.setObjectName("details_dialog")
        self.setWindowTitle("Article details")
        self.fields: dict[str, QLineEdit] = {"title": QLineEdit(document.title)}
        for name in META_FIELDS:
            self.fields[name] = QLineEdit(str(document.meta.get(name, "")))
        self.fields["published"].setPlaceholderText("YYYY-MM-DD")
        self.fields["retrieved"].setPlaceholderText("YYYY-MM-DD")
        form = QFormLayout()
        for name, edit in self.fields.items():
            form.addRow(name, edit)
        self.fields["lang"] = QLineEdit(document.lang)
        self.fields["lang"].setToolTip(
            "Language code (en, de, pt-BR): the tokenizer follows it; spans keep their offsets"
        )
        form.addRow("language", self.fields["lang"])
        form.addRow("SHA-256", QLabel(document.text_sha256[:16] + "…"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.fields.items()}


class EvidenceDialog(QDialog):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle("Add evidence")
        self.location = QLineEdit()
        self.location.setPlaceholderText("https://… or a file path")
        self.quote = QLineEdit()
        self.stance = QComboBox()
        self.stance.addItems(EVIDENCE_STANCES)
        self.retrieved = QLineEdit()
        self.retrieved.setPlaceholderText("YYYY-MM-DD")
        form = QFormLayout()
        for label, widget in (
            ("Where", self.location),
            ("Quote", self.quote),
            ("Stance", self.stance),
            ("Retrieved", self.retrieved),
        ):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


class FactCheckController(Controller):
    """The fact-checker's tools: the claims and search dialogs, article details, text
    verification, and the inspector's claim record (its fields and evidence)."""

    def __init__(
        self,
        state: WindowState,
        editor: Editor,
        *,
        view: ArticleView,
        inspector: Inspector,
        open_document: Callable[[int], None],
        find_text: Callable[[str], bool],
        window: QWidget,
        parent: QObject | None = None,
    ):
        super().__init__(state, editor, parent)
        self.view, self.window = view, window
        self.open_document = open_document
        """Show a document in the window (the window's documents)."""
        self.find_text = find_text
        """Find a phrase in the shown article (the annotate controller's find)."""
        inspector.claim_box.fieldChanged.connect(self._claim_field)
        inspector.claim_box.evidenceAdd.connect(self._add_evidence)
        inspector.claim_box.evidenceRemove.connect(self._remove_evidence)

    def show_claims(self) -> FactCheckDialog:
        self.claims_dialog = FactCheckDialog(self)
        self.claims_dialog.show()
        return self.claims_dialog

    def show_search(self) -> SearchDialog:
        self.search_dialog = SearchDialog(self)
        self.search_dialog.show()
        self.search_dialog.activateWindow()  # typing goes to the query, not the article
        self.search_dialog.query.setFocus()
        return self.search_dialog

    def go_to_span(self, document_id: int, span_id: int, layer: str | None = None) -> None:
        """Open a document at a span (a span of another layer is shown for reading)."""
        if layer and layer != self.project.layer and not self.state.reviewing:
            self.message.emit(f"This claim is {layer}'s: shown for reading in its place.")
        self.open_document(document_id)
        self.state.select_span(span_id)
        if self.state.current_span is None:  # not in the layer shown: select its text
            span = self.project.span(span_id)
            self.view.select(span.start, span.end)
        self.view.setFocus()

    def edit_details(self) -> None:
        document_id = self.state.document_id
        if document_id is None:
            return
        dialog = DetailsDialog(self.window, self.project.document(document_id))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.run(lambda: self.project.set_document_meta(document_id, **dialog.values()))

    def verify_text(self) -> bool:
        if self.state.document_id is None:
            return False
        document = self.project.document(self.state.document_id)
        ok = hashlib.sha256(document.text.encode("utf-8")).hexdigest() == document.text_sha256
        (inform if ok else warn)(
            self.window,
            "Verify text",
            "The text is exactly as imported (SHA-256 matches)."
            if ok
            else "The stored text no longer matches its SHA-256: run annotator check.",
        )
        return ok

    # -- claim record (inspector) ---------------------------------------------------------

    def _claim_field(self, span_id: int, name: str, value: str) -> None:
        self.run(lambda: self.project.set_claim_record(span_id, **{name: value}))

    def _add_evidence(self, span_id: int) -> None:
        dialog = EvidenceDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.run(
            lambda: self.project.add_evidence(
                span_id,
                dialog.location.text(),
                stance=dialog.stance.currentText(),
                quote=dialog.quote.text(),
                retrieved=dialog.retrieved.text(),
            )
        )

    def _remove_evidence(self, evidence_id: int) -> None:
        self.run(lambda: self.project.delete_evidence(evidence_id))
