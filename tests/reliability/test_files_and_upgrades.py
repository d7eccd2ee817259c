"""Upgrades, read-only and vanished files, a full disk, corrupt files, check and backup."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.project import Project
from annotator.model.errors import StoreError
from annotator.store import open_database
from annotator.store.migrations import known_migration_names

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "schema_m001.db"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def old_project(tmp_path) -> Path:
    target = tmp_path / "old.db"
    shutil.copyfile(OLD, target)
    return target


def test_old_schema_is_upgraded_after_a_backup_and_keeps_everything(old_project):
    original = _digest(old_project)
    with Project.open(old_project, annotator="olga") as project:
        applied = [r["name"] for r in project.db.query("SELECT name FROM _sqlite_migrations")]
        assert applied == known_migration_names()
        (summary,) = project.documents()
        spans = [(s.label, s.attributes, s.note) for s in project.spans(summary.id)]
        assert ("claim", {"checkworthy": True}, "") in spans
        assert ("source", {}, "named role") in spans
        relations = project.relations(summary.id)
        assert sorted(r.label for r in relations) == ["attributed_to", "hedges"]
        stance = next(r for r in relations if r.label == "attributed_to").attributes["stance"]
        assert stance == "asserts"
        assert project.status(summary.id) == "done"
        assert project.document(summary.id).note == "AFP wire, October 2024"
    backup = old_project.with_name("old.backup-m001_initial.db")
    assert _digest(old_project) != original
    with sqlite3.connect(backup) as conn:  # a consistent copy of the old file, next to it
        assert conn.execute("SELECT name FROM _sqlite_migrations").fetchall() == [("m001_initial",)]
        assert conn.execute("SELECT count(*) FROM spans").fetchone() == (3,)


def test_newer_project_is_refused_and_left_alone(old_project):
    conn = sqlite3.connect(old_project)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('annotator', 'm099_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = _digest(old_project)
    with pytest.raises(StoreError, match="newer version of Annotator"):
        Project.open(old_project, annotator="x")
    assert _digest(old_project) == before
    assert not list(old_project.parent.glob("*.backup-*"))


def test_read_only_project_is_refused_for_writing_with_a_message(project, db_path, monkeypatch):
    project.close()
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda p, mode: (
            False
            if mode == os.W_OK and Path(p) in (db_path, db_path.parent)
            else real_access(p, mode)
        ),
    )
    with pytest.raises(StoreError, match="is read-only"):
        Project.open(db_path, annotator="x")
    with Project.open(db_path, annotator="x", create=False, allow_readonly=True) as reader:
        assert reader.stats()["documents"] == 0


def test_write_to_a_read_only_connection_gives_a_clear_message(project, db_path, sample_doc):
    project.close()
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    from sqlite_utils import Database

    reader = Project(Database(conn), annotator="x", path=db_path)
    with pytest.raises(StoreError, match="is read-only"):
        reader.add_span(sample_doc, 0, 5, "claim")
    conn.close()


def test_disk_full_gives_a_clear_message_and_keeps_the_data(project, sample_doc):
    project.add_span(sample_doc, 0, 5, "claim")
    pages = project.db.execute("PRAGMA page_count").fetchone()[0]
    project.db.execute(f"PRAGMA max_page_count = {pages}")  # the file cannot grow: "full"
    from tests.conftest import add_document

    with pytest.raises(StoreError, match="disk is full"):
        add_document(project, "x " * 200_000, "huge")
    assert [s.label for s in project.spans(sample_doc)] == ["claim"]
    assert len(project.documents()) == 1


def test_vanished_folder_gives_a_clear_message(tmp_path):
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    project = Project.open(folder / "p.db", annotator="x")
    from tests.conftest import add_document

    doc = add_document(project, "Some text.", "t")
    shutil.rmtree(folder)
    with pytest.raises(StoreError):
        for _ in range(50):  # WAL may absorb a few writes before the loss shows
            project.add_span(doc, 0, 4, "claim")
            project.delete_span(project.spans(doc)[0].id)
    project.close()


def test_corrupt_file_is_refused_and_not_overwritten(project, db_path, sample_doc):
    project.close()
    data = bytearray(db_path.read_bytes())
    data[4096:8192] = b"\xde\xad\xbe\xef" * 1024  # a page of garbage
    db_path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    before = _digest(db_path)
    try:
        with Project.open(db_path, annotator="x") as opened:
            problems = _check(db_path)
            assert problems, "a corrupt page must show in annotator check"
            opened.close()
    except StoreError as exc:
        assert "corrupt" in str(exc) or "not an SQLite database" in str(exc)
    assert _digest(db_path) == before


def _check(db_path: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["check", "--db", str(db_path), "--json"])
    import json

    return json.loads(result.output)["problems"] if result.output.startswith("{") else ["failed"]


def test_check_finds_a_tampered_text(project, db_path, sample_doc):
    project.close()
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER document_texts_are_immutable")  # someone edits the file
    conn.execute("UPDATE document_texts SET text = replace(text, 'probably', 'certainly')")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["check", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "no longer matches its SHA-256" in result.output


def test_check_passes_on_a_sound_project(project, db_path, sample_doc):
    project.add_span(sample_doc, 0, 5, "claim")
    result = CliRunner().invoke(cli, ["check", "--db", str(db_path)])
    assert result.exit_code == 0
    assert result.output.startswith("ok: 1 document, 1 span,")


def test_backup_while_another_connection_writes(project, db_path, sample_doc, tmp_path):
    project.add_span(sample_doc, 0, 5, "claim")
    result = CliRunner().invoke(cli, ["backup", "--db", str(db_path), "-o", str(tmp_path / "b.db")])
    assert result.exit_code == 0, result.output
    project.add_span(sample_doc, 6, 10, "claim")  # the open window keeps working
    with Project.open(tmp_path / "b.db", annotator="x") as copy:
        assert len(copy.spans(sample_doc, annotator=None)) == 1
    refused = CliRunner().invoke(cli, ["backup", "--db", str(db_path), "-o", str(db_path)])
    assert refused.exit_code == 1 and "cannot replace the project file" in refused.output


def test_open_database_refuses_newer_without_touching(tmp_path):
    path = tmp_path / "n.db"
    db = open_database(path)
    db.close()
    assert path.exists()


@pytest.fixture
def immutable_folder(project, db_path, sample_doc):
    """The project in a folder nobody can write to, not even root (``chattr +i``)."""
    import shutil
    import subprocess

    project.close()
    if shutil.which("chattr") is None:
        pytest.skip("needs chattr")
    folder = db_path.parent
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("this file system or user cannot make a folder immutable")
    yield db_path
    subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_project_in_an_unwritable_folder_is_read_and_refused_for_writing(immutable_folder):
    from click.testing import CliRunner

    from annotator.cli import cli

    runner = CliRunner()
    stats = runner.invoke(cli, ["--db", str(immutable_folder), "stats", "--json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.output)["documents"] == 1
    claims = runner.invoke(cli, ["--db", str(immutable_folder), "claims"])
    assert claims.exit_code == 0, claims.output
    with pytest.raises(StoreError, match="read-only") as caught:
        Project.open(immutable_folder, annotator="x")
    assert "damaged" not in str(caught.value)
