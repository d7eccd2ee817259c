"""Choosing a reader for each path, and walking folders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.core.errors import InputFileError
from annotator.core.ingest import DocumentIn
from annotator.formats.text import read_text_document


def _read_text(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    document = read_text_document(path)
    if document is None:
        messages.append(f"{path}: empty, skipped")
        return
    yield document


READERS: dict[str, Callable[[Path, list[str]], Iterator[DocumentIn]]] = {"text": _read_text}
EXTENSIONS = {".txt": "text", ".text": "text"}
FORMATS = ("auto", *READERS)


def detect_format(path: Path) -> str | None:
    """The format of a file from its extension, or ``None`` if Annotator cannot read it."""
    return EXTENSIONS.get(path.suffix.lower())


def expand_paths(paths: list[Path], messages: list[str]) -> list[Path]:
    """Files to import: files as given, folders walked recursively in name order.

    Files in folders that no reader knows are left out with a message; hidden files too.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if detect_format(child) is None:
                    messages.append(f"{child}: not a format Annotator reads, skipped")
                    continue
                files.append(child)
        elif path.exists():
            files.append(path)
        else:
            raise InputFileError(path, "does not exist")
    return files


def read_paths(
    paths: list[Path],
    fmt: str,
    messages: list[str],
    *,
    skipped: list[str] | None = None,
) -> Iterator[DocumentIn]:
    """Records of every file under ``paths`` read as ``fmt`` (``auto``: by extension).

    A file that cannot be read raises :class:`InputFileError`, unless ``skipped`` is a
    list: then its message is appended there and the other files are read.
    """
    for path in expand_paths(paths, messages):
        try:
            name = fmt if fmt != "auto" else detect_format(path)
            if name is None:
                raise InputFileError(
                    path, f"unknown format; use --format with one of: {', '.join(READERS)}"
                )
            yield from READERS[name](path, messages)
        except InputFileError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
