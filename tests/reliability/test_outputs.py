"""Outputs never destroy: export (every format, files and folders) and backup refuse the
project and what they cannot replace, keep permissions, write only inside the chosen
folder, never through links, and leave the old output whole when they fail."""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.files import output as export_module
from annotator.formats.writers import export
from annotator.model.errors import AnnotatorError
from annotator.model.imports import Cancelled, DocumentIn, SpanIn, StatusIn
from annotator.store import backup_database

CLAIMREVIEW = ["--publisher", "Desk", "--review-url", "https://desk.example/{id}"]
FILE_FORMATS = {
    "native": [],
    "prodigy": [],
    "spacy": [],
    "doccano": [],
    "labelstudio": [],
    "conll": [],
    "csv": [],
    "claimreview": CLAIMREVIEW,
    "claims-csv": [],
}
FOLDER_FORMATS = {
    "brat": ["--format", "brat"],
    "spacy-dev": ["--format", "spacy", "--dev-fraction", "0.5"],
    "conll-files": ["--format", "conll", "--conll-layout", "files"],
}
ALL_OUTPUTS = {
    **{name: ["--format", name, *extra] for name, extra in FILE_FORMATS.items()},
    **FOLDER_FORMATS,
}


@pytest.fixture
def saved(db_path: Path) -> Path:
    """A closed project with two annotated documents, one with a verdict."""
    with Project.open(db_path, annotator="alice") as project:
        records = [
            DocumentIn(
                text=f"Officials said troops {n} will probably arrive.",
                title=f"doc{n}",
                where=f"doc{n}",
                spans=[SpanIn(0, 9, "source"), SpanIn(15, 23, "claim")],
                statuses=[StatusIn("alice", "done")],
            )
            for n in range(2)
        ]
        import_documents(project, records)
        claim = next(s for s in project.spans(1) if s.label == "claim")
        project.set_claim_record(claim.id, status="false", verdict="No.", rating="False")
    return db_path


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def _one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def _intact(db_path: Path) -> None:
    with Project.open(db_path, annotator="x", create=False) as project:
        assert len(project.documents()) == 2
        assert len(project.spans(1, annotator=None)) == 2
        assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- the project itself ----------------------------------------------------------------------


@pytest.mark.parametrize("output", list(ALL_OUTPUTS))
@pytest.mark.parametrize("target", ["file", "-wal", "-shm", "-journal", "link"])
def test_export_never_replaces_the_project(saved, tmp_path, output, target):
    if target == "link":
        out = tmp_path / "link.jsonl"
        out.symlink_to(saved)
    else:
        out = Path(f"{saved}{'' if target == 'file' else target}")
    line = _one_line_error(_run("export", *ALL_OUTPUTS[output], "-o", str(out), "--db", str(saved)))
    assert "cannot replace the project file" in line
    _intact(saved)
    if target == "link":
        assert out.is_symlink()


@pytest.mark.parametrize("fmt", ["prodigy", "native", "brat"])
def test_window_export_never_replaces_the_project(saved, fmt):
    """The window calls the same registry: its export is refused the same way."""
    with (
        Project.open(saved, annotator="alice") as project,
        pytest.raises(AnnotatorError, match="cannot replace the project file"),
    ):
        export(project, fmt, project.path)
    _intact(saved)


def test_export_never_replaces_another_project(saved, tmp_path):
    other = tmp_path / "other.db"
    Project.open(other, annotator="x").close()
    before = other.read_bytes()
    line = _one_line_error(
        _run("export", "--format", "prodigy", "-o", str(other), "--db", str(saved))
    )
    assert "SQLite database" in line
    assert other.read_bytes() == before


# -- what cannot be replaced -------------------------------------------------------------------


def _make(kind: str, path: Path) -> object:
    """A folder, FIFO, socket or device node at ``path`` (what an output must not replace)."""
    if kind == "folder":
        path.mkdir()
        (path / "inside.txt").write_text("keep", "utf-8")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        return server
    elif kind == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
        except PermissionError:
            pytest.skip("creating a device node needs privileges")
    elif kind == "file":
        path.write_text("keep", "utf-8")
    return None


def _kind_of(path: Path) -> int:
    return stat.S_IFMT(path.lstat().st_mode)


