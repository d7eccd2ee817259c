"""CoNLL-style BIO files: one token per line, a blank line between sentences.

Written with one label layer per column (``columns``, the default: ``token<TAB>claim
<TAB>source…``, named in a ``# columns =`` header) or one file per label (``files``: a
folder holding ``claim.conll``, ``source.conll``, …). Documents start with
``# document = …`` lines. Whitespace tokens are left out (the format has no place for
them). What BIO cannot hold is listed in the report, never dropped silently: a span that
overlaps or nests inside another span of the same label in the same layer, a span that
does not align to tokens, and every link.

Read: tab- or space-separated columns; ``# columns =`` names the tag columns, else the
last column holds the tags, as in CoNLL-2003 (whose chunk column is BIO too, but not
entities). ``-DOCSTART-`` or ``# document`` starts a new document. The text
is rebuilt from the tokens (single spaces, a line break per sentence): CoNLL does not
keep the original spacing.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.ingest import DocumentIn, SpanIn
from annotator.core.project import Project
from annotator.formats.encoding import read_text_file
from annotator.formats.export import (
    ExportFilter,
    ExportReport,
    Layer,
    atomic_folder,
    atomic_output,
    select_layers,
)
from annotator.nlp import token_bounds

_TAG = re.compile(r"^(O|[BIESLU]-\S+)$")


# -- writing ----------------------------------------------------------------------------


def _sentence_of_tokens(project: Project, layer: Layer) -> list[int]:
    """The sentence number of each token (a blank line is written between sentences)."""
    doc = project.spacy_doc(layer.document.id)
    starts = project.sentence_bounds(layer.document.id).starts
    numbers, sentence = [], 0
    for token in doc:
        while sentence + 1 < len(starts) and token.idx >= starts[sentence + 1]:
            sentence += 1
        numbers.append(sentence)
    return numbers


def _tags(
    project: Project, layer: Layer, label: str, report: ExportReport, sentence_of: list[int]
) -> list[str]:
    """BIO tags of every token of the document for one label; losses are reported."""
    doc = project.spacy_doc(layer.document.id)
    tags = ["O"] * len(doc)
    taken: list[tuple[int, int]] = []
    spans = sorted((s for s in layer.spans if s.label == label), key=lambda s: (s.start, -s.end))
    for span in spans:
        bounds = token_bounds(doc, span.start, span.end)
        if bounds is None:
            report.lose_span(layer, span, "span", "does not align to token boundaries")
            continue
        first, last = bounds
        if sentence_of[first] != sentence_of[last]:
            report.lose_span(layer, span, "span", "crosses a sentence boundary")
            continue
        if any(first <= end and start <= last for start, end in taken):
            report.lose_span(layer, span, "span", f"overlaps another {label} span in BIO")
            continue
        taken.append((first, last))
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags


def _document_lines(
    project: Project, layer: Layer, labels: list[str], report: ExportReport
) -> list[str]:
    doc = project.spacy_doc(layer.document.id)
    sentence_of = _sentence_of_tokens(project, layer)
    columns = [_tags(project, layer, label, report, sentence_of) for label in labels]
    lines = [f"# document = {layer.document.title}", f"# annotator = {layer.annotator}"]
    previous = 0
    for token in doc:
        if token.is_space:
            continue
        if sentence_of[token.i] != previous and lines[-1] != "":
            lines.append("")
        previous = sentence_of[token.i]
        lines.append("\t".join([token.text, *(column[token.i] for column in columns)]))
    lines.append("")
    for relation in layer.relations:
        report.lose_link(layer, relation, "link", "CoNLL has no links")
    for span in layer.spans:
        if span.label in labels and span.attributes:
            report.lose_span(layer, span, "attributes", "CoNLL has no attributes")
        if span.label in labels and span.note:
            report.lose_span(layer, span, "note", "CoNLL has no notes")
    return lines


def export_conll(
    project: Project,
    out: str | Path,
    *,
    chosen: ExportFilter | None = None,
    layout: str = "columns",
    progress=None,
) -> ExportReport:
    """Write BIO columns to the file ``out`` (``columns``) or one file per label into the
    folder ``out`` (``files``)."""
    if layout not in ("columns", "files"):
        raise AnnotatorError("CoNLL layout is 'columns' or 'files'")
    labels = project.schema.label_names
    if chosen and chosen.labels:
        labels = [label for label in labels if label in chosen.labels]
    report = ExportReport(format="conll", path=str(out))
    layers = list(select_layers(project, chosen))
    groups = [labels] if layout == "columns" else [[label] for label in labels]
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(atomic_folder(out)) if layout == "files" else None
        for group in groups:
            name = out if folder is None else folder.name(group[0], ".conll")
            group_report = ExportReport(format="conll", path=str(name))
            opened = atomic_output(out, "w") if folder is None else folder.open(name, "w")
            with opened as handle:
                handle.write(f"# columns = token {' '.join(group)}\n")
                for n, layer in enumerate(layers, 1):
                    lines = _document_lines(project, layer, group, group_report)
                    handle.write("\n".join(lines) + "\n")
                    if progress is not None:
                        progress(n)
            report.lost.extend(lost for lost in group_report.lost if lost not in report.lost)
    report.records = len(layers)
    held = sum(len([s for s in layer.spans if s.label in labels]) for layer in layers)
    report.spans = held - sum(lost.what == "span" for lost in report.lost)
    return report


# -- reading ----------------------------------------------------------------------------


def read_conll(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    lines = read_text_file(path).split("\n")
    names: list[str] | None = None
    document: list[list[list[str]]] = []  # sentences of rows
    sentence: list[list[str]] = []
    title, start_line = path.stem, 1
    count = 0

    def flush() -> Iterator[DocumentIn]:
        nonlocal count
        if sentence:
            document.append(list(sentence))
            sentence.clear()
        if document:
            count += 1
            yield _to_document(
                document,
                names,
                f"{title}" if count == 1 else f"{title} {count}",
                f"{path}:{start_line}",
            )
            document.clear()

    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if line.startswith("# columns ="):
            names = line.split("=", 1)[1].split()[1:]
            continue
        if line.startswith("-DOCSTART-") or line.startswith("# document"):
            yield from flush()
            start_line = number
            if line.startswith("# document ="):
                title = line.split("=", 1)[1].strip() or path.stem
            continue
        if line.startswith("#"):
            continue
        if not line.strip():
            if sentence:
                document.append(list(sentence))
                sentence.clear()
            continue
        row = line.split("\t") if "\t" in line else line.split()
        if sentence and len(row) != len(sentence[0]):
            yield DocumentIn.invalid(
                f"{path}:{number}", f"{len(row)} columns, expected {len(sentence[0])}"
            )
            return
        sentence.append(row)
    yield from flush()


def _to_document(
    sentences: list[list[list[str]]], names: list[str] | None, title: str, location: str
) -> DocumentIn:
    rows = [row for sentence in sentences for row in sentence]
    width = len(rows[0])
    if names is not None:
        tag_columns = list(range(1, min(width, len(names) + 1)))
    else:  # the usual convention (CoNLL-2003): labels in the last column, if it has tags
        last = width - 1
        tag_columns = [last] if last and all(_TAG.match(r[last]) for r in rows) else []
    text_parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for n, sentence in enumerate(sentences):
        for m, row in enumerate(sentence):
            if m:
                text_parts.append(" ")
                position += 1
            offsets.append((position, position + len(row[0])))
            text_parts.append(row[0])
            position += len(row[0])
        if n + 1 < len(sentences):
            text_parts.append("\n")
            position += 1
    spans: list[SpanIn] = []
    for column in tag_columns:
        spans.extend(_decode([r[column] for r in rows], offsets, sentences))
    return DocumentIn(text="".join(text_parts), title=title, where=location, spans=spans)


def _decode(tags: list[str], offsets: list[tuple[int, int]], sentences) -> list[SpanIn]:
    """Spans from BIO / IOB1 / IOBES / BILOU tags (a span never crosses a sentence end)."""
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
