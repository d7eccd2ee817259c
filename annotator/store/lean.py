"""sqlite-utils, imported without its pandas and numpy support.

``sqlite_utils.db`` imports pandas and numpy whenever they are installed, only to map their
value types to column types when a table is created from values. The store creates every
table from declared columns and never hands it a pandas or numpy value, yet that import
costs a process about 0.3 s and 100 MB wherever pandas is installed (as it is beside many
data tools). So sqlite-utils is imported here, once, with both hidden for the length of
that import (put back as they were afterwards), and every module of the project takes
its names from here; an import-linter contract keeps it so.
"""

from __future__ import annotations

import sys

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

from sqlite_utils import Database  # noqa: E402
from sqlite_utils.db import NotFoundError  # noqa: E402
from sqlite_utils.migrations import Migrations  # noqa: E402

__all__ = ["Database", "Migrations", "NotFoundError"]
