"""File → Import / Export through the window: worker thread, progress dialog, Cancel."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from annotator.core.project import Project
from annotator.formats.export import ExportFilter
from annotator.formats.prodigy import iter_records
from annotator.formats.writers import export
from annotator.gui.jobs import run_job, time_left
from annotator.model.errors import InputFileError
from annotator.model.imports import Cancelled

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


def _cancel_when_shown(delay_ms: int = 150) -> None:
    def press() -> None:
        dialog = None
        for child in QApplication.allWidgets():
            if isinstance(child, QProgressDialog) and child.objectName() == "job_progress":
                dialog = child
        if dialog is None:
            QTimer.singleShot(20, press)
            return
        dialog.findChild(QPushButton).click()  # the dialog's Cancel button

    QTimer.singleShot(delay_ms, press)


def test_import_in_worker_adds_documents_and_labels(make_window):
    window = make_window()
    report = window.transfer.run_import([FIXTURES / "prodigy" / "rel_component_annotations.jsonl"])
    assert report.documents_added == 149
    assert window.doc_model.rowCount() == 150  # the sample and the 149 abstracts
    assert "GGP" in window.project.schema.label_names
    assert any(a.text().startswith("GGP") for a in window.label_toolbar.actions())


def test_own_import_is_reported_as_such_not_as_another_window(make_window):
    window = make_window()
    window.desktop.check_external_changes()  # the poll has seen the project as it was
    window.transfer.run_import([FIXTURES / "prodigy" / "rel_component_annotations.jsonl"])
    assert window.statusBar().currentMessage().startswith("Imported 149 new documents")
    assert window.desktop.check_external_changes() is False
    assert "another window" not in window.statusBar().currentMessage()


def test_failed_import_changes_nothing(make_window, tmp_path):
    window = make_window()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": "ok"}\n{"text": "x", "spans": [{"start": 0, "end": 5, "label": "c"}]}\n'
    )
    with pytest.raises(InputFileError, match=r"bad.jsonl:2"):
        window.transfer.run_import([bad])
    assert window.doc_model.rowCount() == 1
    report = window.transfer.run_import([bad], skip_invalid=True)
    assert report.documents_added == 1 and len(report.skipped) == 1


def test_cancelled_import_changes_nothing(make_window, tmp_path, monkeypatch):
    window = make_window()
    path = tmp_path / "many.jsonl"
    path.write_text(
        "\n".join(json.dumps({"text": f"Article number {n} said things."}) for n in range(300))
    )
    from annotator import text as nlp

    real = nlp.tokenize_many

    def slow(texts, lang="en"):  # slow enough for Cancel to land mid-import
        for offsets in real(texts, lang):
            time.sleep(0.01)
            yield offsets

    monkeypatch.setattr(nlp, "tokenize_many", slow)
    _cancel_when_shown()
    with pytest.raises(Cancelled):
        window.transfer.run_import([path])
    assert [d.title for d in window.project.documents()] == [window.doc_model.row_at(0).title]
    assert window.project.db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_export_in_worker_writes_the_file(make_window, tmp_path):
    window = make_window()
    text = window.project.document(window.document_id).text
    start = text.find("probably")
    window.run(lambda: window.project.add_span(window.document_id, start, start + 8, "hedge"))
    out = tmp_path / "out.jsonl"
    report = window.transfer.run_export("prodigy", out, chosen=ExportFilter())
    assert report.spans == 1
    (record,) = iter_records(out)
    assert record["spans"][0]["text"] == "probably"


def test_run_job_reraises_errors_on_the_gui_thread(make_window):
    window = make_window()

    def boom(job):
        raise ValueError("from the worker")

    with pytest.raises(ValueError, match="from the worker"):
        run_job(window, "Test", boom)


def test_run_job_cancel_stops_the_work(make_window):
    window = make_window()
    seen = []

    def work(job):
        job.stage("Working", 1000)
        for n in range(1000):
            if job.cancelled():
                raise Cancelled()
            seen.append(n)
            job.step(n)
            time.sleep(0.002)
        return "finished"

    _cancel_when_shown(100)
    with pytest.raises(Cancelled):
        run_job(window, "Test", work)
    assert 0 < len(seen) < 1000


def test_fallback_tokenizer_is_shown_when_opening_the_document(make_window, tmp_path):
    window = make_window()
    path = tmp_path / "ja.txt"
    path.write_text("東京で会議が開かれた。", "utf-8")
    from annotator.core.ingest import import_documents
    from annotator.model.imports import DocumentIn

    import_documents(
        window.project, [DocumentIn(text=path.read_text(), title="ja", where="x", lang="ja")]
    )
    window.reload_documents()
    window.open_document(window.doc_model.row_at(1).id)
    assert "no spaCy tokenizer for language 'ja'" in window.statusBar().currentMessage()


def test_window_import_of_the_interop_fixtures_matches_the_command_line(make_window, tmp_path):
    """The window imports through the same service as ``annotator import``: the same
    report, and the same project (exported the same way)."""
    from click.testing import CliRunner

    from annotator.cli import cli

    window = make_window()  # the sample is there in both projects
    report = window.transfer.run_import([FIXTURES])
    other = tmp_path / "cli.db"
    with Project.open(other, annotator="alice") as project:
        from annotator.core.samples import ensure_sample

        ensure_sample(project)
    result = CliRunner().invoke(
        cli, ["import", str(FIXTURES), "--db", str(other), "--annotator", "alice", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(json.dumps(report.to_dict())) == json.loads(result.output)
    assert report.documents_added > 200 and report.spans_added > 500

    def timeless(value):  # times (and a project's own history) differ by nature
        if isinstance(value, dict):
            drop = {"created", "updated", "events", "at"}
            return {k: timeless(v) for k, v in value.items() if k not in drop}
        return [timeless(v) for v in value] if isinstance(value, list) else value

    def exported(path: Path, out: Path) -> list:
        with Project.open(path, annotator="alice", create=False) as project:
            export(project, "native", out)
        return [timeless(json.loads(line)) for line in out.read_text("utf-8").splitlines()]

    mine = exported(window.project.path, tmp_path / "window.jsonl")
    theirs = exported(other, tmp_path / "cli.jsonl")
    assert mine[1:] == theirs[1:] and len(mine) == len(theirs)


@pytest.fixture
def qt_warnings():
    """Every warning Qt prints while the test runs (a handler replaces the console's)."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    heard: list[str] = []

    def handler(kind, _context, message):
        if kind != QtMsgType.QtDebugMsg and "propagateSizeHints" not in message:
            heard.append(message)  # the offscreen platform's own note is not ours

    previous = qInstallMessageHandler(handler)
    yield heard
    qInstallMessageHandler(previous)


def test_import_and_export_from_the_window_leave_qt_silent(make_window, tmp_path, qt_warnings):
    window = make_window()
    window.transfer.run_import([FIXTURES / "prodigy" / "rel_component_annotations.jsonl"])
    window.transfer.run_export("prodigy", tmp_path / "out.jsonl")
    QApplication.processEvents()
    assert (tmp_path / "out.jsonl").stat().st_size > 0
    assert qt_warnings == []


def test_a_job_reporting_progress_leaves_qt_silent(qtbot, qt_warnings):
    """Suggest, import and export all run through ``run_job``: its dialog is driven from
    the GUI thread whatever the worker reports."""
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)

    def work(job):
        job.stage("Counting…", 50)
        for n in range(50):
            job.step(n)
            time.sleep(0.01)  # long enough for the dialog to show (after 300 ms)
        return "done"

    assert run_job(parent, "Count", work) == "done"
    QApplication.processEvents()
    assert qt_warnings == []


def test_a_job_whose_dialog_showed_hands_activation_back_to_the_window(qtbot):
    """Once its progress dialog has shown (the job outlasted its delay), the window is
    active again afterwards: its shortcuts work without a click."""
    from PySide6.QtWidgets import QLineEdit, QMainWindow

    window = QMainWindow()
    window.setCentralWidget(QLineEdit())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)

    def work(job):
        job.stage("Counting…", 3)
        for n in range(3):
            job.step(n)
            time.sleep(0.2)  # past the dialog's 300 ms delay
        return "done"

    assert run_job(window, "Count", work) == "done"
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


@pytest.mark.parametrize(
    ("done", "total", "elapsed", "shown"),
    [
        (250, 1000, 10.0, "250 of 1,000 · about 00:30 left"),
        (12_000, 100_000, 60.0, "12,000 of 100,000 · about 07:20 left"),
        (1200, 1000, 5.0, "1,200 of 1,000 · about 00:00 left"),  # the count was an estimate
    ],
)
def test_progress_shows_the_time_left_at_the_rate_so_far(done, total, elapsed, shown):
    assert time_left(done, total, elapsed) == shown
