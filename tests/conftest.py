"""Shared fixtures. Every test runs with the network blocked, Qt offscreen, and the user's
config, data and QSettings redirected to a temporary folder."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.ingest import import_documents
from annotator.core.project import Project
from annotator.core.samples import sample_text
from annotator.model.imports import DocumentIn

# Emoji (a flag and a ZWJ family), CJK, a combining accent, NBSP, tabs and CRLF line
# endings, all before the phrase the GUI tests label.
TRICKY_TEXT = (
    "Flag 🇺🇦 and family 👩‍👩‍👧 said 東京 was cafe\u0301 quiet.\r\n"
    "Tab\there, NBSP\u00a0here, line\u2028sep.\r\n"
    "Officials said the 🚀 strike was\u00a0probably aimed at 北京 depots.\r\n"
)


class _NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Annotator never talks to the network; a test that tries fails loudly."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if self.family == socket.AF_UNIX:
            return original(self, address)
        raise _NetworkBlocked(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("ANNOTATOR_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.delenv("ANNOTATOR_NAME", raising=False)
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A project path in its own folder, so tests can use ``tmp_path`` for input files."""
    folder = tmp_path / "db"
    folder.mkdir()
    return folder / "project.db"


@pytest.fixture
def project(db_path: Path):
    with Project.open(db_path, annotator="alice") as opened:
        yield opened


def add_document(project: Project, text: str, title: str = "doc") -> int:
    """Import ``text`` and return its document id."""
    import_documents(project, [DocumentIn(text=text, title=title, where=title)])
    return next(d.id for d in project.documents() if d.title == title)


@pytest.fixture
def sample_doc(project: Project) -> int:
    return add_document(project, sample_text(), "sample")


@pytest.fixture
def tricky_doc(project: Project) -> int:
    return add_document(project, TRICKY_TEXT, "tricky")


def wal_of_a_copy(project_path: Path, folder: Path, sql: str) -> bytes:
    """The ``-wal`` a teammate's copy of the project had after ``sql`` when its program
    was killed: what SQLite would apply if it were put beside the project."""
    import shutil
    import sqlite3

    copy = folder / "teammate.db"
    shutil.copyfile(project_path, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(sql)
    wal = Path(f"{copy}-wal").read_bytes()
    conn.close()
    return wal


def kill_when_halfway(script: str, *args: object) -> None:
    """Run ``script`` in a fresh Python with ``args``; once it prints ``halfway`` (in the
    middle of its write), kill it with SIGKILL, as a crash or a power cut would."""
    import signal
    import subprocess
    import sys

    child = subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "halfway"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()


def running(pid: int) -> bool:
    """Whether process ``pid`` is there and not a zombie (ended, not yet reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def token_helpers() -> list[int]:
    """The running token helper processes this process started (Linux's ``/proc``)."""
    children = []
    for task in Path("/proc/self/task").iterdir():
        try:  # a thread may end between the listing and the reading
            children.extend(int(pid) for pid in (task / "children").read_text().split())
        except FileNotFoundError:
            continue
    found = []
    for pid in children:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"annotator.core.import_worker" in command and running(pid):
            found.append(pid)
    return found
