"""brat standoff: ``name.txt`` (the text) beside ``name.ann`` (the annotations).

Read, by line of the ``.ann`` file:

- ``T1<tab>Label 0 5<tab>text``: a span; the text is checked against the offsets.
- Discontinuous ``T19<tab>Content 1775 1995;1998 2184<tab>…``: imported as linked parts,
  one span per fragment with the same label, each later fragment linked to the first by a
  ``continues`` link (a relation type added to the schema). The brat export joins them
  back into one discontinuous ``T`` line.
- ``R1<tab>Label Arg1:T1 Arg2:T2``: a link from Arg1 to Arg2.
- ``E1<tab>Type:T1 Role:T2 …``: an event becomes links from its trigger to each argument,
  labelled with the role (trailing digits dropped: ``Theme2`` is ``Theme``).
- ``A1<tab>Name T1 [Value]`` (or ``M``): an attribute of the span (no value: true).
- ``#1<tab>AnnotatorNotes T1<tab>text``: the span's note.
- ``*<tab>Equiv T1 T2 …``: ``Equiv`` links between consecutive spans.
- ``N`` (normalisation) lines are listed as not imported.

Written to a folder: one ``.txt`` + ``.ann`` pair per document and annotator, file names
made from the title (never a path: nothing can be written outside the folder). Link
attributes cannot be held by brat and are listed in the export report.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputFileError
from annotator.core.ingest import DocumentIn, RelationIn, SpanIn
from annotator.core.project import Project
from annotator.formats.encoding import read_text_file
from annotator.formats.export import (
    ExportFilter,
    ExportReport,
    Layer,
    atomic_folder,
    select_layers,
)

CONTINUES = "continues"
_ROLE_DIGITS = re.compile(r"\d+$")


def read_brat(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    """The document of a ``.txt``/``.ann`` pair (either file may be given)."""
    txt, ann = path.with_suffix(".txt"), path.with_suffix(".ann")
    if not txt.exists():
        raise InputFileError(ann, f"has no text file beside it ({txt.name})")
    text = read_text_file(txt)
    record = DocumentIn(text=text, title=txt.stem, where=str(ann), meta={"file": txt.name})
    if ann.exists():
        try:
            _parse_ann(read_text_file(ann), record, ann, messages)
        except InputFileError as exc:
            record = DocumentIn.invalid(f"{exc.path}:{exc.line}", exc.reason)
    yield record


def _parse_ann(content: str, record: DocumentIn, ann: Path, messages: list[str]) -> None:
    spans: dict[str, int] = {}  # T id -> index of its (first) span
    events: dict[str, str] = {}  # E id -> trigger T id
    pending: list[tuple[int, str, list[str]]] = []
    for number, raw in enumerate(content.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        try:
            ident, rest = line.split("\t", 1)
            kind = ident[0]
            if kind == "T":
                _read_span(record, spans, ident, rest)
            elif kind == "E":
                trigger = rest.split("\t", 1)[0].split()[0].split(":", 1)[1]
                events[ident] = trigger
                pending.append((number, ident, rest.split("\t", 1)[0].split()))
            elif kind in ("R", "*", "A", "M", "#"):
                pending.append((number, ident, rest.split("\t")))
            elif kind == "N":
                messages.append(f"{ann}:{number}: normalisation {ident} not imported")
            else:
                raise ValueError(f"unknown annotation {ident!r}")
        except (ValueError, IndexError) as exc:
            raise InputFileError(ann, f"cannot read this line ({exc})", line=number) from None
    for number, ident, fields in pending:  # after every T: they may refer to later ones
        try:
            _read_reference(record, spans, events, ident, fields)
        except (ValueError, KeyError, IndexError) as exc:
            reason = f"refers to an unknown annotation {exc}" if isinstance(exc, KeyError) else exc
            raise InputFileError(ann, f"{ident}: {reason}", line=number) from None


def _read_span(record: DocumentIn, spans: dict[str, int], ident: str, rest: str) -> None:
    header, _, stated = rest.partition("\t")
    label, _, offsets = header.partition(" ")
    fragments = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
    if any(len(f) != 2 for f in fragments):
        raise ValueError(f"bad offsets {offsets!r}")
    found = " ".join(record.text[s:e] for s, e in fragments)
    if stated and _one_line(found) != _one_line(stated):
        raise ValueError(f"{ident} says {stated!r} but the text there is {found!r}")
    first = len(record.spans)
    spans[ident] = first
    for n, (start, end) in enumerate(fragments):
        record.spans.append(SpanIn(start, end, label))
        if n:
            record.relations.append(RelationIn(first + n, first, CONTINUES))


def _one_line(text: str) -> str:
    """How a span's text appears in an ``.ann`` line: line breaks and tabs as spaces."""
    return text.translate(_ONE_LINE)


