import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.project import Project


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("The minister said troops will probably arrive.", "utf-8")
    (folder / "two.txt").write_text("Officials denied it.", "utf-8")
    return folder


def test_import_then_stats(runner, db_path, articles):
    result = runner.invoke(cli, ["import", str(articles), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "imported 2 new documents" in result.output
    result = runner.invoke(cli, ["stats", "--db", str(db_path), "--json"])
    assert json.loads(result.output)["documents"] == 2


def test_db_option_before_the_command(runner, db_path, articles):
    result = runner.invoke(cli, ["--db", str(db_path), "import", str(articles / "one.txt")])
    assert result.exit_code == 0, result.output
    assert db_path.exists()


def test_annotator_db_environment_variable(runner, db_path, articles, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DB", str(db_path))
    assert runner.invoke(cli, ["import", str(articles)]).exit_code == 0
    with Project.open(db_path, annotator="x") as project:
        assert len(project.documents()) == 2


def test_export_prodigy(runner, db_path, articles, tmp_path):
    runner.invoke(cli, ["import", str(articles), "--db", str(db_path)])
    with Project.open(db_path, annotator="alice") as project:
        doc = project.documents()[0]
        text = project.document(doc.id).text
        project.add_span(doc.id, text.index("probably"), text.index(" arrive"), "hedge")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        cli, ["export", "--format", "prodigy", "-o", str(out), "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 1 record, 1 span" in result.output
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert record["spans"][0]["text"] == "probably"


def test_stats_table_lists_annotators(runner, db_path, articles):
    runner.invoke(cli, ["import", str(articles), "--db", str(db_path)])
    with Project.open(db_path, annotator="alice") as project:
        project.add_span(project.documents()[0].id, 0, 3, "actor")
    result = runner.invoke(cli, ["stats", "--db", str(db_path)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "documents  2" in lines
    assert any(line.startswith("alice") and line.split()[1:4] == ["1", "1", "0"] for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "{missing}"], "does not exist"),
        (["import", "{bad}"], "is not valid UTF-8"),
        (["stats"], "does not exist"),
        (["export", "--format", "prodigy", "-o", "{tmp}/x/y/out.jsonl"], "does not exist"),
    ],
    ids=["missing-file", "bad-encoding", "no-project", "bad-output-folder"],
)
def test_user_errors_are_one_line_without_traceback(runner, tmp_path, db_path, args, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9")
    if args[0] == "export":
        Project.open(db_path, annotator="a").close()
    values = {"missing": str(tmp_path / "missing.txt"), "bad": str(bad), "tmp": str(tmp_path)}
    argv = [a.format(**values) for a in args] + ["--db", str(db_path)]
    result = runner.invoke(cli, argv)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert message in result.output
    assert result.output.count("\n") == 1
    assert isinstance(result.exception, SystemExit)


def test_failed_import_leaves_project_unchanged(runner, db_path, articles):
    (articles / "zz_bad.txt").write_bytes(b"\x00\x01binary")
    runner.invoke(cli, ["import", str(articles / "one.txt"), "--db", str(db_path)])
    result = runner.invoke(cli, ["import", str(articles), "--db", str(db_path)])
    assert result.exit_code == 1
    with Project.open(db_path, annotator="x") as project:
        assert [d.title for d in project.documents()] == ["one"]


def test_skip_invalid_reports_skipped(runner, db_path, articles):
    (articles / "zz_bad.txt").write_bytes(b"caf\xe9")
    result = runner.invoke(
        cli, ["import", str(articles), "--skip-invalid", "--json", "--db", str(db_path)]
    )
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["documents_added"] == 2
    assert len(report["skipped"]) == 1 and "zz_bad.txt" in report["skipped"][0]


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and "annotator, version" in result.output


def test_real_process_reports_error_on_stderr(tmp_path, db_path):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotator",
            "import",
            str(tmp_path / "nope.txt"),
            "--db",
            str(db_path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"Error: {tmp_path / 'nope.txt'}: does not exist"]
