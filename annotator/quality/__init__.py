"""Agreement metrics, merging of databases and adjudication helpers (no Qt)."""