_ONE_LINE = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def _read_reference(
    record: DocumentIn, spans: dict[str, int], events: dict[str, str], ident: str, fields: list[str]
) -> None:
    def span_of(ref: str) -> int:
        return spans[events.get(ref, ref)]

    kind = ident[0]
    if kind == "R":
        label, first, second = fields[0].split()
        record.relations.append(
            RelationIn(span_of(first.split(":", 1)[1]), span_of(second.split(":", 1)[1]), label)
        )
    elif kind == "E":
        trigger = span_of(fields[0].split(":", 1)[1])
        for argument in fields[1:]:
            role, ref = argument.split(":", 1)
            record.relations.append(RelationIn(trigger, span_of(ref), _ROLE_DIGITS.sub("", role)))
    elif kind == "*":
        label, *refs = fields[0].split()
        for first, second in itertools.pairwise(refs):
            record.relations.append(RelationIn(span_of(first), span_of(second), label))
    elif kind in ("A", "M"):
        name, ref, *value = fields[0].split()
        parsed: Any = True if not value else {"true": True, "false": False}.get(value[0], value[0])
        record.spans[span_of(ref)].attributes[name] = parsed
    elif kind == "#":
        _, ref = fields[0].split()
        note = fields[1] if len(fields) > 1 else ""
        index = span_of(ref)
        record.spans[index].note = "\n".join(filter(None, [record.spans[index].note, note]))


# -- writing ----------------------------------------------------------------------------


def _ann_lines(layer: Layer, report: ExportReport) -> list[str]:
    text = layer.document.text
    by_id = {span.id: span for span in layer.spans}
    parts: dict[int, list[int]] = {span.id: [span.id] for span in layer.spans}
    for relation in layer.relations:
        if relation.label == CONTINUES and relation.child_id in parts:
            parts[relation.child_id].append(relation.head_id)
            parts.pop(relation.head_id, None)
    t_of: dict[int, str] = {}
    lines: list[str] = []
    for n, (first, members) in enumerate(sorted(parts.items(), key=lambda p: by_id[p[0]].start), 1):
        span = by_id[first]
        if " " in span.label:
            report.lose_span(
                layer, span, "label", "brat labels cannot hold spaces (written with _)"
            )
        fragments = sorted((by_id[m].start, by_id[m].end) for m in members)
        offsets = ";".join(f"{s} {e}" for s, e in fragments)
        shown = _one_line(" ".join(text[s:e] for s, e in fragments))
        lines.append(f"T{n}\t{span.label.replace(' ', '_')} {offsets}\t{shown}")
        for member in members:
            t_of[member] = f"T{n}"
    attribute = note = relation_count = 0
    for span in sorted(layer.spans, key=lambda s: (s.start, -s.end, s.label)):
        for name, value in sorted(span.attributes.items()):
            attribute += 1
            shown = "" if value is True else f" {str(value).lower() if value is False else value}"
            if isinstance(value, (list, dict)) or (isinstance(value, str) and " " in value):
                report.lose_span(layer, span, "attributes", f"brat cannot hold the value of {name}")
                continue
            lines.append(f"A{attribute}\t{name} {t_of[span.id]}{shown}")
        if span.note:
            note += 1
            flat = _one_line(span.note)
            lines.append(f"#{note}\tAnnotatorNotes {t_of[span.id]}\t{flat}")
            if flat != span.note:
                report.lose_span(layer, span, "note", "line breaks and tabs become spaces")
    for relation in layer.relations:
        if relation.label == CONTINUES:
            continue
        relation_count += 1
        if relation.attributes:
            report.lose_link(layer, relation, "link attributes", "brat links have no attributes")
        lines.append(
            f"R{relation_count}\t{relation.label} Arg1:{t_of[relation.head_id]} "
            f"Arg2:{t_of[relation.child_id]}"
        )
    return lines


def export_brat(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    """Write ``.txt`` + ``.ann`` pairs into the folder ``out`` (created if missing; the
    files appear only when the whole export succeeded)."""
    report = ExportReport(format="brat", path=str(out))
    with atomic_folder(out) as folder:
        for n, layer in enumerate(select_layers(project, chosen), 1):
            stem = folder.name(f"{layer.document.title}.{layer.annotator}")
            folder.write(f"{stem}.txt", layer.document.text.encode("utf-8"))
            folder.write(f"{stem}.ann", ("\n".join(_ann_lines(layer, report)) + "\n").encode())
            report.records += 1
            report.spans += len(layer.spans)
            report.relations += sum(r.label != CONTINUES for r in layer.relations)
            if progress is not None:
                progress(n)
    return report
