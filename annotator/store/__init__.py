"""SQLite storage through sqlite-utils: opening, migrations, the write path, queries (no Qt).

The names below are imported from their modules when first asked for, so that a module
of the store that needs only ``sqlite3`` (``reading``, ``objects``) is imported without
sqlite-utils.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "apply_row_changes": "rows",
    "backup_database": "database",
    "checked_write": "database",
    "engine_versions": "database",
    "fetch_row": "rows",
    "open_database": "database",
    "write_transaction": "database",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"annotator.store.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
