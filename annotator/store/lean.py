"""sqlite-utils, imported without its pandas and numpy support.

``sqlite_utils.db`` imports pandas and numpy whenever they are installed, only to map their
value types to column types when a table is created from values. The store creates every
table from declared columns and never hands it a pandas or numpy value, yet that import
costs a process about 0.3 s and 100 MB wherever pandas is installed (as it is beside many
data tools). So sqlite-utils is imported here, once, with both hidden for the length of
that import (put back as they were afterwards), and every module of the project takes
its names from here; an import-linter contract keeps it so.

Its ``Database`` here runs no sqlite-utils plugins: loading them reads the entry points of
every installed package (``importlib.metadata``, 10 ms and more a process), and a plugin
installed for other work would prepare Annotator's project connections too.
"""

from __future__ import annotations

import sys
from typing import Any

_HIDDEN = ("pandas", "numpy")
_ABSENT = object()


def _import_without_optional_modules() -> None:
    if "sqlite_utils.db" in sys.modules:  # imported before (by a caller's own code): as it is
        return
    kept = {name: sys.modules.get(name, _ABSENT) for name in _HIDDEN}
    try:
        for name in _HIDDEN:
            sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
        import sqlite_utils.db  # noqa: F401
    finally:
        for name, module in kept.items():
            if module is _ABSENT:
                del sys.modules[name]
            else:
                sys.modules[name] = module  # type: ignore[assignment]


_import_without_optional_modules()

import sqlite_utils  # noqa: E402
from sqlite_utils.db import NotFoundError  # noqa: E402
from sqlite_utils.migrations import Migrations  # noqa: E402


class Database(sqlite_utils.Database):
    """sqlite-utils' ``Database``, its plugins not run (``execute_plugins=False``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("execute_plugins", False)
        super().__init__(*args, **kwargs)


__all__ = ["Database", "Migrations", "NotFoundError"]
