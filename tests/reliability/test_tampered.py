"""Project files whose tables were tampered with: every command gives one line naming
the damage and ``annotator check`` (or works, when it does not touch the damage), never
a traceback; ``check`` lists each problem; a real bug on a sound file stays a bug."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.project import Project
from annotator.core.samples import sample_text
from annotator.store import open_database
from annotator.store.check import (
    JSON_COLUMNS,
    JSON_PROJECT_VALUES,
    check_database,
    describe_damage,
    expected_structure,
    offsets_problem,
)
from tests.conftest import add_document

TAMPERING = {
    "attributes not JSON": (
        "UPDATE spans SET attributes = 'not json' WHERE id = 3",
        "spans.attributes of span 3 is not JSON",
    ),
    "attributes not an object": (
        "UPDATE spans SET attributes = '[1]' WHERE id = 3",
        "spans.attributes of span 3 is JSON but not an object",
    ),
    "meta not JSON": (
        "UPDATE documents SET meta = '{bad' WHERE id = 1",
        "documents.meta of document 1 is not JSON",
    ),
    "label keys not JSON": (
        "UPDATE labels SET keys = 'c' WHERE name = 'claim'",
        "labels.keys of label claim is not JSON",
    ),
    "missing column": ("ALTER TABLE spans DROP COLUMN note", "spans.note is missing"),
    "dropped table": ("DROP TABLE claim_records", "the table claim_records is missing"),
    "text not UTF-8": (
        "UPDATE spans SET note = CAST(x'ff41' AS TEXT) WHERE id = 2",
        "spans.note of span 2 is not UTF-8 text",
    ),
}
COMMANDS = {
    "stats": ["stats"],
    "export prodigy": ["export", "--format", "prodigy", "-o", "{out}/o.jsonl"],
    "export native": ["export", "--format", "native", "-o", "{out}/n.jsonl"],
    "export brat": ["export", "--format", "brat", "-o", "{out}/brat"],
    "merge from": ["merge", "{db}", "-o", "{out}/merged.db"],
    "merge into": ["merge", "{clean}", "-o", "{db}"],
    "claims": ["claims"],
    "search": ["search", "troops"],
    "agreement": ["agreement"],
    "suggest": ["suggest"],
    "patterns": ["patterns"],
}


def _build(path: Path) -> None:
    """A project with two annotators' spans, a link, a claim record and a pattern."""
    with Project.open(path, annotator="alice") as project:
        doc = add_document(project, sample_text(), "sample")
        claim = project.add_span(doc, 0, 5, "claim").spans_added[0]
        source = project.add_span(doc, 6, 10, "source").spans_added[0]
        project.add_span(doc, 11, 15, "hedge")
        project.add_relation(claim.id, source.id, attributes={"stance": "asserts"})
        project.set_claim_record(claim.id, status="false", verdict="No.")
        project.add_pattern("hedge", [{"LOWER": "reportedly"}])
    with Project.open(path, annotator="bob") as project:
        project.add_span(1, 0, 5, "claim")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("built") / "project.db"
    _build(path)
    return path


@pytest.fixture
def clean(built, tmp_path) -> Path:
    path = tmp_path / "clean.db"
    shutil.copyfile(built, path)
    return path


def _tampered(built: Path, tmp_path: Path, sql: str) -> Path:
    path = tmp_path / "project.db"
    shutil.copyfile(built, path)
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("tampering", list(TAMPERING))
def test_every_command_gives_one_line_on_a_tampered_project(
    built, clean, tmp_path, tampering, command
):
    sql, problem = TAMPERING[tampering]
    db = _tampered(built, tmp_path, sql)
    args = [a.format(out=tmp_path, db=db, clean=clean) for a in COMMANDS[command]]
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {result.exception!r}"
    )
    if result.exit_code != 0:  # the command reached the damage
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert lines[0] == (
            f"Error: {db} is damaged ({problem}); run `annotator check --db {db}` to list "
            "every problem"
        )


@pytest.mark.parametrize("tampering", list(TAMPERING))
def test_export_and_merge_reach_every_damage(built, tmp_path, tampering):
    """Not a test that passes by never touching the damage: these commands read all."""
    sql, problem = TAMPERING[tampering]
    db = _tampered(built, tmp_path, sql)
    runs = [
        ["export", "--format", "native", "-o", str(tmp_path / "n.jsonl")],
        ["merge", str(db), "-o", str(tmp_path / "m.db")],
        ["search", "troops"],
        ["stats"],
    ]
    failed = [CliRunner().invoke(cli, [*args, "--db", str(db)]) for args in runs]
    assert any(problem in r.output for r in failed)


