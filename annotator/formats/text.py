"""Plain-text articles: one document per ``.txt`` file, titled with the file name."""

from __future__ import annotations

from pathlib import Path

from annotator.files.encoding import read_text_file
from annotator.model.imports import DocumentIn


def read_text_document(path: str | Path) -> DocumentIn | None:
    """The file as one document, or ``None`` if it is empty (only whitespace counts as empty).

    The text is kept exactly, line endings and trailing newline included.

    :raises InputFileError: not UTF-8, binary, or unreadable.
    """
    path = Path(path)
    text = read_text_file(path)
    if not text.strip():
        return None
    return DocumentIn(text=text, title=path.stem, where=str(path), meta={"file": path.name})
