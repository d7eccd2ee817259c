"""Bulk commands run at the same time on one project wait for each other, as long as it
takes, and say so once; an edit in the window keeps its 10 s limit."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.model.errors import StoreError
from annotator.store.database import BUSY_TIMEOUT_S

pytestmark = pytest.mark.slow
WAITING = "waiting for another Annotator process writing to"


def _folders(tmp_path: Path, count: int, documents: int) -> list[Path]:
    folders = []
    for n in range(count):
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        for m in range(documents):
            (folder / f"{m}.txt").write_text(
                f"Batch {n} article {m}: officials said troops will probably arrive.", "utf-8"
            )
        folders.append(folder)
    return folders


def _import(folder: Path, db: Path) -> subprocess.Popen:
    command = ["import", str(folder), "--db", str(db)]
    return subprocess.Popen(
        [sys.executable, "-c", "from annotator.cli import main; main()", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def _finish(processes: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, err))
    return results


def _documents(db: Path) -> int:
    with Project.open(db, annotator="x", create=False) as project:
        return len(project.documents())


@pytest.mark.parametrize("existing", [True, False], ids=["existing project", "new project"])
def test_four_imports_at_once_all_succeed(tmp_path, existing):
    db = tmp_path / "project.db"
    if existing:
        Project.open(db, annotator="x").close()
    folders = _folders(tmp_path, 4, 40)
    results = _finish([_import(folder, db) for folder in folders])
    for code, out, err in results:
        assert code == 0, err
        assert "imported 40 new documents" in out
    assert _documents(db) == 160


def _hold_the_write_lock(db: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the write lock (as a long import or merge would)."""
    script = (
        "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
        "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); "
        f"time.sleep({seconds}); c.execute('COMMIT')"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_imports_wait_past_the_busy_timeout_and_say_so_once(tmp_path):
    db = tmp_path / "project.db"
    Project.open(db, annotator="x").close()
    folders = _folders(tmp_path, 2, 5)
    holder = _hold_the_write_lock(db, BUSY_TIMEOUT_S + 3)
    started = time.monotonic()
    results = _finish([_import(folder, db) for folder in folders])
    holder.wait(timeout=60)
    assert time.monotonic() - started > BUSY_TIMEOUT_S
    for code, _, err in results:
        assert code == 0, err
        assert err.count(WAITING) == 1, err
        assert f"{WAITING} {db}" in err
    assert _documents(db) == 10


def test_an_interactive_edit_keeps_the_ten_second_limit(tmp_path, monkeypatch):
    import annotator.store.database as database

    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 1.0)
    db = tmp_path / "project.db"
    with Project.open(db, annotator="alice") as project:
        from tests.conftest import add_document

        doc = add_document(project, "Officials said so.", "doc")
        holder = _hold_the_write_lock(db, 4)
        started = time.monotonic()
        with pytest.raises(StoreError, match="locked"):
            project.add_span(doc, 0, 9, "source")
        assert time.monotonic() - started < 3.5
        holder.wait(timeout=30)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone() == (0,)
