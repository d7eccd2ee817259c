"""Choosing a reader for each file (from its content, not only its name) and walking
folders. ``read_paths`` is what ``annotator import`` and File → Import call."""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.files.encoding import (
    decode_bytes,
    decode_leniently,
    read_file_bytes,
)
from annotator.files.safety import refuse_unsafe_input, shown
from annotator.formats import (
    brat,
    conll_reader,
    csv_format,
    doccano,
    html,
    labelstudio,
    native,
    prodigy,
    spacy_docbin,
    text,
)
from annotator.formats.common import TOO_DEEP, json_reason
from annotator.formats.names import IMPORT_FORMATS
from annotator.model.errors import InputFileError
from annotator.model.imports import DocumentIn, SchemaIn
from annotator.model.words import counted

Reader = Callable[[Path, list[str]], Iterator[DocumentIn]]


def _read_text(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    document = text.read_text_document(path)
    if document is None:
        messages.append(f"{path}: empty, skipped")
        return
    yield document


READERS: dict[str, Reader] = {
    "text": _read_text,
    "html": html.read_html,
    "prodigy": prodigy.read_prodigy,
    "doccano": doccano.read_doccano,
    "labelstudio": labelstudio.read_labelstudio,
    "brat": brat.read_brat,
    "spacy": spacy_docbin.read_docbin,
    "spacy-v2": spacy_docbin.read_v2_json,
    "conll": conll_reader.read_conll,
    "csv": csv_format.read_csv,
    # "native" needs the schema collector: see read_paths
}
FORMATS = IMPORT_FORMATS
_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".spacy": "spacy",
    ".conll": "conll",
    ".conllu": "conll",
    ".bio": "conll",
    ".iob": "conll",
    ".tsv": "conll",
    ".csv": "csv",
    ".ann": "brat",
}
_JSON_EXTENSIONS = (".json", ".jsonl", ".ndjson")
_BY_CONTENT = (".txt", ".text", ".tsv")
"""Extensions that say little: CoNLL columns are often named ``.txt`` or ``.tsv``."""
SPAN_FORMATS = {"native", "prodigy", "doccano", "labelstudio", "brat", "spacy", "spacy-v2", "conll"}
"""Formats that hold spans: a file of them that gives none says so."""


def detect_format(path: Path) -> str | None:
    """The format of a file from its content first, then its name; ``None`` if none fits.

    A ``.txt``, ``.tsv`` or extension-less file holding CoNLL-style tag columns is CoNLL
    (:func:`conll_reader.looks_like_conll`); a ``.tsv`` that is not, but has a header
    with a text column, is CSV.
    """
    suffix = path.suffix.lower()
    if suffix == ".txt" and path.with_suffix(".ann").exists():
        return "brat"
    if suffix in _JSON_EXTENSIONS:
        return _detect_json(path)
    if suffix in _EXTENSIONS and suffix not in _BY_CONTENT:
        return _EXTENSIONS[suffix]
    head = _head(path)
    if suffix not in _BY_CONTENT:
        if head.lstrip()[:1] in ("{", "["):
            return _detect_json(path)
        if head.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            return "html"
    if conll_reader.looks_like_conll(head):
        return "conll"
    if suffix == ".tsv":
        header = head.split("\n", 1)[0].lower().split("\t")
        has_text = any(c.strip() in csv_format.TEXT_COLUMNS for c in header)
        return "csv" if has_text else "conll"
    return _EXTENSIONS.get(suffix)


def _head(path: Path, size: int = 65536) -> str:
    """The beginning of a file as text, for telling formats apart (undecodable bytes
    are dropped here: the reader refuses the file properly)."""
    if not path.is_file():  # a FIFO would block; read_paths refuses it
        return ""
    try:
        with path.open("rb") as handle:
            data = handle.read(size)
    except OSError:
        return ""
    return decode_leniently(data)


