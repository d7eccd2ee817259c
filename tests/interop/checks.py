"""What outside readers should make of our exports, and what they do make of them:
shared by the interop tests and ``scripts/interop.py``. Expected values come from the
project and the export report (what a format cannot hold is in ``report.lost``), never
from reading our own files back with our own readers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import spacy
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities
from spacy.tokens import DocBin

from annotator.core.project import Project
from annotator.formats.conll import DOCSTART
from annotator.formats.export import ExportFilter, ExportReport, select_layers
from annotator.formats.writers import export
from annotator.model.imports import DocumentIn, RelationIn, SpanIn

Entity = tuple[int, str, int, int]
"""(layer number from 0, label, first token, end token) over a layer's tokens."""


def conll_report(project: Project, labels: list[str] | None) -> ExportReport:
    """The report of a CoNLL export of these labels (all if ``None``)."""
    chosen = ExportFilter(labels=tuple(labels)) if labels else None
    with tempfile.TemporaryDirectory() as tmp:
        return export(project, "conll", Path(tmp) / "x.conll", chosen=chosen)


def expected_conll(
    project: Project, labels: list[str] | None, *, last_only: bool = False
) -> tuple[list[list[str]], set[Entity]]:
    """Per layer its tokens (whitespace tokens left out), and the entities a CoNLL
    export of ``labels`` holds: every span of those labels that the report does not
    list as lost. ``last_only``: only the last label's (the column CoNLL-2003 readers
    take as the entities)."""
    labels = labels or project.schema.label_names
    lost = {(x.document_id, x.item) for x in conll_report(project, labels).lost}
    words: list[list[str]] = []
    entities: set[Entity] = set()
    for number, layer in enumerate(select_layers(project, ExportFilter(labels=tuple(labels)))):
        tokens = [t for t in project.spacy_doc(layer.document.id) if not t.is_space]
        words.append([t.text for t in tokens])
        for span in layer.spans:
            key = (span.annotator, span.label, span.start, span.end)
            if span.label not in labels or (layer.document.id, key) in lost:
                continue
            if last_only and span.label != labels[-1]:
                continue
            inside = [i for i, t in enumerate(tokens) if span.start <= t.idx < span.end]
            entities.add((number, span.label, inside[0], inside[-1] + 1))
    return words, entities


def spacy_converted(path: Path) -> tuple[list[list[str]], set[Entity]]:
    """Tokens and entities of the docs ``spacy convert`` wrote (a ``.spacy`` file)."""
    docs = list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))
    words = [[t.text for t in doc] for doc in docs]
    entities = {(n, e.label_, e.start, e.end) for n, doc in enumerate(docs) for e in doc.ents}
    return words, entities


def conll_layers(path: Path) -> list[list[list[list[str]]]]:
    """A CoNLL file as layers of sentences of rows, split the way CoNLL-2003 readers
    split it (on the ``-DOCSTART-`` line, blank lines, whitespace)."""
    layers = []
    for block in path.read_text("utf-8").split(DOCSTART):
        sentences = [
            [line.split() for line in part.split("\n") if line.strip()]
            for part in block.strip().split("\n\n")
        ]
        if any(sentences):
            layers.append([s for s in sentences if s])
    return layers


def seqeval_entities(path: Path) -> tuple[set[Entity], set[Entity]]:
    """The entities seqeval finds in every tag column of a CoNLL file: strictly (IOB2
    scheme, invalid sequences give nothing) and with its lenient decoder."""
    strict: set[Entity] = set()
    lenient: set[Entity] = set()
    for number, sentences in enumerate(conll_layers(path)):
        for column in range(1, len(sentences[0][0])):
            tags = [[row[column] for row in sentence] for sentence in sentences]
            offset = 0
            for sentence, entities in zip(tags, Entities(tags, IOB2).entities, strict=True):
                for entity in entities:
                    strict.add((number, entity.tag, offset + entity.start, offset + entity.end))
                for label, start, end in get_entities(sentence):
                    lenient.add((number, label, offset + start, offset + end + 1))
                offset += len(sentence)
    return strict, lenient


# -- brat ---------------------------------------------------------------------------------

BratEntity = tuple[str, str, int, int, str]
"""(document text, label, start, end, the entity's stated text)."""
BratRelation = tuple[str, str, tuple[str, int, int], tuple[str, int, int]]


def expected_brat(project: Project) -> tuple[set[BratEntity], set[BratRelation]]:
    """Every span and link of the project as brat holds them (brat has no annotator:
    each layer is its own file pair)."""
    entities, relations = set(), set()
    for layer in select_layers(project, None):
        text = layer.document.text
        by_id = {span.id: span for span in layer.spans}
        for span in layer.spans:
            entities.add((text, span.label, span.start, span.end, text[span.start : span.end]))
        for link in layer.relations:
            head, child = by_id[link.head_id], by_id[link.child_id]
            relations.add(
                (
                    text,
                    link.label,
                    (head.label, head.start, head.end),
                    (child.label, child.start, child.end),
                )
            )
    return entities, relations


