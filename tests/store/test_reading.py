"""Reading a current project with sqlite3 alone (``plain_reading``), and handing every
other file to the full opening."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.project import Project
from annotator.model.errors import StoreError
from annotator.services.search import search, search_database
from annotator.store.reading import plain_reading
from tests.conftest import add_document, wal_of_a_copy

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def closed_project(db_path):
    with Project.open(db_path, annotator="alice") as project:
        add_document(project, "The mayor said the bridge would reopen in May.", "bridge")
        add_document(project, "Farmers expect a late harvest after the rain.", "harvest")
    return db_path


def test_a_current_project_is_read_with_sqlite3_alone(closed_project):
    with plain_reading(closed_project) as conn:
        assert isinstance(conn, sqlite3.Connection)
        plain = search_database(conn, "bridge")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM documents")
    with Project.open(closed_project, annotator="alice", create=False, readonly=True) as project:
        assert plain == search(project, "bridge")
    assert {hit.title for hit in plain} == {"bridge"}  # the text and the title


def test_reading_leaves_the_folder_as_it_was(closed_project):
    before = sorted(p.name for p in closed_project.parent.iterdir())
    with plain_reading(closed_project) as conn:
        assert conn is not None
    assert sorted(p.name for p in closed_project.parent.iterdir()) == before


def _older(path: Path) -> None:
    shutil.copy(FIXTURES / "schema_m001.db", path)


def _run(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()  # the last connection: its log is folded back in, none is left beside


def _planted_trigger(path: Path) -> None:
    _run(path, "CREATE TRIGGER planted AFTER INSERT ON spans BEGIN DELETE FROM spans; END")


def _log_beside(path: Path) -> None:
    Path(f"{path}-journal").write_bytes(b"left by a crash")


def _not_a_project(path: Path) -> None:
    path.write_text("just some notes", encoding="utf-8")


def _other_database(path: Path) -> None:
    path.unlink()
    _run(path, "CREATE TABLE recipes (name TEXT)")


@pytest.mark.parametrize(
    "make", [_older, _planted_trigger, _log_beside, _not_a_project, _other_database]
)
def test_anything_else_goes_to_the_full_opening(closed_project, make):
    make(closed_project)
    if make is not _log_beside:
        assert not Path(f"{closed_project}-wal").exists()  # refused for what it is
    with plain_reading(closed_project) as conn:
        assert conn is None


def test_a_log_left_by_a_crash_goes_to_the_full_opening(closed_project, tmp_path):
    # The full opening keeps a copy of the project and its log before SQLite applies it.
    folder = tmp_path / "teammate"
    folder.mkdir()
    wal = wal_of_a_copy(closed_project, folder, "DELETE FROM document_status")
    Path(f"{closed_project}-wal").write_bytes(wal)
    with plain_reading(closed_project) as conn:
        assert conn is None


def test_a_missing_file_goes_to_the_full_opening(tmp_path):
    with plain_reading(tmp_path / "nowhere.db") as conn:
        assert conn is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("readonly", [True, False])
def test_opening_a_current_project_runs_on_sqlite3(closed_project, readonly):
    before = sorted(p.name for p in closed_project.parent.iterdir())
    with Project.open(closed_project, annotator="alice", readonly=readonly) as project:
        assert [d.title for d in project.documents()] == ["bridge", "harvest"]
        assert project.db.full_made is False  # opened and read with sqlite3 alone
        if readonly:
            with pytest.raises(StoreError, match="read-only"):
                project.set_document_meta(1, outlet="AFP")
        else:
            project.set_document_meta(1, outlet="AFP")  # an edit too
            assert project.db.full_made is False
        assert "documents" in project.db.table_names()  # sqlite-utils' API, made when asked
        assert project.db.full_made is True
    with Project.open(closed_project, annotator="alice", readonly=True) as project:
        assert project.document(1).meta == ({} if readonly else {"outlet": "AFP"})
    if readonly:
        assert sorted(p.name for p in closed_project.parent.iterdir()) == before


@pytest.mark.parametrize("make", [_older, _log_beside])
def test_opening_anything_else_for_reading_takes_the_full_way(closed_project, make):
    make(closed_project)
    with Project.open(closed_project, annotator="alice", create=False, readonly=True) as project:
        assert project.db.full_made is True  # checked, upgraded or recovered by sqlite-utils
        assert len(project.documents()) == (1 if make is _older else 2)  # m001's has one