@pytest.mark.parametrize("fmt", list(FILE_FORMATS))
@pytest.mark.parametrize("kind", ["folder", "fifo", "socket", "device"])
def test_file_export_refuses_folders_fifos_sockets_and_devices(saved, tmp_path, fmt, kind):
    out = tmp_path / "out"
    keep = _make(kind, out)
    before = _kind_of(out)
    try:
        line = _one_line_error(
            _run("export", "--format", fmt, *FILE_FORMATS[fmt], "-o", str(out), "--db", str(saved))
        )
    finally:
        if keep is not None:
            keep.close()
    assert str(out) in line
    assert _kind_of(out) == before
    if kind == "folder":
        assert [p.name for p in out.iterdir()] == ["inside.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "out"]


@pytest.mark.parametrize("output", list(FOLDER_FORMATS))
@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_folder_export_refuses_files_and_fifos(saved, tmp_path, output, kind):
    out = tmp_path / "out"
    _make(kind, out)
    line = _one_line_error(
        _run("export", *FOLDER_FORMATS[output], "-o", str(out), "--db", str(saved))
    )
    assert "not a folder" in line
    if kind == "file":
        assert out.read_text("utf-8") == "keep"
    else:
        assert stat.S_ISFIFO(out.lstat().st_mode)


@pytest.mark.parametrize("target", ["file", "-wal", "link", "folder", "fifo"])
def test_backup_refuses_the_project_and_what_it_cannot_replace(saved, tmp_path, target):
    if target == "link":
        out = tmp_path / "link.db"
        out.symlink_to(saved)
    elif target in ("folder", "fifo"):
        out = tmp_path / "out"
        _make(target, out)
    else:
        out = Path(f"{saved}{'' if target == 'file' else target}")
    _one_line_error(_run("backup", "-o", str(out), "--db", str(saved)))
    _intact(saved)
    if target in ("folder", "fifo"):
        assert _kind_of(out) == (stat.S_IFDIR if target == "folder" else stat.S_IFIFO)


def test_backup_replaces_an_older_backup_keeping_its_mode(saved, tmp_path):
    out = tmp_path / "backup.db"
    assert _run("backup", "-o", str(out), "--db", str(saved)).exit_code == 0
    out.chmod(0o604)
    result = _run("backup", "-o", str(out), "--db", str(saved))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o604
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone() == (4,)


class _FailingConnection(sqlite3.Connection):
    """Copies one page of a backup, then finds the disk full."""

    def backup(self, target, **kwargs):
        super().backup(target, pages=1)
        raise sqlite3.OperationalError("database or disk is full")


def test_backup_on_a_full_disk_leaves_the_old_backup(saved, tmp_path):
    from sqlite_utils import Database

    out = tmp_path / "backup.db"
    assert _run("backup", "-o", str(out), "--db", str(saved)).exit_code == 0
    before = out.read_bytes()
    db = Database(sqlite3.connect(saved, factory=_FailingConnection))
    with pytest.raises(AnnotatorError, match=r"disk is full.*old file is unchanged"):
        backup_database(db, out)
    db.close()
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "db"]


# -- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FILE_FORMATS))
def test_export_keeps_the_mode_of_an_existing_output_and_gives_new_ones_the_umask(
    saved, tmp_path, fmt
):
    old = tmp_path / "old.out"
    old.write_text("old", "utf-8")
    old.chmod(0o604)  # neither the umask's mode nor mkstemp's 0o600
    new = tmp_path / "new.out"
    previous = os.umask(0o027)
    try:
        for out in (old, new):
            result = _run(
                "export", "--format", fmt, *FILE_FORMATS[fmt], "-o", str(out), "--db", str(saved)
            )
            assert result.exit_code == 0, result.output
    finally:
        os.umask(previous)
    assert stat.S_IMODE(old.stat().st_mode) == 0o604
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~0o027
    assert old.read_bytes() != b"old"


# -- a full disk -----------------------------------------------------------------------------------


class _FullDisk:
    """A handle whose disk is full: every write fails with ENOSPC."""

    def __init__(self, handle):
        self._handle = handle

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def __getattr__(self, name):
        return getattr(self._handle, name)


def _fill_disk(monkeypatch, after_files: int = 0) -> None:
    """Make every file an export opens after the first ``after_files`` hit a full disk."""
    real = export_module._open_temp
    opened = []

    def open_temp(fd, mode):
        opened.append(fd)
        handle = real(fd, mode)
        return handle if len(opened) <= after_files else _FullDisk(handle)

    monkeypatch.setattr(export_module, "_open_temp", open_temp)


@pytest.fixture
def full_disk(monkeypatch):
    _fill_disk(monkeypatch)


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the project's, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.parent.name != "db"
    }


@pytest.mark.parametrize("output", list(ALL_OUTPUTS))
def test_full_disk_gives_one_line_and_leaves_the_old_output(saved, tmp_path, output, full_disk):
    out = tmp_path / "out"
    if output in FOLDER_FORMATS:
        out.mkdir()
        (out / "doc0.alice.txt").write_text("old", "utf-8")
        (out / "train.spacy").write_bytes(b"old")
        (out / "claim.conll").write_text("old", "utf-8")
    else:
        out.write_text("old", "utf-8")
        out.chmod(0o644)
    before = _tree(tmp_path)
    line = _one_line_error(_run("export", *ALL_OUTPUTS[output], "-o", str(out), "--db", str(saved)))
    assert "No space left on device" in line
    assert _tree(tmp_path) == before  # no temporary file left either
    _intact(saved)


