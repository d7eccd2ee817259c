"""What is beside or inside a project that Annotator did not put there: database URLs
given as paths, FIFOs and devices given as projects, ..."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from tests.conftest import wal_of_a_copy


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


def _not_a_backup(path, kind):
    """A file at ``path`` that is no backup of the project (``missing``: none)."""
    if kind == "text":
        path.write_text("chapter one", encoding="utf-8")
    elif kind == "foreign sqlite":
        _foreign_sqlite(path)
    elif kind == "other project":
        from annotator.core.project import Project

        Project.open(path, annotator="bob").close()
    elif kind == "empty":
        path.write_bytes(b"")


@pytest.mark.parametrize("kind", ["text", "foreign sqlite", "other project", "empty"])
def test_backup_refuses_an_existing_file_that_is_not_its_backup(runner, saved, tmp_path, kind):
    out = tmp_path / "thesis.txt"
    _not_a_backup(out, kind)
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


# -- schema objects Annotator did not create ------------------------------------------------------

PLANTED = {
    "trigger": (
        "CREATE TRIGGER evil AFTER INSERT ON documents BEGIN DELETE FROM spans; END",
        "an unknown trigger evil",
    ),
    "recursive view": (
        "CREATE VIEW loop AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT x FROM c",
        "an unknown view loop",
    ),
    "table": ("CREATE TABLE extra (x)", "an unknown table extra"),
    "column": ("ALTER TABLE spans ADD COLUMN extra TEXT", "an unknown column spans.extra"),
    "index": ("CREATE INDEX spans_by_note ON spans (note)", "an unknown index spans_by_note"),
    "rewritten trigger": (
        "DROP TRIGGER spans_within_text_insert; CREATE TRIGGER spans_within_text_insert "
        "AFTER INSERT ON spans BEGIN DELETE FROM relations; END",
        "the trigger spans_within_text_insert differs",
    ),
}


def _plant(path, sql):
    import sqlite3

    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()


def _span_count(path, *, without_log=False):
    import sqlite3

    options = "mode=ro&immutable=1" if without_log else "mode=ro"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM spans").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("planted", list(PLANTED))
@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["import", "{text}"],
        ["export", "--format", "native", "-o", "{out}"],
        ["search", "x"],
    ],
)
def test_cli_planted_object_refused_before_anything_runs(runner, saved, tmp_path, planted, command):
    sql, described = PLANTED[planted]
    _plant(saved, sql)
    text = tmp_path / "new.txt"
    text.write_text("A new article, officials said.", encoding="utf-8")
    args = [a.format(text=text, out=tmp_path / "out.jsonl") for a in command]
    result = runner.invoke(cli, ["--db", str(saved), *args])
    assert result.exit_code == 1, result.output
    assert described in result.output and "check --repair" in result.output
    assert _span_count(saved) == 1
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("planted", list(PLANTED))
def test_check_repair_removes_planted_object_after_a_copy(runner, saved, tmp_path, planted):
    sql, described = PLANTED[planted]
    _plant(saved, sql)
    found = runner.invoke(cli, ["--db", str(saved), "check"])
    assert found.exit_code == 1 and described in found.output
    repaired = runner.invoke(cli, ["--db", str(saved), "check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert f"removed {described}" in repaired.output
    (copy,) = saved.parent.glob("project.before-repair-*.db")
    assert described in runner.invoke(cli, ["--db", str(copy), "check"]).output
    text = tmp_path / "new.txt"
    text.write_text("A new article, officials said.", encoding="utf-8")
    assert runner.invoke(cli, ["--db", str(saved), "import", str(text)]).exit_code == 0
    assert _span_count(saved) == 1
    assert runner.invoke(cli, ["--db", str(saved), "check"]).exit_code == 0


def test_check_on_a_sound_project_finds_no_foreign_object(runner, saved):
    result = runner.invoke(cli, ["--db", str(saved), "check", "--repair"])
    assert result.exit_code == 0 and "removed" not in result.output
    assert not list(saved.parent.glob("*.before-repair-*"))


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ("[1]", "holds a row that is not an object"),
        ('[{"table": "spans"}]', "holds a row without its table and key"),
        ('[{"table": "spans", "key": [1], "before": 3, "after": null}]', "before or after"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [["check"], ["export", "--format", "native", "-o", "{out}"], ["merge", "{db}", "-o", "{out}"]],
)
def test_event_row_of_wrong_shape_is_one_line(runner, saved, tmp_path, rows, reason, command):
    _plant(saved, f"UPDATE events SET rows = '{rows}' WHERE id = (SELECT max(id) FROM events)")
    out = tmp_path / "out"
    args = [a.format(out=out, db=saved) for a in command]
    result = runner.invoke(cli, ["--db", str(saved), *args])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "events.rows of event" in result.output and reason in result.output


def test_dangling_span_reported_by_check_and_export(runner, saved, tmp_path):
    _plant(saved, "PRAGMA foreign_keys = OFF; DELETE FROM documents;")
    checked = runner.invoke(cli, ["--db", str(saved), "check"])
    assert checked.exit_code == 1
    assert "spans row 1 refers to a missing documents row" in checked.output
    out = tmp_path / "out.jsonl"
    exported = runner.invoke(
        cli, ["--db", str(saved), "export", "--format", "prodigy", "-o", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    assert "1 row of spans left out" in exported.output


# -- logs found beside a project: kept as found before SQLite applies them -----------------------


def _many_spans(path, n=40):
    from annotator.core.project import Project
    from tests.conftest import add_document

    text = " ".join(f"word{i}" for i in range(n))
    with Project.open(path, annotator="alice") as project:
        document = add_document(project, text)
        start = 0
        for i in range(n):
            end = start + len(f"word{i}")
            project.add_span(document, start, end, "actor")
            start = end + 1


def _wal_of_a_copy_that_deleted_half(project_path, tmp_path):
    return wal_of_a_copy(project_path, tmp_path, "DELETE FROM spans WHERE id % 2 = 0")


@pytest.mark.parametrize("command", [["stats"], ["check"], ["import", "{text}"]])
def test_foreign_wal_is_kept_with_the_project_before_it_is_applied(
    runner, db_path, tmp_path, command
):
    _many_spans(db_path)
    wal = _wal_of_a_copy_that_deleted_half(db_path, tmp_path)
    (db_path.parent / "project.db-wal").write_bytes(wal)
    text = tmp_path / "new.txt"
    text.write_text("Another article, officials said.", encoding="utf-8")
    args = [a.format(text=text) for a in command]
    result = runner.invoke(cli, ["--db", str(db_path), *args])
    assert result.exit_code in (0, 1), result.output
    assert "project.db-wal found beside it" in result.output
    if command[0] != "import":  # reading: read as found, copied by the next write
        assert "the next command that writes keeps a copy" in result.output
        result = runner.invoke(cli, ["--db", str(db_path), "import", str(text)])
    (copy,) = db_path.parent.glob("project.before-recovery-*.db")
    assert "kept in project.before-recovery-" in result.output
    assert (db_path.parent / f"{copy.name}-wal").read_bytes() == wal
    assert _span_count(copy, without_log=True) == 40  # the project before the log
    assert _span_count(copy) == 20  # with it: what the project became
    assert runner.invoke(cli, ["--db", str(db_path), "stats"]).output.count("found beside") == 0


def test_no_copy_while_another_annotator_has_the_project_open(runner, db_path):
    from annotator.core.project import Project

    _many_spans(db_path, 4)
    with Project.open(db_path, annotator="bob") as window:
        window.add_span(1, 0, 5, "claim")  # its WAL is live
        assert (db_path.parent / "project.db-wal").stat().st_size > 0
        result = runner.invoke(cli, ["--db", str(db_path), "stats"])
        assert result.exit_code == 0 and "found beside" not in result.output
    assert not list(db_path.parent.glob("*.before-recovery-*"))


def test_hold_sees_another_process(db_path):
    import subprocess
    import sys

    from annotator.store.recovery import hold, release

    _many_spans(db_path, 2)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from annotator.store import open_database; "
            f"db = open_database({str(db_path)!r}); print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "open"
        token = hold(db_path)
        assert not token.alone
        release(token)
    finally:
        child.stdin.close()
        child.wait(10)
    token = hold(db_path)
    assert token.alone
    release(token)


# -- reading is reading ----------------------------------------------------------------------------

READING = {
    "stats": ["stats"],
    "check": ["check"],
    "search": ["search", "troops"],
    "export": ["export", "--format", "prodigy", "-o", "{out}"],
    "agreement": ["agreement"],
    "claims": ["claims"],
    "backup": ["backup", "-o", "{out}"],
}


def _folder_state(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("command", list(READING))
def test_reading_command_leaves_the_project_folder_as_it_was(runner, saved, tmp_path, command):
    before = _folder_state(saved.parent)
    args = [a.format(out=tmp_path / "out") for a in READING[command]]
    result = runner.invoke(cli, ["--db", str(saved), *args])
    assert result.exit_code == 0, result.output
    assert _folder_state(saved.parent) == before


@pytest.mark.parametrize("command", list(READING))
def test_reading_command_on_an_empty_file_says_so_and_keeps_it(runner, tmp_path, command):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    args = [a.format(out=tmp_path / "out") for a in READING[command]]
    result = runner.invoke(cli, ["--db", str(path), *args])
    assert result.exit_code == 1 and "is an empty file, not an Annotator project" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
    assert path.stat().st_size == 0


@pytest.mark.parametrize("command", list(READING))
def test_reading_command_on_another_applications_database(runner, tmp_path, command):
    path = tmp_path / "notes.db"
    _foreign_sqlite(path)
    before = path.read_bytes()
    args = [a.format(out=tmp_path / "out") for a in READING[command]]
    result = runner.invoke(cli, ["--db", str(path), *args])
    assert result.exit_code == 1 and "not an Annotator project" in result.output
    assert "damaged" not in result.output
    assert path.read_bytes() == before


def test_reading_commands_keep_a_rollback_journal_project(runner, saved, tmp_path):
    import sqlite3

    conn = sqlite3.connect(saved)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = saved.read_bytes()
    for command in READING.values():
        args = [a.format(out=tmp_path / "out") for a in command]
        assert runner.invoke(cli, ["--db", str(saved), *args]).exit_code == 0
        (tmp_path / "out").unlink(missing_ok=True)
    assert saved.read_bytes() == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["project.db"]


def test_reading_command_on_an_older_project_upgrades_it_in_memory_only(runner, tmp_path):
    import shutil
    from pathlib import Path

    old = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schema_m001.db", old)
    before = old.read_bytes()
    for name in ("stats", "export", "search"):
        args = [a.format(out=tmp_path / "out.jsonl") for a in READING[name]]
        result = runner.invoke(cli, ["--db", str(old), *args])
        assert result.exit_code == 0, result.output
    assert old.read_bytes() == before
    assert not list(tmp_path.glob("old.backup-*"))


# -- restore -----------------------------------------------------------------------------------


def _backed_up(runner, project, folder):
    """``annotator backup`` of ``project`` into ``folder/backup.db``."""
    backup = folder / "backup.db"
    assert runner.invoke(cli, ["--db", str(project), "backup", "-o", str(backup)]).exit_code == 0
    return backup


def test_restore_puts_the_backup_in_place_despite_a_stale_log(runner, db_path, tmp_path):
    _many_spans(db_path)
    backup = _backed_up(runner, db_path, tmp_path)
    stale = _wal_of_a_copy_that_deleted_half(db_path, tmp_path)
    (db_path.parent / "project.db-wal").write_bytes(stale)
    result = runner.invoke(cli, ["--db", str(db_path), "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert "restored" in result.output and "before-restore-" in result.output
    assert _span_count(db_path) == 40
    (kept,) = db_path.parent.glob("project.before-restore-*.db")
    assert (db_path.parent / f"{kept.name}-wal").read_bytes() == stale
    checked = runner.invoke(cli, ["--db", str(db_path), "check"])
    assert checked.exit_code == 0 and kept.name in checked.output


def test_restore_refused_while_the_project_is_open(runner, saved, tmp_path):
    from annotator.core.project import Project

    backup = _backed_up(runner, saved, tmp_path)
    before = saved.read_bytes()
    with Project.open(saved, annotator="bob"):
        result = runner.invoke(cli, ["--db", str(saved), "restore", str(backup)])
    assert result.exit_code == 1 and "is open in another Annotator" in result.output
    assert saved.read_bytes() == before
    assert not list(saved.parent.glob("*.before-restore-*"))


@pytest.mark.parametrize("kind", ["text", "foreign sqlite", "empty", "missing"])
def test_restore_refuses_what_is_not_a_backup(runner, saved, tmp_path, kind):
    backup = tmp_path / "backup.db"
    _not_a_backup(backup, kind)
    before = saved.read_bytes()
    result = runner.invoke(cli, ["--db", str(saved), "restore", str(backup)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert saved.read_bytes() == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["project.db"]


def test_backup_copied_over_by_hand_keeps_the_stale_log_as_evidence(runner, db_path, tmp_path):
    import shutil

    _many_spans(db_path)
    backup = _backed_up(runner, db_path, tmp_path)
    stale = _wal_of_a_copy_that_deleted_half(db_path, tmp_path)
    (db_path.parent / "project.db-wal").write_bytes(stale)
    shutil.copyfile(backup, db_path)  # what users do without `restore`
    text = tmp_path / "new.txt"
    text.write_text("Another article, officials said.", encoding="utf-8")
    result = runner.invoke(cli, ["--db", str(db_path), "import", str(text)])
    assert "kept in project.before-recovery-" in result.output
    (copy,) = db_path.parent.glob("project.before-recovery-*.db")
    assert _span_count(copy, without_log=True) == 40  # the backup as copied in


STDOUT_ARGS = ["--format", "prodigy", "-o", "/dev/stdout"]


def test_export_to_dev_stdout_writes_the_stream_and_keeps_the_link(saved, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "redirected.jsonl"
    with out.open("wb") as handle:
        done = subprocess.run(
            [sys.executable, "-m", "annotator.cli", "--db", str(saved), "export", *STDOUT_ARGS],
            stdout=handle,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert "wrote 1 record" in done.stderr
    assert b"probably" in out.read_bytes()
    assert os.path.islink("/dev/stdout")


_INTERRUPTED_WRITE = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 1")  # pages spill to the file before the commit
conn.execute("PRAGMA foreign_keys = OFF")
conn.execute("BEGIN")
conn.execute("UPDATE spans SET note = hex(randomblob(300))")
conn.execute("DELETE FROM spans WHERE id % 2 = 0")
os._exit(0)  # killed in the middle of the write: a hot journal is left
"""


def test_hot_journal_is_read_rolled_back_and_kept_before_a_write(runner, db_path, tmp_path):
    import sqlite3
    import subprocess
    import sys

    _many_spans(db_path, 200)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    subprocess.run([sys.executable, "-c", _INTERRUPTED_WRITE, str(db_path)], check=True)
    journal = db_path.parent / "project.db-journal"
    assert journal.stat().st_size > 0
    before = _folder_state(db_path.parent)
    read = runner.invoke(cli, ["--db", str(db_path), "stats", "--json"])
    assert read.exit_code == 0, read.output
    assert '"spans": 200' in read.stdout and "project.db-journal found beside it" in read.stderr
    assert _folder_state(db_path.parent) == before
    text = tmp_path / "new.txt"
    text.write_text("Another article, officials said.", encoding="utf-8")
    wrote = runner.invoke(cli, ["--db", str(db_path), "import", str(text)])
    assert wrote.exit_code == 0 and "kept in project.before-recovery-" in wrote.output
    (copy,) = db_path.parent.glob("project.before-recovery-*.db")
    assert (db_path.parent / f"{copy.name}-journal").read_bytes() == before["project.db-journal"]
    assert _span_count(db_path) == 200
