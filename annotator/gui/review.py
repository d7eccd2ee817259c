"""The review controller: review mode (adjudication) and the agreement report.

In review mode the window edits the ``gold`` layer: the article shows the gold spans,
every annotator's proposals are listed (and outlined in the article); one key adopts a
version into gold, Delete removes it from gold, and the document is marked adjudicated
when done. Everything is an ordinary undoable change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project import GOLD
from annotator.gui.article_view import ArticleView, ViewSpan
from annotator.gui.commands import Editor
from annotator.gui.controller import Controller
from annotator.gui.inspector import Inspector
from annotator.gui.messages import literal, plain_label
from annotator.gui.models import Column, RowTableModel, excerpt
from annotator.gui.panels import fit_columns
from annotator.gui.screen import fit_on_screen
from annotator.gui.state import WindowState
from annotator.model.words import counted

AGREE = QColor(89, 161, 79, 60)
DISAGREE = QColor(242, 142, 43, 70)


@dataclass(frozen=True, slots=True)
class Proposals:
    """What the review table shows besides its rows: the article and who proposed."""

    text: str
    annotators: tuple[str, ...]

    def agreed(self, item: dict[str, Any]) -> bool:
        """Whether every annotator proposed ``item``."""
        return set(item["by"]) == set(self.annotators)

    def describe(self, item: dict[str, Any]) -> str:
        if item["kind"] == "span":
            return excerpt(self.text[item["start"] : item["end"]], 60)
        head, child = item["head"], item["child"]
        return (
            f"{head[2]} “{excerpt(self.text[head[0] : head[1]], 25)}” → "
            f"{child[2]} “{excerpt(self.text[child[0] : child[1]], 25)}”"
        )


def review_table() -> RowTableModel:
    """Every annotator's proposals for one document, with whether gold has them (see
    :func:`show_proposals`)."""
    return RowTableModel([])


def show_proposals(
    model: RowTableModel, spans: list[dict], links: list[dict], text: str, annotators: list[str]
) -> None:
    """Fill the review table: a column per annotator, then gold; green rows were
    proposed by all."""
    shade = lambda item, c: AGREE if c.agreed(item) else DISAGREE  # noqa: E731
    in_gold = lambda item, _: item["in_layer"] is not None  # noqa: E731
    centre = Qt.AlignmentFlag.AlignCenter

    def by(name: str) -> Column:
        mark = lambda item, _: "✓" if name in item["by"] else ""  # noqa: E731
        return Column(name, mark, background=shade, bold=in_gold, alignment=centre)

    columns = [
        Column(
            "Label",
            lambda item, _: item["label"] if item["kind"] == "span" else f"link: {item['label']}",
            background=shade,
            bold=in_gold,
        ),
        Column("Text", lambda item, c: c.describe(item), background=shade, bold=in_gold),
        *(by(name) for name in annotators),
        Column(
            GOLD,
            lambda item, _: "✓" if item["in_layer"] is not None else "",
            background=shade,
            bold=in_gold,
            alignment=centre,
        ),
    ]
    items = [{**s, "kind": "span"} for s in spans] + [{**r, "kind": "link"} for r in links]
    model.set_columns(columns, items, context=Proposals(text, tuple(annotators)))


class ReviewController(Controller):
    """Review mode: owns the review panel (its header and table of proposals) and the
    agreement report; switching the layer goes through the window state, which every
    part of the window follows."""

    def __init__(
        self,
        state: WindowState,
        editor: Editor,
        *,
        panel: QWidget,
        header: QLabel,
        table: QTableView,
        view: ArticleView,
        inspector: Inspector,
        window: QWidget,
        parent: QObject | None = None,
    ):
        super().__init__(state, editor, parent)
        self.panel, self.header, self.table = panel, header, table
        self.model: RowTableModel = table.model()
        self.view, self.inspector, self.window = view, inspector, window
        state.layerChanged.connect(lambda _: panel.setVisible(state.reviewing))

    def toggle_review(self) -> None:
        self.set_review(not self.state.reviewing)

    def set_review(self, on: bool) -> None:
        """Edit the gold layer (adjudicate) or go back to one's own annotations."""
        self.inspector.commit_notes()
        self.state.set_layer(GOLD if on else self.project.annotator)
        if on:
            self.table.setFocus()
            self.message.emit(
                "Review: Enter adopts a version into gold, Delete removes it, "
                "Ctrl+Return marks the document adjudicated."
            )

    def refresh(self) -> None:
        """Re-read the proposals of the shown document (while reviewing; outside review
        the article's ghosts are suggestions)."""
        document_id = self.state.document_id
        if not self.state.reviewing or document_id is None:
            return
        spans, links = self.project.review_items(document_id)
        annotators = sorted({who for item in spans + links for who in item["by"]})
        row = self.table.currentIndex().row()
        show_proposals(self.model, spans, links, self.state.text, annotators)
        widths = {0: "source"} | {c: "✓ ana" for c in range(2, len(annotators) + 3)}
        fit_columns(self.table, widths)
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
        ghosts = [
            ViewSpan(-n - 1, s["start"], s["end"], s["label"])
            for n, s in enumerate(spans)
            if s["in_layer"] is None
        ]
        self.view.set_ghosts(ghosts)
        proposals = self.model.context
        agreed = sum(proposals.agreed(item) for item in self.model.rows)
        self.header.setText(
            f"Proposals of {', '.join(annotators) or 'nobody'}: {agreed} of "
            f"{self.model.rowCount()} agreed by all. Green: all agree; orange: not."
        )

    def _review_item(self) -> dict[str, Any] | None:
        return self.model.row_at(self.table.currentIndex().row())

    def adopt_selected(self) -> None:
        """Take the selected proposal into gold (the first annotator's version of it)."""
        item = self._review_item()
        if item is None or not item["by"]:
            self.message.emit("Pick a proposal in the review list first.")
            return
        source = item["by"][sorted(item["by"])[0]]
        if item["kind"] == "span":
            self.run(lambda: self.project.adopt(span_ids=[source]))
        else:
            self.run(lambda: self.project.adopt(relation_ids=[source]))

    def reject_selected(self) -> None:
        """Remove the selected proposal's gold version."""
        item = self._review_item()
        if item is None or item["in_layer"] is None:
            self.message.emit("This proposal is not in gold.")
            return
        if item["kind"] == "span":
            self.run(lambda: self.project.delete_span(item["in_layer"]))
        else:
            self.run(lambda: self.project.delete_relation(item["in_layer"]))

    # -- agreement ----------------------------------------------------------------------

    def show_agreement(self) -> AgreementDialog:
        from annotator.services.agreement import agreement

        colours = {label.name: label.colour for label in self.project.schema.labels}
        dialog = AgreementDialog(self.window, agreement(self.project), colours)
        dialog.show()
        self.agreement_dialog = dialog
        return dialog


