"""The window's one table model: rows through column specs, kept in order, counted."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt

from annotator.gui.models import SORT_ROLE, Column, RowTableModel, ShownText, span_table
from annotator.model.records import SpanRef

GUI = Path(__file__).resolve().parents[2] / "annotator" / "gui"


def _display(model: QAbstractItemModel) -> list[list]:
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


@pytest.fixture
def spans(qapp) -> RowTableModel:
    model = span_table()
    rows = [SpanRef(3, 10, 14, "hedge"), SpanRef(1, 0, 5, "claim"), SpanRef(2, 0, 9, "claim")]
    model.set_rows(rows, context=ShownText.of("Kim said it may rain.", {"claim": "#4E79A7"}))
    return model


def test_row_table_keeps_rows_in_order_and_finds_them(spans):
    assert [s.id for s in spans.rows] == [2, 1, 3]  # by start, longer first
    assert [spans.row_of(i) for i in (1, 2, 3, 99)] == [1, 0, 2, None]
    assert _display(spans)[0] == ["claim", "Kim said ", 0, 9]
    assert spans.index(0, 0).data(Qt.ItemDataRole.UserRole) == 2


def test_row_table_insert_remove_and_counts(spans, qtbot):
    with qtbot.waitSignal(spans.rowsInserted) as inserted:
        assert spans.insert(SpanRef(4, 6, 8, "actor")) == 2
    assert inserted.args[1:] == [2, 2]
    assert spans.counts == {"claim": 2, "hedge": 1, "actor": 1}
    spans.remove(1)
    spans.remove(99)  # not shown: nothing happens
    assert [s.id for s in spans.rows] == [2, 4, 3]
    assert [spans.row_of(i) for i in (2, 4, 3)] == [0, 1, 2]
    assert spans.counts["claim"] == 1


def test_row_table_replace_changes_one_row_in_place(qapp, qtbot):
    model = RowTableModel([Column("Name", lambda r, _: r["name"])], key=lambda r: r["id"])
    model.set_rows([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.replace({"id": 2, "name": "B"})
    assert changed.args[0].row() == 1
    assert _display(model) == [["a"], ["B"]]
    assert model.row_of(2) == 1 and model.row_by_key(2)["name"] == "B"


def test_row_table_columns_style_and_sort(qapp):
    column = Column(
        "N",
        lambda r, c: f"{c}{r}",
        tooltip=lambda r, _: f"row {r}",
        bold=lambda r, _: r > 1,
        alignment=Qt.AlignmentFlag.AlignCenter,
        sort_key=lambda r, _: -r,
    )
    model = RowTableModel([column])
    model.set_rows([1, 2], context="#")
    first, second = model.index(0, 0), model.index(1, 0)
    assert (first.data(), first.data(Qt.ItemDataRole.ToolTipRole)) == ("#1", "row 1")
    assert first.data(Qt.ItemDataRole.UserRole) == 1  # no key: the row itself
    assert (
        first.data(Qt.ItemDataRole.FontRole) is None
        and second.data(Qt.ItemDataRole.FontRole).bold()
    )
    assert first.data(Qt.ItemDataRole.TextAlignmentRole) == Qt.AlignmentFlag.AlignCenter
    assert [first.data(SORT_ROLE), second.data(SORT_ROLE)] == [-1, -2]
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "N"


def test_window_has_one_table_model_class():
    subclasses = [
        f"{path.name}:{node.name}"
        for path in sorted(GUI.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(
            getattr(base, "id", getattr(base, "attr", ""))
            in {"QAbstractTableModel", "QAbstractItemModel", "QAbstractListModel", "RowTableModel"}
            for base in node.bases
        )
    ]
    assert subclasses == ["models.py:RowTableModel"]


def test_span_refs_come_in_the_span_lists_order(project, sample_doc):
    """The span list takes the store's spans without sorting them again (a long
    article's 50,000): the store's order must be the list's own."""
    from annotator.gui.models import span_key

    for start, end, label in [
        (10, 20, "claim"),
        (10, 30, "claim"),
        (10, 20, "actor"),
        (5, 40, "hedge"),
        (10, 30, "source"),
        (0, 3, "claim"),
    ]:
        project.add_span(sample_doc, start, end, label)
    refs = project.span_refs(sample_doc)
    assert len(refs) == 6
    assert refs == sorted(refs, key=span_key)
