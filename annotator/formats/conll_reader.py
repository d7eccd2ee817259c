"""Reading CoNLL-style tag columns: one token per line, a blank line between sentences.

Columns are tab-separated (or, without a tab, separated by spaces). What the columns
are is read from the content:

- ``# columns = token claim source`` names the tag columns (Annotator's own export).
- Otherwise the tag columns are the last columns whose every value is a tag. A column
  of syntactic chunks (``B-NP``, ``I-VP``: CoNLL-2000/2003) is left out when another
  tag column remains, with a note.
- A first column that counts the tokens of each sentence from 1 (GermEval 2014,
  CoNLL-U) is an index: the token is the column after it. CoNLL-U range and empty-node
  rows (``1-2``, ``8.1``) are left out.

Tag schemes: BIO, IOB1, IOBES / BILOU / BMES (``B-LOC``, ``I-LOC``, ``E-LOC``, …), IO
and plain labels (``LOC``: a run of the same label in a sentence is one span). A column
of another scheme (``B_LOC``, ``LOC-B``, ``b-loc``) is refused with the file and line:
it would be misread. A tag that does not fit its column's scheme, and a row with the
wrong number of columns, is a bad record of its own line (the token is kept untagged;
a short or long row is left out).

``-DOCSTART-`` or ``# document = TITLE`` starts a new document, ``# annotator = NAME``
names its annotator. The text is rebuilt from the tokens (single spaces, a line break
per sentence): CoNLL does not keep the original spacing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.files.encoding import read_text_file
from annotator.model.errors import InputFileError
from annotator.model.imports import DocumentIn, SpanIn

_PREFIXED = re.compile(r"^[BIESLUM]-\S+$")
_OTHER_SCHEME = re.compile(r"^(?:[BIESLUM]_\S+|\S+[-_][BIESLUM]|[bieslum][-_]\S+)$")
CHUNK_TYPES = frozenset(
    {"NP", "VP", "PP", "ADJP", "ADVP", "SBAR", "PRT", "CONJP", "INTJ", "LST", "UCP"}
)
_SCHEMES = "BIO, IOB1, IOBES/BILOU, IO or plain labels"


def _kind(tag: str) -> str:
    if tag == "O":
        return "O"
    if _PREFIXED.match(tag):
        return "prefixed"
    if _OTHER_SCHEME.match(tag):
        return "other"
    return "plain"


@dataclass(slots=True)
class _Row:
    line: int
    cells: list[str]


@dataclass(slots=True)
class _Document:
    title: str
    line: int
    annotator: str | None = None
    sentences: list[list[_Row]] = field(default_factory=list)

    @property
    def rows(self) -> list[_Row]:
        return [row for sentence in self.sentences for row in sentence]


def _split(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def _is_comment(line: str, width: int | None) -> bool:
    """``#`` lines are comments, unless they are a token row: the token ``#`` (spaCy
    splits "#1" and "#Ukraine") followed by as many tab-separated columns as the rows
    have, or, before the first row, by nothing but ``O`` and prefixed tags."""
    if not line.startswith("#") or "\t" not in line:
        return line.startswith("#")
    cells = line.split("\t")
    if width is not None:
        return len(cells) != width
    return len(cells) < 2 or not all(c == "O" or _PREFIXED.match(c) for c in cells[1:])


def _parse(lines: list[str], stem: str) -> tuple[list[_Document], list[str] | None]:
    """Documents of rows grouped in sentences, and the ``# columns =`` names."""
    names: list[str] | None = None
    documents = [_Document(stem, 1)]
    sentence: list[_Row] = []
    width: int | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if line.startswith("# columns ="):
            names = line.split("=", 1)[1].split()[1:]
            width = len(names) + 1
            continue
        if line.startswith("-DOCSTART-") or line.startswith("# document"):
            if sentence:
                documents[-1].sentences.append(sentence)
                sentence = []
            title = line.split("=", 1)[1].strip() if line.startswith("# document =") else ""
            documents.append(_Document(title or stem, number))
            continue
        if line.startswith("# annotator ="):
            documents[-1].annotator = line.split("=", 1)[1].strip() or None
            continue
        if _is_comment(line, width):
            continue
        if not line.strip():
            if sentence:
                documents[-1].sentences.append(sentence)
                sentence = []
            continue
        sentence.append(_Row(number, _split(line)))
        width = width or len(sentence[-1].cells)
    if sentence:
        documents[-1].sentences.append(sentence)
    numbered = [d for d in documents if d.sentences]
    for n, document in enumerate(numbered[1:], 2):
        if document.title == stem:
            document.title = f"{stem} {n}"
    return numbered, names


