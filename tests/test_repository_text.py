"""The repository explains itself: no text file points outside it (a design document
or a shared folder that only its developers have) or at the work tracker."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "a design document": re.compile(re.escape("DESIGN" + ".md")),
    "a shared folder": re.compile(re.escape("../" + "shared")),
    # a work item of the tracker; an article may well speak of "the issue of" something
    "the work tracker": re.compile(r"\b[Tt]he " + r"issue\b(?! of\b)"),
}


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    files = []
    for name in filter(None, listed):
        path = ROOT / name.decode()
        if path.is_file() and b"\0" not in path.read_bytes()[:8000]:  # not binary
            files.append(path)
    return files


@pytest.mark.parametrize("what", FORBIDDEN)
def test_no_text_file_refers_outside_the_repository(what):
    found = [
        str(path.relative_to(ROOT))
        for path in _tracked_text_files()
        if FORBIDDEN[what].search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert found == [], f"{what} named in {found}"
