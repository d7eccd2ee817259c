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