def brat_from_reader(
    folder: Path, documents: dict[str, dict]
) -> tuple[set[BratEntity], set[BratRelation]]:
    """The same from what a brat reader made of a folder: ``{ann file: {"entities":
    {id: [label, [[start, end]], text]}, "relations": [[label, head id, child id]]}}``;
    the texts are read from the ``.txt`` files byte for byte."""
    entities, relations = set(), set()
    for name, document in documents.items():
        text = (folder / name).with_suffix(".txt").read_bytes().decode("utf-8")
        found = document["entities"]
        for label, fragments, stated in found.values():
            (start, end), *more = fragments
            if more:
                raise ValueError(f"{name}: a discontinuous entity: {fragments}")
            entities.add((text, label, start, end, stated))
        for label, head, child in document["relations"]:
            (head_label, ((hs, he),), _), (child_label, ((cs, ce),), _) = found[head], found[child]
            relations.add((text, label, (head_label, hs, he), (child_label, cs, ce)))
    return entities, relations


def bratly_documents(folder: Path) -> dict[str, dict]:
    """Every ``.ann`` of a folder read by bratly, which checks each line against the
    brat grammar (and raises on a line that does not fit)."""
    from bratly import EntityAnnotation, RelationAnnotation
    from bratly.io import parse_ann_file
    from bratly.io.file_read_src import parse_and_fix_ann_grammar

    documents = {}
    for ann in sorted(folder.rglob("*.ann")):
        content = parse_and_fix_ann_grammar(ann.read_bytes().decode("utf-8"))
        collection = parse_ann_file(
            content, str(ann), no_duplicates=False, sorting=False, renumerotize=False
        )
        parsed = collection.get_annotations()
        lines = [line for line in content.split("\n") if line.strip()]
        if len(parsed) != len(lines):
            raise ValueError(f"{ann}: bratly read {len(parsed)} of {len(lines)} lines")
        documents[str(ann.relative_to(folder))] = {
            "entities": {
                a.id: [a.label, [[f.start, f.end] for f in a.fragments], a.content]
                for a in parsed
                if isinstance(a, EntityAnnotation)
            },
            "relations": [
                [a.label, a.argument1[1].id, a.argument2[1].id]
                for a in parsed
                if isinstance(a, RelationAnnotation)
            ],
        }
    return documents


# -- doccano ------------------------------------------------------------------------------


def expected_doccano(project: Project) -> tuple[set[tuple], set[tuple]]:
    """(record id, label, start, end) of every span and (record id, type, head span,
    child span) of every link, records numbered from 1 in export order."""
    spans, links = set(), set()
    for number, layer in enumerate(select_layers(project, None), 1):
        by_id = {span.id: span for span in layer.spans}
        for span in layer.spans:
            spans.add((number, span.label, span.start, span.end))
        for link in layer.relations:
            head, child = by_id[link.head_id], by_id[link.child_id]
            links.add(
                (
                    number,
                    link.label,
                    (head.label, head.start, head.end),
                    (child.label, child.start, child.end),
                )
            )
    return spans, links


def doccano_from_reader(parsed: dict) -> tuple[set[tuple], set[tuple]]:
    """The same from what doccano's label makers gave (``interop_readers.py``):
    ``spans`` as [record, id, label, start, end], ``links`` as [record, type, from, to]."""
    by_id = {(record, i): (label, s, e) for record, i, label, s, e in parsed["spans"]}
    spans = {(record, label, s, e) for record, _, label, s, e in parsed["spans"]}
    links = {
        (record, kind, by_id[(record, head)], by_id[(record, child)])
        for record, kind, head, child in parsed["links"]
    }
    return spans, links


def news_records(count: int) -> list[DocumentIn]:
    """``count`` short generated news articles, each with a claim and its source linked
    (for loading a large export with an outside reader)."""
    records = []
    for n in range(count):
        source = f"The minister of region {n}"
        claim = f"the harbour {n} will reopen on day {n % 28 + 1}"
        text = f"{source} said on Tuesday that {claim}, officials confirmed."
        spans = [
            SpanIn(0, len(source), "source", "ana"),
            SpanIn(text.index(claim), text.index(claim) + len(claim), "claim", "ana"),
        ]
        records.append(
            DocumentIn(
                text=text,
                title=f"Article {n}",
                where=f"generated:{n}",
                spans=spans,
                relations=[RelationIn(1, 0, "attributed_to", "ana")],
            )
        )
    return records