def _first_value(path: Path) -> object:
    """The first JSON value of a file (a whole JSON document, else the first JSON-lines
    record that is JSON: a bad line is the reader's to refuse, with its number).

    :raises InputFileError: no record of the file is JSON (``file:line: malformed
        JSON``).
    """
    import json

    content = decode_bytes(read_file_bytes(path), path)
    stripped = content.lstrip()
    if stripped.startswith("["):
        try:
            return orjson.loads(stripped)
        except orjson.JSONDecodeError:
            pass
        try:
            return json.loads(content)
        except json.JSONDecodeError as exc:
            raise InputFileError(path, f"malformed JSON: {exc.msg}", line=exc.lineno) from None
        except RecursionError:
            raise InputFileError(path, TOO_DEEP) from None
    first_bad: tuple[int, str] | None = None
    for number, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            reason = json_reason(exc)
            if reason == TOO_DEEP:
                raise InputFileError(path, TOO_DEEP, line=number) from None
            first_bad = first_bad or (number, reason)
            if line.strip() in ("{", "[") or number > 1000:
                break  # pretty-printed, or nothing but bad lines
    try:  # a pretty-printed record spanning lines
        return json.JSONDecoder().raw_decode(stripped)[0]
    except json.JSONDecodeError as exc:
        line, reason = first_bad or (exc.lineno, f"malformed JSON: {exc.msg}")
        raise InputFileError(path, reason, line=line) from None
    except RecursionError:
        raise InputFileError(path, TOO_DEEP) from None


def _is_native_document(value: dict[str, Any]) -> bool:
    """A document line of a native export (its header may have been cut off): the
    keys only that format writes, and spans with an annotator and a time each."""
    spans = value.get("spans")
    return (
        {"text", "sha256", "spans", "relations", "statuses"} <= set(value)
        and isinstance(spans, list)
        and all(isinstance(s, dict) and {"annotator", "created"} <= set(s) for s in spans)
    )


def _detect_json(path: Path) -> str | None:
    value = _first_value(path)
    if isinstance(value, list):
        if value and isinstance(value[0], list) and len(value[0]) == 2:
            return "spacy-v2"
        if value and isinstance(value[0], dict) and "data" in value[0]:
            return "labelstudio"
        if value and labelstudio.is_flat_task(value[0]):
            return "labelstudio"  # flat tasks: Label Studio imports [{"text": ...}] as data
        return "labelstudio" if not value else None
    if not isinstance(value, dict):
        return None
    if value.get("format") == native.FORMAT or _is_native_document(value):
        return "native"
    if "data" in value and isinstance(value["data"], dict):
        return "labelstudio"
    if value.get("format") == brat.SIDECAR_FORMAT:
        return None  # read with the brat pairs beside it
    label = value.get("label")
    if (
        "entities" in value
        or isinstance(value.get("cats"), list)
        or (isinstance(label, list) and "tokens" not in value)
    ):
        return "doccano"
    if "data" in value and isinstance(value["data"], str):
        return "doccano"
    if isinstance(value.get("annotations"), list) and "text" in value:
        return "doccano"  # doccano 1.x: annotations with start_offset / end_offset
    if "text" in value and ({"spans", "tokens", "_input_hash", "_view_id", "answer"} & set(value)):
        return "prodigy"
    if "text" in value:
        return "prodigy"  # a bare {"text": ...} line is a Prodigy input
    return None