def _has_index(sentences: list[list[_Row]]) -> bool:
    """Whether the first column counts each sentence's tokens from 1."""
    for sentence in sentences:
        numbers = [row.cells[0] for row in sentence if row.cells[0].isdigit()]
        if len(sentence[0].cells) < 2 or numbers != [str(n) for n in range(1, len(numbers) + 1)]:
            return False
        if any(not re.fullmatch(r"\d+(?:[-.]\d+)?", row.cells[0]) for row in sentence):
            return False
    return bool(sentences)


@dataclass(slots=True)
class _Column:
    index: int
    scheme: str  # "prefixed" or "plain"
    labels: set[str]


def _scheme(values: list[str]) -> str | None:
    """``prefixed`` or ``plain`` for a tag column, ``other`` for tags of a scheme we do
    not read, ``None`` for a column that holds no tags."""
    kinds = [_kind(v) for v in values]
    present = set(kinds)
    if present <= {"O", "prefixed"}:
        return "prefixed"
    if "O" in present:  # an outside tag: the first other tag tells the scheme
        return next(kind for kind in kinds if kind != "O")
    return "other" if present == {"other"} else None


def _tag_columns(
    rows: list[_Row], width: int, start: int, names: list[str] | None, path: Path
) -> tuple[list[_Column], list[str]]:
    """The tag columns of a document's rows (``start`` is the token column), and notes."""
    notes: list[str] = []
    if names is not None:
        candidates = list(range(start + 1, min(width, start + 1 + len(names))))
    else:
        candidates = []
        for index in range(width - 1, start, -1):
            if _scheme([r.cells[index] for r in rows if len(r.cells) == width]) is None:
                break
            candidates.insert(0, index)
    columns: list[_Column] = []
    for index in candidates:
        values = [(r.line, r.cells[index]) for r in rows if len(r.cells) == width]
        scheme = _scheme([v for _, v in values])
        if scheme in ("other", None):
            odd = [(n, v) for n, v in values if _kind(v) == "other"] or values or [(0, "")]
            line, tag = odd[0]
            raise InputFileError(
                path,
                f"column {index + 1}: tag {tag!r} is of a tag scheme Annotator does not "
                f"read ({_SCHEMES})",
                line=line or None,
            )
        labels = {v.partition("-")[2] if scheme == "prefixed" else v for _, v in values}
        columns.append(_Column(index, scheme, labels - {"O", ""}))
    chunks = [c for c in columns if c.labels and c.labels <= CHUNK_TYPES]
    if names is None and chunks and len(chunks) < len(columns):
        for column in chunks:
            notes.append(
                f"{path}: column {column.index + 1} holds syntactic chunks "
                f"({', '.join(sorted(column.labels))}): not imported"
            )
        columns = [c for c in columns if c not in chunks]
    return columns, notes


def _width(documents: list[list[_Row]]) -> int:
    """The number of columns of a file's rows: the most common one among those whose
    last column holds tags (a row with a column too many or too few is the odd one out),
    else the most common one."""
    rows = [row for document in documents for row in document]
    if not rows:
        return 0
    counts = Counter(len(row.cells) for row in rows)
    tagged = {
        width
        for width in counts
        if _scheme([r.cells[-1] for r in rows if len(r.cells) == width]) is not None
    }
    return max(counts, key=lambda width: (width in tagged and width > 1, counts[width]))


def _fits(tag: str, scheme: str) -> bool:
    kind = _kind(tag)
    return kind == "O" or kind == scheme


