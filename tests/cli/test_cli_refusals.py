"""Commands refuse what would mislead or leave debris: typos in filters, impossible dates,
sources merge cannot read, failed commands' new project files, terminal escapes from
files, and a SIGTERM in the middle of an export."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from annotator.cli import cli, terminal_safe
from annotator.core.project import GOLD, Project
from tests.conftest import add_document


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def annotated(db_path):
    """Alice and Bob marked the same hedge; the lead adopted it into gold."""
    with Project.open(db_path, annotator="alice") as project:
        document = add_document(project, "Troops will probably arrive soon, officials said.")
        for who in ("alice", "bob"):
            project.set_annotator(who)
            span = project.add_span(document, 12, 20, "hedge").spans_added[0]
        project.layer = GOLD
        project.adopt([span.id])
    return db_path


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--only-annotator",
            "nobody",
            "no annotator 'nobody' in this project (it has: alice, bob, gold)",
        ),
        ("--label", "hedges", "no label 'hedges' in this project"),
    ],
)
def test_export_refuses_a_filter_naming_nothing(
    runner, annotated, tmp_path, option, value, message
):
    out = tmp_path / "out.jsonl"
    args = ["--db", str(annotated), "export", "--format", "prodigy", "-o", str(out), option, value]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1 and message in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value"), [("--from", "2024-13-45"), ("--to", "yesterday"), ("--limit", "0")]
)
def test_search_refuses_impossible_values(runner, annotated, option, value):
    result = runner.invoke(cli, ["--db", str(annotated), "search", "troops", option, value])
    assert result.exit_code == 2 and value in result.output


def test_search_accepts_a_year_or_a_month(runner, annotated):
    for value in ("2024", "2024-10"):
        result = runner.invoke(cli, ["--db", str(annotated), "search", "troops", "--from", value])
        assert result.exit_code == 0, result.output


def test_agreement_leaves_out_gold_unless_asked(runner, annotated):
    result = runner.invoke(cli, ["--db", str(annotated), "agreement", "--json"])
    assert json.loads(result.output)["annotators"] == ["alice", "bob"]
    args = [
        "--db",
        str(annotated),
        "agreement",
        "--json",
        "--between",
        "alice",
        "--between",
        "gold",
    ]
    assert json.loads(runner.invoke(cli, args).output)["annotators"] == ["alice", "gold"]


def test_merge_refuses_a_file_to_import_before_creating_anything(runner, tmp_path):
    prodigy = tmp_path / "tasks.jsonl"
    prodigy.write_text('{"text": "Alice met Bob.", "spans": []}\n', "utf-8")
    target = tmp_path / "team.db"
    result = runner.invoke(cli, ["merge", str(prodigy), "-o", str(target)])
    assert result.exit_code == 1
    assert "is a prodigy file" in result.output and "annotator import" in result.output
    assert not target.exists()


def test_a_failed_import_leaves_no_new_project(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    target = tmp_path / "new.db"
    result = runner.invoke(cli, ["--db", str(target), "import", str(empty)])
    assert result.exit_code == 1
    assert list(tmp_path.glob("new.db*")) == []


def test_a_failed_import_keeps_an_existing_project(runner, annotated, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    assert runner.invoke(cli, ["--db", str(annotated), "import", str(empty)]).exit_code == 1
    assert annotated.exists()


def test_names_from_files_never_reach_the_terminal_as_escapes(runner, tmp_path):
    title = "\x1b]0;pwned\x07\x1b[2J"
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text(json.dumps({"text": "Alice met Bob.", "meta": {"title": title}}) + "\n")
    db = tmp_path / "p.db"
    assert runner.invoke(cli, ["--db", str(db), "import", str(jsonl)]).exit_code == 0
    result = runner.invoke(cli, ["--db", str(db), "search", "Alice", "--kind", "article"])
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert terminal_safe("a\x1bb\tc\nd") == "a\\x1bb\tc\nd"


@pytest.mark.slow
def test_sigterm_during_an_export_leaves_no_temporary_file(tmp_path):
    db = tmp_path / "big.db"
    records = tmp_path / "big.jsonl"
    with records.open("w") as handle:
        for n in range(4000):
            text = f"Document {n}: the minister said troops will probably arrive. " * 8
            handle.write(json.dumps({"text": text}) + "\n")
    env = {**os.environ, "ANNOTATOR_NAME": "alice"}
    command = [sys.executable, "-m", "annotator", "--db", str(db)]
    subprocess.run([*command, "import", str(records)], check=True, env=env, capture_output=True)
    out = tmp_path / "out" / "export.jsonl"
    out.parent.mkdir()
    child = subprocess.Popen(
        [*command, "export", "--format", "prodigy", "-o", str(out)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(out.parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the export has started writing
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 128 + signal.SIGTERM
    assert list(out.parent.iterdir()) == []