def expand_paths(paths: list[Path], messages: list[str]) -> list[Path]:
    """Files to import: files as given, folders walked recursively in name order.

    Files in folders that no reader knows are left out with a message, hidden files too;
    so are links that lead out of the folder (a folder import never reads
    ``/etc/passwd`` through a link) and anything that is not a regular file (FIFOs,
    devices, sockets). Links to folders are not followed. A brat pair is read once
    (through its ``.ann``). Files given by name are taken as given (and refused when
    read if they are not regular files).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += _walk(path, messages)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise InputFileError(path, "does not exist")
    return files


def _walk(folder: Path, messages: list[str]) -> list[Path]:
    root = folder.resolve()
    found: list[Path] = []
    for where, subfolders, names in os.walk(folder):  # never follows links to folders
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in names:
            child = Path(where) / name
            if not name.startswith("."):
                found.append(child)
        for name in subfolders:
            child = Path(where) / name
            if child.is_symlink() and not child.resolve().is_relative_to(root):
                messages.append(
                    f"{shown(child)}: a link to {shown(child.resolve())}, outside the "
                    "folder; skipped"
                )
    files = []
    for child in sorted(found):
        if child.is_symlink() and not child.resolve().is_relative_to(root):
            messages.append(
                f"{shown(child)}: a link to {shown(child.resolve())}, outside the folder; skipped"
            )
            continue
        try:
            mode = child.stat().st_mode
        except OSError:
            messages.append(f"{shown(child)}: a broken link or unreadable; skipped")
            continue
        if not stat.S_ISREG(mode):
            messages.append(
                f"{shown(child)}: not a regular file (a FIFO, device or socket); skipped"
            )
            continue
        if child.name == brat.SIDECAR:
            continue  # read with the brat pairs beside it
        if child.suffix.lower() == ".txt" and child.with_suffix(".ann").exists():
            continue  # read with its .ann
        try:
            known = detect_format(child) is not None
        except InputFileError:
            known = True  # read_paths refuses it with its message (or skips it)
        if not known:
            messages.append(f"{shown(child)}: not a format Annotator reads, skipped")
            continue
        files.append(child)
    return files


def read_paths(
    paths: list[Path],
    fmt: str,
    messages: list[str],
    *,
    skipped: list[str] | None = None,
    schema: SchemaIn | None = None,
    text_column: str | None = None,
) -> Iterator[DocumentIn]:
    """Records of every file under ``paths`` read as ``fmt`` (``auto``: by content).

    A file that cannot be read raises :class:`InputFileError`, unless ``skipped`` is a
    list: then its message is appended there and the other files are read. Native files
    add their schema to ``schema``; ``text_column`` names the text column of CSV files.
    """
    schema = schema if schema is not None else SchemaIn()
    for path in expand_paths(paths, messages):
        try:
            refuse_unsafe_input(path)
            if path.suffix.lower() != ".ann" and not _has_content(path, ""):
                messages.append(f"{path}: empty, skipped")
                continue
            name = fmt if fmt != "auto" else detect_format(path)
            if name is None:
                raise InputFileError(
                    path, f"unknown format; use --format with one of: {', '.join(FORMATS[1:])}"
                )
            if name == "native":
                records = native.read_native(path, messages, schema)
            elif name == "csv":
                records = csv_format.read_csv(path, messages, text_column=text_column)
            else:
                records = READERS[name](path, messages)
            yield from _accounted(path, name, records, messages)
        except InputFileError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))


def _accounted(
    path: Path, name: str, records: Iterator[DocumentIn], messages: list[str]
) -> Iterator[DocumentIn]:
    """``records`` as they come, then what was silent made loud: a file with content
    that gives no record at all is refused; one whose documents hold no spans (in a
    format that holds them) gets a note."""
    count = documents = spans = categories = 0
    for record in records:
        count += 1
        if record.error is None:
            documents += 1
            spans += len(record.spans)
            categories += len(record.categories)
        yield record
    if not count and _has_content(path, name):
        raise InputFileError(path, f"no documents in it (read as {name})")
    if documents and not spans and not categories and name in SPAN_FORMATS:
        messages.append(
            f"{path}: no spans in its {counted(documents, 'document')} (read as {name}): "
            "imported as plain articles"
        )


def _has_content(path: Path, name: str) -> bool:
    """Whether a file (for brat: its text) holds anything but white space."""
    if name == "brat":
        path = path.with_suffix(".txt")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(65536):
                if chunk.strip():
                    return True
    except OSError:
        return False
    return False


_LINE_FORMATS = ("prodigy", "doccano", "labelstudio", "native")
"""Formats whose files are often JSON lines: one record a line."""


def count_records(paths: list[Path], fmt: str, *, text_column: str | None = None) -> int:
    """About how many records :func:`read_paths` will give, for progress with a time
    estimate, holding none of them: the lines of a JSON-lines file (its bytes scanned),
    one record per text or HTML file, else what the reader gives. Files it cannot read
    count nothing (:func:`read_paths` reports them)."""
    total = 0
    for path in expand_paths(paths, []):
        try:
            refuse_unsafe_input(path)  # a FIFO or device named as input is never opened
            name = fmt if fmt != "auto" else detect_format(path)
            if name in ("text", "html"):
                total += 1
            elif name in _LINE_FORMATS and _first_line_is_json(path):
                total += _count_lines(path)
            elif name == "native":
                total += sum(1 for _ in native.read_native(path, [], SchemaIn()))
            elif name == "csv":
                total += sum(1 for _ in csv_format.read_csv(path, [], text_column=text_column))
            elif name is not None:
                total += sum(1 for _ in READERS[name](path, []))
        except (InputFileError, OSError):
            continue
    return total


def _first_line_is_json(path: Path) -> bool:
    """Whether the first line holding anything is JSON on its own (JSON lines, not a
    pretty-printed file); reads that line only, not the whole file's encoding check."""
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                try:
                    orjson.loads(line.removeprefix(codecs.BOM_UTF8))
                except orjson.JSONDecodeError:
                    return False
                return True
    return False


def _count_lines(path: Path) -> int:
    """The lines of a file (a last one without a newline too), read a megabyte at a time;
    blank lines count, so this may be a little over."""
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")
