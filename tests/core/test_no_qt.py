"""The core never imports Qt: importing every module of the headless packages leaves
PySide6 out of ``sys.modules`` (checked in a fresh interpreter)."""

import subprocess
import sys

HEADLESS = [
    "annotator.model",
    "annotator.files",
    "annotator.text",
    "annotator.store",
    "annotator.core",
    "annotator.formats",
    "annotator.services",
    "annotator.cli",
]

SCRIPT = """
import importlib, pkgutil, sys
names = {packages!r}
for name in names:
    module = importlib.import_module(name)
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), name + "."):
        importlib.import_module(info.name)
qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6", "PyQt")))
print(",".join(qt))
"""


def test_core_packages_never_import_qt():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(packages=HEADLESS)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""


def test_core_import_does_not_load_spacy():
    """The window paints before spaCy is imported: importing the core must not load it."""
    script = "import annotator.core, annotator.cli, sys; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