def test_full_disk_on_a_new_folder_leaves_no_folder(saved, tmp_path, full_disk):
    out = tmp_path / "new"
    _one_line_error(_run("export", "--format", "brat", "-o", str(out), "--db", str(saved)))
    assert not out.exists()


@pytest.mark.parametrize("output", list(FOLDER_FORMATS))
def test_disk_full_on_a_later_file_leaves_no_partial_folder(saved, tmp_path, output, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.txt").write_text("old", "utf-8")
    _fill_disk(monkeypatch, after_files=1)
    line = _one_line_error(
        _run("export", *FOLDER_FORMATS[output], "-o", str(out), "--db", str(saved))
    )
    assert "No space left on device" in line
    assert _tree(out) == {"kept.txt": b"old"}


@pytest.mark.parametrize(("output", "cancel_at"), [("brat", 2), ("conll-files", 3)])
def test_cancelled_folder_export_leaves_no_partial_files(saved, tmp_path, output, cancel_at):
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.txt").write_text("old", "utf-8")
    fmt = FOLDER_FORMATS[output][1]
    options = {"conll-files": {"layout": "files"}}
    calls = []

    def progress(n):
        calls.append(n)
        if len(calls) == cancel_at:  # a file (brat: a pair) or more already written
            raise Cancelled()

    with Project.open(saved, annotator="alice") as project, pytest.raises(Cancelled):
        export(project, fmt, out, progress=progress, **options.get(output, {}))
    assert _tree(out) == {"kept.txt": b"old"}


# -- names and links inside output folders ---------------------------------------------------------

HOSTILE = [
    "../../escape",
    "/etc/passwd",
    "..",
    ".",
    "a/b\\c",
    "C:\\Windows\\x",
    "CON",
    "nul.alice",
    "\x00x",
    "tab\there\nnew line",
    "東" * 200,
    "a" * 300,
    "",
]


def _label(n: int, name: str) -> str:
    """The hostile name itself, where SQLite can store it as a label (not empty, no
    leading NUL: SQLite's length() stops at a NUL)."""
    return name if name and not name.startswith("\x00") else f"{n}{name}"


def _hostile_project(db_path: Path) -> None:
    """Documents titled, labelled and annotated with hostile names. Labels are written into
    the table directly, as an old or tampered project could hold them."""
    with Project.open(db_path, annotator="alice") as project:
        for n, name in enumerate(HOSTILE):
            project.db["labels"].insert(
                {
                    "name": _label(n, name),
                    "colour": "#123456",
                    "keys": "[]",
                    "description": "",
                    "attributes": "[]",
                    "position": 10 + n,
                }
            )
        project.forget_cached_schema()
        for n, name in enumerate(HOSTILE):
            who = _label(n, name)
            project.db["annotators"].insert({"name": who, "created": "2024"}, ignore=True)
            import_documents(
                project,
                [DocumentIn(text=f"Some text {n}.", title=name or "t", where="t")],
            )
            doc = project.documents()[-1].id
            project.db["spans"].insert(
                {
                    "document_id": doc,
                    "start": 0,
                    "end": 4,
                    "label": _label(n, name),
                    "annotator": who,
                    "origin": "manual",
                    "attributes": "{}",
                    "note": "",
                    "created": "2024-01-01T00:00:00Z",
                    "updated": "2024-01-01T00:00:00Z",
                }
            )


@pytest.mark.parametrize("output", list(FOLDER_FORMATS))
def test_folder_export_names_stay_inside_the_folder(db_path, tmp_path, output):
    _hostile_project(db_path)
    out = tmp_path / "deep" / "out"
    result = _run("export", *FOLDER_FORMATS[output], "-o", str(out), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent != db_path.parent]
    assert written and all(p.parent == out for p in written)
    assert all(not p.name.startswith(".") for p in written)
    names = {p.name.lower() for p in written}
    assert len(names) == len(written)  # no two clash, even ignoring case
    if output == "brat":
        assert len(written) == 2 * len(HOSTILE) + 1  # the pairs and annotator-layers.json
    if output == "conll-files":
        assert len(written) == 4 + len(HOSTILE)


@pytest.mark.parametrize(
    ("output", "names"),
    [
        ("brat", ["doc0.alice.txt", "doc0.alice.ann"]),
        ("spacy-dev", ["train.spacy", "dev.spacy"]),
        ("conll-files", ["claim.conll", "source.conll"]),
    ],
)
def test_folder_export_replaces_links_and_never_writes_through_them(saved, tmp_path, output, names):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", "utf-8")
    victim_dir = tmp_path / "elsewhere"
    victim_dir.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / names[0]).symlink_to(victim)
    (out / names[1]).symlink_to(victim_dir)
    result = _run("export", *FOLDER_FORMATS[output], "-o", str(out), "--db", str(saved))
    assert result.exit_code == 0, result.output
    assert victim.read_text("utf-8") == "precious"
    assert list(victim_dir.iterdir()) == []
    for name in names:
        assert not (out / name).is_symlink() and (out / name).is_file()
