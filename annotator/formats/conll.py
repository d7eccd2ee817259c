"""CoNLL-style BIO files: one token per line, a blank line between sentences.

Written with one label layer per column (``columns``, the default: ``token<TAB>claim
<TAB>source…``) or one file per label (``files``: a folder holding ``claim.conll``,
``source.conll``, …). Each layer (one annotator's work on one document) starts with
the CoNLL-2003 separator ``-DOCSTART- -X- O O`` and holds nothing but token rows, so
``spacy convert -c ner``, seqeval and the usual CoNLL-2003 loaders read it as it is
(those take the last column as the entities: one label, or the ``files`` layout, is
what they read whole). The tags name their label, which is how the columns are told
apart when the file is read back. With ``comments`` the layers start with
``# document =`` and ``# annotator =`` lines instead and a ``# columns =`` line names
the columns (CoNLL-U-style comments, which CoNLL-2003 readers take for tokens).
Whitespace tokens are left out (the format has no place for them). What BIO cannot
hold is listed in the report, never dropped silently: a span that overlaps or nests
inside another span of the same label in the same layer, a span that does not align to
tokens, and every link.

Read by :mod:`annotator.formats.conll_reader`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from annotator.core.project import Project
from annotator.files.output import atomic_folder, atomic_output
from annotator.formats.export import ExportFilter, ExportReport, Holds, Layer, select_layers
from annotator.model.errors import AnnotatorError
from annotator.text import token_bounds

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


DOCSTART = "-DOCSTART- -X- O O"
"""The CoNLL-2003 document separator, as ``spacy convert -c ner`` splits on it."""


def _document_lines(
    project: Project, layer: Layer, labels: list[str], report: ExportReport, comments: bool
) -> list[str]:
    """The lines of one layer: a separator (or our comment lines), then the token rows,
    a blank line after each sentence."""
    doc = project.spacy_doc(layer.document.id)
    sentence_of = _sentence_of_tokens(project, layer)
    columns = [_tags(project, layer, label, report, sentence_of) for label in labels]
    if comments:
        lines = [f"# document = {_one_line(layer.document.title)}"]
        lines.append(f"# annotator = {_one_line(layer.annotator)}")
    else:
        lines = [DOCSTART, ""]
    previous = 0
    for token in doc:
        if token.is_space:
            continue
        if sentence_of[token.i] != previous and lines[-1] != "":
            lines.append("")
        previous = sentence_of[token.i]
        lines.append("\t".join([token.text, *(column[token.i] for column in columns)]))
    lines.append("")
    return lines


def _one_line(value: str) -> str:
    """A title or name on one comment line (a line break would end the comment)."""
    return " ".join(value.split())


HOLDS = Holds("CoNLL")
"""What CoNLL holds with ``--conll-comments``: tags (the spans that fit BIO: the writer
reports the others) and the annotator of each layer; the export reports the rest."""
WITHOUT_COMMENTS = Holds(
    "CoNLL", annotators=False, advice=(("annotator", "--conll-comments writes them"),)
)
"""Without comments, a layer is a ``-DOCSTART-`` line and tags: no annotator."""


def export_conll(
    project: Project,
    out: str | Path,
    *,
    chosen: ExportFilter | None = None,
    layout: str = "columns",
    comments: bool = False,
    progress=None,
) -> ExportReport:
    """Write BIO columns to the file ``out`` (``columns``) or one file per label into the
    folder ``out`` (``files``), atomically.

    Each layer starts with ``-DOCSTART- -X- O O`` and no other line than token rows;
    ``comments`` writes our ``# columns``, ``# document`` and ``# annotator`` lines
    instead (which readers of CoNLL-2003 files take for tokens).
    """
    if layout not in ("columns", "files"):
        raise AnnotatorError("CoNLL layout is 'columns' or 'files'")
    labels = project.schema.label_names
    if chosen and chosen.labels:
        labels = [label for label in labels if label in chosen.labels]
    holds = HOLDS if comments else WITHOUT_COMMENTS
    report = ExportReport(format="conll", path=str(out), holds=holds)
    layers = list(select_layers(project, chosen, report))
    groups = [labels] if layout == "columns" else [[label] for label in labels]
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(atomic_folder(out)) if layout == "files" else None
        for group in groups:
            name = out if folder is None else folder.name(group[0], ".conll")
            group_report = ExportReport(format="conll", path=str(name))
            opened = atomic_output(out, "w") if folder is None else folder.open(name, "w")
            with opened as handle:
                if comments:
                    handle.write(f"# columns = token {' '.join(group)}\n")
                for n, layer in enumerate(layers, 1):
                    lines = _document_lines(project, layer, group, group_report, comments)
                    handle.write("\n".join(lines) + "\n")
                    if progress is not None:
                        progress(n)
            report.lost.extend(group_report.lost)  # each group has its own labels
    report.records = len(layers)
    held = sum(len([s for s in layer.spans if s.label in labels]) for layer in layers)
    report.spans = held - sum(lost.what == "span" for lost in report.lost)
    return report
