"""The headless core: the ``Project`` and its operations, the one transaction runner, import,
merge support and claim matching (no Qt)."""
