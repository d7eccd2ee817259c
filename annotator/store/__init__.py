"""SQLite storage through sqlite-utils: opening, migrations, the write path, queries (no Qt)."""

from annotator.store.database import backup_database, open_database, write_transaction
from annotator.store.rows import apply_row_changes, fetch_row

__all__ = [
    "apply_row_changes",
    "backup_database",
    "fetch_row",
    "open_database",
    "write_transaction",
]
