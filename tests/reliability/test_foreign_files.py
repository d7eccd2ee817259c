"""What is beside or inside a project that Annotator did not put there: database URLs
given as paths, FIFOs and devices given as projects, ..."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from annotator.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize(
    "url", ["postgresql://user:secret@host:5432/db", "sqlite:///tmp/x.db", "mysql://h/db"]
)
@pytest.mark.parametrize("where", ["option", "environment", "merge output"])
def test_cli_database_url_refused_and_nothing_created(runner, tmp_path, monkeypatch, url, where):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("Officials said troops arrived.", encoding="utf-8")
    if where == "option":
        result = runner.invoke(cli, ["--db", url, "import", "a.txt"])
    elif where == "environment":
        monkeypatch.setenv("ANNOTATOR_DB", url)
        result = runner.invoke(cli, ["import", "a.txt"])
    else:
        (tmp_path / "p.db").write_bytes(b"")
        result = runner.invoke(cli, ["merge", "p.db", "-o", url])
    assert result.exit_code != 0
    assert "database server" in result.output and "not supported" in result.output
    assert "secret" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a.txt"] + (["p.db"] if where == "merge output" else [])
    )


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_cli_special_file_as_project_refused_without_blocking(runner, tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "project.db"
        os.mkfifo(path)
    else:
        path = "/dev/null"
    result = runner.invoke(cli, ["--db", str(path), "stats"])
    assert result.exit_code == 1
    assert ("a FIFO" if kind == "fifo" else "a device") in result.output


# -- outputs: backup targets, links, standard output ----------------------------------------------


@pytest.fixture
def saved(db_path):
    from annotator.core.project import Project
    from tests.conftest import add_document

    with Project.open(db_path, annotator="alice") as project:
        document = add_document(project, "Troops will probably arrive soon, officials said.")
        project.add_span(document, 12, 20, "hedge")
    return db_path


def _foreign_sqlite(path):
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", ["text", "foreign sqlite", "other project", "empty"])
def test_backup_refuses_an_existing_file_that_is_not_its_backup(runner, saved, tmp_path, kind):
    out = tmp_path / "thesis.txt"
    if kind == "text":
        out.write_text("chapter one", encoding="utf-8")
    elif kind == "foreign sqlite":
        _foreign_sqlite(out)
    elif kind == "other project":
        from annotator.core.project import Project

        Project.open(out, annotator="bob").close()
    else:
        out.write_bytes(b"")
    before = out.read_bytes()
    result = runner.invoke(cli, ["--db", str(saved), "backup", "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.output
    assert "not a backup of this project" in result.output
    assert out.read_bytes() == before
    forced = runner.invoke(cli, ["--db", str(saved), "backup", "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_bytes()[:16] == b"SQLite format 3\x00"


def test_backup_replaces_an_earlier_backup_of_the_same_project(runner, saved, tmp_path):
    out = tmp_path / "backup.db"
    for _ in range(2):
        result = runner.invoke(cli, ["--db", str(saved), "backup", "-o", str(out)])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", ["export", "backup"])
def test_output_link_is_written_through_never_replaced(runner, saved, tmp_path, command):
    target = tmp_path / "real.out"
    link = tmp_path / "link.out"
    link.symlink_to(target)
    if command == "export":
        args = ["export", "--format", "prodigy", "-o", str(link)]
    else:
        args = ["backup", "-o", str(link)]
    result = runner.invoke(cli, ["--db", str(saved), *args])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.is_file() and target.stat().st_size > 0


@pytest.mark.parametrize("fmt", ["native", "prodigy", "doccano", "labelstudio", "csv"])
def test_export_dash_writes_standard_output(runner, saved, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["--db", str(saved), "export", "--format", fmt, "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "probably" in result.stdout and "wrote" not in result.stdout
    assert "wrote" in result.stderr
    assert not (tmp_path / "-").exists()


def test_export_dash_refused_for_folder_formats(runner, saved, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["--db", str(saved), "export", "--format", "brat", "-o", "-"])
    assert result.exit_code == 1 and "writes a folder" in result.output
    assert not (tmp_path / "-").exists()
