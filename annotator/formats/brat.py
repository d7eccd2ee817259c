"""brat standoff: ``name.txt`` (the text) beside ``name.ann`` (the annotations).

Read, by line of the ``.ann`` file:

- ``T1<tab>Label 0 5<tab>text``: a span; the text is checked against the offsets.
- Discontinuous ``T19<tab>Content 1775 1995;1998 2184<tab>…``: imported as linked parts,
  one span per fragment with the same label, each later fragment linked to the first by a
  ``continues`` link (a relation type added to the schema). The brat export joins them
  back into one discontinuous ``T`` line.
- ``R1<tab>Label Arg1:T1 Arg2:T2``: a link from Arg1 to Arg2.
- ``E1<tab>Type:T1 Role:T2 …``: an event becomes links from its trigger to each argument,
  labelled with the role (trailing digits dropped: ``Theme2`` is ``Theme``). Events that
  share a trigger (``E3``, ``E4`` on ``T71``) cannot be told apart afterwards: a note
  says so.
- ``A1<tab>Name T1 [Value]`` (or ``M``): an attribute of the span (no value: true), or
  of the link when it names an ``R``; a second line setting the same attribute of the
  same annotation is refused (which value was meant is not known).
- ``#1<tab>AnnotatorNotes T1<tab>text``: the span's note; a note on an ``E`` is kept on
  the event's trigger span, a note on an ``R`` as the link's ``note`` attribute.
- ``*<tab>Equiv T1 T2 …``: ``Equiv`` links between consecutive spans; a span equivalent
  to itself (``Equiv T63 T63``) is left out with a note.
- ``N`` (normalisation) lines are listed as not imported.
- An id used twice (``T1`` on two lines) refuses the second line.

A line that cannot be read (or that refers to one that could not) is a bad record of its
own: the import refuses it, or with ``--skip-invalid`` leaves out that line only.

Written to a folder: one ``.txt`` + ``.ann`` pair per document and annotator, file names
made from the title and annotator (``Title.alice.ann``; never a path: nothing can be
written outside the folder), and ``annotator-layers.json`` beside them, which holds for
each ``.ann`` file the document's title, language, metadata and note, the annotator and
their status: brat has no place for them, brat ignores the file, and the import reads
them back from it. A link's ``note`` attribute is written as a note on its ``R``; other
link attributes, attribute values an ``A`` line cannot hold and what :data:`HOLDS` does
not list are reported by the export.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.project import Project
from annotator.files.encoding import read_text_file
from annotator.files.output import atomic_folder
from annotator.formats.common import read_json
from annotator.formats.export import ExportFilter, ExportReport, Holds, Layer, select_layers
from annotator.model.errors import InputFileError
from annotator.model.imports import ANSWERS, DocumentIn, RelationIn, SpanIn, StatusIn
from annotator.model.records import STATUSES

CONTINUES = "continues"
_ROLE_DIGITS = re.compile(r"\d+$")


SIDECAR = "annotator-layers.json"
"""Written beside the pairs by the export: for each ``.ann`` file the document's title,
the annotator and their status (brat has no place for them; brat and other readers
ignore the file). The import reads it when it is there."""
SIDECAR_FORMAT = "annotator-brat-layers"


def read_brat(path: Path, messages: list[str]) -> Iterator[DocumentIn]:
    """The document of a ``.txt``/``.ann`` pair (either file may be given), then a bad
    record for each ``.ann`` line that cannot be read (the rest of the pair is kept)."""
    txt, ann = path.with_suffix(".txt"), path.with_suffix(".ann")
    if not txt.exists():
        raise InputFileError(ann, f"has no text file beside it ({txt.name})")
    text = read_text_file(txt)
    layer = _layers_of_folder(ann.parent).get(ann.name, {})
    annotator = layer.get("annotator") if isinstance(layer.get("annotator"), str) else None
    title = layer.get("title") if isinstance(layer.get("title"), str) else txt.stem
    # our own pair: the document's metadata and note come from the sidecar; another
    # tool's: the file name is worth keeping
    ours = isinstance(layer.get("meta"), dict)
    record = DocumentIn(
        text=text,
        title=title,
        where=str(ann),
        meta=dict(layer["meta"]) if ours else {"file": txt.name},
        lang=layer.get("lang") if isinstance(layer.get("lang"), str) else None,
        note=layer.get("note") if isinstance(layer.get("note"), str) else "",
    )
    bad: list[DocumentIn] = []
    if ann.exists():
        bad = _Ann(record, ann, messages, annotator).parse(read_text_file(ann))
    if layer.get("status") in STATUSES and layer["status"] != "new":
        answer = layer.get("answer") if layer.get("answer") in ANSWERS else None
        record.statuses.append(StatusIn(annotator, layer["status"], answer))
    yield record
    yield from bad


def _layers_of_folder(folder: Path) -> dict[str, dict[str, Any]]:
    sidecar = folder / SIDECAR
    try:
        stat = sidecar.stat()
    except OSError:
        return {}
    return _read_sidecar(str(sidecar), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_sidecar(path: str, mtime: int, size: int) -> dict[str, dict[str, Any]]:
    """The sidecar's entries by ``.ann`` file name (cached: a folder of 10,000 pairs
    reads it once). A sidecar that is not ours, or not JSON, is ignored."""
    try:
        data = read_json(Path(path))
    except InputFileError:
        return {}
    if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    return {name: entry for name, entry in files.items() if isinstance(entry, dict)}


def _one_line(text: str) -> str:
    """How a span's text appears in an ``.ann`` line: tabs and everything
    ``str.splitlines`` breaks lines at (U+2028, U+0085, … too: brat and other readers
    split ``.ann`` files that way) as spaces."""
    return text.translate(_ONE_LINE)


_ONE_LINE = str.maketrans(dict.fromkeys("\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", " "))


class _Ann:
    """Reads one ``.ann`` file into a record, line by line: a line that cannot be read
    is left out and returned as a bad record naming its line; lines that refer to it are
    left out too, each with its own line."""

    def __init__(self, record: DocumentIn, ann: Path, messages: list[str], annotator):
        self.record, self.ann, self.messages, self.annotator = record, ann, messages, annotator
        self.spans: dict[str, int] = {}  # T id -> index of its (first) span
        self.triggers: dict[str, str] = {}  # E id -> its trigger's T id
        self.links: dict[str, int] = {}  # R id -> index in record.relations
        self.set_by: dict[tuple[tuple[str, int], str], str] = {}  # (target, name) -> A id
        self.bad: list[DocumentIn] = []

    def parse(self, content: str) -> list[DocumentIn]:
        later: dict[str, list[tuple[int, str, str]]] = {kind: [] for kind in "ER*AM#"}
        seen: set[str] = set()
        for number, raw in enumerate(content.split("\n"), 1):
            line = raw.rstrip("\r")
            if not line.strip():
                continue
            try:
                ident, rest = line.split("\t", 1)
                if ident in seen and ident != "*":
                    raise ValueError(f"{ident} is used twice")
                seen.add(ident)
                kind = ident[:1]
                if kind == "T":
                    self._span(ident, rest)
                elif kind in later:
                    later[kind].append((number, ident, rest))
                elif kind == "N":
                    self.messages.append(f"{self.ann}:{number}: normalisation {ident} not imported")
                else:
                    raise ValueError(f"unknown annotation {ident!r}")
            except ValueError as exc:
                self._refuse(number, f"cannot read this line ({exc})")
        # after every T (lines may refer to later ones): events, links, then what refers
        # to those
        sharing: dict[str, list[tuple[int, str]]] = {}  # trigger -> its events
        for number, ident, rest in later["E"]:
            fields = rest.split("\t", 1)[0].split()
            trigger = fields[0].partition(":")[2] if fields else ""
            if trigger in self.spans:
                self.triggers[ident] = trigger
                sharing.setdefault(trigger, []).append((number, ident))
        for trigger, events in sharing.items():
            if len(events) > 1:
                self.messages.append(
                    f"{self.ann}:{events[1][0]}: events {', '.join(e for _, e in events)} share "
                    f"the trigger {trigger}: not imported exactly (each becomes links from "
                    "that one span, so which argument belongs to which event is not kept)"
                )
        for kind, read in (("E", self._event), ("R", self._relation)):
            for number, ident, rest in later[kind]:
                self._each(read, number, ident, rest)
        for number, ident, rest in later["*"]:
            self._each(functools.partial(self._equiv, number=number), number, ident, rest)
        for kind in "AM#":
            for number, ident, rest in later[kind]:
                self._each(self._attribute if kind != "#" else self._note, number, ident, rest)
        return sorted(self.bad, key=lambda record: int(record.where.rpartition(":")[2]))

    def _refuse(self, number: int, reason: str) -> None:
        self.bad.append(DocumentIn.invalid(f"{self.ann}:{number}", reason))

    def _each(self, read, number: int, ident: str, rest: str) -> None:
        try:
            read(ident, rest)
        except KeyError as exc:
            self._refuse(number, f"{ident}: refers to an unknown annotation {exc.args[0]!r}")
            self.triggers.pop(ident, None)
        except (ValueError, IndexError) as exc:
            self._refuse(number, f"{ident}: {exc}")
            self.triggers.pop(ident, None)

    def _span(self, ident: str, rest: str) -> None:
        record = self.record
        header, _, stated = rest.partition("\t")
        label, _, offsets = header.partition(" ")
        fragments = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
        if not label or any(len(f) != 2 for f in fragments):
            raise ValueError(f"bad label or offsets {header!r}")
        for start, end in fragments:
            if not 0 <= start < end <= len(record.text):
                raise ValueError(f"[{start}, {end}) is outside the text or empty")
        found = " ".join(record.text[s:e] for s, e in fragments)
        if stated and _one_line(found) != _one_line(stated):
            raise ValueError(f"{ident} says {stated!r} but the text there is {found!r}")
        first = len(record.spans)
        self.spans[ident] = first
        for n, (start, end) in enumerate(fragments):
            record.spans.append(SpanIn(start, end, label, annotator=self.annotator))
            if n:
                record.relations.append(RelationIn(first + n, first, CONTINUES, self.annotator))

    def _span_of(self, ref: str) -> int:
        return self.spans[self.triggers.get(ref, ref)]

    def _link(self, head: int, child: int, label: str) -> RelationIn:
        spans = self.record.spans
        same = (spans[head].start, spans[head].end, spans[head].label)
        if head == child or same == (spans[child].start, spans[child].end, spans[child].label):
            raise ValueError("links a span to itself")
        return RelationIn(head, child, label, self.annotator)

    def _event(self, ident: str, rest: str) -> None:
        if ident not in self.triggers:
            raise ValueError("no trigger span, or not a known one")
        fields = rest.split("\t", 1)[0].split()
        trigger = self._span_of(ident)
        links = []
        for argument in fields[1:]:
            role, _, ref = argument.partition(":")
            links.append(self._link(trigger, self._span_of(ref), _ROLE_DIGITS.sub("", role)))
        self.record.relations.extend(links)

    def _relation(self, ident: str, rest: str) -> None:
        label, first, second = rest.split("\t", 1)[0].split()
        link = self._link(
            self._span_of(first.partition(":")[2]), self._span_of(second.partition(":")[2]), label
        )
        self.links[ident] = len(self.record.relations)
        self.record.relations.append(link)

    def _equiv(self, ident: str, rest: str, number: int) -> None:
        """``*  Equiv T1 T2 …``: links between consecutive spans. A span said to be
        equivalent to itself (``Equiv T63 T63``, in brat's own BioNLP-ST 2011 data) says
        nothing: left out with a note."""
        label, *refs = rest.split("\t", 1)[0].split()
        kept = [ref for n, ref in enumerate(refs) if not n or ref != refs[n - 1]]
        if len(kept) < len(refs):
            self.messages.append(
                f"{self.ann}:{number}: {label} of a span with itself left out ({' '.join(refs)})"
            )
        links = [
            self._link(self._span_of(a), self._span_of(b), label)
            for a, b in itertools.pairwise(kept)
        ]
        self.record.relations.extend(links)

    def _attribute(self, ident: str, rest: str) -> None:
        """``A1  Name T1 [Value]``: an attribute of a span (of an event: of its trigger)
        or a link. The same attribute set twice on one of them refuses the second line:
        which value was meant is not known."""
        name, ref, *value = rest.split("\t", 1)[0].split()
        parsed: Any = True if not value else {"true": True, "false": False}.get(value[0], value[0])
        if ref in self.links:
            target = ("R", self.links[ref])
            attributes = self.record.relations[self.links[ref]].attributes
        else:
            target = ("T", self._span_of(ref))
            attributes = self.record.spans[target[1]].attributes
        if (target, name) in self.set_by:
            raise ValueError(f"sets {name} of {ref} again ({self.set_by[target, name]} set it)")
        self.set_by[target, name] = ident
        attributes[name] = parsed

    def _note(self, ident: str, rest: str) -> None:
        """A note on a span, or on an event (kept on its trigger span), or on a link
        (kept as the link's ``note`` attribute)."""
        header, _, note = rest.partition("\t")
        _, ref = header.split()
        if ref in self.links:
            attributes = self.record.relations[self.links[ref]].attributes
            attributes["note"] = "\n".join(filter(None, [attributes.get("note", ""), note]))
            return
        span = self.record.spans[self._span_of(ref)]
        span.note = "\n".join(filter(None, [span.note, note]))


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
        if set(relation.attributes) - {"note"}:
            report.lose_link(layer, relation, "link attributes", "brat links have no attributes")
        lines.append(
            f"R{relation_count}\t{relation.label} Arg1:{t_of[relation.head_id]} "
            f"Arg2:{t_of[relation.child_id]}"
        )
        link_note = relation.attributes.get("note")
        if isinstance(link_note, str) and link_note:
            note += 1
            lines.append(f"#{note}\tAnnotatorNotes R{relation_count}\t{_one_line(link_note)}")
    return lines


HOLDS = Holds(
    "brat standoff",
    span_attributes=True,
    span_notes=True,
    links=True,
    link_attributes=True,
    statuses=True,
    document_meta=True,
    document_note=True,
)
"""What brat holds, with ``annotator-layers.json`` (annotator, status, title, metadata
and note of each file); the writer reports link attributes other than ``note`` and
values an ``A`` line cannot hold, the export the rest."""


def export_brat(
    project: Project, out: str | Path, *, chosen: ExportFilter | None = None, progress=None
) -> ExportReport:
    """Write ``.txt`` + ``.ann`` pairs and the layers file into the folder ``out``
    (created if missing; the files appear only when the whole export succeeded)."""
    report = ExportReport(format="brat", path=str(out), holds=HOLDS)
    layers: dict[str, dict[str, Any]] = {}
    with atomic_folder(out) as folder:
        folder.name(SIDECAR.removesuffix(".json"))  # no pair may take the layers file's name
        for n, layer in enumerate(select_layers(project, chosen, report), 1):
            stem = folder.name(f"{layer.document.title}.{layer.annotator}")
            layers[f"{stem}.ann"] = {
                "title": layer.document.title,
                "annotator": layer.annotator,
                "status": layer.status,
                "answer": layer.answer,
                "lang": layer.document.lang,
                "meta": layer.document.meta,
                "note": layer.document.note,
            }
            folder.write(f"{stem}.txt", layer.document.text.encode("utf-8"))
            lines = _ann_lines(layer, report)  # a layer with nothing marked: an empty file
            folder.write(f"{stem}.ann", "".join(f"{line}\n" for line in lines).encode())
            report.records += 1
            report.spans += len(layer.spans)
            report.relations += sum(r.label != CONTINUES for r in layer.relations)
            if progress is not None:
                progress(n)
        sidecar = {"format": SIDECAR_FORMAT, "version": 1, "files": layers}
        folder.write(
            SIDECAR, orjson.dumps(sidecar, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        )
    return report
