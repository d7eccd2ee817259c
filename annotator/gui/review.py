"""Review mode (adjudication), the agreement report, and File → Merge.
Mixed into :class:`~annotator.gui.main_window.MainWindow`.

In review mode the window edits the ``gold`` layer: the article shows the gold spans,
every annotator's proposals are listed (and outlined in the article); one key adopts a
version into gold, Delete removes it from gold, and the document is marked adjudicated
when done. Everything is an ordinary undoable change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project import GOLD, Project
from annotator.gui.article_view import ViewSpan
from annotator.gui.jobs import Job
from annotator.gui.messages import inform, literal, plain_label, warn
from annotator.gui.models import Column, RowTableModel, excerpt
from annotator.gui.panels import fit_columns
from annotator.model.errors import AnnotatorError

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object

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


class ReviewMixin(_Base):
    @property
    def reviewing(self) -> bool:
        return self.project.layer == GOLD

    def toggle_review(self) -> None:
        self.set_review(not self.reviewing)

    def set_review(self, on: bool) -> None:
        """Edit the gold layer (adjudicate) or go back to one's own annotations."""
        self.inspector.commit_notes()
        self.project.layer = GOLD if on else self.project.annotator
        self.undo_stack.clear()
        self.review_panel.setVisible(on)
        if on:
            self.right.setSizes([420, 200, 80, 200])
        self.actions_by_name["review"].setChecked(on)
        self._update_title()
        self.reload_documents()
        if self.document_id is not None:
            self.open_document(self.document_id)
        if on:
            self.review_table.setFocus()
            self.show_message(
                "Review: Enter adopts a version into gold, Delete removes it, "
                "Ctrl+Return marks the document adjudicated."
            )

    def refresh_review(self) -> None:
        """Re-read the proposals of the shown document (after any change)."""
        if not self.reviewing or self.document_id is None:
            self.assist.refresh_suggestions()  # outside review, the ghosts are suggestions
            return
        spans, links = self.project.review_items(self.document_id)
        annotators = sorted({who for item in spans + links for who in item["by"]})
        row = self.review_table.currentIndex().row()
        show_proposals(self.review_model, spans, links, self._text, annotators)
        widths = {0: "source"} | {c: "✓ ana" for c in range(2, len(annotators) + 3)}
        fit_columns(self.review_table, widths)
        if 0 <= row < self.review_model.rowCount():
            self.review_table.selectRow(row)
        ghosts = [
            ViewSpan(-n - 1, s["start"], s["end"], s["label"])
            for n, s in enumerate(spans)
            if s["in_layer"] is None
        ]
        self.view.set_ghosts(ghosts)
        proposals = self.review_model.context
        agreed = sum(proposals.agreed(item) for item in self.review_model.rows)
        self.review_header.setText(
            f"Proposals of {', '.join(annotators) or 'nobody'}: {agreed} of "
            f"{self.review_model.rowCount()} agreed by all. Green: all agree; orange: not."
        )

    def _review_item(self) -> dict[str, Any] | None:
        row = self.review_table.currentIndex().row()
        return self.review_model.row_at(row)

    def adopt_selected(self) -> None:
        """Take the selected proposal into gold (the first annotator's version of it)."""
        item = self._review_item()
        if item is None or not item["by"]:
            self.show_message("Pick a proposal in the review list first.")
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
            self.show_message("This proposal is not in gold.")
            return
        if item["kind"] == "span":
            self.run(lambda: self.project.delete_span(item["in_layer"]))
        else:
            self.run(lambda: self.project.delete_relation(item["in_layer"]))

    def mark_adjudicated(self) -> None:
        if self.reviewing:
            self.mark_and_next("done")

    # -- agreement ----------------------------------------------------------------------

    def show_agreement(self) -> AgreementDialog:
        from annotator.services.agreement import agreement

        dialog = AgreementDialog(self, agreement(self.project))
        dialog.show()
        self.agreement_dialog = dialog
        return dialog

    # -- merge ----------------------------------------------------------------------------

    def merge_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Merge projects into this one",
            "",
            "Annotator projects and native exports (*.db *.sqlite *.jsonl);;All files (*)",
        )
        if not paths:
            return
        try:
            report = self.run_merge([Path(p) for p in paths])
        except AnnotatorError as exc:
            warn(self, "Merge failed", str(exc))
            return
        lines = [
            f"Merged {len(paths)} file(s): {report.documents_added} new document(s), "
            f"{report.documents_matched} matched; {report.spans_added} span(s) added, "
            f"{report.spans_already_there} already here, {report.spans_updated} updated; "
            f"{report.relations_added} link(s); {report.events_added} history event(s).",
            *report.schema_differences,
            *report.notes[:20],
        ]
        inform(self, "Merge", "\n".join(lines))

    def run_merge(self, paths: list[Path]):
        from annotator.services.merge import merge_into

        def work(job: Job, project: Project):
            job.stage("Merging…", len(paths))
            return merge_into(project, paths, progress=job.step, cancelled=job.cancelled)

        report = self._in_worker("Merge", work)
        self.on_bulk_change(report.summary)
        return report


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

    def __init__(self, window: MainWindow, report: dict[str, Any]):
        super().__init__(window)
        self.setObjectName("agreement_dialog")
        self.setWindowTitle("Agreement")
        self.report = report
        tabs = QTabWidget()
        colours = {label.name: label.colour for label in window.project.schema.labels}
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
        everyone = report["all"]
        summary = plain_label(
            f"{len(report['annotators'])} annotators, {report['documents']} documents. "
            f"Fleiss' kappa {_show(everyone['fleiss_kappa']['overall'])} "
            f"({everyone['fleiss_kappa']['documents']} documents annotated by all); "
            f"Krippendorff's alpha {_show(everyone['alpha']['overall'])}."
        )
        summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(tabs)
        layout.addWidget(buttons)
        self.tabs = tabs
        self.resize(760, 620)


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