class AgreementChart(QWidget):
    """Per-label bars: exact span F1 and token kappa of one pair of annotators."""

    def __init__(self, pair: dict[str, Any], labels: list[str], colours: dict[str, str]):
        super().__init__()
        self.pair, self.labels, self.colours = pair, labels, colours
        self.setMinimumHeight(40 + 34 * max(len(labels), 1))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, width = 110, max(self.width() - 170, 50)
        painter.drawText(
            QRectF(left, 4, width, 16),
            Qt.AlignmentFlag.AlignLeft,
            "solid: exact span F1 · light: token kappa (0 to 1)",
        )
        for n, label in enumerate(self.labels):
            top = 28 + n * 34
            painter.setPen(self.palette().text().color())
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(QRectF(0, top, left - 8, 28), right, label)
            colour = QColor(self.colours.get(label, "#888888"))
            values = (
                self.pair["exact"]["by_label"][label]["f1"],
                self.pair["kappa"]["by_label"][label],
            )
            for m, value in enumerate(values):
                bar = colour if m == 0 else colour.lighter(150)
                length = max(0.0, min(1.0, value or 0.0)) * width
                painter.fillRect(QRectF(left, top + m * 14, length, 12), bar)
                shown = "–" if value is None else f"{value:.2f}"
                painter.drawText(
                    QRectF(left + length + 6, top + m * 14 - 2, 60, 16),
                    Qt.AlignmentFlag.AlignLeft,
                    shown,
                )
        painter.end()