def read_conll(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    """The documents of a CoNLL-style file, then a bad record for each bad line.

    :raises InputFileError: a tag column of a scheme that cannot be read (the file is
        refused as a whole: skipping its lines would change the text).
    """
    documents, names = _parse(read_text_file(path).split("\n"), path.stem)
    width = len(names) + 1 if names is not None else _width([d.rows for d in documents])
    records: list[DocumentIn] = []
    bad: list[DocumentIn] = []
    for document in documents:
        rows = document.rows
        start = 1 if names is None and _has_index(document.sentences) else 0
        wrong = {id(r) for r in rows if len(r.cells) != width}
        bad += [
            DocumentIn.invalid(f"{path}:{r.line}", f"{len(r.cells)} columns, expected {width}")
            for r in rows
            if id(r) in wrong
        ]
        columns, notes = _tag_columns(rows, width, start, names, path)
        messages.extend(note for note in notes if note not in messages)
        sentences = [
            [r for r in s if id(r) not in wrong and (not start or r.cells[0].isdigit())]
            for s in document.sentences
        ]
        sentences = [s for s in sentences if s]
        if not sentences:
            continue
        record, misfits = _to_document(sentences, start, columns, document, path)
        records.append(record)
        bad += misfits
    yield from records
    yield from sorted(bad, key=lambda r: int(r.where.rpartition(":")[2]))


def _to_document(
    sentences: list[list[_Row]], start: int, columns: list[_Column], document: _Document, path
) -> tuple[DocumentIn, list[DocumentIn]]:
    text_parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for n, sentence in enumerate(sentences):
        for m, row in enumerate(sentence):
            token = row.cells[start]
            if m:
                text_parts.append(" ")
                position += 1
            offsets.append((position, position + len(token)))
            text_parts.append(token)
            position += len(token)
        if n + 1 < len(sentences):
            text_parts.append("\n")
            position += 1
    rows = [row for sentence in sentences for row in sentence]
    spans: list[SpanIn] = []
    misfits: list[DocumentIn] = []
    for column in columns:
        tags = []
        for row in rows:
            tag = row.cells[column.index]
            if not _fits(tag, column.scheme):
                misfits.append(
                    DocumentIn.invalid(
                        f"{path}:{row.line}",
                        f"tag {tag!r} does not fit the {column.scheme} tags of column "
                        f"{column.index + 1}; the token is kept without it",
                    )
                )
                tag = "O"
            elif column.scheme == "plain" and tag != "O":
                tag = f"I-{tag}"  # IO: a run of the same label is one span
            tags.append(tag)
        for span in _decode(tags, offsets, sentences):
            span.annotator = document.annotator
            spans.append(span)
    record = DocumentIn(
        text="".join(text_parts),
        title=document.title,
        where=f"{path}:{document.line}",
        spans=spans,
    )
    return record, misfits


def _decode(tags: list[str], offsets: list[tuple[int, int]], sentences) -> list[SpanIn]:
    """Spans from BIO / IOB1 / IOBES / BILOU / BMES tags (a span never crosses a sentence
    end)."""
    ends_of_sentences, total = set(), 0
    for sentence in sentences:
        total += len(sentence)
        ends_of_sentences.add(total - 1)
    spans: list[SpanIn] = []
    current: tuple[int, str] | None = None

    def close(last: int) -> None:
        nonlocal current
        if current is not None:
            spans.append(SpanIn(offsets[current[0]][0], offsets[last][1], current[1]))
            current = None

    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if tag == "O" or not label:
            close(i - 1)
        elif prefix in ("B", "S", "U") or current is None or current[1] != label:
            close(i - 1)
            current = (i, label)
        if prefix in ("E", "L", "S", "U") or i in ends_of_sentences:
            close(i)
    close(len(tags) - 1)
    return spans


def looks_like_conll(text: str, *, sample: int = 500) -> bool:
    """Whether a text (a ``.txt`` or ``.tsv`` file, say) is CoNLL-style tag columns rather
    than an article: its first ``sample`` lines (comments and blank lines aside) all have
    the same number of columns, at least two, and the last column holds tags (``O`` and
    labels, or prefixed tags only), or there is a ``# columns =`` or ``-DOCSTART-`` line.
    """
    rows: list[list[str]] = []
    for line in text.split("\n")[: sample * 2]:
        line = line.rstrip("\r")
        if line.startswith(("# columns =", "-DOCSTART-")):
            return True
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(_split(line))
        if len(rows) >= sample:
            break
    widths = {len(row) for row in rows}
    if len(rows) < 2 or len(widths) != 1 or widths.pop() < 2:
        return False
    return _scheme([row[-1] for row in rows]) is not None
