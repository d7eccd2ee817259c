"""File → Export and Import: formats by name, only the chosen format's options, a place
to save in the user's documents folder, and a bad destination refused in the dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from annotator.gui.export_dialog import FORMAT_NAMES, ExportDialog, documents_folder


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    """A home folder of its own with a Documents folder (QStandardPaths in test mode)."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    QStandardPaths.setTestModeEnabled(True)
    yield documents_folder()
    QStandardPaths.setTestModeEnabled(False)


@pytest.fixture
def dialog(qtbot, documents):
    shown = ExportDialog(None, "alice", "newsdesk")
    qtbot.addWidget(shown)
    return shown


def _choose(dialog: ExportDialog, fmt: str) -> None:
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))


def test_export_dialog_names_formats_as_people_know_them(dialog):
    names = [dialog.format.itemText(n) for n in range(dialog.format.count())]
    ids = [dialog.format.itemData(n) for n in range(dialog.format.count())]
    assert "Prodigy JSONL" in names and "spaCy DocBin" in names
    assert not set(names) & set(FORMAT_NAMES)  # no raw id like "labelstudio" shown
    assert {"prodigy", "spacy", "labelstudio", "claims-csv"} <= set(ids)


@pytest.mark.parametrize(
    "fmt,spacy,conll,hf,filters",
    [
        ("prodigy", False, False, False, True),
        ("spacy", True, False, False, True),
        ("conll", False, True, False, True),
        ("hf", False, False, True, True),
        ("claimreview", False, False, False, False),
    ],
)
def test_export_dialog_shows_only_the_formats_own_options(dialog, fmt, spacy, conll, hf, filters):
    _choose(dialog, fmt)
    form = dialog.form
    assert form.isRowVisible(dialog.spans_key) is spacy
    assert form.isRowVisible(dialog.ents) is spacy
    assert form.isRowVisible(dialog.conll_layout) is conll
    assert form.isRowVisible(dialog.hf_split) is hf
    assert form.isRowVisible(dialog.hf_license) is hf
    assert form.isRowVisible(dialog.only_done) is filters


def test_export_dialog_gives_the_hf_options_and_writes_a_folder(dialog):
    _choose(dialog, "hf")
    dialog.hf_split.setText("0.7,0.2,0.1")
    dialog.hf_license.setText("cc-by-4.0")
    fmt, out, _, options = dialog.settings()
    assert (fmt, options) == ("hf", {"split": "0.7,0.2,0.1", "license": "cc-by-4.0"})
    assert dialog.writes_folder() and not out.suffix


def test_export_dialog_saves_to_the_documents_folder_by_default(dialog, documents):
    assert documents.parent.name == "home"  # the test's own home, not the working folder
    assert Path(dialog.path.text()) == documents / "newsdesk-prodigy.jsonl"
    _choose(dialog, "spacy")
    assert Path(dialog.path.text()) == documents / "newsdesk-spacy.spacy"
    _choose(dialog, "brat")
    assert Path(dialog.path.text()) == documents / "newsdesk-brat"  # a folder
    dialog.path.setText(str(documents / "mine.jsonl"))
    _choose(dialog, "prodigy")
    assert Path(dialog.path.text()) == documents / "mine.jsonl"  # typed: kept


@pytest.mark.parametrize(
    "typed,said",
    [
        ("", "Choose where to save the export."),
        ("/no/such/folder/out.jsonl", "The folder /no/such/folder does not exist."),
        ("{documents}", "is a folder; give the name of a file to write."),
    ],
)
def test_export_dialog_refuses_a_bad_destination_and_stays_open(dialog, documents, typed, said):
    dialog.show()
    dialog.only_done.setChecked(True)
    dialog.path.setText(typed.format(documents=documents))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.problem.isVisible() and said in dialog.problem.text()
    assert dialog.only_done.isChecked()  # every choice kept


def test_failed_export_reopens_the_dialog_with_the_reason(make_window, documents, db_path):
    window = make_window()
    seen: list[str] = []

    def drive(step: int = 0) -> None:
        dialog = getattr(window.transfer, "export_dialog", None)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, lambda: drive(step))
            return
        if step == 0:  # the project's own file: the export refuses it
            dialog.path.setText(str(db_path))
            dialog.accept()
            QTimer.singleShot(20, lambda: drive(1))
        else:
            seen.append(dialog.problem.text())
            seen.append(dialog.path.text())
            dialog.reject()

    QTimer.singleShot(0, drive)
    window.transfer.export_files()
    assert seen[0].startswith("Export failed:")
    assert seen[1] == str(db_path)
    assert db_path.stat().st_size > 0 and not Path(str(db_path) + ".jsonl").exists()


def test_import_starts_in_the_documents_folder_then_where_it_last_was(
    make_window, documents, monkeypatch, tmp_path
):
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []
    chosen = tmp_path / "news" / "a.txt"
    chosen.parent.mkdir()
    chosen.write_text("An article.", encoding="utf-8")

    def fake(_parent, _title, folder, _filters):
        asked.append(folder)
        return [str(chosen)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake))
    window = make_window()
    monkeypatch.setattr("annotator.gui.transfer.inform", lambda *args: None)
    window.transfer.import_files()
    window.transfer.import_files()
    QApplication.processEvents()
    assert asked == [str(documents), str(chosen.parent)]
