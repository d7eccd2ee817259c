"""Inputs that are not what they seem: links out of a folder, FIFOs and devices, file
names that are not UTF-8, JSON nested without end, unpaired surrogates. Each gives one
line (or is skipped and said so), never a traceback, never a read that does not end."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.model.errors import InputFileError
from annotator.model.imports import DocumentIn, RelationIn, SpanIn, StatusIn


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _cli(*args: str | bytes, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real command in a child process (arguments may be bytes, as a shell passes
    them); a read that never ends fails the test through the timeout."""
    return subprocess.run(
        [sys.executable, "-c", "from annotator.cli import main; main()", *args],
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def _one_line(result) -> str:
    output = result.output if hasattr(result, "output") else result.stderr.decode("utf-8")
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert code == 1, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    assert "Traceback" not in output
    return lines[0]


def _documents(db_path: Path) -> list[str]:
    if not db_path.exists():
        return []
    with Project.open(db_path, annotator="x", create=False) as project:
        return sorted(project.document(d.id).text for d in project.documents())


# -- folders and links -------------------------------------------------------------------------


@pytest.fixture
def folder_with_links(tmp_path) -> Path:
    """A folder with one article, a link to a file outside, a link to a folder outside, a
    link inside the folder and a FIFO."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("The minister said troops will arrive.", "utf-8")
    (folder / "passwd.txt").symlink_to(secret / "passwd")
    (folder / "elsewhere").symlink_to(secret, target_is_directory=True)
    (folder / "same.txt").symlink_to(folder / "one.txt")
    os.mkfifo(folder / "pipe.txt")
    return folder


def test_folder_import_skips_links_out_of_the_folder_and_fifos(db_path, folder_with_links):
    result = _cli("import", str(folder_with_links), "--db", str(db_path))
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr
    assert _documents(db_path) == ["The minister said troops will arrive."]
    assert f"{folder_with_links / 'passwd.txt'}: a link to " in stderr
    assert f"{folder_with_links / 'elsewhere'}: a link to " in stderr
    assert stderr.count("outside the folder; skipped") == 2
    assert f"{folder_with_links / 'pipe.txt'}: not a regular file" in stderr


def test_a_link_given_by_name_is_followed(db_path, folder_with_links):
    """Naming a file is choosing it: only folder walks refuse to leave the folder."""
    result = _run("import", str(folder_with_links / "same.txt"), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert len(_documents(db_path)) == 1


# -- FIFOs, devices, sockets given as input ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "socket"])
@pytest.mark.parametrize("fmt", ["auto", "text", "prodigy", "spacy"])
def test_non_regular_input_is_refused_without_reading(db_path, tmp_path, kind, fmt):
    keep = None
    if kind == "fifo":
        path = tmp_path / "pipe.jsonl"
        os.mkfifo(path)
    elif kind == "socket":
        path = tmp_path / "sock.jsonl"
        keep = socket.socket(socket.AF_UNIX)
        keep.bind(str(path))
    else:
        path = Path(kind)
    try:
        line = _one_line(_cli("import", str(path), "--format", fmt, "--db", str(db_path)))
    finally:
        if keep is not None:
            keep.close()
    assert f"{path}: is a" in line and "not a file" in line
    assert _documents(db_path) == []


# -- file names that are not UTF-8 ------------------------------------------------------------------


def _bad_name(folder: Path) -> bytes:
    path = os.fsencode(folder) + b"/caf\xe9-\xff.txt"  # Latin-1 bytes, not UTF-8
    with open(path, "wb") as handle:
        handle.write(b"Some article text.")
    return path


def test_a_file_name_that_is_not_utf8_gives_one_line(db_path, tmp_path):
    path = _bad_name(tmp_path)
    line = _one_line(_cli("import", path, "--db", str(db_path)))
    assert "caf\\xe9-\\xff.txt: the file name is not valid UTF-8" in line
    assert _documents(db_path) == []


def test_a_bad_name_in_a_folder_refuses_the_import_or_is_skipped(db_path, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A good article.", "utf-8")
    _bad_name(folder)
    line = _one_line(_cli("import", str(folder), "--db", str(db_path)))
    assert "not valid UTF-8" in line
    result = _cli("import", str(folder), "--skip-invalid", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert "caf\\xe9-\\xff.txt: the file name is not valid UTF-8" in result.stderr.decode()
    assert _documents(db_path) == ["A good article."]


# -- JSON nested without end -----------------------------------------------------------------------

DEEP = "[" * 200_000 + "]" * 200_000


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("deep.json", DEEP, "auto"),
        ("deep.json", DEEP, "labelstudio"),
        ("deep.jsonl", DEEP, "auto"),
        ("deep.jsonl", DEEP, "prodigy"),
        ("deep.jsonl", '{"text": "a",\n "meta": ' + DEEP + "}", "auto"),
        ("deep.jsonl", '{"text": "a",\n "meta": ' + DEEP + "}", "doccano"),
        ("deep.jsonl", '{"format": "annotator-native"}\n' + DEEP, "native"),
        ("deep.txt", DEEP, "spacy-v2"),
    ],
)
def test_json_nested_200000_deep_gives_one_line(db_path, tmp_path, name, content, fmt):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    line = _one_line(_run("import", str(path), "--format", fmt, "--db", str(db_path)))
    assert "nested too deeply" in line and str(path) in line
    assert _documents(db_path) == []


# -- unpaired surrogates ---------------------------------------------------------------------------

GOOD = {"text": "Kim said troops will go.", "label": [[0, 3, "source"]]}


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "Kim said so.", "label": [[0, 3, "sour\\ud800ce"]]},
        {"text": "Kim said so.", "meta": {"title": "ti\\ud800tle"}},
        {"text": "Kim said so.", "annotator": "bo\\udfffb", "label": [[0, 3, "source"]]},
        {"text": "Kim said so.", "meta": {"outlet": ["x", "\\ud800"]}},
        {"text": "Kim said so.", "meta": {"ke\\ud800y": 1}},
        {"text": "Kim said \\ud800 so."},
    ],
    ids=["label", "title", "annotator", "meta", "meta-key", "text"],
)
def test_unpaired_surrogate_is_refused_with_file_and_line(db_path, tmp_path, bad):
    """Pretty-printed JSON lines are read by the standard library's decoder, which lets
    ``"\\ud800"`` through: the import refuses the record, never a traceback at insert."""
    path = tmp_path / "pretty.jsonl"
    path.write_text(
        json.dumps(GOOD, indent=2) + "\n" + json.dumps(bad, indent=2).replace("\\\\", "\\"),
        "utf-8",
    )
    second = json.dumps(GOOD, indent=2).count("\n") + 2  # the line the bad record starts on
    line = _one_line(_run("import", str(path), "--db", str(db_path)))
    assert f"{path}:{second}: " in line and "unpaired surrogate" in line
    assert _documents(db_path) == []
    skipped = _run("import", str(path), "--skip-invalid", "--db", str(db_path))
    assert skipped.exit_code == 0, skipped.output
    assert f"skipped {path}:{second}: " in skipped.output
    assert _documents(db_path) == ["Kim said troops will go."]
    exported = _run(
        "export", "--format", "prodigy", "-o", str(tmp_path / "o.jsonl"), "--db", str(db_path)
    )
    assert exported.exit_code == 0, exported.output


@pytest.mark.parametrize(
    "record",
    [
        DocumentIn(text="Kim said so.", title="t", where="f:3", note="\ud800"),
        DocumentIn(
            text="Kim said so.",
            title="t",
            where="f:3",
            spans=[SpanIn(0, 3, "source", note="n\udc00")],
        ),
        DocumentIn(
            text="Kim said so.",
            title="t",
            where="f:3",
            spans=[SpanIn(0, 3, "source", attributes={"specificity": "\ud800"})],
        ),
        DocumentIn(
            text="Kim said so.",
            title="t",
            where="f:3",
            spans=[SpanIn(0, 3, "source"), SpanIn(4, 8, "claim")],
            relations=[RelationIn(1, 0, "attributed_to", annotator="\ud800")],
        ),
        DocumentIn(
            text="Kim said so.", title="t", where="f:3", statuses=[StatusIn("\ud800", "done")]
        ),
    ],
    ids=["document note", "span note", "attribute", "link annotator", "status annotator"],
)
def test_every_string_of_a_record_is_checked_for_surrogates(project, record):
    with pytest.raises(InputFileError, match=r"^f:3: .*unpaired surrogate"):
        import_documents(project, [record])
    assert project.documents() == []
