"""The names ``--format`` takes on import, without the readers behind them: a command
lists them without importing every format (0.1 s). ``reader.READERS`` holds the readers;
a test keeps the two alike."""

IMPORT_FORMATS = (
    "auto",
    "native",
    "text",
    "html",
    "prodigy",
    "doccano",
    "labelstudio",
    "brat",
    "spacy",
    "spacy-v2",
    "conll",
    "csv",
)
"""``auto`` (by content), ``native``, then every reader's name in ``READERS`` order."""
