"""The window on an existing project is built without the import, export and merge
machinery (readers, writers, the ingest path): they load when first used."""

from __future__ import annotations

import json
import subprocess
import sys

from annotator.core.project import Project
from annotator.core.samples import ensure_sample

_PROBE = """
import json, sys
from annotator.gui.app import create_window, make_application
app = make_application()
window = create_window(sys.argv[1], "alice")
window.show()
app.processEvents()
print(json.dumps(sorted(sys.modules)))
"""

LATER = (
    "annotator.services.transfer",
    "annotator.services.merge",
    "annotator.formats.reader",
    "annotator.core.ingest",
    "annotator.store.bands",
    "numpy",
    "spacy",
    "importlib.metadata",
    "sqlite_utils",  # a current project opens and shows with sqlite3 alone
    "annotator.model.imports",  # import records: for imports and a first run's sample
    "logging.handlers",  # the crash log: on the first error
    "importlib.resources",  # shipped files the window reads before it paints: by pkgutil
)


def test_the_window_is_built_without_the_transfer_machinery(db_path):
    with Project.open(db_path, annotator="alice") as project:
        ensure_sample(project)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(db_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "annotator.gui.main_window" in modules
    assert [name for name in LATER if name in modules] == []
