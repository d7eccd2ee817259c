"""PySide6 6.12.0 drops a reference to None on void method calls under CPython 3.11 and
the interpreter aborts ("Fatal Python error: none_dealloc") after ~5,000 of them.
These tests make sure the installed PySide6 survives, and that our pin keeps 6.12.0 off
Python < 3.12."""

import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

VOID_CALLS = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
widget = QWidget()
for _ in range(20_000):
    widget.setEnabled(True)   # void
    widget.update()           # void
print("survived")
"""


def test_twenty_thousand_void_calls_survive():
    result = subprocess.run(
        [sys.executable, "-c", VOID_CALLS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"


def _pyside_requirements():
    data = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    return [
        Requirement(r) for r in data["project"]["dependencies"] if r.lower().startswith("pyside6")
    ]


def _allowed(version: str, python: str) -> bool:
    env = {"python_version": python, "python_full_version": f"{python}.0"}
    return any(
        req.specifier.contains(Version(version))
        for req in _pyside_requirements()
        if req.marker is None or req.marker.evaluate(env)
    )


def test_pin_excludes_6_12_0_on_python_3_11():
    assert not _allowed("6.12.0", "3.11")
    assert _allowed("6.11.3", "3.11")


def test_pin_allows_only_fixed_releases_on_newer_python():
    assert not _allowed("6.12.0", "3.12")
    assert _allowed("6.12.1", "3.12")