@pytest.mark.parametrize("tampering", list(TAMPERING))
def test_check_reports_the_problem(built, tmp_path, tampering):
    sql, problem = TAMPERING[tampering]
    db = _tampered(built, tmp_path, sql)
    result = CliRunner().invoke(cli, ["check", "--db", str(db)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert problem in result.output.splitlines()
    assert "problems found" in result.output


def test_check_passes_a_sound_project_and_describe_damage_finds_nothing(clean):
    result = CliRunner().invoke(cli, ["check", "--db", str(clean)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 1 document, 4 spans, 1 link ")
    assert describe_damage(clean) is None


def test_a_bug_on_a_sound_project_is_still_a_traceback(clean, monkeypatch):
    from annotator.store import queries

    def broken(db):
        raise KeyError("a bug in Annotator")

    monkeypatch.setattr(queries, "statistics", broken)
    result = CliRunner().invoke(cli, ["stats", "--db", str(clean)])
    assert isinstance(result.exception, KeyError)


# -- token arrays -------------------------------------------------------------------------------

_INTS = "x'0000000005000000'"  # starts 0, 5 as little-endian 32-bit
BAD_TOKENS = {
    "lengths differ": (f"starts = {_INTS}, ends = x'05000000'", "different lengths"),
    "not 32-bit": ("starts = x'010203', ends = x'010203'", "not arrays of 32-bit"),
    "ends before start": (
        f"starts = {_INTS}, ends = x'0300000004000000'",
        "ends before it starts",
    ),
    "outside the text": (
        "starts = x'00000000', ends = x'ffffff00'",
        "reach outside the text",
    ),
    "out of order": (
        "starts = x'0500000000000000', ends = x'0900000004000000'",
        "not in order",
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_check_reports_token_arrays_and_commands_rebuild_them(built, tmp_path, case):
    change, problem = BAD_TOKENS[case]
    db = _tampered(built, tmp_path, f"UPDATE document_tokens SET {change}")
    result = CliRunner().invoke(cli, ["check", "--db", str(db)])
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if "stored tokens" in line]
    assert line.startswith("document 1: its stored tokens ") and problem in line
    assert line.endswith("(rebuilt when read)")
    out = tmp_path / "o.jsonl"
    exported = CliRunner().invoke(
        cli, ["export", "--format", "prodigy", "-o", str(out), "--db", str(db)]
    )
    assert exported.exit_code == 0, exported.output  # tokens are a cache: rebuilt
    record = orjson.loads(out.read_bytes().split(b"\n")[0])
    assert record["tokens"][0]["text"] == sample_text()[: record["tokens"][0]["end"]]
    # A reading command rebuilds them in memory only; a writing one stores them again.
    assert CliRunner().invoke(cli, ["check", "--db", str(db)]).exit_code == 1
    assert CliRunner().invoke(cli, ["suggest", "--db", str(db)]).exit_code == 0
    assert CliRunner().invoke(cli, ["check", "--db", str(db)]).exit_code == 0


def test_offsets_problem_accepts_real_tokens(project, sample_doc):
    offsets = project.token_offsets(sample_doc)
    starts, ends = offsets.to_blobs()
    assert offsets_problem(starts, ends, len(sample_text())) is None
    assert offsets_problem(b"", b"", 0) is None


# -- what counts as a JSON column -----------------------------------------------------------------


def test_every_json_column_is_declared(clean):
    """Every column of a project that holds JSON arrays or objects is one ``check``
    validates (and only real columns are declared)."""
    tables = expected_structure()[0]
    for table, columns in JSON_COLUMNS.items():
        assert set(columns) <= set(tables[table])
    with Project.open(clean, annotator="alice") as project:
        project.add_claim_status("disputed")
        project.set_document_meta(1, outlet="AFP")
    db = open_database(clean)
    try:
        found = set()
        for table, columns in tables.items():
            for column in columns:
                values = db.execute(
                    f'SELECT "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\''
                ).fetchall()
                if any(_is_json_container(v) for (v,) in values):
                    found.add((table, column))
        keys = {
            k for (k, v) in db.execute("SELECT key, value FROM project") if _is_json_container(v)
        }
    finally:
        db.close()
    declared = {(t, c) for t, columns in JSON_COLUMNS.items() for c in columns}
    assert found - {("project", "value")} <= declared
    assert keys <= set(JSON_PROJECT_VALUES)
    assert ("spans", "attributes") in found and ("events", "rows") in found


def _is_json_container(value: str) -> bool:
    if value[:1] not in ("[", "{"):
        return False
    try:
        orjson.loads(value)
    except orjson.JSONDecodeError:
        return False
    return True


def test_check_database_on_a_tampered_file_needs_no_project(built, tmp_path):
    db_path = _tampered(built, tmp_path, "DROP TABLE spans")
    db = open_database(db_path, create=False)
    try:
        problems, counts = check_database(db)
    finally:
        db.close()
    assert "the table spans is missing" in problems
    assert counts == {"documents": 0, "spans": 0, "relations": 0}


def test_a_native_export_leaves_out_a_claim_match_whose_claim_is_gone(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path, annotator="alice") as project:
        doc = add_document(project, sample_text(), "sample")
        main = project.add_span(doc, 0, 5, "claim").spans_added[0].id
        other = project.add_span(doc, 6, 10, "claim").spans_added[0].id
        project.set_match(main, other, "confirmed")
    conn = sqlite3.connect(path)  # foreign keys off: the match is left pointing at nothing
    conn.execute("DELETE FROM spans WHERE id = ?", [other])
    conn.commit()
    conn.close()
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        cli, ["export", "--format", "native", "-o", str(out), "--db", str(path)]
    )
    assert result.exit_code == 0, result.output
    lines = [orjson.loads(line) for line in out.read_bytes().splitlines() if line.strip()]
    assert lines and not [line for line in lines if "claim_match" in line]
