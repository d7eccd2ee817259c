"""sqlite-utils is imported without pandas and numpy, which it would otherwise import
whenever they are installed."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

_PROBE = """
import json, sys
for name in json.loads(sys.argv[1]):
    __import__(name)
before = {name: id(sys.modules.get(name)) for name in ("pandas", "numpy")}
import annotator.store.migrations
print(json.dumps({
    "imported": sorted(name for name in ("pandas", "numpy", "sqlite_utils") if name in sys.modules),
    "kept": before == {name: id(sys.modules.get(name)) for name in ("pandas", "numpy")},
}))
"""


def _after(*first: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(first)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas is not installed")
def test_lean_store_imports_neither_pandas_nor_numpy():
    assert _after() == {"imported": ["sqlite_utils"], "kept": True}


def test_lean_leaves_numpy_as_it_was_when_already_imported():
    assert _after("numpy") == {"imported": ["numpy", "sqlite_utils"], "kept": True}


def test_lean_database_runs_no_sqlite_utils_plugins(monkeypatch):
    import sqlite_utils.db

    from annotator.store.lean import Database

    def loaded():
        raise AssertionError("plugins loaded")

    monkeypatch.setattr(sqlite_utils.db, "ensure_plugins_loaded", loaded)
    db = Database(memory=True)
    assert db.execute("SELECT 1").fetchone() == (1,)
    db.close()