class AgreementDialog(QDialog):
    """Tools → Agreement: the figures per pair, all together, per document, and a chart."""

    def __init__(self, parent: QWidget, report: dict[str, Any], colours: dict[str, str]):
        super().__init__(parent)
        self.setObjectName("agreement_dialog")
        self.setWindowTitle("Agreement")
        self.report = report
        tabs = QTabWidget()
        for pair in report["pairs"]:
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.addWidget(
                plain_label(
                    f"{pair['a']} and {pair['b']}: {pair['documents']} documents"
                    f" · link F1 {_show(pair['links']['f1'])}"
                )
            )
            layout.addWidget(_pair_table(pair, report["labels"]))
            layout.addWidget(AgreementChart(pair, report["labels"], colours))
            tabs.addTab(page, literal(f"{pair['a']} – {pair['b']}"))
        tabs.addTab(_documents_table(report), "Documents")
        summary = plain_label(agreement_summary(report))
        summary.setWordWrap(True)
        tabs.setVisible(bool(report["pairs"]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.tabs = tabs
        fit_on_screen(self, 760, 620)


def agreement_summary(report: dict[str, Any]) -> str:
    """The dialog's first lines: the figures over everyone, or, when no document has two
    annotators yet, whose work there is and what agreement needs."""
    if report["pairs"]:
        everyone = report["all"]
        return (
            f"{counted(len(report['annotators']), 'annotator')} compared on "
            f"{counted(report['documents'], 'document')} annotated by at least two of them. "
            f"Fleiss' kappa {_show(everyone['fleiss_kappa']['overall'])} "
            f"({counted(everyone['fleiss_kappa']['documents'], 'document')} annotated by all); "
            f"Krippendorff's alpha {_show(everyone['alpha']['overall'])}."
        )
    from annotator.services.agreement import annotated_summary

    annotated = report["annotated"]
    work = annotated_summary(report)
    needs = (
        "Agreement compares two or more annotators on the same documents."
        " A second annotator can work in this project file under their own name"
        " (Settings → Your name), or in a copy merged back with File → Merge projects."
    )
    if not annotated:
        return f"Nothing is annotated yet. {needs}"
    if len(annotated) == 1:
        return f"Only one annotator so far ({work}). {needs}"
    return f"No document is annotated by two of them yet ({work}). {needs}"


def _show(value: float | None) -> str:
    return "–" if value is None else f"{round(value, 2) + 0.0:.2f}"  # no "-0.00"


def _pair_table(pair: dict[str, Any], labels: list[str]) -> QTableWidget:
    headers = ["", "exact P", "exact R", "exact F1", "overlap F1", "kappa", "alpha"]
    rows = ["overall", *labels]
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    for r, name in enumerate(rows):

        def pick(part: dict[str, Any], n: str = name) -> Any:
            return part["overall"] if n == "overall" else part["by_label"][n]

        exact = pick(pair["exact"])
        values = [
            name,
            _show(exact["precision"]),
            _show(exact["recall"]),
            _show(exact["f1"]),
            _show(pick(pair["overlap"])["f1"]),
            _show(pick(pair["kappa"])),
            _show(pick(pair["alpha"])),
        ]
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    return table


def _documents_table(report: dict[str, Any]) -> QTableWidget:
    rows = report["per_document"]
    table = QTableWidget(len(rows), 4)
    table.setHorizontalHeaderLabels(["Document", "Annotators", "exact F1", "kappa"])
    table.verticalHeader().hide()
    for r, row in enumerate(rows):
        for c, value in enumerate(
            [
                row["title"],
                ", ".join(row["annotators"]),
                _show(row["f1_exact"]),
                _show(row["kappa"]),
            ]
        ):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    return table
